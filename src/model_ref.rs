//! Model references as users type them: `org/name`, `org/name@rev`, `hf:org/name`,
//! `ollama:NAME[:TAG]`, `ollama:NAMESPACE/NAME[:TAG]`, `ollama:hf.co/ORG/REPO[:QUANT]`,
//! `modelscope:OWNER/NAME[@REVISION]`, `api:PROVIDER/MODEL` (a closed model behind a provider's
//! API, answered from the catalog), or a path to a model folder or a `.gguf` file on disk.
//! Parsing validates before any request is made, so a hostile ref (`../x`, a URL, control
//! characters) never reaches the network or the file system by accident: every part that
//! becomes a URL segment or a path component is checked against its registry's own rules.
//!
//! A ref is also an identity: `ModelKey` is the one canonical form used wherever two spellings
//! must be recognised as one model (policy exceptions, de-duplicating a shortlist, matching a
//! results file on `--resume`). `hf:` is dropped, `@main` is the default branch (the Hub's
//! default), and Hub ids are folded to lower case because the Hub resolves them without regard
//! to case; an Ollama name gets its defaults (`library`, `latest`) and is folded too (Ollama
//! compares names without regard to case); a ModelScope id keeps its case (whether ModelScope
//! folds it is not known, and merging two models would be worse than listing one twice) and
//! `@master`, its default branch, is no revision. An `ollama:hf.co/…` name is the Hugging Face
//! repository, so it is the same model as the Hub id. The user's spelling is kept for display.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use thiserror::Error;

use crate::snapshot::Source;

/// What the user asked to audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelRef {
    /// A repository on the Hub, optionally pinned to a branch, tag or commit.
    Hub {
        id: String,
        revision: Option<String>,
    },
    /// A model folder on disk: a download, or a snapshot in the Hugging Face cache.
    Local(PathBuf),
    /// A model in an Ollama registry (or the local Ollama store).
    Ollama(OllamaName),
    /// An Ollama name that points at a Hugging Face repository (`hf.co/ORG/REPO[:QUANT]`):
    /// the repository is audited, and the quantisation names the `.gguf` file to read.
    OllamaHf { id: String, quant: Option<String> },
    /// A repository on ModelScope, optionally pinned to a branch, tag or commit.
    ModelScope {
        id: String,
        revision: Option<String>,
    },
    /// A single `.gguf` file on disk.
    GgufFile(PathBuf),
    /// A closed model behind a provider's API (`api:PROVIDER/MODEL`), answered from the
    /// catalog; both parts lower case.
    Api { provider: String, model: String },
}

/// An Ollama model name, validated, with its defaults filled in. Every part is safe as a URL
/// segment and as a path component (letters, digits, `_`, `-`, and `.` after the first
/// character: never `..`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OllamaName {
    pub namespace: String,
    pub model: String,
    pub tag: String,
}

impl OllamaName {
    /// A hosted Ollama cloud model (`:cloud`, `-cloud`): answered by ollama.com, no weights.
    pub fn is_cloud(&self) -> bool {
        let tag = self.tag.to_ascii_lowercase();
        tag == "cloud" || tag.ends_with("-cloud")
    }
}

impl fmt::Display for OllamaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}:{}", self.namespace, self.model, self.tag)
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("invalid model reference {input:?}: {reason}")]
pub struct RefError {
    pub input: String,
    pub reason: String,
}

const MAX_PART: usize = 96;
const MAX_REVISION: usize = 256;
/// Ollama's own limit on a namespace, model or tag (`types/model/name.go`).
const MAX_OLLAMA_PART: usize = 80;
/// ModelScope names are longer than the Hub's in practice (`iic/nlp_gte_sentence-embedding_…`).
const MAX_MODELSCOPE_PART: usize = 128;
/// Ollama's defaults for a name's missing parts.
pub const OLLAMA_NAMESPACE: &str = "library";
pub const OLLAMA_TAG: &str = "latest";
/// ModelScope's default branch.
pub const MODELSCOPE_REVISION: &str = "master";

