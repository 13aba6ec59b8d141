//! What went wrong with one request, read from the transport error or the answer's status and
//! headers (`X-Error-Code`, `X-Error-Message`, `Retry-After`, `RateLimit`): a typed error,
//! whether another attempt may help, how long the server asked to wait, and whether the
//! whole host should slow down. The server's words are redacted and clipped first.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::super::error::{SourceError, clean_message};
use super::super::token::Token;
use crate::redact::Redactor;

/// What went wrong with one attempt, and whether another attempt may help.
pub(super) struct Failure {
    pub(super) error: SourceError,
    pub(super) retry: bool,
    pub(super) wait: Option<Duration>,
    /// The host said slow down (429, 503): every request to it waits, not only this one.
    pub(super) throttle: bool,
}

pub(super) fn transport_failure(e: &reqwest::Error, attempt: u32) -> Failure {
    if e.is_connect() && !e.is_timeout() {
        // Refused or unresolvable: one more try covers a blip; more would only make a machine
        // without network wait.
        return Failure {
            error: SourceError::Network(format!("cannot connect: {}", root_cause(e))),
            retry: attempt < 2,
            wait: None,
            throttle: false,
        };
    }
    let what = if e.is_timeout() {
        "the request timed out".to_string()
    } else if e.is_redirect() {
        return Failure {
            error: SourceError::BadResponse(format!("redirect error: {}", root_cause(e))),
            retry: false,
            wait: None,
            throttle: false,
        };
    } else {
        format!("the connection failed: {}", root_cause(e))
    };
    Failure {
        error: SourceError::Network(what),
        retry: true,
        wait: None,
        throttle: false,
    }
}

/// The innermost error message, without the URL reqwest prefixes (it may carry a query).
pub(super) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    clean_message(&cur.to_string())
}

pub(super) fn strip_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

/// The error of a request the server asked to wait longer than its budget leaves.
pub(super) fn asked_too_long(e: SourceError, asked: Duration, left: Duration) -> SourceError {
    let add = |m: String| {
        format!(
            "{m}; the server asks to wait {} s, more than the {} s left of this request's \
             retry budget",
            asked.as_secs(),
            left.as_secs()
        )
    };
    match e {
        SourceError::Network(m) => SourceError::Network(add(m)),
        SourceError::RateLimited(m) => SourceError::RateLimited(add(m)),
        other => other,
    }
}

pub(super) fn with_attempts(e: SourceError, attempts: u32) -> SourceError {
    let add = |m: String| format!("{m} (after {attempts} attempts)");
    match e {
        SourceError::Network(m) => SourceError::Network(add(m)),
        SourceError::RateLimited(m) => SourceError::RateLimited(add(m)),
        other => other,
    }
}

/// `Retry-After` in seconds (the HTTP-date form is ignored, as huggingface_hub does), else the
/// `RateLimit` header's `t=` when `r=0`.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(secs) = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
    {
        return Some(Duration::from_secs_f64(secs.min(3600.0)));
    }
    let rl = headers.get("ratelimit")?.to_str().ok()?;
    let field = |name: &str| {
        rl.split(';')
            .find_map(|p| p.trim().strip_prefix(name))
            .and_then(|v| v.parse::<u64>().ok())
    };
    (field("r=") == Some(0)).then(|| field("t=").map(|t| Duration::from_secs(t + 1)))?
}

