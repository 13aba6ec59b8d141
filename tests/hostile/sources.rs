//! The other sources (issue 12): an Ollama registry or store, a ModelScope answer or a `.gguf`
//! file written by someone who wants a clean report. Digests that climb out of the store,
//! manifests of 10,000 layers, license layers of 50 MB, redirect loops: bounded, clear, never a
//! panic, and never `allowed` from what was not read.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::fake_hub::{FakeHub, Fault};
use crate::support::gguf::s;
use crate::support::ollama::{self, LICENSE, MODEL, Store, gguf};
use crate::support::scenario::{assert_risk, verdict};
use crate::support::{isopen, json, risk_codes};

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn hub_with(store: &Path) -> FakeHub {
    FakeHub::start_sources(fixtures().join("hub"), store, fixtures().join("modelscope"))
}

fn audit(endpoint: &str, store: Option<&Path>, args: &[&str]) -> Value {
    let (mut cmd, _home) = isopen(endpoint);
    if let Some(s) = store {
        cmd.env("OLLAMA_MODELS", s);
    }
    let out = cmd
        .env("ISOPEN_BACKOFF_MS", "1")
        .args(["audit", "--format", "json"])
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    json(&out)["models"][0].clone()
}

fn unread(m: &Value) -> bool {
    risk_codes(m).iter().any(|c| c == "evidence-unread")
}

/// A manifest for `acme/<name>:latest`: a model layer whose GGUF header says `mit`, and these
/// layers as written (their digests are not checked by the writer).
fn hostile(st: &mut Store, name: &str, extra: Vec<Value>) {
    let header = gguf(&[
        ("general.architecture", s("llama")),
        ("general.license", s("mit")),
    ]);
    let model_digest = st.blob(&header);
    let config = serde_json::to_vec(&ollama::config("llama", "1B", "Q8_0")).unwrap();
    let config_digest = st.blob(&config);
    let mut layers =
        vec![json!({"mediaType": MODEL, "digest": model_digest, "size": 1_000_000_000u64})];
    layers.extend(extra);
    st.manifest(
        "acme",
        name,
        "latest",
        &json!({"schemaVersion": 2, "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": config_digest, "size": config.len()}, "layers": layers}),
    );
}

/// A layer digest that climbs out of the store (`sha256:../../…`) is never made into a path or
/// a URL: the layer is not read, that is evidence unread, and the GGUF header's `mit` alone
/// cannot make the model `allowed`. From the registry and from the local store alike.
#[test]
fn a_digest_that_climbs_out_of_the_store() {
    let mut st = Store::default();
    for (name, digest) in [
        ("climb", "sha256:../../../../../../etc/passwd"),
        (
            "climb-hex",
            "sha256:../../blobs/sha256-0000000000000000000000000000000000000000000000000000000000",
        ),
        ("slash", "sha256:/etc/passwd"),
    ] {
        hostile(
            &mut st,
            name,
            vec![json!({"mediaType": LICENSE, "digest": digest, "size": 100})],
        );
    }
    // A model layer with such a digest: the header, the only source of terms, is unread.
    let mut bad_model = Store::default();
    hostile(&mut bad_model, "unused", vec![]);
    st.manifest(
        "acme",
        "climb-model",
        "latest",
        &json!({"schemaVersion": 2, "layers": [{"mediaType": MODEL, "digest": "sha256:../../../../etc/shadow", "size": 5}]}),
    );
    let tmp = st.temp();
    let hub = hub_with(tmp.path());
    for name in ["climb", "climb-hex", "slash", "climb-model"] {
        let r = format!("ollama:acme/{name}");
        for (endpoint, store, offline) in [
            (hub.url.as_str(), None, false),
            ("http://127.0.0.1:9", Some(tmp.path()), true),
        ] {
            let mut args = vec![r.as_str()];
            if offline {
                args.push("--offline");
            }
            let m = audit(endpoint, store, &args);
            assert_eq!(m["status"], "ok", "{name}: {m:#}");
            assert!(unread(&m), "{name}: {m:#}");
            assert_ne!(verdict(&m), "allowed", "{name}: {m:#}");
        }
    }
    for r in hub.requests() {
        assert!(!r.path.contains(".."), "a digest reached a URL: {}", r.path);
        assert!(
            !r.path.contains("/etc/"),
            "a digest reached a URL: {}",
            r.path
        );
    }
}

/// A manifest naming 10,000 license layers: at most 8 are fetched, the rest are one
/// evidence-unread source, and the audit ends quickly.
#[test]
fn a_manifest_of_ten_thousand_layers() {
    let mut st = Store::default();
    let mut layers = Vec::new();
    for i in 0..10_000 {
        let text = format!("Licensed under the Apache License, Version 2.0. ({i})\n");
        let d = st.blob(text.as_bytes());
        layers.push(json!({"mediaType": LICENSE, "digest": d, "size": text.len()}));
    }
    hostile(&mut st, "many", layers);
    let tmp = st.temp();
    let hub = hub_with(tmp.path());
    let start = Instant::now();
    let m = audit(&hub.url, None, &["ollama:acme/many"]);
    assert!(start.elapsed() < Duration::from_secs(60));
    assert_eq!(m["status"], "ok", "{m:#}");
    assert!(unread(&m), "{m:#}");
    assert_ne!(verdict(&m), "allowed");
    let blobs = crate::support::fake_hub::count(&hub.requests(), "/v2/acme/many/blobs/");
    // 8 license layers, the config and the model's header.
    assert!(blobs <= 10, "{blobs} blob requests");
    assert_risk(&m, "evidence-unread", "10000 license layers");
}