impl ModelRef {
    /// Parses a ref. A string is a local path when it starts with `.`, `/` or `~`, or names an
    /// existing directory; otherwise it must be a Hub id.
    pub fn parse(input: &str) -> Result<ModelRef, RefError> {
        let err = |reason: &str| RefError {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        if input.is_empty() {
            return Err(err("it is empty"));
        }
        if input.chars().any(char::is_control) {
            return Err(err("it contains control characters"));
        }
        if let Some(r) = parse_prefixed(input) {
            return r.map_err(|r| err(&r));
        }
        if input.contains("://") {
            return Err(err(
                "URLs are not accepted; give the Hub id (org/name) and --endpoint for another hub",
            ));
        }
        let looks_local = input.starts_with('.')
            || input.starts_with('/')
            || input.starts_with('~')
            || input.contains('\\');
        let path = std::path::Path::new(input);
        let gguf = input.to_ascii_lowercase().ends_with(".gguf");
        if gguf && (looks_local || path.is_file()) && !path.is_dir() {
            return Ok(ModelRef::GgufFile(expand_home(input)));
        }
        if looks_local || path.is_dir() {
            return Ok(ModelRef::Local(expand_home(input)));
        }
        parse_hub(input).map_err(|r| err(&r))
    }

    /// The report's `source` for this ref.
    pub fn source(&self) -> Source {
        match self {
            ModelRef::Hub { .. } | ModelRef::OllamaHf { .. } => Source::Huggingface,
            ModelRef::Local(_) => Source::Local,
            ModelRef::Ollama(_) => Source::Ollama,
            ModelRef::ModelScope { .. } => Source::Modelscope,
            ModelRef::GgufFile(_) => Source::Gguf,
            ModelRef::Api { .. } => Source::Api,
        }
    }

    /// Names every revision of its repository (no revision pinned): a policy exception
    /// written so covers them all.
    pub fn any_revision(&self) -> bool {
        matches!(
            self,
            ModelRef::Hub { revision: None, .. }
                | ModelRef::OllamaHf { .. }
                | ModelRef::ModelScope { revision: None, .. }
        )
    }

    /// The name used in reports: the Hub id (with `@rev` when pinned) or the path as given.
    pub fn display_name(&self) -> String {
        match self {
            ModelRef::Hub { id, revision: None } => id.clone(),
            ModelRef::Hub {
                id,
                revision: Some(r),
            } => format!("{id}@{r}"),
            ModelRef::Local(p) | ModelRef::GgufFile(p) => p.display().to_string(),
            ModelRef::Ollama(n) => format!("ollama:{n}"),
            ModelRef::OllamaHf { id, quant: None } => format!("ollama:hf.co/{id}"),
            ModelRef::OllamaHf { id, quant: Some(q) } => format!("ollama:hf.co/{id}:{q}"),
            ModelRef::ModelScope { id, revision: None } => format!("modelscope:{id}"),
            ModelRef::ModelScope {
                id,
                revision: Some(r),
            } => format!("modelscope:{id}@{r}"),
            ModelRef::Api { provider, model } => format!("api:{provider}/{model}"),
        }
    }
}

/// The identity of a ref, for matching only (never shown, never sent).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModelKey {
    /// A Hub repository: the id in lower case, and the revision unless it is the default
    /// branch (`main`), so `hf:Org/X`, `org/x@main` and `org/x` are one model while `org/x@v2`
    /// and `org/x@<sha>` stay distinct. Revisions keep their case: git refs are case-sensitive.
    Hub {
        id: String,
        revision: Option<String>,
    },
    /// A folder or a `.gguf` file on disk, lexically tidied (`./a/b/` is `a/b`); never
    /// case-folded, since most file systems are case-sensitive.
    Local(PathBuf),
    /// An Ollama model: every part in lower case, the defaults filled in
    /// (`ollama:Llama3.2` is `library/llama3.2:latest`). A tag is a variant, not a revision.
    Ollama(OllamaName),
    /// A ModelScope repository: the id as written, the revision unless it is `master`.
    ModelScope {
        id: String,
        revision: Option<String>,
    },
    /// A closed API model: provider and model, in lower case.
    Api { provider: String, model: String },
    /// Not a valid ref: it only matches the same text.
    Invalid(String),
}

