//! What the reconciliation reports once the verdict is set: the conditions and obligations of
//! every identified rule, the clauses read in unidentified texts, the risks each rule carries,
//! and the license entry with its sources and confidence.

use super::{TermsInput, cite_rule, push_unique, round2};
use crate::license::identify::{Candidate, SourceKind};
use crate::report::{CommercialUse, LicenseReport, LicenseSource};
use crate::rules::Rule;
use crate::vocab::Clause;
use crate::vocab::Risk;
use crate::vocab::RiskCode;
use crate::vocab::Verdict;

/// The verdict with the conditions and obligations of every identified license, policy and
/// base, and the chosen license's evidence.
pub(super) fn commercial_use(
    verdict: Verdict,
    chosen: Option<&Candidate>,
    identified: &[&Candidate],
    input: &TermsInput<'_, '_>,
) -> CommercialUse {
    let mut conditions = Vec::new();
    let mut obligations = Vec::new();
    for c in identified {
        let r = c.rule.expect("identified");
        for s in &r.facts.conditions {
            push_unique(&mut conditions, s);
        }
        for s in &r.facts.obligations {
            push_unique(&mut obligations, s);
        }
        if let Some(u) = &r.facts.use_restrictions {
            push_unique(&mut conditions, &u.summary);
        }
    }
    CommercialUse {
        verdict,
        conditions,
        obligations,
        evidence: chosen
            .map(|c| cite_rule(c, &input.texts))
            .unwrap_or_default(),
    }
}

/// The clauses read in unidentified files and in the card's sentences, each once; the
/// restrictive ones are conditions too.
pub(super) fn clauses_read(
    input: &TermsInput<'_, '_>,
    conditions: &mut Vec<String>,
) -> Vec<Clause> {
    let mut read: Vec<Clause> = Vec::new();
    for c in input
        .unrecognized_files
        .iter()
        .flat_map(|u| u.clauses.iter())
        .chain(input.signals.iter().map(|s| &s.clause))
    {
        if c.kind.restricts() {
            push_unique(conditions, &c.condition());
        }
        if !read.contains(c) {
            read.push(c.clone());
        }
    }
    read
}

/// Each identified rule's own risks, once per rule: no commercial use, conditions, use
/// restrictions; and a chosen license that is not OSI-approved.
pub(super) fn rule_risks(
    identified: &[&Candidate],
    chosen: Option<&Candidate>,
    texts: &[(&str, &str)],
) -> Vec<Risk> {
    let mut risks = Vec::new();
    let mut rules_seen: Vec<&Rule> = Vec::new();
    for c in identified {
        let r = c.rule.expect("identified");
        if rules_seen.iter().any(|s| s.facts.id == r.facts.id) {
            continue;
        }
        rules_seen.push(r);
        let ev = cite_rule(c, texts);
        match r.facts.verdict {
            Verdict::Prohibited => risks.push(RiskCode::NonCommercial.risk(
                format!("{} does not permit commercial use", r.facts.name),
                ev.clone(),
            )),
            Verdict::Conditional if !r.facts.conditions.is_empty() => {
                risks.push(RiskCode::CommercialConditions.risk(
                    format!("{}: {}", r.facts.name, r.facts.conditions.join("; ")),
                    ev.clone(),
                ))
            }
            _ => {}
        }
        if let Some(u) = &r.facts.use_restrictions {
            let flow = if u.flow_down {
                " (they must be passed on to your users)"
            } else {
                ""
            };
            risks.push(
                RiskCode::UseRestrictions
                    .risk(format!("{}: {}{flow}", r.facts.name, u.summary), ev),
            );
        }
    }
    if let Some(r) = chosen.and_then(|c| c.rule)
        && !r.facts.osi_approved
    {
        risks.push(RiskCode::NotOsiApproved.risk(
            format!("{} is not an OSI-approved license", r.facts.name),
            Vec::new(),
        ));
    }
    risks
}

/// The license entry: the chosen license, every source with what it said, and a confidence
/// lowered by disagreement, unidentified or unread texts and bases without terms.
pub(super) fn license_report(
    chosen: Option<&Candidate>,
    input: &TermsInput<'_, '_>,
    bases: &[Candidate],
    disagree: bool,
    clauses: Vec<Clause>,
    notes: &mut Vec<String>,
) -> LicenseReport {
    let mut confidence = chosen.map_or(0.0, |c| c.confidence);
    if disagree {
        confidence = confidence.min(0.6);
    }
    if !input.unrecognized_files.is_empty() || !input.unread.is_empty() {
        confidence = confidence.min(0.7);
    }
    let revision_unverified = chosen.is_some_and(Candidate::revision_unverified);
    if revision_unverified {
        notes.push(format!(
            "{}: the text is of a known license line in a revision isopen has no rule for; the strictest known revision's terms are reported",
            chosen.map_or("", |c| c.id())
        ));
    }
    if !input.gaps.is_empty() {
        confidence = confidence.min(0.5);
    }
    let rule = chosen.and_then(|c| c.rule);
    LicenseReport {
        id: chosen.map_or_else(|| "unknown".to_string(), |c| c.id().to_string()),
        name: chosen.and_then(Candidate::name),
        spdx: rule.and_then(|r| r.facts.spdx.clone()),
        declared: input.declared.clone(),
        confidence: round2(confidence),
        osi_approved: rule.map(|r| r.facts.osi_approved),
        sources: input
            .candidates
            .iter()
            .chain(bases.iter())
            .map(|c| LicenseSource {
                kind: c.kind,
                file: c.file.clone(),
                id: c.id().to_string(),
                confidence: round2(c.confidence),
                model: (c.kind == SourceKind::BaseModel)
                    .then(|| c.stated.clone())
                    .flatten(),
                revision_unverified: c.revision_unverified(),
                scope: c.scope,
            })
            .collect(),
        clauses,
        revision_unverified,
    }
}
