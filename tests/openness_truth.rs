//! Agreement with the public openness indexes (`../shared/corpus/openness/truth.yaml`): a sample
//! of the judged models has fixtures showing what the Hub shows for them (fixtures/OPENNESS.md
//! says where each fact came from). The test prints the agreement per framework and fails when a
//! disagreement is not explained below, when an explanation has gone stale, or — whatever the
//! explanations say — when isopen is more permissive than the indexes: `allowed` where they say
//! otherwise, or an OSAID `pass` where OSI said `fail`.

mod support;

use std::collections::BTreeMap;

use serde_json::Value;
use support::fake_hub::{FakeHub, TOKEN_APPROVED};
use support::fake_links::FakeLinks;
use support::{isopen, json};

/// Disagreements we expect, and why: (model, field, explanation).
const EXPLAINED: &[(&str, &str, &str)] = &[
    (
        "google-t5/t5-11b",
        "osaid",
        "the card names `c4`, an id the Hub moved to allenai/c4, so the data-information element stays unknown; code and parameters pass (the Model Openness Tool's record and the Apache-2.0 weights), and the OSAI index has no record of this checkpoint to speak for the data",
    ),
    (
        "google-t5/t5-11b",
        "mof_class",
        "MOT's record lacks required components (or lists them without open licenses); from the Hub isopen sees an OSI-licensed model with no missing Class III component it can prove, so the class stays undetermined",
    ),
    (
        "xai-org/grok-1",
        "osaid",
        "OSI failed it for missing data information and training code; the card neither provides nor disclaims them in a way isopen can verify, its linked repository (xai-org/grok-1) is not among the test fake's GitHub repositories, no index record names this checkpoint, and a license restriction is absent, so it says unknown",
    ),
    (
        "microsoft/phi-2",
        "mof_class",
        "MOT's record lacks required components (or lists them without open licenses); from the Hub isopen sees an OSI-licensed model with no missing Class III component it can prove, so the class stays undetermined",
    ),
    (
        "mistralai/Mixtral-8x7B-v0.1",
        "osaid",
        "OSI failed it for missing data information and training code; the card links no code repository and no index record names this checkpoint (the OSAI index judges a newer Mistral), and a license restriction is absent, so it says unknown",
    ),
    (
        "mistralai/Mixtral-8x7B-v0.1",
        "mof_class",
        "MOT's record lacks required components (or lists them without open licenses); from the Hub isopen sees an OSI-licensed model with no missing Class III component it can prove, so the class stays undetermined",
    ),
    (
        "mistralai/Mistral-7B-v0.1",
        "mof_class",
        "MOT's record lacks required components (or lists them without open licenses); from the Hub isopen sees an OSI-licensed model with no missing Class III component it can prove, so the class stays undetermined",
    ),
];

fn truth_value<'a>(entry: &'a Value, field: &str) -> &'a str {
    entry[field]["value"].as_str().unwrap_or("unknown")
}

#[test]
fn agreement_with_the_public_indexes() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let text = std::fs::read_to_string(corpus.join("openness/truth.yaml")).unwrap();
    let truth: Value = serde_saphyr::from_str(&text).unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hub/models");
    let sample: Vec<&Value> = truth["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| fixtures.join(m["hf_id"].as_str().unwrap()).is_dir())
        .collect();
    assert!(
        sample.len() >= 15,
        "only {} truth models have fixtures",
        sample.len()
    );

    let hub = FakeHub::fixtures();
    let links = FakeLinks::start(corpus.clone());
    let (mut cmd, _home) = isopen(&hub.url);
    let ids: Vec<&str> = sample
        .iter()
        .map(|m| m["hf_id"].as_str().unwrap())
        .collect();
    let out = cmd
        .arg("audit")
        .args(&ids)
        // A reviewer reads gated cards with a token whose access was approved: unread gated
        // files would keep every gated model at `unknown`.
        .args(["--format", "json", "-j", "8", "--token", TOKEN_APPROVED])
        // The links behind each card (code repositories, papers) and the indexes' records.
        .args(links.args())
        .output()
        .unwrap();
    let report = json(&out);

    let mut agree: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut unexplained = Vec::new();
    let mut dangerous = Vec::new();
    let mut seen = Vec::new();
    let mut table = Vec::new();
    for (entry, m) in sample.iter().zip(report["models"].as_array().unwrap()) {
        let id = entry["hf_id"].as_str().unwrap();
        assert_eq!(m["status"], "ok", "{id}: {}", m["error"]);
        let ours = [
            (
                "osaid",
                m["openness"]["osaid"]
                    .as_str()
                    .unwrap_or("unknown")
                    .to_string(),
            ),
            (
                "mof_class",
                m["openness"]["mof_class"]
                    .as_str()
                    .unwrap_or("unknown")
                    .to_string(),
            ),
            (
                "weights_available",
                m["weights"]["availability"]
                    .as_str()
                    .unwrap_or("unknown")
                    .to_string(),
            ),
            (
                "commercial_use",
                m["commercial_use"]["verdict"]
                    .as_str()
                    .unwrap_or("unknown")
                    .to_string(),
            ),
        ];
        for (field, mine) in &ours {
            let theirs = truth_value(entry, field);
            if theirs == "unknown" {
                continue; // the indexes did not judge it
            }
            let tally = agree.entry(field).or_default();
            tally.1 += 1;
            if mine == theirs {
                tally.0 += 1;
                continue;
            }
            table.push(format!(
                "{id:<45} {field:<18} isopen {mine:<12} index {theirs}"
            ));
            if *field == "osaid" {
                for e in m["openness"]["osaid_elements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    table.push(format!(
                        "    {}: {} - {}",
                        e["name"], e["verdict"], e["reason"]
                    ));
                }
            }
            if (*field == "commercial_use" && mine == "allowed")
                || (*field == "osaid" && mine == "pass" && theirs == "fail")
            {
                dangerous.push(format!("{id}: {field} isopen {mine}, index {theirs}"));
            }
            match EXPLAINED.iter().find(|(m, f, _)| *m == id && f == field) {
                Some(e) => seen.push(*e),
                None => unexplained.push(format!("{id}: {field}: isopen {mine}, index {theirs}")),
            }
        }
    }
    eprintln!(
        "agreement with the public indexes ({} models):",
        sample.len()
    );
    for (field, (ok, all)) in &agree {
        eprintln!("  {field:<18} {ok}/{all}");
    }
    eprintln!("disagreements:\n{}", table.join("\n"));
    let stale: Vec<_> = EXPLAINED.iter().filter(|e| !seen.contains(e)).collect();
    assert!(
        dangerous.is_empty(),
        "isopen is more permissive than the indexes:\n{}",
        dangerous.join("\n")
    );
    assert!(
        unexplained.is_empty(),
        "unexplained disagreements:\n{}",
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "explanations for disagreements that no longer occur: {stale:?}"
    );
}
