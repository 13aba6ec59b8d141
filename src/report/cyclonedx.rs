//! CycloneDX 1.6 ML-BOM: one `machine-learning-model` component per audited model, with the
//! declared license (what the card says) and the concluded one (what isopen established), the
//! base models and datasets as components it depends on, and the audit's findings as properties.

use serde_json::{Value, json};

use super::{ModelReport, Report, Status};

fn license(id: &str, spdx: Option<&str>, acknowledgement: &str) -> Value {
    match spdx {
        Some(s) => json!({"license": {"id": s, "acknowledgement": acknowledgement}}),
        None => json!({"license": {"name": id, "acknowledgement": acknowledgement}}),
    }
}

fn purl(model: &str) -> String {
    format!(
        "pkg:huggingface/{}",
        model.split('@').next().unwrap_or(model)
    )
}

fn component(m: &ModelReport) -> Value {
    let mut licenses = Vec::new();
    if let Some(l) = &m.license {
        if let Some(d) = &l.declared {
            licenses.push(license(d, None, "declared"));
        }
        if l.id != "unknown" {
            licenses.push(license(&l.id, l.spdx.as_deref(), "concluded"));
        }
    }
    let mut properties = vec![
        json!({"name": "isopen:status", "value": if m.status == Status::Ok { "ok" } else { "error" }}),
    ];
    if let Some(c) = &m.commercial_use {
        properties.push(json!({"name": "isopen:commercial_use", "value": c.verdict.as_str()}));
    }
    if let Some(w) = &m.weights {
        properties.push(json!({"name": "isopen:weights", "value": w.availability}));
    }
    if let Some(o) = &m.openness {
        properties.push(json!({"name": "isopen:osaid", "value": o.osaid}));
    }
    for r in &m.risks {
        properties
            .push(json!({"name": format!("isopen:risk:{}", r.code), "value": r.severity.as_str()}));
    }
    let datasets: Vec<Value> = m
        .datasets
        .iter()
        .map(|d| json!({"type": "dataset", "name": d.id, "contents": {"url": format!("https://huggingface.co/datasets/{}", d.id)}}))
        .collect();
    let mut c = json!({
        "type": "machine-learning-model",
        "bom-ref": purl(&m.model),
        "name": m.model,
        "purl": purl(&m.model),
        "licenses": licenses,
        "properties": properties,
        "modelCard": {
            "modelParameters": {"datasets": datasets},
            "considerations": {
                "useCases": m.commercial_use.as_ref().map(|c| c.conditions.clone()).unwrap_or_default(),
            },
        },
    });
    if let Some(rev) = &m.revision {
        c["version"] = json!(rev);
    }
    if !m.lineage.is_empty() {
        c["pedigree"] = json!({"ancestors": m.lineage.iter().map(|l| {
            let mut a = json!({"type": "machine-learning-model", "name": l.model, "purl": purl(&l.model)});
            if let Some(id) = &l.license {
                a["licenses"] = json!([license(id, None, "concluded")]);
            }
            a
        }).collect::<Vec<_>>()});
    }
    c
}

pub fn render(report: &Report) -> String {
    let bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "isopen", "version": env!("CARGO_PKG_VERSION")}]},
        },
        "components": report.models.iter().map(component).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&bom).unwrap_or_default();
    s.push('\n');
    s
}
