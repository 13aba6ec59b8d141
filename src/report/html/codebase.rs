//! The `scan` part of the page: the scanned project's license as declared, what the scan left
//! unread, and, in each model's section, every place the code references the model — so a
//! reviewer can go from a verdict to the line that pulled the model in.

use std::fmt::Write;

use super::escape::text as e;
use crate::report::{ModelReport, Report};

/// The project section, before the models' details; empty for `audit` and `batch`.
pub fn project(report: &Report) -> String {
    let Some(scan) = &report.scan else {
        return String::new();
    };
    let mut out = format!(
        "<h2 id=\"project\">The scanned project</h2>\n<p><code>{}</code>: {} file{} read for \
         references.</p>\n",
        e(&scan.root),
        scan.files_read,
        if scan.files_read == 1 { "" } else { "s" }
    );
    if scan.project_license.is_empty() {
        out.push_str("<p>No license is declared (no LICENSE file, no manifest license).</p>\n");
    } else {
        out.push_str("<h4>License declared</h4><ul>");
        for d in &scan.project_license {
            let _ = write!(
                out,
                "<li><code>{}</code> in <code>{}{}</code>{}<blockquote>{}</blockquote></li>",
                e(&d.id),
                e(&d.file),
                d.line.map_or(String::new(), |l| format!(":{l}")),
                if d.permissive { " (permissive)" } else { "" },
                e(&d.quote)
            );
        }
        out.push_str("</ul>\n");
    }
    if scan.skipped_total > 0 {
        let _ = write!(
            out,
            "<h4>Not read</h4><p>{} file{} skipped{}.</p><ul>",
            scan.skipped_total,
            if scan.skipped_total == 1 { "" } else { "s" },
            if scan.unread > 0 {
                format!(
                    ", {} of them for a budget: references in them may have been missed",
                    scan.unread
                )
            } else {
                String::new()
            }
        );
        for s in &scan.skipped {
            let _ = write!(
                out,
                "<li><code>{}</code> ({})</li>",
                e(&s.file),
                e(s.reason.as_str())
            );
        }
        out.push_str("</ul>\n");
    }
    out
}

/// Where the code references one model (nothing outside a scan).
pub fn found_at(m: &ModelReport) -> String {
    if m.found_at.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h4>Referenced at</h4><ul>");
    for f in &m.found_at {
        let _ = write!(
            out,
            "<li><code>{}:{}:{}</code> ({})</li>",
            e(&f.file),
            f.line,
            f.column,
            e(f.form.as_str())
        );
    }
    out.push_str("</ul>\n");
    out
}
