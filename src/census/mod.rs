//! The census: the whole Hub's metadata at once, from the list API (`GET /api/models` with
//! `expand` fields, 500 models a call) instead of one audit a model. Each listed model gets a
//! metadata verdict from the same rules as `audit` (`judge`), the rows go to Parquet parts as
//! the listing streams (`table`), a checkpoint after each part lets a stopped census resume at
//! its cursor (`Checkpoint`), and once the listing is complete the lineage is resolved inside
//! the census itself (`lineage`). `report` summarises a finished census folder with SQL. The
//! fetching loop and the query engine are the shell's (`cli/census.rs`,
//! `cli/census_report.rs`); what is here is pure but for `table` and `report::inputs`, which
//! own the files.

pub mod dump;
pub mod escalate;
pub mod judge;
pub mod lineage;
pub mod listing;
pub mod report;
pub mod table;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::vocab::Verdict;

/// Where a census stands, written after every part: the page to fetch next and what has
/// been written. A census resumes only with the query it started with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub version: u32,
    /// The first page's path and query: the census's filters.
    pub query: String,
    /// The next page's path and query (from the last `Link: rel="next"`); null at the end.
    pub next: Option<String>,
    /// Parts written (`models/part-00000.parquet` …).
    pub parts: u32,
    pub models: u64,
    pub pages: u64,
    /// Listing entries that were not a model.
    pub skipped: u64,
    /// Listing requests made, over every run of this census.
    pub calls: u64,
    /// The listing reached its last page.
    pub complete: bool,
    /// Why the last run stopped early (an error, a cursor that loops), if it did.
    pub stopped: Option<String>,
}

impl Checkpoint {
    /// Counts a part written: one page, its models and the entries it skipped.
    pub fn add_part(&mut self, models: u64, skipped: u64) {
        self.parts += 1;
        self.pages += 1;
        self.models += models;
        self.skipped += skipped;
    }

    pub fn new(query: String) -> Checkpoint {
        Checkpoint {
            version: 1,
            next: Some(query.clone()),
            query,
            parts: 0,
            models: 0,
            pages: 0,
            skipped: 0,
            calls: 0,
            complete: false,
            stopped: None,
        }
    }
}

/// The first page's path and query: `limit`, the `expand` fields, then the filters, in the
/// encoding huggingface_hub uses (repeated keys).
pub fn first_query(
    limit: usize,
    filters: &[String],
    author: Option<&str>,
    search: Option<&str>,
) -> String {
    let enc = crate::hub::client::encode;
    let mut q = format!("/api/models?limit={limit}");
    for e in listing::EXPAND {
        q.push_str(&format!("&expand={e}"));
    }
    for f in filters {
        q.push_str(&format!("&filter={}", enc(f)));
    }
    if let Some(a) = author {
        q.push_str(&format!("&author={}", enc(a)));
    }
    if let Some(s) = search {
        q.push_str(&format!("&search={}", enc(s)));
    }
    q
}

/// What a census found, for people: counts over every row and every lineage row.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub models: u64,
    pub complete: bool,
    pub calls: u64,
    /// Models by metadata verdict.
    pub verdicts: BTreeMap<String, u64>,
    /// Models by the license isopen concluded.
    pub licenses: BTreeMap<String, u64>,
    /// Models whose card declares no license.
    pub no_license: u64,
    /// Models that name a base model.
    pub derived: u64,
    /// Derived models declared more permissive than an ancestor.
    pub relabelled: u64,
    /// The ancestors relabelled models most often contradict, with how many do.
    pub relabelled_by_base: BTreeMap<String, u64>,
    pub cycles: u64,
    /// Derived models with a base the census does not hold.
    pub missing_bases: u64,
}

impl Summary {
    /// Counts one model row (as read back from its part).
    pub fn add_model(&mut self, verdict: Verdict, license: &str, declared: Option<&str>) {
        self.models += 1;
        *self.verdicts.entry(verdict.as_str().into()).or_default() += 1;
        *self.licenses.entry(license.into()).or_default() += 1;
        if declared.is_none_or(|d| d.trim().is_empty()) {
            self.no_license += 1;
        }
    }

    pub fn add_lineage(&mut self, row: &lineage::LineageRow) {
        self.derived += 1;
        if let Some(base) = &row.conflict_with {
            self.relabelled += 1;
            *self.relabelled_by_base.entry(base.clone()).or_default() += 1;
        }
        self.cycles += u64::from(row.cycle);
        self.missing_bases += u64::from(!row.missing.is_empty());
    }

    /// The summary as text for a terminal: every name in it comes from the listing, so each
    /// is shown, never obeyed (`sanitize::line`).
    pub fn render(&self, ck: &Checkpoint) -> String {
        use crate::report::sanitize::line;
        use std::fmt::Write;
        let mut out = String::new();
        let pct = |n: u64| {
            if self.models == 0 {
                0.0
            } else {
                n as f64 * 100.0 / self.models as f64
            }
        };
        let _ = writeln!(
            out,
            "census: {} models, {} listing calls, {}",
            self.models,
            self.calls,
            if self.complete {
                "listing complete"
            } else {
                "listing not complete (bases outside it count as missing)"
            }
        );
        let _ = writeln!(
            out,
            "\ncommercial use (metadata only; `allowed` needs the files read):"
        );
        for (v, n) in Self::top(&self.verdicts, 4) {
            let _ = writeln!(out, "  {v:<12} {n:>9}  {:5.1}%", pct(n));
        }
        let _ = writeln!(out, "\nlicenses (top 10):");
        for (l, n) in Self::top(&self.licenses, 10) {
            let _ = writeln!(out, "  {:<32} {n:>9}  {:5.1}%", line(l), pct(n));
        }
        let _ = writeln!(
            out,
            "  no license declared           {:>9}  {:5.1}%",
            self.no_license,
            pct(self.no_license)
        );
        let _ = writeln!(
            out,
            "\nlineage: {} derived models, {} declared more permissive than an ancestor, {} with a base not in the census, {} in a cycle",
            self.derived, self.relabelled, self.missing_bases, self.cycles
        );
        if !self.relabelled_by_base.is_empty() {
            let _ = writeln!(out, "  most contradicted ancestors:");
            for (b, n) in Self::top(&self.relabelled_by_base, 10) {
                let _ = writeln!(out, "  {:<48} {n:>7}", line(b));
            }
        }
        let _ = writeln!(out, "\n{} pages, {} entries skipped", ck.pages, ck.skipped);
        out
    }

    /// The `n` largest entries of a count map, largest first (ties by name).
    pub fn top(map: &BTreeMap<String, u64>, n: usize) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = map.iter().map(|(k, c)| (k.as_str(), *c)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_query_carries_the_fields_and_the_filters() {
        let q = first_query(500, &["license:mit".into()], Some("org x"), None);
        assert!(q.starts_with("/api/models?limit=500&expand=cardData&expand=gated"));
        assert!(q.ends_with("&filter=license%3Amit&author=org%20x"));
    }

    #[test]
    fn top_counts() {
        let mut s = Summary::default();
        s.add_model(Verdict::Unknown, "mit", Some("mit"));
        s.add_model(Verdict::Prohibited, "cc-by-nc-4.0", Some("cc-by-nc-4.0"));
        s.add_model(Verdict::Unknown, "mit", None);
        assert_eq!(Summary::top(&s.licenses, 1), vec![("mit", 2)]);
        assert_eq!(s.no_license, 1);
    }
}
