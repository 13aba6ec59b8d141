//! The report formats for people and for tools: Markdown, SARIF 2.1.0, CycloneDX 1.6 ML-BOM, and
//! the JSON Schema of the report, which must match the committed one.

mod support;

use serde_json::Value;
use support::fake_hub::FakeHub;
use support::isopen;

fn render(hub: &FakeHub, format: &str, ids: &[&str]) -> String {
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .arg("audit")
        .args(ids)
        .args(["--format", format])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn markdown_for_a_ticket() {
    let hub = FakeHub::fixtures();
    let md = render(
        &hub,
        "markdown",
        &[
            "acme/plain-apache",
            "acme/llama-finetune-apache",
            "acme/does-not-exist",
        ],
    );
    assert!(md.starts_with("# isopen audit\n"));
    insta::assert_snapshot!("markdown", md);
}

#[test]
fn sarif_for_code_scanning() {
    let hub = FakeHub::fixtures();
    let v: Value = serde_json::from_str(&render(
        &hub,
        "sarif",
        &["acme/pickle-only", "acme/does-not-exist"],
    ))
    .unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "isopen");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .all(|r| rules.contains(&r["ruleId"].as_str().unwrap()))
    );
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "non-commercial" && r["level"] == "error")
    );
    assert!(results.iter().any(|r| r["ruleId"] == "audit-error"));
    let located = results
        .iter()
        .find(|r| r["ruleId"] == "unsafe-weight-format")
        .unwrap();
    assert_eq!(
        located["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "acme/pickle-only/pytorch_model.bin"
    );
}

#[test]
fn cyclonedx_ml_bom_with_declared_and_concluded_licenses() {
    let hub = FakeHub::fixtures();
    let v: Value =
        serde_json::from_str(&render(&hub, "cyclonedx", &["acme/llama-finetune-apache"])).unwrap();
    assert_eq!(
        (v["bomFormat"].as_str(), v["specVersion"].as_str()),
        (Some("CycloneDX"), Some("1.6"))
    );
    let c = &v["components"][0];
    assert_eq!(c["type"], "machine-learning-model");
    let lic = c["licenses"].as_array().unwrap();
    assert_eq!(lic[0]["license"]["name"], "apache-2.0");
    assert_eq!(lic[0]["license"]["acknowledgement"], "declared");
    assert_eq!(lic[1]["license"]["name"], "llama3.1");
    assert_eq!(lic[1]["license"]["acknowledgement"], "concluded");
    assert_eq!(
        c["pedigree"]["ancestors"][0]["name"],
        "meta-llama/Llama-3.1-8B-Instruct"
    );
}

#[test]
fn the_committed_json_schema_is_current() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/report.v1.schema.json");
    let current = isopen::report::json_schema();
    if std::env::var_os("ISOPEN_UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &current).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == current,
        "schema/report.v1.schema.json is stale: run `ISOPEN_UPDATE_SCHEMA=1 cargo test --test formats` and commit it"
    );
    let v: Value = serde_json::from_str(&current).unwrap();
    for key in ["schema", "models"] {
        assert!(v["properties"].get(key).is_some());
    }
}
