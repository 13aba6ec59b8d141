//! Judging a report under a policy: the effective severity of each risk (switched off, raised,
//! lowered), the exceptions that cover the model until they expire, the license allow and deny
//! lists, the commercial verdict's action and gated weights, and from them one outcome with a
//! decision for each finding. The assessment is never changed.

use super::Policy;
use crate::model_ref::ModelKey;
use crate::report::{ModelReport, Status};
use crate::vocab::{Action, Availability, Date, Decision, PolicyResult, PolicyRule, Risk, Verdict};

impl Policy {
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
