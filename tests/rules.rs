//! The built-in rules load and validate (examples included), and user rules extend them.

use isopen::rules::{RuleKind, RuleSet, Verdict};

#[test]
fn builtin_rules_load_and_every_example_behaves() {
    // Loading runs every example; an error names the file and line.
    let rules = RuleSet::builtin().unwrap_or_else(|e| panic!("{e}"));
    assert!(rules.rules().len() > 100, "{} rules", rules.rules().len());
    for r in rules.rules() {
        assert!(
            !r.examples_match.is_empty() && !r.examples_no_match.is_empty(),
            "{}",
            r.facts.id
        );
        assert!(
            !r.facts.sources.is_empty()
                || r.facts.kind == RuleKind::Policy
                || r.facts.spdx.is_some(),
            "{} has no source",
            r.facts.id
        );
    }
}

#[test]
fn research_licenses_are_never_allowed() {
    let rules = RuleSet::builtin().unwrap();
    for id in [
        "qwen-research",
        "tongyi-qianwen-research",
        "mistral-mrl",
        "mistral-mnpl",
        "cc-by-nc-4.0",
        "fair-noncommercial-research-license",
        "llama1-noncommercial",
    ] {
        let r = rules.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(r.facts.verdict, Verdict::Prohibited, "{id}");
    }
    for r in rules
        .rules()
        .iter()
        .filter(|r| r.facts.verdict == Verdict::Allowed)
    {
        assert!(
            r.facts.use_restrictions.is_none(),
            "{} is allowed but restricts use",
            r.facts.id
        );
    }
}

#[test]
fn user_rules_are_added_from_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let rule = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/user-rule.yaml"
    ))
    .unwrap();
    std::fs::write(dir.path().join("acme.yaml"), rule).unwrap();
    let rules = RuleSet::builtin_with_dir(dir.path()).unwrap();
    assert_eq!(
        rules.by_alias("Acme Model License").unwrap().facts.verdict,
        Verdict::Conditional
    );

    std::fs::write(
        dir.path().join("broken.yaml"),
        "family: x\nlicenses:\n  - id: BAD ID\n",
    )
    .unwrap();
    let err = RuleSet::builtin_with_dir(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("broken.yaml"), "{err}");
}
