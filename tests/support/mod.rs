//! Shared test support: the fake hub, the corpus location, and a command builder for the
//! binary that never touches the user's real token or cache.

#![allow(dead_code)]

pub mod fake_hub;
pub mod fake_links;
pub mod gguf;
pub mod ollama;
pub mod scenario;

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

/// The binary with a clean environment: no token, an empty HF_HOME, Ollama store and
/// ModelScope cache, the given endpoint for every source.
pub fn isopen(endpoint: &str) -> (Command, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::cargo_bin("isopen").expect("binary");
    cmd.env_remove("HF_TOKEN")
        .env_remove("HF_TOKEN_PATH")
        .env_remove("HF_HUB_OFFLINE")
        .env_remove("HF_HUB_CACHE")
        .env_remove("ISOPEN_LOG")
        .env_remove("COLUMNS")
        .env_remove("MODELSCOPE_API_TOKEN")
        .env_remove("MODELSCOPE_ENDPOINT")
        .env("HF_ENDPOINT", endpoint)
        // The fake hub serves the Ollama registry and ModelScope protocols too.
        .env("OLLAMA_REGISTRY", endpoint)
        .env("MODELSCOPE_DOMAIN", endpoint)
        .env("OLLAMA_MODELS", home.path().join("ollama"))
        .env("MODELSCOPE_CACHE", home.path().join("modelscope"))
        .env("HF_HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("NO_COLOR", "1");
    (cmd, home)
}

/// The path of a shortlist in `fixtures/shortlists/`.
pub fn shortlist(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/shortlists")
        .join(name)
        .display()
        .to_string()
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

/// The lines of a `--out` results file, each parsed as JSON (none when the file is missing).
pub fn jsonl(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l:?}: {e}")))
        .collect()
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

/// ScanCode's license database as `scripts/fetch-scancode.sh` lays it out (`licenses/`,
/// `rules/`), at `ISOPEN_SCANCODE` or `target/scancode`. Under `CI=true` a missing database
/// fails the test (`.ci/run` fetches it); elsewhere the caller skips those checks.
pub fn scancode() -> Option<PathBuf> {
    let dir = std::env::var_os("ISOPEN_SCANCODE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/scancode"));
    if dir.join("licenses/mit.LICENSE").is_file() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "ScanCode's license database is missing at {} (run scripts/fetch-scancode.sh)",
            dir.display()
        );
    }
    eprintln!(
        "skipping ScanCode texts: none at {} (run scripts/fetch-scancode.sh)",
        dir.display()
    );
    None
}

/// The text of a ScanCode `.LICENSE` or `.RULE` file, without its YAML header.
pub fn scancode_body(raw: &str) -> &str {
    let Some(rest) = raw.strip_prefix("---") else {
        return raw;
    };
    match rest.find("\n---") {
        Some(end) => rest[end + 4..].trim_start_matches(['\r', '\n']),
        None => raw,
    }
}

/// The full text of license `key` in ScanCode's database.
pub fn scancode_text(dir: &std::path::Path, key: &str) -> Option<String> {
    let raw = std::fs::read_to_string(dir.join("licenses").join(format!("{key}.LICENSE"))).ok()?;
    let body = scancode_body(&raw).to_string();
    (!body.trim().is_empty()).then_some(body)
}

/// The entries of the corpus's license manifest (`licenses/manifest.yaml`).
pub fn license_manifest(corpus: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(corpus.join("licenses/manifest.yaml"))
        .expect("the corpus manifest");
    let v: serde_json::Value = serde_saphyr::from_str(&text).expect("the manifest parses");
    v["licenses"].as_array().cloned().unwrap_or_default()
}
