//! Finding the models a codebase uses, by reading its text (never running it): which kind of
//! file a name is, the references each kind holds (`code`, `notebook`, `config`, `shell`), the project's
//! own license (`project`), and what the model's terms ask of that project (`terms`). Pure:
//! the tree walk, the reads and their budgets are the shell's (the `codebase` module).
//!
//! Only a string literal that is a model id or ref is a reference: it must parse as one
//! (`model_ref::parse_text`) and not look like something else that has the same shape (a
//! file name, a MIME type, a version, a LiteLLM `provider/model` name).

pub mod code;
pub mod config;
pub mod lexer;
pub mod notebook;
pub mod project;
pub mod shell;
pub mod terms;

use std::collections::HashMap;

use crate::model_ref::{self, ModelKey, ModelRef};
pub use crate::vocab::{Declaration, SKIPPED_LISTED, ScanSummary, SkipReason, Skipped};
use crate::vocab::{Form, FoundAt};

/// One reference read in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The ref to audit, as `isopen audit` takes it (`org/name`, `ollama:NAME:TAG`).
    pub model: String,
    pub line: usize,
    pub column: usize,
    pub form: Form,
}

/// What kind of text a file holds, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Python,
    /// A Jupyter notebook: its code cells are Python.
    Notebook,
    JavaScript,
    Yaml,
    Json,
    Toml,
    Dotenv,
    /// Shell scripts, Dockerfiles and Makefiles: commands.
    Commands,
    /// Docker compose files and CI workflows: YAML holding commands.
    ComposeYaml,
    Modelfile,
}

/// The kind of a file, from its path relative to the root (`/` separators); `None` for a
/// file no reference is read from.
pub fn kind_of(path: &str) -> Option<Kind> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if lower == "modelfile" || lower.starts_with("modelfile.") || ext == "modelfile" {
        return Some(Kind::Modelfile);
    }
    if lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || ext == "dockerfile"
        || lower == "containerfile"
        || lower == "makefile"
        || ext == "mk"
    {
        return Some(Kind::Commands);
    }
    if lower == ".env" || lower.starts_with(".env.") || ext == "env" {
        return Some(Kind::Dotenv);
    }
    let workflow = path.starts_with(".github/workflows/") || path.starts_with(".gitlab-ci");
    let compose = lower.starts_with("docker-compose") || lower.starts_with("compose.");
    match ext {
        "py" | "pyi" => Some(Kind::Python),
        "ipynb" => Some(Kind::Notebook),
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" => Some(Kind::JavaScript),
        "yaml" | "yml" if workflow || compose => Some(Kind::ComposeYaml),
        "yaml" | "yml" => Some(Kind::Yaml),
        "json" => Some(Kind::Json),
        "toml" => Some(Kind::Toml),
        "sh" | "bash" | "zsh" => Some(Kind::Commands),
        _ => None,
    }
}

/// Every reference in one file's text.
pub fn find(kind: Kind, text: &str) -> Vec<Found> {
    match kind {
        Kind::Python => code::find(text, lexer::Syntax::Python),
        Kind::Notebook => notebook::find(text),
        Kind::JavaScript => code::find(text, lexer::Syntax::JavaScript),
        Kind::Yaml => config::yaml(text),
        Kind::Json => config::json(text),
        Kind::Toml => config::toml(text),
        Kind::Dotenv => config::dotenv(text),
        Kind::Commands => shell::commands(text),
        Kind::ComposeYaml => {
            let mut found = config::yaml(text);
            found.extend(shell::commands(text));
            found
        }
        Kind::Modelfile => shell::modelfile(text),
    }
}

/// How sure the form is that a string names a model, so how much of a name it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// `org/name` or a prefixed ref (`hf:`, `ollama:`, `modelscope:`): forms where a bare
    /// word is as likely to be anything else (`model: gpt-4o`).
    Slash,
    /// A bare Hub name is accepted too (`from_pretrained("gpt2")`): the call takes nothing else.
    BareAllowed,
    /// As `BareAllowed`; a bare name is the `sentence-transformers/` model of that name, as
    /// the library resolves it.
    SentenceTransformers,
}

