//! `isopen census report DIR` over a census of the fake hub's fixtures (7 models a page):
//! the three formats, numbers that the fixtures fix, the SQL shown with each section, a
//! hostile id escaped on the HTML page, and the folders it must refuse or report partly.

mod support;

use std::path::Path;
use std::sync::Arc;

use serde_json::{Value, json};
use support::fake_hub::{FakeHub, Generated};
use support::isopen;

/// A census of whatever `hub` lists, in a new folder.
fn census(hub: &FakeHub) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let (mut cmd, _home) = isopen(&hub.url);
    let o = cmd
        .args(["census", "--format", "json", "--page-size", "7", "--out"])
        .arg(out.path())
        .env("ISOPEN_BACKOFF_MS", "1")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn report(dir: &Path, format: &str, extra: &[&str]) -> Run {
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    let o = cmd
        .args(["census", "report"])
        .arg(dir)
        .args(["--format", format])
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn json_report(dir: &Path, extra: &[&str]) -> Value {
    let r = report(dir, "json", extra);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn section<'a>(report: &'a Value, title: &str) -> &'a Value {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == title)
        .unwrap_or_else(|| panic!("no section {title}: {report}"))
}

/// The rows of a section as objects keyed by column.
fn rows(section: &Value) -> Vec<serde_json::Map<String, Value>> {
    let columns: Vec<&str> = section["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    section["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            columns
                .iter()
                .zip(r.as_array().unwrap())
                .map(|(c, v)| (c.to_string(), v.clone()))
                .collect()
        })
        .collect()
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

#[test]
fn the_json_report_answers_each_question_with_its_sql() {
    let hub = FakeHub::fixtures();
    let dir = census(&hub);
    let r = json_report(dir.path(), &["--top", "5"]);
    let models = int(&r["checkpoint"]["models"]);
    assert!(models > 40, "{r}");
    assert_eq!(r["checkpoint"]["complete"], true);
    for s in r["sections"].as_array().unwrap() {
        let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["columns", "note", "rows", "sql", "title"]);
        assert!(s["sql"].as_str().unwrap().contains("FROM "), "{s}");
    }
    // Five licenses, then the rest in one row: the counts add up to every model.
    let mix = rows(section(&r, "License mix"));
    assert_eq!(mix.len(), 6, "{mix:?}");
    assert_eq!(mix[5]["license"], "(every other license)");
    assert_eq!(mix.iter().map(|m| int(&m["models"])).sum::<i64>(), models);
    assert!(
        section(&r, "License mix")["sql"]
            .as_str()
            .unwrap()
            .contains("rank <= 5")
    );
    let verdicts = rows(section(&r, "Verdict mix"));
    assert_eq!(
        verdicts.iter().map(|m| int(&m["models"])).sum::<i64>(),
        models
    );
    assert!(verdicts.iter().all(|v| v["verdict"] != "allowed"));
    let without = rows(section(&r, "Models without a license"));
    assert_eq!(without[0]["models"], models);
    assert!(int(&without[0]["without_license"]) >= 1, "{without:?}");
    // The Llama fine-tune tagged apache-2.0 (acme/llama-finetune-apache) is a relabelling of
    // its base, and of the meta-llama family.
    let by_base = rows(section(&r, "Relabelled fine-tunes by base"));
    let llama = by_base
        .iter()
        .find(|b| b["base"] == "meta-llama/Llama-3.1-8B-Instruct")
        .unwrap_or_else(|| panic!("{by_base:?}"));
    assert!(int(&llama["relabelled"]) >= 1);
    let by_family = rows(section(&r, "Relabelled fine-tunes by base family"));
    assert!(
        by_family.iter().any(|b| b["base_author"] == "meta-llama"),
        "{by_family:?}"
    );
    let counts = rows(section(&r, "Lineage counts"));
    assert_eq!(
        int(&counts[0]["relabelled"]),
        by_base.iter().map(|b| int(&b["relabelled"])).sum::<i64>()
    );
    // acme/cycle-a and acme/cycle-b name each other.
    assert!(int(&counts[0]["in_a_cycle"]) >= 2, "{counts:?}");
    assert!(int(&counts[0]["missing_bases"]) >= 1, "{counts:?}");
    let restrictive = rows(section(&r, "Restrictive bases by permissive descendants"));
    assert!(
        restrictive
            .iter()
            .any(|b| b["base"] == "meta-llama/Llama-3.1-8B-Instruct"),
        "{restrictive:?}"
    );
}