pub(super) fn status_failure(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    token: Option<&Token>,
    url: &str,
) -> Failure {
    let has_token = token.is_some();
    // A hub (or a proxy) may echo the token back: it is removed before the text is clipped,
    // so no piece of it survives either.
    let redactor = Redactor::new(token.map(Token::secret));
    let code = headers
        .get("x-error-code")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let message = headers
        .get("x-error-message")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
        })
        .map(|m| clean_message(&redactor.text(&m)))
        .unwrap_or_default();
    let what = strip_query(url);
    let detail = |default: String| {
        if message.is_empty() {
            default
        } else {
            message.clone()
        }
    };
    let fail = |error: SourceError| Failure {
        error,
        retry: false,
        wait: None,
        throttle: false,
    };
    match (status.as_u16(), code) {
        (_, "GatedRepo") => fail(SourceError::Gated(detail(format!("{what} is gated")))),
        (_, "RevisionNotFound") => fail(SourceError::NotFound(detail("revision not found".into()))),
        (_, "EntryNotFound") => fail(SourceError::NotFound(detail("file not found".into()))),
        (_, "RepoNotFound") | (404, _) => {
            fail(SourceError::NotFound(detail("repository not found".into())))
        }
        (401, _)
            if message.contains("Invalid credentials") || message.contains("invalid token") =>
        {
            fail(SourceError::Unauthorized(
                "the hub rejected the token (invalid or expired)".into(),
            ))
        }
        (401, _) if !has_token => fail(SourceError::NotFound(
            "repository not found, or private (no token was given)".into(),
        )),
        (401, _) => fail(SourceError::Unauthorized(detail(
            "the token is not allowed to read this repository".into(),
        ))),
        (403, _) => fail(SourceError::Unauthorized(detail("access forbidden".into()))),
        (429, _) => Failure {
            error: SourceError::RateLimited(detail("rate limited by the hub (429)".into())),
            retry: true,
            wait: retry_after(headers),
            throttle: true,
        },
        (503, _) => Failure {
            error: SourceError::Network(format!("the hub answered {status}")),
            retry: true,
            wait: retry_after(headers),
            throttle: true,
        },
        (408 | 500 | 502 | 504, _) => Failure {
            error: SourceError::Network(format!("the hub answered {status}")),
            retry: true,
            wait: None,
            throttle: false,
        },
        _ => fail(SourceError::BadResponse(format!(
            "the hub answered {status} for {what}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        let mut h = HeaderMap::new();
        h.insert("ratelimit", "\"api\";r=0;t=55".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(56)));
        let mut h = HeaderMap::new();
        h.insert("ratelimit", "\"api\";r=3;t=55".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn an_echoed_token_is_redacted_before_it_is_clipped() {
        let token = Token::new("hf_fake_approved_0123456789");
        let shaped = format!("hf_{}", "a1".repeat(17));
        let mut h = HeaderMap::new();
        let echoed = format!(
            "{} bad token hf_fake_approved_0123456789 and {shaped}",
            "x".repeat(280)
        );
        h.insert("x-error-message", echoed.parse().unwrap());
        let f = status_failure(StatusCode::FORBIDDEN, &h, b"", token.as_ref(), "u");
        let m = f.error.to_string();
        assert!(!m.contains("hf_fake") && !m.contains("hf_a1"), "{m}");
        let body = format!("{{\"error\": \"no access for {shaped}\"}}");
        let f = status_failure(
            StatusCode::NOT_FOUND,
            &HeaderMap::new(),
            body.as_bytes(),
            None,
            "u",
        );
        assert_eq!(f.error.to_string(), "no access for <redacted>");
    }

    #[test]
    fn error_codes_map_to_kinds() {
        let token = Token::new("hf_test_token_value");
        let mut h = HeaderMap::new();
        h.insert("x-error-code", "GatedRepo".parse().unwrap());
        let f = status_failure(StatusCode::UNAUTHORIZED, &h, b"", None, "u");
        assert_eq!(f.error.kind().as_str(), "gated");
        let f = status_failure(
            StatusCode::UNAUTHORIZED,
            &HeaderMap::new(),
            b"{\"error\":\"Invalid username or password.\"}",
            None,
            "u",
        );
        assert_eq!(f.error.kind().as_str(), "not-found");
        let f = status_failure(
            StatusCode::UNAUTHORIZED,
            &HeaderMap::new(),
            b"{\"error\":\"Invalid credentials in Authorization header\"}",
            token.as_ref(),
            "u",
        );
        assert_eq!(f.error.kind().as_str(), "unauthorized");
        let f = status_failure(
            StatusCode::SERVICE_UNAVAILABLE,
            &HeaderMap::new(),
            b"",
            token.as_ref(),
            "u",
        );
        assert!(f.retry);
    }
}
