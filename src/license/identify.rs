//! Candidates from each source: the card's metadata (ids and names, normalised through the
//! rules' aliases), a GGUF header's `general.license` keys (read through the same aliases),
//! license files (rules first, then the spdx crate's text detection) and the gate prompt. Each
//! candidate carries a confidence and evidence.

use crate::card::CardMeta;
use crate::license::clauses::{self};
use crate::license::{prose, spdx_text};
use crate::normalize::{Normalized, normalize};
use crate::rules::{Line, Rule, RuleKind, RuleSet};
use crate::vocab::Clause;
use crate::vocab::Evidence;
use crate::vocab::LicenseScope;
use crate::vocab::Verdict;

/// Where a candidate was found (the report's `sources[].kind`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    CardMetadata,
    LicenseFile,
    CardText,
    GatePrompt,
    BaseModel,
    /// A GGUF header's `general.license` and `general.license.name`.
    GgufMetadata,
}

impl SourceKind {
    pub const ALL: [SourceKind; 6] = [
        SourceKind::CardMetadata,
        SourceKind::LicenseFile,
        SourceKind::CardText,
        SourceKind::GatePrompt,
        SourceKind::BaseModel,
        SourceKind::GgufMetadata,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::CardMetadata => "card-metadata",
            SourceKind::LicenseFile => "license-file",
            SourceKind::CardText => "card-text",
            SourceKind::GatePrompt => "gate-prompt",
            SourceKind::BaseModel => "base-model",
            SourceKind::GgufMetadata => "gguf-metadata",
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
    /// The text is a revision of this line that no revision rule names: `rule` is the line's
    /// strictest known revision, standing in for the unverified one.
    pub line: Option<&'r Line>,
    /// For card metadata, `license_name` when it was read beside a `license` that is not
    /// `other` (the two can disagree).
    pub field: Option<&'static str>,
    /// For prose, what the named license covers.
    pub scope: Option<LicenseScope>,
}

impl<'r> Candidate<'r> {
    /// A candidate naming `rule` (or nothing), with no line.
    pub fn new(
        kind: SourceKind,
        file: Option<String>,
        rule: Option<&'r Rule>,
        confidence: f64,
        evidence: Evidence,
    ) -> Candidate<'r> {
        Candidate {
            kind,
            file,
            rule,
            stated: None,
            confidence,
            evidence,
            line: None,
            field: None,
            scope: None,
        }
    }

    /// The id for the report: the line's id for an unverified revision, else the rule's Hub id
    /// or id, else `unknown`.
    pub fn id(&self) -> &str {
        match (self.line, self.rule) {
            (Some(l), _) => &l.id,
            (None, Some(r)) => report_id(r),
            (None, None) => "unknown",
        }
    }

    /// The name for the report.
    pub fn name(&self) -> Option<String> {
        match (self.line, self.rule) {
            (Some(l), _) => Some(format!("{} (revision unverified)", l.name)),
            (None, Some(r)) => Some(r.facts.name.clone()),
            (None, None) => None,
        }
    }

    /// The verdict this source supports. An unverified revision borrows the strictest known
    /// revision's verdict, and is never `allowed`: its text was not matched.
    pub fn verdict(&self) -> Option<Verdict> {
        let v = self.rule?.facts.verdict;
        Some(if self.line.is_some() && v == Verdict::Allowed {
            Verdict::Unknown
        } else {
            v
        })
    }

    pub fn revision_unverified(&self) -> bool {
        self.line.is_some()
    }

    pub fn is_policy(&self) -> bool {
        self.rule.is_some_and(|r| r.facts.kind == RuleKind::Policy)
    }
}

/// The id a rule is reported under: the Hub's id where it has one.
pub fn report_id(rule: &Rule) -> &str {
    rule.facts.hub_id.as_deref().unwrap_or(&rule.facts.id)
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
                    stated: Some(value.clone()),
                    ..Candidate::new(
                        SourceKind::CardMetadata,
                        None,
                        None,
                        0.0,
                        cite("license", value),
                    )
                });
            }
            continue;
        }
        out.push(named(rules, value, cite("license", value), 0.9));
    }
    // `license_name` counts whatever `license` says (`license: apache-2.0` with
    // `license_name: yi-license`): a disagreement is the reviewer's to see, not ours to drop.
    let said_other = meta.license.iter().any(|l| l.eq_ignore_ascii_case("other"));
    if !said_other && let Some(name) = &meta.license_name {
        let c = named(rules, name, cite("license_name", name), 0.8);
        let repeats = c.rule.is_some_and(|r| {
            out.iter()
                .any(|o| o.rule.is_some_and(|or| std::ptr::eq(or, r)))
        });
        if !repeats {
            out.push(Candidate {
                field: Some("license_name"),
                ..c
            });
        }
    }
    out
}

