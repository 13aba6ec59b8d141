//! The scanned project's own license: its license files (`LICENSE`, `COPYING`, identified by
//! the license rules like any license text) and the `license` its manifests declare
//! (`pyproject.toml` `[project]`/`[tool.poetry]` and its `License ::` classifiers,
//! `package.json`, `Cargo.toml` `[package]`). Each is a `Declaration`, with where it was read.

use std::sync::LazyLock;

use regex::Regex;

use super::Declaration;
use crate::license::identify::{self, SourceKind};
use crate::rules::{Rule, RuleSet};
use crate::vocab::Verdict;

/// Whether a root file is one this module reads: license files and manifests.
pub fn wanted(name: &str) -> bool {
    is_license_file(name) || matches!(name, "pyproject.toml" | "package.json" | "Cargo.toml")
}

fn is_license_file(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["LICENSE", "LICENCE", "COPYING"].iter().any(|p| {
        upper == *p || upper.starts_with(&format!("{p}.")) || upper.starts_with(&format!("{p}-"))
    })
}

/// The declarations in the root files given (`(name, text)`), license files first.
pub fn declarations(files: &[(String, String)], rules: &RuleSet) -> Vec<Declaration> {
    let mut out = Vec::new();
    let mut files: Vec<&(String, String)> = files.iter().collect();
    files.sort_by_key(|(name, _)| (!is_license_file(name), name.clone()));
    for (name, text) in files {
        match name.as_str() {
            "pyproject.toml" => out.extend(pyproject(name, text, rules)),
            "package.json" => out.extend(package_json(name, text, rules)),
            "Cargo.toml" => out.extend(toml_key(name, text, &["package"], rules)),
            _ if is_license_file(name) => out.extend(license_file(name, text, rules)),
            _ => {}
        }
    }
    out
}

fn license_file(name: &str, text: &str, rules: &RuleSet) -> Option<Declaration> {
    let reading = identify::from_text(SourceKind::LicenseFile, name, text, rules);
    let c = reading.candidates.iter().find(|c| c.rule.is_some())?;
    let rule = c.rule?;
    Some(Declaration {
        id: rule
            .facts
            .spdx
            .clone()
            .unwrap_or_else(|| c.id().to_string()),
        file: name.to_string(),
        line: c.evidence.line,
        quote: c.evidence.quote.clone(),
        permissive: permissive(rule),
        commercial: commercial(rule),
    })
}

static SECTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\[([^\]]+)\]\s*$").expect("valid regex"));
static LICENSE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*license\s*=\s*(?:\{\s*text\s*=\s*)?["']([^"'\n]+)["']"#).expect("valid regex")
});
static CLASSIFIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']License\s*::\s*(?:OSI Approved\s*::\s*)?([^"']+)["']"#).expect("valid regex")
});

/// `license = "EXPR"` (or `{ text = "EXPR" }`) in one of `sections` of a TOML file.
fn toml_key(name: &str, text: &str, sections: &[&str], rules: &RuleSet) -> Vec<Declaration> {
    let mut section = String::new();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(c) = SECTION.captures(line) {
            section = c[1].trim().to_string();
            continue;
        }
        if sections.contains(&section.as_str())
            && let Some(c) = LICENSE_KEY.captures(line)
        {
            out.push(expression(&c[1], name, i + 1, line.trim(), rules));
        }
    }
    out
}

fn pyproject(name: &str, text: &str, rules: &RuleSet) -> Vec<Declaration> {
    let mut out = toml_key(name, text, &["project", "tool.poetry"], rules);
    for (i, line) in text.lines().enumerate() {
        for c in CLASSIFIER.captures_iter(line) {
            let stated = c[1].trim();
            let rule = classifier_rule(stated, rules);
            out.push(Declaration {
                id: rule
                    .and_then(|r| r.facts.spdx.clone())
                    .unwrap_or_else(|| stated.to_string()),
                file: name.to_string(),
                line: Some(i + 1),
                quote: line.trim().to_string(),
                permissive: rule.is_some_and(permissive),
                commercial: rule.is_some_and(commercial),
            });
        }
    }
    out
}

