//! The one Report type (JSON schema v1 in DESIGN.md: extend it, never rename or remove a
//! field) and its renderers. Building a report is the core's job; rendering it is pure text.

pub mod json;
pub mod table;

use serde::{Deserialize, Serialize};

use crate::rules::Verdict;

pub const SCHEMA: &str = "isopen.report.v1";

/// The whole report: one entry per model, in input order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub models: Vec<ModelReport>,
}

impl Report {
    pub fn new(models: Vec<ModelReport>) -> Report {
        Report {
            schema: SCHEMA.to_string(),
            models,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Ok,
    Error,
}

/// Why a model could not be audited. `kind` is one of the contract's error kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorInfo {
    pub kind: String,
    pub message: String,
}

/// One audited model. On `status: error` the assessment fields are `null` or empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelReport {
    pub model: String,
    pub source: String,
    pub revision: Option<String>,
    pub status: Status,
    pub error: Option<ErrorInfo>,
    pub license: Option<LicenseReport>,
    pub commercial_use: Option<CommercialUse>,
    pub weights: Option<Weights>,
    pub datasets: Vec<DatasetReport>,
    pub lineage: Vec<LineageEntry>,
    pub openness: Option<Openness>,
    pub risks: Vec<Risk>,
    /// Extension: things the reviewer should know that are not risks (files the hub refused,
    /// a front matter that would not parse, a renamed repository).
    #[serde(default)]
    pub notes: Vec<String>,
}

impl ModelReport {
    /// The report of a model that could not be audited.
    pub fn failed(model: &str, source: &str, kind: &str, message: String) -> ModelReport {
        ModelReport {
            model: model.to_string(),
            source: source.to_string(),
            revision: None,
            status: Status::Error,
            error: Some(ErrorInfo {
                kind: kind.to_string(),
                message,
            }),
            license: None,
            commercial_use: None,
            weights: None,
            datasets: Vec::new(),
            lineage: Vec::new(),
            openness: None,
            risks: Vec::new(),
            notes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LicenseReport {
    /// The Hub's id, else the rule id, else `unknown`.
    pub id: String,
    pub name: Option<String>,
    pub spdx: Option<String>,
    /// What the card declares (`license`, or `license_name` for `other`), verbatim.
    pub declared: Option<String>,
    pub confidence: f64,
    pub osi_approved: Option<bool>,
    pub sources: Vec<LicenseSource>,
}

/// One place that states license terms, and what it was identified as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LicenseSource {
    /// `card-metadata`, `license-file`, `card-text`, `gate-prompt` or `base-model`.
    pub kind: String,
    pub file: Option<String>,
    pub id: String,
    pub confidence: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommercialUse {
    pub verdict: Verdict,
    pub conditions: Vec<String>,
    pub obligations: Vec<String>,
    pub evidence: Vec<Evidence>,
}

/// A citation: where a fact was read, and the words that state it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub quote: String,
    /// Extension: the license rule the quote was matched by, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// `open`, `gated`, `absent` or `unknown`.
    pub availability: String,
    /// `none`, `auto`, `manual`, or null when unknown.
    pub gating: Option<String>,
    pub formats: Vec<String>,
    pub parameters: Option<u64>,
    pub bytes: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetReport {
    pub id: String,
    pub license: Option<String>,
    pub availability: String,
    pub commercial_use: Verdict,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineageEntry {
    pub model: String,
    pub relation: String,
    pub license: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Openness {
    /// `pass`, `fail` or `unknown`.
    pub osaid: String,
    pub reasons: Vec<String>,
    pub mof_class: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Risk {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub evidence: Vec<Evidence>,
}

pub mod identify;
pub mod knowledge;
