//! SARIF 2.1.0, for code scanning: one rule per risk code, one result per risk, located at the
//! file and line of its first evidence (`<model>/<file>`).

use serde_json::{Value, json};

use super::{Report, Severity, Status};
use crate::vocab::RiskCode;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = RiskCode::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.code(),
                "shortDescription": {"text": c.description()},
                "defaultConfiguration": {"level": level(c.default_severity())},
            })
        })
        .chain(std::iter::once(json!({
            "id": "audit-error",
            "shortDescription": {"text": "the model could not be audited"},
            "defaultConfiguration": {"level": "error"},
        })))
        .collect();
    let mut results = Vec::new();
    for m in &report.models {
        if m.status == Status::Error {
            let e = m.error.as_ref();
            results.push(json!({
                "ruleId": "audit-error",
                "level": "error",
                "message": {"text": format!("{}: {}", m.model, e.map_or("", |e| e.message.as_str()))},
                "locations": [location(&m.model, None, None)],
                "properties": {"model": m.model, "kind": e.map(|e| e.kind.clone())},
            }));
            continue;
        }
        for r in &m.risks {
            let ev = r.evidence.first();
            results.push(json!({
                "ruleId": r.code,
                "level": level(r.severity),
                "message": {"text": format!("{}: {}", m.model, r.message)},
                "locations": [location(&m.model, ev.and_then(|e| e.file.as_deref()), ev.and_then(|e| e.line))],
                "properties": {
                    "model": m.model,
                    "severity": r.severity.as_str(),
                    "evidence": r.evidence,
                },
            }));
        }
    }
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "isopen",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/isopen/isopen",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    s.push('\n');
    s
}

fn location(model: &str, file: Option<&str>, line: Option<usize>) -> Value {
    let uri = match file {
        Some(f) => format!("{model}/{f}"),
        None => model.to_string(),
    };
    let mut physical = json!({"artifactLocation": {"uri": uri}});
    if let Some(l) = line {
        physical["region"] = json!({"startLine": l});
    }
    json!({"physicalLocation": physical})
}
