//! The other model sources (issue 12): Ollama registries and the local Ollama store, bare
//! `.gguf` files, ModelScope (both API shapes) and its cache — each audited through the same
//! pipeline as a Hub repository, against the fake hub's registries or folders built in a
//! temporary directory.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;

use support::fake_hub::FakeHub;
use support::scenario::{assert_risk, verdict};
use support::{json, risk_codes, run};

fn audit(hub: &FakeHub, model: &str) -> Value {
    let out = run(&hub.url, &["audit", model, "--format", "json"]);
    json(&out)["models"][0].clone()
}

fn sources_of(m: &Value) -> Vec<(String, String)> {
    m["license"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap().to_string(),
                s["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `fixtures/ollama/` is the writer's output: regenerate it with
/// `ISOPEN_UPDATE_FIXTURES=1 cargo test --test sources ollama_fixtures`.
#[test]
fn ollama_fixtures_are_the_writers_output() {
    let root = fixtures().join("ollama");
    let store = support::ollama::store();
    if std::env::var_os("ISOPEN_UPDATE_FIXTURES").is_some() {
        let _ = std::fs::remove_dir_all(&root);
        store.write(&root);
    }
    for (path, bytes) in &store.files {
        let stored = std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(stored == *bytes, "{path} differs from the writer's output");
    }
}

/// `llama3.2:3b` as the registry serves it: each license layer is identified on its own (the
/// Llama 3.2 license and its Acceptable Use Policy, never one text), the GGUF header's
/// `general.license` agrees with them, the manifest is asked for in its media type (whatever
/// `Content-Type` comes back), and the model layer costs one range request of its first bytes.
#[test]
fn ollama_llama32_reads_each_license_layer_on_its_own() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "ollama:llama3.2:3b");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["source"], "ollama");
    assert_eq!(m["model"], "ollama:llama3.2:3b");
    assert!(m["revision"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(verdict(&m), "conditional", "{m:#}");
    assert_eq!(m["license"]["id"], "llama3.2");
    let sources = sources_of(&m);
    let files: Vec<&str> = m["license"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "license-file")
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert!(
        sources.contains(&("license-file".into(), "llama3.2".into())),
        "{sources:?}"
    );
    assert!(
        sources.contains(&("license-file".into(), "llama3.2-aup".into())),
        "{sources:?}"
    );
    assert!(
        sources.contains(&("gguf-metadata".into(), "llama3.2".into())),
        "{sources:?}"
    );
    assert_eq!(files.len(), 2, "two license layers, two sources: {files:?}");
    assert_ne!(files[0], files[1]);
    assert!(files.iter().all(|f| f.starts_with("license-")), "{files:?}");
    assert!(!risk_codes(&m).contains(&"license-mismatch".to_string()));
    assert!(!risk_codes(&m).contains(&"evidence-unread".to_string()));
    let w = &m["weights"];
    assert_eq!(w["availability"], "open");
    assert_eq!(w["formats"][0], "gguf");
    assert_eq!(w["bytes"], 2_019_377_376u64);
    assert_eq!(w["parameters"], 3_000_000_000u64);

    let log = hub.requests();
    let manifest: Vec<_> = log
        .iter()
        .filter(|r| r.path.contains("/manifests/"))
        .collect();
    assert_eq!(manifest.len(), 1);
    assert_eq!(manifest[0].path, "/v2/library/llama3.2/manifests/3b");
    let ranged: Vec<_> = log.iter().filter(|r| r.range.is_some()).collect();
    assert_eq!(
        ranged.len(),
        1,
        "only the model layer is read by range: {log:?}"
    );
    assert_eq!(ranged[0].range.as_deref(), Some("bytes=0-262143"));
    assert!(
        log.iter().all(|r| r.authorization.is_none()),
        "no token to Ollama"
    );
    // Manifest, config, two licenses, template, params, model header.
    assert_eq!(support::fake_hub::count(&log, "/v2/"), 7, "{log:#?}");
}

/// `gemma:2b`: one license layer, the Gemma terms.
#[test]
fn ollama_gemma() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "ollama:gemma:2b");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["license"]["id"], "gemma");
    assert_eq!(verdict(&m), "conditional");
    assert!(sources_of(&m).contains(&("gguf-metadata".into(), "gemma".into())));
}

