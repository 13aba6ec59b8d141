//! License texts written by others: permissive templates with a restrictive clause added (never
//! `allowed`), known lines in revisions we hold no rule for, short notices that name a license,
//! and the clause reader over the corpus. Templates come from `../shared/corpus` and, for the
//! BSD/ISC/zlib family, from ScanCode's license database (see `support::scancode`); the clauses
//! added are our own words.

mod support;

use std::path::Path;

use isopen::license::clauses::{self, ClauseKind, Effect};
use isopen::license::identify::{REFERENCE_CONFIDENCE, SourceKind, from_text};
use isopen::rules::{RuleSet, Verdict};
use support::scenario::assert_risk;

/// Restrictive additions a look-alike carries, and the verdict each must give at least.
const ADDITIONS: &[(&str, Verdict)] = &[
    (
        "ADDITIONAL TERMS: Notwithstanding the above, the Work may not be used for any commercial purpose.",
        Verdict::Prohibited,
    ),
    (
        "The model weights may only be used for non-commercial research purposes.",
        Verdict::Prohibited,
    ),
    (
        "This software is provided for evaluation purposes only and may not be used in production.",
        Verdict::Prohibited,
    ),
    (
        "Use of the Software for commercial purposes requires prior written permission from Acme Labs.",
        Verdict::Unknown,
    ),
    (
        "This software is licensed solely for use with Acme hardware products.",
        Verdict::Unknown,
    ),
];

fn rules() -> RuleSet {
    RuleSet::builtin().unwrap_or_else(|e| panic!("{e}"))
}

/// The verdict the text gets on its own: its rules', or its clauses' when nothing names it.
fn verdict_of(rules: &RuleSet, text: &str) -> (Verdict, Vec<String>) {
    let reading = from_text(SourceKind::LicenseFile, "LICENSE", text, rules);
    let ids: Vec<String> = reading
        .candidates
        .iter()
        .map(|c| c.id().to_string())
        .collect();
    let v = if reading.unrecognized() {
        reading.clause_verdict()
    } else {
        reading
            .candidates
            .iter()
            .filter_map(|c| c.verdict())
            .max_by_key(|v| v.restrictiveness())
            .unwrap_or(Verdict::Unknown)
    };
    (v, ids)
}

/// Permissive templates: `(name, text)`.
fn templates(corpus: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ["apache-2.0.txt", "mit.txt", "cc-by-4.0.txt"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read_to_string(corpus.join("licenses").join(f)).unwrap(),
            )
        })
        .collect();
    if let Some(sc) = support::scancode() {
        for key in ["bsd-new", "bsd-simplified", "isc", "zlib"] {
            if let Some(text) = support::scancode_text(&sc, key) {
                out.push((key.to_string(), text));
            }
        }
    }
    out
}

