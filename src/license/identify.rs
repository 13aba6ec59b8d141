//! Candidates from each source: the card's metadata (ids and names, normalised through the
//! rules' aliases), license files (rules first, then the spdx crate's text detection) and the
//! gate prompt. Each candidate carries a confidence and evidence.

use crate::card::CardMeta;
use crate::license::normalize::{Normalized, normalize};
use crate::license::spdx_text;
use crate::report::Evidence;
use crate::rules::{Rule, RuleKind, RuleSet};

/// Where a candidate was found (the report's `sources[].kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceKind {
    CardMetadata,
    LicenseFile,
    CardText,
    GatePrompt,
    BaseModel,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::CardMetadata => "card-metadata",
            SourceKind::LicenseFile => "license-file",
            SourceKind::CardText => "card-text",
            SourceKind::GatePrompt => "gate-prompt",
            SourceKind::BaseModel => "base-model",
        }
    }
}

/// One claim about the terms: which rule (if any) a source names.
#[derive(Debug, Clone)]
pub struct Candidate<'r> {
    pub kind: SourceKind,
    pub file: Option<String>,
    /// The rule this source names; `None` when it names nothing we know.
    pub rule: Option<&'r Rule>,
    /// What the source said, for an unrecognised name (`license_name: foo`).
    pub stated: Option<String>,
    pub confidence: f64,
    pub evidence: Evidence,
}

impl Candidate<'_> {
    /// The id for the report: the rule's Hub id or id, else `unknown`.
    pub fn id(&self) -> &str {
        self.rule.map_or("unknown", |r| report_id(r))
    }

    pub fn is_policy(&self) -> bool {
        self.rule.is_some_and(|r| r.kind == RuleKind::Policy)
    }
}

/// The id a rule is reported under: the Hub's id where it has one.
pub fn report_id(rule: &Rule) -> &str {
    rule.hub_id.as_deref().unwrap_or(&rule.id)
}

/// Where the metadata was read from, so evidence can point at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaOrigin<'a> {
    /// README.md front matter, with the README text to find line numbers in.
    Readme(&'a str),
    /// The Hub's `cardData` (the README could not be read or parsed).
    HubCardData,
}

/// Candidates from `license`, `license_name` and `license_link`.
pub fn from_metadata<'r>(
    meta: &CardMeta,
    origin: MetaOrigin<'_>,
    rules: &'r RuleSet,
) -> Vec<Candidate<'r>> {
    let mut out = Vec::new();
    let cite = |key: &str, value: &str| match origin {
        MetaOrigin::Readme(text) => Evidence {
            file: Some("README.md".into()),
            line: front_matter_line(text, key, value),
            quote: format!("{key}: {value}"),
            rule: None,
        },
        MetaOrigin::HubCardData => Evidence {
            file: None,
            line: None,
            quote: format!("cardData.{key}: {value}"),
            rule: None,
        },
    };
    for value in &meta.license {
        let lower = value.to_ascii_lowercase();
        if lower == "other" || lower == "unknown" {
            // `other` points at license_name; `unknown` says the author does not know.
            if lower == "other"
                && let Some(name) = &meta.license_name
            {
                out.push(named(rules, name, cite("license_name", name), 0.85));
            } else if lower == "unknown" || meta.license_name.is_none() {
                out.push(Candidate {
                    kind: SourceKind::CardMetadata,
                    file: None,
                    rule: None,
                    stated: Some(value.clone()),
                    confidence: 0.0,
                    evidence: cite("license", value),
                });
            }
            continue;
        }
        out.push(named(rules, value, cite("license", value), 0.9));
    }
    if meta.license.is_empty()
        && let Some(name) = &meta.license_name
    {
        out.push(named(rules, name, cite("license_name", name), 0.8));
    }
    out
}

