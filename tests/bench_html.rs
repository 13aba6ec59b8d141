//! The decision page's benchmark (ignored by `cargo test`; run by scripts/bench-html.sh): a
//! 50-model shortlist — the fake hub's fixture repositories (real shapes, failures included)
//! and every closed API model of the catalog — rendered as one page; it reports the page's
//! size, the time isopen takes to audit and render it, and the time a headless chromium takes
//! to load it, run its script and dump the DOM, against the same browser on an empty page.
//! Nothing here asserts a time: it measures.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use support::fake_hub::FakeHub;
use support::isopen;

const MODELS: usize = 50;

/// `org/name` of every fixture repository of the fake hub.
fn fixture_ids() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hub/models");
    let mut ids = Vec::new();
    for org in std::fs::read_dir(&root).unwrap().flatten() {
        for name in std::fs::read_dir(org.path()).unwrap().flatten() {
            if name.path().is_dir() {
                ids.push(format!(
                    "{}/{}",
                    org.file_name().to_string_lossy(),
                    name.file_name().to_string_lossy()
                ));
            }
        }
    }
    ids.sort();
    ids
}

fn browser_time(browser: &Path, page: &Path) -> (f64, usize) {
    let profile = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.ends_with("blank.html") || dom.contains("data-script=\"ok\""),
        "the page's script did not run"
    );
    (secs, dom.matches("<tr data-model=").count())
}

#[test]
#[ignore = "a benchmark: scripts/bench-html.sh"]
fn decision_page_for_fifty_models() {
    let catalog = isopen::catalog::Catalog::builtin().unwrap();
    let api: Vec<String> = catalog
        .providers
        .iter()
        .flat_map(|p| {
            p.models
                .iter()
                .map(move |m| format!("api:{}/{}", p.id, m.id))
        })
        .collect();
    let mut refs: Vec<String> = fixture_ids().into_iter().take(MODELS - api.len()).collect();
    refs.extend(api);
    assert_eq!(
        refs.len(),
        MODELS,
        "not enough fixtures for {MODELS} models"
    );
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("fifty.txt");
    std::fs::write(&list, refs.join("\n")).unwrap();

    let hub = FakeHub::fixtures();
    let (mut cmd, _home) = isopen(&hub.url);
    let start = Instant::now();
    let out = cmd
        .args(["batch", list.to_str().unwrap(), "--format", "html"])
        .output()
        .unwrap();
    let audit = start.elapsed().as_secs_f64();
    let page = dir.path().join("fifty.html");
    std::fs::write(&page, &out.stdout).unwrap();
    println!(
        "page for {MODELS} models: {} bytes ({:.0} KiB); audit and render: {audit:.2} s",
        out.stdout.len(),
        out.stdout.len() as f64 / 1024.0
    );
    let browser = std::env::var_os("ISOPEN_BROWSER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("chromium"));
    let blank = dir.path().join("blank.html");
    std::fs::write(&blank, "<!DOCTYPE html><title>blank</title>").unwrap();
    let runs = 3;
    let (mut base, mut load, mut rows) = (0.0, 0.0, 0);
    for _ in 0..runs {
        base += browser_time(&browser, &blank).0;
        let (t, r) = browser_time(&browser, &page);
        load += t;
        rows = r;
    }
    let (base, load) = (base / f64::from(runs), load / f64::from(runs));
    println!(
        "headless chromium, mean of {runs}: {load:.2} s to load the page, run its script and dump \
         {rows} rows; {base:.2} s for an empty page; difference {:.2} s",
        load - base
    );
}
