//! `isopen audit` end to end: the binary against the in-process fake hub serving fixtures/.

mod support;

use serde_json::Value;
use support::fake_hub::{FakeHub, Fault, TOKEN_APPROVED, TOKEN_PENDING, count};
use support::{isopen, json, risk_codes, run};

/// Audits one fixture model as JSON and returns its report (and the hub, for its request log).
fn audit_one(id: &str) -> (Value, FakeHub) {
    let hub = FakeHub::fixtures();
    let out = run(&hub.url, &["audit", id, "--format", "json"]);
    let m = json(&out)["models"][0].clone();
    (m, hub)
}

fn model(report: &Value, i: usize) -> &Value {
    &report["models"][i]
}

#[test]
fn plain_model_json_and_table() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &["audit", "acme/plain-apache", "--format", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    insta::assert_json_snapshot!("plain_model_json", report);
    let m = model(&report, 0);
    assert_eq!(m["status"], "ok");
    assert_eq!(m["license"]["id"], "apache-2.0");
    assert_eq!(m["weights"]["availability"], "open");
    // The model info, README, LICENSE and the one dataset the card names: four requests.
    assert_eq!(hub.requests().len(), 4, "{:?}", hub.requests());

    let out = run(
        &hub.url,
        &["audit", "acme/plain-apache", "--format", "table"],
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.lines().all(|l| l.chars().count() <= 100), "{table}");
    insta::assert_snapshot!("plain_model_table", table);
}

#[test]
fn every_field_of_the_contract_is_present() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "acme/plain-apache",
            "acme/does-not-exist",
            "--format",
            "json",
        ],
    );
    let report = json(&out);
    assert_eq!(report["schema"], "isopen.report.v1");
    for m in report["models"].as_array().unwrap() {
        for key in [
            "model",
            "source",
            "revision",
            "status",
            "error",
            "license",
            "commercial_use",
            "weights",
            "datasets",
            "lineage",
            "openness",
            "risks",
        ] {
            assert!(m.get(key).is_some(), "{key} missing in {m}");
        }
    }
    let ok = model(&report, 0);
    for key in [
        "id",
        "name",
        "spdx",
        "declared",
        "confidence",
        "osi_approved",
        "sources",
    ] {
        assert!(ok["license"].get(key).is_some(), "license.{key} missing");
    }
    for key in ["verdict", "conditions", "obligations", "evidence"] {
        assert!(
            ok["commercial_use"].get(key).is_some(),
            "commercial_use.{key} missing"
        );
    }
    for key in ["availability", "gating", "formats", "parameters", "bytes"] {
        assert!(ok["weights"].get(key).is_some(), "weights.{key} missing");
    }
    for key in ["osaid", "reasons", "mof_class"] {
        assert!(ok["openness"].get(key).is_some(), "openness.{key} missing");
    }
}

#[test]
fn gated_model_without_a_token() {
    let hub = FakeHub::fixtures();
    let out = run(&hub.url, &["audit", "acme/gated-llama", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out);
    insta::assert_json_snapshot!("gated_without_token", report);
    let m = model(&report, 0);
    assert_eq!(m["weights"]["availability"], "gated");
    assert_eq!(m["weights"]["gating"], "manual");
    assert_eq!(m["license"]["id"], "llama3.1");
    assert_eq!(m["commercial_use"]["verdict"], "conditional");
    assert!(risk_codes(m).contains(&"weights-gated".to_string()));
    let risks = m["risks"].to_string();
    assert!(risks.contains("LICENSE could not be read"), "{risks}");
    assert!(hub.requests().iter().all(|r| r.authorization.is_none()));
}

#[test]
fn gated_model_with_a_token_reads_the_files_and_never_prints_it() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "acme/gated-llama",
            "--format",
            "json",
            "-vv",
            "--token",
            TOKEN_APPROVED,
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stdout.contains(TOKEN_APPROVED) && !stderr.contains(TOKEN_APPROVED));
    let report = json(&out);
    let m = model(&report, 0);
    let sources = m["license"]["sources"].as_array().unwrap();
    assert!(
        sources
            .iter()
            .any(|s| s["kind"] == "license-file" && s["id"] == "llama3.1"),
        "{sources:?}"
    );
    assert!(!m["notes"].to_string().contains("could not be read"));
    let expected = format!("Bearer {TOKEN_APPROVED}");
    assert!(
        hub.requests()
            .iter()
            .all(|r| r.authorization.as_deref() == Some(expected.as_str()))
    );
}

