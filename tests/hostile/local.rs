//! Local reads and the shell around them (items 7, 8, 10, 11, 12 and 13): a model folder never
//! leads isopen out of itself or into a read that never ends, a local audit sends nothing to a
//! hub unless asked, the cache keeps endpoints apart and says when it cannot be written, and a
//! token that cannot be sent is a usage error that never shows the token.

use crate::support::scenario::verdict;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::support::fake_hub::{FakeHub, TOKEN_APPROVED};
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
    let hub = FakeHub::fixtures();
    for (how, value) in [
        ("--token", SECRET),
        ("HF_TOKEN", SECRET),
        ("HF_TOKEN", "hf_abc\ndef_s3cr3t"),
        ("HF_TOKEN_PATH", file.to_str().unwrap()),
    ] {
        let (mut cmd, _home) = isopen(&hub.url);
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
    // Refused before any request: nothing was sent, let alone retried.
    assert!(hub.requests().is_empty(), "{:?}", hub.requests());
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

/// The token of item 8: valid, so it would be sent, and distinctive, so a leak is found.
const TOKEN: &str = "hf_LeakedSecretToken0123456789";

/// Writes `files` (path, body) under `dir`.
fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, body) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
}

/// Audits `dir` offline-style (an unreachable endpoint) with `HF_HOME` at `hf_home`, in each
/// format; the JSON report's model and everything printed in any format.
fn audit_everywhere(dir: &Path, hf_home: &Path) -> (Value, String) {
    let mut printed = String::new();
    let mut model = Value::Null;
    for format in ["json", "markdown", "table", "sarif", "cyclonedx"] {
        let (mut cmd, _home) = isopen("http://127.0.0.1:9");
        let out = cmd
            .env("HF_HOME", hf_home)
            .args(["audit", dir.to_str().unwrap(), "--format", format])
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        printed.push_str(&String::from_utf8_lossy(&out.stdout));
        printed.push_str(&String::from_utf8_lossy(&out.stderr));
        if format == "json" {
            model = json(&out)["models"][0].clone();
        }
    }
    (model, printed)
}

fn has_risk(m: &Value, code: &str) -> bool {
    crate::support::risk_codes(m).iter().any(|c| c == code)
}

const APACHE_CARD: &str = "---\nlicense: apache-2.0\n---\n# Model\n\nA model.\n";

/// Item 8: a license file or README that links out of the folder (to the token, to
/// `/etc/shadow`, out of a cache repository) is never read: nothing of the target is printed in
/// any format, and the file is evidence unread, so the verdict is not `allowed`. Links inside a
/// cache repository (into its `blobs/`) are still read.
#[cfg(unix)]
#[test]
fn item8_links_out_of_the_folder_are_never_read() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let hf_home = tmp.path().join("hf-home");
    std::fs::create_dir(&hf_home).unwrap();
    let token = hf_home.join("token");
    std::fs::write(&token, format!("{TOKEN}\n")).unwrap();
    let shadow_like = tmp.path().join("shadow");
    let shadow_secret = "root:$6$ShadowSaltSecret$HashHashHash:19000:0:99999:7:::";
    std::fs::write(&shadow_like, format!("{shadow_secret}\n")).unwrap();
    // The real /etc/shadow when this user can read it (as root).
    let etc_shadow = std::fs::read_to_string("/etc/shadow").ok();
    let mut targets = vec![("the token", token.clone()), ("a shadow file", shadow_like)];
    if etc_shadow.is_some() {
        targets.push(("/etc/shadow", "/etc/shadow".into()));
    }
    let secrets = |printed: &str| {
        let mut found: Vec<String> = [TOKEN, "ShadowSaltSecret"]
            .iter()
            .filter(|s| printed.contains(*s))
            .map(|s| s.to_string())
            .collect();
        for line in etc_shadow.iter().flat_map(|s| s.lines()) {
            // A user's hash field; the line's other fields are too common to search for.
            if let Some(hash) = line.split(':').nth(1).filter(|h| h.len() > 8)
                && printed.contains(hash)
            {
                found.push(hash.to_string());
            }
        }
        found
    };

    for (what, target) in &targets {
        for linked in ["LICENSE", "README.md"] {
            let dir = tmp.path().join(format!("model-{linked}-{}", what.len()));
            std::fs::create_dir(&dir).unwrap();
            if linked == "LICENSE" {
                write_files(&dir, &[("README.md", APACHE_CARD)]);
            }
            symlink(target, dir.join(linked)).unwrap();
            let (m, printed) = audit_everywhere(&dir, &hf_home);
            let found = secrets(&printed);
            assert!(found.is_empty(), "{linked} -> {what} leaks {found:?}");
            assert_eq!(m["status"], "ok", "{linked} -> {what}: {m:#}");
            assert_ne!(verdict(&m), "allowed", "{linked} -> {what}: {m:#}");
            assert!(has_risk(&m, "evidence-unread"), "{linked} -> {what}: {m:#}");
        }
    }

    // A folder linked out is not walked: its license file is neither read nor listed.
    let outside = tmp.path().join("outside-terms");
    write_files(&outside, &[("LICENSE", &format!("{TOKEN}\n"))]);
    let dir = tmp.path().join("model-dir-link");
    write_files(&dir, &[("README.md", APACHE_CARD)]);
    symlink(&outside, dir.join("terms")).unwrap();
    let (m, printed) = audit_everywhere(&dir, &hf_home);
    assert!(secrets(&printed).is_empty(), "{printed}");
    assert!(m["notes"].to_string().contains("link out"), "{m:#}");

    // A cache snapshot: links into its repository's blobs/ are read; a link out of the
    // repository is not.
    let sha = "7777777777777777777777777777777777777777";
    let repo = tmp.path().join("hub/models--acme--linked");
    let snap = repo.join("snapshots").join(sha);
    write_files(
        &repo,
        &[
            ("refs/main", sha),
            ("blobs/aaaa", APACHE_CARD),
            (
                "blobs/bbbb",
                "These weights may be used for non-commercial research purposes only.\n",
            ),
        ],
    );
    std::fs::create_dir_all(&snap).unwrap();
    symlink("../../blobs/aaaa", snap.join("README.md")).unwrap();
    symlink("../../blobs/bbbb", snap.join("LICENSE")).unwrap();
    let (m, _) = audit_everywhere(&snap, &hf_home);
    assert_eq!(verdict(&m), "prohibited", "blob links are read: {m:#}");
    assert!(!has_risk(&m, "evidence-unread"), "{m:#}");
    std::fs::remove_file(snap.join("LICENSE")).unwrap();
    symlink(&token, snap.join("LICENSE")).unwrap();
    for path in [snap.as_path(), repo.as_path()] {
        let (m, printed) = audit_everywhere(path, &hf_home);
        assert!(secrets(&printed).is_empty(), "{printed}");
        assert_ne!(verdict(&m), "allowed", "{m:#}");
        assert!(has_risk(&m, "evidence-unread"), "{m:#}");
    }
}

