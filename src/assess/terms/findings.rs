//! The license risks that come from comparing sources: names no rule knows, license files no
//! rule names, sources that disagree with each other, and sentences in the card or the gate
//! form that restrict what the declared license allows.

use super::{Unrecognized, describe};
use crate::license::clauses::{self};
use crate::license::identify::{Candidate, SourceKind};
use crate::license::prose::Signal;
use crate::vocab::RiskCode;
use crate::vocab::Verdict;
use crate::vocab::{Clause, Effect};
use crate::vocab::{Evidence, Risk};

/// A `license-unrecognized` risk for each license name in the metadata that no rule knows.
pub(super) fn unknown_names(candidates: &[Candidate]) -> Vec<Risk> {
    candidates
        .iter()
        .filter(|c| c.rule.is_none())
        .map(|c| {
            let stated = c.stated.as_deref().unwrap_or("");
            let message = if c.kind == SourceKind::GgufMetadata {
                let file = c.file.as_deref().unwrap_or("the model");
                if stated.eq_ignore_ascii_case("other") {
                    format!(
                        "the GGUF header of {file} says `general.license: other` without a license name"
                    )
                } else {
                    format!(
                        "the GGUF header of {file} names the license {stated:?}, which isopen does not know"
                    )
                }
            } else if c.field == Some("listed") {
                format!("the hub lists the license as {stated:?}, which isopen does not know")
            } else if stated.eq_ignore_ascii_case("unknown") {
                "the card declares the license as `unknown`".to_string()
            } else if stated.eq_ignore_ascii_case("other") {
                "the card declares `license: other` without a license name".to_string()
            } else {
                format!("the card names the license {stated:?}, which isopen does not know")
            };
            RiskCode::LicenseUnrecognized.risk(message, vec![c.evidence.clone()])
        })
        .collect()
}

