//! Lineage as a join: once the listing is complete, every model's bases are looked up in the
//! census itself (no request per base), up to the same number of generations as `audit`
//! walks, and each model carries the terms of its whole tree, the strictest winning. A base
//! the census does not hold is a gap that keeps a model from `allowed`; a base on its own
//! path is a cycle; a model declared more permissive than an ancestor is an
//! `inherited-license-conflict`, found hub-wide. The graph is kept compact (ids interned,
//! bases as indices) so two million models fit in a few hundred megabytes.

use std::collections::HashMap;

use serde::Serialize;

use crate::assess::lineage::MAX_DEPTH;
use crate::vocab::Verdict;

/// What the join needs of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub model: String,
    pub verdict: Verdict,
    pub declared: Option<Verdict>,
    pub bases: Vec<String>,
}

/// One model's place in the tree, for a model that names at least one base.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineageRow {
    pub model: String,
    /// Own terms, then with every ancestor's.
    pub own_verdict: Verdict,
    pub verdict: Verdict,
    /// Every ancestor found, nearest first.
    pub ancestors: Vec<String>,
    /// Generations above the model (1 for a parent only).
    pub generations: u32,
    /// Bases named somewhere in the tree that the census does not hold.
    pub missing: Vec<String>,
    /// The tree names a model on its own path.
    pub cycle: bool,
    /// Deeper than the walk goes: the rest of the tree is a gap.
    pub too_deep: bool,
    /// The nearest ancestor whose terms are stricter than the license the model declares.
    pub conflict_with: Option<String>,
    /// That ancestor's verdict.
    pub conflict_verdict: Option<Verdict>,
}

struct Compact {
    verdict: Verdict,
    declared: Option<Verdict>,
    /// Indices of known bases; `u32::MAX` marks a base the census does not hold, whose name
    /// is kept in `missing`.
    bases: Vec<u32>,
}

/// The compact graph over every model of a census.
pub struct Graph {
    names: Vec<String>,
    nodes: Vec<Compact>,
    missing: HashMap<u32, Vec<String>>,
}

const MISSING: u32 = u32::MAX;

/// Builds a graph one model at a time, so the census's parts are read straight into it.
#[derive(Default)]
pub struct GraphBuilder {
    index: HashMap<String, u32>,
    names: Vec<String>,
    pending: Vec<(Verdict, Option<Verdict>, Vec<String>)>,
}

impl GraphBuilder {
    /// Adds a model. Ids match case-insensitively, as the Hub resolves them; a model listed
    /// twice keeps its first row.
    pub fn add(&mut self, n: Node) {
        let key = n.model.to_ascii_lowercase();
        if self.index.contains_key(&key) {
            return;
        }
        self.index.insert(key, self.names.len() as u32);
        self.names.push(n.model);
        self.pending.push((n.verdict, n.declared, n.bases));
    }

    /// Resolves every base to its model, or marks it missing.
    pub fn build(self) -> Graph {
        let GraphBuilder {
            index,
            names,
            pending,
        } = self;
        let mut missing: HashMap<u32, Vec<String>> = HashMap::new();
        let nodes = pending
            .into_iter()
            .enumerate()
            .map(|(i, (verdict, declared, bases))| Compact {
                verdict,
                declared,
                bases: bases
                    .into_iter()
                    .map(|b| match index.get(&b.to_ascii_lowercase()) {
                        Some(&j) => j,
                        None => {
                            missing.entry(i as u32).or_default().push(b);
                            MISSING
                        }
                    })
                    .collect(),
            })
            .collect();
        Graph {
            names,
            nodes,
            missing,
        }
    }
}

impl Graph {
    /// Builds the graph from every model at once.
    pub fn build(nodes: impl IntoIterator<Item = Node>) -> Graph {
        let mut b = GraphBuilder::default();
        for n in nodes {
            b.add(n);
        }
        b.build()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The lineage of every model that names a base, in census order.
    pub fn rows(&self) -> impl Iterator<Item = LineageRow> + '_ {
        (0..self.nodes.len() as u32)
            .filter(|&i| !self.nodes[i as usize].bases.is_empty())
            .map(|i| self.walk(i))
    }