/// A GGUF header whose `general.license` says `apache-2.0` under a license layer saying
/// Llama 3.2: the sources disagree (`license-mismatch`), the most restrictive applies.
#[test]
fn a_gguf_license_that_contradicts_the_license_layer_is_a_mismatch() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "ollama:acme/relabeled");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert!(
        risk_codes(&m).contains(&"license-mismatch".to_string()),
        "{m:#}"
    );
    assert_ne!(verdict(&m), "allowed");
    assert_eq!(verdict(&m), "conditional");
    assert_risk(&m, "license-mismatch", "GGUF header");
}

/// A cloud model has no weights: `absent`, and said so; its license layer is still read.
#[test]
fn a_cloud_model_has_no_weights() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "ollama:gpt-oss:120b-cloud");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["weights"]["availability"], "absent");
    assert!(risk_codes(&m).contains(&"weights-absent".to_string()));
    assert!(
        m["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("cloud model")),
        "{:#}",
        m["notes"]
    );
    assert_eq!(m["license"]["id"], "apache-2.0");
    assert!(
        hub.requests().iter().all(|r| r.range.is_none()),
        "no model layer, no GGUF read"
    );
}

/// No license layer: the GGUF header is the only source, and read whole it is enough.
#[test]
fn a_gguf_header_alone_can_state_the_terms() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "ollama:acme/tiny");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(
        sources_of(&m),
        [("gguf-metadata".to_string(), "mit".to_string())]
    );
    assert_eq!(m["license"]["declared"], "mit");
    assert_eq!(m["weights"]["parameters"], 135_000_000u64);
    assert_eq!(verdict(&m), "allowed", "{m:#}");
}

/// An Ollama name that points at Hugging Face is that repository: audited as such, and the
/// header of that quantisation's `.gguf` file is read (its license too).
#[test]
fn an_hf_co_name_is_the_hub_repository() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "ollama:hf.co/realworld/chat-8b-gguf:Q2_K");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["source"], "huggingface");
    assert_eq!(m["model"], "ollama:hf.co/realworld/chat-8b-gguf:Q2_K");
    let log = hub.requests();
    assert!(log.iter().all(|r| !r.path.starts_with("/v2/")), "{log:?}");
    let gguf: Vec<_> = log.iter().filter(|r| r.path.ends_with(".gguf")).collect();
    assert_eq!(gguf.len(), 1);
    assert!(gguf[0].path.ends_with("chat-8b.Q2_K.gguf"));
    // The header says llama3.1 under an apache-2.0 card.
    assert!(sources_of(&m).contains(&("gguf-metadata".into(), "llama3.1".into())));
    assert!(risk_codes(&m).contains(&"license-mismatch".to_string()));
    assert_ne!(verdict(&m), "allowed");
}

/// A missing model is a `not-found` error naming it.
#[test]
fn a_missing_ollama_model_is_not_found() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "ollama:nosuch:1b");
    assert_eq!(m["status"], "error");
    assert_eq!(m["source"], "ollama");
    assert_eq!(m["error"]["kind"], "not-found", "{m:#}");
    assert!(
        m["error"]["message"]
            .as_str()
            .unwrap()
            .contains("library/nosuch:1b")
    );
}

/// A store in a temporary folder: the fixtures', plus what `add` writes.
fn temp_store(add: impl FnOnce(&mut support::ollama::Store)) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = support::ollama::store();
    add(&mut st);
    st.write(tmp.path());
    tmp
}

fn hub_with_store(store: &Path) -> FakeHub {
    FakeHub::start_sources(fixtures().join("hub"), store, fixtures().join("modelscope"))
}

