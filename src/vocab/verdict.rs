//! The commercial-use verdict: `allowed`, `conditional`, `unknown`, `prohibited`, ordered by
//! how restrictive each is.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The commercial-use verdict vocabulary of the report contract.
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
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Allowed,
    Conditional,
    Unknown,
    Prohibited,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Conditional => "conditional",
            Verdict::Prohibited => "prohibited",
            Verdict::Unknown => "unknown",
        }
    }

    /// A verdict as written by `as_str` (a census part read back), else `None`.
    pub fn parse(s: &str) -> Option<Verdict> {
        [
            Verdict::Allowed,
            Verdict::Conditional,
            Verdict::Unknown,
            Verdict::Prohibited,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// The more restrictive of two verdicts.
    pub fn stricter(self, other: Verdict) -> Verdict {
        if other.restrictiveness() > self.restrictiveness() {
            other
        } else {
            self
        }
    }

    /// How restrictive a verdict is, for "the most restrictive wins". An unknown verdict is
    /// worse than a known condition: we cannot tell the user what to comply with.
    pub fn restrictiveness(self) -> u8 {
        match self {
            Verdict::Allowed => 0,
            Verdict::Conditional => 1,
            Verdict::Unknown => 2,
            Verdict::Prohibited => 3,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
