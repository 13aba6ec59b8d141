//! The gate's outcome for one model, as the outputs for people show it and the command line
//! explains a failing exit code: the policy's outcome (`--policy`) and `--fail-on`, combined,
//! with the reasons — which rule denied, which risk is at or above the threshold, why the model
//! could not be audited. A model is judged only when a gate was asked for; the JSON report
//! carries the policy's part as `policy` (this adds no field to it).

use super::{ModelReport, Severity, Status};
use crate::vocab::Action;

/// What the gate says of one model, and why (nothing for a pass).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub action: Action,
    pub reasons: Vec<String>,
}

impl Outcome {
    /// The reasons in one line, or nothing to say.
    pub fn why(&self) -> String {
        self.reasons.join("; ")
    }

    /// Does it fail the gate (exit code 1 for a denial, 2 for a model not audited)?
    pub fn fails(&self) -> bool {
        matches!(self.action, Action::Deny | Action::Error)
    }
}

/// The outcome for `m` under its policy result and `fail_on`; `None` when no gate was asked.
pub fn judge(m: &ModelReport, fail_on: Option<Severity>) -> Option<Outcome> {
    if m.policy.is_none() && fail_on.is_none() {
        return None;
    }
    let mut action = Action::Pass;
    let mut reasons = Vec::new();
    if let Some(p) = &m.policy {
        action = p.outcome;
        for d in p.decisions.iter().filter(|d| d.action != Action::Pass) {
            reasons.push(format!(
                "policy {} ({}): {}",
                d.rule.as_str(),
                d.action.as_str(),
                d.message
            ));
        }
    }
    if m.status == Status::Error {
        // A model nobody could assess never passes, whatever was asked.
        if action != Action::Error {
            let kind = m.error.as_ref().map_or("error", |e| e.kind.as_str());
            reasons.push(format!("the model could not be audited ({kind})"));
        }
        action = Action::Error;
    } else if let Some(t) = fail_on {
        let hits: Vec<String> = m
            .risks
            .iter()
            .filter(|r| r.severity >= t)
            .map(|r| format!("{} ({})", r.code, r.severity.as_str()))
            .collect();
        if !hits.is_empty() {
            action = action.max(Action::Deny);
            let (what, are) = if hits.len() == 1 {
                ("risk", "is")
            } else {
                ("risks", "are")
            };
            reasons.push(format!(
                "{what} {} {are} at or above --fail-on {}",
                hits.join(", "),
                t.as_str()
            ));
        }
    }
    Some(Outcome { action, reasons })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{ErrorKind, Risk, RiskCode, Source};

    fn risk(code: RiskCode, severity: Severity) -> Risk {
        Risk {
            code,
            severity,
            message: String::new(),
            evidence: Vec::new(),
        }
    }

    #[test]
    fn fail_on_names_the_risks_at_or_above_it() {
        let mut m = ModelReport::failed(
            "acme/x",
            Source::Huggingface,
            ErrorKind::Internal,
            String::new(),
        );
        m.status = Status::Ok;
        m.error = None;
        m.risks = vec![
            risk(RiskCode::NonCommercial, Severity::High),
            risk(RiskCode::WeightsGated, Severity::Low),
        ];
        assert_eq!(judge(&m, None), None);
        let o = judge(&m, Some(Severity::Medium)).unwrap();
        assert_eq!(o.action, Action::Deny);
        assert_eq!(
            o.why(),
            "risk non-commercial (high) is at or above --fail-on medium"
        );
        let o = judge(&m, Some(Severity::Low)).unwrap();
        assert!(
            o.why()
                .starts_with("risks non-commercial (high), weights-gated (low) are")
        );
        m.risks.truncate(0);
        assert_eq!(judge(&m, Some(Severity::Low)).unwrap().action, Action::Pass);
    }

    #[test]
    fn a_model_not_audited_is_an_error() {
        let m = ModelReport::failed(
            "acme/x",
            Source::Huggingface,
            ErrorKind::NotFound,
            "gone".into(),
        );
        let o = judge(&m, Some(Severity::High)).unwrap();
        assert_eq!(o.action, Action::Error);
        assert_eq!(o.why(), "the model could not be audited (not-found)");
    }
}
