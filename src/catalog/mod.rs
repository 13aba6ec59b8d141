//! The catalog of closed API models (`api-catalog/*.yaml`, one file per provider, format in
//! its README): raw YAML → a validated `Catalog` whose every entry names its governing terms
//! (name, URL, effective date, the date the catalog last knew them current) and six facts
//! (commercial use, output ownership, the clause against building competing models, training
//! on API data by default, data retention, regions), each resting on a named source or saying
//! `unknown`. Pure: the files are embedded at build time, and the audit's date comes in as a
//! value. `report` turns an entry into the model's report.

pub mod report;

use std::collections::BTreeSet;

use serde::Deserialize;
use thiserror::Error;

use crate::vocab::{Date, Verdict};

/// The catalog files, embedded by build.rs: (file name, contents).
const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_catalog.rs"));

/// An entry whose `checked` date is more than this many days before the audit is reported as
/// stale: providers change their terms several times a year (Open Terms Archive recorded three
/// changes of OpenAI's business terms in five weeks of late 2025), so half a year is already
/// long; the README documents this number.
pub const MAX_AGE_DAYS: i64 = 180;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CatalogError {
    #[error("api-catalog/{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("{0}")]
    Unknown(String),
}

/// The values each fact may take (the first list is the commercial verdicts).
pub const OWNERSHIP: &[&str] = &["customer", "provider", "unknown"];
pub const COMPETING: &[&str] = &["restricted", "limited", "none", "unknown"];
pub const TRAINING: &[&str] = &["no", "yes", "by-tier", "unknown"];
pub const RETENTION: &[&str] = &["none", "retained", "unknown"];
pub const REGIONS: &[&str] = &["any", "restricted", "unknown"];
const COMMERCIAL: &[&str] = &["conditional", "prohibited", "unknown"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    provider: String,
    name: String,
    terms: RawTerms,
    #[serde(default)]
    notes: Vec<String>,
    sources: Vec<RawSource>,
    facts: RawFacts,
    models: Vec<RawModel>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTerms {
    id: String,
    name: String,
    url: String,
    effective: String,
    checked: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: String,
    url: String,
    read: String,
    checked: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFacts {
    commercial_use: RawFact,
    output_ownership: RawFact,
    competing_models: RawFact,
    trains_on_api_data: RawFact,
    data_retention: RawFact,
    regions: RawFact,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFact {
    value: String,
    summary: String,
    source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    id: String,
    name: String,
    #[serde(default)]
    note: Option<String>,
}

/// One provider's validated entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    pub id: String,
    pub name: String,
    /// The catalog file, for evidence (`api-catalog/openai.yaml`).
    pub file: String,
    pub terms: Terms,
    pub notes: Vec<String>,
    pub sources: Vec<Source>,
    pub commercial_use: Fact,
    pub verdict: Verdict,
    pub output_ownership: Fact,
    pub competing_models: Fact,
    pub trains_on_api_data: Fact,
    pub data_retention: Fact,
    pub regions: Fact,
    pub models: Vec<Model>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    pub id: String,
    pub name: String,
    pub url: String,
    pub effective: Option<Date>,
    pub checked: Date,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: String,
    pub url: String,
    pub read: String,
    pub checked: Date,
}

/// A fact: its value, our sentence, the source id (none when unknown), and the line of the
/// catalog file it is written on (for evidence).
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub value: String,
    pub summary: String,
    pub source: Option<String>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub id: String,
    pub name: String,
    pub note: Option<String>,
}

/// Every provider, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub providers: Vec<Provider>,
}

impl Catalog {
    /// The catalog built into isopen. Its files are checked by a test, so this fails only on a
    /// build from edited files.
    pub fn builtin() -> Result<Catalog, CatalogError> {
        Catalog::parse(BUILTIN)
    }

