//! The `scan` part of the reports people read: where each model is referenced, the project's
//! license as declared, and what the scan left unread. Appended after the summary matrix
//! (table) or the model sections (Markdown); JSON, SARIF and CycloneDX carry the same facts in
//! their own fields.

use super::Report;
use super::markdown::escape;

/// Plain text, for the terminal (the caller sanitises the whole text).
pub fn render_text(report: &Report) -> String {
    render(report, false)
}

/// Markdown, every value escaped.
pub fn render_markdown(report: &Report) -> String {
    render(report, true)
}

fn render(report: &Report, md: bool) -> String {
    let Some(scan) = &report.scan else {
        return String::new();
    };
    let e = |s: &str| if md { escape(s) } else { s.to_string() };
    let item = if md { "- " } else { "  " };
    let mut out = String::new();
    out.push_str(if md {
        "\n## Where the models are referenced\n\n"
    } else {
        "\nWhere the models are referenced\n"
    });
    for m in &report.models {
        out.push_str(&format!("{}{}\n", if md { "- " } else { "" }, e(&m.model)));
        for f in &m.found_at {
            out.push_str(&format!(
                "{}{item}{}:{}:{} ({})\n",
                if md { "  " } else { "" },
                e(&f.file),
                f.line,
                f.column,
                f.form.as_str()
            ));
        }
    }
    if report.models.is_empty() {
        out.push_str(&format!("{item}no model reference found\n"));
    }
    out.push_str(if md {
        "\n## The project\n\n"
    } else {
        "\nThe project\n"
    });
    out.push_str(&format!(
        "{item}root: {}, {} files read\n",
        e(&scan.root),
        scan.files_read
    ));
    if scan.project_license.is_empty() {
        out.push_str(&format!(
            "{item}license: none declared (LICENSE, pyproject.toml, package.json, Cargo.toml)\n"
        ));
    }
    for d in &scan.project_license {
        out.push_str(&format!(
            "{item}license: {} ({}{})\n",
            e(&d.id),
            e(&d.file),
            d.line.map_or(String::new(), |l| format!(":{l}"))
        ));
    }
    if scan.unread > 0 {
        out.push_str(&format!(
            "{item}incomplete: {} files left unread for a budget; references in them were not seen\n",
            scan.unread
        ));
    }
    for s in &scan.skipped {
        out.push_str(&format!(
            "{item}not read: {} ({})\n",
            e(&s.file),
            s.reason.as_str()
        ));
    }
    if scan.skipped_total > scan.skipped.len() {
        out.push_str(&format!(
            "{item}... and {} more not read\n",
            scan.skipped_total - scan.skipped.len()
        ));
    }
    out
}