/// Item 10: folder links that loop, a FIFO named LICENSE or README.md, a token file that
/// never ends, and a folder over the file budget: every audit finishes, and what was not read
/// keeps the verdict from `allowed`.
#[cfg(unix)]
#[test]
fn item10_loops_fifos_and_budgets_never_hang() {
    use std::os::unix::fs::symlink;
    let limit = Duration::from_secs(30);
    let tmp = tempfile::tempdir().unwrap();
    let apache = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/hub/models/acme/plain-apache/LICENSE"
    ))
    .unwrap();
    let audit = |dir: &Path, envs: &[(&str, &str)]| {
        let (mut cmd, _home) = isopen("http://127.0.0.1:9");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let out = cmd
            .args(["audit", dir.to_str().unwrap(), "--format", "json"])
            .timeout(limit)
            .output()
            .unwrap();
        assert!(
            out.status.code().is_some(),
            "{} did not finish in {limit:?}",
            dir.display()
        );
        json(&out)["models"][0].clone()
    };

    // Ten links to the folder itself and ten up from a subfolder: each real folder is walked
    // once.
    let loops = tmp.path().join("loops");
    write_files(
        &loops,
        &[
            ("README.md", APACHE_CARD),
            ("LICENSE", &apache),
            ("sub/a.bin", "x"),
        ],
    );
    for i in 0..10 {
        symlink(".", loops.join(format!("self{i}"))).unwrap();
        symlink("..", loops.join("sub").join(format!("up{i}"))).unwrap();
    }
    let started = std::time::Instant::now();
    let m = audit(&loops, &[]);
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(verdict(&m), "allowed", "{m:#}");
    assert!(started.elapsed() < Duration::from_secs(20));

    // A FIFO where a license file or the card should be.
    for name in ["LICENSE", "README.md"] {
        let dir = tmp.path().join(format!("fifo-{name}"));
        std::fs::create_dir(&dir).unwrap();
        if name == "LICENSE" {
            write_files(&dir, &[("README.md", APACHE_CARD)]);
        } else {
            write_files(&dir, &[("LICENSE", &apache)]);
        }
        let made = std::process::Command::new("mkfifo")
            .arg(dir.join(name))
            .status()
            .unwrap();
        assert!(made.success());
        let m = audit(&dir, &[]);
        assert_eq!(m["status"], "ok", "{name}: {m:#}");
        assert_ne!(verdict(&m), "allowed", "{name}: {m:#}");
        assert!(has_risk(&m, "evidence-unread"), "{name}: {m:#}");
    }

    // A token file that never ends is not read (and the audit needs no token).
    let m = audit(
        Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/local/plain-folder"
        )),
        &[("HF_TOKEN_PATH", "/dev/zero")],
    );
    assert_eq!(m["status"], "ok", "{m:#}");

    // Past the file budget (20,000) and the depth bound, license files are still read.
    let many = tmp.path().join("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..20_100 {
        std::fs::write(many.join(format!("a{i:05}.bin")), "").unwrap();
    }
    let nc = "These weights may be used for non-commercial research purposes only.\n";
    write_files(
        &many,
        &[
            ("README.md", APACHE_CARD),
            ("LICENSE", &apache),
            ("zz/1/2/3/4/5/6/7/8/9/10/USE_POLICY.md", nc),
        ],
    );
    let m = audit(&many, &[]);
    assert_eq!(verdict(&m), "prohibited", "{:#}", m["risks"]);
}

