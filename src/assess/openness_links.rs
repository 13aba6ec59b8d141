//! The links a card holds that openness evidence sits behind: code repositories (GitHub, GitLab,
//! Hugging Face Spaces) in the prose and in the metadata (`repository`, `code`, `github` fields),
//! papers (the `arxiv:` tags the Hub adds, arxiv.org links, DOIs), and what a repository's
//! file tree says about its contents (training scripts, configs, preprocessing, evaluation).
//! Generic frameworks (PyTorch, Transformers) are not a model's own code and are left out.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use regex::Regex;

use crate::linked::{PaperRef, RepoHost, RepoLink, valid_doi};
use crate::snapshot::ModelInfo;

/// The most repositories and papers one model's look-ups follow.
pub const MAX_REPOS: usize = 4;
pub const MAX_PAPERS: usize = 4;

/// Repositories that are frameworks or tools, not a model's own code.
const FRAMEWORKS: &[&str] = &[
    "pytorch/pytorch",
    "huggingface/transformers",
    "huggingface/accelerate",
    "huggingface/peft",
    "huggingface/trl",
    "huggingface/text-generation-inference",
    "huggingface/huggingface_hub",
    "huggingface/optimum",
    "microsoft/deepspeed",
    "google/jax",
    "tensorflow/tensorflow",
    "vllm-project/vllm",
    "ggerganov/llama.cpp",
    "ggml-org/llama.cpp",
    "ollama/ollama",
    "nvidia/megatron-lm",
    "eleutherai/lm-evaluation-harness",
];

/// Path segments that are not a repository's owner (GitHub's own pages).
const NOT_OWNERS: &[&str] = &[
    "orgs",
    "features",
    "topics",
    "sponsors",
    "marketplace",
    "settings",
    "login",
    "about",
];

fn repo_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)https?://(?:www\.)?(github\.com|gitlab\.com|huggingface\.co/spaces)/([A-Za-z0-9_.\-]+)/([A-Za-z0-9_.\-]+)",
        )
        .expect("regex")
    })
}

fn arxiv_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // arXiv's own DOIs (`10.48550/arXiv.2204.06745`, registered with DataCite) are arXiv ids.
        Regex::new(
            r"(?i)(?:arxiv\.org/(?:abs|pdf)/|huggingface\.co/papers/|arxiv:\s?|10\.48550/arxiv\.)(\d{4}\.\d{4,5})",
        )
        .expect("regex")
    })
}

/// DOIs in links (`doi.org/…`, `dx.doi.org/…`), `doi:` citations and Nature article pages
/// (whose path is the DOI's suffix under 10.1038). Crossref's recommended pattern, the
/// trailing punctuation of a sentence left out.
fn doi_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?:doi\.org/|doi:\s?|(nature\.com/articles/))(10\.\d{4,9}/[-._;()/:a-z0-9]*[a-z0-9]|[a-z][-a-z0-9._]*[a-z0-9])",
        )
        .expect("regex")
    })
}

/// DOI prefixes registered with DataCite, not Crossref, that name no paper: the Hub's own DOIs
/// for repositories (10.57967), Zenodo's records of software and data (10.5281), and arXiv's
/// (10.48550, read as arXiv ids instead).
const NOT_PAPERS: &[&str] = &["10.57967/", "10.5281/", "10.48550/"];

/// The paper DOIs a text cites, in order, lower-cased (DOIs are case-insensitive), without
/// repeats or DataCite records of repositories and software.
pub fn dois_in(text: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    doi_regex()
        .captures_iter(text)
        .filter_map(|c| {
            let found = c[2].to_ascii_lowercase();
            match (c.get(1).is_some(), found.starts_with("10.")) {
                // A Nature page's path is the DOI suffix; a path that is itself a DOI is not.
                (true, false) => Some(format!("10.1038/{found}")),
                (false, true) => Some(found),
                _ => None,
            }
        })
        .filter(|d| valid_doi(d) && !NOT_PAPERS.iter().any(|p| d.starts_with(p)))
        .filter(|d| seen.insert(d.clone()))
        .collect()
}

/// A repository link parsed from a URL, or None for a framework, a GitHub page or a bad path.
fn repo_link(host: &str, owner: &str, name: &str) -> Option<RepoLink> {
    let name = name.trim_end_matches(".git").trim_end_matches('.');
    if owner.starts_with('.') || name.is_empty() || name.starts_with('.') {
        return None;
    }
    let host = match host.to_ascii_lowercase().as_str() {
        "github.com" => RepoHost::Github,
        "gitlab.com" => RepoHost::Gitlab,
        _ => RepoHost::Space,
    };
    let path = format!("{owner}/{name}");
    let lower = path.to_ascii_lowercase();
    if host != RepoHost::Space
        && (FRAMEWORKS.contains(&lower.as_str())
            || NOT_OWNERS.contains(&owner.to_ascii_lowercase().as_str()))
    {
        return None;
    }
    Some(RepoLink { host, path })
}

