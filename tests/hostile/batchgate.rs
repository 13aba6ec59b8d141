//! The batch gate (items 14, 15, 16 of issue 10, and the resume bug of issue 11): a model that
//! could not be audited never passes, one model is one model whatever its spelling, and the
//! results file is never written twice, never mistaken for an input, and never judged by a
//! policy that no longer applies.

use std::fs::File;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::fake_hub::{FakeHub, Fault};
use crate::support::{isopen, json, jsonl};

fn fixture(dir: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(dir)
        .join(name)
}

fn shortlist(name: &str) -> PathBuf {
    fixture("shortlists", name)
}

fn policy(name: &str) -> PathBuf {
    fixture("policies", name)
}

/// Runs `isopen` with `args` against the hub, from the repository's root, on a fixed day.
fn isopen_at(hub: &FakeHub, args: &[&std::ffi::OsStr]) -> std::process::Output {
    let (mut cmd, _home) = isopen(&hub.url);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("ISOPEN_TODAY", "2026-11-30")
        .env("ISOPEN_BACKOFF_MS", "1")
        .args(args)
        .output()
        .expect("run isopen")
}

/// `isopen batch SHORTLIST --format json` plus `extra`.
fn batch(hub: &FakeHub, list: &Path, extra: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "batch".as_ref(),
        list.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    args.extend_from_slice(extra);
    isopen_at(hub, &args)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn models(report: &Value) -> Vec<&str> {
    report["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| m["model"].as_str().expect("model"))
        .collect()
}

/// Asserts the hub was asked for no model since request number `since`.
fn assert_nothing_audited(hub: &FakeHub, since: usize) {
    assert_eq!(model_requests(hub, since), Vec::<String>::new());
}

/// `/api/models/…` paths the hub was asked for since request number `since`.
fn model_requests(hub: &FakeHub, since: usize) -> Vec<String> {
    hub.requests()[since..]
        .iter()
        .filter(|r| r.path.starts_with("/api/models/"))
        .map(|r| r.path.clone())
        .collect()
}

/// Item 14 (JSON part): a model that could not be audited is judged `error`, not `pass`, even
/// by a policy that passes everything and names it in an exception; the exit code is 2.
#[test]
fn a_model_not_audited_is_judged_error() {
    let hub = FakeHub::fixtures();
    let lenient = policy("lenient.yaml");
    let out = isopen_at(
        &hub,
        &[
            "audit".as_ref(),
            "acme/does-not-exist".as_ref(),
            "acme/plain-apache".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--policy".as_ref(),
            lenient.as_os_str(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let r = json(&out);
    let missing = &r["models"][0];
    assert_eq!(missing["status"], "error");
    assert_eq!(missing["policy"]["outcome"], "error");
    assert_eq!(missing["policy"]["decisions"][0]["action"], "error");
    assert_eq!(r["models"][1]["policy"]["outcome"], "pass");

    // The same in a batch, and with --fail-on instead of a policy.
    let out = batch(
        &hub,
        &shortlist("shortlist.txt"),
        &["--policy".as_ref(), lenient.as_os_str()],
    );
    assert_eq!(out.status.code(), Some(2));
    let r = json(&out);
    let outcomes: Vec<&str> = r["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["policy"]["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["pass", "pass", "pass", "error"]);
    let out = batch(
        &hub,
        &shortlist("shortlist.txt"),
        &["--fail-on".as_ref(), "low".as_ref()],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// Item 15 (policy exceptions): an exception matches the model whatever the spelling of
/// either side: `hf:`, `@main`, upper case.
#[test]
fn exceptions_match_every_spelling_of_a_model() {
    let hub = FakeHub::fixtures();
    let strict = policy("strict.yaml");
    let spelled = policy("exception-spellings.yaml");
    for (model, policy) in [
        ("hf:acme/pickle-only", &strict),
        ("acme/pickle-only@main", &strict),
        ("acme/pickle-only", &spelled),
        ("hf:acme/pickle-only", &spelled),
    ] {
        let out = isopen_at(
            &hub,
            &[
                "audit".as_ref(),
                model.as_ref(),
                "--format".as_ref(),
                "json".as_ref(),
                "--policy".as_ref(),
                policy.as_os_str(),
            ],
        );
        let r = json(&out);
        let judged = &r["models"][0]["policy"];
        assert_eq!(out.status.code(), Some(0), "{model}: {judged}");
        assert!(judged.to_string().contains("excepted until"), "{model}");
    }
    // Without the exception the same model is denied: the test can fail.
    let defaults = policy("defaults.yaml");
    let out = isopen_at(
        &hub,
        &[
            "audit".as_ref(),
            "hf:acme/pickle-only".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--policy".as_ref(),
            defaults.as_os_str(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
}

/// Item 15 (de-duplication): `x`, `hf:x`, `x@main` and `X` in one shortlist are one model,
/// audited and reported once, under the first spelling.
#[test]
fn one_model_under_many_spellings_is_audited_once() {
    let hub = FakeHub::fixtures();
    let out = batch(&hub, &shortlist("spellings.txt"), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        models(&json(&out)),
        ["acme/plain-apache", "acme/gated-llama"]
    );
    let asked = model_requests(&hub, 0);
    assert_eq!(
        asked
            .iter()
            .filter(|p| p.to_ascii_lowercase().contains("plain-apache"))
            .count(),
        1,
        "{asked:?}"
    );
    let err = stderr(&out);
    assert_eq!(err.matches("is listed again").count(), 4, "{err}");
    assert!(err.contains("spellings.txt:5: ACME/Plain-Apache is listed again (first at 2"));
}

/// Item 15 (`--resume` matching): a results file written under one spelling is resumed under
/// another without auditing anything again; the report keeps the shortlist's spelling.
#[test]
fn resume_matches_models_whatever_the_spelling() {
    let hub = FakeHub::fixtures();
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("audit.jsonl");
    let out = batch(
        &hub,
        &shortlist("shortlist.yaml"),
        &["--out".as_ref(), results.as_os_str()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = hub.requests().len();
    let out = batch(
        &hub,
        &shortlist("respelled.txt"),
        &["--resume".as_ref(), "--out".as_ref(), results.as_os_str()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_nothing_audited(&hub, before);
    assert_eq!(
        models(&json(&out)),
        [
            "hf:acme/plain-apache",
            "acme/gated-llama@main",
            "ACME/pickle-only"
        ]
    );
    assert_eq!(jsonl(&results).len(), 3);
    assert!(stderr(&out).contains("resumed: 3 done earlier, 0 failed earlier and retried"));
}

/// Item 16 (resume retries failures): a model that failed is audited again on `--resume`,
/// and the summary says how many were done and how many retried.
#[test]
fn resume_retries_the_models_that_failed() {
    let hub = FakeHub::fixtures();
    hub.fault("/api/models/acme/pickle-only", Fault::Status(404), 1);
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("audit.jsonl");
    let list = shortlist("shortlist.yaml");
    let out = batch(&hub, &list, &["--out".as_ref(), results.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["models"][2]["status"], "error");

    let before = hub.requests().len();
    let resume: [&std::ffi::OsStr; 3] =
        ["--resume".as_ref(), "--out".as_ref(), results.as_os_str()];
    let out = batch(&hub, &list, &resume);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["models"][2]["status"], "ok");
    assert!(
        stderr(&out).contains("resumed: 2 done earlier, 1 failed earlier and retried"),
        "{}",
        stderr(&out)
    );
    let asked = model_requests(&hub, before);
    assert!(
        asked.iter().all(|p| p.contains("acme/pickle-only")) && !asked.is_empty(),
        "{asked:?}"
    );
    // The retry's line follows the failure's; the last line of a model wins.
    let written = jsonl(&results);
    assert_eq!(written.len(), 4);
    assert_eq!(written[3]["model"], "acme/pickle-only");
    assert_eq!(written[3]["status"], "ok");

    // Now everything is done: nothing is audited.
    let before = hub.requests().len();
    let out = batch(&hub, &list, &resume);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("resumed: 3 done earlier, 0 failed earlier and retried"));
    assert_nothing_audited(&hub, before);
}

/// Item 16 (`--out` is the shortlist): refused before anything is written, also through a
/// symbolic link or a hard link to it.
#[test]
fn the_results_file_may_not_be_the_shortlist() {
    let hub = FakeHub::fixtures();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    std::fs::copy(shortlist("shortlist.txt"), &list).unwrap();
    let original = std::fs::read(&list).unwrap();
    let hard = dir.path().join("hard.jsonl");
    std::fs::hard_link(&list, &hard).unwrap();
    let mut outs = vec![list.clone(), hard];
    #[cfg(unix)]
    {
        let soft = dir.path().join("soft.jsonl");
        std::os::unix::fs::symlink(&list, &soft).unwrap();
        outs.push(soft);
    }
    for out_file in &outs {
        for resume in [false, true] {
            let mut extra: Vec<&std::ffi::OsStr> = vec!["--out".as_ref(), out_file.as_os_str()];
            if resume {
                extra.push("--resume".as_ref());
            }
            let out = batch(&hub, &list, &extra);
            assert_eq!(out.status.code(), Some(2), "{}", out_file.display());
            let err = stderr(&out);
            assert!(err.contains("is the shortlist"), "{err}");
            assert_eq!(std::fs::read(&list).unwrap(), original);
        }
    }
    assert_nothing_audited(&hub, 0);
}

/// Item 16 (two batches on one `--out`): while one run holds the file's lock, another is
/// refused and writes nothing; once it is released, the run goes ahead.
#[test]
fn one_results_file_one_batch_at_a_time() {
    let hub = FakeHub::fixtures();
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("audit.jsonl");
    // Stands for the other batch: the lock is the one `isopen batch` takes.
    let holder = File::create(&results).unwrap();
    holder.try_lock().expect("lock the results file");
    let extra: [&std::ffi::OsStr; 2] = ["--out".as_ref(), results.as_os_str()];
    let out = batch(&hub, &shortlist("shortlist.yaml"), &extra);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is being written by another isopen batch"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&results).unwrap(), "");
    assert_nothing_audited(&hub, 0);
    drop(holder);
    let out = batch(&hub, &shortlist("shortlist.yaml"), &extra);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(jsonl(&results).len(), 3);
}

/// Item 16 (`--out` already holds results, no `--resume`): refused with a hint, the file left
/// as it was; an empty file is fine.
#[test]
fn a_results_file_with_results_needs_resume() {
    let hub = FakeHub::fixtures();
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("audit.jsonl");
    std::fs::write(&results, "").unwrap();
    let extra: [&std::ffi::OsStr; 2] = ["--out".as_ref(), results.as_os_str()];
    let out = batch(&hub, &shortlist("shortlist.yaml"), &extra);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read(&results).unwrap();
    assert_eq!(jsonl(&results).len(), 3);

    let before = hub.requests().len();
    let out = batch(&hub, &shortlist("shortlist.yaml"), &extra);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("already holds results") && err.contains("--resume"),
        "{err}"
    );
    assert_eq!(std::fs::read(&results).unwrap(), written);
    assert_nothing_audited(&hub, before);
}

/// Issue 11 (the resume bug, same code path): results written under a policy that raises
/// `training-data-undisclosed` to high, resumed under a policy that says nothing of it, are
/// judged as a fresh audit would be: the gate passes.
#[test]
fn resume_judges_the_assessment_not_the_previous_verdict() {
    let hub = FakeHub::fixtures();
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("audit.jsonl");
    let list = shortlist("local.txt");
    let (raise, defaults) = (policy("raise-undisclosed.yaml"), policy("defaults.yaml"));
    let out = batch(
        &hub,
        &list,
        &[
            "--policy".as_ref(),
            raise.as_os_str(),
            "--out".as_ref(),
            results.as_os_str(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let written = jsonl(&results);
    assert_eq!(written[0]["risks"][0]["severity"], "high");
    assert_eq!(written[0]["assessed_risks"][0]["severity"], "low");

    let fresh = batch(&hub, &list, &["--policy".as_ref(), defaults.as_os_str()]);
    assert_eq!(fresh.status.code(), Some(0), "{}", stderr(&fresh));
    let resume: [&std::ffi::OsStr; 5] = [
        "--policy".as_ref(),
        defaults.as_os_str(),
        "--resume".as_ref(),
        "--out".as_ref(),
        results.as_os_str(),
    ];
    let resumed = batch(&hub, &list, &resume);
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    assert_eq!(json(&resumed)["models"], json(&fresh)["models"]);
    assert!(stderr(&resumed).contains("resumed: 1 done earlier"));

    // A line an older isopen wrote under a policy holds no assessment: audited again.
    let mut old = written[0].clone();
    old.as_object_mut().unwrap().remove("assessed_risks");
    std::fs::write(&results, format!("{old}\n")).unwrap();
    let resumed = batch(&hub, &list, &resume);
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    assert!(stderr(&resumed).contains("audited again"));
    assert_eq!(json(&resumed)["models"], json(&fresh)["models"]);
}
