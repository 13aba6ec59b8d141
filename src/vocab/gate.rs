//! The gate's vocabulary: what a policy decides for a finding (pass, warn, deny, error) and the
//! decisions it reports for a model.

use serde::{Deserialize, Serialize};

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
    pub fn new(rule: &str, action: Action, message: String) -> Decision {
        Decision {
            rule: rule.into(),
            action,
            message,
            risk: None,
        }
    }

    pub fn with_risk(rule: &str, action: Action, message: String, risk: &str) -> Decision {
        Decision {
            rule: rule.into(),
            action,
            message,
            risk: Some(risk.into()),
        }
    }
}
