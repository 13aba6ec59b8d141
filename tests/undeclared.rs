//! What real cards do not declare in their front matter: a `license_name` beside a `license`
//! that says something else, front matter after blank lines, terms stated in prose, bases named
//! only by tags, configs, prose or the model's name. Fixtures are written from the shapes of real
//! public cards (fixtures/hub/models/realworld/, fixtures/local/).

mod support;

use serde_json::Value;
use support::fake_hub::FakeHub;
use support::scenario::verdict;
use support::{json, risk_codes, run};

fn audit(id: &str) -> Value {
    let hub = FakeHub::fixtures();
    let out = run(&hub.url, &["audit", id, "--format", "json"]);
    json(&out)["models"][0].clone()
}

/// `license: apache-2.0` with `license_name: yi-license` and a card that asks for an e-mail
/// before commercial use: the name is read although `license` is not `other`, the two disagree,
/// and the verdict is the Yi license's, never `allowed`.
#[test]
fn a_license_name_beside_a_different_license_tag() {
    let m = audit("realworld/vision-apache-yi");
    assert_ne!(verdict(&m), "allowed", "{m:#}");
    let ids: Vec<&str> = m["license"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(ids.contains(&"yi-license"), "{ids:?}");
    let codes = risk_codes(&m);
    assert!(codes.iter().any(|c| c == "license-mismatch"), "{codes:?}");
    assert!(
        m["license"]["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "approval-required"),
        "{:#}",
        m["license"]
    );
}

/// Front matter after blank lines, as the Hub reads it, in a local folder (no cardData to fall
/// back on).
#[test]
fn front_matter_after_blank_lines() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/local/blank-line-card");
    let out = run(
        "http://127.0.0.1:9",
        &["audit", dir.to_str().unwrap(), "--format", "json"],
    );
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["license"]["id"], "cc-by-nc-4.0", "{m:#}");
    assert_eq!(verdict(&m), "prohibited");
}

/// Every fixture model: which get an inferred base. Only the ones written for it, and the
/// real-world shapes that truly hide a base, may.
#[test]
fn inference_touches_only_models_that_hide_a_base() {
    let hub = FakeHub::fixtures();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hub/models");
    let mut ids = Vec::new();
    for org in std::fs::read_dir(&root).unwrap().flatten() {
        for m in std::fs::read_dir(org.path()).unwrap().flatten() {
            ids.push(format!(
                "{}/{}",
                org.file_name().to_string_lossy(),
                m.file_name().to_string_lossy()
            ));
        }
    }
    ids.sort();
    let mut args = vec!["audit", "--format", "json"];
    args.extend(ids.iter().map(String::as_str));
    let out = run(&hub.url, &args);
    let report = json(&out);
    let mut inferred: Vec<String> = Vec::new();
    for m in report["models"].as_array().unwrap() {
        if risk_codes(m).iter().any(|c| c == "undeclared-base-model") {
            inferred.push(m["model"].as_str().unwrap().to_string());
        }
    }
    println!("{inferred:?}");
    let expected: Vec<String> = EXPECTED_INFERRED.iter().map(|s| s.to_string()).collect();
    assert_eq!(inferred, expected);
}

/// The models whose base is inferred: the real-world shapes, and one acme fixture named after
/// Qwen (the name reveals the family).
const EXPECTED_INFERRED: &[&str] = &[
    "acme/qwen-research-named",
    "realworld/Llama-2-70b-chat-mit",
    "realworld/anime-diffusion-unlicense",
    "realworld/chat-8b-gguf",
    "realworld/finetune-from-prose-id",
    "realworld/lora-adapter-no-base",
    "realworld/merged-14b-wtfpl",
    "realworld/speech-assistant-mit",
    "realworld/vision-apache-yi",
];

