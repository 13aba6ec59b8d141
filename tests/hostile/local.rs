//! Local reads and the shell around them (items 7, 8, 10, 11, 12 and 13): a model folder never
//! leads isopen out of itself or into a read that never ends, a local audit sends nothing to a
//! hub unless asked, the cache keeps endpoints apart and says when it cannot be written, and a
//! token that cannot be sent is a usage error that never shows the token.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::support::fake_hub::FakeHub;
use crate::support::{isopen, json};

const SECRET: &str = "hf_abc\u{1}def_s3cr3t";

/// Item 13: a token with a control character (or a newline inside) is a usage error (exit 2)
/// before any request, from every source, and the message never shows the token.
#[test]
fn item13_a_token_with_a_control_character() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("token");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/local/plain-folder");
    for (how, value) in [
        ("--token", SECRET),
        ("HF_TOKEN", SECRET),
        ("HF_TOKEN", "hf_abc\ndef_s3cr3t"),
        ("HF_TOKEN_PATH", file.to_str().unwrap()),
    ] {
        let (mut cmd, _home) = isopen("http://127.0.0.1:9");
        cmd.args(["audit", "acme/plain-apache", folder, "--format", "json"]);
        match how {
            "--token" => cmd.args(["--token", value]),
            var => cmd.env(var, value),
        };
        let out = cmd.timeout(Duration::from_secs(60)).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{how}: {stderr}");
        assert!(stderr.contains("not a valid Hub token"), "{how}: {stderr}");
        assert!(
            !stderr.contains("s3cr3t"),
            "{how} leaks the token: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{how}: no report for a usage error");
    }
}

fn verdict(m: &Value) -> &str {
    m["commercial_use"]["verdict"].as_str().unwrap_or("?")
}

/// A hub root holding one model, `acme/plain-apache` as the fixtures have it (same commit),
/// with this LICENSE.
fn hub_with_license(license: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hub/models/acme/plain-apache");
    let dst = root.path().join("models/acme/plain-apache");
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
    }
    std::fs::write(dst.join("LICENSE"), license).unwrap();
    root
}

/// Item 7: two hubs answer for the same id at the same commit with different files; with one
/// cache directory, each audit reads its own hub's files, never the other's.
#[test]
fn item7_the_cache_keeps_endpoints_apart() {
    let apache = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/hub/models/acme/plain-apache/LICENSE"
    ))
    .unwrap();
    let root_a = hub_with_license(&apache);
    let root_b =
        hub_with_license("These weights may be used for non-commercial research purposes only.\n");
    let (hub_a, hub_b) = (FakeHub::start(root_a.path()), FakeHub::start(root_b.path()));
    let cache = tempfile::tempdir().unwrap();
    let audit = |hub: &FakeHub| {
        let (mut cmd, _home) = isopen(&hub.url);
        let out = cmd
            .args([
                "audit",
                "acme/plain-apache",
                "--format",
                "json",
                "--cache-dir",
            ])
            .arg(cache.path())
            .output()
            .unwrap();
        json(&out)["models"][0].clone()
    };
    let a = audit(&hub_a);
    assert_eq!(verdict(&a), "allowed", "{a:#}");
    let b = audit(&hub_b);
    assert_eq!(
        verdict(&b),
        "prohibited",
        "hub B was answered from hub A's cache: {b:#}"
    );
    assert!(
        hub_b
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/LICENSE")),
        "{:?}",
        hub_b.requests()
    );
    // Each hub's entries stay its own: a warm audit of A is still A's answer, from the cache.
    let before = hub_a.requests().len();
    let a2 = audit(&hub_a);
    assert_eq!(verdict(&a2), "allowed", "{a2:#}");
    assert!(
        hub_a.requests()[before..]
            .iter()
            .all(|r| !r.path.ends_with("/LICENSE")),
        "A's LICENSE is cached"
    );
}

/// Every file below `dir`, folders excluded.
fn files_below(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_below(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Item 12: a cache that cannot be written (a read-only folder, a path under a regular file, a
/// disk that fails the write) costs one warning a run naming the cache, never the audit, and
/// leaves no temporary file.
#[test]
fn item12_a_cache_that_cannot_be_written() {
    let hub = FakeHub::fixtures();
    let audit = |cache: &Path| {
        let (mut cmd, _home) = isopen(&hub.url);
        let out = cmd
            .args([
                "audit",
                "acme/plain-apache",
                "--format",
                "json",
                "--cache-dir",
            ])
            .arg(cache)
            .output()
            .unwrap();
        let m = json(&out)["models"][0].clone();
        assert_eq!(m["status"], "ok", "{m:#}");
        assert_eq!(verdict(&m), "allowed", "{m:#}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let warnings = |stderr: &str| stderr.matches("cannot write the cache").count();
    let tmp = tempfile::tempdir().unwrap();

    // Under a regular file: no folder can be made there, for root too.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let stderr = audit(&file.join("sub"));
    assert_eq!(warnings(&stderr), 1, "{stderr}");
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");

    // A read-only folder (root writes through it: then only the other cases count).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = tmp.path().join("read-only");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        if std::fs::write(ro.join("probe"), "x").is_err() {
            let stderr = audit(&ro);
            assert_eq!(warnings(&stderr), 1, "{stderr}");
            assert!(stderr.contains(&ro.display().to_string()), "{stderr}");
        } else {
            eprintln!("running as root: a read-only folder does not stop writes");
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    // Every entry's place taken by a folder: each write succeeds and its rename fails, four
    // times; one warning, and no temporary file left.
    let cache = tmp.path().join("cache");
    let stderr = audit(&cache);
    assert_eq!(warnings(&stderr), 0, "{stderr}");
    let entries = files_below(&cache);
    assert!(entries.len() >= 3, "{entries:?}");
    for e in &entries {
        std::fs::remove_file(e).unwrap();
        std::fs::create_dir_all(e.join("taken")).unwrap();
    }
    let stderr = audit(&cache);
    assert_eq!(warnings(&stderr), 1, "{stderr}");
    let left: Vec<_> = files_below(tmp.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
