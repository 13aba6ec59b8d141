//! The openness yardsticks' vocabulary: the OSAID verdict, the MOF class, and the verdict on one
//! judged element (an OSAID element, a MOF component, an OSAI index parameter).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The Open Source AI Definition verdict (`openness.osaid`): `pass` needs evidence for every
/// element, a license restriction is enough for `fail`, and anything else is `unknown`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Osaid {
    Pass,
    Fail,
    Unknown,
}

impl Osaid {
    pub const ALL: [Osaid; 3] = [Osaid::Pass, Osaid::Fail, Osaid::Unknown];

    pub fn as_str(self) -> &'static str {
        match self {
            Osaid::Pass => "pass",
            Osaid::Fail => "fail",
            Osaid::Unknown => "unknown",
        }
    }
}

/// The Model Openness Framework class (`openness.mof_class`): `I`, `II` or `III` (I is the most
/// open), or `none` when a required Class III component is missing or not openly licensed. A
/// report holds null, not a class, when the evidence cannot decide.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum MofClass {
    #[serde(rename = "I")]
    ClassI,
    #[serde(rename = "II")]
    ClassII,
    #[serde(rename = "III")]
    ClassIII,
    // Not `None`: it would read as `Option::None` in `Option<MofClass>`.
    #[serde(rename = "none")]
    NoClass,
}

impl MofClass {
    pub const ALL: [MofClass; 4] = [
        MofClass::ClassI,
        MofClass::ClassII,
        MofClass::ClassIII,
        MofClass::NoClass,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MofClass::ClassI => "I",
            MofClass::ClassII => "II",
            MofClass::ClassIII => "III",
            MofClass::NoClass => "none",
        }
    }
}

/// The verdict on one judged element (`openness.*[].verdict`). Each yardstick uses its own
/// words: OSAID elements (`osaid_elements`) are `pass`, `fail` or `unknown`; MOF components
/// (`mof_components`) are `found`, `missing`, `not-open` (present, under a license the MOF does
/// not count as open) or `unknown`; European Open Source AI Index parameters (`osai_index`) are
/// `open`, `partial` or `closed`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ElementVerdict {
    Pass,
    Fail,
    Found,
    Missing,
    NotOpen,
    Open,
    Partial,
    Closed,
    Unknown,
}

impl ElementVerdict {
    pub const ALL: [ElementVerdict; 9] = [
        ElementVerdict::Pass,
        ElementVerdict::Fail,
        ElementVerdict::Found,
        ElementVerdict::Missing,
        ElementVerdict::NotOpen,
        ElementVerdict::Open,
        ElementVerdict::Partial,
        ElementVerdict::Closed,
        ElementVerdict::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ElementVerdict::Pass => "pass",
            ElementVerdict::Fail => "fail",
            ElementVerdict::Found => "found",
            ElementVerdict::Missing => "missing",
            ElementVerdict::NotOpen => "not-open",
            ElementVerdict::Open => "open",
            ElementVerdict::Partial => "partial",
            ElementVerdict::Closed => "closed",
            ElementVerdict::Unknown => "unknown",
        }
    }
}