#[test]
fn a_permissive_template_with_a_restrictive_clause_is_never_allowed() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let rules = rules();
    let mut checked = 0;
    for (name, template) in templates(&corpus) {
        // The template alone is allowed: the check below is about the clause.
        let (alone, _) = verdict_of(&rules, &template);
        assert_eq!(alone, Verdict::Allowed, "{name} alone");
        for (addition, at_least) in ADDITIONS {
            for text in [
                format!("{template}\n\n{addition}\n"),
                format!("{addition}\n\n{template}"),
            ] {
                let (v, ids) = verdict_of(&rules, &text);
                assert!(
                    v != Verdict::Allowed && v.restrictiveness() >= at_least.restrictiveness(),
                    "{name} + {addition:?}: {v} (named {ids:?})"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "{checked}");
}

#[test]
fn standard_permissive_and_copyleft_texts_carry_no_restrictive_clause() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let mut texts: Vec<(String, String)> = templates(&corpus);
    if let Some(sc) = support::scancode() {
        for key in [
            "gpl-2.0",
            "gpl-3.0",
            "agpl-3.0",
            "lgpl-2.1",
            "lgpl-3.0",
            "mpl-2.0",
            "epl-2.0",
            "cc-by-sa-4.0",
            "odbl-1.0",
            "cdla-permissive-2.0",
            "unlicense",
            "boost-1.0",
        ] {
            if let Some(t) = support::scancode_text(&sc, key) {
                texts.push((key.into(), t));
            }
        }
    }
    for (name, text) in texts {
        let found: Vec<String> = clauses::read("LICENSE", &text, 0)
            .iter()
            .filter(|c| c.kind.restricts())
            .map(|c| format!("{}: {}", c.kind.as_str(), c.evidence.quote))
            .collect();
        assert!(found.is_empty(), "{name}: {found:?}");
    }
}

/// The corpus's license texts, with the commercial-use fact the research recorded.
fn corpus_licenses(corpus: &Path) -> Vec<(String, String, String)> {
    support::license_manifest(corpus)
        .iter()
        .filter(|l| l["kind"] == "license")
        .filter_map(|l| {
            Some((
                l["id"].as_str()?.to_string(),
                l["file"].as_str()?.to_string(),
                l["facts"]["commercial_use"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// The clause reader alone, over every real license text in the corpus: each non-commercial or
/// research-only text has a prohibiting clause, and no text whose research says commercial use
/// is allowed (with or without conditions) is read as prohibiting it.
#[test]
fn the_clause_reader_on_the_corpus() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let mut misses = Vec::new();
    let mut false_bans = Vec::new();
    let mut n = 0;
    for (id, file, fact) in corpus_licenses(&corpus) {
        let text = std::fs::read_to_string(corpus.join("licenses").join(&file)).unwrap();
        let found = clauses::read(&file, &text, 0);
        let prohibits = found.iter().find(|c| c.kind.effect() == Effect::Prohibits);
        n += 1;
        match (fact.as_str(), prohibits) {
            ("prohibited" | "research-only", None) => misses.push(id),
            ("allowed" | "allowed-with-conditions", Some(c)) => {
                false_bans.push(format!("{id}: {}", c.evidence.quote))
            }
            _ => {}
        }
    }
    println!(
        "{n} corpus texts; missed restrictions: {misses:?}; read as prohibiting: {false_bans:?}"
    );
    assert!(misses.is_empty(), "restrictions missed: {misses:?}");
    // Conditional licenses that define a non-commercial tier (a free tier for non-commercial use,
    // a paid one above a revenue line) read as prohibiting: stricter, never more permissive.
    for f in &false_bans {
        assert!(
            KNOWN_STRICTER.iter().any(|k| f.starts_with(k)),
            "read as prohibiting: {f}"
        );
    }
}

/// Corpus texts that grant commercial use on conditions yet have a non-commercial tier or clause;
/// the clause reader alone reads them as prohibiting (the rules name them correctly).
const KNOWN_STRICTER: &[&str] = &[
    // a free tier for research and non-commercial use beside a revenue-capped commercial tier
    "stabilityai-community:",
    // a non-production tier beside use under an enterprise subscription
    "nvidia-ai-foundation-models-community:",
    // a non-commercial and research tier beside a revenue-capped commercial one
    "grok-2-community:",
];

#[test]
fn a_known_line_in_an_unknown_revision_is_named_with_the_revision_unverified() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let rules = rules();
    let text = std::fs::read_to_string(corpus.join("licenses/nvidia-open-model.txt")).unwrap();
    let revised = text.replace("October 24, 2025", "March 3, 2026");
    assert_ne!(text, revised, "the date line moved in the corpus text");
    let reading = from_text(SourceKind::LicenseFile, "LICENSE", &revised, &rules);
    let c = reading
        .candidates
        .iter()
        .find(|c| c.revision_unverified())
        .unwrap_or_else(|| {
            panic!(
                "no line candidate: {:?}",
                reading
                    .candidates
                    .iter()
                    .map(|c| c.id())
                    .collect::<Vec<_>>()
            )
        });
    assert_eq!(c.id(), "nvidia-open-model-license");
    assert_eq!(c.verdict(), Some(Verdict::Conditional));
    assert!(c.confidence < 0.9);
    assert!(c.name().unwrap().contains("revision unverified"));

    // The exact revision is still named as itself.
    let exact = from_text(SourceKind::LicenseFile, "LICENSE", &text, &rules);
    assert!(exact.candidates.iter().all(|c| !c.revision_unverified()));
    assert_eq!(exact.candidates[0].id(), "nvidia-open-model");
}

#[test]
fn short_notices_name_their_license_below_a_full_text() {
    let rules = rules();
    for (notice, id, verdict) in [
        (
            "This software may be used and distributed according to the terms of the Llama 2 Community License Agreement.",
            "llama2",
            Verdict::Conditional,
        ),
        (
            "Our code and model weights are licensed under the Tongyi Qianwen LICENSE AGREEMENT.",
            "tongyi-qianwen",
            Verdict::Conditional,
        ),
        (
            "The weights are released under the FLUX.1 [dev] Non-Commercial License.",
            "flux-1-dev-nc",
            Verdict::Prohibited,
        ),
        (
            "Copyright 2024 Acme.\nLicensed under CC BY-NC 4.0.",
            "cc-by-nc-4.0",
            Verdict::Prohibited,
        ),
    ] {
        let reading = from_text(SourceKind::LicenseFile, "LICENSE", notice, &rules);
        let ids: Vec<&str> = reading.candidates.iter().map(|c| c.id()).collect();
        let c = reading
            .candidates
            .iter()
            .find(|c| c.id() == id)
            .unwrap_or_else(|| panic!("{notice:?}: named {ids:?}"));
        assert_eq!(c.confidence, REFERENCE_CONFIDENCE, "{notice}");
        assert_eq!(c.verdict(), Some(verdict), "{notice}");
    }
    // A license named in passing in a long custom text is not that text's license.
    let custom = format!(
        "{}\nThis License is based on the Apache License 2.0, with modifications.\n",
        "Acme Model License. You may use the model for research purposes only. ".repeat(20)
    );
    let reading = from_text(SourceKind::LicenseFile, "LICENSE", &custom, &rules);
    assert!(
        reading.candidates.is_empty(),
        "{:?}",
        reading
            .candidates
            .iter()
            .map(|c| c.id())
            .collect::<Vec<_>>()
    );
    assert_eq!(reading.clause_verdict(), Verdict::Prohibited);
}

#[test]
fn an_unrecognized_text_gets_its_verdict_from_its_clauses() {
    let rules = rules();
    let nc = "Acme Model Terms\n\n1. You may copy and modify the Model.\n2. The Model may be used for non-commercial purposes only.\n";
    let reading = from_text(SourceKind::LicenseFile, "LICENSE", nc, &rules);
    assert!(reading.unrecognized());
    assert_eq!(reading.clause_verdict(), Verdict::Prohibited);
    let c = &reading.clauses[0];
    assert_eq!(c.kind, ClauseKind::NonCommercial);
    assert_eq!(c.evidence.line, Some(4));

    let capped = "Acme Model Terms\nYou may use the Model for commercial purposes. If your products exceed 50 million monthly active users, you must request a license from Acme.\n";
    let reading = from_text(SourceKind::LicenseFile, "LICENSE", capped, &rules);
    assert_eq!(reading.clause_verdict(), Verdict::Conditional);

    let silent = "Acme Model Terms\nThe Model is provided as is.\n";
    let reading = from_text(SourceKind::LicenseFile, "LICENSE", silent, &rules);
    assert_eq!(reading.clause_verdict(), Verdict::Unknown);
}

/// Each rule written from a text in ScanCode's database names that text, whole.
#[test]
fn rules_name_their_real_texts_in_scancode() {
    let Some(sc) = support::scancode() else {
        return;
    };
    let rules = rules();
    let list = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/scancode-rules.tsv"
    ))
    .unwrap();
    let mut n = 0;
    for line in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (id, key) = line.split_once('\t').unwrap();
        let text = support::scancode_text(&sc, key).unwrap_or_else(|| panic!("no {key}"));
        let reading = from_text(SourceKind::LicenseFile, "LICENSE", &text, &rules);
        let named: Vec<&str> = reading
            .candidates
            .iter()
            .filter_map(|c| c.rule.map(|r| r.facts.id.as_str()))
            .collect();
        assert!(named.contains(&id), "{key}: named {named:?}, not {id}");
        // No permissive rule names a text whose own rule is not permissive.
        let own = rules.get(id).unwrap().facts.verdict;
        if own != Verdict::Allowed {
            assert!(
                reading
                    .candidates
                    .iter()
                    .all(|c| c.verdict() != Some(Verdict::Allowed)),
                "{key}: also named as a permissive license: {named:?}"
            );
        }
        n += 1;
    }
    assert!(n >= 35, "{n}");
}

/// A model folder whose LICENSE is the MIT text with a non-commercial clause appended, under a
/// card that says `license: mit`: the audit is `prohibited`, names no license, lists the clause
/// with its line, and says the text is not MIT.
#[test]
fn an_audit_of_a_look_alike_license_is_prohibited_with_its_clauses() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mit = std::fs::read_to_string(corpus.join("licenses/mit.txt")).unwrap();
    let license = format!(
        "{mit}\nADDITIONAL TERMS\nThe model weights may only be used for non-commercial research purposes.\n"
    );
    std::fs::write(dir.path().join("LICENSE"), &license).unwrap();
    std::fs::write(
        dir.path().join("README.md"),
        "---\nlicense: mit\n---\n# A model\n",
    )
    .unwrap();
    let out = support::run(
        "http://127.0.0.1:9",
        &["audit", dir.path().to_str().unwrap(), "--format", "json"],
    );
    let report = support::json(&out);
    let m = &report["models"][0];
    assert_eq!(m["commercial_use"]["verdict"], "prohibited", "{m:#}");
    let codes = support::risk_codes(m);
    for code in ["license-unrecognized", "non-commercial", "license-mismatch"] {
        assert!(codes.iter().any(|c| c == code), "{code} in {codes:?}");
    }
    let clause = m["license"]["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "non-commercial")
        .unwrap_or_else(|| panic!("{:#}", m["license"]));
    let line = clause["evidence"]["line"].as_u64().unwrap() as usize;
    assert!(
        license
            .lines()
            .nth(line - 1)
            .unwrap()
            .contains("non-commercial")
    );
    assert_risk(m, "license-unrecognized", "it is not mit");
}

/// A card that names a license line without its revision is read as the line's strictest
/// revision, unverified, never `allowed`.
#[test]
fn a_card_naming_a_line_without_its_revision() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("README.md"),
        "---\nlicense: other\nlicense_name: nvidia-open-model-license\n---\n# A model\n",
    )
    .unwrap();
    let out = support::run(
        "http://127.0.0.1:9",
        &["audit", dir.path().to_str().unwrap(), "--format", "json"],
    );
    let report = support::json(&out);
    let license = &report["models"][0]["license"];
    assert_eq!(license["id"], "nvidia-open-model-license", "{license:#}");
    assert_eq!(license["revision_unverified"], true);
    assert_eq!(
        report["models"][0]["commercial_use"]["verdict"],
        "conditional"
    );
}

/// Creative Commons notices spelled every way real files spell them: a non-commercial one is
/// never less than `prohibited`, a bare family name never more than `unknown`.
#[test]
fn creative_commons_notices_in_their_real_spellings() {
    let rules = rules();
    for notice in [
        "This work is licensed under a Creative Commons Attribution-NonCommercial-NoDerivs 4.0 Unported License.",
        "Creative Commons Attribution Non Commercial 4.0 International CC-BY-NC-4.0",
        "licensed under CC BY-NC",
        "<a rel=\"license\" href=\"http://creativecommons.org/licenses/by-nc-sa/4.0/\">License</a>",
    ] {
        let (v, ids) = verdict_of(&rules, notice);
        assert_eq!(v, Verdict::Prohibited, "{notice:?} named {ids:?}");
    }
    let (v, _) = verdict_of(
        &rules,
        "This file is made available under a Creative Commons license.",
    );
    assert_eq!(v, Verdict::Unknown);
}
