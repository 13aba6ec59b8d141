//! Why a model could not be audited: the report contract's error kinds (`error.kind`).

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The kinds of failure the report names (`models[].error.kind`): `not-found`, `unauthorized`,
/// `gated`, `rate-limited`, `network`, `invalid-ref`, `bad-response`, `offline` (the contract's),
/// `internal` (isopen itself failed on that model: a bug to report), and `not-looked-up` (an
/// ancestor or dataset left over a look-up budget: it appears in lineage and dataset errors,
/// never as a model's own `error.kind`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    NotFound,
    Unauthorized,
    Gated,
    RateLimited,
    Network,
    BadResponse,
    InvalidRef,
    Offline,
    Internal,
    NotLookedUp,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 10] = [
        ErrorKind::NotFound,
        ErrorKind::Unauthorized,
        ErrorKind::Gated,
        ErrorKind::RateLimited,
        ErrorKind::Network,
        ErrorKind::BadResponse,
        ErrorKind::InvalidRef,
        ErrorKind::Offline,
        ErrorKind::Internal,
        ErrorKind::NotLookedUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not-found",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Gated => "gated",
            ErrorKind::RateLimited => "rate-limited",
            ErrorKind::Network => "network",
            ErrorKind::BadResponse => "bad-response",
            ErrorKind::InvalidRef => "invalid-ref",
            ErrorKind::Offline => "offline",
            ErrorKind::Internal => "internal",
            ErrorKind::NotLookedUp => "not-looked-up",
        }
    }
}

/// Error messages put the kind first (`not-found: …`), so it prints as its report string.
impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
