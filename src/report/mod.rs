//! The one Report type (JSON schema v1 in DESIGN.md: extend it, never rename or remove a
//! field) and its renderers. Building a report is the core's job; rendering it is pure text.

pub mod json;
mod linked;
pub mod table;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::license::identify::SourceKind;
pub use crate::snapshot::Source;
pub use crate::vocab::{
    Availability, ElementVerdict, ErrorKind, Evidence, Gating, HardwareClass, LicenseScope,
    LineageStatus, MofClass, Osaid, Relation, Risk, RiskCode, Severity, Verdict, YesNo,
};
pub use linked::{IndexJudgement, LinkedItem};
pub use provider_terms::{ProviderTerms, TermsDocument, TermsFact, TermsSource};

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
    /// Extension: for `isopen scan`, what was scanned, the project's license, and the files
    /// left unread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<crate::vocab::ScanSummary>,
}

impl Report {
    pub fn new(models: Vec<ModelReport>) -> Report {
        Report {
            schema: SCHEMA.to_string(),
            models,
            scan: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Ok,
    Error,
}

/// Why a model could not be audited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorInfo {
    pub kind: ErrorKind,
    pub message: String,
}

/// One audited model. On `status: error` the assessment fields are `null` or empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelReport {
    pub model: String,
    pub source: Source,
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
    /// Extension: a closed API model's provider terms, from the catalog (`source: api` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_terms: Option<ProviderTerms>,
    /// Extension: for `isopen scan`, every place the scanned codebase references this model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub found_at: Vec<crate::vocab::FoundAt>,
}

impl ModelReport {
    /// The report of a model that could not be audited.
    pub fn failed(model: &str, source: Source, kind: ErrorKind, message: String) -> ModelReport {
        ModelReport {
            model: model.to_string(),
            source,
            revision: None,
            status: Status::Error,
            error: Some(ErrorInfo { kind, message }),
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
            provider_terms: None,
            found_at: Vec::new(),
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
    pub kind: SourceKind,
    pub file: Option<String>,
    pub id: String,
    pub confidence: f64,
    /// Extension: for `base-model` sources, the ancestor the terms come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Extension: this source is a known line in a revision isopen has no rule for.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revision_unverified: bool,
    /// Extension: for a license named in the card's prose, what it covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<LicenseScope>,
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
    pub availability: Availability,
    /// Null when unknown.
    pub gating: Option<Gating>,
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
    /// `open`, `gated` or `unknown` (not found, private, or not checked): never `absent`.
    pub availability: Availability,
    pub commercial_use: Verdict,
    /// Extension: the gate, when the Hub said.
    #[serde(default)]
    pub gating: Option<Gating>,
    /// Extension: why the dataset could not be looked up.
    #[serde(default)]
    pub error: Option<String>,
    /// Extension (with `--links`): the terms the dataset card's licensing section states and
    /// that make `commercial_use` stricter than the license metadata alone: a stricter license
    /// it names (`rule` set), a restriction, or other terms it defers to and isopen did not read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub card_terms: Vec<Evidence>,
    /// Extension: the verdict of the dataset's license alone (its metadata and the licenses and
    /// restrictions its card states), when deferred terms left `commercial_use` stricter. The
    /// openness yardsticks judge the dataset's license, so they read this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_verdict: Option<Verdict>,
}

impl DatasetReport {
    /// The verdict of the dataset's own license, deferred terms left aside.
    pub fn licensed(&self) -> Verdict {
        self.license_verdict.unwrap_or(self.commercial_use)
    }

    /// Openly licensed and downloadable without a gate: what the openness yardsticks count as
    /// open data.
    pub fn open(&self) -> bool {
        self.licensed() == Verdict::Allowed && self.availability == Availability::Open
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LineageEntry {
    pub model: String,
    pub relation: Relation,
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
    /// Extension: what became of looking the ancestor up.
    #[serde(default)]
    pub status: LineageStatus,
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
    pub osaid: Osaid,
    pub reasons: Vec<String>,
    /// Null when the evidence cannot decide.
    pub mof_class: Option<MofClass>,
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
    /// Extension: what the links behind the card held (code repositories, papers), each with
    /// where it was read; absent when nothing was looked up.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<LinkedItem>,
    /// Extension: the public indexes' own judgements of this model, beside isopen's, with the
    /// index, the record, the date and the attribution; absent when no index has a record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexJudgement>,
}

/// One judged element: its name, the verdict and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Element {
    pub name: String,
    pub verdict: ElementVerdict,
    pub reason: String,
    /// Extension: where the verdict's evidence was read when it was not the repository itself
    /// (a linked repository's or paper's URL, an index record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Extension: the questions a business asks before adopting a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Business {
    /// Can it run on our own machines (data stays in-house)?
    pub self_hosting: Answer<YesNo>,
    /// What hardware serving it needs.
    pub hardware: Answer<HardwareClass>,
    /// May it be fine-tuned and the result used commercially?
    pub fine_tuning: Answer<YesNo>,
    pub downloads: Option<u64>,
    pub likes: Option<u64>,
    pub last_modified: Option<String>,
}

/// One business answer and why. The answer's vocabulary depends on the question: a yes-or-no
/// with its shades for self-hosting and fine-tuning, a size class for hardware.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
// Named by its vocabulary in the schema (`Answer_for_YesNo`), not numbered.
#[schemars(rename = "Answer_for_{A}")]
pub struct Answer<A> {
    pub answer: A,
    pub reason: String,
}

pub mod cyclonedx;
pub mod found;
pub mod gate;
pub mod html;
pub mod identify;
pub mod knowledge;
pub mod markdown;
pub mod provider_terms;
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// The values a schema definition allows: its `enum`, or the `enum`s and `const`s of its
    /// `oneOf` (schemars writes a documented variant as a `const`).
    fn allowed(def: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let mut take = |d: &Value| {
            for v in d["enum"].as_array().into_iter().flatten() {
                out.push(v.as_str().unwrap().to_string());
            }
            if let Some(c) = d["const"].as_str() {
                out.push(c.to_string());
            }
        };
        take(def);
        for d in def["oneOf"].as_array().into_iter().flatten() {
            take(d);
        }
        out.sort();
        out
    }

    /// The definition a property refers to, directly or as the non-null half of an `anyOf`.
    fn target<'s>(schema: &'s Value, def: &str, field: &str) -> &'s Value {
        let p = &schema["$defs"][def]["properties"][field];
        let r = p["$ref"].as_str().or_else(|| {
            p["anyOf"]
                .as_array()?
                .iter()
                .find_map(|a| a["$ref"].as_str())
        });
        let r = r.unwrap_or_else(|| panic!("{def}.{field} refers to no definition: {p}"));
        &schema["$defs"][r.trim_start_matches("#/$defs/")]
    }