    /// Parses and validates catalog files: (file name, contents).
    pub fn parse(files: &[(&str, &str)]) -> Result<Catalog, CatalogError> {
        let mut providers: Vec<Provider> = Vec::new();
        for (file, text) in files {
            let p = parse_provider(file, text)?;
            if providers.iter().any(|q| q.id == p.id) {
                return Err(invalid(
                    file,
                    format!("provider {:?} is defined twice", p.id),
                ));
            }
            providers.push(p);
        }
        Ok(Catalog { providers })
    }

    /// The provider and model an `api:` ref names; an unknown one is an error naming it and
    /// listing what the catalog knows.
    pub fn find(&self, provider: &str, model: &str) -> Result<(&Provider, &Model), CatalogError> {
        let Some(p) = self.providers.iter().find(|p| p.id == provider) else {
            let known: Vec<&str> = self.providers.iter().map(|p| p.id.as_str()).collect();
            return Err(CatalogError::Unknown(format!(
                "api:{provider}/{model}: the catalog has no provider {provider:?}; it knows {}",
                known.join(", ")
            )));
        };
        match p.models.iter().find(|m| m.id == model) {
            Some(m) => Ok((p, m)),
            None => {
                let known: Vec<String> = p
                    .models
                    .iter()
                    .map(|m| format!("api:{}/{}", p.id, m.id))
                    .collect();
                Err(CatalogError::Unknown(format!(
                    "api:{provider}/{model}: the catalog has no model {model:?} for {}; it knows {}",
                    p.name,
                    known.join(", ")
                )))
            }
        }
    }
}

/// The built-in catalog's fingerprint and file count (`API catalog 5 files 9a8b…`).
pub fn builtin_version() -> String {
    format!(
        "API catalog {} files {}",
        BUILTIN.len(),
        crate::rules::fingerprint(BUILTIN)
    )
}

