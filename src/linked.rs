//! What the links behind a card hold, as the look-ups found it: the code repositories a card
//! links (their license and whether their tree holds training code), the papers it cites (arXiv
//! ids and DOIs), the data cards of the datasets it names, and the public openness indexes'
//! records. Plain data, filled by the fetchers in `hub` and read by the openness judgement in
//! `assess`; every string in it came from a server and is untrusted.

use crate::vocab::{Evidence, Verdict};

/// Where a code repository is hosted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RepoHost {
    Github,
    Gitlab,
    /// A Hugging Face Space (an app; it can hold code).
    Space,
}

impl RepoHost {
    pub fn as_str(self) -> &'static str {
        match self {
            RepoHost::Github => "github",
            RepoHost::Gitlab => "gitlab",
            RepoHost::Space => "huggingface-space",
        }
    }
}

/// A code repository the card links: its host and its path there (`owner/name`; GitLab may
/// nest groups).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RepoLink {
    pub host: RepoHost,
    pub path: String,
}

impl RepoLink {
    /// The canonical web address of the repository.
    pub fn url(&self) -> String {
        match self.host {
            RepoHost::Github => format!("https://github.com/{}", self.path),
            RepoHost::Gitlab => format!("https://gitlab.com/{}", self.path),
            RepoHost::Space => format!("https://huggingface.co/spaces/{}", self.path),
        }
    }
}

/// What a linked repository's host said about it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RepoFacts {
    /// The license the host names (an SPDX id for GitHub's `license.spdx_id`), or the id our own
    /// rules gave the LICENSE text when the host names none.
    pub license: Option<String>,
    /// Where the license was read: `"github license api"`, `"LICENSE text"`, …
    pub license_source: Option<String>,
    /// Every path in the repository's tree (bounded by the fetcher).
    pub paths: Vec<String>,
    /// The host said the tree listing was cut short.
    pub tree_truncated: bool,
}

/// One linked repository and what its look-up gave (or why it gave nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct RepoLookup {
    pub link: RepoLink,
    pub result: Result<RepoFacts, String>,
}

/// A paper the card cites, as its source described it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PaperFacts {
    /// The paper's title at the source; its presence means the paper exists.
    pub title: String,
    /// The license the source states for the paper (arXiv's license URL, the license Crossref
    /// records for the version of record), when it states one.
    pub license_url: Option<String>,
}

/// A paper a card cites, by the identifier its source looks it up by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PaperRef {
    /// An arXiv id (`2304.01373`), looked up in arXiv's API.
    Arxiv(String),
    /// A DOI (`10.1038/s41591-024-02857-3`), looked up in Crossref's API.
    Doi(String),
}

impl PaperRef {
    /// The paper's canonical web address.
    pub fn url(&self) -> String {
        match self {
            PaperRef::Arxiv(id) => format!("https://arxiv.org/abs/{id}"),
            PaperRef::Doi(doi) => format!("https://doi.org/{doi}"),
        }
    }

    /// The source that describes it, for the report's words.
    pub fn source(&self) -> &'static str {
        match self {
            PaperRef::Arxiv(_) => "arXiv",
            PaperRef::Doi(_) => "Crossref",
        }
    }
}

/// A DOI safe to put in a request path: no `.` or `..` segment, no query or fragment, bounded.
pub fn valid_doi(doi: &str) -> bool {
    doi.starts_with("10.")
        && doi.len() <= 200
        && doi.contains('/')
        && !doi
            .split('/')
            .any(|seg| seg == ".." || seg == "." || seg.is_empty())
        && doi
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._;()/:".contains(&b))
}

/// A paper the card cites, and what its look-up gave.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperLookup {
    pub paper: PaperRef,
    pub result: Result<PaperFacts, String>,
}

/// Which public index a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IndexName {
    /// The Model Openness Tool (LF AI & Data), models/*.yml, MIT.
    ModelOpennessTool,
    /// The European Open Source AI Index (osai-index.eu), CC-BY-4.0.
    OsaiIndex,
}

impl IndexName {
    pub fn as_str(self) -> &'static str {
        match self {
            IndexName::ModelOpennessTool => "model-openness-tool",
            IndexName::OsaiIndex => "osai-index",
        }
    }

    /// What a report must say when it cites the index's data.
    pub fn attribution(self) -> &'static str {
        match self {
            IndexName::ModelOpennessTool => {
                "Model Openness Tool data, LF AI & Data (github.com/lfai/model_openness_tool, MIT)"
            }
            IndexName::OsaiIndex => {
                "European Open Source AI Index (https://osai-index.eu/), CC-BY-4.0; Liesenfeld \
                 and Dingemanse, FAccT 2024, doi:10.5281/zenodo.15386042"
            }
        }
    }
}

/// One record file of an index, as fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexRecord {
    /// The record's file name in the index (`Pythia-70M.yml`).
    pub file: String,
    /// Its YAML text (bounded by the fetcher).
    pub text: String,
}

/// An index's data as isopen holds it: where it came from, when it was fetched, its records.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexData {
    pub index: IndexName,
    /// Where the records were fetched from: the repository's archive or a contents listing.
    pub url: String,
    /// The day the records were fetched (`YYYY-MM-DD`, UTC).
    pub date: String,
    pub records: Vec<IndexRecord>,
}

/// Everything the look-ups behind a card found, for the openness judgement.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkedEvidence {
    pub repos: Vec<RepoLookup>,
    pub papers: Vec<PaperLookup>,
    /// The indexes available to this run (fetched or from the cache); the judgement matches the
    /// model to their records.
    pub indexes: Vec<std::sync::Arc<IndexData>>,
    /// Why the look-ups were not made, when they were not (offline, a local audit, no budget).
    pub skipped: Option<String>,
    /// The indexes that could not be loaded, and why (not fetched, offline and not cached).
    pub unavailable_indexes: Vec<String>,
    /// The look-ups were asked for (`--links`): the datasets' provenance is reported too.
    pub enabled: bool,
    /// The data cards of the datasets the card names, read for "data information".
    pub data_cards: Vec<DataCardLookup>,
}

/// What a section of a data card is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Provenance,
    Processing,
    Licensing,
}

/// A section of the card that speaks to a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub topic: Topic,
    pub heading: String,
    /// 1-based line of the heading in the README.
    pub line: usize,
    /// Words under the heading (and its subsections), placeholders left out.
    pub words: usize,
}

/// What a term in a data card's licensing section does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// It names a license the rules know.
    License,
    /// It states a restriction (non-commercial, research only, a use policy).
    Restriction,
    /// It sends the reader to other terms: the sources' own licenses, a crawl's terms of use.
    Defers,
}

/// One term a data card's licensing section states, with its verdict and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct DataTerm {
    pub kind: TermKind,
    /// The verdict on commercial use the term alone gives: a named license's, a restriction's
    /// (`prohibited` or `conditional`), `unknown` for terms deferred to and not read.
    pub verdict: Verdict,
    pub evidence: Evidence,
}

/// What a dataset's card (its README body) says: the sections that describe its data, and the
/// terms its licensing sections state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataCard {
    pub sections: Vec<Section>,
    pub terms: Vec<DataTerm>,
}

/// A dataset's card, and what reading it gave (or why it could not be read).
#[derive(Debug, Clone, PartialEq)]
pub struct DataCardLookup {
    pub dataset: String,
    pub result: Result<DataCard, String>,
}