    fn texts(all: impl IntoIterator<Item = &'static str>) -> Vec<String> {
        let mut v: Vec<String> = all.into_iter().map(str::to_string).collect();
        v.sort();
        v
    }

    #[test]
    fn the_schema_constrains_every_vocabulary_field() {
        let schema: Value = serde_json::from_str(&json_schema()).unwrap();
        let sources = Source::ALL.map(Source::as_str);
        let source_kinds = SourceKind::ALL.map(SourceKind::as_str);
        let policy_rules = crate::vocab::PolicyRule::ALL.map(crate::vocab::PolicyRule::as_str);
        let cases: Vec<(&str, &str, Vec<String>)> = vec![
            ("ModelReport", "source", texts(sources)),
            (
                "ErrorInfo",
                "kind",
                texts(ErrorKind::ALL.map(ErrorKind::as_str)),
            ),
            ("LicenseSource", "kind", texts(source_kinds)),
            (
                "LicenseSource",
                "scope",
                texts(LicenseScope::ALL.map(LicenseScope::as_str)),
            ),
            (
                "Weights",
                "availability",
                texts(Availability::ALL.map(Availability::as_str)),
            ),
            ("Weights", "gating", texts(Gating::ALL.map(Gating::as_str))),
            (
                "DatasetReport",
                "availability",
                texts(Availability::ALL.map(Availability::as_str)),
            ),
            (
                "DatasetReport",
                "gating",
                texts(Gating::ALL.map(Gating::as_str)),
            ),
            (
                "LineageEntry",
                "relation",
                texts(Relation::ALL.map(Relation::as_str)),
            ),
            (
                "LineageEntry",
                "status",
                texts(LineageStatus::ALL.map(LineageStatus::as_str)),
            ),
            ("Openness", "osaid", texts(Osaid::ALL.map(Osaid::as_str))),
            (
                "Openness",
                "mof_class",
                texts(MofClass::ALL.map(MofClass::as_str)),
            ),
            (
                "Element",
                "verdict",
                texts(ElementVerdict::ALL.map(ElementVerdict::as_str)),
            ),
            (
                "Answer_for_YesNo",
                "answer",
                texts(YesNo::ALL.map(YesNo::as_str)),
            ),
            (
                "Answer_for_HardwareClass",
                "answer",
                texts(HardwareClass::ALL.map(HardwareClass::as_str)),
            ),
            ("Risk", "code", texts(RiskCode::ALL.map(RiskCode::code))),
            ("Decision", "risk", texts(RiskCode::ALL.map(RiskCode::code))),
            ("Decision", "rule", texts(policy_rules)),
        ];
        for (def, field, expected) in cases {
            assert_eq!(
                allowed(target(&schema, def, field)),
                expected,
                "{def}.{field}"
            );
        }
        // The business answers keep their own vocabularies.
        let business = &schema["$defs"]["Business"]["properties"];
        assert_eq!(
            business["hardware"]["$ref"],
            "#/$defs/Answer_for_HardwareClass"
        );
        assert_eq!(business["fine_tuning"]["$ref"], "#/$defs/Answer_for_YesNo");
    }

    #[test]
    fn sources_and_source_kinds_round_trip() {
        for s in [Source::Huggingface, Source::Local] {
            let json = serde_json::to_value(s).unwrap();
            assert_eq!(json, json!(s.as_str()));
            assert_eq!(serde_json::from_value::<Source>(json).unwrap(), s);
        }
        for k in [
            SourceKind::CardMetadata,
            SourceKind::LicenseFile,
            SourceKind::CardText,
            SourceKind::GatePrompt,
            SourceKind::BaseModel,
        ] {
            let json = serde_json::to_value(k).unwrap();
            assert_eq!(json, json!(k.as_str()));
            assert_eq!(serde_json::from_value::<SourceKind>(json).unwrap(), k);
        }
    }

    /// A lineage entry as an isopen from before `status` wrote it, and one whose relation a
    /// card wrote outside the vocabulary: `--resume` reads both, and writes the status back as
    /// it did then.
    #[test]
    fn old_lineage_entries_read_back() {
        let old = json!({"model": "org/base", "relation": "fine-tuned", "license": null});
        let e: LineageEntry = serde_json::from_value(old).unwrap();
        assert_eq!(e.relation, Relation::Unknown);
        assert_eq!(e.status, LineageStatus::Unrecorded);
        assert_eq!(serde_json::to_value(&e).unwrap()["status"], json!(""));
    }
}
