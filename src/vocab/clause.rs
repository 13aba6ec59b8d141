//! The clauses the reader recognises in a license text no rule names: their kinds (the
//! report's `license.clauses[].kind`), what each does to commercial use, and one found clause
//! with its evidence.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Evidence;

/// The kinds of clause the reader recognises (the report's `license.clauses[].kind`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ClauseKind {
    NonCommercial,
    ResearchOnly,
    NonProduction,
    UserCap,
    RevenueCap,
    UsePolicy,
    ApprovalRequired,
    NoImprovingOtherModels,
    Territory,
    Revocable,
    FieldOfUse,
    ShareAlike,
    Attribution,
    /// Extension: a product or model name must carry a phrase ("Built with …").
    NamingDuty,
    /// Extension: the text grants commercial use in so many words.
    CommercialGrant,
}

/// What a clause does to commercial use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Commercial use is not permitted.
    Prohibits,
    /// Commercial use is permitted only on a condition.
    Conditions,
    /// No limit on commercial use (a duty, or a grant).
    Neutral,
}

impl ClauseKind {
    pub const ALL: [ClauseKind; 15] = [
        ClauseKind::NonCommercial,
        ClauseKind::ResearchOnly,
        ClauseKind::NonProduction,
        ClauseKind::UserCap,
        ClauseKind::RevenueCap,
        ClauseKind::UsePolicy,
        ClauseKind::ApprovalRequired,
        ClauseKind::NoImprovingOtherModels,
        ClauseKind::Territory,
        ClauseKind::Revocable,
        ClauseKind::FieldOfUse,
        ClauseKind::ShareAlike,
        ClauseKind::Attribution,
        ClauseKind::NamingDuty,
        ClauseKind::CommercialGrant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClauseKind::NonCommercial => "non-commercial",
            ClauseKind::ResearchOnly => "research-only",
            ClauseKind::NonProduction => "non-production",
            ClauseKind::UserCap => "user-cap",
            ClauseKind::RevenueCap => "revenue-cap",
            ClauseKind::UsePolicy => "use-policy",
            ClauseKind::ApprovalRequired => "approval-required",
            ClauseKind::NoImprovingOtherModels => "no-improving-other-models",
            ClauseKind::Territory => "territory",
            ClauseKind::Revocable => "revocable",
            ClauseKind::FieldOfUse => "field-of-use",
            ClauseKind::ShareAlike => "share-alike",
            ClauseKind::Attribution => "attribution",
            ClauseKind::NamingDuty => "naming-duty",
            ClauseKind::CommercialGrant => "commercial-grant",
        }
    }

    pub fn effect(self) -> Effect {
        use ClauseKind::*;
        match self {
            NonCommercial | ResearchOnly | NonProduction => Effect::Prohibits,
            UserCap
            | RevenueCap
            | UsePolicy
            | ApprovalRequired
            | NoImprovingOtherModels
            | Territory
            | Revocable
            | FieldOfUse
            | NamingDuty => Effect::Conditions,
            ShareAlike | Attribution | CommercialGrant => Effect::Neutral,
        }
    }

    /// Does this clause limit commercial use (so a permissive template carrying it is not that
    /// permissive license)?
    pub fn restricts(self) -> bool {
        self.effect() != Effect::Neutral
    }

    /// How the clause reads as a condition in the report.
    pub fn describe(self) -> &'static str {
        match self {
            ClauseKind::NonCommercial => "commercial use is not permitted",
            ClauseKind::ResearchOnly => "use is limited to research",
            ClauseKind::NonProduction => "use is limited to evaluation, not production",
            ClauseKind::UserCap => "a cap on users",
            ClauseKind::RevenueCap => "a cap on revenue",
            ClauseKind::UsePolicy => "an acceptable-use policy or use restrictions apply",
            ClauseKind::ApprovalRequired => "commercial use needs the licensor's approval",
            ClauseKind::NoImprovingOtherModels => "no use to train or improve other models",
            ClauseKind::Territory => "a territorial limit",
            ClauseKind::Revocable => "the licensor may revoke or change the terms",
            ClauseKind::FieldOfUse => "a ban on fields of use or a limit to certain products",
            ClauseKind::ShareAlike => "derivatives must carry the same terms",
            ClauseKind::Attribution => "attribution and notices must be kept",
            ClauseKind::NamingDuty => "a naming or branding duty",
            ClauseKind::CommercialGrant => "commercial use is granted",
        }
    }
}

/// One clause found in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Clause {
    pub kind: ClauseKind,
    pub evidence: Evidence,
    /// The normalised sentence the clause sits in (not reported): what it is about.
    #[serde(skip)]
    #[schemars(skip)]
    pub sentence: String,
}

impl Clause {
    /// The clause as a condition line: what it does and where it says so.
    pub fn condition(&self) -> String {
        format!("{}: \"{}\"", self.kind.describe(), self.evidence.quote)
    }
}
