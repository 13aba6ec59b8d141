//! The commercial verdict: the most restrictive finding wins, anything unidentified or unread
//! keeps it from `allowed`, and a derived model carries every ancestor's terms. Each step that
//! holds a verdict back from `allowed` leaves a note saying why.

use super::{AncestorTerms, TermsInput, Unread, Unrecognized};
use crate::license::identify::{Candidate, SourceKind};
use crate::rules::RuleKind;
use crate::vocab::RiskCode;
use crate::vocab::Verdict;
use crate::vocab::{Evidence, Risk};

/// The model's own verdict, before what was not read and before its ancestors: the most
/// restrictive over every identified license and policy. An unrecognised file counts with the
/// verdict its clauses support, never `allowed`.
pub(super) fn own(
    input: &TermsInput<'_, '_>,
    licenses: &[&Candidate],
    policies: &[&Candidate],
    identified: bool,
    notes: &mut Vec<String>,
) -> Verdict {
    let read_verdicts: Vec<Verdict> = input
        .unrecognized_files
        .iter()
        .map(Unrecognized::verdict)
        .collect();
    let mut verdict = licenses
        .iter()
        .chain(policies.iter())
        .filter_map(|c| c.verdict())
        .chain(read_verdicts.iter().copied())
        .max_by_key(|v| v.restrictiveness())
        .unwrap_or(Verdict::Unknown);
    if !identified && !read_verdicts.iter().any(|v| *v != Verdict::Unknown) {
        verdict = verdict.stricter(Verdict::Unknown);
    }
    for s in &input.signals {
        verdict = verdict.stricter(if s.prohibits() {
            Verdict::Prohibited
        } else {
            Verdict::Conditional
        });
    }
    if verdict == Verdict::Allowed {
        if let Some(u) = input.unrecognized_files.first() {
            notes.push(format!(
                "commercial use is `unknown`, not `allowed`: {} holds terms isopen could not identify",
                u.path
            ));
            verdict = Verdict::Unknown;
        } else if input.candidates.iter().any(|c| c.rule.is_none()) {
            notes.push("commercial use is `unknown`, not `allowed`: the card also names terms isopen does not know".into());
            verdict = Verdict::Unknown;
        }
    }
    verdict
}

/// One rule for every source that exists but was not read completely: whatever the rest
/// allows, what it might say keeps the verdict from `allowed`.
pub(super) fn unless_unread(
    verdict: Verdict,
    unread: &[Unread],
    notes: &mut Vec<String>,
) -> Verdict {
    match unread.first() {
        Some(u) if verdict == Verdict::Allowed => {
            notes.push(format!(
                "commercial use is `unknown`, not `allowed`: {}",
                u.message()
            ));
            Verdict::Unknown
        }
        _ => verdict,
    }
}

/// Each assessed ancestor as a `base-model` source of terms.
pub(super) fn base_candidates<'r>(ancestors: &[AncestorTerms<'r>]) -> Vec<Candidate<'r>> {
    ancestors
        .iter()
        .map(|a| Candidate {
            stated: Some(a.model.clone()),
            ..Candidate::new(
                SourceKind::BaseModel,
                None,
                a.rule,
                a.confidence,
                Evidence {
                    file: None,
                    line: None,
                    quote: format!("base model {}: license {}", a.model, a.license_id),
                    rule: a.rule.map(|r| r.facts.id.clone()),
                },
            )
        })
        .collect()
}

/// The child carries every ancestor's terms; an ancestor stricter than the license the child
/// declares is an `inherited-license-conflict`.
pub(super) fn inherit(
    own: Verdict,
    chosen: Option<&Candidate>,
    ancestors: &[AncestorTerms],
    bases: &[Candidate],
) -> (Verdict, Vec<Risk>) {
    let mut verdict = own;
    let mut risks = Vec::new();
    for (a, c) in ancestors.iter().zip(bases) {
        verdict = verdict.stricter(a.verdict);
        if chosen.is_some() && a.verdict.restrictiveness() > own.restrictiveness() {
            risks.push(RiskCode::InheritedLicenseConflict.risk(
                format!(
                    "the model is declared {} ({own}), but its base model {} carries {} ({}); the base's terms apply",
                    chosen.map_or("unknown", |c| c.id()),
                    a.model,
                    a.license_id,
                    a.verdict
                ),
                vec![c.evidence.clone()],
            ));
        }
    }
    (verdict, risks)
}

/// A base whose terms could not be established keeps a derived model from `allowed`.
pub(super) fn unless_gaps(verdict: Verdict, gaps: &[String], notes: &mut Vec<String>) -> Verdict {
    if verdict == Verdict::Allowed && !gaps.is_empty() {
        notes.push(format!(
            "commercial use is `unknown`, not `allowed`: a derived model carries its base model's terms, and the terms of {} could not be established",
            gaps.join(", ")
        ));
        return Verdict::Unknown;
    }
    verdict
}

/// The license reported: a base's terms replace the child's when they are more restrictive.
pub(super) fn with_base<'c, 'r>(
    chosen: Option<&'c Candidate<'r>>,
    bases: &'c [Candidate<'r>],
) -> Option<&'c Candidate<'r>> {
    let base_rule = bases
        .iter()
        .filter(|c| c.rule.is_some_and(|r| r.facts.kind == RuleKind::License))
        .max_by_key(|c| c.verdict().map(Verdict::restrictiveness));
    match (chosen, base_rule) {
        (Some(own), Some(base))
            if base.verdict().map(Verdict::restrictiveness)
                > own.verdict().map(Verdict::restrictiveness) =>
        {
            Some(base)
        }
        (None, Some(base)) => Some(base),
        (own, _) => own,
    }
}