impl ModelKey {
    /// The key of a ref as the user typed it, read as `ModelRef::parse` reads it.
    pub fn of(input: &str) -> ModelKey {
        match ModelRef::parse(input) {
            Ok(r) => r.key(),
            Err(_) => ModelKey::Invalid(input.trim().to_string()),
        }
    }

    /// The key of the model a report names. `source` already says whether it was read as a
    /// local folder, so unlike `of` this never looks at the file system (the policy is pure).
    /// A prefixed ref (`ollama:`, `modelscope:`) is read by its prefix whatever the source
    /// says (a report written for a model that failed may name another source).
    pub fn of_report(model: &str, source: Source) -> ModelKey {
        if let Some(r) = parse_prefixed(model) {
            return match r {
                Ok(r) => r.key(),
                Err(_) => ModelKey::Invalid(model.trim().to_string()),
            };
        }
        if matches!(source, Source::Local | Source::Gguf) {
            return ModelKey::Local(tidy(&expand_home(model)));
        }
        match parse_hub(model) {
            Ok(r) => r.key(),
            Err(_) => ModelKey::Invalid(model.trim().to_string()),
        }
    }

    /// Same repository (or folder), whatever the revision.
    pub fn same_repo(&self, other: &ModelKey) -> bool {
        match (self, other) {
            (ModelKey::Hub { id: a, .. }, ModelKey::Hub { id: b, .. }) => a == b,
            (ModelKey::ModelScope { id: a, .. }, ModelKey::ModelScope { id: b, .. }) => a == b,
            _ => self == other,
        }
    }
}

/// `main` (or its full ref name) is the Hub's default branch: the same as no revision.
fn is_default_branch(rev: &str) -> bool {
    rev == "main" || rev == "refs/heads/main"
}

/// Drops `.` components, repeated and trailing separators; `..` is kept (resolving it needs
/// the file system, and a key never touches it).
fn tidy(path: &Path) -> PathBuf {
    let tidied: PathBuf = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if tidied.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        tidied
    }
}

impl ModelRef {
    /// The canonical identity of this ref (see `ModelKey`).
    pub fn key(&self) -> ModelKey {
        match self {
            ModelRef::Hub { id, revision } => ModelKey::Hub {
                id: id.to_ascii_lowercase(),
                revision: revision.clone().filter(|r| !is_default_branch(r)),
            },
            ModelRef::Local(p) | ModelRef::GgufFile(p) => ModelKey::Local(tidy(p)),
            ModelRef::Ollama(n) => ModelKey::Ollama(OllamaName {
                namespace: n.namespace.to_ascii_lowercase(),
                model: n.model.to_ascii_lowercase(),
                tag: n.tag.to_ascii_lowercase(),
            }),
            ModelRef::OllamaHf { id, .. } => ModelKey::Hub {
                id: id.to_ascii_lowercase(),
                revision: None,
            },
            ModelRef::ModelScope { id, revision } => ModelKey::ModelScope {
                id: id.clone(),
                revision: revision.clone().filter(|r| r != MODELSCOPE_REVISION),
            },
            ModelRef::Api { provider, model } => ModelKey::Api {
                provider: provider.clone(),
                model: model.clone(),
            },
        }
    }
}

impl fmt::Display for ModelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_name())
    }
}

fn expand_home(input: &str) -> PathBuf {
    if let Some(rest) = input.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    PathBuf::from(input)
}

