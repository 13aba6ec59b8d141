//! The on-disk cache: files at a commit are served from it, model info is revalidated with its
//! ETag, and `--offline` answers from it (and fails clearly when it is cold).

mod support;

use support::fake_hub::FakeHub;
use support::{isopen, json};

#[test]
fn a_second_audit_revalidates_info_and_reuses_files() {
    let hub = FakeHub::fixtures();
    let cache = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
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
            .args(extra)
            .output()
            .unwrap();
        (json(&out), out.status.code())
    };
    let (first, code) = run(&[]);
    assert_eq!(code, Some(0));
    let cold = hub.requests().len();
    assert_eq!(cold, 4);
    assert!(cache.path().join("v1").is_dir());

    let (second, code) = run(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(second, first);
    let warm = &hub.requests()[cold..];
    // The model info and the dataset info are asked again with their ETags and answer 304;
    // README and LICENSE at that commit are not asked for at all.
    assert_eq!(warm.len(), 2, "{warm:?}");
    assert!(
        warm.iter()
            .all(|r| r.if_none_match.is_some() && r.status == 304),
        "{warm:?}"
    );

    // Offline, the warm cache answers everything without a request.
    let (third, code) = run(&["--offline"]);
    assert_eq!(code, Some(0));
    assert_eq!(third["models"][0]["license"], first["models"][0]["license"]);
    assert_eq!(hub.requests().len(), cold + 2);
}

#[test]
fn offline_with_a_cold_cache_fails_clearly() {
    let hub = FakeHub::fixtures();
    let cache = tempfile::tempdir().unwrap();
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .env("HF_HUB_OFFLINE", "1")
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
    assert_eq!(out.status.code(), Some(2));
    let m = &json(&out)["models"][0];
    assert_eq!(m["error"]["kind"], "offline");
    assert!(
        m["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not in the cache"),
        "{m}"
    );
    assert!(hub.requests().is_empty());
}
