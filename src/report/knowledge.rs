//! `isopen license list` and `isopen license show`: the built-in license knowledge, as a table
//! or as JSON.

use comfy_table::presets::NOTHING;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

use crate::rules::{Derivatives, Rule, RuleKind, RuleSet, UseRestrictions};
use crate::vocab::Verdict;

/// One rule's facts, as `license show --format json` prints them.
#[derive(Debug, Serialize)]
pub struct RuleFacts<'a> {
    pub id: &'a str,
    pub kind: RuleKind,
    pub family: &'a str,
    pub name: &'a str,
    pub version: Option<&'a str>,
    pub hub_id: Option<&'a str>,
    pub spdx: Option<&'a str>,
    pub osi_approved: bool,
    pub aliases: &'a [String],
    pub verdict: Verdict,
    pub conditions: &'a [String],
    pub obligations: &'a [String],
    pub use_restrictions: Option<&'a UseRestrictions>,
    pub derivatives: &'a Derivatives,
    pub territory: Option<&'a str>,
    pub osaid_compatible: Option<bool>,
    pub osaid_reason: &'a str,
    pub sources: &'a [String],
    pub defined_in: String,
}

impl<'a> RuleFacts<'a> {
    pub fn of(r: &'a Rule) -> RuleFacts<'a> {
        RuleFacts {
            id: &r.id,
            kind: r.kind,
            family: &r.family,
            name: &r.name,
            version: r.version.as_deref(),
            hub_id: r.hub_id.as_deref(),
            spdx: r.spdx.as_deref(),
            osi_approved: r.osi_approved,
            aliases: &r.aliases,
            verdict: r.verdict,
            conditions: &r.conditions,
            obligations: &r.obligations,
            use_restrictions: r.use_restrictions.as_ref(),
            derivatives: &r.derivatives,
            territory: r.territory.as_deref(),
            osaid_compatible: r.osaid_compatible,
            osaid_reason: &r.osaid_reason,
            sources: &r.sources,
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
            r.hub_id.clone().unwrap_or_else(|| r.id.clone()),
            r.verdict.to_string(),
            match r.kind {
                RuleKind::License => "license".to_string(),
                RuleKind::Policy => "policy".to_string(),
            },
            r.spdx.clone().unwrap_or_else(|| "-".into()),
            r.name.clone(),
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
    v.sort_by(|a, b| a.id.cmp(&b.id));
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
        rule.verdict.as_str().to_uppercase(),
    ]);
    t.add_row(vec!["Id".to_string(), rule.id.clone()]);
    t.add_row(vec!["Name".to_string(), rule.name.clone()]);
    t.add_row(vec!["Version".to_string(), opt(rule.version.as_deref())]);
    t.add_row(vec!["Hub id".to_string(), opt(rule.hub_id.as_deref())]);
    t.add_row(vec!["SPDX".to_string(), opt(rule.spdx.as_deref())]);
    t.add_row(vec![
        "OSI-approved".to_string(),
        if rule.osi_approved { "yes" } else { "no" }.to_string(),
    ]);
    t.add_row(vec!["Conditions".to_string(), bullets(&rule.conditions)]);
    t.add_row(vec!["Obligations".to_string(), bullets(&rule.obligations)]);
    let restrictions = rule
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
            rule.derivatives.fine_tune.as_str(),
            rule.derivatives.train_other_models.as_str(),
            rule.derivatives.summary
        ),
    ]);
    t.add_row(vec![
        "Territory".to_string(),
        opt(rule.territory.as_deref()),
    ]);
    let osaid = match rule.osaid_compatible {
        Some(true) => "compatible",
        Some(false) => "not compatible",
        None => "undetermined",
    };
    t.add_row(vec![
        "OSAID".to_string(),
        format!("{osaid}: {}", rule.osaid_reason),
    ]);
    t.add_row(vec!["Aliases".to_string(), rule.aliases.join(", ")]);
    t.add_row(vec!["Sources".to_string(), bullets(&rule.sources)]);
    t.add_row(vec!["Defined in".to_string(), rule.origin.to_string()]);
    super::table::tidy(&t.to_string())
}