/// A ref with a source prefix (`hf:`, `ollama:`, `modelscope:`), read without the file system;
/// `None` when the input has none.
fn parse_prefixed(input: &str) -> Option<Result<ModelRef, String>> {
    if let Some(rest) = input.strip_prefix("hf:") {
        return Some(parse_hub(rest));
    }
    if let Some(rest) = input.strip_prefix("ollama:") {
        return Some(parse_ollama(rest));
    }
    if let Some(rest) = input.strip_prefix("modelscope:") {
        return Some(parse_modelscope(rest));
    }
    if let Some(rest) = input.strip_prefix("api:") {
        return Some(parse_api(rest));
    }
    None
}

/// The longest provider or model id in an `api:` ref.
const MAX_API_PART: usize = 64;

/// `PROVIDER/MODEL`: two parts of letters, digits, `-`, `_` and `.` (never first, never
/// `..`), folded to lower case (the catalog's ids are lower case). Whether the catalog knows
/// the model is the audit's question, not the parser's.
fn parse_api(input: &str) -> Result<ModelRef, String> {
    let Some((provider, model)) = input.split_once('/') else {
        return Err("an API model is api:PROVIDER/MODEL (e.g. api:openai/gpt-4o)".into());
    };
    for (part, what) in [(provider, "provider"), (model, "model")] {
        if part.is_empty() {
            return Err(format!("the {what} is empty (api:PROVIDER/MODEL)"));
        }
        validate_plain_part(part, MAX_API_PART).map_err(|e| format!("the {what}: {e}"))?;
    }
    Ok(ModelRef::Api {
        provider: provider.to_ascii_lowercase(),
        model: model.to_ascii_lowercase(),
    })
}

/// `NAME[:TAG]`, `NAMESPACE/NAME[:TAG]`, or `HOST/NAMESPACE/NAME[:TAG]` where the host is
/// Ollama's own registry (the default) or Hugging Face (`hf.co`, `huggingface.co`). Parsed as
/// Ollama parses names (`ParseName`): the tag is what follows the last `:` after the last `/`.
fn parse_ollama(input: &str) -> Result<ModelRef, String> {
    if input.contains("://") {
        return Err(
            "an Ollama name has no scheme; use --ollama-endpoint for another registry".into(),
        );
    }
    if input.contains('@') {
        return Err(
            "an Ollama name pinned by digest (@sha256:…) is not supported; give NAME:TAG".into(),
        );
    }
    let (name, tag) = match input.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, Some(tag)),
        _ => (input, None),
    };
    let parts: Vec<&str> = name.split('/').collect();
    let (host, namespace, model) = match parts.as_slice() {
        [model] => (None, None, *model),
        [namespace, model] => (None, Some(*namespace), *model),
        [host, namespace, model] => (Some(*host), Some(*namespace), *model),
        _ => return Err("an Ollama name has at most three parts, host/namespace/name".into()),
    };
    let host = host.map(str::to_ascii_lowercase);
    if let Some(h) = host.as_deref()
        && matches!(h, "hf.co" | "huggingface.co")
    {
        let (org, repo) = (namespace.unwrap_or_default(), model);
        validate_part(org)?;
        validate_part(repo)?;
        if let Some(q) = tag {
            validate_ollama_part(q, "quantisation", true)?;
        }
        return Ok(ModelRef::OllamaHf {
            id: format!("{org}/{repo}"),
            quant: tag.map(str::to_string),
        });
    }
    if let Some(h) = host.as_deref()
        && !matches!(h, "registry.ollama.ai" | "ollama.com")
    {
        return Err(format!(
            "{h:?} is not Ollama's registry nor Hugging Face; use --ollama-endpoint for another registry"
        ));
    }
    let namespace = namespace.unwrap_or(OLLAMA_NAMESPACE);
    validate_ollama_part(namespace, "namespace", false)?;
    validate_ollama_part(model, "model name", true)?;
    let tag = tag.unwrap_or(OLLAMA_TAG);
    validate_ollama_part(tag, "tag", true)?;
    Ok(ModelRef::Ollama(OllamaName {
        namespace: namespace.to_string(),
        model: model.to_string(),
        tag: tag.to_string(),
    }))
}

