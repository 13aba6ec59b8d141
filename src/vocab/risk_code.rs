//! The risk vocabulary: stable kebab-case codes, their default severities and the one-line
//! descriptions the README documents.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Evidence, Risk, Severity};

/// A risk's stable code (`risks[].code`), written as its kebab-case `code()`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum RiskCode {
    LicenseMissing,
    LicenseUnrecognized,
    LicenseMismatch,
    NonCommercial,
    CommercialConditions,
    UseRestrictions,
    InheritedLicenseConflict,
    DatasetNonCommercial,
    TrainingDataUndisclosed,
    WeightsGated,
    WeightsAbsent,
    UnsafeWeightFormat,
    RemoteCode,
    GateTermsConflict,
    NotOsiApproved,
    UndeclaredBaseModel,
    EvidenceUnread,
    OutputUseRestriction,
    ProviderDataRetention,
    ModelTermsNotPassedOn,
    ModelNoticeMissing,
    ModelLicenseIncompatible,
}

impl RiskCode {
    pub const ALL: [RiskCode; 22] = [
        RiskCode::EvidenceUnread,
        RiskCode::ModelTermsNotPassedOn,
        RiskCode::ModelLicenseIncompatible,
        RiskCode::LicenseMissing,
        RiskCode::LicenseUnrecognized,
        RiskCode::LicenseMismatch,
        RiskCode::NonCommercial,
        RiskCode::InheritedLicenseConflict,
        RiskCode::GateTermsConflict,
        RiskCode::CommercialConditions,
        RiskCode::UseRestrictions,
        RiskCode::UndeclaredBaseModel,
        RiskCode::ModelNoticeMissing,
        RiskCode::DatasetNonCommercial,
        RiskCode::WeightsAbsent,
        RiskCode::OutputUseRestriction,
        RiskCode::ProviderDataRetention,
        RiskCode::UnsafeWeightFormat,
        RiskCode::RemoteCode,
        RiskCode::WeightsGated,
        RiskCode::TrainingDataUndisclosed,
        RiskCode::NotOsiApproved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RiskCode::LicenseMissing => "license-missing",
            RiskCode::LicenseUnrecognized => "license-unrecognized",
            RiskCode::LicenseMismatch => "license-mismatch",
            RiskCode::NonCommercial => "non-commercial",
            RiskCode::CommercialConditions => "commercial-conditions",
            RiskCode::UseRestrictions => "use-restrictions",
            RiskCode::InheritedLicenseConflict => "inherited-license-conflict",
            RiskCode::DatasetNonCommercial => "dataset-non-commercial",
            RiskCode::TrainingDataUndisclosed => "training-data-undisclosed",
            RiskCode::WeightsGated => "weights-gated",
            RiskCode::WeightsAbsent => "weights-absent",
            RiskCode::UnsafeWeightFormat => "unsafe-weight-format",
            RiskCode::RemoteCode => "remote-code",
            RiskCode::GateTermsConflict => "gate-terms-conflict",
            RiskCode::NotOsiApproved => "not-osi-approved",
            RiskCode::UndeclaredBaseModel => "undeclared-base-model",
            RiskCode::EvidenceUnread => "evidence-unread",
            RiskCode::OutputUseRestriction => "output-use-restriction",
            RiskCode::ProviderDataRetention => "provider-data-retention",
            RiskCode::ModelTermsNotPassedOn => "model-terms-not-passed-on",
            RiskCode::ModelNoticeMissing => "model-notice-missing",
            RiskCode::ModelLicenseIncompatible => "model-license-incompatible",
        }
    }

    pub fn parse(code: &str) -> Option<RiskCode> {
        RiskCode::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn default_severity(self) -> Severity {
        use RiskCode::*;
        match self {
            LicenseMissing
            | LicenseUnrecognized
            | LicenseMismatch
            | NonCommercial
            | InheritedLicenseConflict
            | GateTermsConflict
            | EvidenceUnread
            | ModelTermsNotPassedOn
            | ModelLicenseIncompatible => Severity::High,
            CommercialConditions
            | UseRestrictions
            | DatasetNonCommercial
            | WeightsAbsent
            | UnsafeWeightFormat
            | RemoteCode
            | UndeclaredBaseModel
            | OutputUseRestriction
            | ProviderDataRetention
            | ModelNoticeMissing => Severity::Medium,
            WeightsGated | TrainingDataUndisclosed | NotOsiApproved => Severity::Low,
        }
    }

    pub fn description(self) -> &'static str {
        use RiskCode::*;
        match self {
            LicenseMissing => {
                "no license is stated anywhere: not in the card, the files or the gate"
            }
            LicenseUnrecognized => "a license is stated but its terms could not be identified",
            LicenseMismatch => "the card's declared license and the license text found disagree",
            NonCommercial => "the terms forbid commercial use (non-commercial, research only)",
            CommercialConditions => "commercial use carries conditions: caps, registration, naming",
            UseRestrictions => "the terms forbid some uses (an acceptable use policy)",
            InheritedLicenseConflict => "the model is declared more permissive than a base model",
            DatasetNonCommercial => "a training dataset is licensed for non-commercial use only",
            TrainingDataUndisclosed => "the card names no training dataset",
            WeightsGated => "the weights need an access request on the Hub",
            WeightsAbsent => "the repository holds no model weights",
            UnsafeWeightFormat => "weights exist only in pickle-based formats that can run code",
            RemoteCode => "loading the model runs code from the repository",
            GateTermsConflict => "the gate prompt states terms that contradict the license tag",
            NotOsiApproved => "the license is not OSI-approved",
            UndeclaredBaseModel => {
                "the card declares no base model, but one was inferred; its terms apply"
            }
            EvidenceUnread => {
                "a license or card source exists but was not read completely; never `allowed`"
            }
            OutputUseRestriction => {
                "the provider's terms forbid using outputs to build competing models"
            }
            ProviderDataRetention => {
                "the provider keeps prompts and outputs, or may train on them, by default"
            }
            ModelTermsNotPassedOn => {
                "the project's license allows commercial use; the model's terms forbid it"
            }
            ModelNoticeMissing => {
                "the model's terms require a notice the repository does not carry"
            }
            ModelLicenseIncompatible => {
                "the model's terms are copyleft or share-alike; the project is permissive"
            }
        }
    }

    pub fn risk(self, message: String, evidence: Vec<Evidence>) -> Risk {
        Risk {
            code: self,
            severity: self.default_severity(),
            message,
            evidence,
        }
    }
}

/// Messages name a risk by its code (`fail_on: remote-code (medium)`).
impl fmt::Display for RiskCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in RiskCode::ALL {
            assert_eq!(RiskCode::parse(c.code()), Some(c));
            assert!(seen.insert(c.code()));
            assert!(c.description().len() <= 90, "{} too long", c.code());
        }
    }
}