/// A license the hosting platform lists apart from the card (ModelScope's free-text `License`
/// field, `Apache License 2.0`), read through the aliases like a `license_name`. A card
/// metadata candidate marked `field: "listed"`, so a disagreement with the card shows.
pub fn from_listed<'r>(value: &str, rules: &'r RuleSet) -> Candidate<'r> {
    let evidence = Evidence {
        file: None,
        line: None,
        quote: clip(&format!("listed license: {value}"), 200),
        rule: None,
    };
    let lower = value.trim().to_ascii_lowercase();
    if lower == "other" || lower == "unknown" {
        return Candidate {
            stated: Some(value.to_string()),
            field: Some("listed"),
            ..Candidate::new(SourceKind::CardMetadata, None, None, 0.0, evidence)
        };
    }
    Candidate {
        field: Some("listed"),
        ..named(rules, value.trim(), evidence, 0.85)
    }
}

/// Confidence of a license a GGUF header names: a copy of the card's `license:` made by the
/// converter, a little below the card itself.
pub const GGUF_CONFIDENCE: f64 = 0.85;

/// Candidates from a GGUF header's `general.license` and `general.license.name` (`path` is
/// the file the header was read from). The converter copies the card's `license:` verbatim
/// (an id, `other`, or a list joined with `,`), and the format asks for an SPDX expression:
/// each part of a list or of an `OR`/`AND` expression is a candidate of its own, so the most
/// restrictive wins. `other` stands for the name; a name beside a known id counts only when
/// it names another known license.
pub fn from_gguf<'r>(
    path: &str,
    license: Option<&str>,
    name: Option<&str>,
    rules: &'r RuleSet,
) -> Vec<Candidate<'r>> {
    let cite = |key: &str, value: &str| Evidence {
        file: Some(path.to_string()),
        line: None,
        quote: clip(&format!("{key} = {value}"), 200),
        rule: None,
    };
    let as_gguf = |c: Candidate<'r>| Candidate {
        kind: SourceKind::GgufMetadata,
        file: Some(path.to_string()),
        ..c
    };
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let mut out: Vec<Candidate<'r>> = Vec::new();
    let unknown = |value: &str, key: &str| Candidate {
        stated: Some(value.to_string()),
        ..Candidate::new(
            SourceKind::GgufMetadata,
            Some(path.to_string()),
            None,
            0.0,
            cite(key, value),
        )
    };
    for part in license.map(spdx_parts).unwrap_or_default() {
        let lower = part.to_ascii_lowercase();
        if lower == "other" || lower == "unknown" {
            match name {
                Some(n) if lower == "other" => out.push(as_gguf(named(
                    rules,
                    n,
                    cite("general.license.name", n),
                    GGUF_CONFIDENCE,
                ))),
                _ => out.push(unknown(&part, "general.license")),
            }
            continue;
        }
        out.push(as_gguf(named(
            rules,
            &part,
            cite("general.license", &part),
            GGUF_CONFIDENCE,
        )));
    }
    if let Some(n) = name {
        let c = as_gguf(named(
            rules,
            n,
            cite("general.license.name", n),
            GGUF_CONFIDENCE,
        ));
        let new_rule = c.rule.is_some_and(|r| {
            !out.iter()
                .any(|o| o.rule.is_some_and(|or| std::ptr::eq(or, r)))
        });
        if new_rule || (out.is_empty() && c.rule.is_none()) {
            out.push(c);
        }
    }
    out
}