/// Ollama's rule for a name part (`isValidPart`): 1 to 80 characters, letters, digits, `_` and
/// `-` (and `.` in a model or tag, never first), starting with a letter, a digit or `_`.
fn validate_ollama_part(part: &str, what: &str, dots: bool) -> Result<(), String> {
    if part.is_empty() {
        return Err(format!("the {what} is empty"));
    }
    if part.len() > MAX_OLLAMA_PART {
        return Err(format!(
            "the {what} is longer than {MAX_OLLAMA_PART} characters"
        ));
    }
    let first = part.chars().next().unwrap_or('.');
    if !(first.is_ascii_alphanumeric() || first == '_') {
        return Err(format!(
            "the {what} {part:?} must start with a letter, a digit or '_'"
        ));
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || (dots && c == '.');
    if !part.chars().all(ok) {
        return Err(format!(
            "the {what} {part:?} may only contain letters, digits, '_', '-'{}",
            if dots { " and '.'" } else { "" }
        ));
    }
    Ok(())
}

/// A ModelScope or API id part: at most `max` letters, digits, `-`, `_` and `.`, never
/// starting with `-` or `.`, never `..`.
fn validate_plain_part(part: &str, max: usize) -> Result<(), String> {
    if part.len() > max {
        return Err(format!("a part is longer than {max} characters"));
    }
    if !part
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(format!(
            "{part:?} may only contain letters, digits, '-', '_' and '.'"
        ));
    }
    if part.starts_with(['-', '.']) || part.contains("..") {
        return Err(format!(
            "{part:?} may not start with '-' or '.' nor contain '..'"
        ));
    }
    Ok(())
}

/// `OWNER/NAME[@REVISION]`: two parts of letters, digits, `-`, `_` and `.` (never first or
/// `..`), a revision as the Hub's.
fn parse_modelscope(input: &str) -> Result<ModelRef, String> {
    let (id, revision) = match input.split_once('@') {
        Some((id, rev)) => (id, Some(rev)),
        None => (input, None),
    };
    let parts: Vec<&str> = id.split('/').collect();
    if parts.len() != 2 {
        return Err("a ModelScope id has two parts, owner/name".into());
    }
    for part in &parts {
        if part.is_empty() {
            return Err("an empty part (owner/name must both be present)".into());
        }
        validate_plain_part(part, MAX_MODELSCOPE_PART)?;
    }
    if let Some(rev) = revision {
        validate_revision(rev)?;
    }
    Ok(ModelRef::ModelScope {
        id: id.to_string(),
        revision: revision.map(str::to_string),
    })
}

fn parse_hub(input: &str) -> Result<ModelRef, String> {
    let (id, revision) = match input.split_once('@') {
        Some((id, rev)) => (id, Some(rev)),
        None => (input, None),
    };
    let parts: Vec<&str> = id.split('/').collect();
    if parts.len() > 2 {
        return Err("a Hub id has at most two parts, org/name".into());
    }
    for part in &parts {
        validate_part(part)?;
    }
    let revision = match revision {
        Some(rev) => {
            validate_revision(rev)?;
            Some(rev.to_string())
        }
        None => None,
    };
    Ok(ModelRef::Hub {
        id: id.to_string(),
        revision,
    })
}

/// The Hub's rule for repo names: letters, digits, `-`, `_`, `.`; not starting or ending with
/// `-` or `.`, no `--` or `..`, at most 96 characters.
fn validate_part(part: &str) -> Result<(), String> {
    if part.is_empty() {
        return Err("an empty part (org/name must both be present)".into());
    }
    if part.len() > MAX_PART {
        return Err(format!("a part is longer than {MAX_PART} characters"));
    }
    if !part
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(format!(
            "{part:?} may only contain letters, digits, '-', '_' and '.'"
        ));
    }
    if part.starts_with(['-', '.']) || part.ends_with(['-', '.']) {
        return Err(format!("{part:?} may not start or end with '-' or '.'"));
    }
    if part.contains("--") || part.contains("..") {
        return Err(format!("{part:?} may not contain '--' or '..'"));
    }
    Ok(())
}

