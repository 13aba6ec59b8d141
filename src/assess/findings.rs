//! The risks that do not come from reconciling license terms: restrictions the card states
//! about its data, a base model found only by inference, the weights (gated, absent, pickle,
//! remote code) and the training data.

use super::file_evidence;
use super::inferred::InferredBase;
use super::risks::RiskCode;
use super::weights::WeightFacts;
use crate::card::CardMeta;
use crate::license::prose;
use crate::report::DatasetReport;
use crate::snapshot::ModelInfo;
use crate::vocab::Clause;
use crate::vocab::Verdict;
use crate::vocab::{Availability, Evidence, Gating, Risk};

/// Restrictions stated in the card's license section about something other than the model:
/// the training data is a risk; another model or variant is only a note.
pub(super) fn elsewhere(found: &[(prose::Subject, Clause)], notes: &mut Vec<String>) -> Vec<Risk> {
    let mut risks = Vec::new();
    for (subject, c) in found {
        match subject {
            prose::Subject::Data => risks.push(RiskCode::DatasetNonCommercial.risk(
                format!(
                    "the card says the training data restricts commercial use: \"{}\"",
                    c.evidence.quote
                ),
                vec![c.evidence.clone()],
            )),
            _ => notes.push(format!(
                "README.md line {}: a restriction about another model or variant, not this one: \"{}\"",
                c.evidence.line.unwrap_or(0),
                c.evidence.quote
            )),
        }
    }
    risks
}

/// A base model the card does not declare, found in its text, name, tags or files.
pub(super) fn undeclared_base(b: &InferredBase) -> Risk {
    RiskCode::UndeclaredBaseModel.risk(
        format!(
            "the card declares no base model, but its {} points to {} ({}); {}",
            match b.found_in {
                "prose" => "text",
                "name" => "name",
                "tag" => "tags",
                other => other,
            },
            b.label(),
            b.relation.as_str(),
            match b.family.and_then(|f| f.rule) {
                Some(rule) if b.model.is_none() => format!("the family's terms ({rule}) apply"),
                None if b.model.is_none() => {
                    "its members are under different terms, so the terms cannot be established"
                        .into()
                }
                _ => "its terms apply".into(),
            }
        ),
        vec![b.evidence.clone()],
    )
}

/// Gated or absent weights, pickle-only formats, and code the model needs to load.
pub(super) fn weights(w: &WeightFacts, info: &ModelInfo) -> Vec<Risk> {
    let mut risks = Vec::new();
    let gating = w.weights.gating.map(Gating::as_str);
    match w.weights.availability {
        Availability::Gated => risks.push(RiskCode::WeightsGated.risk(
            format!(
                "the weights need an access request on the Hub (gating: {})",
                gating.unwrap_or("unknown")
            ),
            vec![Evidence {
                file: None,
                line: None,
                quote: format!("gated: {}", gating.unwrap_or("?")),
                rule: None,
            }],
        )),
        Availability::Absent => risks.push(RiskCode::WeightsAbsent.risk(
            "the repository's file list holds no model weights".into(),
            Vec::new(),
        )),
        Availability::Open | Availability::Unknown => {}
    }
    if w.pickle_only {
        risks.push(
            RiskCode::UnsafeWeightFormat.risk(
                "the weights exist only in pickle-based formats, which can run code when loaded"
                    .into(),
                w.pickle_files
                    .iter()
                    .take(3)
                    .map(|f| file_evidence(f))
                    .collect(),
            ),
        );
    }
    let code = super::weights::remote_code_files(info);
    if !code.is_empty() {
        risks.push(RiskCode::RemoteCode.risk(
            "loading the model needs code from the repository (trust_remote_code)".into(),
            code.iter().take(3).map(|f| file_evidence(f)).collect(),
        ));
    }
    risks
}

/// No declared training data, and datasets whose license forbids commercial use.
pub(super) fn datasets(
    meta: &CardMeta,
    datasets: &[DatasetReport],
    notes: &mut Vec<String>,
) -> Vec<Risk> {
    let mut risks = Vec::new();
    if meta.datasets.is_empty() {
        risks.push(RiskCode::TrainingDataUndisclosed.risk(
            "the card names no training dataset (no `datasets:` key or `dataset:` tag)".into(),
            Vec::new(),
        ));
    }
    for d in datasets {
        if d.commercial_use == Verdict::Prohibited {
            // The card's own words when they made it so; else the license metadata.
            let (said, evidence) = if d.card_terms.is_empty() {
                (
                    format!("is licensed {}", d.license.as_deref().unwrap_or("?")),
                    vec![Evidence {
                        file: None,
                        line: None,
                        quote: format!(
                            "dataset {}: license {}",
                            d.id,
                            d.license.as_deref().unwrap_or("?")
                        ),
                        rule: None,
                    }],
                )
            } else {
                (
                    format!(
                        "has a card whose licensing section says \"{}\"",
                        d.card_terms[0].quote
                    ),
                    d.card_terms.clone(),
                )
            };
            risks.push(RiskCode::DatasetNonCommercial.risk(
                format!(
                    "the training dataset {} {said}, which forbids commercial use",
                    d.id
                ),
                evidence,
            ));
        } else if d.license_verdict.is_some()
            && let Some(t) = d.card_terms.iter().find(|t| t.rule.is_none())
        {
            notes.push(format!(
                "the dataset {}'s card defers to other terms, which were not read, so its commercial use is {}: {} line {}: \"{}\"",
                d.id,
                d.commercial_use.as_str(),
                t.file.as_deref().unwrap_or("README.md"),
                t.line.unwrap_or(0),
                t.quote
            ));
        }
        // Datasets over the look-up budget are said once, by the shell, not one note each.
        if let Some(e) = d
            .error
            .as_ref()
            .filter(|e| !e.starts_with(super::datasets::NOT_LOOKED_UP.as_str()))
        {
            notes.push(format!("the dataset {} could not be looked up: {e}", d.id));
        }
    }
    risks
}