/// Extensions of files that are no repository: `data/train.csv`, `configs/model.yaml`.
const FILE_EXTENSIONS: &[&str] = &[
    "csv",
    "tsv",
    "json",
    "jsonl",
    "txt",
    "py",
    "yaml",
    "yml",
    "toml",
    "md",
    "bin",
    "pt",
    "pth",
    "ckpt",
    "safetensors",
    "gguf",
    "onnx",
    "pkl",
    "parquet",
    "arrow",
    "h5",
    "zip",
    "gz",
    "tar",
    "png",
    "jpg",
    "jpeg",
    "wav",
    "mp3",
    "npy",
    "npz",
    "html",
    "xml",
    "js",
    "ts",
    "sh",
    "cfg",
    "ini",
    "log",
];

/// MIME top-level types: `text/plain` has the shape of a Hub id.
const MIME_TYPES: &[&str] = &[
    "application",
    "audio",
    "font",
    "image",
    "message",
    "multipart",
    "text",
    "video",
];

/// Providers of LiteLLM-style `provider/model` names, which are no Hub repository.
const PROVIDERS: &[&str] = &[
    "openai",
    "anthropic",
    "azure",
    "azure_ai",
    "bedrock",
    "vertex_ai",
    "gemini",
    "groq",
    "together_ai",
    "ollama",
    "ollama_chat",
    "cohere",
    "openrouter",
    "replicate",
    "perplexity",
    "fireworks_ai",
    "xai",
    "cerebras",
    "sagemaker",
    "mistral",
    "deepinfra",
    "anyscale",
    "huggingface",
    "watsonx",
    "databricks",
];

/// Legacy transformers checkpoints that sentence-transformers loads under their own name.
const LEGACY_TRANSFORMERS: &[&str] = &[
    "bert-",
    "distilbert-",
    "roberta-",
    "xlm-",
    "albert-",
    "gpt2",
    "t5-",
    "xlnet-",
    "distilroberta-",
];

/// The ref to audit when `value` is a model id or ref for a form of `strictness`, else `None`.
pub fn accept(value: &str, strictness: Strictness) -> Option<String> {
    let value = value.trim();
    if value.is_empty() || value.len() > 300 || value.chars().any(char::is_whitespace) {
        return None;
    }
    let parsed = model_ref::parse_text(value).ok()?;
    match &parsed {
        ModelRef::Hub { id, revision } => {
            if revision.is_some() && value.contains('@') {
                // `org/name@rev` is written so only in isopen's own shortlists; in code an `@`
                // is an e-mail address or a decorator.
                return None;
            }
            match id.split_once('/') {
                Some((org, name)) => {
                    let org_lower = org.to_ascii_lowercase();
                    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
                    if MIME_TYPES.contains(&org_lower.as_str())
                        || PROVIDERS.contains(&org_lower.as_str())
                        || ext.is_some_and(|e| FILE_EXTENSIONS.contains(&e.as_str()))
                        || !org.chars().any(|c| c.is_ascii_alphabetic())
                        || !name.chars().any(|c| c.is_ascii_alphabetic())
                    {
                        return None;
                    }
                    Some(id.clone())
                }
                None => {
                    if value.starts_with("hf:") {
                        return Some(id.clone());
                    }
                    // A bare word: only where the form takes nothing else, and only when it
                    // has the look of a checkpoint name (a digit or a dash), not of a folder
                    // like `model` or `output`.
                    let bare = id.chars().any(|c| c.is_ascii_digit() || c == '-')
                        && id.chars().any(|c| c.is_ascii_alphabetic())
                        && !id.contains('.');
                    match strictness {
                        Strictness::Slash => None,
                        _ if !bare => None,
                        Strictness::BareAllowed => Some(id.clone()),
                        Strictness::SentenceTransformers => {
                            let legacy = LEGACY_TRANSFORMERS.iter().any(|p| id.starts_with(p));
                            Some(if legacy {
                                id.clone()
                            } else {
                                format!("sentence-transformers/{id}")
                            })
                        }
                    }
                }
            }
        }
        _ => Some(parsed.display_name()),
    }
}

/// A model referenced from one or more places, in the order first found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The first spelling found.
    pub model: String,
    pub found_at: Vec<FoundAt>,
}