#[test]
fn token_from_the_environment_and_the_token_file() {
    let hub = FakeHub::fixtures();
    let (mut cmd, _home) = isopen(&hub.url);
    cmd.env("HF_TOKEN", TOKEN_APPROVED)
        .args(["audit", "acme/private-model", "--format", "json"]);
    assert_eq!(cmd.output().unwrap().status.code(), Some(0));

    let (mut cmd, home) = isopen(&hub.url);
    std::fs::write(home.path().join("token"), format!("{TOKEN_APPROVED}\n")).unwrap();
    let out = cmd
        .args(["audit", "acme/private-model", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(json(&out)["models"][0]["status"], "ok");
}

#[test]
fn gated_model_with_an_unapproved_token() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "acme/gated-llama",
            "--format",
            "json",
            "--token",
            TOKEN_PENDING,
        ],
    );
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["status"], "ok");
    assert!(m["risks"].to_string().contains("gated"), "{}", m["risks"]);
    assert!(risk_codes(&m).iter().any(|c| c == "evidence-unread"));
    assert_ne!(m["commercial_use"]["verdict"], "allowed");
}

#[test]
fn missing_and_private_models_are_errors_and_the_batch_goes_on() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "acme/does-not-exist",
            "acme/private-model",
            "acme/plain-apache",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    insta::assert_json_snapshot!("missing_model", model(&report, 0));
    assert_eq!(model(&report, 0)["error"]["kind"], "not-found");
    assert_eq!(model(&report, 1)["error"]["kind"], "not-found");
    assert_eq!(model(&report, 2)["status"], "ok");
}

#[test]
fn an_invalid_token_is_unauthorized() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "acme/plain-apache",
            "--format",
            "json",
            "--token",
            "hf_wrong",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["error"]["kind"], "unauthorized");
    assert!(!m.to_string().contains("hf_wrong"));
}

