//! The openness look-ups behind a card, for the auditor: the code repositories and papers (arXiv,
//! or Crossref for a DOI) the card links and the cards of the datasets it names (at most
//! `MAX_REPOS`, `MAX_PAPERS` and `MAX_DATA_CARDS` a model, each looked up once per run however
//! many models link it) and the public indexes' data (loaded once per run, from the cache when
//! recent or offline). Each host has its own client, endpoint and token; nothing is
//! sent offline or for a local audit without `--lookups`; a failed look-up is reported with the
//! link, never fatal.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::future::join_all;
use tokio::sync::OnceCell;

use crate::assess::data_card::{self, DataCard};
use crate::assess::datasets::DatasetLookup;
use crate::assess::openness_links;
use crate::hub::token::Token;
use crate::hub::{ClientConfig, HubClient, SourceError, github, indexes, papers};
use crate::linked::{
    DataCardLookup, IndexData, IndexName, LinkedEvidence, PaperFacts, PaperLookup, PaperRef,
    RepoFacts, RepoLink, RepoLookup,
};

/// Data cards read a model at most: a card naming fifty datasets costs four requests.
pub const MAX_DATA_CARDS: usize = 4;
use crate::rules::RuleSet;
use crate::snapshot::Snapshot;

type Shared<T> = Arc<OnceCell<Arc<T>>>;
/// What a data card says, or why it could not be read.
type CardSections = Result<DataCard, String>;

/// Where the look-ups go (each configurable, for tests and mirrors).
#[derive(Debug, Clone)]
pub struct LinkConfig {
    pub github_endpoint: String,
    pub github_token: Option<Token>,
    pub gitlab_endpoint: String,
    pub arxiv_endpoint: String,
    /// Crossref's API, for papers cited by DOI.
    pub crossref_endpoint: String,
    /// The Model Openness Tool's records listing; None: not used.
    pub mot_url: Option<String>,
    /// The European Open Source AI Index's records listing; None: not used.
    pub osai_url: Option<String>,
}

impl Default for LinkConfig {
    fn default() -> LinkConfig {
        LinkConfig {
            github_endpoint: "https://api.github.com".into(),
            github_token: None,
            gitlab_endpoint: "https://gitlab.com".into(),
            arxiv_endpoint: papers::DEFAULT_ENDPOINT.into(),
            crossref_endpoint: papers::CROSSREF_ENDPOINT.into(),
            mot_url: Some(indexes::MOT_URL.into()),
            osai_url: Some(indexes::OSAI_URL.into()),
        }
    }
}

/// The clients and the shared look-ups of one auditor.
#[derive(Debug)]
pub struct Links {
    base: ClientConfig,
    cfg: LinkConfig,
    github: HubClient,
    gitlab: HubClient,
    arxiv: HubClient,
    crossref: HubClient,
    repos: Mutex<HashMap<RepoLink, Shared<Result<RepoFacts, String>>>>,
    data_cards: Mutex<HashMap<String, Shared<CardSections>>>,
    papers: Mutex<HashMap<PaperRef, Shared<Result<PaperFacts, String>>>>,
    indexes: OnceCell<Vec<Arc<IndexData>>>,
    /// The indexes as the cache alone holds them, for look-ups that may send no request.
    cached_indexes: OnceCell<Vec<Arc<IndexData>>>,
    index_errors: Mutex<Vec<String>>,
}

/// A client configuration for another source: the Hub's limits, retries and offline flag,
/// this source's endpoint and token, and its own folder in the same cache.
pub(crate) fn source_config(
    base: &ClientConfig,
    endpoint: &str,
    token: Option<Token>,
) -> ClientConfig {
    let mut cfg = base.clone();
    cfg.endpoint = endpoint.trim_end_matches('/').to_string();
    cfg.token = token;
    cfg.cache = base.cache.as_ref().map(|c| c.for_endpoint(&cfg.endpoint));
    cfg.accept = None;
    cfg.redirect_any_host = false;
    cfg
}

fn client(
    base: &ClientConfig,
    endpoint: &str,
    token: Option<Token>,
) -> Result<HubClient, SourceError> {
    HubClient::new(source_config(base, endpoint, token))
}

fn cell<K: std::hash::Hash + Eq + Clone, T>(
    map: &Mutex<HashMap<K, Shared<T>>>,
    key: &K,
) -> Shared<T> {
    let mut m = map.lock().unwrap_or_else(|p| p.into_inner());
    m.entry(key.clone()).or_default().clone()
}

