//! Reconciliation: from every candidate (metadata, license files, gate prompt), choose the
//! license the model really carries, the commercial verdict (the most restrictive finding wins,
//! and never `allowed` without identified terms that allow it) and the license risks.

use crate::assess::risks::RiskCode;
use crate::license::clauses::{self, Clause, Effect};
use crate::license::identify::quote_span;
use crate::license::identify::{Candidate, SourceKind};
use crate::license::normalize::normalize;
use crate::license::prose::Signal;
use crate::report::{CommercialUse, Evidence, LicenseReport, LicenseSource, Risk};
use crate::rules::{Rule, RuleKind, Verdict};

/// Everything the audit knows about the terms before choosing.
pub struct TermsInput<'a, 'r> {
    /// What the card declares, verbatim (`license`, or `license_name` for `other`).
    pub declared: Option<String>,
    pub candidates: Vec<Candidate<'r>>,
    /// License files whose text no rule, no SPDX detection and no reference named.
    pub unrecognized_files: Vec<Unrecognized>,
    /// Evidence that exists but was not read completely: each is an `evidence-unread` risk and
    /// keeps the verdict from `allowed`.
    pub unread: Vec<Unread>,
    /// Texts by file name, to locate evidence phrases in.
    pub texts: Vec<(&'a str, &'a str)>,
    /// Sentences in the card or the gate form that restrict commercial use.
    pub signals: Vec<Signal>,
    /// The ancestors whose terms were established (fine-tunes carry their base's terms).
    pub ancestors: Vec<AncestorTerms<'r>>,
    /// Base models whose terms could not be established: the child cannot be `allowed`.
    pub gaps: Vec<String>,
}

/// A source of terms that exists but was not read completely: refused, failed, truncated,
/// over a budget, unparseable, skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    /// The file or field (`README.md`, `LICENSE`, `README.md front matter`).
    pub source: String,
    pub reason: String,
    /// Part of it was read (a truncated file), rather than none.
    pub partly: bool,
}

impl Unread {
    /// A source none of which was read.
    pub fn new(source: impl Into<String>, reason: impl Into<String>) -> Unread {
        Unread {
            source: source.into(),
            reason: reason.into(),
            partly: false,
        }
    }

    /// A source read only in part.
    pub fn partly(source: impl Into<String>, reason: impl Into<String>) -> Unread {
        Unread {
            partly: true,
            ..Unread::new(source, reason)
        }
    }

    fn message(&self) -> String {
        let how = if self.partly {
            "was read only in part"
        } else {
            "could not be read"
        };
        format!("{} {how}: {}", self.source, self.reason)
    }
}

/// A license file nothing named: where it starts, and what its clauses say.
#[derive(Debug, Clone)]
pub struct Unrecognized {
    pub path: String,
    /// Its first line.
    pub evidence: Evidence,
    pub clauses: Vec<Clause>,
    /// Permissive licenses whose text it carries with a restrictive clause added.
    pub lookalikes: Vec<String>,
}

impl Unrecognized {
    /// The verdict its clauses support (never `allowed`).
    pub fn verdict(&self) -> Verdict {
        clauses::verdict(&self.clauses)
    }
}

/// What an assessed ancestor carries.
#[derive(Debug, Clone)]
pub struct AncestorTerms<'r> {
    pub model: String,
    pub license_id: String,
    pub rule: Option<&'r Rule>,
    pub verdict: Verdict,
    pub confidence: f64,
}

pub struct Terms {
    pub license: LicenseReport,
    pub commercial: CommercialUse,
    pub risks: Vec<Risk>,
    pub notes: Vec<String>,
    /// The chosen rule, for openness.
    pub chosen: Option<Rule>,
}

fn source_priority(kind: SourceKind) -> u8 {
    match kind {
        SourceKind::LicenseFile => 3,
        SourceKind::GatePrompt => 2,
        SourceKind::CardMetadata => 1,
        SourceKind::CardText | SourceKind::BaseModel => 0,
    }
}

