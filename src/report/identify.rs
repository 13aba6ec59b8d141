//! `isopen license identify`: the names found in license texts (schema `isopen.identify.v1`),
//! rendered as JSON or as a table.

use comfy_table::presets::NOTHING;
use comfy_table::{ContentArrangement, Table};
use serde::{Deserialize, Serialize};

use super::Evidence;
use crate::license::clauses::{self};
use crate::license::identify::{Candidate, SourceKind, from_text};
use crate::rules::{RuleKind, RuleSet};
use crate::vocab::Clause;

pub const SCHEMA: &str = "isopen.identify.v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentifyReport {
    pub schema: String,
    pub files: Vec<IdentifiedFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentifiedFile {
    pub file: String,
    /// The license (or policy) id, or `unknown`.
    pub id: String,
    pub name: Option<String>,
    pub confidence: f64,
    pub evidence: Vec<Evidence>,
    /// Extension: `license` or `policy`, when identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Extension: the commercial verdict of what was identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    /// Extension: other rules that also matched (a license with its policy appended).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// Extension: why the file could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Extension: for a text no rule names, the clauses read in it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clauses: Vec<Clause>,
    /// Extension: permissive licenses whose text this one carries with a restrictive clause
    /// added (it is not that license).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lookalike_of: Vec<String>,
    /// Extension: a known license line in a revision isopen has no rule for.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revision_unverified: bool,
}

/// Names the terms of one text: the most confident license rule, else a policy, else unknown.
pub fn identify(file: &str, text: &str, rules: &RuleSet) -> IdentifiedFile {
    let reading = from_text(SourceKind::LicenseFile, file, text, rules);
    let mut found: Vec<Candidate> = reading.candidates.clone();
    // Licenses before policies, then by confidence; among equals the more restrictive (a
    // notice naming "Creative Commons" and "CC-BY-NC-4.0" is CC BY-NC, not the family).
    found.sort_by(|a, b| {
        let rank = |c: &Candidate| c.rule.is_some_and(|r| r.facts.kind == RuleKind::License);
        let strict = |c: &Candidate| c.verdict().map_or(0, |v| v.restrictiveness());
        rank(b)
            .cmp(&rank(a))
            .then(b.confidence.total_cmp(&a.confidence))
            .then(strict(b).cmp(&strict(a)))
    });
    let Some(best) = found.first() else {
        // Nothing names it: its clauses say what they can, never `allowed`.
        let mut f = unknown(file, None);
        f.verdict = Some(reading.clause_verdict().to_string());
        f.evidence = clauses::restrictive(&reading.clauses)
            .map(|c| c.evidence.clone())
            .collect();
        f.lookalike_of = reading.lookalikes.clone();
        f.clauses = reading.clauses;
        return f;
    };
    let rule = best.rule.expect("text candidates name a rule");
    IdentifiedFile {
        file: file.to_string(),
        id: best.id().to_string(),
        name: best.name(),
        confidence: best.confidence,
        evidence: vec![best.evidence.clone()],
        kind: Some(match rule.facts.kind {
            RuleKind::License => "license".into(),
            RuleKind::Policy => "policy".into(),
        }),
        verdict: best.verdict().map(|v| v.to_string()),
        also: found[1..].iter().map(|c| c.id().to_string()).collect(),
        error: None,
        clauses: Vec::new(),
        lookalike_of: Vec::new(),
        revision_unverified: best.revision_unverified(),
    }
}

/// A file that could not be read.
pub fn unreadable(file: &str, error: String) -> IdentifiedFile {
    unknown(file, Some(error))
}

/// A text nothing names (or that could not be read, with `error`).
fn unknown(file: &str, error: Option<String>) -> IdentifiedFile {
    IdentifiedFile {
        file: file.to_string(),
        id: "unknown".into(),
        name: None,
        confidence: 0.0,
        evidence: Vec::new(),
        kind: None,
        verdict: None,
        also: Vec::new(),
        error,
        clauses: Vec::new(),
        lookalike_of: Vec::new(),
        revision_unverified: false,
    }
}

pub fn render_json(report: &IdentifyReport) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
    s.push('\n');
    s
}

pub fn render_table(report: &IdentifyReport) -> String {
    let mut t = Table::new();
    t.load_style(NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(super::table::WIDTH)
        .set_header(vec!["File", "License", "Conf.", "Commercial", "Evidence"]);
    for f in &report.files {
        let what = match (&f.name, &f.error) {
            (_, Some(e)) => format!("unreadable: {e}"),
            (Some(n), None) => format!("{} ({n})", f.id),
            (None, None) => "unknown".into(),
        };
        let evidence = f
            .evidence
            .first()
            .map(|e| format!("line {}: \"{}\"", e.line.unwrap_or(0), e.quote))
            .unwrap_or_default();
        t.add_row(vec![
            f.file.clone(),
            what,
            format!("{:.2}", f.confidence),
            f.verdict.clone().unwrap_or_else(|| "-".into()),
            evidence,
        ]);
    }
    super::table::tidy(&t.to_string())
}