fn invalid(file: &str, message: String) -> CatalogError {
    CatalogError::Invalid {
        file: file.to_string(),
        message,
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_'))
        && !s.starts_with(['-', '.'])
        && !s.contains("..")
}

fn date(file: &str, what: &str, s: &str) -> Result<Date, CatalogError> {
    Date::parse(s).ok_or_else(|| invalid(file, format!("{what} {s:?} is not a date (YYYY-MM-DD)")))
}

fn url(file: &str, what: &str, s: &str) -> Result<(), CatalogError> {
    if s.starts_with("https://") && !s.contains(char::is_whitespace) && s.len() > 8 {
        Ok(())
    } else {
        Err(invalid(file, format!("{what} {s:?} is not an https URL")))
    }
}

/// The 1-based line of `key:` under `facts:` in the file, for evidence.
fn fact_line(text: &str, key: &str) -> usize {
    let facts = text
        .lines()
        .position(|l| l.trim_end() == "facts:")
        .unwrap_or(0);
    text.lines()
        .enumerate()
        .skip(facts)
        .find(|(_, l)| l.trim_start().starts_with(&format!("{key}:")))
        .map_or(0, |(i, _)| i + 1)
}

fn parse_provider(file: &str, text: &str) -> Result<Provider, CatalogError> {
    let raw: RawProvider =
        crate::card::parse_config_yaml(text).map_err(|e| invalid(file, e.to_string()))?;
    if !is_id(&raw.provider) {
        return Err(invalid(
            file,
            format!(
                "provider id {:?} is not lower-case letters, digits, '-', '.' or '_'",
                raw.provider
            ),
        ));
    }
    if file.trim_end_matches(".yaml") != raw.provider {
        return Err(invalid(
            file,
            format!(
                "the file of provider {:?} must be {}.yaml",
                raw.provider, raw.provider
            ),
        ));
    }
    for (what, s) in [("name", &raw.name), ("terms.name", &raw.terms.name)] {
        if s.trim().is_empty() {
            return Err(invalid(file, format!("{what} is empty")));
        }
    }
    if !is_id(&raw.terms.id) {
        return Err(invalid(
            file,
            format!("terms.id {:?} is not an id", raw.terms.id),
        ));
    }
    url(file, "terms.url", &raw.terms.url)?;
    let effective = match raw.terms.effective.as_str() {
        "unknown" => None,
        s => Some(date(file, "terms.effective", s)?),
    };
    let checked = date(file, "terms.checked", &raw.terms.checked)?;
    let mut sources = Vec::new();
    let mut ids = BTreeSet::new();
    for s in &raw.sources {
        if !is_id(&s.id) || s.id == "none" {
            return Err(invalid(file, format!("source id {:?} is not an id", s.id)));
        }
        if !ids.insert(s.id.clone()) {
            return Err(invalid(file, format!("source {:?} is listed twice", s.id)));
        }
        url(file, &format!("source {:?}'s url", s.id), &s.url)?;
        if s.read.trim().is_empty() {
            return Err(invalid(
                file,
                format!("source {:?} does not say what was read", s.id),
            ));
        }
        sources.push(Source {
            id: s.id.clone(),
            url: s.url.clone(),
            read: s.read.split_whitespace().collect::<Vec<_>>().join(" "),
            checked: date(file, &format!("source {:?}'s checked", s.id), &s.checked)?,
        });
    }
    let fact = |key: &str, raw: &RawFact, allowed: &[&str]| -> Result<Fact, CatalogError> {
        if !allowed.contains(&raw.value.as_str()) {
            return Err(invalid(
                file,
                format!(
                    "facts.{key}: {:?} is not one of {}",
                    raw.value,
                    allowed.join(", ")
                ),
            ));
        }
        if raw.summary.trim().is_empty() {
            return Err(invalid(file, format!("facts.{key} has no summary")));
        }
        let source = match raw.source.as_str() {
            "none" if raw.value == "unknown" => None,
            "none" => {
                return Err(invalid(
                    file,
                    format!("facts.{key} says {:?} without a source", raw.value),
                ));
            }
            s if ids.contains(s) => Some(s.to_string()),
            s => {
                return Err(invalid(
                    file,
                    format!("facts.{key} names the source {s:?}, which is not listed"),
                ));
            }
        };
        Ok(Fact {
            value: raw.value.clone(),
            summary: raw.summary.split_whitespace().collect::<Vec<_>>().join(" "),
            source,
            line: fact_line(text, key),
        })
    };
    let f = &raw.facts;
    let commercial_use = fact("commercial_use", &f.commercial_use, COMMERCIAL)?;
    let verdict = match commercial_use.value.as_str() {
        "conditional" => Verdict::Conditional,
        "prohibited" => Verdict::Prohibited,
        _ => Verdict::Unknown,
    };
    let mut models: Vec<Model> = Vec::new();
    if raw.models.is_empty() {
        return Err(invalid(file, "no models".into()));
    }
    for m in &raw.models {
        if !is_id(&m.id) {
            return Err(invalid(file, format!("model id {:?} is not an id", m.id)));
        }
        if models.iter().any(|n| n.id == m.id) {
            return Err(invalid(file, format!("model {:?} is listed twice", m.id)));
        }
        if m.name.trim().is_empty() {
            return Err(invalid(file, format!("model {:?} has no name", m.id)));
        }
        models.push(Model {
            id: m.id.clone(),
            name: m.name.clone(),
            note: m
                .note
                .as_ref()
                .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" ")),
        });
    }
    Ok(Provider {
        id: raw.provider.clone(),
        name: raw.name.clone(),
        file: format!("api-catalog/{file}"),
        terms: Terms {
            id: raw.terms.id.clone(),
            name: raw.terms.name.clone(),
            url: raw.terms.url.clone(),
            effective,
            checked,
        },
        notes: raw
            .notes
            .iter()
            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect(),
        sources,
        commercial_use,
        verdict,
        output_ownership: fact("output_ownership", &f.output_ownership, OWNERSHIP)?,
        competing_models: fact("competing_models", &f.competing_models, COMPETING)?,
        trains_on_api_data: fact("trains_on_api_data", &f.trains_on_api_data, TRAINING)?,
        data_retention: fact("data_retention", &f.data_retention, RETENTION)?,
        regions: fact("regions", &f.regions, REGIONS)?,
        models,
    })
}