    /// Breadth-first up from `root`: each ancestor once, each with its own path so a cycle
    /// (a base on its own path) is told apart from a diamond (two routes to one base).
    fn walk(&self, root: u32) -> LineageRow {
        let own = &self.nodes[root as usize];
        let mut row = LineageRow {
            model: self.names[root as usize].clone(),
            own_verdict: own.verdict,
            verdict: own.verdict,
            ancestors: Vec::new(),
            generations: 0,
            missing: Vec::new(),
            cycle: false,
            too_deep: false,
            conflict_with: None,
            conflict_verdict: None,
        };
        let mut seen = vec![root];
        let mut level: Vec<(u32, Vec<u32>)> = vec![(root, vec![root])];
        for depth in 1..=MAX_DEPTH as u32 + 1 {
            let mut next = Vec::new();
            for (at, path) in &level {
                let node = &self.nodes[*at as usize];
                if node.bases.contains(&MISSING) {
                    for m in self.missing.get(at).into_iter().flatten() {
                        if !row.missing.contains(m) {
                            row.missing.push(m.clone());
                        }
                    }
                }
                for &b in node.bases.iter().filter(|&&b| b != MISSING) {
                    if path.contains(&b) {
                        row.cycle = true;
                        continue;
                    }
                    if seen.contains(&b) {
                        continue;
                    }
                    if depth > MAX_DEPTH as u32 {
                        row.too_deep = true;
                        continue;
                    }
                    seen.push(b);
                    let mut p = path.clone();
                    p.push(b);
                    next.push((b, p));
                }
            }
            if next.is_empty() {
                break;
            }
            row.generations = depth;
            for (b, _) in &next {
                self.inherit(&mut row, *b, own.declared);
            }
            level = next;
        }
        // A gap in the tree: what the missing terms say is not known.
        if row.verdict == Verdict::Allowed && (!row.missing.is_empty() || row.too_deep) {
            row.verdict = Verdict::Unknown;
        }
        row
    }

    fn inherit(&self, row: &mut LineageRow, b: u32, declared: Option<Verdict>) {
        let base = &self.nodes[b as usize];
        row.ancestors.push(self.names[b as usize].clone());
        row.verdict = row.verdict.stricter(base.verdict);
        // Declared against declared: a metadata verdict is capped by what was not read, so
        // the licenses the cards name are what a relabelling contradicts.
        let theirs = base.declared.unwrap_or(base.verdict);
        if let Some(d) = declared
            && row.conflict_with.is_none()
            && theirs.restrictiveness() > d.restrictiveness()
        {
            row.conflict_with = Some(self.names[b as usize].clone());
            row.conflict_verdict = Some(theirs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(model: &str, verdict: Verdict, declared: Option<Verdict>, bases: &[&str]) -> Node {
        Node {
            model: model.into(),
            verdict,
            declared,
            bases: bases.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_relabelled_grandchild_inherits_and_conflicts() {
        use Verdict::*;
        let g = Graph::build([
            node("meta/llama", Conditional, Some(Conditional), &[]),
            node("a/ft", Unknown, Some(Allowed), &["meta/llama"]),
            node("b/quant", Unknown, Some(Allowed), &["A/FT"]),
        ]);
        let rows: Vec<_> = g.rows().collect();
        assert_eq!(rows.len(), 2);
        let q = &rows[1];
        assert_eq!(q.ancestors, vec!["a/ft", "meta/llama"]);
        assert_eq!(q.generations, 2);
        assert_eq!(q.conflict_with.as_deref(), Some("meta/llama"));
        assert_eq!(q.verdict, Unknown);
    }

    #[test]
    fn missing_bases_cycles_and_diamonds() {
        use Verdict::*;
        let g = Graph::build([
            node("x/a", Allowed, Some(Allowed), &["x/b", "x/c"]),
            node("x/b", Allowed, Some(Allowed), &["x/d"]),
            node("x/c", Allowed, Some(Allowed), &["x/d"]),
            node("x/d", Allowed, Some(Allowed), &["gone/base"]),
            node("y/1", Allowed, Some(Allowed), &["y/2"]),
            node("y/2", Prohibited, Some(Prohibited), &["y/1"]),
        ]);
        let rows: HashMap<String, LineageRow> = g.rows().map(|r| (r.model.clone(), r)).collect();
        let a = &rows["x/a"];
        assert_eq!(a.ancestors, vec!["x/b", "x/c", "x/d"]);
        assert!(!a.cycle, "a diamond is not a cycle");
        assert_eq!(a.missing, vec!["gone/base"]);
        assert_eq!(a.verdict, Unknown, "a gap keeps allowed out");
        let y = &rows["y/1"];
        assert!(y.cycle);
        assert_eq!(y.verdict, Prohibited);
        assert_eq!(y.conflict_with.as_deref(), Some("y/2"));
    }

    #[test]
    fn the_walk_stops_at_the_audit_depth() {
        let chain = (0..10).map(|i| Node {
            model: format!("c/{i}"),
            verdict: Verdict::Allowed,
            declared: Some(Verdict::Allowed),
            bases: (i < 9)
                .then(|| format!("c/{}", i + 1))
                .into_iter()
                .collect(),
        });
        let g = Graph::build(chain);
        let first = g.rows().next().unwrap();
        assert_eq!(first.generations as usize, MAX_DEPTH);
        assert!(first.too_deep);
        assert_eq!(first.verdict, Verdict::Unknown);
    }
}
