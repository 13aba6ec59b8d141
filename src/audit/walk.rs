//! The lineage walk: from a model's declared parents up through their parents, breadth-first,
//! each ancestor looked up once, with the limits that keep a hostile card from costing more
//! than a bounded number of look-ups (`MAX_DEPTH` generations, `MAX_ANCESTORS` look-ups; the
//! rest are gaps that keep the verdict from `allowed`), and cycles told apart from diamonds.
//! It knows nothing of where an ancestor comes from: the auditor passes its look-up, and the
//! tests a map with simulated latencies under paused time.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;

use futures_util::future::join_all;

use super::MAX_ANCESTORS;
use crate::assess::datasets::NOT_LOOKED_UP;
use crate::assess::lineage::{Ancestor, MAX_DEPTH, Outcome};
use crate::report::{LineageEntry, ModelReport, Relation};

/// Walks up the lineage breadth-first: each ancestor assessed once, at most `MAX_DEPTH`
/// generations and `MAX_ANCESTORS` look-ups (the rest are gaps), cycles and diamonds
/// detected. `look_up` assesses one ancestor on its own terms (its own lineage listed, not
/// followed); the look-ups of one generation run together.
pub async fn ancestors<F, Fut>(root: &str, parents: &[LineageEntry], look_up: F) -> Vec<Ancestor>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Arc<ModelReport>>,
{
    let mut out: Vec<Ancestor> = Vec::new();
    let mut seen: HashSet<String> = HashSet::from([root.to_string()]);
    // Each ancestor's own path up from the root, to tell a cycle from a shared grandparent.
    let mut paths: HashMap<String, Vec<String>> =
        HashMap::from([(root.to_string(), vec![root.to_string()])]);
    let mut level: Vec<(String, Relation, String)> = parents
        .iter()
        .map(|p| (p.model.clone(), p.relation, root.to_string()))
        .collect();
    let mut looked_up = 0usize;
    for depth in 1.. {
        if level.is_empty() {
            break;
        }
        let mut fetch = Vec::new();
        let mut over = Vec::new();
        for (model, relation, via) in level.drain(..) {
            let via_path = paths.get(&via).cloned().unwrap_or_default();
            let mut entry = Ancestor {
                model: model.clone(),
                relation,
                depth,
                via: via.clone(),
                outcome: Outcome::TooDeep,
            };
            if via_path.contains(&model) {
                entry.outcome = Outcome::Cycle;
                out.push(entry);
            } else if seen.contains(&model) {
                continue; // reached again by another route: assessed already
            } else if depth > MAX_DEPTH {
                out.push(entry);
            } else if looked_up >= MAX_ANCESTORS {
                // Not looked up: a gap, as a base that could not be fetched is; listed
                // after the level's looked-up ones, in the card's order.
                seen.insert(model);
                entry.outcome = Outcome::Failed {
                    kind: NOT_LOOKED_UP,
                    message: format!(
                        "over the budget of {MAX_ANCESTORS} ancestors a model; not looked up"
                    ),
                };
                over.push(entry);
            } else {
                looked_up += 1;
                seen.insert(model.clone());
                let mut p = via_path;
                p.push(model.clone());
                paths.insert(model.clone(), p);
                fetch.push(entry);
            }
        }
        let reports = join_all(fetch.iter().map(|a| look_up(a.model.clone()))).await;
        let mut next = Vec::new();
        for (mut a, report) in fetch.into_iter().zip(reports) {
            for parent in &report.lineage {
                next.push((parent.model.clone(), parent.relation, a.model.clone()));
            }
            a.outcome = match report.error.as_ref() {
                Some(e) => Outcome::Failed {
                    kind: e.kind,
                    message: e.message.clone(),
                },
                None => Outcome::Assessed(report),
            };
            out.push(a);
        }
        out.append(&mut over);
        level = next;
    }
    out
}

