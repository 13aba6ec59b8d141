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

use crate::diagnostic::{Collector, Diagnostics};
pub use crate::license::Clarification;
use crate::model_ref::ModelKey;
use crate::rules::RuleSet;
pub use crate::vocab::{Action, Date, Decision, PolicyResult, PolicyRule};
use crate::vocab::{RiskCode, Severity, Verdict};
use file::{RawPolicy, validate};

mod file;
mod judge;

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
}

impl Exception {
    /// Does this exception name the model: the same repository, and the same revision when
    /// the exception names one (`org/x` covers `hf:Org/X@v2`; `org/x@v2` covers only v2).
    pub fn covers(&self, model: &ModelKey) -> bool {
        self.key == *model || (self.all_revisions && self.key.same_repo(model))
    }
}

/// The starter policy `isopen policy init` writes.
pub const STARTER: &str = include_str!("starter.yaml");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{ErrorKind, ModelReport, Status};
    use crate::snapshot::Source;
    use crate::vocab::Risk;

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
