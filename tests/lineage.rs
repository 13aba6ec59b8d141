//! Lineage, datasets, weights sizing, openness and the business questions, end to end against
//! the fake hub.

mod support;

use serde_json::Value;
use support::fake_hub::{FakeHub, count};
use support::{isopen, json, risk_codes};

fn audit(hub: &FakeHub, ids: &[&str]) -> (Value, i32) {
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .arg("audit")
        .args(ids)
        .args(["--format", "json"])
        .output()
        .unwrap();
    (json(&out), out.status.code().unwrap_or(-1))
}

#[test]
fn a_fine_tune_inherits_its_bases_terms_up_the_chain() {
    let hub = FakeHub::fixtures();
    let (r, _) = audit(&hub, &["acme/llama-finetune-apache"]);
    let m = &r["models"][0];
    let lineage = m["lineage"].as_array().unwrap();
    let models: Vec<&str> = lineage
        .iter()
        .map(|l| l["model"].as_str().unwrap())
        .collect();
    assert_eq!(
        models,
        [
            "meta-llama/Llama-3.1-8B-Instruct",
            "meta-llama/Llama-3.1-8B"
        ]
    );
    assert_eq!(lineage[1]["depth"], 2);
    assert_eq!(lineage[1]["via"], "meta-llama/Llama-3.1-8B-Instruct");
    assert!(
        lineage
            .iter()
            .all(|l| l["license"] == "llama3.1" && l["status"] == "ok"),
        "{lineage:?}"
    );
    assert_eq!(m["commercial_use"]["verdict"], "conditional");
}