/// The walk in process, under paused time: each look-up sleeps a latency of its own (so the
/// order of completion differs from the card's order) and the clock jumps instead of waiting.
#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;
    use crate::report::{ErrorKind, LineageStatus, Status};
    use crate::snapshot::Source;

    fn parent(model: &str) -> LineageEntry {
        LineageEntry {
            model: model.to_string(),
            relation: Relation::Finetune,
            license: None,
            commercial_use: None,
            depth: 1,
            via: None,
            status: LineageStatus::default(),
            error: None,
            inferred: false,
            evidence: Vec::new(),
        }
    }

    /// A hub in memory: each model's parents, and how long its look-up takes. A model not in
    /// it is not found.
    struct Graph {
        parents: HashMap<&'static str, Vec<&'static str>>,
        latency_ms: HashMap<&'static str, u64>,
        asked: Mutex<Vec<String>>,
    }

    impl Graph {
        fn new(edges: &[(&'static str, &[&'static str])]) -> Graph {
            let parents: HashMap<_, _> = edges.iter().map(|(m, p)| (*m, p.to_vec())).collect();
            // Later models answer sooner: completion order is the reverse of asking order.
            let latency_ms = edges
                .iter()
                .enumerate()
                .map(|(i, (m, _))| (*m, 1000 - 10 * i as u64))
                .collect();
            Graph {
                parents,
                latency_ms,
                asked: Mutex::new(Vec::new()),
            }
        }

        async fn look_up(&self, id: String) -> Arc<ModelReport> {
            self.asked.lock().unwrap().push(id.clone());
            let wait = self.latency_ms.get(id.as_str()).copied().unwrap_or(5);
            tokio::time::sleep(Duration::from_millis(wait)).await;
            let Some(parents) = self.parents.get(id.as_str()) else {
                return Arc::new(ModelReport::failed(
                    &id,
                    Source::Huggingface,
                    ErrorKind::NotFound,
                    "repository not found".into(),
                ));
            };
            let mut report =
                ModelReport::failed(&id, Source::Huggingface, ErrorKind::Internal, String::new());
            report.status = Status::Ok;
            report.error = None;
            report.lineage = parents.iter().map(|p| parent(p)).collect();
            Arc::new(report)
        }

        fn asked(&self) -> Vec<String> {
            let mut a = self.asked.lock().unwrap().clone();
            a.sort();
            a
        }
    }

    async fn walk(g: &Graph, root: &str, parents: &[&str]) -> Vec<(String, usize, String, String)> {
        let parents: Vec<LineageEntry> = parents.iter().map(|p| parent(p)).collect();
        ancestors(root, &parents, |id| g.look_up(id))
            .await
            .into_iter()
            .map(|a| {
                let outcome = match &a.outcome {
                    Outcome::Assessed(_) => "assessed".to_string(),
                    Outcome::Failed { kind, .. } => format!("failed:{kind:?}"),
                    Outcome::Cycle => "cycle".into(),
                    Outcome::TooDeep => "too-deep".into(),
                };
                (a.model, a.depth, a.via, outcome)
            })
            .collect()
    }

    fn row(m: &str, depth: usize, via: &str, outcome: &str) -> (String, usize, String, String) {
        (m.into(), depth, via.into(), outcome.into())
    }

    #[tokio::test(start_paused = true)]
    async fn generations_in_the_cards_order_whatever_answers_first() {
        let g = Graph::new(&[("a", &["c"]), ("b", &["d"]), ("c", &[]), ("d", &[])]);
        let start = tokio::time::Instant::now();
        let got = walk(&g, "root", &["a", "b"]).await;
        assert_eq!(
            got,
            vec![
                row("a", 1, "root", "assessed"),
                row("b", 1, "root", "assessed"),
                row("c", 2, "a", "assessed"),
                row("d", 2, "b", "assessed"),
            ]
        );
        // One generation's look-ups run together: two generations take two slowest
        // latencies (1000 ms and 980 ms), not the sum of four.
        assert_eq!(start.elapsed(), Duration::from_millis(1000 + 980));
    }

    #[tokio::test(start_paused = true)]
    async fn a_diamond_is_looked_up_once_and_a_cycle_is_named() {
        // a and b share c; c names a (a cycle through a) and root (a cycle to the root).
        let g = Graph::new(&[("a", &["c"]), ("b", &["c"]), ("c", &["a", "root"])]);
        let got = walk(&g, "root", &["a", "b"]).await;
        assert_eq!(
            got,
            vec![
                row("a", 1, "root", "assessed"),
                row("b", 1, "root", "assessed"),
                row("c", 2, "a", "assessed"),
                row("a", 3, "c", "cycle"),
                row("root", 3, "c", "cycle"),
            ]
        );
        assert_eq!(g.asked(), vec!["a", "b", "c"], "each ancestor once");
    }

    #[tokio::test(start_paused = true)]
    async fn a_missing_base_is_a_failed_entry_and_the_walk_goes_on() {
        let g = Graph::new(&[("a", &["gone", "c"]), ("c", &[])]);
        let got = walk(&g, "root", &["a"]).await;
        assert_eq!(
            got,
            vec![
                row("a", 1, "root", "assessed"),
                row("gone", 2, "a", "failed:NotFound"),
                row("c", 2, "a", "assessed"),
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_chain_deeper_than_the_limit_stops_there() {
        let names: Vec<&'static str> = vec!["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"];
        let edges: Vec<(&'static str, &[&'static str])> = names
            .iter()
            .enumerate()
            .map(|(i, m)| (*m, names.get(i + 1..i + 2).unwrap_or(&[])))
            .collect();
        let g = Graph::new(&edges);
        let got = walk(&g, "root", &["m1"]).await;
        assert_eq!(got.len(), MAX_DEPTH + 1);
        assert!(got[..MAX_DEPTH].iter().all(|r| r.3 == "assessed"));
        assert_eq!(got[MAX_DEPTH], row("m6", MAX_DEPTH + 1, "m5", "too-deep"));
        assert_eq!(
            g.asked().len(),
            MAX_DEPTH,
            "nothing past the limit is asked for"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_card_naming_thousands_of_bases_costs_the_budget_and_no_more() {
        let names: Vec<String> = (0..3000).map(|i| format!("base-{i:04}")).collect();
        let parents: Vec<&str> = names.iter().map(String::as_str).collect();
        let g = Graph::new(&[]);
        let got = walk(&g, "root", &parents).await;
        assert_eq!(got.len(), 3000);
        assert_eq!(g.asked().len(), MAX_ANCESTORS);
        let not_looked = got
            .iter()
            .filter(|r| r.3 == format!("failed:{NOT_LOOKED_UP:?}"))
            .count();
        assert_eq!(not_looked, 3000 - MAX_ANCESTORS);
        // The looked-up ones come first, then the gaps, each in the card's order.
        assert_eq!(got[0].0, "base-0000");
        assert_eq!(got[MAX_ANCESTORS].0, format!("base-{MAX_ANCESTORS:04}"));
    }
}
