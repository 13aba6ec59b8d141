//! The Model Openness Framework's class rule against the Model Openness Tool's own data: the 27
//! classified fixtures it publishes (`Test_Data/expected_results.json`) and every truth-set model
//! whose class was computed from a Tool record (`openness/truth.yaml`); and the European Open
//! Source AI Index's records all parse.

mod support;

use isopen::assess::{openness_mot, openness_osai};
use isopen::vocab::MofClass;
use serde_json::Value;

fn class_name(c: Option<MofClass>) -> &'static str {
    c.map_or("none", MofClass::as_str)
}

#[test]
fn the_class_rule_reproduces_the_tools_fixtures() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let dir = corpus.join("openness/model_openness_tool");
    // The file has trailing commas: YAML reads it, JSON would not.
    let text = std::fs::read_to_string(dir.join("Test_Data/expected_results.json")).unwrap();
    let fixtures: Value = serde_saphyr::from_str(&text).unwrap();
    let models = fixtures["models"].as_array().unwrap();
    assert_eq!(models.len(), 27);
    let mut wrong = Vec::new();
    for m in models {
        let record: openness_mot::Record = serde_json::from_value(m.clone()).unwrap();
        let expected = match m["classification"]["class"].as_u64().unwrap() {
            1 => "I",
            2 => "II",
            3 => "III",
            _ => "none",
        };
        let got = class_name(openness_mot::class_of(&record.counted()));
        if got != expected {
            wrong.push(format!(
                "{}: {got}, expected {expected}",
                record.release.name
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_class_rule_reproduces_the_truth_sets_classes() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let text = std::fs::read_to_string(corpus.join("openness/truth.yaml")).unwrap();
    let truth: Value = serde_saphyr::from_str(&text).unwrap();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for m in truth["models"].as_array().unwrap() {
        let Some(file) = m["mof_class"]["source"]
            .as_str()
            .and_then(|s| s.strip_prefix("mot:"))
        else {
            continue;
        };
        let text = std::fs::read_to_string(corpus.join("openness/model_openness_tool").join(file))
            .unwrap();
        let record = openness_mot::parse(&text).unwrap();
        let got = class_name(openness_mot::class_of(&record.counted()));
        checked += 1;
        if got != m["mof_class"]["value"].as_str().unwrap() {
            wrong.push(format!("{file}: {got}, truth {}", m["mof_class"]["value"]));
        }
    }
    assert!(checked >= 50, "only {checked} records checked");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_record_of_both_indexes_parses() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let mut n = 0;
    for (dir, ext) in [
        ("model_openness_tool/models", "yml"),
        ("osai-index", "yaml"),
    ] {
        for entry in std::fs::read_dir(corpus.join("openness").join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.ends_with(ext) || name.starts_with('_') || name.starts_with("a_submission") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let ok = if ext == "yml" {
                openness_mot::parse(&text).map(|_| ())
            } else {
                openness_osai::parse(&text).map(|_| ())
            };
            assert!(ok.is_ok(), "{name}: {ok:?}");
            n += 1;
        }
    }
    assert!(n > 400, "{n}");
}
