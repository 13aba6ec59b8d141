//! Markdown: for a pull request or a procurement ticket. A summary table, then one section per
//! model with the verdict and the gate's outcome first, conditions and obligations, weights,
//! lineage, data, openness, risks and evidence.

use super::{ModelReport, Report, Status, View, gate, sanitize};

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

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
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
            let e = m.error.as_ref();
            out.push_str(&format!(
                "| `{}` | - | - | - | - | error: {} |{gate_cell}\n",
                cell(&m.model),
                cell(e.map_or("", |e| e.kind.as_str()))
            ));
            continue;
        }
        out.push_str(&format!(
            "| `{}` | {} | **{}** | {} | {} | {} |{gate_cell}\n",
            cell(&m.model),
            cell(m.license.as_ref().map_or("-", |l| l.id.as_str())),
            m.commercial_use
                .as_ref()
                .map_or("-".into(), |c| c.verdict.to_string()),
            m.weights.as_ref().map_or("-", |w| w.availability.as_str()),
            m.openness.as_ref().map_or("-", |o| o.osaid.as_str()),
            m.risks.first().map_or("-".into(), |r| format!(
                "{} ({})",
                r.code,
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
        out.push_str(&format!("  - {}\n", cell(r)));
    }
    out
}

fn model(m: &ModelReport, gate: Option<&gate::Outcome>) -> String {
    let mut out = format!("## `{}`\n\n", m.model);
    if let Some(e) = &m.error {
        out.push_str(&format!(
            "Could not be audited: **{}**: {}\n",
            e.kind, e.message
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
            "- License: `{}`{} (confidence {:.2}); declared: {}\n",
            l.id,
            l.name
                .as_ref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default(),
            l.confidence,
            l.declared
                .as_deref()
                .map_or("nothing".into(), |d| format!("`{d}`"))
        ));
    }
    if let Some(w) = &m.weights {
        out.push_str(&format!(
            "- Weights: {}{}{}\n",
            w.availability,
            w.gating
                .as_ref()
                .filter(|_| w.availability == "gated")
                .map(|g| format!(" ({g})"))
                .unwrap_or_default(),
            if w.formats.is_empty() {
                String::new()
            } else {
                format!(", {}", w.formats.join(", "))
            }
        ));
    }
    for l in &m.lineage {
        out.push_str(&format!(
            "- Base model: `{}` ({}), license {}\n",
            l.model,
            l.relation,
            l.license.as_deref().unwrap_or(&l.status)
        ));
    }
    for d in &m.datasets {
        out.push_str(&format!(
            "- Dataset: `{}`, license {}, commercial use {}\n",
            d.id,
            d.license.as_deref().unwrap_or("unknown"),
            d.commercial_use
        ));
    }
    if let Some(o) = &m.openness {
        out.push_str(&format!(
            "- OSAID: {}; MOF class: {}\n",
            o.osaid,
            o.mof_class.as_deref().unwrap_or("undetermined")
        ));
    }
    if let Some(c) = &m.commercial_use {
        if !c.conditions.is_empty() {
            out.push_str("\n### Conditions\n\n");
            for s in &c.conditions {
                out.push_str(&format!("- {s}\n"));
            }
        }
        if !c.obligations.is_empty() {
            out.push_str("\n### Obligations\n\n");
            for s in &c.obligations {
                out.push_str(&format!("- {s}\n"));
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
                .map(|e| {
                    let at = match (&e.file, e.line) {
                        (Some(f), Some(l)) => format!("{f}:{l}: "),
                        (Some(f), None) => format!("{f}: "),
                        _ => String::new(),
                    };
                    format!("{at}“{}”", e.quote)
                })
                .unwrap_or_default();
            out.push_str(&format!(
                "| {} | `{}` | {} | {} |\n",
                r.severity.as_str(),
                r.code,
                cell(&r.message),
                cell(&ev)
            ));
        }
    }
    if !m.notes.is_empty() {
        out.push_str("\n### Notes\n\n");
        for n in &m.notes {
            out.push_str(&format!("- {n}\n"));
        }
    }
    out
}