/// Audits with the local Ollama store at `store`.
fn audit_with_store(endpoint: &str, store: &Path, args: &[&str]) -> Value {
    let (mut cmd, _home) = support::isopen(endpoint);
    let out = cmd
        .env("OLLAMA_MODELS", store)
        .args(["audit", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    json(&out)["models"][0].clone()
}

/// Offline, a model already pulled is read from the local store (no request: the endpoint
/// does not even listen); a model not pulled is an `offline` error.
#[test]
fn offline_the_local_store_answers() {
    let store = temp_store(|_| {});
    let m = audit_with_store(
        "http://127.0.0.1:9",
        store.path(),
        &["ollama:llama3.2:3b", "--offline"],
    );
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["source"], "ollama");
    assert_eq!(m["license"]["id"], "llama3.2");
    assert_eq!(verdict(&m), "conditional");
    assert!(sources_of(&m).contains(&("license-file".into(), "llama3.2-aup".into())));
    assert!(sources_of(&m).contains(&("gguf-metadata".into(), "llama3.2".into())));
    assert!(
        m["notes"].to_string().contains("local Ollama store"),
        "{:#}",
        m["notes"]
    );
    let m = audit_with_store(
        "http://127.0.0.1:9",
        store.path(),
        &["ollama:mistral:7b", "--offline"],
    );
    assert_eq!(m["status"], "error");
    assert_eq!(m["error"]["kind"], "offline", "{m:#}");
}

/// Online too, a model the store holds is read there: what was pulled is what runs, and it
/// costs no request.
#[test]
fn a_pulled_model_is_read_from_the_store() {
    let store = temp_store(|_| {});
    let hub = FakeHub::fixtures();
    let m = audit_with_store(&hub.url, store.path(), &["ollama:gemma:2b"]);
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["license"]["id"], "gemma");
    assert_eq!(support::fake_hub::count(&hub.requests(), "/v2/"), 0);
}

/// The newer store layout: `manifests-v2/` under the host `ollama.com`, the manifest file
/// holding the manifest, or only its digest (the blob holds it).
#[test]
fn the_v2_store_layout_is_read() {
    let store = temp_store(|_| {});
    let root = store.path();
    let v1 = root.join("manifests/registry.ollama.ai/library/gemma/2b");
    let manifest = std::fs::read(&v1).unwrap();
    std::fs::remove_dir_all(root.join("manifests")).unwrap();
    let v2 = root.join("manifests-v2/ollama.com/library/gemma");
    std::fs::create_dir_all(&v2).unwrap();
    let digest = support::ollama::digest(&manifest);
    std::fs::write(root.join("blobs").join(digest.replace(':', "-")), &manifest).unwrap();
    std::fs::write(v2.join("2b"), &digest).unwrap();
    let m = audit_with_store(
        "http://127.0.0.1:9",
        root,
        &["ollama:gemma:2b", "--offline"],
    );
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["license"]["id"], "gemma");
}

/// A GGUF header cut off before `general.license` (it did not fit in the bytes read): where
/// it is the only source of terms, that is evidence unread and the verdict cannot be
/// `allowed`; beside a license layer that states the terms, it is a note.
#[test]
fn a_gguf_header_cut_before_its_license() {
    let store = temp_store(|st| support::ollama::longhead(st, "longhead", &[]));
    let hub = hub_with_store(store.path());
    let m = audit(&hub, "ollama:acme/longhead");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert!(
        risk_codes(&m).contains(&"evidence-unread".to_string()),
        "{m:#}"
    );
    assert_ne!(verdict(&m), "allowed");
    assert_risk(&m, "evidence-unread", "general.license");

    // The same header beside a license layer: the layer states the terms.
    let store = temp_store(|st| {
        support::ollama::longhead(st, "longhead-licensed", &[support::ollama::APACHE_NOTICE])
    });
    let hub = hub_with_store(store.path());
    let m = audit(&hub, "ollama:acme/longhead-licensed");
    assert!(
        !risk_codes(&m).contains(&"evidence-unread".to_string()),
        "{m:#}"
    );
    assert_eq!(verdict(&m), "allowed", "{m:#}");
    assert!(
        m["notes"].to_string().contains("could not be read in full"),
        "{:#}",
        m["notes"]
    );
}

