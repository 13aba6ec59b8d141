//! Why a model could not be read, from any source (a hub, a registry, the local file system)
//! or from isopen itself: one type, each variant mapping to one of the report contract's error
//! kinds. Messages come
//! from the Hub's `X-Error-Message` or JSON `error`, cleaned and clipped; never from headers we
//! sent, and with the token and anything shaped like one redacted (a hub may echo it back), so
//! a token cannot leak into a report.

use thiserror::Error;

use crate::vocab::ErrorKind;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum SourceError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Gated(String),
    #[error("{0}")]
    RateLimited(String),
    #[error("{0}")]
    Network(String),
    #[error("{0}")]
    BadResponse(String),
    #[error("{0}")]
    InvalidRef(String),
    #[error("{0}")]
    Offline(String),
    /// isopen failed (a panic in a reader or in the assessment): a bug, not the source's fault.
    #[error("{0}")]
    Internal(String),
}

impl SourceError {
    /// The report's `error.kind`.
    pub fn kind(&self) -> ErrorKind {
        match self {
            SourceError::NotFound(_) => ErrorKind::NotFound,
            SourceError::Unauthorized(_) => ErrorKind::Unauthorized,
            SourceError::Gated(_) => ErrorKind::Gated,
            SourceError::RateLimited(_) => ErrorKind::RateLimited,
            SourceError::Network(_) => ErrorKind::Network,
            SourceError::BadResponse(_) => ErrorKind::BadResponse,
            SourceError::InvalidRef(_) => ErrorKind::InvalidRef,
            SourceError::Offline(_) => ErrorKind::Offline,
            SourceError::Internal(_) => ErrorKind::Internal,
        }
    }
}

/// Makes server-provided text safe to print: one line, no control characters, nothing shaped
/// like a token (see `crate::redact`), bounded.
pub fn clean_message(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| {
            if crate::report::sanitize::is_unsafe(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let one_line = crate::redact::shaped(&one_line);
    let trimmed = one_line.trim();
    if trimmed.chars().count() > 300 {
        let mut cut: String = trimmed.chars().take(300).collect();
        cut.push('…');
        cut
    } else {
        trimmed.to_string()
    }
}
