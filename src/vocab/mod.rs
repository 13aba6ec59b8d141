//! The report's vocabulary, used by every layer: verdicts, severities, risk codes, the gate's
//! actions and decisions, clause kinds, error kinds, availability and gating, lineage relations
//! and statuses, the openness yardsticks' verdicts, the business answers, license scopes, and
//! the finding types (`Evidence`, `Risk`). A leaf: it depends on no other module of the crate,
//! so the core's modules depend on it and never on each other in a cycle.

mod business;
mod clause;
mod date;
mod error_kind;
mod finding;
mod found_at;
mod gate;
mod lineage;
mod openness;
mod risk_code;
mod scan;
mod scope;
mod verdict;
mod weights;

pub use business::{HardwareClass, YesNo};
pub use clause::{Clause, ClauseKind, Effect};
pub use date::Date;
pub use error_kind::ErrorKind;
pub use finding::{Evidence, Risk, Severity};
pub use found_at::{Form, FoundAt};
pub use gate::{Action, Decision, PolicyResult, PolicyRule};
pub use lineage::{LineageStatus, Relation};
pub use openness::{ElementVerdict, MofClass, Osaid};
pub use risk_code::RiskCode;
pub use scan::{Declaration, SKIPPED_LISTED, ScanSummary, SkipReason, Skipped};
pub use scope::LicenseScope;
pub use verdict::Verdict;
pub use weights::{Availability, Gating};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value serialises to its `as_str()` text and reads back as itself, and no two
    /// values share a text.
    fn round_trips<T>(all: &[T], as_str: fn(T) -> &'static str)
    where
        T: Copy + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
    {
        let mut seen = std::collections::HashSet::new();
        for &v in all {
            let json = serde_json::to_value(v).unwrap();
            assert_eq!(json, serde_json::Value::String(as_str(v).into()), "{v:?}");
            assert_eq!(serde_json::from_value::<T>(json).unwrap(), v);
            assert!(seen.insert(as_str(v)), "{v:?} repeats a text");
        }
    }

    #[test]
    fn forms_round_trip() {
        round_trips(&Form::ALL, Form::as_str);
    }

    #[test]
    fn error_kinds_round_trip() {
        round_trips(&ErrorKind::ALL, ErrorKind::as_str);
        assert_eq!(ErrorKind::RateLimited.to_string(), "rate-limited");
    }

    #[test]
    fn availability_and_gating_round_trip() {
        round_trips(&Availability::ALL, Availability::as_str);
        round_trips(&Gating::ALL, Gating::as_str);
    }

    #[test]
    fn lineage_vocabulary_round_trips() {
        round_trips(&Relation::ALL, Relation::as_str);
        round_trips(&LineageStatus::ALL, LineageStatus::as_str);
    }

    #[test]
    fn relations_read_leniently() {
        assert_eq!(Relation::parse(" Quantized"), Relation::Quantized);
        assert_eq!(Relation::parse("fine-tuned"), Relation::Unknown);
        let r: Relation = serde_json::from_str(r#""something else""#).unwrap();
        assert_eq!(r, Relation::Unknown);
    }

    #[test]
    fn a_missing_lineage_status_reads_as_before() {
        // Results files from before `status` existed: `#[serde(default)]` gave "".
        assert_eq!(LineageStatus::default().as_str(), "");
    }

    #[test]
    fn openness_vocabulary_round_trips() {
        round_trips(&Osaid::ALL, Osaid::as_str);
        round_trips(&MofClass::ALL, MofClass::as_str);
        round_trips(&ElementVerdict::ALL, ElementVerdict::as_str);
    }

    #[test]
    fn business_answers_round_trip() {
        round_trips(&YesNo::ALL, YesNo::as_str);
        round_trips(&HardwareClass::ALL, HardwareClass::as_str);
    }

    #[test]
    fn license_scopes_round_trip() {
        round_trips(&LicenseScope::ALL, LicenseScope::as_str);
    }

    #[test]
    fn policy_rules_round_trip() {
        round_trips(&PolicyRule::ALL, PolicyRule::as_str);
    }

    #[test]
    fn risk_codes_round_trip() {
        round_trips(&RiskCode::ALL, RiskCode::code);
    }
}