/// The code repositories a text links, in order of appearance, without repeats.
pub fn repos_in(text: &str) -> Vec<RepoLink> {
    let mut seen = BTreeSet::new();
    repo_regex()
        .captures_iter(text)
        .filter_map(|c| repo_link(&c[1], &c[2], &c[3]))
        .filter(|l| seen.insert((l.host, l.path.to_ascii_lowercase())))
        .collect()
}

/// The arXiv ids a text cites, in order, without repeats.
pub fn arxiv_in(text: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    arxiv_regex()
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

/// Metadata fields that name a code repository.
const REPO_FIELDS: &[&str] = &["repository", "repo", "code", "github", "code_repository"];

/// The links behind a model's card: code repositories (metadata fields first, then the prose)
/// and papers (the Hub's `arxiv:` tags first, then arXiv ids in the prose, then DOIs in the
/// tags and the prose), each at most its budget.
pub fn links(info: &ModelInfo, body: Option<&str>) -> (Vec<RepoLink>, Vec<PaperRef>) {
    let mut text = String::new();
    if let Some(card) = info.card_data.as_ref().and_then(|c| c.as_object()) {
        for field in REPO_FIELDS {
            match card.get(*field) {
                Some(serde_json::Value::String(s)) => text.push_str(s),
                Some(serde_json::Value::Array(a)) => {
                    for s in a.iter().filter_map(|v| v.as_str()) {
                        text.push_str(s);
                        text.push('\n');
                    }
                }
                _ => {}
            }
            text.push('\n');
        }
    }
    text.push_str(body.unwrap_or(""));
    let mut repos = repos_in(&text);
    repos.truncate(MAX_REPOS);
    let mut papers: Vec<String> = info
        .tags
        .iter()
        .filter_map(|t| t.strip_prefix("arxiv:"))
        .filter(|id| arxiv_in(&format!("arxiv:{id}")).len() == 1)
        .map(str::to_string)
        .collect();
    for id in arxiv_in(body.unwrap_or("")) {
        if !papers.contains(&id) {
            papers.push(id);
        }
    }
    let tags: Vec<String> = info
        .tags
        .iter()
        .filter(|t| t.starts_with("doi:"))
        .cloned()
        .collect();
    let dois = dois_in(&format!("{}\n{}", tags.join("\n"), body.unwrap_or("")));
    let mut papers: Vec<PaperRef> = papers
        .into_iter()
        .map(PaperRef::Arxiv)
        .chain(dois.into_iter().map(PaperRef::Doi))
        .collect();
    papers.truncate(MAX_PAPERS);
    (repos, papers)
}

/// What a repository's tree shows, by kind of code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TreeFindings {
    /// Training scripts (`train.py`, `scripts/pretrain.sh`, `training/…`).
    pub training: Vec<String>,
    /// Training configurations (`configs/…yaml` next to training code).
    pub configs: Vec<String>,
    /// Data preprocessing code (`preprocess…`, `tokenize…`, `data_prep…`, `dedup…`).
    pub preprocessing: Vec<String>,
    /// Evaluation code (`eval…`, `evaluation/…`, `benchmark…`).
    pub evaluation: Vec<String>,
    /// Inference code (`inference…`, `generate…`, `serve…`, `demo…`).
    pub inference: Vec<String>,
}

const CODE_EXT: &[&str] = &[
    ".py", ".sh", ".ipynb", ".rs", ".cpp", ".cu", ".jl", ".lua", ".scala",
];
const CONFIG_EXT: &[&str] = &[".yaml", ".yml", ".json", ".toml", ".gin", ".cfg"];

/// At most this many example paths are kept per kind (the report cites examples, not trees).
const EXAMPLES: usize = 5;

