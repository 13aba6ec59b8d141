//! Markdown: for a pull request or a procurement ticket. A summary table, then one section per
//! model with the verdict and the gate's outcome first, conditions and obligations, weights,
//! lineage, data, openness, risks and evidence.

use super::{Availability, ModelReport, MofClass, Report, Status, View, gate, sanitize};

/// Untrusted text (a card's value, a quote, a server's message) for inline Markdown: one line,
/// shown as written and never read as Markdown or HTML. Every character that could open
/// emphasis, code, a link or an image, a table cell, strikethrough or math is
/// backslash-escaped; `<`, `>` and `&` are written as entities, so no tag or entity passes;
/// `://` and `www.` are broken so no autolink forms; and a value that would start a heading,
/// a list or a quote at the start of a line has that first character escaped.
pub fn escape(s: &str) -> String {
    let s = sanitize::line(s);
    let chars: Vec<char> = s.trim_start().chars().collect();
    let mut out = String::with_capacity(chars.len() + 8);
    let lead = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    for (i, &c) in chars.iter().enumerate() {
        let at_start = i == 0 && matches!(c, '#' | '+' | '-' | '=');
        let ordered = i == lead && lead > 0 && matches!(c, '.' | ')');
        let autolink = (c == ':' && chars[i + 1..].starts_with(&['/', '/']))
            || (c == '.'
                && i >= 3
                && chars[i - 3..i]
                    .iter()
                    .collect::<String>()
                    .eq_ignore_ascii_case("www"));
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            _ if at_start || ordered || autolink => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Untrusted text as a code span (model and dataset ids, paths): nothing inside is read as
/// Markdown or HTML. The fence is longer than any run of backticks inside, and spaces pad a
/// text that starts or ends with a backtick or a space (the reader strips one of each). In a
/// table cell a `|` is still escaped: GFM splits cells before it reads code spans.
fn code(s: &str, in_table: bool) -> String {
    let s = sanitize::line(s);
    if s.is_empty() {
        return "-".to_string();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with(['`', ' ']) || s.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    let inner = if in_table {
        s.replace('|', "\\|")
    } else {
        s.into_owned()
    };
    format!("{fence}{pad}{inner}{pad}{fence}")
}

/// [`escape`], for the many optional values.
fn e(s: &str) -> String {
    escape(s)
}

pub fn render(report: &Report, view: &View) -> String {
    let mut out = String::from("# isopen audit\n\n");
    let gates: Vec<Option<gate::Outcome>> = report
        .models
        .iter()
        .map(|m| gate::judge(m, view.fail_on))
        .collect();
    // The gate's column only when a gate was asked for (`--policy`, `--fail-on`).
    let gated = gates.iter().any(Option::is_some);
    out.push_str("| Model | License | Commercial use | Weights | OSAID | Top risk |");
    out.push_str(if gated { " Gate |\n" } else { "\n" });
    out.push_str("| --- | --- | --- | --- | --- | --- |");
    out.push_str(if gated { " --- |\n" } else { "\n" });
    for (m, g) in report.models.iter().zip(&gates) {
        let gate_cell = match g {
            Some(g) => format!(" **{}** |", g.action.as_str()),
            None if gated => " - |".to_string(),
            None => String::new(),
        };
        if m.status == Status::Error {
            let kind = m.error.as_ref().map_or("", |e| e.kind.as_str());
            out.push_str(&format!(
                "| {} | - | - | - | - | error: {} |{gate_cell}\n",
                code(&m.model, true),
                e(kind)
            ));
            continue;
        }
        out.push_str(&format!(
            "| {} | {} | **{}** | {} | {} | {} |{gate_cell}\n",
            code(&m.model, true),
            m.license.as_ref().map_or("-".into(), |l| e(&l.id)),
            m.commercial_use
                .as_ref()
                .map_or("-".into(), |c| c.verdict.to_string()),
            m.weights
                .as_ref()
                .map_or("-".into(), |w| e(w.availability.as_str())),
            m.openness
                .as_ref()
                .map_or("-".into(), |o| e(o.osaid.as_str())),
            m.risks.first().map_or("-".into(), |r| format!(
                "{} ({})",
                e(r.code.code()),
                r.severity.as_str()
            )),
        ));
    }
    for (m, g) in report.models.iter().zip(&gates) {
        out.push('\n');
        out.push_str(&model(m, g.as_ref()));
    }
    out
}

/// The gate's outcome and its reasons, as a list item.
fn gate_item(g: &gate::Outcome) -> String {
    let mut out = format!("- Gate: **{}**\n", g.action.as_str());
    for r in &g.reasons {
        out.push_str(&format!("  - {}\n", e(r)));
    }
    out
}

fn model(m: &ModelReport, gate: Option<&gate::Outcome>) -> String {
    let mut out = format!("## {}\n\n", code(&m.model, false));
    if let Some(err) = &m.error {
        out.push_str(&format!(
            "Could not be audited: **{}**: {}\n",
            e(err.kind.as_str()),
            e(&err.message)
        ));
        if let Some(g) = gate {
            out.push('\n');
            out.push_str(&gate_item(g));
        }
        return out;
    }
    if let Some(c) = &m.commercial_use {
        out.push_str(&format!("**Commercial use: {}**\n\n", c.verdict));
    }
    if let Some(g) = gate {
        out.push_str(&gate_item(g));
    }
    if let Some(l) = &m.license {
        out.push_str(&format!(
            "- License: {}{} (confidence {:.2}); declared: {}\n",
            code(&l.id, false),
            l.name
                .as_ref()
                .map(|n| format!(" — {}", e(n)))
                .unwrap_or_default(),
            l.confidence,
            l.declared
                .as_deref()
                .map_or("nothing".into(), |d| code(d, false))
        ));
    }
    if let Some(w) = &m.weights {
        out.push_str(&format!(
            "- Weights: {}{}{}\n",
            e(w.availability.as_str()),
            w.gating
                .filter(|_| w.availability == Availability::Gated)
                .map(|g| format!(" ({})", e(g.as_str())))
                .unwrap_or_default(),
            if w.formats.is_empty() {
                String::new()
            } else {
                format!(", {}", e(&w.formats.join(", ")))
            }
        ));
    }
    for l in &m.lineage {
        out.push_str(&format!(
            "- Base model: {} ({}), license {}\n",
            code(&l.model, false),
            e(l.relation.as_str()),
            e(l.license.as_deref().unwrap_or(l.status.as_str()))
        ));
    }
    for d in &m.datasets {
        out.push_str(&format!(
            "- Dataset: {}, license {}, commercial use {}\n",
            code(&d.id, false),
            e(d.license.as_deref().unwrap_or("unknown")),
            d.commercial_use
        ));
    }
    if let Some(o) = &m.openness {
        out.push_str(&format!(
            "- OSAID: {}; MOF class: {}\n",
            e(o.osaid.as_str()),
            e(o.mof_class.map_or("undetermined", MofClass::as_str))
        ));
    }
    if let Some(c) = &m.commercial_use {
        if !c.conditions.is_empty() {
            out.push_str("\n### Conditions\n\n");
            for s in &c.conditions {
                out.push_str(&format!("- {}\n", e(s)));
            }
        }
        if !c.obligations.is_empty() {
            out.push_str("\n### Obligations\n\n");
            for s in &c.obligations {
                out.push_str(&format!("- {}\n", e(s)));
            }
        }
    }
    if !m.risks.is_empty() {
        out.push_str(
            "\n### Risks\n\n| Severity | Code | What | Evidence |\n| --- | --- | --- | --- |\n",
        );
        for r in &m.risks {
            let ev = r
                .evidence
                .first()
                .map(|ev| {
                    let at = match (&ev.file, ev.line) {
                        (Some(f), Some(l)) => format!("{}:{l}: ", e(f)),
                        (Some(f), None) => format!("{}: ", e(f)),
                        _ => String::new(),
                    };
                    format!("{at}“{}”", e(&ev.quote))
                })
                .unwrap_or_default();
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                r.severity.as_str(),
                code(r.code.code(), true),
                e(&r.message),
                ev
            ));
        }
    }
    if !m.notes.is_empty() {
        out.push_str("\n### Notes\n\n");
        for n in &m.notes {
            out.push_str(&format!("- {}\n", e(n)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_text_is_never_markdown() {
        assert_eq!(
            escape("# Title ![img](http://x) [a](b) `c` <b>&amp; *d* _e_ | ~f~ $g$"),
            "\\# Title !\\[img\\](http\\://x) \\[a\\](b) \\`c\\` &lt;b&gt;&amp;amp; \\*d\\* \\_e\\_ \\| \\~f\\~ \\$g\\$"
        );
        assert_eq!(escape("a\nb\r\nc"), "a b c");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("12. item"), "12\\. item");
        assert_eq!(escape("see www.x.org"), "see www\\.x.org");
        assert_eq!(escape("apache-2.0"), "apache-2.0");
    }

    #[test]
    fn a_code_span_holds_any_backticks() {
        assert_eq!(code("org/x", false), "`org/x`");
        assert_eq!(code("a`b", false), "``a`b``");
        assert_eq!(code("`a``", false), "``` `a`` ```");
        assert_eq!(code("a|b", true), "`a\\|b`");
        assert_eq!(code("a\n# b", false), "`a # b`");
    }
}
