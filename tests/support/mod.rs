//! Shared test support: the fake hub, the corpus location, and a command builder for the
//! binary that never touches the user's real token or cache.

#![allow(dead_code)]

pub mod fake_hub;

use std::path::PathBuf;

use assert_cmd::Command;

/// `../shared/corpus` (or `ISOPEN_CORPUS`). Under `CI=true` a missing corpus fails the test;
/// elsewhere the caller skips with a message.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("ISOPEN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("licenses/manifest.yaml").is_file() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "the corpus is missing at {} (set ISOPEN_CORPUS)",
            dir.display()
        );
    }
    eprintln!("skipping: the corpus is missing at {}", dir.display());
    None
}

/// The binary with a clean environment: no token, an empty HF_HOME, the given endpoint.
pub fn isopen(endpoint: &str) -> (Command, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::cargo_bin("isopen").expect("binary");
    cmd.env_remove("HF_TOKEN")
        .env_remove("HF_TOKEN_PATH")
        .env_remove("HF_HUB_OFFLINE")
        .env_remove("HF_HUB_CACHE")
        .env_remove("ISOPEN_LOG")
        .env("HF_ENDPOINT", endpoint)
        .env("HF_HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("NO_COLOR", "1");
    (cmd, home)
}

/// The report's JSON from standard output.
pub fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The risk codes of one model's report.
pub fn risk_codes(m: &serde_json::Value) -> Vec<String> {
    m["risks"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs the binary with `args` against `endpoint`, in the clean environment of `isopen`.
pub fn run(endpoint: &str, args: &[&str]) -> std::process::Output {
    let (mut cmd, _home) = isopen(endpoint);
    cmd.args(args).output().expect("run isopen")
}