/// Sorts a repository's paths into kinds of code. A path counts when its name (file or folder)
/// says what it is and it is code (or, for configs, a config file under a training or config
/// folder); tests, docs and vendored third-party folders are skipped.
pub fn classify_tree(paths: &[String]) -> TreeFindings {
    let mut f = TreeFindings::default();
    for path in paths {
        let lower = path.to_ascii_lowercase();
        if lower.split('/').any(|s| {
            matches!(
                s,
                "test" | "tests" | "docs" | "doc" | "third_party" | "vendor" | "node_modules"
            )
        }) {
            continue;
        }
        let code = CODE_EXT.iter().any(|e| lower.ends_with(e));
        let config = CONFIG_EXT.iter().any(|e| lower.ends_with(e));
        let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        let push = |v: &mut Vec<String>| {
            if v.len() < EXAMPLES {
                v.push(path.clone());
            }
        };
        // Training code, not a fine-tuning example: a `finetune.py` beside a released model
        // does not show how the model itself was trained.
        if code && has(&["train"]) && !has(&["finetun", "fine_tun", "fine-tun"]) {
            push(&mut f.training);
        } else if config && has(&["train", "pretrain", "config"]) && !lower.starts_with('.') {
            push(&mut f.configs);
        }
        if code
            && has(&[
                "preprocess",
                "tokeniz",
                "data_prep",
                "dataprep",
                "dedup",
                "filter_data",
                "prepare_data",
                "clean",
            ])
        {
            push(&mut f.preprocessing);
        }
        if code && has(&["eval", "benchmark"]) {
            push(&mut f.evaluation);
        }
        if code && has(&["inference", "generate", "serve", "demo", "chat", "predict"]) {
            push(&mut f.inference);
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_skip_frameworks_and_github_pages() {
        let text = "Code: https://github.com/EleutherAI/pythia and https://github.com/huggingface/transformers, \
                    https://github.com/orgs/allenai, https://gitlab.com/acme/models.git and \
                    https://huggingface.co/spaces/acme/demo; again https://github.com/eleutherai/pythia.";
        let got: Vec<String> = repos_in(text).iter().map(RepoLink::url).collect();
        assert_eq!(
            got,
            [
                "https://github.com/EleutherAI/pythia",
                "https://gitlab.com/acme/models",
                "https://huggingface.co/spaces/acme/demo"
            ]
        );
    }

    /// DOIs as real cards cite them: UNI's Nature Medicine paper by its doi.org link and its
    /// article page, GPT-NeoX-20B's arXiv DOI, the Hub's own repository DOI tag, a Zenodo
    /// software record, and a path that climbs out of the API's folder.
    #[test]
    fn dois_from_links_and_citations() {
        let text = "Nat Med (2024). https://doi.org/10.1038/s41591-024-02857-3\n\
                    [Journal](https://www.nature.com/articles/s41591-024-02857-3) \
                    doi:10.57967/hf/0039 https://doi.org/10.5281/zenodo.5297715 \
                    (https://doi.org/10.18653/v1/2022.bigscience-1.9). doi.org/10.1/../../admin";
        assert_eq!(
            dois_in(text),
            [
                "10.1038/s41591-024-02857-3",
                "10.18653/v1/2022.bigscience-1.9"
            ]
        );
        let info = ModelInfo {
            tags: vec!["doi:10.57967/hf/0039".into()],
            ..ModelInfo::default()
        };
        let (_, papers) = links(
            &info,
            Some(
                "See https://doi.org/10.48550/arxiv.2204.06745 and https://doi.org/10.1038/S41591-024-02857-3.",
            ),
        );
        assert_eq!(
            papers,
            [
                PaperRef::Arxiv("2204.06745".into()),
                PaperRef::Doi("10.1038/s41591-024-02857-3".into())
            ]
        );
    }

    #[test]
    fn papers_from_tags_and_prose() {
        let info = ModelInfo {
            tags: vec!["arxiv:2304.01373".into(), "arxiv:../x".into()],
            ..ModelInfo::default()
        };
        let (_, papers) = links(
            &info,
            Some("See https://arxiv.org/abs/2101.00027v2 and arXiv:2304.01373."),
        );
        assert_eq!(
            papers,
            [
                PaperRef::Arxiv("2304.01373".into()),
                PaperRef::Arxiv("2101.00027".into())
            ]
        );
    }

    #[test]
    fn a_tree_shows_training_code() {
        let paths: Vec<String> = [
            "README.md",
            "scripts/train.py",
            "examples/finetune.py",
            "configs/pretrain/7b.yaml",
            "tools/preprocess_data.py",
            "eval/run_eval.py",
            "tests/test_train.py",
            "generate.py",
        ]
        .map(String::from)
        .to_vec();
        let f = classify_tree(&paths);
        assert_eq!(f.training, ["scripts/train.py"]);
        assert_eq!(f.configs, ["configs/pretrain/7b.yaml"]);
        assert_eq!(f.preprocessing, ["tools/preprocess_data.py"]);
        assert_eq!(f.evaluation, ["eval/run_eval.py"]);
        assert_eq!(f.inference, ["generate.py"]);
        assert_eq!(classify_tree(&["app.py".into()]), TreeFindings::default());
    }
}