fn inferred_entries(m: &Value) -> Vec<&Value> {
    m["lineage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["inferred"] == true)
        .collect()
}

/// Each shape a careful reviewer meets, and the verdict the reviewer would give.
#[test]
fn real_world_shapes_that_hide_a_base_or_its_terms() {
    for (id, expected, base_license) in [
        // Name and tags say Llama 2; the tag says MIT.
        (
            "realworld/Llama-2-70b-chat-mit",
            "conditional",
            Some("llama2"),
        ),
        // The card says it is built around Llama 3.1 8B Instruct.
        (
            "realworld/speech-assistant-mit",
            "conditional",
            Some("llama3.1"),
        ),
        // The card says the Qwen and Llama 2 licenses must be followed: Qwen's members differ,
        // so its terms cannot be established and `allowed` is out; Llama 2's apply.
        ("realworld/merged-14b-wtfpl", "conditional", Some("llama2")),
        // A Stable Diffusion fine-tune tagged `unlicense` carries the OpenRAIL use restrictions.
        (
            "realworld/anime-diffusion-unlicense",
            "conditional",
            Some("creativeml-openrail-m"),
        ),
        // The prose names the base by its Hub id: looked up like a declared one.
        (
            "realworld/finetune-from-prose-id",
            "conditional",
            Some("llama3.2"),
        ),
    ] {
        let m = audit(id);
        assert_eq!(verdict(&m), expected, "{id}: {m:#}");
        let codes = risk_codes(&m);
        assert!(
            codes.iter().any(|c| c == "undeclared-base-model"),
            "{id}: {codes:?}"
        );
        assert!(
            codes.iter().any(|c| c == "inherited-license-conflict"),
            "{id}: {codes:?}"
        );
        let inferred = inferred_entries(&m);
        assert!(!inferred.is_empty(), "{id}");
        assert!(
            !inferred[0]["evidence"].as_array().unwrap().is_empty(),
            "{id}"
        );
        if let Some(lic) = base_license {
            assert!(
                inferred.iter().any(|e| e["license"] == lic),
                "{id}: {:#}",
                m["lineage"]
            );
        }
    }
}

/// The prose names a base by id: it is looked up on the hub, listed as inferred, with the
/// sentence as evidence.
#[test]
fn a_base_named_in_prose_is_looked_up() {
    let m = audit("realworld/finetune-from-prose-id");
    let e = &inferred_entries(&m)[0];
    assert_eq!(e["model"], "meta-llama/Llama-3.2-1B-Instruct");
    assert_eq!(e["status"], "ok");
    assert_eq!(e["relation"], "finetune");
    assert_eq!(e["evidence"][0]["file"], "README.md");
    assert_eq!(e["evidence"][0]["line"], 8);
}

/// A restriction the card states for a separate Instruct model is not this model's license.
#[test]
fn a_restriction_about_another_variant_is_a_note() {
    let m = audit("realworld/base-with-instruct-nc");
    assert_eq!(verdict(&m), "allowed", "{m:#}");
    let codes = risk_codes(&m);
    assert!(!codes.iter().any(|c| c == "non-commercial"), "{codes:?}");
    let notes: Vec<&str> = m["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("another model or variant")),
        "{notes:?}"
    );
}

/// A declared base the hub does not have: its name's family shows the likely terms, marked
/// unverified, and the verdict stays `unknown` (never looser than the gap).
#[test]
fn a_declared_base_that_cannot_be_read_shows_its_family_terms() {
    let m = audit("realworld/finetune-missing-base");
    assert_eq!(verdict(&m), "unknown", "{m:#}");
    let e = &m["lineage"][0];
    assert_eq!(e["license"], "llama3.2", "{e:#}");
    assert!(e["error"].as_str().unwrap().contains("unverified"), "{e:#}");
}

/// A base given as a local path is never sent to a hub: it is unresolvable, a gap, and its
/// name's family shows the likely terms.
#[test]
fn a_base_that_is_a_local_path() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/local/local-base");
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &["audit", dir.to_str().unwrap(), "--format", "json"],
    );
    let m = json(&out)["models"][0].clone();
    assert_eq!(verdict(&m), "unknown", "{m:#}");
    let e = &m["lineage"][0];
    assert_eq!(e["status"], "unresolvable", "{e:#}");
    assert_eq!(e["license"], "gemma");
    assert!(
        hub.requests()
            .iter()
            .all(|r| !r.path.contains("gemma-3-1b-pt")),
        "{:?}",
        hub.requests()
    );
}