#[test]
fn success_after_a_500_and_a_cut_body() {
    let hub = FakeHub::fixtures();
    hub.fault("/api/models/acme/plain-apache", Fault::Status(500), 1);
    hub.fault("/api/models/acme/plain-apache", Fault::Truncate, 1);
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .env("ISOPEN_BACKOFF_MS", "10")
        .args(["audit", "acme/plain-apache", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["models"][0]["license"]["id"], "apache-2.0");
    assert_eq!(count(&hub.requests(), "/api/models/"), 3);
}

/// A server that asks to be left alone for longer than the request's retry budget is not
/// asked again early: one request, a rate-limited error that says how long the server asked
/// for. (That a shorter `Retry-After` holds every request to the host until it has passed is
/// tested on the limiter with paused time, with no real wait.)
#[test]
fn a_retry_after_beyond_the_budget_is_not_cut_short() {
    let hub = FakeHub::fixtures();
    hub.fault(
        "/api/models/acme/plain-apache",
        Fault::RateLimit { retry_after: 3600 },
        1,
    );
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .env("ISOPEN_BACKOFF_MS", "10")
        .args(["audit", "acme/plain-apache", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["error"]["kind"], "rate-limited", "{m:#}");
    let message = m["error"]["message"].as_str().unwrap();
    assert!(message.contains("asks to wait 3600 s"), "{message}");
    assert_eq!(count(&hub.requests(), "/api/models/"), 1);
}

#[test]
fn a_server_that_keeps_failing_is_a_bounded_error() {
    let hub = FakeHub::fixtures();
    hub.fault("/api/models/acme/plain-apache", Fault::Status(503), 100);
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .env("ISOPEN_BACKOFF_MS", "5")
        .args(["audit", "acme/plain-apache", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["error"]["kind"], "network");
    assert!(
        m["error"]["message"]
            .as_str()
            .unwrap()
            .contains("after 5 attempts")
    );
    assert_eq!(count(&hub.requests(), "/api/models/"), 5);
}

#[test]
fn renamed_repos_follow_the_redirect() {
    let (m, _hub) = audit_one("acme/old-name");
    assert_eq!(m["status"], "ok", "{m}");
    assert_eq!(m["model"], "acme/old-name");
    assert!(m["notes"].to_string().contains("acme/renamed-model"));
    assert_eq!(m["commercial_use"]["verdict"], "prohibited");
}

#[test]
fn broken_front_matter_falls_back_to_card_data() {
    let (m, _hub) = audit_one("acme/broken-card");
    assert_eq!(m["status"], "ok");
    assert_eq!(m["license"]["declared"], "mit");
    assert!(
        m["notes"].to_string().contains("not valid YAML"),
        "{}",
        m["notes"]
    );
}

#[test]
fn a_huge_readme_is_truncated_not_read_whole() {
    let hub = FakeHub::fixtures();
    hub.fault("/acme/huge-card/resolve/", Fault::Huge(50 * 1024 * 1024), 1);
    let out = run(&hub.url, &["audit", "acme/huge-card", "--format", "json"]);
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["status"], "ok");
    assert!(
        m["risks"]
            .to_string()
            .contains("README.md was read only in part: truncated"),
        "{}",
        m["risks"]
    );
    assert_eq!(m["license"]["declared"], "mit");
    assert_eq!(m["commercial_use"]["verdict"], "unknown");
}

#[test]
fn hostile_refs_are_rejected_before_any_request() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "hf:../etc/passwd",
            "acme/x\u{7}",
            "https://evil.example/x",
            "acme//x",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    for m in report["models"].as_array().unwrap() {
        assert_eq!(m["error"]["kind"], "invalid-ref", "{m}");
    }
    assert!(hub.requests().is_empty());
}

#[test]
fn pickle_weights_and_remote_code_are_risks() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "acme/pickle-only",
            "--format",
            "json",
            "--fail-on",
            "high",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "non-commercial is a high risk, so the gate fails"
    );
    let m = json(&out)["models"][0].clone();
    let codes = risk_codes(&m);
    for c in ["unsafe-weight-format", "remote-code", "non-commercial"] {
        assert!(codes.contains(&c.to_string()), "{c} missing from {codes:?}");
    }
    assert_eq!(m["commercial_use"]["verdict"], "prohibited");
}

#[test]
fn no_license_anywhere() {
    let (m, _hub) = audit_one("acme/no-license");
    assert_eq!(m["license"]["id"], "unknown");
    assert_eq!(m["commercial_use"]["verdict"], "unknown");
    let codes = risk_codes(&m);
    assert!(
        codes.contains(&"license-missing".to_string())
            && codes.contains(&"weights-absent".to_string()),
        "{codes:?}"
    );
}

#[test]
fn a_llama_fine_tune_tagged_apache_is_not_allowed() {
    let (m, _hub) = audit_one("acme/llama-finetune-apache");
    assert_eq!(m["license"]["id"], "llama3.1");
    assert_eq!(m["license"]["declared"], "apache-2.0");
    assert_eq!(m["commercial_use"]["verdict"], "conditional");
    assert!(risk_codes(&m).contains(&"license-mismatch".to_string()));
    assert_eq!(m["lineage"][0]["model"], "meta-llama/Llama-3.1-8B-Instruct");
}

#[test]
fn a_local_folder_needs_no_network() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/local/plain-folder");
    let out = run(
        "http://127.0.0.1:9",
        &["audit", dir.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["source"], "local");
    assert_eq!(m["license"]["id"], "apache-2.0");
    assert_eq!(m["weights"]["formats"], serde_json::json!(["safetensors"]));
}

