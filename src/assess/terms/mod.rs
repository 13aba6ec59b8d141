//! Reconciliation: from every candidate (metadata, license files, gate prompt), choose the
//! license the model really carries, the commercial verdict (the most restrictive finding wins,
//! and never `allowed` without identified terms that allow it) and the license risks.

mod findings;
mod summary;
mod verdict;

use crate::license::clauses::{self};
use crate::license::identify::quote_span;
use crate::license::identify::{Candidate, SourceKind};
use crate::license::prose::Signal;
use crate::normalize::normalize;
use crate::report::{CommercialUse, LicenseReport};
use crate::rules::{Rule, RuleKind};
use crate::vocab::Clause;
use crate::vocab::RiskCode;
use crate::vocab::Verdict;
use crate::vocab::{Evidence, Risk};

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

    /// The `evidence-unread` risk it is.
    fn risk(&self) -> Risk {
        RiskCode::EvidenceUnread.risk(
            self.message(),
            vec![Evidence {
                file: Some(self.source.clone()),
                line: None,
                quote: self.reason.clone(),
                rule: None,
            }],
        )
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
        SourceKind::CardMetadata | SourceKind::GgufMetadata => 1,
        SourceKind::CardText | SourceKind::BaseModel => 0,
    }
}

/// Chooses the license, the commercial verdict and the license risks. The phases run in a
/// fixed order because the order of risks and notes is part of what people read.
pub fn reconcile(input: TermsInput<'_, '_>) -> Terms {
    let licenses: Vec<&Candidate> = input
        .candidates
        .iter()
        .filter(|c| c.rule.is_some_and(|r| r.facts.kind == RuleKind::License))
        .collect();
    let policies: Vec<&Candidate> = input.candidates.iter().filter(|c| c.is_policy()).collect();
    let chosen = most_restrictive(&licenses);

    let mut risks = findings::unknown_names(&input.candidates);
    for u in &input.unrecognized_files {
        risks.extend(findings::unrecognized_file(u));
    }
    let disagreement = findings::disagreements(&licenses);
    risks.extend(disagreement.risks);
    let declared = declared_verdict(&licenses);
    risks.extend(findings::contradicted_declaration(
        declared,
        &licenses,
        &input.unrecognized_files,
    ));
    risks.extend(findings::signals(declared, &input.signals));

    let mut notes = Vec::new();
    let own = verdict::own(&input, &licenses, &policies, chosen.is_some(), &mut notes);
    risks.extend(input.unread.iter().map(Unread::risk));
    let own = verdict::unless_unread(own, &input.unread, &mut notes);

    let bases = verdict::base_candidates(&input.ancestors);
    let (verdict, inherited) = verdict::inherit(own, chosen, &input.ancestors, &bases);
    risks.extend(inherited);
    let verdict = verdict::unless_gaps(verdict, &input.gaps, &mut notes);
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

    let chosen = verdict::with_base(chosen, &bases);
    let identified_bases: Vec<&Candidate> = bases.iter().filter(|c| c.rule.is_some()).collect();
    let identified: Vec<&Candidate> = licenses
        .iter()
        .chain(policies.iter())
        .chain(identified_bases.iter())
        .copied()
        .collect();
    let mut commercial = summary::commercial_use(verdict, chosen, &identified, &input);
    let clauses_read = summary::clauses_read(&input, &mut commercial.conditions);
    risks.extend(summary::rule_risks(&identified, chosen, &input.texts));
    let license = summary::license_report(
        chosen,
        &input,
        &bases,
        disagreement.any,
        clauses_read,
        &mut notes,
    );
    Terms {
        license,
        commercial,
        risks,
        notes,
        chosen: chosen.and_then(|c| c.rule).cloned(),
    }
}

/// The license reported: the most restrictive identified one, preferring files over tags.
fn most_restrictive<'c, 'r>(licenses: &[&'c Candidate<'r>]) -> Option<&'c Candidate<'r>> {
    licenses.iter().copied().max_by(|a, b| {
        let key = |c: &Candidate| {
            let v = c.verdict().expect("filtered to identified");
            (v.restrictiveness(), source_priority(c.kind))
        };
        key(a)
            .cmp(&key(b))
            .then(a.confidence.total_cmp(&b.confidence))
    })
}

/// The most restrictive verdict among the licenses the card's metadata declares; without a
/// card (a bare GGUF file, an Ollama model), the GGUF header's `general.license` is the
/// declaration.
fn declared_verdict(licenses: &[&Candidate]) -> Option<Verdict> {
    let of = |kind: SourceKind| {
        licenses
            .iter()
            .filter(|c| c.kind == kind)
            .filter_map(|c| c.verdict())
            .max_by_key(|v| v.restrictiveness())
    };
    of(SourceKind::CardMetadata).or_else(|| of(SourceKind::GgufMetadata))
}

pub(super) fn push_unique(list: &mut Vec<String>, s: &str) {
    if !list.iter().any(|x| x == s) {
        list.push(s.to_string());
    }
}

pub(super) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub(super) fn describe(c: &Candidate) -> String {
    match (&c.file, c.kind) {
        (Some(f), SourceKind::LicenseFile) => f.clone(),
        (_, SourceKind::CardMetadata) => "the card metadata".to_string(),
        (_, SourceKind::GatePrompt) => "the gate prompt".to_string(),
        (Some(f), SourceKind::GgufMetadata) => format!("the GGUF header of {f}"),
        (Some(f), _) => f.clone(),
        (None, k) => k.as_str().to_string(),
    }
}

/// Evidence for a candidate's rule: the rule's evidence phrases located in the text the
/// candidate came from, else the candidate's own citation.
pub(super) fn cite_rule(c: &Candidate, texts: &[(&str, &str)]) -> Vec<Evidence> {
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
                let ev = quote_span(file, text, &norm, span, Some(&rule.facts.id));
                if !out.contains(&ev) {
                    out.push(ev);
                }
            }
        }
    }
    out
}
