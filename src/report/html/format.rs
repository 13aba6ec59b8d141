//! Numbers and vocabulary as the page shows them: counts and sizes in decimal units, each
//! verdict's words, glyph and colour class (the colour is never the only signal: the word and
//! the glyph say it too), and the ranks the matrix sorts by.

use crate::report::{ModelReport, Severity, Status, Verdict};

/// 8030261248 → "8.03B", as the terminal table writes it.
pub fn count(n: u64) -> String {
    crate::report::table::count(n as f64)
}

/// 16060617592 → "16.1 GB".
pub fn gb(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / 1e9)
}

/// What the matrix says of a model's commercial verdict: the word, a glyph, the CSS class
/// (`v-allowed` …) and the sort rank (most permissive first, not audited last).
pub struct VerdictLook {
    pub word: &'static str,
    pub glyph: &'static str,
    pub class: &'static str,
    pub rank: u8,
}

pub fn verdict(m: &ModelReport) -> VerdictLook {
    if m.status == Status::Error {
        return VerdictLook {
            word: "not audited",
            glyph: "!",
            class: "v-error",
            rank: 4,
        };
    }
    match m.commercial_use.as_ref().map(|c| c.verdict) {
        Some(Verdict::Allowed) => VerdictLook {
            word: "allowed",
            glyph: "\u{2713}",
            class: "v-allowed",
            rank: 0,
        },
        Some(Verdict::Conditional) => VerdictLook {
            word: "conditional",
            glyph: "~",
            class: "v-conditional",
            rank: 1,
        },
        Some(Verdict::Prohibited) => VerdictLook {
            word: "prohibited",
            glyph: "\u{2717}",
            class: "v-prohibited",
            rank: 3,
        },
        Some(Verdict::Unknown) | None => VerdictLook {
            word: "unknown",
            glyph: "?",
            class: "v-unknown",
            rank: 2,
        },
    }
}

/// The CSS class of a severity.
pub fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::High => "s-high",
        Severity::Medium => "s-medium",
        Severity::Low => "s-low",
    }
}

/// The sort rank of a severity (highest first when sorted descending).
pub fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::High => 3,
        Severity::Medium => 2,
        Severity::Low => 1,
    }
}
