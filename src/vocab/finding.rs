//! What every finding is made of: a citation (file, line, quote, rule) and a risk with its
//! code, severity and message.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A citation: where a fact was read, and the words that state it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub quote: String,
    /// Extension: the license rule the quote was matched by, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Risk {
    pub code: super::RiskCode,
    pub severity: Severity,
    pub message: String,
    pub evidence: Vec<Evidence>,
}
