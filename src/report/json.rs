//! The JSON rendering of a report (schema v1): pretty for people, one line for JSONL.

use super::{ModelReport, Report};

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        // Serialising plain data cannot fail; keep the contract's shape if it somehow does.
        format!(
            "{{\"schema\": \"isopen.report.v1\", \"models\": [], \"error\": {:?}}}",
            e.to_string()
        )
    });
    s.push('\n');
    s
}

/// One model as a single JSON line (for `--out FILE.jsonl`).
pub fn render_line(model: &ModelReport) -> String {
    serde_json::to_string(model).unwrap_or_default()
}