/// A model layer declared 4 GB whose server ignores `Range` and streams all of it: the header
/// costs its first 256 KiB and the connection is dropped; kilobytes, not gigabytes. A server
/// that honours the range sends exactly the range.
#[test]
fn a_four_gigabyte_gguf_blob_costs_kilobytes() {
    let st = support::ollama::store();
    let d = st.layer_digest("acme", "tiny", "latest", support::ollama::MODEL);
    let hub = FakeHub::fixtures();
    let blob = format!("/v2/acme/tiny/blobs/{d}");
    hub.fault(&blob, support::fake_hub::Fault::Sparse(4_000_000_000), 1);
    let m = audit(&hub, "ollama:acme/tiny");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(verdict(&m), "allowed", "the header was read: {m:#}");
    let log = hub.requests();
    let reads: Vec<_> = log.iter().filter(|r| r.path == blob).collect();
    assert_eq!(reads.len(), 1, "one request: {reads:?}");
    assert_eq!(reads[0].range.as_deref(), Some("bytes=0-262143"));
    // isopen keeps 262,144 bytes and hangs up; what the server had handed to the socket by
    // then is bounded by the loopback's buffers (a few MiB), not by the blob's 4 GB.
    let sent = reads[0].bytes_sent();
    eprintln!("a 4 GB blob ignoring Range: {sent} bytes handed to the connection");
    assert!(sent < 64 * 1024 * 1024, "{sent} bytes sent for a 4 GB blob");

    // A registry that honours the range: at most the range is sent.
    let big = support::gguf::header(
        0,
        &[
            ("general.license", support::gguf::s("mit")),
            (
                "tokenizer.chat_template",
                support::gguf::V::Str("x".repeat(600_000)),
            ),
        ],
    );
    let mut st = support::ollama::Store::default();
    st.model(
        "acme",
        "ranged",
        "latest",
        support::ollama::config("llama", "8B", "Q4_K_M"),
        vec![support::ollama::model(big, 4_000_000_000)],
    );
    let tmp = st.temp();
    let hub = hub_with_store(tmp.path());
    let m = audit(&hub, "ollama:acme/ranged");
    assert_eq!(verdict(&m), "allowed", "{m:#}");
    let sent: Vec<u64> = hub
        .requests()
        .iter()
        .filter(|r| r.range.is_some())
        .map(|r| r.bytes_sent())
        .collect();
    eprintln!("a ranged read: {sent:?} bytes");
    assert_eq!(sent, [262_144]);
}

/// A blob redirected to another host (the registry's storage) is followed there.
#[test]
fn a_blob_redirected_to_another_host_is_followed() {
    let storage = FakeHub::fixtures();
    let hub = FakeHub::fixtures();
    let st = support::ollama::store();
    let d = st.layer_digest("library", "gemma", "2b", support::ollama::LICENSE);
    let path = format!("/v2/library/gemma/blobs/{d}");
    hub.fault(
        &path,
        support::fake_hub::Fault::Redirect(format!("{}{path}", storage.url)),
        1,
    );
    let m = audit(&hub, "ollama:gemma:2b");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["license"]["id"], "gemma", "{m:#}");
    assert!(!risk_codes(&m).contains(&"evidence-unread".to_string()));
    assert_eq!(support::fake_hub::count(&storage.requests(), &path), 1);
}

/// Writes a `.gguf` file with these `general.*` keys (then a tokenizer's) into `dir`.
fn gguf_file(dir: &Path, name: &str, general: &[(&str, support::gguf::V)]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, support::ollama::gguf(general)).unwrap();
    path.to_str().unwrap().to_string()
}

fn audit_file(path: &str) -> Value {
    let out = run("http://127.0.0.1:9", &["audit", path, "--format", "json"]);
    json(&out)["models"][0].clone()
}