/// An adapter whose card declares no base: `adapter_config.json` names it, it is read (one
/// request) and looked up; the same adapter with a declared base never asks for that file.
#[test]
fn an_adapter_config_names_the_base_only_when_the_card_does_not() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "realworld/lora-adapter-no-base",
            "--format",
            "json",
        ],
    );
    let m = json(&out)["models"][0].clone();
    let e = &inferred_entries(&m)[0];
    assert_eq!(e["model"], "meta-llama/Llama-3.1-8B", "{:#}", m["lineage"]);
    assert_eq!(e["relation"], "adapter");
    assert_eq!(e["evidence"][0]["file"], "adapter_config.json");
    assert_eq!(verdict(&m), "conditional");

    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "realworld/lora-adapter-declared",
            "--format",
            "json",
        ],
    );
    let m = json(&out)["models"][0].clone();
    assert!(inferred_entries(&m).is_empty());
    assert!(
        hub.requests()
            .iter()
            .all(|r| !r.path.contains("adapter_config.json")),
        "a declared base must not cost the adapter_config.json request"
    );
}

/// Offline, a fine-tune whose declared base is in no cache: the base's id reveals its family, so
/// the Llama 3.2 terms are shown (unverified) rather than nothing, and the verdict stays
/// `unknown`, never `allowed`.
#[test]
fn offline_a_base_in_no_cache_is_read_by_its_family() {
    let tmp = tempfile::tempdir().unwrap();
    let sha = "9a1e0000000000000000000000000000000000ff";
    let repo = tmp.path().join("models--acme--offline-finetune");
    let snap = repo.join("snapshots").join(sha);
    std::fs::create_dir_all(&snap).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), sha).unwrap();
    std::fs::write(
        snap.join("README.md"),
        "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.2-1B\n---\n# A fine-tune\n",
    )
    .unwrap();
    let (mut cmd, _home) = support::isopen("http://127.0.0.1:9");
    let out = cmd
        .env("HF_HUB_CACHE", tmp.path())
        .args([
            "audit",
            "acme/offline-finetune",
            "--offline",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_eq!(verdict(&m), "unknown", "{m:#}");
    let e = &m["lineage"][0];
    assert_eq!(e["model"], "meta-llama/Llama-3.2-1B");
    assert_eq!(e["license"], "llama3.2", "{e:#}");
    assert!(
        m["commercial_use"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("700 million")),
        "{:#}",
        m["commercial_use"]
    );
}

/// A license named in the card's prose carries its scope: "the code is released under the MIT
/// License" covers code, not the weights the next sentence restricts.
#[test]
fn licenses_named_in_prose_carry_their_scope() {
    let m = audit("acme/card-says-nc");
    let mit = m["license"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "card-text" && s["id"] == "mit")
        .unwrap_or_else(|| panic!("{:#}", m["license"]));
    assert_eq!(mit["scope"], "code");
    assert_eq!(verdict(&m), "prohibited");
}

/// The `.gguf` fixtures are the test writer's output: regenerate them with
/// `ISOPEN_UPDATE_FIXTURES=1 cargo test --test undeclared gguf_fixtures`.
#[test]
fn gguf_fixtures_are_the_writers_output() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for (path, bytes) in support::gguf::fixtures() {
        let file = root.join(path);
        if std::env::var_os("ISOPEN_UPDATE_FIXTURES").is_some() {
            std::fs::write(&file, &bytes).unwrap();
        }
        let stored = std::fs::read(&file).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(stored == bytes, "{path} differs from the writer's output");
    }
}