#[test]
fn an_apache_tag_on_a_llama_base_is_an_inherited_conflict() {
    let hub = FakeHub::fixtures();
    let (r, _) = audit(&hub, &["acme/apache-tag-llama-base"]);
    let m = &r["models"][0];
    insta::assert_json_snapshot!("inherited_conflict", m);
    assert_eq!(m["license"]["declared"], "apache-2.0");
    assert_eq!(m["license"]["id"], "llama3.1");
    assert_eq!(m["commercial_use"]["verdict"], "conditional");
    let risk = m["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "inherited-license-conflict")
        .expect("conflict");
    let message = risk["message"].as_str().unwrap();
    assert!(
        message.contains("meta-llama/Llama-3.1-8B") && message.contains("llama3.1"),
        "{message}"
    );
    assert!(
        m["license"]["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "base-model" && s["model"] == "meta-llama/Llama-3.1-8B")
    );
}

#[test]
fn a_merge_carries_every_parents_terms() {
    let hub = FakeHub::fixtures();
    let (r, _) = audit(&hub, &["acme/merge-model"]);
    let m = &r["models"][0];
    assert_eq!(m["lineage"][0]["relation"], "merge");
    assert_eq!(
        m["commercial_use"]["verdict"], "prohibited",
        "the non-commercial parent wins"
    );
    assert!(risk_codes(m).contains(&"inherited-license-conflict".to_string()));
}

#[test]
fn a_missing_ancestor_is_reported_and_blocks_allowed() {
    let hub = FakeHub::fixtures();
    let (r, code) = audit(&hub, &["acme/orphan"]);
    assert_eq!(code, 0, "the model itself was audited");
    let m = &r["models"][0];
    assert_eq!(m["lineage"][0]["status"], "error");
    assert_eq!(m["commercial_use"]["verdict"], "unknown");
    assert!(m["license"]["confidence"].as_f64().unwrap() <= 0.5);
    assert!(m["notes"].to_string().contains("acme/ghost"));
}

#[test]
fn cycles_end() {
    let hub = FakeHub::fixtures();
    let (r, _) = audit(&hub, &["acme/cycle-a"]);
    let lineage = r["models"][0]["lineage"].as_array().unwrap().clone();
    assert_eq!(lineage.len(), 2, "{lineage:?}");
    assert_eq!(lineage[0]["model"], "acme/cycle-b");
    assert_eq!(lineage[1]["model"], "acme/cycle-a");
    assert_eq!(lineage[1]["status"], "cycle");
    assert_eq!(r["models"][0]["commercial_use"]["verdict"], "allowed");
}

#[test]
fn shared_bases_and_datasets_are_fetched_once_in_a_batch() {
    let hub = FakeHub::fixtures();
    let (r, _) = audit(
        &hub,
        &[
            "acme/gated-llama",
            "acme/apache-tag-llama-base",
            "acme/llama-finetune-apache",
            "acme/merge-model",
            "acme/orphan",
        ],
    );
    assert_eq!(r["models"].as_array().unwrap().len(), 5);
    let log = hub.requests();
    let exact = |p: &str| log.iter().filter(|l| l.path == p).count();
    assert_eq!(exact("/api/models/meta-llama/Llama-3.1-8B"), 1, "{log:?}");
    assert_eq!(count(&log, "/api/datasets/acme/open-corpus"), 1);
}

#[test]
fn datasets_are_looked_up_and_non_commercial_data_is_a_risk() {
    let hub = FakeHub::fixtures();
    let (r, _) = audit(
        &hub,
        &[
            "acme/pickle-only",
            "acme/plain-apache",
            "acme/apache-tag-llama-base",
        ],
    );
    let d = &r["models"][0]["datasets"][0];
    assert_eq!(d["id"], "acme/research-only-set");
    assert_eq!(d["license"], "cc-by-nc-4.0");
    assert_eq!(d["commercial_use"], "prohibited");
    assert!(risk_codes(&r["models"][0]).contains(&"dataset-non-commercial".to_string()));
    let d = &r["models"][1]["datasets"][0];
    assert_eq!(
        (
            d["license"].as_str(),
            d["commercial_use"].as_str(),
            d["availability"].as_str()
        ),
        (Some("cc-by-4.0"), Some("allowed"), Some("open"))
    );
    let d = &r["models"][2]["datasets"][0];
    assert_eq!(
        (d["availability"].as_str(), d["gating"].as_str()),
        (Some("gated"), Some("auto"))
    );
}

#[test]
fn an_unknown_dataset_is_reported_not_fatal() {
    let hub = FakeHub::fixtures();
    let (r, code) = audit(&hub, &["acme/llama-finetune-apache"]);
    assert_eq!(code, 0);
    let d = &r["models"][0]["datasets"][0];
    assert_eq!(d["id"], "acme/chat-mix");
    let (r, _) = audit(&hub, &["acme/gated-llama"]);
    assert!(risk_codes(&r["models"][0]).contains(&"training-data-undisclosed".to_string()));
}

#[test]
fn weights_sizing_openness_and_business_answers() {
    let hub = FakeHub::fixtures();
    let (r, _) = audit(
        &hub,
        &[
            "acme/plain-apache",
            "acme/gated-llama",
            "acme/renamed-model",
        ],
    );
    let apache = &r["models"][0];
    assert_eq!(
        apache["weights"]["serving_memory"]["bf16_bytes"],
        2_640_116_122u64
    );
    assert_eq!(apache["business"]["self_hosting"]["answer"], "yes");
    assert_eq!(apache["business"]["fine_tuning"]["answer"], "yes");
    assert_eq!(apache["business"]["downloads"], 1234);
    let elements = apache["openness"]["osaid_elements"].as_array().unwrap();
    assert_eq!(elements[0]["verdict"], "pass", "{elements:?}");
    assert_eq!(
        apache["openness"]["osaid"], "unknown",
        "no training code is linked"
    );

    let llama = &r["models"][1];
    assert_eq!(llama["openness"]["osaid"], "fail");
    assert_eq!(llama["openness"]["mof_class"], "none");
    assert_eq!(llama["business"]["self_hosting"]["answer"], "conditional");
    assert_eq!(llama["business"]["fine_tuning"]["answer"], "conditional");

    let nc = &r["models"][2];
    assert_eq!(nc["business"]["self_hosting"]["answer"], "no");
    assert_eq!(nc["weights"]["parameters_estimated"], true);
}
