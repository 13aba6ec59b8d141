//! `isopen license identify | list | show` end to end.

mod support;

use support::{isopen, json, run};

#[test]
fn identify_prints_the_contract_and_names_the_corpus_texts() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let lic = corpus.join("licenses");
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    let out = cmd
        .arg("license")
        .arg("identify")
        .arg(lic.join("llama3.1.txt"))
        .arg(lic.join("tongyi-qianwen-research.txt"))
        .arg(lic.join("openmdw-1.1.txt"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out);
    assert_eq!(report["schema"], "isopen.identify.v1");
    let ids: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["llama3.1", "tongyi-qianwen-research", "openmdw-1.1"]);
    for f in report["files"].as_array().unwrap() {
        for key in ["file", "id", "name", "confidence", "evidence"] {
            assert!(f.get(key).is_some(), "{key} missing");
        }
        assert!(f["evidence"][0]["line"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn identify_table_and_unreadable_files() {
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    let out = cmd
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "license",
            "identify",
            "fixtures/hub/models/acme/plain-apache/LICENSE",
            "fixtures/hub/models/acme/gated-llama/LICENSE",
            "fixtures/hub/models/acme/pickle-only/modeling_acme.py",
            "no/such/file",
            "--format",
            "table",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "an unreadable file is an error");
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.lines().all(|l| l.chars().count() <= 100));
    insta::assert_snapshot!("identify_table", table);
}

#[test]
fn list_names_every_license_with_its_verdict() {
    let out = run(
        "http://127.0.0.1:9",
        &["license", "list", "--format", "json"],
    );
    let v = json(&out);
    let all = v["licenses"].as_array().unwrap();
    assert!(all.len() > 100);
    let find = |id: &str| {
        all.iter()
            .find(|l| l["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!(find("qwen-research")["verdict"], "prohibited");
    assert_eq!(find("llama3.1")["verdict"], "conditional");
    assert_eq!(find("apache-2.0")["verdict"], "allowed");
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    let table = String::from_utf8(
        cmd.args(["license", "list", "--format", "table"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(table.contains("llama3.1") && table.contains("licenses and policies"));
}

#[test]
fn show_by_id_or_alias() {
    let out = run(
        "http://127.0.0.1:9",
        &[
            "license",
            "show",
            "Llama 3.1 Community License",
            "--format",
            "table",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("show_llama31", String::from_utf8(out.stdout).unwrap());
    let out = run(
        "http://127.0.0.1:9",
        &["license", "show", "mistral-mnpl", "--format", "json"],
    );
    let v = json(&out);
    assert_eq!(v["verdict"], "prohibited");
    assert!(!v["sources"].as_array().unwrap().is_empty());
    let out = run(
        "http://127.0.0.1:9",
        &["license", "show", "no-such-license"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-license"));
}
