//! The user's policy (in the spirit of cargo-deny): which commercial verdicts pass, warn or
//! deny; license ids allowed and denied; whether gated weights are acceptable; severities per
//! risk code and the severity that fails the gate; per-model exceptions with a reason and an
//! expiry date; and clarifications that pin a license text, by its SHA-256, to a license id.
//! A raw file is parsed strictly, then validated into a `Policy` (every problem is reported,
//! in file order, with its line and column), and evaluated against reports. Pure: the date comes in as a value.
//!
//! Judging never changes the assessment it is given: it returns a new report with the policy's
//! severities, so the assessment can be kept (in a results file) and judged again under another
//! policy. A model that could not be audited is judged `error`, never `pass`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::{Code, Collector, Diagnostics, SpannedMap, pos_of};
pub use crate::license::Clarification;
use crate::model_ref::{ModelKey, ModelRef};
use crate::report::{ModelReport, Status};
use crate::rules::RuleSet;
pub use crate::vocab::{Action, Date, Decision, PolicyResult, PolicyRule};
use crate::vocab::{Availability, Risk, RiskCode, Severity, Verdict};

// ---- the file as written ----

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    version: Option<Spanned<u32>>,
    #[serde(default)]
    commercial_use: SpannedMap,
    #[serde(default)]
    licenses: RawLicenses,
    #[serde(default)]
    weights: RawWeights,
    #[serde(default)]
    risks: SpannedMap,
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    exceptions: Vec<Spanned<RawException>>,
    #[serde(default)]
    clarifications: Vec<Spanned<RawClarification>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLicenses {
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    gated: Option<Spanned<String>>,
}

// Required fields are optional here so that a missing one is reported beside every other
// problem instead of stopping the parser.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    model: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
    expires: Option<Spanned<String>>,
    #[serde(default)]
    risks: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClarification {
    sha256: Option<Spanned<String>>,
    license: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
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

/// Turns each raw value into its typed form, reporting what does not fit where it was written.
fn validate(raw: RawPolicy, rules: &RuleSet, found: &mut Collector<'_>) -> Policy {
    let mut p = Policy::default();
    if let Some(v) = &raw.version
        && v.value != 1
    {
        found.push(
            pos_of(v),
            Code::UnsupportedVersion,
            format!("version {} is not supported; use 1", v.value),
        );
    }
    for (k, v) in &raw.commercial_use.0 {
        let Some(vd) = verdict(&k.value) else {
            found.push(
                pos_of(k),
                Code::InvalidValue,
                format!(
                    "commercial_use.{}: expected allowed, conditional, prohibited or unknown",
                    k.value
                ),
            );
            continue;
        };
        match action(&v.value) {
            Some(a) => {
                p.commercial_use.insert(vd, a);
            }
            None => found.push(
                pos_of(v),
                Code::InvalidValue,
                format!(
                    "commercial_use.{}: {:?} is not pass, warn or deny",
                    k.value, v.value
                ),
            ),
        }
    }
    for (list, out, name) in [
        (&raw.licenses.allow, &mut p.allow, "allow"),
        (&raw.licenses.deny, &mut p.deny, "deny"),
    ] {
        for id in list {
            match rules.by_alias(&id.value) {
                Some(rule) => out.push(crate::license::identify::report_id(rule).to_string()),
                None => found.push(
                    pos_of(id),
                    Code::UnknownLicense,
                    format!(
                        "licenses.{name}: {:?} is not a known license id (see `isopen license list`)",
                        id.value
                    ),
                ),
            }
        }
    }
    if let Some(g) = &raw.weights.gated {
        match action(&g.value) {
            Some(a) => p.gated_weights = a,
            None => found.push(
                pos_of(g),
                Code::InvalidValue,
                format!("weights.gated: {:?} is not pass, warn or deny", g.value),
            ),
        }
    }
    for (k, v) in &raw.risks.0 {
        let Some(code) = RiskCode::parse(&k.value) else {
            found.push(
                pos_of(k),
                Code::UnknownRisk,
                format!(
                    "risks.{}: not a risk code (see the README's risk table)",
                    k.value
                ),
            );
            continue;
        };
        match v.value.as_str() {
            "off" => {
                p.severities.insert(code, None);
            }
            s => match severity(s) {
                Some(sev) => {
                    p.severities.insert(code, Some(sev));
                }
                None => found.push(
                    pos_of(v),
                    Code::InvalidValue,
                    format!(
                        "risks.{}: {:?} is not high, medium, low or off",
                        k.value, v.value
                    ),
                ),
            },
        }
    }
    if let Some(f) = &raw.fail_on {
        match f.value.as_str() {
            "none" => p.fail_on = None,
            s => match severity(s) {
                Some(sev) => p.fail_on = Some(sev),
                None => found.push(
                    pos_of(f),
                    Code::InvalidValue,
                    format!("fail_on: {:?} is not high, medium, low or none", f.value),
                ),
            },
        }
    }
    for (i, e) in raw.exceptions.iter().enumerate() {
        if let Some(x) = exception(i, e, found) {
            p.exceptions.push(x);
        }
    }
    for (i, c) in raw.clarifications.iter().enumerate() {
        if let Some(x) = clarification(i, c, rules, found) {
            p.clarifications.push(x);
        }
    }
    p
}

/// A required field, or a `missing-field` diagnostic at the entry.
fn required<'r, T>(
    field: &'r Option<Spanned<T>>,
    entry: &Spanned<impl Sized>,
    key: &str,
    found: &mut Collector<'_>,
) -> Option<&'r Spanned<T>> {
    if field.is_none() {
        found.push(
            pos_of(entry),
            Code::MissingField,
            format!("{key}: this entry needs it"),
        );
    }
    field.as_ref()
}