impl Links {
    pub fn new(base: &ClientConfig, cfg: LinkConfig) -> Result<Links, SourceError> {
        Ok(Links {
            github: client(base, &cfg.github_endpoint, cfg.github_token.clone())?,
            gitlab: client(base, &cfg.gitlab_endpoint, None)?,
            arxiv: client(base, &cfg.arxiv_endpoint, None)?,
            crossref: client(base, &cfg.crossref_endpoint, None)?,
            base: base.clone(),
            cfg,
            repos: Mutex::default(),
            data_cards: Mutex::default(),
            papers: Mutex::default(),
            indexes: OnceCell::new(),
            cached_indexes: OnceCell::new(),
            index_errors: Mutex::default(),
        })
    }

    /// The indexes' data, loaded once per run; an index that cannot be loaded is left out and
    /// its error kept for the notes. `net` false: from the cache alone (a local audit without
    /// `--lookups` sends no request).
    async fn indexes(&self, net: bool) -> Vec<Arc<IndexData>> {
        let (cell, base) = if net {
            (&self.indexes, self.base.clone())
        } else {
            let mut cached = self.base.clone();
            cached.offline = true;
            (&self.cached_indexes, cached)
        };
        cell.get_or_init(|| async {
            let mut out = Vec::new();
            for (index, url) in [
                (IndexName::ModelOpennessTool, &self.cfg.mot_url),
                (IndexName::OsaiIndex, &self.cfg.osai_url),
            ] {
                let Some(url) = url else { continue };
                match indexes::load(&base, index, url).await {
                    Ok(d) => out.push(d),
                    Err(e) => self
                        .index_errors
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(format!("{}: {e}", index.as_str())),
                }
            }
            out
        })
        .await
        .clone()
    }

    /// Why an index could not be loaded, for the notes.
    pub fn index_errors(&self) -> Vec<String> {
        self.index_errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The look-ups for one model. `datasets`: the datasets the audit looked up for it, whose
    /// cards are read. `net`: requests may be sent (else the indexes come from the cache alone,
    /// and links are not followed).
    pub async fn gather(
        &self,
        snap: &Snapshot,
        body: Option<&str>,
        datasets: &[DatasetLookup],
        hub: &HubClient,
        rules: &RuleSet,
        net: bool,
    ) -> LinkedEvidence {
        let indexes = self.indexes(net).await;
        let (repos, papers) = openness_links::links(&snap.info, body);
        let unavailable_indexes = self.index_errors();
        if !net {
            return LinkedEvidence {
                indexes,
                unavailable_indexes,
                enabled: true,
                skipped: (!repos.is_empty() || !papers.is_empty()).then(|| {
                    "no request is sent offline or for a local audit without --lookups".into()
                }),
                ..LinkedEvidence::default()
            };
        }
        let repo_lookups = join_all(repos.into_iter().map(|link| async move {
            let c = cell(&self.repos, &link);
            let r = c
                .get_or_init(|| async {
                    Arc::new(
                        github::repo(&link, &self.github, &self.gitlab, hub, rules)
                            .await
                            .map_err(|e| format!("{}: {e}", e.kind())),
                    )
                })
                .await
                .clone();
            RepoLookup {
                link,
                result: (*r).clone(),
            }
        }));
        let paper_lookups = join_all(papers.into_iter().map(|paper| async move {
            let c = cell(&self.papers, &paper);
            let r = c
                .get_or_init(|| async {
                    let found = match &paper {
                        PaperRef::Arxiv(id) => papers::arxiv(&self.arxiv, id).await,
                        PaperRef::Doi(doi) => papers::crossref(&self.crossref, doi).await,
                    };
                    Arc::new(found.map_err(|e| format!("{}: {e}", e.kind())))
                })
                .await
                .clone();
            PaperLookup {
                paper,
                result: (*r).clone(),
            }
        }));
        let card_lookups = join_all(datasets.iter().take(MAX_DATA_CARDS).map(|d| async move {
            let id = d.id.clone();
            let c = cell(&self.data_cards, &id);
            let r = c
                .get_or_init(|| async {
                    Arc::new(match hub.dataset_file(&id, "README.md").await {
                        Ok(body) if body.truncated => Err(format!(
                            "the data card is larger than {} bytes; not read",
                            body.bytes.len()
                        )),
                        Ok(body) => Ok(data_card::read(
                            &id,
                            &String::from_utf8_lossy(&body.bytes),
                            rules,
                        )),
                        Err(e) => Err(format!("{}: {e}", e.kind())),
                    })
                })
                .await
                .clone();
            DataCardLookup {
                dataset: id,
                result: (*r).clone(),
            }
        }));
        let (repos, papers, data_cards) = tokio::join!(repo_lookups, paper_lookups, card_lookups);
        LinkedEvidence {
            repos,
            papers,
            data_cards,
            indexes,
            skipped: None,
            unavailable_indexes,
            enabled: true,
        }
    }
}
