//! Closed API models (`api:PROVIDER/MODEL`): the catalog in `api-catalog/` is complete and
//! valid, a broken catalog file is refused with its file and reason, refs parse and compare as
//! one model, and an audit answers from the catalog in every output format, with the risks of a
//! hosted model, a verdict that is never `allowed`, and a note when the entry is stale.

mod support;

use isopen::catalog::{COMPETING, Catalog, MAX_AGE_DAYS, OWNERSHIP, REGIONS, RETENTION, TRAINING};
use isopen::model_ref::{ModelKey, ModelRef};
use isopen::vocab::{Date, Verdict};
use support::fake_hub::FakeHub;
use support::{isopen, json, risk_codes};

#[test]
fn the_catalog_is_complete_and_every_fact_names_its_source() {
    let catalog = Catalog::builtin().expect("the built-in catalog is valid");
    let ids: Vec<&str> = catalog.providers.iter().map(|p| p.id.as_str()).collect();
    for needed in ["openai", "anthropic", "google", "mistral", "cohere"] {
        assert!(ids.contains(&needed), "{needed} is missing: {ids:?}");
    }
    let mut refs = std::collections::HashSet::new();
    for p in &catalog.providers {
        assert!(p.terms.url.starts_with("https://"), "{}", p.id);
        assert!(!p.models.is_empty(), "{}", p.id);
        // A version can be published before it takes effect (OpenAI's of 2025-12-01 took
        // effect 2026-01-01), so `effective` may follow `checked`; both are valid dates.
        assert_ne!(p.verdict, Verdict::Allowed, "{}: never allowed", p.id);
        for (fact, allowed) in [
            (&p.output_ownership, OWNERSHIP),
            (&p.competing_models, COMPETING),
            (&p.trains_on_api_data, TRAINING),
            (&p.data_retention, RETENTION),
            (&p.regions, REGIONS),
        ] {
            assert!(allowed.contains(&fact.value.as_str()), "{}: {fact:?}", p.id);
            assert!(fact.line > 0, "{}: {fact:?} has no line", p.id);
            match &fact.source {
                Some(s) => assert!(p.sources.iter().any(|x| &x.id == s), "{}: {s}", p.id),
                None => assert_eq!(fact.value, "unknown", "{}: {fact:?}", p.id),
            }
        }
        for s in &p.sources {
            assert!(s.url.starts_with("https://") && !s.read.is_empty(), "{s:?}");
        }
        for m in &p.models {
            assert!(
                refs.insert(format!("{}/{}", p.id, m.id)),
                "{}/{}",
                p.id,
                m.id
            );
        }
    }
    for needed in [
        "openai/gpt-4o",
        "openai/gpt-4.1",
        "openai/o3",
        "anthropic/claude-sonnet-4",
        "anthropic/claude-opus-4",
        "google/gemini-2.5-pro",
        "google/gemini-2.5-flash",
        "mistral/mistral-large",
        "cohere/command-r-plus",
        "cohere/command-r",
    ] {
        assert!(refs.contains(needed), "{needed} is missing");
    }
    // Cohere's terms were not read from a primary text: nothing is claimed for them.
    let cohere = catalog.providers.iter().find(|p| p.id == "cohere").unwrap();
    assert_eq!(cohere.verdict, Verdict::Unknown);
    assert!(cohere.sources.is_empty());
}

const GOOD: &str = "provider: acme
name: Acme
terms:
  id: acme-terms
  name: Acme Terms
  url: https://acme.example/terms
  effective: 2025-01-01
  checked: 2025-06-01
sources:
  - id: terms
    url: https://acme.example/terms
    read: the terms page
    checked: 2025-06-01
facts:
  commercial_use: {value: conditional, summary: business use under a usage policy, source: terms}
  output_ownership: {value: customer, summary: the customer owns outputs, source: terms}
  competing_models: {value: restricted, summary: no competing models, source: terms}
  trains_on_api_data: {value: \"no\", summary: no training, source: terms}
  data_retention: {value: unknown, summary: not read, source: none}
  regions: {value: any, summary: anywhere, source: terms}
models:
  - id: m1
    name: M1
";

#[test]
fn a_broken_catalog_file_is_refused_with_its_file_and_reason() {
    assert!(Catalog::parse(&[("acme.yaml", GOOD)]).is_ok());
    let cases = [
        ("value: conditional", "value: allowed", "is not one of"),
        (
            "summary: not read, source: none}",
            "summary: not read, source: nowhere}",
            "not listed",
        ),
        (
            "regions: {value: any, summary: anywhere, source: terms}",
            "regions: {value: any, summary: anywhere, source: none}",
            "without a source",
        ),
        (
            "checked: 2025-06-01\nsources",
            "checked: 2025-02-30\nsources",
            "not a date",
        ),
        (
            "url: https://acme.example/terms\n  effective",
            "url: ftp://x\n  effective",
            "https",
        ),
        (
            "  - id: m1\n    name: M1\n",
            "  - id: m1\n    name: M1\n  - id: m1\n    name: M1\n",
            "twice",
        ),
        ("provider: acme", "provider: Acme", "provider id"),
        ("name: Acme\n", "name: Acme\nextra: 1\n", "unknown field"),
    ];
    for (from, to, says) in cases {
        assert!(GOOD.contains(from), "{from}");
        let bad = GOOD.replacen(from, to, 1);
        let err = Catalog::parse(&[("acme.yaml", &bad)])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("api-catalog/acme.yaml") && err.contains(says),
            "{to}: {err}"
        );
    }
    let err = Catalog::parse(&[("other.yaml", GOOD)])
        .unwrap_err()
        .to_string();
    assert!(err.contains("must be acme.yaml"), "{err}");
}

