//! SARIF 2.1.0, for code scanning: one rule per risk code, one result per risk, located at the
//! file and line of its first evidence (`<model>/<file>`, percent-encoded as a URI).

use serde_json::{Value, json};

use super::{Report, Severity, Status};
use crate::vocab::{FoundAt, RiskCode};

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
                "properties": {"model": m.model, "kind": e.map(|e| e.kind)},
            }));
            if let Some(r) = results.last_mut() {
                at_code(r, &m.found_at);
            }
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
            if let Some(r) = results.last_mut() {
                at_code(r, &m.found_at);
            }
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

/// A model a scan found in code: its results are located at the lines that reference it, so
/// code scanning annotates them (the first place, the others as related locations); the
/// evidence stays in the properties.
fn at_code(result: &mut Value, found_at: &[FoundAt]) {
    let Some(first) = found_at.first() else {
        return;
    };
    let place = |f: &FoundAt| {
        json!({"physicalLocation": {
            "artifactLocation": {"uri": uri_path(&f.file), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": f.line, "startColumn": f.column},
        }})
    };
    result["locations"] = json!([place(first)]);
    if found_at.len() > 1 {
        result["relatedLocations"] = found_at[1..]
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut p = place(f);
                p["id"] = json!(i + 1);
                p["message"] =
                    json!({"text": format!("also referenced here ({})", f.form.as_str())});
                p
            })
            .collect();
    }
    result["properties"]["found_at"] = json!(found_at);
}

/// Percent-encodes a path for a URI (RFC 3986): the unreserved characters and `/` are kept,
/// every other byte of the UTF-8 (a space, `#`, `?`, `%`, `:`, non-ASCII) is `%XX`, so a model
/// id or a file name can neither break the URI nor turn into a fragment or a query.
fn uri_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `<model>/<file>`, percent-encoded; an absolute local path is a `file://` URI, so no reader
/// takes it for a path relative to the repository.
fn location(model: &str, file: Option<&str>, line: Option<usize>) -> Value {
    let path = match file {
        Some(f) => format!("{}/{f}", model.trim_end_matches('/')),
        None => model.to_string(),
    };
    let uri = if path.starts_with('/') {
        format!("file://{}", uri_path(&path))
    } else {
        uri_path(&path)
    };
    let mut physical = json!({"artifactLocation": {"uri": uri}});
    if let Some(l) = line {
        physical["region"] = json!({"startLine": l});
    }
    json!({"physicalLocation": physical})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        let at = |m: &str, f: Option<&str>| {
            location(m, f, None)["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(at("acme/x", Some("LICENSE")), "acme/x/LICENSE");
        assert_eq!(at("hf:acme/x@v2", None), "hf%3Aacme/x%40v2");
        assert_eq!(
            at("/tmp/my model #1 é/", Some("LICENSE.md")),
            "file:///tmp/my%20model%20%231%20%C3%A9/LICENSE.md"
        );
        assert_eq!(at("./m", Some("a?b%c")), "./m/a%3Fb%25c");
    }
}