fn exception(i: usize, e: &Spanned<RawException>, found: &mut Collector<'_>) -> Option<Exception> {
    let key = |k: &str| format!("exceptions[{i}].{k}");
    let raw = &e.value;
    let model = required(&raw.model, e, &key("model"), found);
    let reason = required(&raw.reason, e, &key("reason"), found);
    let expires = required(&raw.expires, e, &key("expires"), found);
    let model_ref = model.and_then(|m| match ModelRef::parse(&m.value) {
        Ok(r) => Some(r),
        Err(_) => {
            found.push(
                pos_of(m),
                Code::InvalidModelRef,
                format!("{}: {:?} is not a model reference", key("model"), m.value),
            );
            None
        }
    });
    if let Some(r) = reason
        && r.value.trim().is_empty()
    {
        found.push(
            pos_of(r),
            Code::MissingField,
            format!("{}: an exception needs a reason", key("reason")),
        );
    }
    let date = expires.and_then(|x| {
        let d = Date::parse(&x.value);
        if d.is_none() {
            found.push(
                pos_of(x),
                Code::InvalidDate,
                format!(
                    "{}: {:?} is not a date (YYYY-MM-DD)",
                    key("expires"),
                    x.value
                ),
            );
        }
        d
    });
    let mut risks = Vec::new();
    for r in &raw.risks {
        match RiskCode::parse(&r.value) {
            Some(c) => risks.push(c),
            None => found.push(
                pos_of(r),
                Code::UnknownRisk,
                format!("{}: {:?} is not a risk code", key("risks"), r.value),
            ),
        }
    }
    let reason = reason.filter(|r| !r.value.trim().is_empty())?;
    let (model_ref, expires) = (model_ref?, date?);
    Some(Exception {
        model: model?.value.clone(),
        key: model_ref.key(),
        all_revisions: model_ref.any_revision(),
        reason: reason.value.clone(),
        expires,
        risks,
    })
}

fn clarification(
    i: usize,
    c: &Spanned<RawClarification>,
    rules: &RuleSet,
    found: &mut Collector<'_>,
) -> Option<Clarification> {
    let key = |k: &str| format!("clarifications[{i}].{k}");
    let raw = &c.value;
    let sha = required(&raw.sha256, c, &key("sha256"), found);
    let license = required(&raw.license, c, &key("license"), found);
    let reason = required(&raw.reason, c, &key("reason"), found);
    let hash = sha.and_then(|s| {
        let hash = s.value.trim().to_ascii_lowercase();
        let ok = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            found.push(
                pos_of(s),
                Code::InvalidValue,
                format!("{}: expected the 64 hex digits of a SHA-256", key("sha256")),
            );
        }
        ok.then_some(hash)
    });
    let rule = license.and_then(|l| {
        let rule = rules.by_alias(&l.value);
        if rule.is_none() {
            found.push(
                pos_of(l),
                Code::UnknownLicense,
                format!(
                    "{}: {:?} is not a known license id",
                    key("license"),
                    l.value
                ),
            );
        }
        rule
    });
    if let Some(r) = reason
        && r.value.trim().is_empty()
    {
        found.push(
            pos_of(r),
            Code::MissingField,
            format!("{}: a clarification needs a reason", key("reason")),
        );
    }
    let reason = reason.filter(|r| !r.value.trim().is_empty())?;
    Some(Clarification {
        sha256: hash?,
        license: rule?.facts.id.clone(),
        reason: reason.value.clone(),
    })
}

impl Policy {
    /// Parses and validates a policy file; license ids are checked against `rules`. Every
    /// problem is reported, in file order.
    pub fn parse(file: &str, text: &str, rules: &RuleSet) -> Result<Policy, Diagnostics> {
        let mut found = Collector::new(file, text);
        let raw = match crate::card::parse_config_yaml::<Option<RawPolicy>>(text) {
            Ok(raw) => raw.unwrap_or_default(),
            Err(e) => {
                found.yaml_error(&e);
                return Err(found.finish().unwrap_err());
            }
        };
        let p = validate(raw, rules, &mut found);
        found.finish().map(|()| p)
    }

