//! What real cards do not declare in their front matter: a `license_name` beside a `license`
//! that says something else, front matter after blank lines, terms stated in prose, bases named
//! only by tags, configs, prose or the model's name. Fixtures are written from the shapes of real
//! public cards (fixtures/hub/models/realworld/, fixtures/local/).

mod support;

use serde_json::Value;
use support::fake_hub::FakeHub;
use support::{json, risk_codes, run};

fn audit(id: &str) -> Value {
    let hub = FakeHub::fixtures();
    let out = run(&hub.url, &["audit", id, "--format", "json"]);
    json(&out)["models"][0].clone()
}

fn verdict(m: &Value) -> &str {
    m["commercial_use"]["verdict"].as_str().unwrap_or("?")
}

/// `license: apache-2.0` with `license_name: yi-license` and a card that asks for an e-mail
/// before commercial use: the name is read although `license` is not `other`, the two disagree,
/// and the verdict is the Yi license's, never `allowed`.
#[test]
fn a_license_name_beside_a_different_license_tag() {
    let m = audit("realworld/vision-apache-yi");
    assert_ne!(verdict(&m), "allowed", "{m:#}");
    let ids: Vec<&str> = m["license"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(ids.contains(&"yi-license"), "{ids:?}");
    let codes = risk_codes(&m);
    assert!(codes.iter().any(|c| c == "license-mismatch"), "{codes:?}");
    assert!(
        m["license"]["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "approval-required"),
        "{:#}",
        m["license"]
    );
}

/// Front matter after blank lines, as the Hub reads it, in a local folder (no cardData to fall
/// back on).
#[test]
fn front_matter_after_blank_lines() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/local/blank-line-card");
    let out = run(
        "http://127.0.0.1:9",
        &["audit", dir.to_str().unwrap(), "--format", "json"],
    );
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["license"]["id"], "cc-by-nc-4.0", "{m:#}");
    assert_eq!(verdict(&m), "prohibited");
}
