//! CycloneDX 1.6 ML-BOM: one `machine-learning-model` component per audited model, with the
//! declared license (what the card says) and the concluded one (what isopen established), the
//! base models and datasets as components it depends on, and the audit's findings as properties.
//!
//! A Hub model is identified by the package URL spec's `huggingface` type,
//! `pkg:huggingface/<org>/<name>@<commit>` (the commit lowercased, each part percent-encoded);
//! a local folder has no package URL — its path says where it sits on one machine, not what it
//! is, and would leak the machine's layout into a shared BOM — only its folder name and a
//! `bom-ref`. Each BOM has a `serialNumber` (a random-looking version 4 UUID, derived from the
//! content and the time: no two BOMs share one) and a `metadata.timestamp` (RFC 3339, UTC).

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{LineageStatus, ModelReport, Report, Source, Status};
use crate::vocab::Date;

fn license(id: &str, spdx: Option<&str>, acknowledgement: &str) -> Value {
    match spdx {
        Some(s) => json!({"license": {"id": s, "acknowledgement": acknowledgement}}),
        None => json!({"license": {"name": id, "acknowledgement": acknowledgement}}),
    }
}

/// Percent-encodes one purl component: only the unreserved characters stay.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `(namespace, name)` of a Hub id as a report writes it (`org/name`, `hf:org/name@rev`, or a
/// bare legacy `name`); `None` for anything else (a path, a family name with spaces).
fn hub_id(model: &str) -> Option<(Option<&str>, &str)> {
    let id = model.strip_prefix("hf:").unwrap_or(model);
    let id = id.split('@').next().unwrap_or(id);
    let part = |p: &str| {
        !p.is_empty()
            && !p.starts_with('.')
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match id.split_once('/') {
        Some((org, name)) if part(org) && part(name) => Some((Some(org), name)),
        None if part(id) => Some((None, id)),
        _ => None,
    }
}

/// The package URL of a Hub model, pinned to `commit` when known.
fn purl(model: &str, commit: Option<&str>) -> Option<String> {
    let (org, name) = hub_id(model)?;
    let mut p = String::from("pkg:huggingface/");
    if let Some(org) = org {
        p.push_str(&encode(org));
        p.push('/');
    }
    p.push_str(&encode(name));
    if let Some(c) = commit.filter(|c| !c.is_empty()) {
        p.push('@');
        p.push_str(&encode(&c.to_ascii_lowercase()));
    }
    Some(p)
}

/// A local folder's name, without the path that leads to it.
fn folder_name(path: &str) -> String {
    let trimmed = path.trim_end_matches(['/', '\\']);
    let name = trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed);
    if name.is_empty() || name == "." || name == ".." || name == "~" {
        "local-model".to_string()
    } else {
        name.to_string()
    }
}

fn component(m: &ModelReport, refs: &mut HashSet<String>) -> Value {
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
    // `isopen scan`: where the codebase references the model, `file:line:column (form)`.
    for f in &m.found_at {
        properties.push(json!({
            "name": "isopen:found_at",
            "value": format!("{}:{}:{} ({})", f.file, f.line, f.column, f.form.as_str()),
        }));
    }
    let datasets: Vec<Value> = m
        .datasets
        .iter()
        .map(|d| {
            let path: Vec<String> = d.id.split('/').map(encode).collect();
            json!({"type": "dataset", "name": d.id, "contents": {"url": format!("https://huggingface.co/datasets/{}", path.join("/"))}})
        })
        .collect();
    let local = m.source == Source::Local;
    let own = (!local)
        .then(|| purl(&m.model, m.revision.as_deref()))
        .flatten();
    let name = if local {
        folder_name(&m.model)
    } else {
        m.model.clone()
    };
    let base_ref = own
        .clone()
        .unwrap_or_else(|| format!("{}:{name}", m.source.as_str()));
    // bom-refs are unique in a BOM: a model listed twice gets a numbered second one.
    let mut bom_ref = base_ref.clone();
    let mut n = 1;
    while !refs.insert(bom_ref.clone()) {
        n += 1;
        bom_ref = format!("{base_ref}#{n}");
    }
    let mut c = json!({
        "type": "machine-learning-model",
        "bom-ref": bom_ref,
        "name": name,
        "licenses": licenses,
        "properties": properties,
        "modelCard": {
            "modelParameters": {"datasets": datasets},
            "considerations": {
                "useCases": m.commercial_use.as_ref().map(|c| c.conditions.clone()).unwrap_or_default(),
            },
        },
    });
    if let Some(p) = own {
        c["purl"] = json!(p);
    }
    if let Some(rev) = &m.revision {
        c["version"] = json!(rev);
    }
    if !m.lineage.is_empty() {
        c["pedigree"] = json!({"ancestors": m.lineage.iter().map(|l| {
            let mut a = json!({"type": "machine-learning-model", "name": l.model});
            // A base given as a local path is never a package.
            if let Some(p) = purl(&l.model, None).filter(|_| l.status != LineageStatus::Unresolvable) {
                a["purl"] = json!(p);
            }
            if let Some(id) = &l.license {
                a["licenses"] = json!([license(id, None, "concluded")]);
            }
            a
        }).collect::<Vec<_>>()});
    }
    c
}

/// The BOM of `report`, made now.
pub fn render(report: &Report) -> String {
    render_at(report, SystemTime::now())
}

/// The BOM of `report`, made at `at`.
pub fn render_at(report: &Report, at: SystemTime) -> String {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let mut refs = HashSet::new();
    let components: Vec<Value> = report
        .models
        .iter()
        .map(|m| component(m, &mut refs))
        .collect();
    let body = serde_json::to_vec(&components).unwrap_or_default();
    let bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial_number(&body, since.as_nanos()),
        "version": 1,
        "metadata": {
            "timestamp": timestamp(since.as_secs()),
            "tools": {"components": [{"type": "application", "name": "isopen", "version": env!("CARGO_PKG_VERSION")}]},
        },
        "components": components,
    });
    let mut s = serde_json::to_string_pretty(&bom).unwrap_or_default();
    s.push('\n');
    s
}

/// `urn:uuid:` and a version 4 UUID from a hash of the content, the time, the process and a
/// counter: unique without a source of randomness or a new dependency.
fn serial_number(content: &[u8], nanos: u128) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = Sha256::new();
    h.update(content);
    h.update(nanos.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // the RFC 4122 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Seconds since 1970 as RFC 3339 in UTC (`2026-11-30T08:05:09Z`).
fn timestamp(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rest = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        Date::from_days(days),
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_models_have_a_pinned_purl_and_local_folders_none() {
        assert_eq!(
            purl("hf:Acme/My.Model@v2", Some("ABCDEF0123")).as_deref(),
            Some("pkg:huggingface/Acme/My.Model@abcdef0123")
        );
        assert_eq!(purl("gpt2", None).as_deref(), Some("pkg:huggingface/gpt2"));
        assert_eq!(purl("../models/base", None), None);
        assert_eq!(purl("/abs/org/name", None), None);
        assert_eq!(purl("Llama 3", None), None);
        assert_eq!(folder_name("/home/me/models/my-model/"), "my-model");
    }

    #[test]
    fn serial_numbers_are_v4_uuids_and_timestamps_rfc3339() {
        let a = serial_number(b"x", 1);
        let b = serial_number(b"x", 1);
        assert_ne!(a, b);
        let uuid = a.strip_prefix("urn:uuid:").unwrap();
        let parts: Vec<&str> = uuid.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"));
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(1_796_025_909), "2026-11-30T08:05:09Z");
    }
}
