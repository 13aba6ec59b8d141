//! The user's policy (in the spirit of cargo-deny): which commercial verdicts pass, warn or
//! deny; license ids allowed and denied; whether gated weights are acceptable; severities per
//! risk code and the severity that fails the gate; per-model exceptions with a reason and an
//! expiry date; and clarifications that pin a license text, by its SHA-256, to a license id.
//! A raw file is parsed strictly, then validated into a `Policy` (errors name file, line and
//! key), and evaluated against reports. Pure: the date comes in as a value.
//!
//! Judging never changes the assessment it is given: it returns a new report with the policy's
//! severities, so the assessment can be kept (in a results file) and judged again under another
//! policy. A model that could not be audited is judged `error`, never `pass`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assess::risks::RiskCode;
use crate::model_ref::{ModelKey, ModelRef};
use crate::report::{ModelReport, Risk, Severity, Status};
use crate::rules::{RuleSet, Verdict};

/// What a finding does to the gate. Ordered: the worst decision is a model's outcome.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Pass,
    Warn,
    Deny,
    /// The model could not be audited, so nothing can be said for it: it fails the gate like
    /// a denial (exit code 2, not 1) and no exception covers it. Never written in a policy.
    Error,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Pass => "pass",
            Action::Warn => "warn",
            Action::Deny => "deny",
            Action::Error => "error",
        }
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The civil date of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

// ---- the file as written ----

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    version: Option<u32>,
    #[serde(default)]
    commercial_use: BTreeMap<String, String>,
    #[serde(default)]
    licenses: RawLicenses,
    #[serde(default)]
    weights: RawWeights,
    #[serde(default)]
    risks: BTreeMap<String, String>,
    fail_on: Option<String>,
    #[serde(default)]
    exceptions: Vec<RawException>,
    #[serde(default)]
    clarifications: Vec<RawClarification>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLicenses {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    gated: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    model: String,
    reason: String,
    expires: String,
    #[serde(default)]
    risks: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClarification {
    sha256: String,
    license: String,
    reason: String,
}

// ---- the validated policy ----

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub commercial_use: BTreeMap<Verdict, Action>,
    pub allow: Vec<String>,
    pub deny: Vec<String>,
    pub gated_weights: Action,
    pub severities: BTreeMap<RiskCode, Option<Severity>>,
    /// `None`: no risk fails the gate by itself.
    pub fail_on: Option<Severity>,
    pub exceptions: Vec<Exception>,
    pub clarifications: Vec<Clarification>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Exception {
    /// As written in the policy.
    pub model: String,
    /// Its canonical identity (`hf:`, `@main` and case do not matter).
    pub key: ModelKey,
    /// Written without a revision: it covers every revision of the repository; with one, only
    /// that revision.
    pub all_revisions: bool,
    pub reason: String,
    pub expires: Date,
    /// Empty: every finding of the model; else only these risks.
    pub risks: Vec<RiskCode>,
}

/// "This exact text is this license": pinned by the SHA-256 of the text's bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Clarification {
    pub sha256: String,
    pub license: String,
    pub reason: String,
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("{file}:{line}: {key}: {message}")]
pub struct PolicyError {
    pub file: String,
    pub line: usize,
    pub key: String,
    pub message: String,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            commercial_use: BTreeMap::from([
                (Verdict::Allowed, Action::Pass),
                (Verdict::Conditional, Action::Warn),
                (Verdict::Prohibited, Action::Deny),
                (Verdict::Unknown, Action::Deny),
            ]),
            allow: Vec::new(),
            deny: Vec::new(),
            gated_weights: Action::Pass,
            severities: BTreeMap::new(),
            fail_on: Some(Severity::High),
            exceptions: Vec::new(),
            clarifications: Vec::new(),
        }
    }
}

/// The first line (1-based) where `needle` appears after line `from`, for errors.
fn line_of(text: &str, needle: &str, from: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map_or(from.max(1), |(i, _)| i + 1)
}

fn action(s: &str) -> Option<Action> {
    match s {
        "pass" => Some(Action::Pass),
        "warn" => Some(Action::Warn),
        "deny" => Some(Action::Deny),
        _ => None,
    }
}