pub fn reconcile(input: TermsInput<'_, '_>) -> Terms {
    let mut risks = Vec::new();
    let mut notes = Vec::new();
    let licenses: Vec<&Candidate> = input
        .candidates
        .iter()
        .filter(|c| c.rule.is_some_and(|r| r.kind == RuleKind::License))
        .collect();
    let policies: Vec<&Candidate> = input.candidates.iter().filter(|c| c.is_policy()).collect();

    // The license reported: the most restrictive identified one, preferring files over tags.
    let chosen = licenses.iter().copied().max_by(|a, b| {
        let key = |c: &Candidate| {
            let v = c.verdict().expect("filtered to identified");
            (v.restrictiveness(), source_priority(c.kind))
        };
        key(a)
            .cmp(&key(b))
            .then(a.confidence.total_cmp(&b.confidence))
    });

    // Unrecognised names in the metadata.
    for c in input.candidates.iter().filter(|c| c.rule.is_none()) {
        let stated = c.stated.as_deref().unwrap_or("");
        let message = if stated.eq_ignore_ascii_case("unknown") {
            "the card declares the license as `unknown`".to_string()
        } else if stated.eq_ignore_ascii_case("other") {
            "the card declares `license: other` without a license name".to_string()
        } else {
            format!("the card names the license {stated:?}, which isopen does not know")
        };
        risks.push(RiskCode::LicenseUnrecognized.risk(message, vec![c.evidence.clone()]));
    }
    for u in &input.unrecognized_files {
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
    }

    // Disagreement: two kinds of source whose identified licenses have nothing in common
    // (a Llama LICENSE under an `apache-2.0` tag). A code license beside a model license in
    // the same kind of source is not a disagreement.
    let ids_of = |kind: SourceKind| -> Vec<&str> {
        let mut ids: Vec<&str> = licenses
            .iter()
            .filter(|c| c.kind == kind)
            .filter_map(|c| c.rule.map(|r| r.id.as_str()))
            .collect();
        ids.dedup();
        ids
    };
    let stated = [
        SourceKind::CardMetadata,
        SourceKind::LicenseFile,
        SourceKind::CardText,
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
    let by_field = |name_field: bool| -> Vec<&Candidate> {
        licenses
            .iter()
            .copied()
            .filter(|c| {
                c.kind == SourceKind::CardMetadata
                    && (c.field == Some("license_name")) == name_field
            })
            .collect()
    };
    let (tag, name) = (by_field(false), by_field(true));
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
    let kinds_disagree = mismatch || gate_conflict || fields_disagree;

    // Clauses in the card or the gate form that the declared license contradicts.
    let declared_verdict = licenses
        .iter()
        .filter(|c| c.kind == SourceKind::CardMetadata)
        .filter_map(|c| c.verdict())
        .max_by_key(|v| v.restrictiveness());
    // A declared license that an unrecognised file contradicts (`license: mit` over a LICENSE
    // that carries the MIT text with a non-commercial clause added).
    if let Some(declared) = declared_verdict {
        for u in &input.unrecognized_files {
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
    }
    for kind in [SourceKind::GatePrompt, SourceKind::CardText] {
        let (code, place) = match kind {
            SourceKind::GatePrompt => (RiskCode::GateTermsConflict, "the gate form"),
            _ => (RiskCode::LicenseMismatch, "the card's license section"),
        };
        for prohibits in [true, false] {
            let found: Vec<&Signal> = input
                .signals
                .iter()
                .filter(|s| s.kind == kind && s.prohibits() == prohibits)
                .collect();
            let Some(first) = found.first() else {
                continue;
            };
            let evidence: Vec<Evidence> = found.iter().map(|s| s.evidence().clone()).collect();
            let quote = &first.evidence().quote;
            let contradicted = if prohibits {
                declared_verdict.is_some_and(|v| v != Verdict::Prohibited)
            } else {
                declared_verdict == Some(Verdict::Allowed)
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

    // The verdict: most restrictive over every identified license and policy.
    // An unrecognised file counts with the verdict its clauses support, never `allowed`.
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
    if chosen.is_none() && !read_verdicts.iter().any(|v| *v != Verdict::Unknown) {
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
    // One rule for every source that exists but was not read completely: it is a risk, and
    // whatever the rest allows, what it might say keeps the verdict from `allowed`.
    for u in &input.unread {
        risks.push(RiskCode::EvidenceUnread.risk(
            u.message(),
            vec![Evidence {
                file: Some(u.source.clone()),
                line: None,
                quote: u.reason.clone(),
                rule: None,
            }],
        ));
    }
    if verdict == Verdict::Allowed
        && let Some(u) = input.unread.first()
    {
        notes.push(format!(
            "commercial use is `unknown`, not `allowed`: {}",
            u.message()
        ));
        verdict = Verdict::Unknown;
    }

    // Inheritance: the child carries every ancestor's terms.
    let own_verdict = verdict;
    let bases: Vec<Candidate> = input
        .ancestors
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
                    rule: a.rule.map(|r| r.id.clone()),
                },
            )
        })
        .collect();
    for (a, c) in input.ancestors.iter().zip(&bases) {
        verdict = verdict.stricter(a.verdict);
        if chosen.is_some() && a.verdict.restrictiveness() > own_verdict.restrictiveness() {
            risks.push(RiskCode::InheritedLicenseConflict.risk(
                format!(
                    "the model is declared {} ({own_verdict}), but its base model {} carries {} ({}); the base's terms apply",
                    chosen.map_or("unknown", |c| c.id()),
                    a.model,
                    a.license_id,
                    a.verdict
                ),
                vec![c.evidence.clone()],
            ));
        }
    }
    if verdict == Verdict::Allowed && !input.gaps.is_empty() {
        notes.push(format!(
            "commercial use is `unknown`, not `allowed`: a derived model carries its base model's terms, and the terms of {} could not be established",
            input.gaps.join(", ")
        ));
        verdict = Verdict::Unknown;
    }

    if input.candidates.is_empty()
        && input.signals.is_empty()
        && input.unrecognized_files.is_empty()
        && input.unread.is_empty()
    {
        risks.push(RiskCode::LicenseMissing.risk(
            "no license is stated in the card metadata, the repository's files or the gate prompt".into(),
            Vec::new(),
        ));
    }

    // The license reported: a base's terms replace the child's when they are more restrictive.
    let base_rule = bases
        .iter()
        .filter(|c| c.rule.is_some_and(|r| r.kind == RuleKind::License))
        .max_by_key(|c| c.verdict().map(Verdict::restrictiveness));
    let chosen = match (chosen, base_rule) {
        (Some(own), Some(base))
            if base.verdict().map(Verdict::restrictiveness)
                > own.verdict().map(Verdict::restrictiveness) =>
        {
            Some(base)
        }
        (None, Some(base)) => Some(base),
        (own, _) => own,
    };
    let evidence = chosen
        .map(|c| cite_rule(c, &input.texts))
        .unwrap_or_default();
    let mut conditions = Vec::new();
    let mut obligations = Vec::new();
    let identified_bases: Vec<&Candidate> = bases.iter().filter(|c| c.rule.is_some()).collect();
    for c in licenses
        .iter()
        .chain(policies.iter())
        .chain(identified_bases.iter())
    {
        let r = c.rule.expect("identified");
        for s in r.conditions.iter() {
            push_unique(&mut conditions, s);
        }
        for s in r.obligations.iter() {
            push_unique(&mut obligations, s);
        }
        if let Some(u) = &r.use_restrictions {
            push_unique(&mut conditions, &u.summary);
        }
    }

    let mut clauses_read: Vec<Clause> = Vec::new();
    for c in input
        .unrecognized_files
        .iter()
        .flat_map(|u| u.clauses.iter())
        .chain(input.signals.iter().map(|s| &s.clause))
    {
        if c.kind.restricts() {
            push_unique(&mut conditions, &c.condition());
        }
        if !clauses_read.contains(c) {
            clauses_read.push(c.clone());
        }
    }

    let mut rules_seen: Vec<&Rule> = Vec::new();
    for c in licenses
        .iter()
        .chain(policies.iter())
        .chain(identified_bases.iter())
    {
        let r = c.rule.expect("identified");
        if rules_seen.iter().any(|s| s.id == r.id) {
            continue;
        }
        rules_seen.push(r);
        let ev = cite_rule(c, &input.texts);
        match r.verdict {
            Verdict::Prohibited => risks.push(RiskCode::NonCommercial.risk(
                format!("{} does not permit commercial use", r.name),
                ev.clone(),
            )),
            Verdict::Conditional if !r.conditions.is_empty() => {
                risks.push(RiskCode::CommercialConditions.risk(
                    format!("{}: {}", r.name, r.conditions.join("; ")),
                    ev.clone(),
                ))
            }
            _ => {}
        }
        if let Some(u) = &r.use_restrictions {
            let flow = if u.flow_down {
                " (they must be passed on to your users)"
            } else {
                ""
            };
            risks.push(
                RiskCode::UseRestrictions.risk(format!("{}: {}{flow}", r.name, u.summary), ev),
            );
        }
    }
    if let Some(r) = chosen.and_then(|c| c.rule)
        && !r.osi_approved
    {
        risks.push(RiskCode::NotOsiApproved.risk(
            format!("{} is not an OSI-approved license", r.name),
            Vec::new(),
        ));
    }

    let mut confidence = chosen.map_or(0.0, |c| c.confidence);
    if kinds_disagree {
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
    let license = LicenseReport {
        id: chosen.map_or_else(|| "unknown".to_string(), |c| c.id().to_string()),
        name: chosen.and_then(Candidate::name),
        spdx: rule.and_then(|r| r.spdx.clone()),
        declared: input.declared,
        confidence: round2(confidence),
        osi_approved: rule.map(|r| r.osi_approved),
        sources: input
            .candidates
            .iter()
            .chain(bases.iter())
            .map(|c| LicenseSource {
                kind: c.kind.as_str().to_string(),
                file: c.file.clone(),
                id: c.id().to_string(),
                confidence: round2(c.confidence),
                model: (c.kind == SourceKind::BaseModel)
                    .then(|| c.stated.clone())
                    .flatten(),
                revision_unverified: c.revision_unverified(),
                scope: c.scope.map(str::to_string),
            })
            .collect(),
        clauses: clauses_read,
        revision_unverified,
    };
    Terms {
        license,
        commercial: CommercialUse {
            verdict,
            conditions,
            obligations,
            evidence,
        },
        risks,
        notes,
        chosen: rule.cloned(),
    }
}

fn push_unique(list: &mut Vec<String>, s: &str) {
    if !list.iter().any(|x| x == s) {
        list.push(s.to_string());
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn describe(c: &Candidate) -> String {
    match (&c.file, c.kind) {
        (Some(f), SourceKind::LicenseFile) => f.clone(),
        (_, SourceKind::CardMetadata) => "the card metadata".to_string(),
        (_, SourceKind::GatePrompt) => "the gate prompt".to_string(),
        (Some(f), _) => f.clone(),
        (None, k) => k.as_str().to_string(),
    }
}

/// Evidence for a candidate's rule: the rule's evidence phrases located in the text the
/// candidate came from, else the candidate's own citation.
fn cite_rule(c: &Candidate, texts: &[(&str, &str)]) -> Vec<Evidence> {
    let Some(rule) = c.rule else {
        return vec![c.evidence.clone()];
    };
    let mut out = vec![c.evidence.clone()];
    if let Some(file) = &c.file
        && let Some((_, text)) = texts.iter().find(|(f, _)| f == file)
    {
        let norm = normalize(text);
        for p in &rule.evidence {
            if let Some(span) = p.find(&norm.text) {
                let ev = quote_span(file, text, &norm, span, Some(&rule.id));
                if !out.contains(&ev) {
                    out.push(ev);
                }
            }
        }
    }
    out
}
