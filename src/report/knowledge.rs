//! `isopen license list` and `isopen license show`: the built-in license knowledge, as a table
//! or as JSON.

use comfy_table::presets::NOTHING;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

use crate::rules::{Facts, Rule, RuleKind, RuleSet};

/// One rule's facts, as `license show --format json` prints them: the facts as the rule file
/// states them, with the family and where the rule is defined.
#[derive(Debug, Serialize)]
pub struct RuleFacts<'a> {
    #[serde(flatten)]
    pub facts: &'a Facts,
    pub family: &'a str,
    pub defined_in: String,
}

impl<'a> RuleFacts<'a> {
    pub fn of(r: &'a Rule) -> RuleFacts<'a> {
        RuleFacts {
            facts: &r.facts,
            family: &r.family,
            defined_in: r.origin.to_string(),
        }
    }
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_style(NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(super::table::WIDTH);
    t
}

pub fn list_table(rules: &RuleSet) -> String {
    let mut t = table();
    t.set_header(vec!["Id", "Commercial", "Kind", "SPDX", "Name"]);
    for r in sorted(rules) {
        t.add_row(vec![
            r.facts.hub_id.clone().unwrap_or_else(|| r.facts.id.clone()),
            r.facts.verdict.to_string(),
            match r.facts.kind {
                RuleKind::License => "license".to_string(),
                RuleKind::Policy => "policy".to_string(),
            },
            r.facts.spdx.clone().unwrap_or_else(|| "-".into()),
            r.facts.name.clone(),
        ]);
    }
    format!(
        "{}{} licenses and policies\n",
        super::table::tidy(&t.to_string()),
        rules.rules().len()
    )
}

pub fn list_json(rules: &RuleSet) -> String {
    let facts: Vec<RuleFacts> = sorted(rules).into_iter().map(RuleFacts::of).collect();
    let mut s = serde_json::to_string_pretty(&serde_json::json!({
        "schema": "isopen.licenses.v1",
        "licenses": facts,
    }))
    .unwrap_or_default();
    s.push('\n');
    s
}

fn sorted(rules: &RuleSet) -> Vec<&Rule> {
    let mut v: Vec<&Rule> = rules.rules().iter().collect();
    v.sort_by(|a, b| a.facts.id.cmp(&b.facts.id));
    v
}

pub fn show_json(rule: &Rule) -> String {
    let mut s = serde_json::to_string_pretty(&RuleFacts::of(rule)).unwrap_or_default();
    s.push('\n');
    s
}

pub fn show_table(rule: &Rule) -> String {
    let mut t = table();
    let opt = |o: Option<&str>| o.unwrap_or("-").to_string();
    let bullets = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.iter()
                .map(|s| format!("- {s}"))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    t.add_row(vec![
        "Commercial use".to_string(),
        rule.facts.verdict.as_str().to_uppercase(),
    ]);
    t.add_row(vec!["Id".to_string(), rule.facts.id.clone()]);
    t.add_row(vec!["Name".to_string(), rule.facts.name.clone()]);
    t.add_row(vec![
        "Version".to_string(),
        opt(rule.facts.version.as_deref()),
    ]);
    t.add_row(vec![
        "Hub id".to_string(),
        opt(rule.facts.hub_id.as_deref()),
    ]);
    t.add_row(vec!["SPDX".to_string(), opt(rule.facts.spdx.as_deref())]);
    t.add_row(vec![
        "OSI-approved".to_string(),
        if rule.facts.osi_approved { "yes" } else { "no" }.to_string(),
    ]);
    t.add_row(vec![
        "Conditions".to_string(),
        bullets(&rule.facts.conditions),
    ]);
    t.add_row(vec![
        "Obligations".to_string(),
        bullets(&rule.facts.obligations),
    ]);
    let restrictions = rule
        .facts
        .use_restrictions
        .as_ref()
        .map_or("none".to_string(), |u| {
            let policy = u
                .policy
                .as_deref()
                .map(|p| format!(" (policy: {p})"))
                .unwrap_or_default();
            let flow = if u.flow_down {
                "; must be passed on to downstream users"
            } else {
                ""
            };
            format!("{}{policy}{flow}", u.summary)
        });
    t.add_row(vec!["Use restrictions".to_string(), restrictions]);
    t.add_row(vec![
        "Derivatives".to_string(),
        format!(
            "fine-tuning {}, training other models {}: {}",
            rule.facts.derivatives.fine_tune.as_str(),
            rule.facts.derivatives.train_other_models.as_str(),
            rule.facts.derivatives.summary
        ),
    ]);
    t.add_row(vec![
        "Territory".to_string(),
        opt(rule.facts.territory.as_deref()),
    ]);
    let osaid = match rule.facts.osaid_compatible {
        Some(true) => "compatible",
        Some(false) => "not compatible",
        None => "undetermined",
    };
    t.add_row(vec![
        "OSAID".to_string(),
        format!("{osaid}: {}", rule.facts.osaid_reason),
    ]);
    t.add_row(vec!["Aliases".to_string(), rule.facts.aliases.join(", ")]);
    t.add_row(vec!["Sources".to_string(), bullets(&rule.facts.sources)]);
    t.add_row(vec!["Defined in".to_string(), rule.origin.to_string()]);
    super::table::tidy(&t.to_string())
}
