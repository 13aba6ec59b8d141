//! Policies end to end: `policy init | check`, and the gate `--policy` sets on audits.

mod support;

use std::path::Path;

use serde_json::Value;
use support::fake_hub::FakeHub;
use support::{isopen, json};

fn policy(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/policies")
        .join(name)
        .display()
        .to_string()
}

fn audit(hub: &FakeHub, args: &[&str], today: &str) -> (Value, i32) {
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .env("ISOPEN_TODAY", today)
        .arg("audit")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    (json(&out), out.status.code().unwrap())
}

#[test]
fn init_writes_a_valid_starter_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    assert_eq!(
        cmd.current_dir(dir.path())
            .args(["policy", "init"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(0)
    );
    let file = dir.path().join("isopen.yaml");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("prohibited: deny")
            && written.contains("unknown: deny")
            && written.contains("conditional: warn")
    );
    std::fs::write(&file, "# mine\n").unwrap();
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    let out = cmd
        .current_dir(dir.path())
        .args(["policy", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# mine\n");

    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    let other = dir.path().join("team.yaml");
    cmd.args(["policy", "init"]).arg(&other).output().unwrap();
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    let out = cmd.args(["policy", "check"]).arg(&other).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid"));
}

#[test]
fn check_names_file_line_and_key() {
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    let out = cmd
        .args(["policy", "check", &policy("broken.yaml")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.yaml:4:16: invalid-value: commercial_use.conditional:"),
        "{err}"
    );
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    assert_eq!(
        cmd.args(["policy", "check", &policy("strict.yaml")])
            .output()
            .unwrap()
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn the_gate_follows_the_policy() {
    let hub = FakeHub::fixtures();
    let strict = policy("strict.yaml");
    // Conditional and gated, read with an approved token: warnings only.
    let (r, code) = audit(
        &hub,
        &[
            "acme/gated-llama",
            "--policy",
            &strict,
            "--token",
            support::fake_hub::TOKEN_APPROVED,
        ],
        "2026-11-30",
    );
    assert_eq!(code, 0, "{}", r["models"][0]["policy"]);
    assert_eq!(r["models"][0]["policy"]["outcome"], "warn");
    // Without the token its license file is not read: that is no pass.
    let (r, code) = audit(
        &hub,
        &["acme/gated-llama", "--policy", &strict],
        "2026-11-30",
    );
    assert_eq!(code, 1);
    assert!(
        r["models"][0]["policy"]
            .to_string()
            .contains("evidence-unread"),
        "{}",
        r["models"][0]["policy"]
    );
    assert!(
        !r["models"][0]["risks"]
            .to_string()
            .contains("not-osi-approved"),
        "switched off"
    );
    // Non-commercial with remote code, excepted until 2027-03-31.
    let (r, code) = audit(
        &hub,
        &["acme/pickle-only", "--policy", &strict],
        "2026-11-30",
    );
    assert_eq!(code, 0, "{}", r["models"][0]["policy"]);
    let remote = r["models"][0]["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "remote-code")
        .unwrap()
        .clone();
    assert_eq!(remote["severity"], "high", "the policy raised it");
    // The exception has expired by then.
    let (r, code) = audit(
        &hub,
        &["acme/pickle-only", "--policy", &strict],
        "2027-04-01",
    );
    assert_eq!(code, 1);
    let decisions = r["models"][0]["policy"]["decisions"].to_string();
    assert!(decisions.contains("expired on 2027-03-31"), "{decisions}");
    // A denied license id.
    let dir = tempfile::tempdir().unwrap();
    let deny = dir.path().join("deny.yaml");
    std::fs::write(&deny, "licenses:\n  deny: [apache-2.0]\n").unwrap();
    let (_, code) = audit(
        &hub,
        &["acme/plain-apache", "--policy", deny.to_str().unwrap()],
        "2026-11-30",
    );
    assert_eq!(code, 1);
    // The starter policy denies unknown terms.
    let starter = dir.path().join("starter.yaml");
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    cmd.args(["policy", "init"]).arg(&starter).output().unwrap();
    let (r, code) = audit(
        &hub,
        &["acme/custom-other", "--policy", starter.to_str().unwrap()],
        "2026-11-30",
    );
    assert_eq!(code, 1);
    assert_eq!(r["models"][0]["policy"]["outcome"], "deny");
}

#[test]
fn clarifications_pin_a_text_by_its_hash() {
    let hub = FakeHub::fixtures();
    let (r, _) = audit(&hub, &["acme/odd-license"], "2026-11-30");
    assert_eq!(r["models"][0]["commercial_use"]["verdict"], "unknown");
    let (r, code) = audit(
        &hub,
        &["acme/odd-license", "--policy", &policy("strict.yaml")],
        "2026-11-30",
    );
    let m = &r["models"][0];
    assert_eq!(m["license"]["id"], "mit");
    assert!(
        m["commercial_use"]["evidence"]
            .to_string()
            .contains("clarified by the policy")
    );
    assert_eq!(
        code, 0,
        "the linked LICENSE explains the card's license name: {}",
        m["policy"]
    );
    assert_eq!(m["commercial_use"]["verdict"], "allowed");
}