/// Builds `models--acme--cached/{refs/main, blobs/, snapshots/<sha>/}` with symlinks, as the
/// Hugging Face cache does.
fn hf_cache(root: &std::path::Path) -> std::path::PathBuf {
    let sha = "9999999999999999999999999999999999999999";
    let repo = root.join("models--acme--cached");
    std::fs::create_dir_all(repo.join("blobs")).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    let snap = repo.join("snapshots").join(sha);
    std::fs::create_dir_all(&snap).unwrap();
    std::fs::write(repo.join("refs/main"), sha).unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/hub/models/acme/pickle-only");
    for (name, blob) in [("README.md", "aaaa"), ("modeling_acme.py", "bbbb")] {
        std::fs::copy(src.join(name), repo.join("blobs").join(blob)).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(format!("../../blobs/{blob}"), snap.join(name)).unwrap();
        #[cfg(not(unix))]
        std::fs::copy(src.join(name), snap.join(name)).unwrap();
    }
    snap
}

#[test]
fn a_hugging_face_cache_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = hf_cache(tmp.path());
    let out = run(
        "http://127.0.0.1:9",
        &["audit", snap.to_str().unwrap(), "--format", "json"],
    );
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["status"], "ok", "{m}");
    assert_eq!(m["revision"], "9999999999999999999999999999999999999999");
    assert_eq!(m["commercial_use"]["verdict"], "prohibited");
    assert!(risk_codes(&m).contains(&"remote-code".to_string()));

    // Offline, a Hub id is read from the cache; one that is not cached fails clearly.
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    let out = cmd
        .env("HF_HUB_CACHE", tmp.path())
        .env("HF_HUB_OFFLINE", "1")
        .args([
            "audit",
            "acme/cached",
            "acme/not-cached",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report = json(&out);
    assert_eq!(model(&report, 0)["status"], "ok");
    assert_eq!(model(&report, 0)["commercial_use"]["verdict"], "prohibited");
    assert_eq!(model(&report, 1)["error"]["kind"], "offline");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    assert_eq!(cmd.args(["audit"]).output().unwrap().status.code(), Some(2));
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    assert_eq!(
        cmd.args(["audit", "a/b", "--format", "yaml"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_gate_form_that_contradicts_the_tag() {
    let (m, _hub) = audit_one("acme/gate-conflict");
    assert_eq!(m["commercial_use"]["verdict"], "prohibited");
    let codes = risk_codes(&m);
    assert!(
        codes.contains(&"gate-terms-conflict".to_string()),
        "{codes:?}"
    );
    let risk = m["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "gate-terms-conflict")
        .unwrap();
    assert_eq!(risk["evidence"][0]["file"], "extra_gated_fields");
}

#[test]
fn a_card_license_section_that_restricts_the_tag() {
    let (m, _hub) = audit_one("acme/card-says-nc");
    assert_eq!(m["commercial_use"]["verdict"], "prohibited");
    let risk = m["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "license-mismatch")
        .expect("mismatch");
    assert_eq!(risk["evidence"][0]["file"], "README.md");
    assert_eq!(risk["evidence"][0]["line"], 12, "{risk}");
}

#[test]
fn license_names_from_the_card_and_unknown_custom_terms() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "acme/qwen-research-named",
            "acme/custom-other",
            "--format",
            "json",
        ],
    );
    let report = json(&out);
    let q = model(&report, 0);
    assert_eq!(q["license"]["id"], "qwen-research");
    assert_eq!(q["license"]["declared"], "qwen-research");
    assert_eq!(q["commercial_use"]["verdict"], "prohibited");
    let c = model(&report, 1);
    assert_eq!(c["license"]["id"], "unknown");
    assert_eq!(c["commercial_use"]["verdict"], "unknown");
    assert!(risk_codes(c).contains(&"license-unrecognized".to_string()));
}

#[test]
fn a_redirect_loop_is_a_bounded_error() {
    let hub = FakeHub::fixtures();
    hub.fault(
        "/api/models/acme/plain-apache",
        Fault::Redirect("/api/models/acme/plain-apache?blobs=true".into()),
        100,
    );
    let out = run(
        &hub.url,
        &["audit", "acme/plain-apache", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(2));
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["error"]["kind"], "bad-response", "{m}");
    assert!(
        count(&hub.requests(), "/api/models/") <= 7,
        "redirects are bounded"
    );
}
