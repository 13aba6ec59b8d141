//! Secrets out of everything isopen prints or writes. The token is never sent anywhere but the
//! hub, but a hub (or a proxy in front of it) may echo it back in an error body or an
//! `X-Error-Message`, and that text becomes a report's error message, a note, a policy
//! decision, a log line. So the token in effect (its exact value) and anything shaped like a
//! Hugging Face token (`hf_…`, `api_org_…`, 30 or more letters and digits) is replaced by
//! `<redacted>` twice: where server text enters (the hub client's errors), and in a last pass
//! over every report, output and diagnostic, so that no leak depends on one path.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::report::ModelReport;

pub const REDACTED: &str = "<redacted>";

/// A token's shape: a user token (`hf_`) or an old organisation token (`api_org_`), also with
/// the backslash Markdown escaping puts before an underscore.
static SHAPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:hf|api\\?_org)\\?_[A-Za-z0-9]{30,}").expect("a valid pattern")
});

/// Shorter tokens are not redacted by value: a short word would be cut out of every report
/// (a real token is 37 characters).
const MIN_EXACT: usize = 8;

/// Replaces anything shaped like a Hugging Face token.
pub fn shaped(s: &str) -> Cow<'_, str> {
    SHAPED.replace_all(s, REDACTED)
}

/// What to remove from text: the token in effect, in the forms an output may write it (as it
/// is, JSON-escaped, Markdown-escaped), and anything shaped like a token.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    exact: Vec<String>,
}

impl Redactor {
    /// Redacts `secret` (the token in effect; the hub's `Token::redactor` passes it without
    /// exposing it) and every token-shaped string.
    pub fn new(secret: Option<&str>) -> Redactor {
        let mut exact = Vec::new();
        if let Some(t) = secret.filter(|t| t.len() >= MIN_EXACT) {
            let json = serde_json::to_string(t).unwrap_or_default();
            let forms = [
                t.to_string(),
                json.trim_matches('"').to_string(),
                crate::report::markdown::escape(t),
            ];
            for f in forms {
                if !exact.contains(&f) {
                    exact.push(f);
                }
            }
        }
        // The longest first, so a form containing another is replaced whole.
        exact.sort_by_key(|f| std::cmp::Reverse(f.len()));
        Redactor { exact }
    }

    /// The text with every secret replaced.
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let mut out = shaped(s);
        for e in &self.exact {
            if out.contains(e.as_str()) {
                out = Cow::Owned(out.replace(e.as_str(), REDACTED));
            }
        }
        out
    }

    /// The report with every secret replaced in every string it holds (its fields, its
    /// evidence, its error, its notes), whatever path the text came by.
    pub fn report(&self, report: ModelReport) -> ModelReport {
        let Ok(mut value) = serde_json::to_value(&report) else {
            return report;
        };
        if !self.walk(&mut value) {
            return report;
        }
        serde_json::from_value(value).unwrap_or_else(|_| {
            // Cannot happen (the value came from a report); if it did, never keep the secret.
            ModelReport::failed(
                &self.text(&report.model),
                report.source,
                crate::report::ErrorKind::Internal,
                "the report held a secret and could not be cleaned (a bug; please report it)"
                    .into(),
            )
        })
    }

    /// Redacts every string in `v`; whether anything changed.
    fn walk(&self, v: &mut serde_json::Value) -> bool {
        use serde_json::Value;
        match v {
            Value::String(s) => match self.text(s) {
                Cow::Owned(clean) => {
                    *s = clean;
                    true
                }
                Cow::Borrowed(_) => false,
            },
            Value::Array(a) => a.iter_mut().fold(false, |acc, x| self.walk(x) | acc),
            Value::Object(o) => o.values_mut().fold(false, |acc, x| self.walk(x) | acc),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPED_TOKEN: &str = "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH";

    #[test]
    fn the_token_and_token_shapes_are_redacted() {
        let r = Redactor::new(Some("my-secret_token.value"));
        let s = format!(
            "bad token my-secret_token.value and {SHAPED_TOKEN} or api_org_{}",
            &SHAPED_TOKEN[3..]
        );
        let clean = r.text(&s);
        assert_eq!(clean, "bad token <redacted> and <redacted> or <redacted>");
        assert_eq!(r.text("my-secret\\_token.value"), "<redacted>");
        assert_eq!(
            r.text("hf\\_abcdefghijklmnopqrstuvwxyzABCDEFGH."),
            "<redacted>."
        );
        assert!(matches!(r.text("nothing here: hf_short"), Cow::Borrowed(_)));
        // A short token is not cut out of ordinary words.
        let short = Redactor::new(Some("the"));
        assert_eq!(short.text("the license"), "the license");
    }

    #[test]
    fn a_report_is_redacted_everywhere() {
        let mut m = ModelReport::failed(
            "acme/x",
            crate::report::Source::Huggingface,
            crate::report::ErrorKind::NotFound,
            format!("no: {SHAPED_TOKEN}"),
        );
        m.notes.push(format!("note {SHAPED_TOKEN}"));
        let clean = Redactor::default().report(m);
        assert_eq!(clean.error.unwrap().message, "no: <redacted>");
        assert_eq!(clean.notes, ["note <redacted>"]);
    }
}