    /// The severity a risk has under this policy (`None`: switched off).
    pub fn severity_of(&self, code: RiskCode, default: Severity) -> Option<Severity> {
        match self.severities.get(&code) {
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
            .filter_map(|r| match self.severity_of(r.code, r.severity) {
                Some(severity) => Some(Risk {
                    severity,
                    ..r.clone()
                }),
                None => {
                    off.push(Decision::new(
                        PolicyRule::Risks,
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
                    PolicyRule::Status,
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
            PolicyRule::CommercialUse,
            a,
            format!("commercial use is {verdict}"),
        ));
        let id = assessed
            .license
            .as_ref()
            .map_or("unknown", |l| l.id.as_str());
        if self.deny.iter().any(|d| d == id) {
            decisions.push(Decision::new(
                PolicyRule::LicensesDeny,
                Action::Deny,
                format!("{id} is denied"),
            ));
        }
        if !self.allow.is_empty() && !self.allow.iter().any(|d| d == id) {
            decisions.push(Decision::new(
                PolicyRule::LicensesAllow,
                Action::Deny,
                format!("{id} is not on the allow list"),
            ));
        }
        if assessed
            .weights
            .as_ref()
            .is_some_and(|w| w.availability == Availability::Gated)
            && self.gated_weights != Action::Pass
        {
            decisions.push(Decision::new(
                PolicyRule::WeightsGated,
                self.gated_weights,
                "the weights are gated".into(),
            ));
        }
        if let Some(t) = self.fail_on {
            for r in risks.iter().filter(|r| r.severity >= t) {
                decisions.push(Decision::with_risk(
                    PolicyRule::FailOn,
                    Action::Deny,
                    format!("{} ({})", r.code, r.severity.as_str()),
                    r.code,
                ));
            }
        }
        // Exceptions turn denials into passes for the model (or for the listed risks).
        let model = ModelKey::of_report(&assessed.model, assessed.source);
        for e in self.exceptions.iter().filter(|e| e.covers(&model)) {
            if e.expires < today {
                decisions.push(Decision::new(
                    PolicyRule::Exceptions,
                    Action::Warn,
                    format!(
                        "the exception ({}) expired on {}; it no longer applies",
                        e.reason, e.expires
                    ),
                ));
                continue;
            }
            for d in decisions.iter_mut().filter(|d| d.action == Action::Deny) {
                let covered = e.risks.is_empty() || d.risk.is_some_and(|r| e.risks.contains(&r));
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

/// The starter policy `isopen policy init` writes.
pub const STARTER: &str = include_str!("policy_starter.yaml");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ErrorKind;
    use crate::snapshot::Source;

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

    fn problems(text: &str) -> Vec<(usize, usize, &'static str, String)> {
        Policy::parse("p.yaml", text, &rules())
            .unwrap_err()
            .iter()
            .map(|d| (d.pos.line, d.pos.column, d.code.as_str(), d.message.clone()))
            .collect()
    }

    #[test]
    fn errors_name_file_line_column_and_key() {
        let text = "version: 1\nrisks:\n  not-osi-approved: low\n  no-such-risk: high\n";
        let e = Policy::parse("p.yaml", text, &rules()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("p.yaml:4:3: unknown-risk: risks.no-such-risk:"),
            "{e}"
        );
        let text = "licenses:\n  deny:\n    - agpl-3.0\n    - not-a-license\n";
        assert_eq!((problems(text)[0].0, problems(text)[0].1), (4, 7));
        let text = "exceptions:\n  - model: org/x\n    reason: ok\n    expires: 2026-02-30\n";
        assert_eq!(problems(text)[0].2, "invalid-date");
        assert_eq!(problems(text)[0].0, 4);
        let e = Policy::parse("p.yaml", "colour: red\n", &rules()).unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn every_problem_is_reported_in_file_order() {
        // A comment naming an id must not move the line a problem is reported on.
        let text = "# maybe: no-such-risk is not here\nrisks:\n  no-such-risk: high\n\
                    commercial_use:\n  allowed: maybe\nexceptions:\n  - model: org/x\n    \
                    expires: never\n";
        let found = problems(text);
        let lines: Vec<_> = found.iter().map(|p| (p.0, p.2)).collect();
        assert_eq!(
            lines,
            [
                (3, "unknown-risk"),
                (5, "invalid-value"),
                (7, "missing-field"),
                (8, "invalid-date")
            ],
            "{found:?}"
        );
    }

    #[test]
    fn a_key_written_twice_is_an_error() {
        let found = problems("fail_on: high\nfail_on: none\n");
        assert_eq!(found[0].2, "syntax");
        assert_eq!(found[0].0, 2);
    }

    /// An audited model: commercial use allowed, one risk of each given code and severity.
    fn assessed(model: &str, risks: &[(&str, Severity)]) -> ModelReport {
        let mut r = ModelReport::failed(
            model,
            Source::Huggingface,
            ErrorKind::Internal,
            String::new(),
        );
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
                code: RiskCode::parse(code).expect("a risk code"),
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
        let failed = ModelReport::failed(
            "org/x",
            Source::Huggingface,
            ErrorKind::NotFound,
            "gone".into(),
        );
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
