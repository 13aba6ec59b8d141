//! `isopen census` against the fake hub's listing: cursor pages, rate-limit headers and faults
//! (a 429 storm mid-listing, a page cut off, a cursor that loops), the checkpoint and
//! `--resume`, the Parquet parts read back, and the lineage joined inside the census.

mod support;

use std::collections::HashSet;
use std::path::Path;

use isopen::census::table::{self, PartRow};
use serde_json::Value;
use support::fake_hub::{FakeHub, Fault, Quota, count};
use support::isopen;

/// The fixture models the listing shows: every folder but the private one.
fn listed_fixtures() -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hub/models");
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|org| std::fs::read_dir(org.path()).unwrap().count())
        .sum::<usize>()
        - 1
}

struct Census {
    code: Option<i32>,
    stderr: String,
    json: Value,
}

fn census(hub: &FakeHub, out: &Path, extra: &[&str]) -> Census {
    let mut args: Vec<&std::ffi::OsStr> =
        ["census", "--format", "json", "--page-size", "7", "--out"]
            .iter()
            .map(std::ffi::OsStr::new)
            .collect();
    args.push(out.as_os_str());
    invoke(hub, &args, extra)
}

/// The binary with `args` then `extra`, against the fake hub, without real backoff.
fn invoke(hub: &FakeHub, args: &[&std::ffi::OsStr], extra: &[&str]) -> Census {
    let (mut cmd, _home) = isopen(&hub.url);
    let o = cmd
        .args(args)
        .args(extra)
        .env("ISOPEN_BACKOFF_MS", "1")
        .output()
        .unwrap();
    Census {
        code: o.status.code(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        json: serde_json::from_slice(&o.stdout).unwrap_or(Value::Null),
    }
}

fn rows(out: &Path) -> Vec<PartRow> {
    let mut all = Vec::new();
    let mut parts: Vec<_> = std::fs::read_dir(out.join("models"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    parts.sort();
    for p in parts {
        table::read_part(&p, &mut all).unwrap();
    }
    all
}

fn listing_calls(hub: &FakeHub) -> usize {
    hub.requests()
        .iter()
        .filter(|r| r.path == "/api/models")
        .count()
}

#[test]
fn a_census_lists_every_model_across_pages_and_joins_the_lineage() {
    let hub = FakeHub::fixtures();
    let out = tempfile::tempdir().unwrap();
    let c = census(&hub, out.path(), &[]);
    assert_eq!(c.code, Some(0), "{}", c.stderr);
    let n = listed_fixtures();
    assert_eq!(c.json["summary"]["models"], n as u64);
    assert_eq!(c.json["checkpoint"]["complete"], true);
    let pages = n.div_ceil(7);
    assert_eq!(listing_calls(&hub), pages);
    assert_eq!(c.json["summary"]["calls"], pages as u64);
    // Nothing but the listing was asked for: no model info, no file.
    assert_eq!(hub.requests().len(), pages);
    assert_eq!(count(&hub.requests(), "/api/models/"), 0);
    let every = rows(out.path());
    assert_eq!(every.len(), n);
    let ids: HashSet<&str> = every.iter().map(|r| r.0.model.as_str()).collect();
    assert_eq!(ids.len(), n, "no model twice");
    assert!(!ids.contains("acme/private-model"));
    // Metadata only: the card and license files were listed, not read.
    assert!(
        every
            .iter()
            .all(|r| r.0.verdict != isopen::vocab::Verdict::Allowed)
    );
    let nc = every
        .iter()
        .find(|r| r.0.model == "acme/card-says-nc")
        .unwrap();
    assert_ne!(nc.0.verdict, isopen::vocab::Verdict::Allowed);
    // The Llama fine-tune tagged apache-2.0 contradicts its base, found by the join.
    assert!(c.json["summary"]["relabelled"].as_u64().unwrap() >= 1);
    assert!(
        c.json["summary"]["relabelled_by_base"]["meta-llama/Llama-3.1-8B-Instruct"]
            .as_u64()
            .is_some(),
        "{}",
        c.json["summary"]
    );
    assert!(out.path().join("lineage.parquet").is_file());
    // The reports beside the rows: one JSON report a model, marked metadata only.
    let gz = std::fs::read(out.path().join("reports/part-00000.jsonl.gz")).unwrap();
    let mut first = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut first).unwrap();
    let report: Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert!(report["notes"].to_string().contains("metadata only"));
}

#[test]
fn a_429_storm_and_a_cut_off_page_lose_no_model() {
    let hub = FakeHub::fixtures();
    hub.fault(
        "/api/models?cursor=c14",
        Fault::RateLimit { retry_after: 0 },
        6,
    );
    hub.fault("/api/models?cursor=c28", Fault::Truncate, 1);
    let out = tempfile::tempdir().unwrap();
    let c = census(&hub, out.path(), &[]);
    assert_eq!(c.code, Some(0), "{}", c.stderr);
    let n = listed_fixtures();
    assert_eq!(rows(out.path()).len(), n);
    // Every refused or cut-off call was made again, and nothing more.
    assert_eq!(listing_calls(&hub), n.div_ceil(7) + 6 + 1);
}

#[test]
fn a_cursor_that_loops_stops_the_census_and_keeps_what_was_listed() {
    let hub = FakeHub::fixtures();
    hub.fault("/api/models?cursor=c14", Fault::NextCursor("c0".into()), 1);
    let out = tempfile::tempdir().unwrap();
    let c = census(&hub, out.path(), &[]);
    assert_eq!(c.code, Some(2), "{}", c.stderr);
    assert!(c.stderr.contains("loops"), "{}", c.stderr);
    assert_eq!(c.json["checkpoint"]["complete"], false);
    // Pages 1 to 3 were written. Page 3 links back to the start under a new cursor, so the
    // repeat shows in the models: page 4 is page 1 again, and is not written.
    assert_eq!(rows(out.path()).len(), 21);
    assert_eq!(listing_calls(&hub), 4);
}

#[test]
fn a_stopped_census_resumes_at_its_cursor() {
    let hub = FakeHub::fixtures();
    let out = tempfile::tempdir().unwrap();
    let first = census(&hub, out.path(), &["--max-models", "14"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert_eq!(first.json["checkpoint"]["complete"], false);
    assert_eq!(first.json["summary"]["models"], 14);
    assert!(first.stderr.contains("--resume"), "{}", first.stderr);
    // Without --resume the folder is not overwritten.
    let again = census(&hub, out.path(), &[]);
    assert_eq!(again.code, Some(2));
    assert!(
        again.stderr.contains("already holds a census"),
        "{}",
        again.stderr
    );
    // Other filters cannot continue it.
    let other = census(&hub, out.path(), &["--resume", "--author", "acme"]);
    assert_eq!(other.code, Some(2));
    assert!(other.stderr.contains("other filters"), "{}", other.stderr);
    let resumed = census(&hub, out.path(), &["--resume"]);
    assert_eq!(resumed.code, Some(0), "{}", resumed.stderr);
    let n = listed_fixtures();
    assert_eq!(resumed.json["checkpoint"]["complete"], true);
    let every = rows(out.path());
    assert_eq!(every.len(), n);
    let ids: HashSet<&str> = every.iter().map(|r| r.0.model.as_str()).collect();
    assert_eq!(
        ids.len(),
        n,
        "the resumed run starts at its cursor: no page twice"
    );
    assert_eq!(listing_calls(&hub), n.div_ceil(7));
    assert_eq!(resumed.json["checkpoint"]["calls"], n.div_ceil(7) as u64);
}

#[test]
fn filters_are_passed_through_and_the_window_is_waited_for() {
    let hub = FakeHub::fixtures();
    hub.set_quota(Quota { quota: 2, reset: 0 });
    let out = tempfile::tempdir().unwrap();
    let c = census(
        &hub,
        out.path(),
        &["--author", "acme", "--filter", "region:us"],
    );
    assert_eq!(c.code, Some(0), "{}", c.stderr);
    let every = rows(out.path());
    assert!(!every.is_empty());
    assert!(every.iter().all(|r| r.0.model.starts_with("acme/")));
    let q = hub.requests()[0].query.clone().unwrap();
    assert!(q.contains("author=acme"), "{q}");
    assert!(q.contains("filter=region%3Aus"), "{q}");
    assert!(q.contains("expand=cardData"), "{q}");
    assert!(c.stderr.contains("waiting 0 s"), "{}", c.stderr);
}

/// The fake hub's whole listing as one JSON array (what a dump holds).
fn whole_listing(hub: &FakeHub) -> Vec<Value> {
    let url = format!("{}/api/models?limit=1000", hub.url);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let body = rt.block_on(async { reqwest::get(url).await.unwrap().bytes().await.unwrap() });
    serde_json::from_slice(&body).unwrap()
}

/// A dump in the shape published dumps have: one row a model, nested fields as JSON text,
/// some columns under snake_case names.
fn write_dump(path: &Path, models: &[Value]) {
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    let text = |key: &str| -> ArrayRef {
        std::sync::Arc::new(StringArray::from(
            models
                .iter()
                .map(|m| {
                    m.get(key).filter(|v| !v.is_null()).map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                })
                .collect::<Vec<_>>(),
        ))
    };
    let batch = RecordBatch::try_from_iter([
        ("id", text("id")),
        ("card_data", text("cardData")),
        ("tags", text("tags")),
        ("siblings", text("siblings")),
        ("gated", text("gated")),
        ("last_modified", text("lastModified")),
    ])
    .unwrap();
    write_parquet(path, &batch);
}

fn write_parquet(path: &Path, batch: &arrow_array::RecordBatch) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

#[test]
fn a_published_dump_gives_the_rows_a_crawl_gives() {
    let hub = FakeHub::fixtures();
    let crawled = tempfile::tempdir().unwrap();
    assert_eq!(census(&hub, crawled.path(), &[]).code, Some(0));
    let work = tempfile::tempdir().unwrap();
    let dump = work.path().join("models.parquet");
    write_dump(&dump, &whole_listing(&hub));
    let before = hub.requests().len();
    let out = work.path().join("census");
    let c = census(&hub, &out, &["--from", dump.to_str().unwrap()]);
    assert_eq!(c.code, Some(0), "{}", c.stderr);
    assert_eq!(hub.requests().len(), before, "a dump needs no request");
    let key = |rows: Vec<PartRow>| {
        let mut v: Vec<(String, String, Vec<String>)> = rows
            .into_iter()
            .map(|(n, license, _)| {
                (
                    n.model,
                    format!("{} {license}", n.verdict.as_str()),
                    n.bases,
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(key(rows(&out)), key(rows(crawled.path())));
    // Stopped after a page and resumed: the rows it holds are skipped, none twice.
    let resumed = work.path().join("resumed");
    assert_eq!(
        census(
            &hub,
            &resumed,
            &["--from", dump.to_str().unwrap(), "--max-models", "7"]
        )
        .code,
        Some(0)
    );
    let r = census(
        &hub,
        &resumed,
        &["--from", dump.to_str().unwrap(), "--resume"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(key(rows(&resumed)), key(rows(crawled.path())));
}

#[test]
fn a_dump_whose_columns_do_not_fit_is_refused() {
    let hub = FakeHub::fixtures();
    let work = tempfile::tempdir().unwrap();
    let dump = work.path().join("spaces.parquet");
    {
        use arrow_array::{ArrayRef, RecordBatch, StringArray};
        let batch = RecordBatch::try_from_iter([(
            "space",
            std::sync::Arc::new(StringArray::from(vec!["a/b"])) as ArrayRef,
        )])
        .unwrap();
        write_parquet(&dump, &batch);
    }
    let c = census(
        &hub,
        &work.path().join("census"),
        &["--from", dump.to_str().unwrap()],
    );
    assert_eq!(c.code, Some(2));
    assert!(c.stderr.contains("spaces.parquet"), "{}", c.stderr);
    assert!(c.stderr.contains("no `id` column"), "{}", c.stderr);
}

/// `(model, metadata_verdict, verdict)` of an escalated part.
fn escalated(path: &Path) -> Vec<(String, String, Option<String>)> {
    use arrow_array::{Array, StringArray};
    let file = std::fs::File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let col = |n: &str| {
            batch
                .column_by_name(n)
                .unwrap()
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .clone()
        };
        let (m, meta, v) = (col("model"), col("metadata_verdict"), col("verdict"));
        for i in 0..batch.num_rows() {
            out.push((
                m.value(i).to_string(),
                meta.value(i).to_string(),
                (!v.is_null(i)).then(|| v.value(i).to_string()),
            ));
        }
    }
    out
}

fn escalate(hub: &FakeHub, dir: &Path, extra: &[&str]) -> Census {
    let args: Vec<&std::ffi::OsStr> = vec![
        "census".as_ref(),
        "escalate".as_ref(),
        dir.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    invoke(hub, &args, extra)
}

#[test]
fn escalation_reads_the_files_of_the_models_that_need_them_within_the_budget() {
    let hub = FakeHub::fixtures();
    let out = tempfile::tempdir().unwrap();
    assert_eq!(census(&hub, out.path(), &[]).code, Some(0));
    let list = out.path().join("named.txt");
    std::fs::write(
        &list,
        "acme/plain-apache\nacme/card-says-nc\nnot/in-census\n",
    )
    .unwrap();
    let named = [
        "--escalate-list",
        list.to_str().unwrap(),
        "--min-downloads",
        "100000000",
        "--budget",
        "3",
    ];
    let before = hub.requests().len();
    let e = escalate(&hub, out.path(), &named);
    assert!(
        e.stderr.contains("not/in-census is not in the census"),
        "{}",
        e.stderr
    );
    assert!(e.stderr.contains("2 models to audit"), "{}", e.stderr);
    let rows = escalated(&out.path().join("escalated/1-of-1.parquet"));
    let plain = rows.iter().find(|r| r.0 == "acme/plain-apache").unwrap();
    // The census could not say `allowed` without the files; the full audit read them.
    assert_eq!(plain.1, "unknown");
    assert_eq!(plain.2.as_deref(), Some("allowed"));
    let nc = rows.iter().find(|r| r.0 == "acme/card-says-nc").unwrap();
    assert_eq!(nc.2.as_deref(), Some("prohibited"));
    assert!(hub.requests().len() > before, "the files were read");
    assert_eq!(e.json["models"].as_array().unwrap().len(), 2);
    // The results file holds each audit: a second run with --resume audits nothing again.
    let before = hub.requests().len();
    let again = escalate(&hub, out.path(), &[&named[..], &["--resume"]].concat());
    assert_eq!(again.code, e.code, "{}", again.stderr);
    assert_eq!(hub.requests().len(), before);
}

#[test]
fn shards_split_the_escalation_between_machines() {
    let hub = FakeHub::fixtures();
    let out = tempfile::tempdir().unwrap();
    assert_eq!(census(&hub, out.path(), &[]).code, Some(0));
    let mut all: Vec<String> = Vec::new();
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let e = escalate(
            &hub,
            out.path(),
            &[
                "--min-downloads",
                "0",
                "--budget",
                "100000",
                "--shard",
                &shard,
            ],
        );
        assert!(e.code.is_some(), "{}", e.stderr);
        let rows = escalated(&out.path().join(format!("escalated/{k}-of-2.parquet")));
        assert!(!rows.is_empty());
        all.extend(rows.into_iter().map(|r| r.0));
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "no model on two shards");
    let bad = escalate(&hub, out.path(), &["--shard", "3/2"]);
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("K must be between 1 and N"),
        "{}",
        bad.stderr
    );
}