/// The rule a trove classifier's license names (`Apache Software License`).
fn classifier_rule<'r>(stated: &str, rules: &'r RuleSet) -> Option<&'r Rule> {
    if let Some(r) = rules.by_alias(stated) {
        return Some(r);
    }
    let id = match stated {
        "Apache Software License" => "apache-2.0",
        "MIT License" | "MIT No Attribution License (MIT-0)" => "mit",
        "BSD License" => "bsd",
        "ISC License (ISCL)" => "isc",
        "The Unlicense (Unlicense)" => "unlicense",
        "Mozilla Public License 2.0 (MPL 2.0)" => "mpl-2.0",
        "GNU General Public License v2 (GPLv2)" => "gpl-2.0",
        "GNU General Public License v3 (GPLv3)" => "gpl-3.0",
        "GNU Affero General Public License v3" => "agpl-3.0",
        "GNU Lesser General Public License v3 (LGPLv3)" => "lgpl-3.0",
        "GNU Lesser General Public License v2 or later (LGPLv2+)" => "lgpl-2.1",
        _ => return None,
    };
    rules.get(id)
}

fn package_json(name: &str, text: &str, rules: &RuleSet) -> Option<Declaration> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let license = match &value["license"] {
        serde_json::Value::String(s) => s.clone(),
        v => v["type"].as_str()?.to_string(),
    };
    let line = text
        .lines()
        .position(|l| l.contains("\"license\""))
        .map(|i| i + 1);
    let quote = line.and_then(|l| text.lines().nth(l - 1)).map_or_else(
        || format!("\"license\": {license:?}"),
        |l| l.trim().to_string(),
    );
    let mut d = expression(&license, name, line.unwrap_or(1), &quote, rules);
    d.line = line;
    Some(d)
}

/// A declaration from an SPDX expression: permissive when some alternative (`OR`) is made of
/// permissive licenses only (`AND`, `WITH`); commercial when some alternative is made of
/// licenses that allow commercial use only. An id no rule knows is neither.
fn expression(expr: &str, file: &str, line: usize, quote: &str, rules: &RuleSet) -> Declaration {
    let alternatives: Vec<Vec<Option<&Rule>>> = expr
        .split(" OR ")
        .map(|alt| {
            alt.split(" AND ")
                .map(|id| {
                    let id = id
                        .split(" WITH ")
                        .next()
                        .unwrap_or(id)
                        .trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace());
                    let bare = id.trim_end_matches('+').trim_end_matches("-or-later");
                    let bare = bare.trim_end_matches("-only");
                    rules
                        .get(&bare.to_ascii_lowercase())
                        .or_else(|| rules.by_alias(id))
                        .or_else(|| rules.by_alias(bare))
                })
                .collect()
        })
        .collect();
    let all = |f: fn(&Rule) -> bool| {
        alternatives
            .iter()
            .any(|alt| !alt.is_empty() && alt.iter().all(|r| r.is_some_and(f)))
    };
    Declaration {
        id: expr.trim().to_string(),
        file: file.to_string(),
        line: Some(line),
        quote: quote.to_string(),
        permissive: all(permissive),
        commercial: all(commercial),
    }
}

fn permissive(rule: &Rule) -> bool {
    rule.family == "permissive" || rule.facts.id == "cc0-1.0" || rule.facts.id == "cc-by-4.0"
}

fn commercial(rule: &Rule) -> bool {
    rule.facts.verdict == Verdict::Allowed && (rule.facts.osi_approved || permissive(rule))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(files: &[(&str, &str)]) -> Vec<(String, Option<usize>, bool, bool)> {
        let rules = RuleSet::builtin().unwrap();
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        declarations(&files, &rules)
            .into_iter()
            .map(|d| (d.id, d.line, d.permissive, d.commercial))
            .collect()
    }

    #[test]
    fn manifests() {
        assert_eq!(
            ids(&[(
                "pyproject.toml",
                "[project]\nname = \"x\"\nlicense = {text = \"MIT\"}\nclassifiers = [\n  \"License :: OSI Approved :: Apache Software License\",\n]\n[tool.other]\nlicense = \"GPL-3.0\"\n"
            )]),
            [
                ("MIT".into(), Some(3), true, true),
                ("Apache-2.0".into(), Some(5), true, true)
            ]
        );
        assert_eq!(
            ids(&[(
                "package.json",
                "{\n  \"name\": \"x\",\n  \"license\": \"GPL-3.0-only\"\n}"
            )]),
            [("GPL-3.0-only".into(), Some(3), false, true)]
        );
        assert_eq!(
            ids(&[("Cargo.toml", "[package]\nlicense = \"MIT OR Apache-2.0\"\n")]),
            [("MIT OR Apache-2.0".into(), Some(2), true, true)]
        );
        assert_eq!(
            ids(&[("package.json", "{\"license\": \"UNLICENSED\"}")]),
            [("UNLICENSED".into(), Some(1), false, false)]
        );
    }
}