/// A bare `.gguf` file: `source: gguf`, its header's license keys read through the same aliases
/// as a card's (a comma-joined list or an SPDX expression part by part, `other` by its name),
/// its size label and its datasets.
#[test]
fn a_bare_gguf_file() {
    use support::gguf::{V, s, strs};
    let tmp = tempfile::tempdir().unwrap();
    let mit = gguf_file(
        tmp.path(),
        "tiny.Q8_0.gguf",
        &[
            ("general.architecture", s("llama")),
            ("general.name", s("Tiny")),
            ("general.size_label", s("135M")),
            ("general.license", s("mit")),
            ("general.dataset.count", V::U32(1)),
            (
                "general.dataset.0.repo_url",
                s("https://huggingface.co/datasets/allenai/c4"),
            ),
        ],
    );
    let m = audit_file(&mit);
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["source"], "gguf");
    assert_eq!(verdict(&m), "allowed", "{m:#}");
    assert_eq!(
        sources_of(&m),
        [("gguf-metadata".to_string(), "mit".to_string())]
    );
    assert_eq!(m["license"]["sources"][0]["file"], "tiny.Q8_0.gguf");
    assert_eq!(m["weights"]["formats"][0], "gguf");
    assert_eq!(m["weights"]["parameters"], 135_000_000u64);
    assert_eq!(m["datasets"][0]["id"], "allenai/c4", "{:#}", m["datasets"]);
    assert!(!risk_codes(&m).contains(&"training-data-undisclosed".to_string()));

    for (license, name, expect, ids) in [
        ("cc-by-nc-4.0", None, "prohibited", vec!["cc-by-nc-4.0"]),
        (
            "MIT OR Apache-2.0",
            None,
            "allowed",
            vec!["mit", "apache-2.0"],
        ),
        (
            "apache-2.0,cc-by-nc-4.0",
            None,
            "prohibited",
            vec!["apache-2.0", "cc-by-nc-4.0"],
        ),
        (
            "other",
            Some("Llama 3.1 Community License"),
            "conditional",
            vec!["llama3.1"],
        ),
        ("other", None, "unknown", vec!["unknown"]),
        ("acme-custom-terms", None, "unknown", vec!["unknown"]),
    ] {
        let mut general = vec![("general.license", s(license))];
        if let Some(n) = name {
            general.push(("general.license.name", s(n)));
        }
        let m = audit_file(&gguf_file(tmp.path(), "x.gguf", &general));
        assert_eq!(verdict(&m), expect, "{license}: {m:#}");
        let got: Vec<String> = sources_of(&m).into_iter().map(|(_, id)| id).collect();
        assert_eq!(got, ids, "{license}");
    }
    // No license key at all: nothing states terms.
    let m = audit_file(&gguf_file(
        tmp.path(),
        "nolicense.gguf",
        &[("general.tags", strs(&["x"]))],
    ));
    assert_eq!(verdict(&m), "unknown");
    assert!(risk_codes(&m).contains(&"license-missing".to_string()));
}

/// A `.gguf` file whose header cannot be read, or is cut before `general.license`: the header
/// is the only source of terms, so that is evidence unread and never `allowed`.
#[test]
fn a_bare_gguf_file_that_cannot_be_read() {
    use support::gguf::{V, s};
    let tmp = tempfile::tempdir().unwrap();
    let long = gguf_file(
        tmp.path(),
        "long.gguf",
        &[
            ("tokenizer.chat_template", V::Str("x".repeat(300_000))),
            ("general.license", s("mit")),
        ],
    );
    let not_gguf = tmp.path().join("notes.gguf");
    std::fs::write(&not_gguf, "MIT License\n").unwrap();
    for path in [long, not_gguf.to_str().unwrap().to_string()] {
        let m = audit_file(&path);
        assert_eq!(m["status"], "ok", "{m:#}");
        assert!(
            risk_codes(&m).contains(&"evidence-unread".to_string()),
            "{m:#}"
        );
        assert_ne!(verdict(&m), "allowed", "{m:#}");
    }
    // Not a regular file: an error, never a read.
    #[cfg(unix)]
    {
        let link = tmp.path().join("zero.gguf");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let m = audit_file(link.to_str().unwrap());
        assert_eq!(m["status"], "error", "{m:#}");
        assert_eq!(m["source"], "gguf");
    }
}