fn named<'r>(
    rules: &'r RuleSet,
    name: &str,
    mut evidence: Evidence,
    confidence: f64,
) -> Candidate<'r> {
    let rule = rules.by_alias(name);
    evidence.rule = rule.map(|r| r.id.clone());
    Candidate {
        kind: SourceKind::CardMetadata,
        file: evidence.file.clone(),
        rule,
        stated: Some(name.to_string()),
        confidence: if rule.is_some() { confidence } else { 0.0 },
        evidence,
    }
}

/// The 1-based line of `key: value` in the README's front matter.
fn front_matter_line(readme: &str, key: &str, value: &str) -> Option<usize> {
    let mut fallback = None;
    for (i, line) in readme.lines().enumerate().skip(1) {
        let t = line.trim();
        if t == "---" {
            break;
        }
        if t.starts_with(&format!("{key}:")) {
            if t.contains(value) {
                return Some(i + 1);
            }
            fallback = Some(i + 1);
        } else if fallback.is_some()
            && t.trim_start_matches("- ").trim_matches(['"', '\'']) == value
        {
            return Some(i + 1);
        }
    }
    fallback
}

/// Identifies the terms in a text: every matching rule, or else a standard license through
/// SPDX text detection. An empty result means the text was not recognised.
pub fn from_text<'r>(
    kind: SourceKind,
    file: &str,
    text: &str,
    rules: &'r RuleSet,
) -> Vec<Candidate<'r>> {
    let norm = normalize(text);
    let mut out: Vec<Candidate<'r>> = rules
        .detect(&norm)
        .into_iter()
        .map(|(rule, m)| {
            let phrases = m.spans.len();
            let first = m
                .spans
                .iter()
                .min_by_key(|s| s.0)
                .copied()
                .unwrap_or((0, 0));
            Candidate {
                kind,
                file: Some(file.to_string()),
                rule: Some(rule),
                stated: None,
                // More independent phrases found, more certainty; never 1.0.
                confidence: (0.9 + 0.02 * (phrases.saturating_sub(1)) as f64).min(0.99),
                evidence: quote_span(file, text, &norm, first, Some(&rule.id)),
            }
        })
        .collect();
    // Most confident first; standard texts no rule names go to SPDX detection, which loads its
    // store (about 64 MB) once, on first use.
    out.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    if out.is_empty()
        && let Some((spdx_id, score)) = spdx_text::detect(text)
        && let Some(rule) = rules.rules().iter().find(|r| {
            r.spdx
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(&spdx_id))
        })
    {
        out.push(Candidate {
            kind,
            file: Some(file.to_string()),
            rule: Some(rule),
            stated: None,
            confidence: f64::from(score).min(0.99),
            evidence: license_line(file, text, &format!("spdx:{spdx_id}")),
        });
    }
    out
}

/// Evidence for a span of the normalised text: the original line it starts on.
pub fn quote_span(
    file: &str,
    text: &str,
    norm: &Normalized,
    span: (usize, usize),
    rule: Option<&str>,
) -> Evidence {
    let line = norm.line_at(span.0);
    let quote = text
        .lines()
        .nth(line - 1)
        .map(|l| clip(l.trim(), 200))
        .unwrap_or_default();
    Evidence {
        file: Some(file.to_string()),
        line: Some(line),
        quote,
        rule: rule.map(str::to_string),
    }
}

/// Evidence for a whole-text detection: the first line that speaks of a license, else the
/// first non-empty line.
fn license_line(file: &str, text: &str, rule: &str) -> Evidence {
    let lines: Vec<&str> = text.lines().collect();
    let pick = lines
        .iter()
        .position(|l| l.to_ascii_lowercase().contains("licen"))
        .or_else(|| lines.iter().position(|l| !l.trim().is_empty()))
        .unwrap_or(0);
    Evidence {
        file: Some(file.to_string()),
        line: Some(pick + 1),
        quote: clip(lines.get(pick).map_or("", |l| l.trim()), 200),
        rule: Some(rule.to_string()),
    }
}

/// Cuts a quote at a character boundary.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}
