//! The gate's vocabulary: what a policy decides for a finding (pass, warn, deny, error) and the
//! decisions it reports for a model.

use serde::{Deserialize, Serialize};

use super::RiskCode;

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

/// The policy key that made a decision (`policy.decisions[].rule`): `status` (the model could
/// not be audited), `risks` (a risk the policy switches off), `commercial_use`,
/// `licenses.deny`, `licenses.allow`, `weights.gated`, `fail_on`, or `exceptions` (an exception
/// that expired).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub enum PolicyRule {
    #[serde(rename = "status")]
    Status,
    #[serde(rename = "risks")]
    Risks,
    #[serde(rename = "commercial_use")]
    CommercialUse,
    #[serde(rename = "licenses.deny")]
    LicensesDeny,
    #[serde(rename = "licenses.allow")]
    LicensesAllow,
    #[serde(rename = "weights.gated")]
    WeightsGated,
    #[serde(rename = "fail_on")]
    FailOn,
    #[serde(rename = "exceptions")]
    Exceptions,
}

impl PolicyRule {
    pub const ALL: [PolicyRule; 8] = [
        PolicyRule::Status,
        PolicyRule::Risks,
        PolicyRule::CommercialUse,
        PolicyRule::LicensesDeny,
        PolicyRule::LicensesAllow,
        PolicyRule::WeightsGated,
        PolicyRule::FailOn,
        PolicyRule::Exceptions,
    ];

    /// The key as the policy file spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyRule::Status => "status",
            PolicyRule::Risks => "risks",
            PolicyRule::CommercialUse => "commercial_use",
            PolicyRule::LicensesDeny => "licenses.deny",
            PolicyRule::LicensesAllow => "licenses.allow",
            PolicyRule::WeightsGated => "weights.gated",
            PolicyRule::FailOn => "fail_on",
            PolicyRule::Exceptions => "exceptions",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Decision {
    pub rule: PolicyRule,
    pub action: Action,
    pub message: String,
    /// The risk the decision is about (`fail_on`), so an exception can name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskCode>,
}

impl Decision {
    pub fn new(rule: PolicyRule, action: Action, message: String) -> Decision {
        Decision {
            rule,
            action,
            message,
            risk: None,
        }
    }

    pub fn with_risk(
        rule: PolicyRule,
        action: Action,
        message: String,
        risk: RiskCode,
    ) -> Decision {
        Decision {
            rule,
            action,
            message,
            risk: Some(risk),
        }
    }
}