/// Item 11: a local audit sends nothing to the hub — not for `base_model:`, not for
/// `datasets:`, not the token — unless `--lookups` asks; the base it did not look up keeps the
/// verdict from `allowed`. With `--lookups`, a card naming 3,000 datasets and 300 base models
/// costs at most 64 and 32 look-ups, and says so.
#[test]
fn item11_a_local_audit_sends_no_request_unless_asked() {
    let hub = FakeHub::fixtures();
    let tmp = tempfile::tempdir().unwrap();
    let audit = |dir: &Path, extra: &[&str]| {
        let (mut cmd, _home) = isopen(&hub.url);
        let out = cmd
            .env("HF_TOKEN", TOKEN_APPROVED)
            .env("ISOPEN_BACKOFF_MS", "1")
            .args(["audit", dir.to_str().unwrap(), "--format", "json"])
            .args(extra)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        json(&out)["models"][0].clone()
    };
    let card = "---\nlicense: apache-2.0\nbase_model: acme/plain-apache\ndatasets:\n- acme/open-corpus\n---\n# Model\n";
    let dir = tmp.path().join("derived");
    write_files(&dir, &[("README.md", card)]);

    for extra in [&[][..], &["--offline"][..]] {
        let m = audit(&dir, extra);
        assert!(hub.requests().is_empty(), "{extra:?}: {:?}", hub.requests());
        assert_eq!(m["status"], "ok", "{m:#}");
        assert_ne!(
            verdict(&m),
            "allowed",
            "{extra:?}: a base not looked up: {m:#}"
        );
        assert_eq!(m["lineage"][0]["status"], "error", "{:#}", m["lineage"]);
        assert!(m["datasets"][0]["error"].is_string(), "{:#}", m["datasets"]);
    }
    let m = audit(&dir, &[]);
    assert!(
        m["lineage"][0]["error"]
            .as_str()
            .unwrap()
            .contains("--lookups"),
        "{:#}",
        m["lineage"]
    );

    // Asked for, the look-ups are made.
    let m = audit(&dir, &["--lookups"]);
    assert_eq!(m["lineage"][0]["status"], "ok", "{:#}", m["lineage"]);
    assert_eq!(verdict(&m), "allowed", "{m:#}");
    let asked = hub.requests();
    assert!(
        asked
            .iter()
            .any(|r| r.path == "/api/models/acme/plain-apache"),
        "{asked:?}"
    );
    assert!(
        asked
            .iter()
            .any(|r| r.path == "/api/datasets/acme/open-corpus"),
        "{asked:?}"
    );

    // A card that names thousands: the look-ups are capped, and the rest are said.
    let before = hub.requests().len();
    let bases: String = (0..300).map(|i| format!("- acme/base-{i:03}\n")).collect();
    let datasets: String = (0..3000).map(|i| format!("- acme/data-{i:04}\n")).collect();
    let card =
        format!("---\nlicense: apache-2.0\nbase_model:\n{bases}datasets:\n{datasets}---\n# M\n");
    let dir = tmp.path().join("many-links");
    write_files(&dir, &[("README.md", &card)]);
    let m = audit(&dir, &["--lookups"]);
    let sent = &hub.requests()[before..];
    let models = sent
        .iter()
        .filter(|r| r.path.starts_with("/api/models/"))
        .count();
    let data = sent
        .iter()
        .filter(|r| r.path.starts_with("/api/datasets/"))
        .count();
    assert!(models <= 32, "{models} model look-ups");
    assert!(data <= 64, "{data} dataset look-ups");
    assert!(sent.len() <= 96, "{} requests", sent.len());
    assert_ne!(verdict(&m), "allowed", "{m:#}");
    let notes = m["notes"].to_string();
    assert!(notes.contains("were not looked up"), "{notes}");
    assert!(notes.contains("only the first 64"), "{notes}");
}