fn severity(s: &str) -> Option<Severity> {
    match s {
        "high" => Some(Severity::High),
        "medium" => Some(Severity::Medium),
        "low" => Some(Severity::Low),
        _ => None,
    }
}

fn verdict(s: &str) -> Option<Verdict> {
    match s {
        "allowed" => Some(Verdict::Allowed),
        "conditional" => Some(Verdict::Conditional),
        "prohibited" => Some(Verdict::Prohibited),
        "unknown" => Some(Verdict::Unknown),
        _ => None,
    }
}

impl Policy {
    /// Parses and validates a policy file; license ids are checked against `rules`.
    pub fn parse(file: &str, text: &str, rules: &RuleSet) -> Result<Policy, PolicyError> {
        let err = |line: usize, key: &str, message: String| PolicyError {
            file: file.to_string(),
            line,
            key: key.to_string(),
            message,
        };
        let raw: RawPolicy = crate::card::parse_yaml_as::<Option<RawPolicy>>(text)
            .map_err(|e| {
                // The parser's message carries "line N column M"; keep it whole.
                let line = e
                    .split("line ")
                    .nth(1)
                    .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1);
                err(line, "(file)", e)
            })?
            .unwrap_or_default();
        let mut p = Policy::default();
        match raw.version {
            None | Some(1) => {}
            Some(v) => {
                return Err(err(
                    line_of(text, "version", 1),
                    "version",
                    format!("version {v} is not supported; use 1"),
                ));
            }
        }
        for (k, v) in &raw.commercial_use {
            let line = line_of(text, &format!("{k}:"), line_of(text, "commercial_use", 1));
            let key = format!("commercial_use.{k}");
            let vd = verdict(k).ok_or_else(|| {
                err(
                    line,
                    &key,
                    "expected allowed, conditional, prohibited or unknown".into(),
                )
            })?;
            let a = action(v)
                .ok_or_else(|| err(line, &key, format!("{v:?} is not pass, warn or deny")))?;
            p.commercial_use.insert(vd, a);
        }
        let start = line_of(text, "licenses", 1);
        for (list, out, name) in [
            (&raw.licenses.allow, &mut p.allow, "allow"),
            (&raw.licenses.deny, &mut p.deny, "deny"),
        ] {
            for id in list {
                let line = line_of(text, id, start);
                let rule = rules.by_alias(id).ok_or_else(|| {
                    err(
                        line,
                        &format!("licenses.{name}"),
                        format!("{id:?} is not a known license id (see `isopen license list`)"),
                    )
                })?;
                out.push(crate::license::identify::report_id(rule).to_string());
            }
        }
        if let Some(g) = &raw.weights.gated {
            p.gated_weights = action(g).ok_or_else(|| {
                err(
                    line_of(text, "gated", 1),
                    "weights.gated",
                    format!("{g:?} is not pass, warn or deny"),
                )
            })?;
        }
        for (k, v) in &raw.risks {
            let line = line_of(text, &format!("{k}:"), line_of(text, "risks", 1));
            let key = format!("risks.{k}");
            let code = RiskCode::parse(k).ok_or_else(|| {
                err(
                    line,
                    &key,
                    "not a risk code (see the README's risk table)".into(),
                )
            })?;
            let sev = match v.as_str() {
                "off" => None,
                s => Some(severity(s).ok_or_else(|| {
                    err(line, &key, format!("{v:?} is not high, medium, low or off"))
                })?),
            };
            p.severities.insert(code, sev);
        }
        if let Some(f) = &raw.fail_on {
            p.fail_on = match f.as_str() {
                "none" => None,
                s => Some(severity(s).ok_or_else(|| {
                    err(
                        line_of(text, "fail_on", 1),
                        "fail_on",
                        format!("{f:?} is not high, medium, low or none"),
                    )
                })?),
            };
        }
        let mut at = line_of(text, "exceptions", 1);
        for (i, e) in raw.exceptions.iter().enumerate() {
            at = line_of(text, &e.model, at);
            let key = |k: &str| format!("exceptions[{i}].{k}");
            let Ok(model_ref) = ModelRef::parse(&e.model) else {
                return Err(err(
                    at,
                    &key("model"),
                    format!("{:?} is not a model reference", e.model),
                ));
            };
            if e.reason.trim().is_empty() {
                return Err(err(
                    at,
                    &key("reason"),
                    "an exception needs a reason".into(),
                ));
            }
            let expires = Date::parse(&e.expires).ok_or_else(|| {
                err(
                    line_of(text, &e.expires, at),
                    &key("expires"),
                    format!("{:?} is not a date (YYYY-MM-DD)", e.expires),
                )
            })?;
            let risks = e
                .risks
                .iter()
                .map(|r| {
                    RiskCode::parse(r).ok_or_else(|| {
                        err(
                            line_of(text, r, at),
                            &key("risks"),
                            format!("{r:?} is not a risk code"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            p.exceptions.push(Exception {
                model: e.model.clone(),
                key: model_ref.key(),
                all_revisions: matches!(model_ref, ModelRef::Hub { revision: None, .. }),
                reason: e.reason.clone(),
                expires,
                risks,
            });
        }
        let mut at = line_of(text, "clarifications", 1);
        for (i, c) in raw.clarifications.iter().enumerate() {
            at = line_of(text, &c.sha256, at);
            let key = |k: &str| format!("clarifications[{i}].{k}");
            let hash = c.sha256.trim().to_ascii_lowercase();
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(err(
                    at,
                    &key("sha256"),
                    "expected the 64 hex digits of a SHA-256".into(),
                ));
            }
            let rule = rules.by_alias(&c.license).ok_or_else(|| {
                err(
                    line_of(text, &c.license, at),
                    &key("license"),
                    format!("{:?} is not a known license id", c.license),
                )
            })?;
            if c.reason.trim().is_empty() {
                return Err(err(
                    at,
                    &key("reason"),
                    "a clarification needs a reason".into(),
                ));
            }
            p.clarifications.push(Clarification {
                sha256: hash,
                license: rule.id.clone(),
                reason: c.reason.clone(),
            });
        }
        Ok(p)
    }

    /// The severity a risk has under this policy (`None`: switched off).
    pub fn severity_of(&self, code: &str, default: Severity) -> Option<Severity> {
        match RiskCode::parse(code).and_then(|c| self.severities.get(&c)) {
            Some(s) => *s,
            None => Some(default),
        }
    }

    /// The report as this policy sees it: the assessment with the policy's severities (risks
    /// switched off removed) and the policy's verdict in `policy`. The assessment is left
    /// untouched, so it can be judged again under another policy.
    pub fn judge(&self, assessed: &ModelReport, today: Date) -> ModelReport {
        let mut judged = assessed.clone();
        judged.risks = self.risks_of(&assessed.risks).0;
        judged.policy = Some(self.evaluate(assessed, today));
        judged
    }

    /// The risks under this policy's severities, and a decision for each one switched off.
    fn risks_of(&self, assessed: &[Risk]) -> (Vec<Risk>, Vec<Decision>) {
        let mut off = Vec::new();
        let risks = assessed
            .iter()
            .filter_map(|r| match self.severity_of(&r.code, r.severity) {
                Some(severity) => Some(Risk {
                    severity,
                    ..r.clone()
                }),
                None => {
                    off.push(Decision::new(
                        "risks",
                        Action::Pass,
                        format!("{} is switched off by the policy", r.code),
                    ));
                    None
                }
            })
            .collect();
        (risks, off)
    }

    /// The policy's decisions on one assessed report, and the outcome.
    pub fn evaluate(&self, assessed: &ModelReport, today: Date) -> PolicyResult {
        if assessed.status == Status::Error {
            // Nothing was assessed, so no rule can pass the model, and no exception covers
            // what nobody has seen.
            let why = assessed.error.as_ref().map_or_else(
                || "unknown error".to_string(),
                |e| format!("{}: {}", e.kind, e.message),
            );
            return PolicyResult {
                outcome: Action::Error,
                decisions: vec![Decision::new(
                    "status",
                    Action::Error,
                    format!("the model could not be audited ({why}); it cannot pass the gate"),
                )],
            };
        }
        let (risks, mut decisions) = self.risks_of(&assessed.risks);
        let verdict = assessed
            .commercial_use
            .as_ref()
            .map_or(Verdict::Unknown, |c| c.verdict);
        let a = self
            .commercial_use
            .get(&verdict)
            .copied()
            .unwrap_or(Action::Deny);
        decisions.push(Decision::new(
            "commercial_use",
            a,
            format!("commercial use is {verdict}"),
        ));
        let id = assessed
            .license
            .as_ref()
            .map_or("unknown", |l| l.id.as_str());
        if self.deny.iter().any(|d| d == id) {
            decisions.push(Decision::new(
                "licenses.deny",
                Action::Deny,
                format!("{id} is denied"),
            ));
        }
        if !self.allow.is_empty() && !self.allow.iter().any(|d| d == id) {
            decisions.push(Decision::new(
                "licenses.allow",
                Action::Deny,
                format!("{id} is not on the allow list"),
            ));
        }
        if assessed
            .weights
            .as_ref()
            .is_some_and(|w| w.availability == "gated")
            && self.gated_weights != Action::Pass
        {
            decisions.push(Decision::new(
                "weights.gated",
                self.gated_weights,
                "the weights are gated".into(),
            ));
        }
        if let Some(t) = self.fail_on {
            for r in risks.iter().filter(|r| r.severity >= t) {
                decisions.push(Decision::with_risk(
                    "fail_on",
                    Action::Deny,
                    format!("{} ({})", r.code, r.severity.as_str()),
                    &r.code,
                ));
            }
        }
        // Exceptions turn denials into passes for the model (or for the listed risks).
        let model = ModelKey::of_report(&assessed.model, &assessed.source);
        for e in self.exceptions.iter().filter(|e| e.covers(&model)) {
            if e.expires < today {
                decisions.push(Decision::new(
                    "exceptions",
                    Action::Warn,
                    format!(
                        "the exception ({}) expired on {}; it no longer applies",
                        e.reason, e.expires
                    ),
                ));
                continue;
            }
            for d in decisions.iter_mut().filter(|d| d.action == Action::Deny) {
                let covered = e.risks.is_empty()
                    || d.risk
                        .as_deref()
                        .is_some_and(|r| e.risks.iter().any(|c| c.code() == r));
                if covered {
                    d.action = Action::Pass;
                    d.message =
                        format!("{} - excepted until {}: {}", d.message, e.expires, e.reason);
                }
            }
        }
        let outcome = decisions
            .iter()
            .map(|d| d.action)
            .max()
            .unwrap_or(Action::Pass);
        PolicyResult { outcome, decisions }
    }
}

impl Exception {
    /// Does this exception name the model: the same repository, and the same revision when
    /// the exception names one (`org/x` covers `hf:Org/X@v2`; `org/x@v2` covers only v2).
    pub fn covers(&self, model: &ModelKey) -> bool {
        self.key == *model || (self.all_revisions && self.key.same_repo(model))
    }
}

/// The policy's verdict on one model (a report extension).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PolicyResult {
    pub outcome: Action,
    pub decisions: Vec<Decision>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decision {
    /// The policy key that decided: `commercial_use`, `licenses.deny`, `fail_on`, …
    pub rule: String,
    pub action: Action,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
}

impl Decision {
    fn new(rule: &str, action: Action, message: String) -> Decision {
        Decision {
            rule: rule.into(),
            action,
            message,
            risk: None,
        }
    }

    fn with_risk(rule: &str, action: Action, message: String, risk: &str) -> Decision {
        Decision {
            rule: rule.into(),
            action,
            message,
            risk: Some(risk.into()),
        }
    }
}

/// The starter policy `isopen policy init` writes.
pub const STARTER: &str = include_str!("policy_starter.yaml");

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        RuleSet::builtin().unwrap()
    }

    #[test]
    fn the_starter_policy_is_valid() {
        let p = Policy::parse("isopen.yaml", STARTER, &rules()).unwrap();
        assert_eq!(p.commercial_use[&Verdict::Prohibited], Action::Deny);
        assert_eq!(p.commercial_use[&Verdict::Unknown], Action::Deny);
        assert_eq!(p.commercial_use[&Verdict::Conditional], Action::Warn);
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let text = "version: 1\nrisks:\n  not-osi-approved: low\n  no-such-risk: high\n";
        let e = Policy::parse("p.yaml", text, &rules()).unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (4, "risks.no-such-risk"));
        assert!(e.to_string().starts_with("p.yaml:4: risks.no-such-risk:"));
        let text = "licenses:\n  deny:\n    - agpl-3.0\n    - not-a-license\n";
        let e = Policy::parse("p.yaml", text, &rules()).unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (4, "licenses.deny"));
        let text = "exceptions:\n  - model: org/x\n    reason: ok\n    expires: 2026-02-30\n";
        let e = Policy::parse("p.yaml", text, &rules()).unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (4, "exceptions[0].expires"));
        let e = Policy::parse("p.yaml", "colour: red\n", &rules()).unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
    }

    /// An audited model: commercial use allowed, one risk of each given code and severity.
    fn assessed(model: &str, risks: &[(&str, Severity)]) -> ModelReport {
        let mut r = ModelReport::failed(model, "huggingface", "x", String::new());
        r.status = Status::Ok;
        r.error = None;
        r.commercial_use = Some(crate::report::CommercialUse {
            verdict: Verdict::Allowed,
            conditions: Vec::new(),
            obligations: Vec::new(),
            evidence: Vec::new(),
        });
        r.risks = risks
            .iter()
            .map(|(code, severity)| Risk {
                code: (*code).into(),
                severity: *severity,
                message: String::new(),
                evidence: Vec::new(),
            })
            .collect();
        r
    }

    const TODAY: Date = Date {
        year: 2026,
        month: 1,
        day: 1,
    };

    #[test]
    fn judging_leaves_the_assessment_alone() {
        let raise = Policy::parse(
            "p.yaml",
            "risks:\n  training-data-undisclosed: high\n  not-osi-approved: off\n",
            &rules(),
        )
        .unwrap();
        let a = assessed(
            "org/x",
            &[
                ("training-data-undisclosed", Severity::Low),
                ("not-osi-approved", Severity::Low),
            ],
        );
        let before = a.clone();
        let judged = raise.judge(&a, TODAY);
        assert_eq!(a, before);
        assert_eq!(judged.risks.len(), 1);
        assert_eq!(judged.risks[0].severity, Severity::High);
        assert_eq!(judged.policy.unwrap().outcome, Action::Deny);
        // Judged again, under a policy that says nothing of it: the default severity.
        let judged = Policy::default().judge(&a, TODAY);
        assert_eq!(judged.risks, a.risks);
        assert_eq!(judged.policy.unwrap().outcome, Action::Pass);
    }

    #[test]
    fn a_model_not_audited_is_an_error_not_a_pass() {
        let lenient = "fail_on: none\ncommercial_use: {unknown: pass}\nexceptions:\n  \
                       - {model: org/x, reason: r, expires: 2030-01-01}\n";
        let p = Policy::parse("p.yaml", lenient, &rules()).unwrap();
        let failed = ModelReport::failed("org/x", "huggingface", "not-found", "gone".into());
        let r = p.evaluate(&failed, TODAY);
        assert_eq!(r.outcome, Action::Error);
        assert_eq!(r.decisions[0].action, Action::Error);
        assert!(r.decisions[0].message.contains("not-found: gone"));
        assert!(Action::Error > Action::Deny);
        // Not a word a policy file may use.
        assert!(Policy::parse("p.yaml", "commercial_use: {unknown: error}\n", &rules()).is_err());
    }

    #[test]
    fn exceptions_match_any_spelling_of_the_model() {
        let text = "exceptions:\n  - {model: hf:Org/X, reason: r, expires: 2030-01-01}\n  \
                    - {model: org/y@v2, reason: r, expires: 2030-01-01}\n";
        let p = Policy::parse("p.yaml", text, &rules()).unwrap();
        let high = [("license-missing", Severity::High)];
        let outcome = |model: &str| p.evaluate(&assessed(model, &high), TODAY).outcome;
        for covered in [
            "org/x",
            "hf:org/x",
            "ORG/x@main",
            "org/x@v3",
            "org/y@v2",
            "hf:Org/Y@v2",
        ] {
            assert_eq!(outcome(covered), Action::Pass, "{covered}");
        }
        for denied in ["org/y", "org/y@main", "org/y@v3", "org/z"] {
            assert_eq!(outcome(denied), Action::Deny, "{denied}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_787).to_string(), "2026-11-30");
        assert!(Date::parse("2024-02-29").is_some() && Date::parse("2023-02-29").is_none());
    }
}
