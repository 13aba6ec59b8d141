//! Model references as users type them: `org/name`, `org/name@rev`, `hf:org/name`, or a path to
//! a model folder on disk. Parsing validates before any request is made, so a hostile ref
//! (`../x`, a URL, control characters) never reaches the network or the file system by accident.
//!
//! A ref is also an identity: `ModelKey` is the one canonical form used wherever two spellings
//! must be recognised as one model (policy exceptions, de-duplicating a shortlist, matching a
//! results file on `--resume`). `hf:` is dropped, `@main` is the default branch (the Hub's
//! default), and Hub ids are folded to lower case because the Hub resolves them without regard
//! to case; the user's spelling is kept for display.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use thiserror::Error;

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
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("invalid model reference {input:?}: {reason}")]
pub struct RefError {
    pub input: String,
    pub reason: String,
}

const MAX_PART: usize = 96;
const MAX_REVISION: usize = 256;

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
        if let Some(rest) = input.strip_prefix("hf:") {
            return parse_hub(rest).map_err(|r| err(&r));
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
        if looks_local || std::path::Path::new(input).is_dir() {
            return Ok(ModelRef::Local(expand_home(input)));
        }
        parse_hub(input).map_err(|r| err(&r))
    }

    /// The name used in reports: the Hub id (with `@rev` when pinned) or the path as given.
    pub fn display_name(&self) -> String {
        match self {
            ModelRef::Hub { id, revision: None } => id.clone(),
            ModelRef::Hub {
                id,
                revision: Some(r),
            } => format!("{id}@{r}"),
            ModelRef::Local(p) => p.display().to_string(),
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
    /// A folder on disk, lexically tidied (`./a/b/` is `a/b`); never case-folded, since most
    /// file systems are case-sensitive.
    Local(PathBuf),
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
    pub fn of_report(model: &str, source: &str) -> ModelKey {
        if source == "local" {
            return ModelKey::Local(tidy(&expand_home(model)));
        }
        match parse_hub(model.strip_prefix("hf:").unwrap_or(model)) {
            Ok(r) => r.key(),
            Err(_) => ModelKey::Invalid(model.trim().to_string()),
        }
    }

    /// Same repository (or folder), whatever the revision.
    pub fn same_repo(&self, other: &ModelKey) -> bool {
        match (self, other) {
            (ModelKey::Hub { id: a, .. }, ModelKey::Hub { id: b, .. }) => a == b,
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
            ModelRef::Local(p) => ModelKey::Local(tidy(p)),
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
            ("hf:Org/X@main", "huggingface"),
            ("org/x@v2", "huggingface"),
            ("./models/x/", "local"),
            ("/tmp/a/./b", "local"),
            ("a/b/c", "huggingface"),
        ] {
            assert_eq!(
                ModelKey::of_report(typed, source),
                ModelKey::of(typed),
                "{typed}"
            );
        }
        assert_eq!(
            ModelKey::of_report("org/x", "huggingface"),
            ModelKey::of_report("hf:ORG/x@main", "huggingface")
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

    #[test]
    fn error_names_the_input() {
        let e = ModelRef::parse("hf:org/../x").unwrap_err();
        assert!(e.to_string().contains("org/../x"), "{e}");
    }
}
