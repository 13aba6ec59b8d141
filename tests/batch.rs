//! `isopen batch` end to end: shortlist formats, the results file, resume, interruption, and a
//! batch in which a tenth of the models fail.

mod support;

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use support::fake_hub::{FakeHub, Fault};
use support::{isopen, json, jsonl, run};

fn shortlist(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/shortlists")
        .join(name)
        .display()
        .to_string()
}

fn models(report: &Value) -> Vec<String> {
    report["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["model"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_shortlist_format_in_input_order() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &["batch", &shortlist("shortlist.txt"), "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(2), "one model is missing");
    let r = json(&out);
    assert_eq!(
        models(&r),
        [
            "acme/plain-apache",
            "acme/gated-llama",
            "acme/llama-finetune-apache",
            "acme/does-not-exist"
        ]
    );
    assert_eq!(r["models"][3]["error"]["kind"], "not-found");

    let (mut cmd, _home) = isopen(&hub.url);
    let r = json(
        &cmd.args(["batch", &shortlist("shortlist.yaml"), "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(
        models(&r),
        ["acme/plain-apache", "acme/gated-llama", "acme/pickle-only"]
    );
    assert_eq!(r["models"][1]["owner"], "assistant-team");

    let (mut cmd, _home) = isopen(&hub.url);
    let r = json(
        &cmd.args(["batch", &shortlist("shortlist.csv"), "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(r["models"][1]["note"], "classifier, v2");
}

#[test]
fn the_summary_matrix() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &["batch", &shortlist("shortlist.txt"), "--format", "table"],
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.lines().all(|l| l.chars().count() <= 100), "{table}");
    insta::assert_snapshot!("batch_summary", table);
}

#[test]
fn bad_shortlists_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("s.csv");
    std::fs::write(&bad, "name\norg/a\n").unwrap();
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    let out = cmd.arg("batch").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("s.csv:1") && err.contains("model"), "{err}");
}

#[test]
fn results_file_and_resume() {
    let hub = FakeHub::fixtures();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("audit.jsonl");
    let (mut cmd, _home) = isopen(&hub.url);
    cmd.args([
        "batch",
        &shortlist("shortlist.yaml"),
        "--format",
        "json",
        "--out",
    ])
    .arg(&out_file);
    let first = json(&cmd.output().unwrap());
    assert_eq!(jsonl(&out_file).len(), 3);

    // A crash left half a line behind: it is dropped and that model audited again.
    let text = std::fs::read_to_string(&out_file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(
        &out_file,
        format!("{}\n{}\n{}", lines[0], lines[1], &lines[2][..40]),
    )
    .unwrap();
    let before = hub.requests().len();
    let (mut cmd, _home) = isopen(&hub.url);
    cmd.args([
        "batch",
        &shortlist("shortlist.yaml"),
        "--format",
        "json",
        "--resume",
        "--out",
    ])
    .arg(&out_file);
    let second = json(&cmd.output().unwrap());
    let written = jsonl(&out_file);
    assert_eq!(written.len(), 3, "nothing lost, nothing duplicated");
    let ids: HashSet<&str> = written
        .iter()
        .map(|m| m["model"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(models(&second), models(&first));
    // Only the model whose line was cut is fetched again (lines are in completion order).
    let cut = lines[2].split('"').nth(3).unwrap().to_string();
    let fetched: Vec<String> = hub.requests()[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert!(
        fetched.contains(&format!("/api/models/{cut}")),
        "{fetched:?}"
    );
    for id in models(&first).iter().filter(|m| **m != cut) {
        assert!(
            !fetched.contains(&format!("/api/models/{id}")),
            "{id} fetched again: {fetched:?}"
        );
    }

    // Everything done: a resume fetches nothing.
    let before = hub.requests().len();
    let (mut cmd, _home) = isopen(&hub.url);
    cmd.args([
        "batch",
        &shortlist("shortlist.yaml"),
        "--format",
        "json",
        "--resume",
        "--out",
    ])
    .arg(&out_file);
    assert_eq!(json(&cmd.output().unwrap())["models"], first["models"]);
    assert_eq!(hub.requests().len(), before);
}

/// A fake hub of `n` simple models, the first of every ten broken in its own way.
fn flaky_hub(n: usize) -> (FakeHub, tempfile::TempDir, Vec<String>) {
    let root = tempfile::tempdir().unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let id = format!("bulk/model-{i:03}");
        let dir = root.path().join("models").join(&id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("README.md"),
            "---\nlicense: mit\n---\n# Bulk model\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("_hub.yaml"),
            "gated: false\nfiles:\n  - {path: model.safetensors, size: 1000}\n",
        )
        .unwrap();
        ids.push(id);
    }
    let hub = FakeHub::start(root.path());
    for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 10 == 0) {
        let api = format!("/api/models/{id}");
        match (i / 10) % 4 {
            0 => std::fs::remove_dir_all(root.path().join("models").join(id)).unwrap(),
            1 => hub.fault(&api, Fault::Status(500), 1000),
            2 => hub.fault(&api, Fault::Truncate, 1000),
            _ => hub.fault(&api, Fault::RateLimit { retry_after: 0 }, 1000),
        }
    }
    (hub, root, ids)
}

#[test]
fn a_tenth_of_the_models_fail_and_the_rest_are_audited() {
    let (hub, _root, ids) = flaky_hub(40);
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    std::fs::write(&list, ids.join("\n")).unwrap();
    let out_file = dir.path().join("out.jsonl");
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .env("ISOPEN_BACKOFF_MS", "2")
        .arg("batch")
        .arg(&list)
        .args(["--format", "json", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let r = json(&out);
    assert_eq!(models(&r), ids);
    let failed: Vec<(&str, &str)> = r["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "error")
        .map(|m| {
            (
                m["model"].as_str().unwrap(),
                m["error"]["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [
            ("bulk/model-000", "not-found"),
            ("bulk/model-010", "network"),
            ("bulk/model-020", "network"),
            ("bulk/model-030", "rate-limited")
        ]
    );
    assert_eq!(jsonl(&out_file).len(), 40);

    // Resuming skips the 36 done and audits the 4 failures again (they fail again; their new
    // lines follow the old ones, and the last line of a model wins).
    let before = hub.requests().len();
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .env("ISOPEN_BACKOFF_MS", "2")
        .arg("batch")
        .arg(&list)
        .args(["--format", "json", "--resume", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(models(&json(&out)), ids);
    let fetched: HashSet<String> = hub.requests()[before..]
        .iter()
        .filter_map(|r| r.path.strip_prefix("/api/models/").map(str::to_string))
        .collect();
    let failed_ids: HashSet<String> = failed.iter().map(|(m, _)| m.to_string()).collect();
    assert_eq!(fetched, failed_ids);
    assert_eq!(jsonl(&out_file).len(), 44);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("resumed: 36 done earlier, 4 failed earlier and retried")
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_resume_finishes() {
    let (hub, _root, ids) = flaky_hub(30);
    hub.set_latency(Duration::from_millis(60));
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    let ok: Vec<String> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 0)
        .map(|(_, id)| id.clone())
        .collect();
    std::fs::write(&list, ok.join("\n")).unwrap();
    let out_file = dir.path().join("out.jsonl");
    let (cmd, _home) = isopen(&hub.url);
    let mut child = std::process::Command::new(cmd.get_program())
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .arg("batch")
        .arg(&list)
        .args(["--format", "json", "-j", "2", "--out"])
        .arg(&out_file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until some results are written, then interrupt.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::fs::read_to_string(&out_file)
        .map(|t| t.lines().count())
        .unwrap_or(0)
        < 3
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let partial = jsonl(&out_file);
    assert!(
        partial.len() >= 3 && partial.len() < ok.len(),
        "{} lines",
        partial.len()
    );

    hub.set_latency(Duration::ZERO);
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .arg("batch")
        .arg(&list)
        .args(["--format", "json", "--resume", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(models(&json(&out)), ok);
    let written = jsonl(&out_file);
    let distinct: HashSet<&str> = written
        .iter()
        .map(|m| m["model"].as_str().unwrap())
        .collect();
    assert_eq!((written.len(), distinct.len()), (ok.len(), ok.len()));
}
