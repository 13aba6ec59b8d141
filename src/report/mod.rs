//! The one Report type (JSON schema v1 in DESIGN.md: extend it, never rename or remove a
//! field) and its renderers. Building a report is the core's job; rendering it is pure text.

pub mod json;
pub mod table;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::vocab::{Evidence, Risk, Severity, Verdict};

pub const SCHEMA: &str = "isopen.report.v1";

/// How a report is laid out for people: the terminal's width (tables are fitted to it), and
/// the `--fail-on` threshold, so the outputs can say what the gate makes of each model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub width: usize,
    pub fail_on: Option<Severity>,
}

impl Default for View {
    /// 100 columns: what a report fits when nothing says the terminal's width.
    fn default() -> View {
        View {
            width: usize::from(table::WIDTH),
            fail_on: None,
        }
    }
}

/// The whole report: one entry per model, in input order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Ok,
    Error,
}

/// Why a model could not be audited. `kind` is one of the contract's error kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorInfo {
    pub kind: String,
    pub message: String,
}

/// One audited model. On `status: error` the assessment fields are `null` or empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
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
    /// Extension: the policy's decisions, with `--policy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<crate::vocab::PolicyResult>,
    /// Extension: the shortlist's note and owner for this model (`isopen batch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Extension: self-hosting, hardware, customisation and community signals.
    #[serde(default)]
    pub business: Option<Business>,
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
            business: None,
            policy: None,
            note: None,
            owner: None,
            notes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
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
    /// Extension: clauses read in terms no rule names (an unrecognised license file, the card's
    /// license section, the gate form), each with its evidence.
    #[serde(default)]
    pub clauses: Vec<crate::vocab::Clause>,
    /// Extension: the license is a known line in a revision isopen has no rule for; its
    /// strictest known revision's terms are reported.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revision_unverified: bool,
}

/// One place that states license terms, and what it was identified as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LicenseSource {
    /// `card-metadata`, `license-file`, `card-text`, `gate-prompt` or `base-model`.
    pub kind: String,
    pub file: Option<String>,
    pub id: String,
    pub confidence: f64,
    /// Extension: for `base-model` sources, the ancestor the terms come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Extension: this source is a known line in a revision isopen has no rule for.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revision_unverified: bool,
    /// Extension: for a license named in the card's prose, what it covers: `weights`, `code`,
    /// `data` or `outputs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CommercialUse {
    pub verdict: Verdict,
    pub conditions: Vec<String>,
    pub obligations: Vec<String>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Weights {
    /// `open`, `gated`, `absent` or `unknown`.
    pub availability: String,
    /// `none`, `auto`, `manual`, or null when unknown.
    pub gating: Option<String>,
    pub formats: Vec<String>,
    pub parameters: Option<u64>,
    pub bytes: Option<u64>,
    /// Extension: `parameters` was estimated from file sizes (2 bytes a parameter).
    #[serde(default)]
    pub parameters_estimated: bool,
    /// Extension: memory to serve the model: the weights plus 20% for activations and cache.
    #[serde(default)]
    pub serving_memory: Option<ServingMemory>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServingMemory {
    pub bf16_bytes: u64,
    pub int4_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DatasetReport {
    pub id: String,
    pub license: Option<String>,
    /// `open`, `gated` or `unknown` (not found, private, or not checked).
    pub availability: String,
    pub commercial_use: Verdict,
    /// Extension: `none`, `auto` or `manual` when the Hub said.
    #[serde(default)]
    pub gating: Option<String>,
    /// Extension: why the dataset could not be looked up.
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LineageEntry {
    pub model: String,
    /// `finetune`, `adapter`, `quantized`, `merge`, or `unknown`.
    pub relation: String,
    pub license: Option<String>,
    /// Extension: the ancestor's commercial verdict, when it was assessed.
    #[serde(default)]
    pub commercial_use: Option<Verdict>,
    /// Extension: 1 for a parent, 2 for a grandparent, …
    #[serde(default)]
    pub depth: usize,
    /// Extension: the model that names this one as its base.
    #[serde(default)]
    pub via: Option<String>,
    /// Extension: `ok`, `error`, `cycle`, `too-deep`, or `not-checked`.
    #[serde(default)]
    pub status: String,
    /// Extension: why the ancestor could not be assessed.
    #[serde(default)]
    pub error: Option<String>,
    /// The card does not declare this base: it was inferred (contract addition).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inferred: bool,
    /// Where an inferred base was read: the card's prose, the model's name, a tag, the config.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Openness {
    /// `pass`, `fail` or `unknown`.
    pub osaid: String,
    pub reasons: Vec<String>,
    /// `I`, `II`, `III`, `none`, or null when the evidence cannot decide.
    pub mof_class: Option<String>,
    /// Extension: the OSAID verdict per element (parameters, code, data information).
    #[serde(default)]
    pub osaid_elements: Vec<Element>,
    /// Extension: MOF components, found, missing or unknown, with the evidence.
    #[serde(default)]
    pub mof_components: Vec<Element>,
    /// Extension: European Open Source AI Index parameters where the evidence allows
    /// (`open`, `partial`, `closed`; the others are left out).
    #[serde(default)]
    pub osai_index: Vec<Element>,
}

/// One judged element: its name, the verdict and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Element {
    pub name: String,
    pub verdict: String,
    pub reason: String,
}

/// Extension: the questions a business asks before adopting a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Business {
    /// Can it run on our own machines (data stays in-house)?
    pub self_hosting: Answer,
    /// What hardware serving it needs.
    pub hardware: Answer,
    /// May it be fine-tuned and the result used commercially?
    pub fine_tuning: Answer,
    pub downloads: Option<u64>,
    pub likes: Option<u64>,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Answer {
    /// `yes`, `conditional`, `no` or `unknown` (hardware: a size class).
    pub answer: String,
    pub reason: String,
}

pub mod cyclonedx;
pub mod gate;
pub mod identify;
pub mod knowledge;
pub mod markdown;
pub mod sanitize;
pub mod sarif;
pub mod summary;

/// The JSON Schema of the report (schema v1), as committed in `schema/report.v1.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Report);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