/// ModelScope through its OpenAPI: the free-text license (`Apache License 2.0`) is read through
/// the aliases, the file list names the LICENSE, which is downloaded; the README is fetched.
#[test]
fn modelscope_openapi() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "modelscope:acme-ms/chat-apache");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["source"], "modelscope");
    assert_eq!(m["model"], "modelscope:acme-ms/chat-apache");
    assert_eq!(m["revision"], "3f1c0a7e5b2d4c6e8f0a1b2c3d4e5f6a7b8c9d0e");
    assert_eq!(m["license"]["id"], "apache-2.0");
    assert_eq!(m["license"]["declared"], "Apache License 2.0");
    assert_eq!(verdict(&m), "allowed", "{m:#}");
    let sources = sources_of(&m);
    assert!(
        sources.contains(&("card-metadata".into(), "apache-2.0".into())),
        "{sources:?}"
    );
    assert!(
        sources.contains(&("license-file".into(), "apache-2.0".into())),
        "{sources:?}"
    );
    let log = hub.requests();
    let mut paths: Vec<String> = log
        .iter()
        .map(|r| format!("{}?{}", r.path, r.query.clone().unwrap_or_default()))
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/api/v1/models/acme-ms/chat-apache/repo/files?Revision=master&Recursive=true",
            "/api/v1/models/acme-ms/chat-apache/repo?Revision=master&FilePath=LICENSE",
            "/api/v1/models/acme-ms/chat-apache/repo?Revision=master&FilePath=README.md",
            "/openapi/v1/models/acme-ms/chat-apache?",
        ]
    );
    assert!(log.iter().all(|r| r.authorization.is_none()));
}

/// The legacy API only: a non-commercial license, the README inline (no download for it).
#[test]
fn modelscope_legacy_api_and_a_non_commercial_license() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "modelscope:acme-ms/research-nc");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(verdict(&m), "prohibited", "{m:#}");
    assert_eq!(m["license"]["id"], "cc-by-nc-4.0");
    assert!(risk_codes(&m).contains(&"non-commercial".to_string()));
    let log = hub.requests();
    assert!(
        log.iter()
            .any(|r| r.path == "/api/v1/models/acme-ms/research-nc")
    );
    assert!(
        !log.iter().any(|r| r
            .query
            .as_deref()
            .unwrap_or("")
            .contains("FilePath=README.md")),
        "the README came inline"
    );
    assert!(
        m["notes"].to_string().contains("legacy"),
        "{:#}",
        m["notes"]
    );
}

/// The card says `apache-2.0`, ModelScope lists CC BY-NC: a mismatch, and the most restrictive
/// applies.
#[test]
fn modelscope_listing_and_card_disagree() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "modelscope:acme-ms/listed-mismatch");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert!(
        risk_codes(&m).contains(&"license-mismatch".to_string()),
        "{m:#}"
    );
    assert_eq!(verdict(&m), "prohibited", "{m:#}");
}

/// A file list of 3,000 entries may have been cut by the server: license files past it would
/// be missing, so it is evidence unread and `mit` alone is not `allowed`.
#[test]
fn modelscope_a_cut_listing_is_evidence_unread() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "modelscope:acme-ms/many-files");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert!(
        risk_codes(&m).contains(&"evidence-unread".to_string()),
        "{m:#}"
    );
    assert_ne!(verdict(&m), "allowed");
}

