//! The census benchmark (ignored by `cargo test`; run by scripts/bench-census.sh): `isopen
//! census` over a generated listing of 20,000 to 200,000 models (ISOPEN_BENCH_SIZES) served by
//! the fake hub in pages of 500, shaped like the Hub's answers (card data, siblings, gating,
//! base models and their relations, a long tail of licenses). It reports models a second,
//! listing calls, peak memory (the whole run, and the listing alone) and the lineage join's time
//! for each size, so the growth from
//! the smallest to the largest size shows. Nothing here asserts a time: it measures.

mod support;

use std::process::Command;
use std::sync::Arc;

use serde_json::{Value, json};
use support::fake_hub::{FakeHub, Generated};

const LICENSES: [&str; 8] = [
    "apache-2.0",
    "mit",
    "llama3.1",
    "cc-by-nc-4.0",
    "other",
    "gemma",
    "openrail",
    "",
];

/// The `i`-th model of the generated Hub: a third name an earlier model as their base (some a
/// well-known restrictive base, some a base outside the listing), one in eight declares no
/// license, one in eight `other` with a name no rule knows.
fn model(i: usize) -> Value {
    let id = format!("org{}/model-{i}", i % 5000);
    let license = LICENSES[i % LICENSES.len()];
    let mut card = json!({
        "language": ["en"],
        "tags": ["text-generation"],
        "datasets": [format!("data/set-{}", i % 50)],
        "pipeline_tag": "text-generation",
    });
    if !license.is_empty() {
        card["license"] = json!(license);
    }
    if license == "other" {
        card["license_name"] = json!(format!("custom-terms-{}", i % 97));
    }
    let mut bases = Value::Null;
    if i % 3 == 1 && i > 10 {
        let base = match i % 7 {
            0 => "meta-llama/Llama-3.1-8B".to_string(),
            1 => format!("gone/base-{}", i % 13),
            _ => format!("org{}/model-{}", (i / 2) % 5000, i / 2),
        };
        card["base_model"] = json!(base);
        bases = json!({"relation": "finetune", "models": [{"id": base}]});
    }
    let mut siblings = vec![
        json!({"rfilename": ".gitattributes"}),
        json!({"rfilename": "README.md"}),
        json!({"rfilename": "config.json"}),
        json!({"rfilename": "model.safetensors"}),
    ];
    if i.is_multiple_of(4) {
        siblings.push(json!({"rfilename": "LICENSE"}));
    }
    json!({
        "_id": format!("{i:024x}"),
        "id": id,
        "author": format!("org{}", i % 5000),
        "sha": format!("{:040x}", i),
        "lastModified": "2025-06-01T12:00:00.000Z",
        "private": false,
        "gated": if i.is_multiple_of(10) { json!("manual") } else { json!(false) },
        "downloads": (i * 7919) % 100_000,
        "likes": i % 300,
        "tags": ["transformers", "safetensors", format!("license:{license}"), "region:us"],
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "cardData": card,
        "siblings": siblings,
        "safetensors": {"parameters": {"BF16": 8_030_000_000u64}, "total": 8_030_000_000u64},
        "baseModels": bases,
    })
}

#[test]
#[ignore = "a benchmark: run scripts/bench-census.sh"]
fn census_of_a_generated_hub() {
    let bin =
        std::env::var("ISOPEN_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_isopen").to_string());
    let sizes: Vec<usize> = std::env::var("ISOPEN_BENCH_SIZES")
        .unwrap_or_else(|_| "20000,200000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let empty = tempfile::tempdir().unwrap();
    println!(
        "{:>8} {:>8} {:>7} {:>10} {:>8} {:>12} {:>9} {:>8}",
        "models", "wall s", "calls", "models/s", "MiB", "listing MiB", "join s", "MB out"
    );
    for n in sizes {
        let hub = FakeHub::start(empty.path());
        hub.set_listing(Generated {
            total: n,
            make: Arc::new(model),
        });
        let out = tempfile::tempdir().unwrap();
        let time_file = tempfile::NamedTempFile::new().unwrap();
        let o = Command::new("/usr/bin/time")
            .args(["-f", "%e %M", "-o"])
            .arg(time_file.path())
            .arg(&bin)
            .args(["census", "--format", "json", "--out"])
            .arg(out.path().join("census"))
            .env("HF_ENDPOINT", &hub.url)
            .env("HF_HOME", out.path())
            .env_remove("HF_TOKEN")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(report["summary"]["models"], n as u64);
        let t = std::fs::read_to_string(time_file.path()).unwrap();
        let f: Vec<f64> = t
            .lines()
            .last()
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        let calls = hub
            .requests()
            .iter()
            .filter(|r| r.path == "/api/models")
            .count();
        let bytes: u64 = walk_size(&out.path().join("census"));
        println!(
            "{n:>8} {:>8.2} {calls:>7} {:>10.0} {:>8.1} {:>12.1} {:>9.2} {:>8.1}",
            f[0],
            n as f64 / f[0],
            f[1] / 1024.0,
            report["timings"]["listing_peak_mib"]
                .as_f64()
                .unwrap_or(f64::NAN),
            report["timings"]["join_s"].as_f64().unwrap_or(f64::NAN),
            bytes as f64 / 1e6
        );
    }
}

fn walk_size(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        total += if p.is_dir() {
            walk_size(&p)
        } else {
            e.metadata().map(|m| m.len()).unwrap_or(0)
        };
    }
    total
}
