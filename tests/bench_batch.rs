//! The batch benchmark (ignored by `cargo test`; run by scripts/bench-batch.sh): a 300-model
//! shortlist against the fake hub with 20 ms of latency a request. It reports wall time,
//! requests per model, peak memory, how close the run comes to the floor (requests × latency ÷
//! concurrency), and the same fetches made with the huggingface_hub Python client on 8 threads.
//! Nothing here asserts a time: it measures.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use support::fake_hub::FakeHub;

const MODELS: usize = 300;
const LATENCY: Duration = Duration::from_millis(20);

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// 300 models (a third fine-tuned from 10 shared bases, each naming one of 5 shared datasets,
/// half with a LICENSE file), in the fake hub's layout.
fn shortlist(root: &Path) -> Vec<String> {
    let licenses = ["apache-2.0", "mit", "llama3.1", "cc-by-nc-4.0", "gemma"];
    for b in 0..10 {
        let dir = root.join(format!("models/base/base-{b}"));
        write(
            &dir.join("README.md"),
            &format!("---\nlicense: {}\n---\n# Base {b}\n", licenses[b % 3]),
        );
        write(
            &dir.join("_hub.yaml"),
            "gated: false\nsafetensors_total: 7000000000\nfiles:\n  - {path: model.safetensors, size: 14000000000}\n",
        );
    }
    for d in 0..5 {
        let l = ["cc-by-4.0", "odc-by", "cc-by-nc-4.0", "apache-2.0", "mit"][d];
        write(
            &root.join(format!("datasets/data/set-{d}/README.md")),
            &format!("---\nlicense: {l}\n---\n# Set {d}\n"),
        );
    }
    (0..MODELS)
        .map(|i| {
            let id = format!("short/model-{i:03}");
            let dir = root.join("models").join(&id);
            let base = if i % 3 == 0 { format!("base_model: base/base-{}\n", i % 10) } else { String::new() };
            write(
                &dir.join("README.md"),
                &format!("---\nlicense: {}\n{base}datasets:\n- data/set-{}\n---\n# Model {i}\n\nA model for the benchmark.\n", licenses[i % 5], i % 5),
            );
            if i % 2 == 0 {
                write(&dir.join("LICENSE"), "Licensed under the Apache License, Version 2.0 (the \"License\");\n");
            }
            write(&dir.join("_hub.yaml"), "gated: false\nsafetensors_total: 1000000000\nfiles:\n  - {path: model.safetensors, size: 2000000000}\n");
            id
        })
        .collect()
}

/// Runs a command under GNU time: (wall seconds, peak RSS in MiB, CPU seconds, stdout).
fn timed(cmd: Command) -> (f64, f64, f64, String) {
    let time_file = tempfile::NamedTempFile::new().unwrap();
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "%e %M %U %S", "-o"])
        .arg(time_file.path())
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    let out = timed.output().unwrap();
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = std::fs::read_to_string(time_file.path()).unwrap();
    // The last line holds the figures (a failing command adds a line before it).
    let last = t.lines().last().unwrap_or_default();
    let n: Vec<f64> = last
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    (
        n[0],
        n[1] / 1024.0,
        n[2] + n[3],
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
#[ignore = "a benchmark: run scripts/bench-batch.sh"]
fn batch_of_300_against_a_20ms_hub() {
    let bin =
        std::env::var("ISOPEN_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_isopen").to_string());
    let root = tempfile::tempdir().unwrap();
    let ids = shortlist(root.path());
    let list = root.path().join("shortlist.txt");
    std::fs::write(&list, ids.join("\n")).unwrap();
    let hub = FakeHub::start(root.path());
    hub.set_latency(LATENCY);
    println!(
        "isopen batch: {MODELS} models, {} ms a request",
        LATENCY.as_millis()
    );
    println!(
        "{:<28} {:>7} {:>7} {:>10} {:>7} {:>8} {:>11}",
        "run", "wall s", "CPU s", "req/model", "MiB", "floor s", "wall/floor"
    );
    let mut default_secs = f64::MAX;
    // (label, arguments, requests in flight the floor assumes). `ISOPEN_BENCH_OLD=1` runs an
    // older binary without --requests, at -j 8 (its default) and -j 32.
    let old = std::env::var_os("ISOPEN_BENCH_OLD").is_some();
    // `ISOPEN_BENCH_RUNS="-j 32;-j 128 --requests 64"`: other settings to try, `;`-separated.
    let extra = std::env::var("ISOPEN_BENCH_RUNS").unwrap_or_default();
    let mut runs: Vec<(&str, Vec<&str>, f64)> = if old {
        vec![
            ("isopen (default: -j 8)", vec![], 8.0),
            ("isopen -j 32", vec!["-j", "32"], 32.0),
        ]
    } else {
        vec![
            ("isopen (default settings)", vec![], 32.0),
            ("isopen -j 8", vec!["-j", "8"], 32.0),
            // The defaults before December 2026, for comparison.
            (
                "isopen -j 32 --requests 16",
                vec!["-j", "32", "--requests", "16"],
                16.0,
            ),
        ]
    };
    for spec in extra.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let args: Vec<&str> = spec.split_whitespace().collect();
        let requests = args
            .iter()
            .position(|a| *a == "--requests")
            .and_then(|i| args.get(i + 1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(32.0);
        runs.push((spec, args, requests));
    }
    for (label, args, in_flight) in runs {
        let work = tempfile::tempdir().unwrap();
        let before = hub.requests().len();
        let mut cmd = Command::new(&bin);
        cmd.arg("batch")
            .arg(&list)
            .args(["--format", "json"])
            .args(&args)
            .arg("--cache-dir")
            .arg(work.path().join("cache"))
            .arg("--out")
            .arg(work.path().join("out.jsonl"))
            .env("HF_ENDPOINT", &hub.url)
            .env("HF_HOME", work.path())
            .env_remove("HF_TOKEN");
        let (secs, mib, cpu, stdout) = timed(cmd);
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let ok = report["models"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["status"] == "ok")
            .count();
        assert_eq!(ok, MODELS, "every model audited");
        let requests = hub.requests().len() - before;
        let floor = requests as f64 * LATENCY.as_secs_f64() / in_flight;
        println!(
            "{:<28} {secs:>7.2} {cpu:>7.2} {:>10.2} {mib:>7.1} {floor:>8.2} {:>11.2}",
            label,
            requests as f64 / MODELS as f64,
            secs / floor
        );
        if args.is_empty() {
            default_secs = secs;
        }
    }
    let python = std::env::var("ISOPEN_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_client = Command::new(&python)
        .args(["-c", "import huggingface_hub"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_client {
        println!("huggingface_hub is not installed for {python}: the peer run was skipped");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let before = hub.requests().len();
    let mut cmd = Command::new(&python);
    cmd.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/bench_hf_client.py"
    ))
    .arg(&hub.url)
    .arg(&list)
    .arg("8")
    .arg(work.path())
    .env("HF_HOME", work.path())
    .env_remove("HF_TOKEN");
    let (secs, mib, cpu, stdout) = timed(cmd);
    let done: usize = stdout
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let requests = hub.requests().len() - before;
    let floor = requests as f64 * LATENCY.as_secs_f64() / 8.0;
    println!(
        "{:<28} {secs:>7.2} {cpu:>7.2} {:>10.2} {mib:>7.1} {floor:>8.2} {:>11.2}",
        "huggingface_hub, 8 threads",
        requests as f64 / MODELS as f64,
        secs / floor
    );
    println!(
        "python client fetched {done}/{MODELS} models; isopen with default settings is {:.1}x faster",
        secs / default_secs
    );
}