/// Gathers what each file holds (`file` relative to the root) into one reference per model
/// (two spellings of one model, `Org/X` and `org/x`, are one), each place once, sorted.
pub fn collect(found: impl IntoIterator<Item = (String, Found)>) -> Vec<Reference> {
    let mut index: HashMap<ModelKey, usize> = HashMap::new();
    let mut out: Vec<Reference> = Vec::new();
    for (file, f) in found {
        let at = FoundAt {
            file,
            line: f.line,
            column: f.column,
            form: f.form,
        };
        let key = ModelKey::of(&f.model);
        match index.get(&key) {
            Some(&i) => out[i].found_at.push(at),
            None => {
                index.insert(key, out.len());
                out.push(Reference {
                    model: f.model,
                    found_at: vec![at],
                });
            }
        }
    }
    for r in &mut out {
        r.found_at.sort();
        r.found_at.dedup();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_a_model_id() {
        let s = Strictness::Slash;
        assert_eq!(
            accept("meta-llama/Llama-3.1-8B", s).as_deref(),
            Some("meta-llama/Llama-3.1-8B")
        );
        assert_eq!(accept("hf:org/x", s).as_deref(), Some("org/x"));
        assert_eq!(
            accept("ollama:llama3.2:3b", s).as_deref(),
            Some("ollama:library/llama3.2:3b")
        );
        for no in [
            "./models/x",
            "data/train.csv",
            "https://huggingface.co/org/x",
            "1.2/3",
            "text/plain",
            "openai/gpt-4o",
            "gpt2",
            "user@example.com/x",
            "a b/c",
            "/abs/path",
            "{a}/{b}",
        ] {
            assert_eq!(accept(no, s), None, "{no}");
        }
        assert_eq!(
            accept("gpt2", Strictness::BareAllowed).as_deref(),
            Some("gpt2")
        );
        assert_eq!(accept("model", Strictness::BareAllowed), None);
        assert_eq!(
            accept("all-MiniLM-L6-v2", Strictness::SentenceTransformers).as_deref(),
            Some("sentence-transformers/all-MiniLM-L6-v2")
        );
        assert_eq!(
            accept("bert-base-uncased", Strictness::SentenceTransformers).as_deref(),
            Some("bert-base-uncased")
        );
    }

    proptest::proptest! {
        /// Whatever a file holds, every finder returns (never panics), and every place it
        /// gives is inside the text.
        #[test]
        fn any_text_any_kind(text in "(?s).{0,400}", pick in 0usize..10) {
            let kinds = [
                Kind::Python, Kind::Notebook, Kind::JavaScript, Kind::Yaml, Kind::Json,
                Kind::Toml, Kind::Dotenv, Kind::Commands, Kind::ComposeYaml, Kind::Modelfile,
            ];
            let lines = text.split('\n').count();
            for f in find(kinds[pick], &text) {
                proptest::prop_assert!(f.line >= 1 && f.line <= lines, "{f:?}");
                proptest::prop_assert!(f.column >= 1);
            }
        }

        /// Code-shaped text: the call around an arbitrary argument.
        #[test]
        fn any_argument(arg in "(?s).{0,80}") {
            let text = format!("AutoModel.from_pretrained({arg})\npipeline('x', {arg})\n");
            for f in find(Kind::Python, &text) {
                proptest::prop_assert!(model_ref::parse_text(&f.model).is_ok(), "{f:?}");
            }
        }
    }

    #[test]
    fn kinds_by_name() {
        assert_eq!(kind_of("a/b.py"), Some(Kind::Python));
        assert_eq!(kind_of("docker/Dockerfile.gpu"), Some(Kind::Commands));
        assert_eq!(
            kind_of("deploy/docker-compose.yml"),
            Some(Kind::ComposeYaml)
        );
        assert_eq!(kind_of(".github/workflows/ci.yml"), Some(Kind::ComposeYaml));
        assert_eq!(kind_of("conf/train.yaml"), Some(Kind::Yaml));
        assert_eq!(kind_of(".env.local"), Some(Kind::Dotenv));
        assert_eq!(kind_of("ollama/Modelfile"), Some(Kind::Modelfile));
        assert_eq!(kind_of("README.md"), None);
    }

    #[test]
    fn one_reference_per_model() {
        let f = |m: &str, line| Found {
            model: m.into(),
            line,
            column: 1,
            form: Form::ConfigKey,
        };
        let refs = collect([
            ("b.yaml".to_string(), f("Org/X", 3)),
            ("a.yaml".to_string(), f("org/x", 1)),
            ("a.yaml".to_string(), f("org/y", 2)),
            ("a.yaml".to_string(), f("org/x", 1)),
        ]);
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].model, "Org/X");
        assert_eq!(refs[0].found_at.len(), 2);
        assert_eq!(refs[0].found_at[0].file, "a.yaml");
    }
}