/// Gated: the info says so, its files are refused without a token (evidence unread); with a
/// ModelScope token they are read, and the Hub's token is never sent to ModelScope.
#[test]
fn modelscope_gated_and_its_token() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "modelscope:acme-ms/gated-terms");
    assert_eq!(m["weights"]["gating"], "auto", "{:#}", m["weights"]);
    assert!(
        risk_codes(&m).contains(&"evidence-unread".to_string()),
        "{m:#}"
    );
    assert_ne!(verdict(&m), "allowed");

    let hub = FakeHub::fixtures();
    let (mut cmd, _home) = support::isopen(&hub.url);
    let out = cmd
        .env("HF_TOKEN", "hf_the_hub_token_0123")
        .env("MODELSCOPE_API_TOKEN", "ms-token-0123")
        .args([
            "audit",
            "modelscope:acme-ms/gated-terms",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let m = json(&out)["models"][0].clone();
    assert!(
        !risk_codes(&m).contains(&"evidence-unread".to_string()),
        "{m:#}"
    );
    assert_eq!(verdict(&m), "allowed", "{m:#}");
    for r in hub.requests() {
        assert_eq!(
            r.authorization.as_deref(),
            Some("Bearer ms-token-0123"),
            "{}",
            r.path
        );
    }
    assert!(!String::from_utf8_lossy(&out.stderr).contains("ms-token"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ms-token"));
}

/// A model ModelScope does not have: both APIs asked, a `not-found` error.
#[test]
fn modelscope_missing_model() {
    let hub = FakeHub::fixtures();
    let m = audit(&hub, "modelscope:acme-ms/nosuch");
    assert_eq!(m["status"], "error");
    assert_eq!(m["source"], "modelscope");
    assert_eq!(m["error"]["kind"], "not-found", "{m:#}");
}

/// Offline, from the ModelScope cache in both layouts (the new `models/{owner}--{name}/
/// snapshots/{rev}/` and the old `hub/models/{owner}/{name with . as ___}`); the pickled index
/// files beside them are never read; a model in neither is an `offline` error.
#[test]
fn modelscope_offline_from_its_cache() {
    let cache = tempfile::tempdir().unwrap();
    let new = cache
        .path()
        .join("models/acme-ms--new-layout/snapshots/master");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(
        new.join("README.md"),
        "---\nlicense: cc-by-nc-4.0\n---\n# new\n",
    )
    .unwrap();
    let old = cache.path().join("hub/models/acme-ms/old___layout");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("README.md"), "# old\n").unwrap();
    std::fs::write(
        old.join("LICENSE"),
        "This model is licensed under the Apache License, Version 2.0.\n",
    )
    .unwrap();
    // A pickle index (`.mdl`) whose bytes would not parse as anything isopen reads.
    std::fs::write(old.join(".mdl"), b"\x80\x04\x95LICENSE\x00").unwrap();
    let run_offline = |r: &str| {
        let (mut cmd, _home) = support::isopen("http://127.0.0.1:9");
        let out = cmd
            .env("MODELSCOPE_CACHE", cache.path())
            .args(["audit", r, "--offline", "--format", "json"])
            .output()
            .unwrap();
        json(&out)["models"][0].clone()
    };
    let m = run_offline("modelscope:acme-ms/new-layout");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["source"], "modelscope");
    assert_eq!(verdict(&m), "prohibited", "{m:#}");
    let m = run_offline("modelscope:acme-ms/old.layout");
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(m["license"]["id"], "apache-2.0", "{m:#}");
    assert!(!m.to_string().contains(".mdl"), "{m:#}");
    let m = run_offline("modelscope:acme-ms/elsewhere");
    assert_eq!(m["error"]["kind"], "offline", "{m:#}");
}

/// A shortlist may mix sources; each spelling of one model is audited once.
#[test]
fn a_batch_mixes_sources() {
    let hub = FakeHub::fixtures();
    let dir = tempfile::tempdir().unwrap();
    let gguf = gguf_file(
        dir.path(),
        "m.gguf",
        &[("general.license", support::gguf::s("mit"))],
    );
    let list = dir.path().join("list.txt");
    std::fs::write(
        &list,
        format!(
            "ollama:llama3.2:3b\nollama:library/llama3.2:3b   # the same model\nmodelscope:acme-ms/chat-apache\nmodelscope:acme-ms/chat-apache@master\nacme/plain-apache\nollama:hf.co/acme/plain-apache\n{gguf}\n"
        ),
    )
    .unwrap();
    let out = run(
        &hub.url,
        &["batch", list.to_str().unwrap(), "--format", "json"],
    );
    let report = json(&out);
    let models: Vec<(String, String)> = report["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["model"].as_str().unwrap().to_string(),
                m["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        models,
        [
            ("ollama:llama3.2:3b".to_string(), "ollama".to_string()),
            ("modelscope:acme-ms/chat-apache".into(), "modelscope".into()),
            ("acme/plain-apache".into(), "huggingface".into()),
            (gguf.clone(), "gguf".into()),
        ],
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report["models"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] == "ok")
    );
}

/// The Hub's token is never sent to an Ollama registry (nor to ModelScope without its own), and
/// a warm re-audit of an Ollama model asks only for its manifest: blobs are kept by digest.
#[test]
fn tokens_stay_home_and_blobs_are_cached() {
    let hub = FakeHub::fixtures();
    let cache = tempfile::tempdir().unwrap();
    let audit_once = || {
        let (mut cmd, _home) = support::isopen(&hub.url);
        let out = cmd
            .env("HF_TOKEN", support::fake_hub::TOKEN_APPROVED)
            .args([
                "audit",
                "ollama:llama3.2:3b",
                "modelscope:acme-ms/chat-apache",
            ])
            .args([
                "--cache-dir",
                cache.path().to_str().unwrap(),
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert!(!String::from_utf8_lossy(&out.stderr).contains(support::fake_hub::TOKEN_APPROVED));
        json(&out)
    };
    let first = audit_once();
    assert!(
        first["models"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] == "ok")
    );
    let log = hub.requests();
    assert!(
        log.iter().all(|r| r.authorization.is_none()),
        "a token went to another source: {log:#?}"
    );
    let before = log.len();
    let second = audit_once();
    assert_eq!(
        first["models"][0]["license"],
        second["models"][0]["license"]
    );
    let again: Vec<String> = hub.requests()[before..]
        .iter()
        .filter(|r| r.path.starts_with("/v2/"))
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(again, ["/v2/library/llama3.2/manifests/3b"], "{again:#?}");
}

/// A bare `.gguf` file whose header names no base but whose `general.name` reveals a family:
/// the family's terms apply (inference only makes the verdict stricter), cited from the header.
#[test]
fn a_gguf_name_reveals_a_family() {
    use support::gguf::s;
    let tmp = tempfile::tempdir().unwrap();
    let path = gguf_file(
        tmp.path(),
        "assistant.gguf",
        &[
            ("general.name", s("Llama 3.2 3B Instruct Abliterated")),
            ("general.license", s("mit")),
        ],
    );
    let m = audit_file(&path);
    assert_ne!(verdict(&m), "allowed", "{m:#}");
    let e = m["lineage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["inferred"] == true)
        .unwrap_or_else(|| panic!("{:#}", m["lineage"]));
    assert_eq!(e["license"], "llama3.2", "{e:#}");
    assert_eq!(e["evidence"][0]["file"], "assistant.gguf");
    assert!(
        e["evidence"][0]["quote"]
            .as_str()
            .unwrap()
            .starts_with("general.name = ")
    );
}

/// A ModelScope download redirected to another host (its storage) is followed there, and the
/// ModelScope token does not follow it.
#[test]
fn modelscope_downloads_follow_redirects_without_the_token() {
    let storage = FakeHub::fixtures();
    let hub = FakeHub::fixtures();
    let query = "Revision=master&FilePath=LICENSE";
    hub.fault(
        &format!("/api/v1/models/acme-ms/gated-terms/repo?{query}"),
        support::fake_hub::Fault::Redirect(format!(
            "{}/api/v1/models/acme-ms/chat-apache/repo?{query}",
            storage.url
        )),
        1,
    );
    let (mut cmd, _home) = support::isopen(&hub.url);
    let out = cmd
        .env("MODELSCOPE_API_TOKEN", "ms-token-0123")
        .args([
            "audit",
            "modelscope:acme-ms/gated-terms",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["status"], "ok", "{m:#}");
    let elsewhere = storage.requests();
    assert_eq!(elsewhere.len(), 1, "{elsewhere:#?}");
    assert_eq!(
        elsewhere[0].authorization, None,
        "the token followed the redirect"
    );
}