#[test]
fn the_table_report() {
    let hub = FakeHub::fixtures();
    let dir = census(&hub);
    let r = report(dir.path(), "table", &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        !r.stdout.contains('\u{1b}'),
        "escapes are shown, not obeyed"
    );
    insta::assert_snapshot!("census_report_table", r.stdout);
}

#[test]
fn the_html_page_escapes_a_hostile_id() {
    let hub = FakeHub::fixtures();
    let hostile = "evil/<script>alert(1)</script>";
    hub.set_listing(Generated {
        total: 3,
        make: Arc::new(move |i| match i {
            0 => json!({"id": hostile, "cardData": {"license": "cc-by-nc-4.0"},
                        "tags": ["license:cc-by-nc-4.0"], "downloads": 5000}),
            1 => json!({"id": "acme/relabelled", "cardData": {"license": "apache-2.0",
                        "base_model": hostile}, "tags": ["license:apache-2.0"],
                        "baseModels": {"relation": "finetune", "models": [{"id": hostile}]},
                        "downloads": 2000}),
            _ => json!({"id": "acme/plain", "cardData": {"license": "mit"},
                        "tags": ["license:mit"], "downloads": 10}),
        }),
    });
    let dir = census(&hub);
    let r = report(dir.path(), "html", &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let page = r.stdout;
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script"), "{page}");
    assert!(
        page.contains("evil/&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.contains("<h2>Relabelled fine-tunes by base</h2>"));
    // Self-contained: no address to fetch, no script.
    assert!(!page.contains("src=") && !page.contains("href="));
    assert!(page.contains("default-src &#39;none&#39;"), "{page}");
    // The same id in the terminal and in JSON: shown as text.
    let json = json_report(dir.path(), &[]);
    let by_base = rows(section(&json, "Relabelled fine-tunes by base"));
    assert_eq!(by_base[0]["base"], hostile);
    assert_eq!(int(&by_base[0]["downloads"]), 2000);
}

#[test]
fn a_census_stopped_before_its_join_is_reported_without_the_lineage() {
    let hub = FakeHub::fixtures();
    let dir = census(&hub);
    std::fs::remove_file(dir.path().join("lineage.parquet")).unwrap();
    let r = json_report(dir.path(), &[]);
    let titles: Vec<&str> = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["License mix", "Models without a license", "Verdict mix"]
    );
    assert!(
        r["notes"][0]
            .as_str()
            .unwrap()
            .contains("no lineage.parquet")
    );
    let text = report(dir.path(), "table", &[]);
    assert_eq!(text.code, Some(0));
    assert!(
        text.stdout.contains("note: no lineage.parquet"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_folder_that_is_not_a_census_is_refused_by_name() {
    let empty = tempfile::tempdir().unwrap();
    let r = report(empty.path(), "table", &[]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("no census parts"), "{}", r.stderr);
    assert!(r.stdout.is_empty());

    // A Parquet file of other columns among the parts.
    let hub = FakeHub::fixtures();
    let dir = census(&hub);
    let stray = dir.path().join("models/part-99999.parquet");
    write_other_parquet(&stray);
    let r = report(dir.path(), "json", &[]);
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("part-99999.parquet: not a census part: no column `model`"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"));

    // A lineage file that is not one.
    std::fs::remove_file(&stray).unwrap();
    std::fs::write(dir.path().join("lineage.parquet"), b"PAR1 cut short").unwrap();
    let r = report(dir.path(), "table", &[]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("lineage.parquet: not a census part"),
        "{}",
        r.stderr
    );
}

fn write_other_parquet(path: &Path) {
    use arrow_array::{ArrayRef, Int64Array, RecordBatch};
    let batch =
        RecordBatch::try_from_iter([("id", Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef)])
            .unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}
