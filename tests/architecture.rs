//! The crate's shape, checked: the top-level modules depend on each other without cycles, the
//! vocabulary is a leaf, and the functional core (card, rules, license, assess, policy, report
//! and their helpers) never reaches for the shell (hub, audit, cli). Read from the sources, so
//! a new `use` that breaks the layering fails here, not in review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the top-level modules its non-test code names through `crate::`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let first = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy();
            let top = first.trim_end_matches(".rs").to_string();
            if matches!(top.as_str(), "main" | "lib" | "cli") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let targets = edges.entry(top.clone()).or_default();
            for (at, _) in code.match_indices("crate::") {
                let name: String = code[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top {
                    targets.insert(name);
                }
            }
        }
    }
    edges
}

/// Every module reachable from `from`.
fn reachable(edges: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        for next in edges.get(&m).into_iter().flatten() {
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    seen
}

#[test]
fn no_module_cycles() {
    let edges = graph();
    let cycles: Vec<&String> = edges
        .keys()
        .filter(|m| reachable(&edges, m).contains(*m))
        .collect();
    assert!(
        cycles.is_empty(),
        "modules in a cycle: {cycles:?}\n{edges:#?}"
    );
}

#[test]
fn the_vocabulary_is_a_leaf() {
    let edges = graph();
    assert_eq!(edges.get("vocab"), Some(&BTreeSet::new()), "{edges:#?}");
}

#[test]
fn the_core_never_reaches_the_shell() {
    let edges = graph();
    let shell = ["hub", "audit", "audit_links", "cli", "codebase", "batch"];
    for core in [
        "card",
        "catalog",
        "gguf",
        "rules",
        "diagnostic",
        "normalize",
        "license",
        "assess",
        "linked",
        "policy",
        "report",
        "snapshot",
        "shortlist",
        "model_ref",
        "redact",
        "scan",
        "vocab",
    ] {
        let reached = reachable(&edges, core);
        for s in shell {
            assert!(!reached.contains(s), "{core} reaches {s}: {edges:#?}");
        }
    }
}