/// What a license file nothing named says: that it is unrecognised, and what its clauses
/// prohibit or condition.
pub(super) fn unrecognized_file(u: &Unrecognized) -> Vec<Risk> {
    let mut risks = Vec::new();
    let restrictive: Vec<&Clause> = clauses::restrictive(&u.clauses).collect();
    let kinds: Vec<&str> = restrictive.iter().map(|c| c.kind.as_str()).collect();
    let message = if let Some(like) = u.lookalikes.first() {
        format!(
            "{} carries the text of {like} with terms added that limit commercial use ({}); it is not {like}",
            u.path,
            kinds.join(", ")
        )
    } else if kinds.is_empty() {
        format!(
            "{} states license terms that isopen could not identify, and no clause on commercial use was found in it",
            u.path
        )
    } else {
        format!(
            "{} states license terms that isopen could not identify; its clauses: {}",
            u.path,
            kinds.join(", ")
        )
    };
    let mut evidence = vec![u.evidence.clone()];
    evidence.extend(restrictive.iter().map(|c| c.evidence.clone()));
    risks.push(RiskCode::LicenseUnrecognized.risk(message, evidence));
    let prohibiting: Vec<Evidence> = restrictive
        .iter()
        .filter(|c| c.kind.effect() == Effect::Prohibits)
        .map(|c| c.evidence.clone())
        .collect();
    if let Some(first) = prohibiting.first() {
        risks.push(RiskCode::NonCommercial.risk(
            format!("{} restricts commercial use: \"{}\"", u.path, first.quote),
            prohibiting.clone(),
        ));
    }
    let conditioning: Vec<&&Clause> = restrictive
        .iter()
        .filter(|c| c.kind.effect() == Effect::Conditions)
        .collect();
    if !conditioning.is_empty() {
        risks.push(RiskCode::CommercialConditions.risk(
            format!(
                "{} sets conditions: {}",
                u.path,
                conditioning
                    .iter()
                    .map(|c| c.kind.describe())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            conditioning.iter().map(|c| c.evidence.clone()).collect(),
        ));
    }
    risks
}

pub(super) struct Disagreement {
    pub risks: Vec<Risk>,
    /// Some kinds of source (or the card's own fields) disagree: confidence drops.
    pub any: bool,
}

/// Two kinds of source whose identified licenses have nothing in common (a Llama LICENSE under
/// an `apache-2.0` tag, a GGUF header's `general.license: apache-2.0` under a Llama card or
/// license layer), a gate prompt against the rest, the card's `license` against its
/// `license_name`. A code license beside a model license in the same kind of source is not a
/// disagreement.
pub(super) fn disagreements(licenses: &[&Candidate]) -> Disagreement {
    let mut risks = Vec::new();
    let ids_of = |kind: SourceKind| -> Vec<&str> {
        let mut ids: Vec<&str> = licenses
            .iter()
            .filter(|c| c.kind == kind)
            .filter_map(|c| c.rule.map(|r| r.facts.id.as_str()))
            .collect();
        ids.dedup();
        ids
    };
    let stated = [
        SourceKind::CardMetadata,
        SourceKind::LicenseFile,
        SourceKind::CardText,
        SourceKind::GgufMetadata,
    ];
    let disjoint =
        |a: &[&str], b: &[&str]| !a.is_empty() && !b.is_empty() && !a.iter().any(|x| b.contains(x));
    let mismatch = stated.iter().enumerate().any(|(i, &k)| {
        stated[i + 1..]
            .iter()
            .any(|&j| disjoint(&ids_of(k), &ids_of(j)))
    });
    let others: Vec<&str> = stated.iter().flat_map(|&k| ids_of(k)).collect();
    let gate_conflict = disjoint(&ids_of(SourceKind::GatePrompt), &others);
    let cite_all = |kinds: &[SourceKind]| -> (Vec<String>, Vec<Evidence>) {
        let mut names = Vec::new();
        let mut evidence = Vec::new();
        for c in licenses.iter().filter(|c| kinds.contains(&c.kind)) {
            let n = format!("{} says {}", describe(c), c.id());
            if !names.contains(&n) {
                names.push(n);
                evidence.push(c.evidence.clone());
            }
        }
        (names, evidence)
    };
    if mismatch {
        let (names, evidence) = cite_all(&stated);
        risks.push(RiskCode::LicenseMismatch.risk(
            format!(
                "the declared and the found license disagree: {}; the most restrictive applies",
                names.join(", ")
            ),
            evidence,
        ));
    }
    if gate_conflict {
        let mut kinds = stated.to_vec();
        kinds.push(SourceKind::GatePrompt);
        let (names, evidence) = cite_all(&kinds);
        risks.push(RiskCode::GateTermsConflict.risk(
            format!(
                "the gate prompt and the license disagree: {}; the most restrictive applies",
                names.join(", ")
            ),
            evidence,
        ));
    }
    // The card's own fields disagree: `license: apache-2.0` beside `license_name: yi-license`.
    let by_field = |field: Option<&str>| -> Vec<&Candidate> {
        licenses
            .iter()
            .copied()
            .filter(|c| c.kind == SourceKind::CardMetadata && c.field == field)
            .collect()
    };
    let (tag, name) = (by_field(None), by_field(Some("license_name")));
    let fields_disagree = !tag.is_empty()
        && !name.is_empty()
        && !name.iter().any(|n| tag.iter().any(|t| n.id() == t.id()));
    if fields_disagree && !mismatch {
        risks.push(RiskCode::LicenseMismatch.risk(
            format!(
                "the card's `license` says {} but its `license_name` says {}; the most restrictive applies",
                tag.iter().map(|c| c.id()).collect::<Vec<_>>().join(", "),
                name.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ")
            ),
            tag.iter().chain(name.iter()).map(|c| c.evidence.clone()).collect(),
        ));
    }
    // The platform lists another license than the card states (ModelScope's `License`).
    let listed = by_field(Some("listed"));
    let card: Vec<&Candidate> = tag.iter().chain(name.iter()).copied().collect();
    let listed_disagrees = !listed.is_empty()
        && !card.is_empty()
        && !listed.iter().any(|l| card.iter().any(|c| l.id() == c.id()));
    if listed_disagrees && !mismatch {
        risks.push(RiskCode::LicenseMismatch.risk(
            format!(
                "the card says {} but the hub lists the license as {}; the most restrictive applies",
                card.iter().map(|c| c.id()).collect::<Vec<_>>().join(", "),
                listed.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ")
            ),
            card.iter().chain(listed.iter()).map(|c| c.evidence.clone()).collect(),
        ));
    }
    Disagreement {
        risks,
        any: mismatch || gate_conflict || fields_disagree || listed_disagrees,
    }
}

/// A declared license that an unrecognised file contradicts (`license: mit` over a LICENSE
/// that carries the MIT text with a non-commercial clause added).
pub(super) fn contradicted_declaration(
    declared: Option<Verdict>,
    licenses: &[&Candidate],
    unrecognized: &[Unrecognized],
) -> Vec<Risk> {
    let Some(declared) = declared else {
        return Vec::new();
    };
    let mut risks = Vec::new();
    for u in unrecognized {
        let found = u.verdict();
        if found != Verdict::Unknown && found.restrictiveness() > declared.restrictiveness() {
            let mut evidence: Vec<Evidence> = licenses
                .iter()
                .filter(|c| c.kind == SourceKind::CardMetadata)
                .map(|c| c.evidence.clone())
                .collect();
            evidence.extend(clauses::restrictive(&u.clauses).map(|c| c.evidence.clone()));
            risks.push(RiskCode::LicenseMismatch.risk(
                format!(
                    "the card declares a license that is {declared}, but {} is {found} by its own clauses; the most restrictive applies",
                    u.path
                ),
                evidence,
            ));
        }
    }
    risks
}

/// Clauses in the card or the gate form: each restricts or conditions commercial use, and
/// contradicts a declared license that does not.
pub(super) fn signals(declared: Option<Verdict>, signals: &[Signal]) -> Vec<Risk> {
    let mut risks = Vec::new();
    for kind in [SourceKind::GatePrompt, SourceKind::CardText] {
        let (code, place) = match kind {
            SourceKind::GatePrompt => (RiskCode::GateTermsConflict, "the gate form"),
            _ => (RiskCode::LicenseMismatch, "the card's license section"),
        };
        for prohibits in [true, false] {
            let found: Vec<&Signal> = signals
                .iter()
                .filter(|s| s.kind == kind && s.prohibits() == prohibits)
                .collect();
            let Some(first) = found.first() else {
                continue;
            };
            let evidence: Vec<Evidence> = found.iter().map(|s| s.evidence().clone()).collect();
            let quote = &first.evidence().quote;
            let contradicted = if prohibits {
                declared.is_some_and(|v| v != Verdict::Prohibited)
            } else {
                declared == Some(Verdict::Allowed)
            };
            let what = if prohibits {
                "restricts commercial use"
            } else {
                "sets conditions on commercial use"
            };
            if contradicted {
                risks.push(code.risk(
                    format!("{place} {what} (\"{quote}\") while the declared license does not"),
                    evidence.clone(),
                ));
            }
            risks.push(if prohibits {
                RiskCode::NonCommercial.risk(format!("{place} {what}: \"{quote}\""), evidence)
            } else {
                RiskCode::CommercialConditions.risk(
                    format!(
                        "{place} {what}: {}",
                        found
                            .iter()
                            .map(|s| s.clause.kind.describe())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                    evidence,
                )
            });
        }
    }
    risks
}