/// A license layer of 50 MB: read up to the license limit (8 MiB) and no further — the server
/// is cut off — and what was cut is evidence unread.
#[test]
fn a_license_layer_of_fifty_megabytes() {
    let mut st = Store::default();
    let text = "Licensed under the Apache License, Version 2.0.\n";
    let d = st.blob(text.as_bytes());
    hostile(
        &mut st,
        "biglicense",
        vec![json!({"mediaType": LICENSE, "digest": d, "size": 50_000_000})],
    );
    let tmp = st.temp();
    let hub = hub_with(tmp.path());
    hub.fault(
        &format!("/v2/acme/biglicense/blobs/{d}"),
        Fault::Sparse(50_000_000),
        10,
    );
    let m = audit(&hub.url, None, &["ollama:acme/biglicense"]);
    assert_eq!(m["status"], "ok", "{m:#}");
    assert!(unread(&m), "{m:#}");
    assert_ne!(verdict(&m), "allowed");
    let sent: u64 = hub
        .requests()
        .iter()
        .filter(|r| r.path.ends_with(&d))
        .map(|r| r.bytes_sent())
        .sum();
    // What the server manages to push is the 8 MiB read plus whatever the loopback socket
    // buffers took before the client hung up, and Linux grows those to tens of MiB on a
    // loaded machine; a client that drained the layer would have taken all of it.
    assert!(sent < 50_000_000, "{sent} bytes sent for a 50 MB layer");
}

/// Redirect loops: on the model layer, the header (the only source of terms) is unread and the
/// verdict is not `allowed`; on the manifest, a clear bad-response error. Bounded either way.
#[test]
fn redirect_loops() {
    let tmp = ollama::store().temp();
    let hub = hub_with(tmp.path());
    let st = ollama::store();
    let d = st.layer_digest("acme", "tiny", "latest", MODEL);
    let blob = format!("/v2/acme/tiny/blobs/{d}");
    hub.fault(&blob, Fault::Redirect(blob.clone()), 1000);
    let start = Instant::now();
    let m = audit(&hub.url, None, &["ollama:acme/tiny"]);
    assert!(start.elapsed() < Duration::from_secs(60));
    assert_eq!(m["status"], "ok", "{m:#}");
    assert!(unread(&m), "{m:#}");
    assert_ne!(verdict(&m), "allowed");
    assert!(
        m["risks"].to_string().contains("redirect"),
        "{:#}",
        m["risks"]
    );

    let manifest = "/v2/library/gemma/manifests/2b";
    hub.fault(manifest, Fault::Redirect(manifest.into()), 1000);
    let m = audit(&hub.url, None, &["ollama:gemma:2b"]);
    assert_eq!(m["status"], "error");
    assert_eq!(m["error"]["kind"], "bad-response", "{m:#}");
    assert!(crate::support::fake_hub::count(&hub.requests(), manifest) <= 7);
}

/// A blob that fails its digest (the registry or the store hands back other bytes) is not the
/// layer the manifest names: not read, evidence unread.
#[test]
fn a_blob_that_is_not_its_digest() {
    let st = ollama::store();
    let d = st.layer_digest("library", "gemma", "2b", LICENSE);
    let tmp = st.temp();
    std::fs::write(
        tmp.path().join("blobs").join(d.replace(':', "-")),
        "Licensed under the MIT License.\n",
    )
    .unwrap();
    let m = audit(
        "http://127.0.0.1:9",
        Some(tmp.path()),
        &["ollama:gemma:2b", "--offline"],
    );
    assert!(unread(&m), "{m:#}");
    assert!(
        m["risks"].to_string().contains("does not match its digest"),
        "{m:#}"
    );
    let hub = hub_with(tmp.path());
    let m = audit(&hub.url, None, &["ollama:gemma:2b"]);
    assert!(unread(&m), "{m:#}");
}

/// A store whose blob is a link out of the store is never read through it.
#[cfg(unix)]
#[test]
fn a_store_blob_linked_out_is_not_read() {
    let st = ollama::store();
    let d = st.layer_digest("library", "gemma", "2b", LICENSE);
    let tmp = st.temp();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret");
    std::fs::write(&secret, ollama::GEMMA_TERMS).unwrap();
    let blob = tmp.path().join("blobs").join(d.replace(':', "-"));
    std::fs::remove_file(&blob).unwrap();
    std::os::unix::fs::symlink(&secret, &blob).unwrap();
    let m = audit(
        "http://127.0.0.1:9",
        Some(tmp.path()),
        &["ollama:gemma:2b", "--offline"],
    );
    assert!(unread(&m), "{m:#}");
    assert!(m["risks"].to_string().contains("link out"), "{m:#}");
}

/// A manifest that is not JSON, or far too large, is a clear error.
#[test]
fn a_broken_manifest_is_a_clear_error() {
    let mut st = Store::default();
    st.files.push((
        "manifests/registry.ollama.ai/acme/broken/latest".into(),
        b"{\"layers\": [".to_vec(),
    ));
    st.files.push((
        "manifests/registry.ollama.ai/acme/huge/latest".into(),
        vec![b' '; 5 * 1024 * 1024],
    ));
    let tmp = st.temp();
    let hub = hub_with(tmp.path());
    for name in ["broken", "huge"] {
        let m = audit(&hub.url, None, &[&format!("ollama:acme/{name}")]);
        assert_eq!(m["status"], "error", "{m:#}");
        assert_eq!(m["error"]["kind"], "bad-response", "{name}: {m:#}");
    }
}
