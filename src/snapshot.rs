//! What the fetcher hands to the pure core: the Hub's model info (or what a local folder shows
//! of it), the card and license files as text, and what could not be read and why. A snapshot
//! is plain data, so the core can be tested with values built by hand.

use serde::{Deserialize, Serialize};

/// Where a snapshot came from (the report's `source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Huggingface,
    Local,
    /// An Ollama registry or the local Ollama store: a manifest and its layers.
    Ollama,
    /// ModelScope, or its local cache.
    Modelscope,
    /// A single `.gguf` file: its header is all there is.
    Gguf,
    /// A closed model behind a provider's API, answered from the catalog (`api-catalog/`).
    Api,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::Huggingface,
        Source::Local,
        Source::Ollama,
        Source::Modelscope,
        Source::Gguf,
        Source::Api,
    ];

    /// The report's `source` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Huggingface => "huggingface",
            Source::Local => "local",
            Source::Ollama => "ollama",
            Source::Modelscope => "modelscope",
            Source::Gguf => "gguf",
            Source::Api => "api",
        }
    }
}

/// The Hub's `GET /api/models/{id}` answer, reduced to what the audit reads. Every field is
/// optional because every field but `id` was missing in at least one real capture.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelInfo {
    pub id: String,
    #[serde(rename = "_id")]
    pub internal_id: Option<String>,
    pub author: Option<String>,
    pub sha: Option<String>,
    #[serde(rename = "lastModified")]
    pub last_modified: Option<String>,
    pub private: Option<bool>,
    pub gated: Gating,
    pub disabled: Option<bool>,
    pub downloads: Option<u64>,
    pub likes: Option<u64>,
    pub tags: Vec<String>,
    pub pipeline_tag: Option<String>,
    pub library_name: Option<String>,
    #[serde(rename = "cardData")]
    pub card_data: Option<serde_json::Value>,
    pub siblings: Vec<Sibling>,
    pub safetensors: Option<SafetensorsInfo>,
    pub config: Option<serde_json::Value>,
    /// `adapter_config.json` (a PEFT adapter's), read when the card declares no base model:
    /// its `base_model_name_or_path` names the base. Not part of the Hub's answer.
    #[serde(skip)]
    pub adapter_config: Option<serde_json::Value>,
    /// The header of one GGUF file of the repository, read from its first bytes when the card
    /// declares no base model: its `general.base_model.*` keys name the base. Not part of the
    /// Hub's answer.
    #[serde(skip)]
    pub gguf: Option<GgufHead>,
    /// A GGUF header that was looked for and could not be read (refused, failed, not a GGUF
    /// file): where, and why. Whether that matters depends on what else states the terms.
    #[serde(skip)]
    pub gguf_unread: Option<GgufUnread>,
    /// The license the hosting platform lists apart from the card (ModelScope's `License`
    /// field, free text): a claim of its own, counted beside the card's. Not the Hub's answer.
    #[serde(skip)]
    pub listed_license: Option<String>,
}

/// A GGUF file's header as read from the first bytes of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct GgufHead {
    pub path: String,
    pub header: crate::gguf::Header,
}

/// A GGUF header that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct GgufUnread {
    pub path: String,
    pub reason: String,
}

/// The Hub's `GET /api/datasets/{id}` answer, reduced to what the audit reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DatasetInfo {
    pub id: String,
    pub private: Option<bool>,
    pub gated: Gating,
    pub tags: Vec<String>,
    #[serde(rename = "cardData")]
    pub card_data: Option<serde_json::Value>,
}

/// A file in the repository as the Hub lists it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sibling {
    pub rfilename: String,
    pub size: Option<u64>,
    pub lfs: Option<LfsInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LfsInfo {
    pub size: Option<u64>,
    pub sha256: Option<String>,
}

