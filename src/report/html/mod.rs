//! The decision page: one self-contained HTML file for a shortlist of open and closed models.
//! A pure function of the Report (and of `HtmlMeta`: versions and the audit's date), so every
//! command that produces a report can render it. Everything is inline — the stylesheet, the
//! charts (SVG) and a small script that only adds sorting and filtering — and nothing asks the
//! network for anything: no external font, script, image or link target, and a
//! Content-Security-Policy that forbids every load but the page's own style and script (by
//! hash). Every text from the report is escaped (`escape::text`), in content and attributes.

mod charts;
mod codebase;
mod detail;
pub mod escape;
mod format;
mod matrix;
mod questions;
mod script;
mod style;

use std::fmt::Write;

use sha2::{Digest, Sha256};

use super::{Report, Severity};
use escape::text as e;

/// What the page says besides the report: which isopen and which knowledge judged, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlMeta {
    /// isopen's version.
    pub version: String,
    /// The license rules' and the API catalog's version (see `rules::RuleSet::fingerprint`).
    pub rules_version: String,
    /// The audit's date, YYYY-MM-DD.
    pub date: String,
    /// What was audited, for the title (a shortlist's file name), if anything.
    pub title: Option<String>,
    /// The `--fail-on` threshold, so the matrix can show the gate.
    pub fail_on: Option<Severity>,
}

/// `'sha256-…'` for a CSP source list.
pub(crate) fn csp_hash(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    format!("'sha256-{}'", base64(&digest))
}

/// Standard base64 with padding (the CSP hash form); small enough not to need a crate.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The Content-Security-Policy: nothing from anywhere, but the page's own style and script.
pub fn csp() -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src 'none'; font-src 'none'; \
         connect-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(style::CSS),
        csp_hash(script::JS)
    )
}

/// A page's start, up to and including `<body>`: the policy, the generator and the title
/// escaped, the stylesheet (the caller's own constant) inline.
pub(crate) fn head(csp: &str, version: &str, title: &str, css: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <meta name=\"generator\" content=\"isopen {}\">\
         <title>{}</title><style>{css}</style></head>\n<body>",
        e(csp),
        e(version),
        e(title)
    )
}

/// The whole page.
pub fn render(report: &Report, meta: &HtmlMeta) -> String {
    let n = report.models.len();
    let title = match &meta.title {
        Some(t) => format!("isopen decision page: {t}"),
        None => "isopen decision page".to_string(),
    };
    let mut out = String::with_capacity(8_192 + n * 6_000);
    out.push_str(&head(&csp(), &meta.version, &title, style::CSS));
    let _ = writeln!(
        out,
        "<header><h1>{}</h1><p class=\"meta\">{n} model{} audited on {} by isopen {} \
         (license knowledge {}).</p>\
         <p class=\"lede\">Commercial use is judged from the terms themselves; an honest \
         <em>unknown</em> is never rounded up to <em>allowed</em>. Colours repeat what the words \
         say.</p>\n</header>",
        e(&title),
        if n == 1 { "" } else { "s" },
        e(&meta.date),
        e(&meta.version),
        e(&meta.rules_version)
    );
    out.push_str(
        "<main><h2 id=\"compare\">Comparison</h2>\
         <div id=\"controls\" hidden><label>Filter <input id=\"filter\" type=\"search\" \
         placeholder=\"model or license\"></label><label>Commercial use <select \
         id=\"verdict-filter\"><option value=\"\">any</option><option>allowed</option>\
         <option>conditional</option><option>unknown</option><option>prohibited</option>\
         <option>not audited</option></select></label><span id=\"shown\"></span></div>\
         <p id=\"script-status\" class=\"meta\">Rows are in the order given; details follow \
         below.</p>\n",
    );
    out.push_str(&matrix::matrix(report, meta.fail_on));
    out.push_str("<h2 id=\"questions-title\">Business questions</h2>\n");
    out.push_str(&matrix::questions(report));
    out.push_str("<h2 id=\"charts\">At a glance</h2>\n<div class=\"charts\">");
    out.push_str(&charts::memory(report));
    out.push_str(&charts::mix(report));
    out.push_str("</div>");
    out.push_str(&codebase::project(report));
    out.push_str("<h2 id=\"details\">Each model</h2>\n");
    for (i, m) in report.models.iter().enumerate() {
        out.push_str(&detail::section(i, m));
    }
    let _ = writeln!(
        out,
        "</main><footer><p>Generated by isopen {} with license knowledge {}, on {}. Report \
         schema <code>{}</code>. This page loads nothing from the network; its addresses are \
         shown as text to copy.</p>\n</footer>\n<script>{}</script></body></html>",
        e(&meta.version),
        e(&meta.rules_version),
        e(&meta.date),
        e(&report.schema),
        script::JS
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