#[test]
fn api_refs_parse_fold_case_and_refuse_tricks() {
    assert_eq!(
        ModelRef::parse("api:OpenAI/GPT-4o").unwrap(),
        ModelRef::Api {
            provider: "openai".into(),
            model: "gpt-4o".into()
        }
    );
    assert_eq!(
        ModelKey::of("api:OpenAI/GPT-4o"),
        ModelKey::of("api:openai/gpt-4o")
    );
    assert_ne!(
        ModelKey::of("api:openai/gpt-4o"),
        ModelKey::of("openai/gpt-4o")
    );
    for bad in [
        "api:",
        "api:openai",
        "api:openai/",
        "api:/gpt-4o",
        "api:../x",
        "api:a/b/c",
        "api:a/..b",
        "api:a/b c",
    ] {
        assert!(ModelRef::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn an_entry_older_than_the_maximum_age_is_said_stale() {
    let catalog = Catalog::builtin().unwrap();
    let (p, m) = catalog.find("openai", "gpt-4o").unwrap();
    let checked = p.terms.checked;
    let fresh = Date::from_days(checked.days() + MAX_AGE_DAYS);
    let r = isopen::catalog::report::report(p, m, fresh);
    let t = r.provider_terms.as_ref().unwrap();
    assert!(!t.stale && !r.notes.iter().any(|n| n.contains("last checked")));
    let stale = Date::from_days(checked.days() + MAX_AGE_DAYS + 1);
    let r = isopen::catalog::report::report(p, m, stale);
    let t = r.provider_terms.as_ref().unwrap();
    assert!(t.stale, "{t:?}");
    assert_eq!(t.catalog_age_days, MAX_AGE_DAYS + 1);
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("last checked") && n.contains(&p.terms.url))
    );
    assert!(r.license.as_ref().unwrap().confidence < 0.9);
}

#[test]
fn api_models_audit_from_the_catalog_in_every_format() {
    let hub = FakeHub::fixtures();
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .env("ISOPEN_TODAY", "2026-12-05")
        .args([
            "audit",
            "api:openai/gpt-4o",
            "api:google/gemini-2.5-flash",
            "api:cohere/command-r",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    let gpt = &r["models"][0];
    assert_eq!(gpt["source"], "api");
    assert_eq!(gpt["commercial_use"]["verdict"], "conditional");
    assert_eq!(gpt["weights"]["availability"], "absent");
    assert_eq!(gpt["business"]["self_hosting"]["answer"], "no");
    assert_eq!(
        gpt["provider_terms"]["terms"]["name"],
        "OpenAI Services Agreement"
    );
    assert_eq!(
        gpt["provider_terms"]["competing_models"]["value"],
        "restricted"
    );
    assert_eq!(gpt["provider_terms"]["stale"], true);
    let codes = risk_codes(gpt);
    for c in [
        "weights-absent",
        "output-use-restriction",
        "provider-data-retention",
    ] {
        assert!(codes.contains(&c.to_string()), "{codes:?}");
    }
    assert_eq!(
        r["models"][1]["provider_terms"]["trains_on_api_data"]["value"],
        "by-tier"
    );
    let cohere = &r["models"][2];
    assert_eq!(cohere["commercial_use"]["verdict"], "unknown");
    assert!(risk_codes(cohere).contains(&"evidence-unread".to_string()));
    // No request reached the hub: the catalog answers.
    assert_eq!(hub.requests().len(), 0, "{:?}", hub.requests());

    for format in ["table", "markdown", "sarif", "cyclonedx", "html"] {
        let (mut cmd, _home) = isopen(&hub.url);
        let out = cmd
            .args(["audit", "api:anthropic/claude-sonnet-4", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert!(text.contains("claude-sonnet-4"), "{format}: {text}");
    }
}

#[test]
fn an_unknown_api_model_names_itself_and_lists_the_known_ones() {
    let hub = FakeHub::fixtures();
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .args([
            "audit",
            "api:openai/gpt-9",
            "api:nobody/x",
            "api:openai/gpt-4o",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let r = json(&out);
    let err = &r["models"][0]["error"];
    assert_eq!(err["kind"], "not-found");
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.contains("api:openai/gpt-9") && msg.contains("api:openai/gpt-4o"),
        "{msg}"
    );
    let msg = r["models"][1]["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("\"nobody\"") && msg.contains("anthropic"),
        "{msg}"
    );
    assert_eq!(
        r["models"][2]["status"], "ok",
        "one failure never stops the others"
    );
}

#[test]
fn api_models_in_yaml_and_csv_shortlists() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("list.yaml");
    std::fs::write(
        &yaml,
        "models:\n  - model: api:mistral/mistral-large\n    note: drafting\n    owner: legal\n  \
         - api:google/gemini-2.5-pro\n  - api:Mistral/Mistral-Large\n",
    )
    .unwrap();
    let csv = dir.path().join("list.csv");
    std::fs::write(
        &csv,
        "model,note\napi:openai/o3,reasoning\nEleutherAI/pythia-1b,\n",
    )
    .unwrap();
    let hub = FakeHub::fixtures();
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .args(["batch", yaml.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let r = json(&out);
    let models: Vec<&str> = r["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["model"].as_str().unwrap())
        .collect();
    // The second spelling of Mistral Large is the same model: listed once.
    assert_eq!(
        models,
        ["api:mistral/mistral-large", "api:google/gemini-2.5-pro"]
    );
    assert_eq!(r["models"][0]["note"], "drafting");
    assert!(
        r["models"][0]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("Hugging Face Hub")),
        "the note on published weights"
    );
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .args(["batch", csv.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let r = json(&out);
    assert_eq!(r["models"][0]["model"], "api:openai/o3");
    assert_eq!(r["models"][0]["source"], "api");
    assert_eq!(r["models"][1]["source"], "huggingface");
}
