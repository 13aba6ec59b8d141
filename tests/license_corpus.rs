//! Every license text in the corpus is named correctly — as found, and re-laid: joined into one
//! line, re-wrapped, upper-cased, with CRLF, and framed by other text — and every Hub license id
//! maps to a rule.

mod support;

use isopen::license::identify::{SourceKind, from_text};
use isopen::rules::RuleSet;

fn manifest(corpus: &std::path::Path) -> Vec<(String, String)> {
    support::license_manifest(corpus)
        .iter()
        .map(|l| {
            (
                l["id"].as_str().unwrap().to_string(),
                l["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn rewrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line + word.len() > width {
            out.push('\n');
            line = 0;
        }
        out.push_str(word);
        out.push(' ');
        line += word.len() + 1;
    }
    out
}

/// The ids of the rules that name a text.
fn named(rules: &RuleSet, text: &str) -> Vec<String> {
    let mut ids: Vec<String> = from_text(SourceKind::LicenseFile, "LICENSE", text, rules)
        .candidates
        .iter()
        .filter_map(|c| c.rule.map(|r| r.facts.id.clone()))
        .collect();
    ids.dedup();
    ids
}

#[test]
fn every_corpus_text_is_named_as_found_and_re_laid() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let rules = RuleSet::builtin().unwrap();
    let mut failures = Vec::new();
    let mut rows = Vec::new();
    for (id, file) in manifest(&corpus) {
        let owners: Vec<&str> = rules
            .rules()
            .iter()
            .filter(|r| r.facts.corpus.iter().any(|c| c == &file))
            .map(|r| r.facts.id.as_str())
            .collect();
        if owners.len() != 1 {
            failures.push(format!(
                "{file}: claimed by {owners:?}, expected exactly one rule"
            ));
            continue;
        }
        let expected = vec![owners[0].to_string()];
        let text = std::fs::read_to_string(corpus.join("licenses").join(&file)).unwrap();
        let variants = [
            ("as found", text.clone()),
            (
                "one line",
                text.split_whitespace().collect::<Vec<_>>().join(" "),
            ),
            ("wrapped at 60", rewrap(&text, 60)),
            ("upper case", text.to_uppercase()),
            ("CRLF", text.replace('\n', "\r\n")),
            ("markdown stripped", text.replace(['*', '#', '_', '`'], "")),
            (
                "smart quotes",
                text.replace('"', "\u{201C}")
                    .replace('\'', "\u{2019}")
                    .replace(" - ", " \u{2014} "),
            ),
            (
                "framed",
                format!(
                    "# Model card\n\nSee the terms below.\n\n{text}\n\n---\nContact: acme@example.com\n"
                ),
            ),
        ];
        let mut ok = 0;
        for (label, v) in &variants {
            let got = named(&rules, v);
            if got == expected {
                ok += 1;
            } else {
                failures.push(format!(
                    "{file} ({label}): named {got:?}, expected {expected:?}"
                ));
            }
        }
        rows.push(format!(
            "{id:<40} {:<40} {ok}/{}",
            owners[0],
            variants.len()
        ));
    }
    eprintln!("{}", rows.join("\n"));
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_hub_license_id_maps_to_a_rule() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let rules = RuleSet::builtin().unwrap();
    let tsv = std::fs::read_to_string(corpus.join("hub/license-ids.tsv")).unwrap();
    let mut missing = Vec::new();
    for line in tsv.lines().skip(1) {
        let id = line.split('\t').next().unwrap();
        if id == "other" || id == "unknown" {
            continue; // not licenses: they point elsewhere or admit ignorance
        }
        match rules.by_hub_id(id) {
            Some(r) => assert_eq!(
                rules.by_alias(id).map(|a| &a.facts.id),
                Some(&r.facts.id),
                "{id}"
            ),
            None => missing.push(id.to_string()),
        }
    }
    assert!(missing.is_empty(), "Hub ids without a rule: {missing:?}");
}