impl Sibling {
    /// The real size: the LFS object's when the file is in LFS, else the listed size.
    pub fn bytes(&self) -> Option<u64> {
        self.lfs.as_ref().and_then(|l| l.size).or(self.size)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SafetensorsInfo {
    pub total: Option<u64>,
}

/// The Hub's `gated` field: `false`, `"auto"` or `"manual"`. Anything else is kept as unknown
/// rather than failing the whole audit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Gating {
    #[default]
    Unknown,
    Open,
    Auto,
    Manual,
}

impl Gating {
    /// The gate as the report states it; `None` when the Hub did not say.
    pub fn report(self) -> Option<crate::vocab::Gating> {
        match self {
            Gating::Unknown => None,
            Gating::Open => Some(crate::vocab::Gating::Ungated),
            Gating::Auto => Some(crate::vocab::Gating::Auto),
            Gating::Manual => Some(crate::vocab::Gating::Manual),
        }
    }

    pub fn is_gated(self) -> bool {
        matches!(self, Gating::Auto | Gating::Manual)
    }
}

impl<'de> Deserialize<'de> for Gating {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Ok(match v {
            serde_json::Value::Bool(false) => Gating::Open,
            serde_json::Value::Bool(true) => Gating::Auto,
            serde_json::Value::String(s) if s == "auto" => Gating::Auto,
            serde_json::Value::String(s) if s == "manual" => Gating::Manual,
            _ => Gating::Unknown,
        })
    }
}

impl Serialize for Gating {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Gating::Unknown => s.serialize_none(),
            Gating::Open => s.serialize_bool(false),
            Gating::Auto => s.serialize_str("auto"),
            Gating::Manual => s.serialize_str("manual"),
        }
    }
}

/// One file the fetcher tried to read (README, license files).
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedFile {
    pub path: String,
    pub outcome: FileOutcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FileOutcome {
    /// The text (lossily decoded when not UTF-8); `truncated` when it hit the size limit.
    Text { text: String, truncated: bool },
    /// The file exists but could not be read: gated, refused, missing, binary, failed.
    Unavailable { reason: String },
}

impl FetchedFile {
    pub fn text(&self) -> Option<&str> {
        match &self.outcome {
            FileOutcome::Text { text, .. } => Some(text),
            FileOutcome::Unavailable { .. } => None,
        }
    }
}

/// Everything the audit knows about one model before judging it.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The name the user gave (id, id@rev, or path).
    pub model: String,
    pub source: Source,
    /// The commit the files were read at, when known.
    pub revision: Option<String>,
    pub info: ModelInfo,
    /// README.md and the license-like files, in the order they were asked for.
    pub files: Vec<FetchedFile>,
    /// Things worth telling the user that are not risks (a redirect, a truncated file).
    pub notes: Vec<String>,
}

impl Snapshot {
    pub fn file(&self, path: &str) -> Option<&FetchedFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

/// Is this a file whose text may carry license terms? README is read separately.
pub fn is_license_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_uppercase();
    let code = [".PY", ".JS", ".RS", ".SH", ".IPYNB", ".JSON"];
    if code.iter().any(|ext| name.ends_with(ext)) {
        return false;
    }
    [
        "LICENSE",
        "LICENCE",
        "COPYING",
        "NOTICE",
        "USE_POLICY",
        "MODEL_LICENSE",
    ]
    .iter()
    .any(|p| name.starts_with(p))
        || name.contains("LICENSE")
        || name.contains("LICENCE")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gating_parses_every_hub_form() {
        let g: Vec<Gating> = serde_json::from_str(r#"[false, "auto", "manual", true, 3]"#).unwrap();
        assert_eq!(
            g,
            [
                Gating::Open,
                Gating::Auto,
                Gating::Manual,
                Gating::Auto,
                Gating::Unknown
            ]
        );
    }

    #[test]
    fn license_files_are_recognised() {
        for p in [
            "LICENSE",
            "LICENSE.txt",
            "LICENCE.md",
            "COPYING",
            "NOTICE",
            "USE_POLICY.md",
            "LICENSE-MODEL",
            "MODEL_LICENSE",
            "Llama-3-LICENSE.pdf",
        ] {
            assert!(is_license_file(p), "{p}");
        }
        for p in [
            "README.md",
            "config.json",
            "model.safetensors",
            "license_utils.py",
        ] {
            assert!(!is_license_file(p), "{p}");
        }
    }
}