/// Revisions are branch or tag names, commit shas, or `refs/pr/N`. They are percent-encoded
/// when sent, but we still refuse path tricks so nothing odd is ever logged or cached.
fn validate_revision(rev: &str) -> Result<(), String> {
    if rev.is_empty() {
        return Err("the revision after '@' is empty".into());
    }
    if rev.len() > MAX_REVISION {
        return Err(format!(
            "the revision is longer than {MAX_REVISION} characters"
        ));
    }
    if rev
        .split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return Err("the revision has an empty, '.' or '..' segment".into());
    }
    if !rev
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '+'))
    {
        return Err("the revision may only contain letters, digits and '-_./+'".into());
    }
    Ok(())
}

/// A ref read from a text (a string in code or configuration), parsed without the file
/// system: a prefixed ref or a Hub id, never a path (a `./models/x` or `/data/x` in code is a
/// path on the machine that runs it, not in the tree being read).
pub fn parse_text(input: &str) -> Result<ModelRef, RefError> {
    let err = |reason: &str| RefError {
        input: input.to_string(),
        reason: reason.to_string(),
    };
    if input.is_empty() || input.chars().any(char::is_control) {
        return Err(err("it is empty or contains control characters"));
    }
    if let Some(r) = parse_prefixed(input) {
        return r.map_err(|r| err(&r));
    }
    if input.contains("://")
        || input.starts_with(['.', '/', '~'])
        || input.contains('\\')
        || input.to_ascii_lowercase().ends_with(".gguf")
    {
        return Err(err("it is a URL or a path"));
    }
    parse_hub(input).map_err(|r| err(&r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hub(id: &str, rev: Option<&str>) -> ModelRef {
        ModelRef::Hub {
            id: id.into(),
            revision: rev.map(Into::into),
        }
    }

    #[test]
    fn parses_hub_ids() {
        assert_eq!(ModelRef::parse("org/name").unwrap(), hub("org/name", None));
        assert_eq!(ModelRef::parse("gpt2").unwrap(), hub("gpt2", None));
        assert_eq!(
            ModelRef::parse("meta-llama/Llama-3.1-8B@main").unwrap(),
            hub("meta-llama/Llama-3.1-8B", Some("main"))
        );
        assert_eq!(
            ModelRef::parse("hf:org/x@refs/pr/1").unwrap(),
            hub("org/x", Some("refs/pr/1"))
        );
    }

    #[test]
    fn parses_local_paths() {
        assert_eq!(
            ModelRef::parse("./models/x").unwrap(),
            ModelRef::Local("./models/x".into())
        );
        assert_eq!(
            ModelRef::parse("/tmp/x").unwrap(),
            ModelRef::Local("/tmp/x".into())
        );
    }

    #[test]
    fn rejects_hostile_refs() {
        for bad in [
            "",
            "hf:../x",
            "org/../x",
            "org//x",
            "hf:/org",
            "a/b/c",
            "https://huggingface.co/org/x",
            "org/x\n",
            "org/x\u{7}",
            "org/x@",
            "org/x@../main",
            "org/x@a//b",
            "org/x@a b",
            "org/na me",
            "-org/x",
            "org/x.",
            "hf:org/%2e%2e",
        ] {
            assert!(ModelRef::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn one_model_whatever_the_spelling() {
        let key = ModelKey::of("org/model");
        for same in [
            "hf:org/model",
            "org/model@main",
            "hf:org/model@main",
            "Org/Model",
            "hf:ORG/model@refs/heads/main",
        ] {
            assert_eq!(ModelKey::of(same), key, "{same}");
        }
        for other in [
            "org/model@v2",
            "org/model@Main",
            "org/model@0a1b2c",
            "org/model2",
        ] {
            assert_ne!(ModelKey::of(other), key, "{other}");
        }
        assert_ne!(ModelKey::of("org/x@v2"), ModelKey::of("org/x@V2"));
        assert!(ModelKey::of("org/x@v2").same_repo(&ModelKey::of("hf:Org/X")));
        assert!(!ModelKey::of("org/x").same_repo(&ModelKey::of("org/y")));
    }

    #[test]
    fn report_keys_agree_with_typed_keys() {
        for (typed, source) in [
            ("hf:Org/X@main", Source::Huggingface),
            ("org/x@v2", Source::Huggingface),
            ("./models/x/", Source::Local),
            ("/tmp/a/./b", Source::Local),
            ("a/b/c", Source::Huggingface),
        ] {
            assert_eq!(
                ModelKey::of_report(typed, source),
                ModelKey::of(typed),
                "{typed}"
            );
        }
        assert_eq!(
            ModelKey::of_report("org/x", Source::Huggingface),
            ModelKey::of_report("hf:ORG/x@main", Source::Huggingface)
        );
    }

    #[test]
    fn local_paths_are_tidied_not_folded() {
        assert_eq!(ModelKey::of("./models/x/"), ModelKey::of("./models/./x"));
        assert_ne!(ModelKey::of("./models/X"), ModelKey::of("./models/x"));
        assert_ne!(ModelKey::of("./models/x"), ModelKey::of("./x"));
        assert_eq!(ModelKey::of("."), ModelKey::Local(PathBuf::from(".")));
    }

    #[test]
    fn invalid_refs_match_only_themselves() {
        assert_eq!(ModelKey::of("a/b/c"), ModelKey::Invalid("a/b/c".into()));
        assert_ne!(ModelKey::of("a/b/c"), ModelKey::of("A/b/c"));
    }

    fn ollama(ns: &str, model: &str, tag: &str) -> ModelRef {
        ModelRef::Ollama(OllamaName {
            namespace: ns.into(),
            model: model.into(),
            tag: tag.into(),
        })
    }

    #[test]
    fn parses_ollama_names() {
        assert_eq!(
            ModelRef::parse("ollama:llama3.2").unwrap(),
            ollama("library", "llama3.2", "latest")
        );
        assert_eq!(
            ModelRef::parse("ollama:llama3.2:3b").unwrap(),
            ollama("library", "llama3.2", "3b")
        );
        assert_eq!(
            ModelRef::parse("ollama:acme/tiny:q4_K_M").unwrap(),
            ollama("acme", "tiny", "q4_K_M")
        );
        assert_eq!(
            ModelRef::parse("ollama:registry.ollama.ai/library/gemma:2b").unwrap(),
            ollama("library", "gemma", "2b")
        );
        assert_eq!(
            ModelRef::parse("ollama:hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q8_0").unwrap(),
            ModelRef::OllamaHf {
                id: "bartowski/Llama-3.2-1B-Instruct-GGUF".into(),
                quant: Some("Q8_0".into())
            }
        );
        assert_eq!(
            ModelRef::parse("ollama:huggingface.co/org/repo").unwrap(),
            ModelRef::OllamaHf {
                id: "org/repo".into(),
                quant: None
            }
        );
        assert!(
            ModelRef::parse("ollama:gpt-oss:120b-cloud")
                .map(|r| matches!(r, ModelRef::Ollama(n) if n.is_cloud()))
                .unwrap()
        );
        assert_eq!(
            ModelRef::parse("ollama:llama3.2").unwrap().source(),
            Source::Ollama
        );
        assert_eq!(
            ModelRef::parse("ollama:hf.co/org/repo").unwrap().source(),
            Source::Huggingface
        );
    }

    #[test]
    fn rejects_hostile_ollama_names() {
        for bad in [
            "ollama:",
            "ollama:../x",
            "ollama:..",
            "ollama:library/..:latest",
            "ollama:x:..",
            "ollama:.hidden",
            "ollama:a/b/c/d",
            "ollama:evil.example/library/x",
            "ollama:https://registry.ollama.ai/library/x",
            "ollama:x@sha256:00",
            "ollama:na me",
            "ollama:lib.rary/x",
            "ollama:x:",
            "ollama:/x",
            "ollama:hf.co/../x",
            "ollama:hf.co/org/x:../y",
        ] {
            assert!(ModelRef::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        let long = format!("ollama:{}", "a".repeat(81));
        assert!(ModelRef::parse(&long).is_err());
    }

    #[test]
    fn parses_modelscope_ids() {
        assert_eq!(
            ModelRef::parse("modelscope:Qwen/Qwen2.5-7B-Instruct").unwrap(),
            ModelRef::ModelScope {
                id: "Qwen/Qwen2.5-7B-Instruct".into(),
                revision: None
            }
        );
        assert_eq!(
            ModelRef::parse("modelscope:iic/nlp_gte_sentence-embedding_chinese-base@v1.1.0")
                .unwrap(),
            ModelRef::ModelScope {
                id: "iic/nlp_gte_sentence-embedding_chinese-base".into(),
                revision: Some("v1.1.0".into())
            }
        );
        for bad in [
            "modelscope:x",
            "modelscope:a/b/c",
            "modelscope:../x",
            "modelscope:a/..",
            "modelscope:a/.x",
            "modelscope:a/b@../c",
            "modelscope:a/b c",
        ] {
            assert!(ModelRef::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn gguf_paths_are_files() {
        assert_eq!(
            ModelRef::parse("./models/x.Q4_K_M.gguf").unwrap(),
            ModelRef::GgufFile("./models/x.Q4_K_M.gguf".into())
        );
        assert_eq!(
            ModelRef::parse("./models/x.gguf").unwrap().source(),
            Source::Gguf
        );
        assert_eq!(
            ModelKey::of("./m/x.gguf"),
            ModelKey::of_report("m/x.gguf", Source::Gguf)
        );
    }

    #[test]
    fn new_sources_have_one_key_each() {
        let key = ModelKey::of("ollama:llama3.2");
        for same in [
            "ollama:library/llama3.2:latest",
            "ollama:Llama3.2:LATEST",
            "ollama:registry.ollama.ai/library/llama3.2",
            "ollama:ollama.com/library/llama3.2:latest",
        ] {
            assert_eq!(ModelKey::of(same), key, "{same}");
        }
        for other in ["ollama:llama3.2:3b", "ollama:acme/llama3.2", "llama3.2"] {
            assert_ne!(ModelKey::of(other), key, "{other}");
        }
        // An hf.co name is the Hugging Face repository.
        assert_eq!(
            ModelKey::of("ollama:hf.co/Org/Repo-GGUF:Q8_0"),
            ModelKey::of("org/repo-gguf")
        );
        let ms = ModelKey::of("modelscope:Qwen/Qwen2.5-7B");
        assert_eq!(ModelKey::of("modelscope:Qwen/Qwen2.5-7B@master"), ms);
        assert_ne!(ModelKey::of("modelscope:qwen/qwen2.5-7b"), ms);
        assert_ne!(ModelKey::of("Qwen/Qwen2.5-7B"), ms);
        assert!(ModelKey::of("modelscope:Qwen/Qwen2.5-7B@v2").same_repo(&ms));
        // A report names the model as typed; its key is the typed key, whatever the source.
        for (typed, source) in [
            ("ollama:Llama3.2", Source::Ollama),
            ("ollama:hf.co/org/x:Q4_K_M", Source::Huggingface),
            ("modelscope:a/b@master", Source::Modelscope),
            ("ollama:llama3.2", Source::Huggingface),
        ] {
            assert_eq!(
                ModelKey::of_report(typed, source),
                ModelKey::of(typed),
                "{typed}"
            );
        }
    }

    #[test]
    fn error_names_the_input() {
        let e = ModelRef::parse("hf:org/../x").unwrap_err();
        assert!(e.to_string().contains("org/../x"), "{e}");
    }
}