/// A GGUF repack whose card declares no base and names no family: the GGUF header's
/// `general.base_model.0.repo_url` names Llama 3.1 8B. One range request reads the header's
/// first bytes (never the file), the base is looked up, and its terms make the verdict
/// conditional where the `apache-2.0` tag alone said `allowed`.
#[test]
fn a_gguf_header_names_the_base_the_card_does_not() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &["audit", "realworld/chat-8b-gguf", "--format", "json"],
    );
    let m = json(&out)["models"][0].clone();
    assert_eq!(verdict(&m), "conditional", "{m:#}");
    let e = &inferred_entries(&m)[0];
    assert_eq!(e["model"], "meta-llama/Llama-3.1-8B", "{:#}", m["lineage"]);
    assert_eq!(e["status"], "ok");
    assert_eq!(e["license"], "llama3.1");
    assert_eq!(e["evidence"][0]["file"], "chat-8b.Q2_K.gguf");
    assert!(
        e["evidence"][0]["quote"]
            .as_str()
            .unwrap()
            .starts_with("general.base_model.0.repo_url = https://huggingface.co/"),
        "{e:#}"
    );
    assert!(risk_codes(&m).iter().any(|c| c == "undeclared-base-model"));
    let gguf: Vec<_> = hub
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with(".gguf"))
        .collect();
    assert_eq!(gguf.len(), 1, "{gguf:?}");
    assert!(gguf[0].path.ends_with("/chat-8b.Q2_K.gguf"), "the smallest");
    assert_eq!(gguf[0].range.as_deref(), Some("bytes=0-262143"));

    // The same repack with its base declared: no GGUF request at all.
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "realworld/chat-8b-gguf-declared",
            "--format",
            "json",
        ],
    );
    let m = json(&out)["models"][0].clone();
    assert_eq!(verdict(&m), "conditional", "{m:#}");
    assert!(inferred_entries(&m).is_empty());
    assert!(
        hub.requests().iter().all(|r| !r.path.ends_with(".gguf")),
        "a declared base must not cost the GGUF request"
    );
}

/// A local folder with a GGUF file whose header knows its base only by name: the name reveals
/// the Gemma family, whose terms apply; the `mit` tag alone said `allowed`.
#[test]
fn a_gguf_header_in_a_local_folder_reveals_a_family() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/local/gguf-folder");
    let out = run(
        "http://127.0.0.1:9",
        &["audit", dir.to_str().unwrap(), "--format", "json"],
    );
    let m = json(&out)["models"][0].clone();
    assert_ne!(verdict(&m), "allowed", "{m:#}");
    let e = &inferred_entries(&m)[0];
    assert_eq!(e["license"], "gemma", "{:#}", m["lineage"]);
    assert_eq!(e["evidence"][0]["file"], "tiny-assistant-Q8_0.gguf");
    assert!(
        e["evidence"][0]["quote"]
            .as_str()
            .unwrap()
            .contains("Gemma 3 270m"),
        "{e:#}"
    );
}

/// A GGUF repository whose card declares its base but no license: the header is read (one
/// range request) because it may be the only statement of terms, and its `general.license`
/// names them. When the header cannot be read, that is evidence unread: nothing else states
/// the terms.
#[test]
fn a_gguf_header_is_read_when_the_card_declares_no_license() {
    let hub = FakeHub::fixtures();
    let out = run(
        &hub.url,
        &[
            "audit",
            "realworld/chat-8b-gguf-unlicensed",
            "--format",
            "json",
        ],
    );
    let m = json(&out)["models"][0].clone();
    let gguf: Vec<_> = hub
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with(".gguf"))
        .collect();
    assert_eq!(gguf.len(), 1, "{gguf:?}");
    let sources = m["license"]["sources"].as_array().unwrap();
    assert!(
        sources
            .iter()
            .any(|s| s["kind"] == "gguf-metadata" && s["id"] == "llama3.1"),
        "{sources:#?}"
    );
    assert_eq!(m["license"]["declared"], "llama3.1");
    assert_eq!(verdict(&m), "conditional", "{m:#}");

    let hub = FakeHub::fixtures();
    hub.fault(
        "/realworld/chat-8b-gguf-unlicensed/resolve/",
        support::fake_hub::Fault::Status(403),
        10,
    );
    let (mut cmd, _home) = support::isopen(&hub.url);
    let out = cmd
        .env("ISOPEN_BACKOFF_MS", "1")
        .args([
            "audit",
            "realworld/chat-8b-gguf-unlicensed",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let m = json(&out)["models"][0].clone();
    assert!(
        risk_codes(&m).iter().any(|c| c == "evidence-unread"),
        "{m:#}"
    );
    assert_ne!(verdict(&m), "allowed");
}