/// The parts of a license value: a `,`-joined list, or an SPDX expression's operands
/// (`MIT OR Apache-2.0`); parentheses dropped. `WITH` exceptions stay with their license.
fn spdx_parts(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for item in value.split(',') {
        let item = item.replace(['(', ')'], " ");
        let mut current: Vec<&str> = Vec::new();
        for word in item.split_whitespace() {
            if word == "OR" || word == "AND" {
                if !current.is_empty() {
                    out.push(current.join(" "));
                    current.clear();
                }
            } else {
                current.push(word);
            }
        }
        if !current.is_empty() {
            out.push(current.join(" "));
        }
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
    // A name that says a line without its revision stands for the line's strictest revision.
    let line = rule.is_none().then(|| rules.line_by_alias(name)).flatten();
    let rule = rule.or_else(|| line.and_then(|l| rules.strictest_revision(l)));
    evidence.rule = line
        .map(|l| l.id.clone())
        .or(rule.map(|r| r.facts.id.clone()));
    let confidence = match (rule, line) {
        (None, _) => 0.0,
        (Some(_), Some(_)) => confidence.min(UNVERIFIED_REVISION_CONFIDENCE),
        (Some(_), None) => confidence,
    };
    Candidate {
        stated: Some(name.to_string()),
        line,
        ..Candidate::new(
            SourceKind::CardMetadata,
            evidence.file.clone(),
            rule,
            confidence,
            evidence,
        )
    }
}

/// The 1-based line of `key: value` in the README's front matter.
fn front_matter_line(readme: &str, key: &str, value: &str) -> Option<usize> {
    let mut fallback = None;
    let text = readme.strip_prefix('\u{feff}').unwrap_or(readme);
    let skip = crate::card::opening_fence(text).map_or(1, |(before, _)| before + 1);
    for (i, line) in text.lines().enumerate().skip(skip) {
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

/// What a text says about its terms: the rules that name it, the clauses read in it, and the
/// permissive licenses it resembles but is not.
#[derive(Debug, Clone, Default)]
pub struct TextReading<'r> {
    pub candidates: Vec<Candidate<'r>>,
    /// Every clause the reader found, restrictive or not; not read (empty) when the rules that
    /// named the text settle its terms (conditional or prohibited).
    pub clauses: Vec<Clause>,
    /// Permissive licenses whose text this one carries, with a clause added that restricts
    /// commercial use: the text is not that license.
    pub lookalikes: Vec<String>,
}

impl TextReading<'_> {
    /// Nothing named the text: its terms are what its clauses say.
    pub fn unrecognized(&self) -> bool {
        self.candidates.is_empty()
    }

    /// The verdict of an unrecognised text, from its clauses (never `allowed`).
    pub fn clause_verdict(&self) -> Verdict {
        clauses::verdict(&self.clauses)
    }
}

/// Confidence of a license named only by a reference ("licensed under the Llama 2 Community
/// License Agreement"), below a full-text match.
pub const REFERENCE_CONFIDENCE: f64 = 0.75;
/// Confidence of a revision the rules do not hold, named through its line.
pub const UNVERIFIED_REVISION_CONFIDENCE: f64 = 0.7;

/// Identifies the terms in a text: every matching rule; a known line in an unknown revision;
/// a standard license through SPDX text detection; else a license named by reference in a
/// notice. Whatever names it, the clauses are read too, and a permissive match whose text adds a
/// restrictive clause is dropped: that text is not the permissive license.
pub fn from_text<'r>(
    kind: SourceKind,
    file: &str,
    text: &str,
    rules: &'r RuleSet,
) -> TextReading<'r> {
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
            Candidate::new(
                kind,
                Some(file.to_string()),
                Some(rule),
                // More independent phrases found, more certainty; never 1.0.
                (0.9 + 0.02 * (phrases.saturating_sub(1)) as f64).min(0.99),
                quote_span(file, text, &norm, first, Some(&rule.facts.id)),
            )
        })
        .collect();
    // A known line in a revision no rule has: only when no license rule named the text.
    if !out
        .iter()
        .any(|c| c.rule.is_some_and(|r| r.facts.kind == RuleKind::License))
    {
        out.extend(unverified_revisions(kind, file, text, &norm, rules));
    }
    // Most confident first; standard texts no rule names go to SPDX detection, which loads its
    // store (about 64 MB) once, on first use.
    out.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    if out.is_empty()
        && let Some((spdx_id, score)) = spdx_text::detect(text)
        && let Some(rule) = rules.rules().iter().find(|r| {
            r.facts
                .spdx
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(&spdx_id))
        })
    {
        out.push(Candidate::new(
            kind,
            Some(file.to_string()),
            Some(rule),
            f64::from(score).min(0.99),
            license_line(file, text, &format!("spdx:{spdx_id}")),
        ));
    }
    if out.is_empty() {
        out = references(kind, file, text, &norm, rules);
    }
    // A family id that cannot tell its terms (`cc`) beside a member of the same family the
    // text also names (`cc0-1.0`): the member is the license.
    let members: Vec<&str> = out
        .iter()
        .filter(|c| c.verdict().is_some_and(|v| v != Verdict::Unknown))
        .filter_map(|c| c.rule.map(|r| r.family.as_str()))
        .collect();
    out.retain(|c| {
        !(c.verdict() == Some(Verdict::Unknown)
            && c.rule.is_some_and(|r| members.contains(&r.family.as_str())))
    });
    // The clauses matter only where no rule settles the terms: nothing named the text, a family
    // id that cannot tell its terms, or a permissive match that must cover the text.
    let settled = !out.is_empty()
        && out.iter().all(|c| {
            c.verdict()
                .is_some_and(|v| v != Verdict::Allowed && v != Verdict::Unknown)
        });
    let clauses = if settled {
        Vec::new()
    } else {
        clauses::read_normalized(file, text, &norm, 0)
    };
    // A rule that only names a family whose terms it cannot tell (`cc`) says less than a
    // clause that forbids commercial use: the clauses decide.
    let prohibits = clauses
        .iter()
        .any(|c| c.kind.effect() == clauses::Effect::Prohibits);
    if prohibits
        && out
            .iter()
            .all(|c| c.verdict().is_none_or(|v| v == Verdict::Unknown))
    {
        out.clear();
    }
    let mut lookalikes = Vec::new();
    if clauses::restrictive(&clauses).next().is_some() {
        out.retain(|c| {
            let permissive = c.rule.is_some_and(|r| r.facts.kind == RuleKind::License)
                && c.verdict() == Some(Verdict::Allowed);
            if permissive {
                lookalikes.push(c.id().to_string());
            }
            !permissive
        });
    }
    TextReading {
        candidates: out,
        clauses,
        lookalikes,
    }
}

/// A text of a known line that none of the line's revision rules names: the line, with its
/// strictest known revision's facts and a lower confidence.
fn unverified_revisions<'r>(
    kind: SourceKind,
    file: &str,
    text: &str,
    norm: &Normalized,
    rules: &'r RuleSet,
) -> Vec<Candidate<'r>> {
    let mut out = Vec::new();
    for line in rules.lines() {
        let Some(m) = line.detect.matches(norm) else {
            continue;
        };
        let Some(rule) = rules.strictest_revision(line) else {
            continue;
        };
        let first = m
            .spans
            .iter()
            .min_by_key(|s| s.0)
            .copied()
            .unwrap_or((0, 0));
        let mut evidence = quote_span(file, text, norm, first, Some(&line.id));
        evidence.rule = Some(line.id.clone());
        out.push(Candidate {
            line: Some(line),
            ..Candidate::new(
                kind,
                Some(file.to_string()),
                Some(rule),
                UNVERIFIED_REVISION_CONFIDENCE,
                evidence,
            )
        });
    }
    out
}

/// Words that make a sentence a license notice or reference ("licensed under", "according to
/// the terms of"), so a license name in it names the text's terms.
fn notice_words() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"\b(licen[cs]ed|released|distributed|made available|provided|available|governed|covered|used and distributed|subject to)\b[^.;]{0,40}\b(under|by|to|according to|pursuant to|in accordance with)\b|\b(under|according to|pursuant to|in accordance with|subject to) the (terms|conditions|terms and conditions) of\b|^\s*(licen[cs]e|licence)\s*:")
            .expect("valid regex")
    })
}

/// Words that make a license name something else than the text's terms ("based on the Apache
/// License", "unlike the MIT License").
fn not_the_terms() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"\b(based on|derived from|modified|modification|inspired by|adapted from|unlike|compatible with|instead of|replaces?|supersedes?|formerly|previously|third[- ]party|except)\b")
            .expect("valid regex")
    })
}

/// A short notice or reference that names a license ("This software may be used and
/// distributed according to the terms of the Llama 2 Community License Agreement"): each name
/// in a notice sentence, at a confidence below a full text.
fn references<'r>(
    kind: SourceKind,
    file: &str,
    text: &str,
    norm: &Normalized,
    rules: &'r RuleSet,
) -> Vec<Candidate<'r>> {
    // A long text that no rule and no SPDX text names is a license of its own; the names it
    // mentions are not its terms.
    const MAX_NOTICE_BYTES: usize = 6 * 1024;
    if norm.text.len() > MAX_NOTICE_BYTES {
        return Vec::new();
    }
    let whole = norm.text.len() < 300;
    prose::mention_spans(norm, rules)
        .into_iter()
        .filter(|&(start, end, _)| {
            let sentence = clauses::sentence_around(&norm.text, start, end);
            (whole || notice_words().is_match(sentence)) && !not_the_terms().is_match(sentence)
        })
        .map(|(start, end, rule)| {
            Candidate::new(
                kind,
                Some(file.to_string()),
                Some(rule),
                REFERENCE_CONFIDENCE,
                quote_span(file, text, norm, (start, end), Some(&rule.facts.id)),
            )
        })
        .collect()
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
