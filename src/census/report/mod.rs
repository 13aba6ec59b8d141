//! `isopen census report DIR`: a census folder summarised by SQL. The engine is DataFusion,
//! run by the shell (`cli/census_report.rs`): pure Rust, so no C++ toolchain is needed (DuckDB's
//! bundled build is a large C++ compile that takes far longer on CI's 2 cores), and it reads
//! the census's Parquet with the same arrow-rs that wrote it; the questions are SQL (`sql`) so
//! a reader can extend them or rerun them in DuckDB or Spark. What is here is the engine-free
//! half: which files a report reads and whether they are census files (`inputs`), the sections
//! as the engine's answers fill them, and their rendering as text, JSON and HTML (`html`),
//! all testable without an engine.

pub mod html;
pub mod inputs;
pub mod sql;

use std::fmt::Write;

use serde::Serialize;

use super::Checkpoint;
use crate::report::sanitize::line;

/// One value of an answer. Everything but the numbers came from the listing: untrusted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl Cell {
    /// The value as a person reads it (not yet escaped for any output).
    pub fn show(&self) -> String {
        match self {
            Cell::Null => "-".into(),
            Cell::Bool(b) => b.to_string(),
            Cell::Int(n) => n.to_string(),
            Cell::Float(f) => format!("{f:.1}"),
            Cell::Text(s) => s.clone(),
        }
    }

    fn numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Float(_))
    }
}

/// One question with its answer. Keys are stable: `title`, `sql`, `note`, `columns`, `rows`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub title: String,
    /// The SQL that produced the rows, ready to run elsewhere.
    pub sql: String,
    pub note: Option<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CensusReport {
    /// `checkpoint.json` as the census left it, if it did.
    pub checkpoint: Option<Checkpoint>,
    /// What the report could not show, and why.
    pub notes: Vec<String>,
    pub sections: Vec<Section>,
}

impl CensusReport {
    /// The report's first line: how much of the Hub the census holds.
    pub fn headline(&self) -> String {
        match &self.checkpoint {
            Some(ck) => format!(
                "census of {} models: listing {}, {} listing calls, {} pages, {} entries skipped",
                ck.models,
                if ck.complete {
                    "complete"
                } else {
                    "not complete"
                },
                ck.calls,
                ck.pages,
                ck.skipped
            ),
            None => "census without checkpoint.json: its progress is unknown".into(),
        }
    }

    /// Every note: the report's own, then why the census stopped, if it said.
    fn all_notes(&self) -> Vec<String> {
        let mut notes = self.notes.clone();
        if let Some(why) = self.checkpoint.as_ref().and_then(|c| c.stopped.as_ref()) {
            notes.push(format!("the census stopped early: {why}"));
        }
        notes
    }

    /// Plain aligned text for a terminal; every value from the census goes through
    /// `sanitize::line`, so it is shown, never obeyed.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.headline());
        for n in self.all_notes() {
            let _ = writeln!(out, "note: {}", line(&n));
        }
        for s in &self.sections {
            let _ = writeln!(out, "\n{}", line(&s.title));
            if let Some(n) = &s.note {
                let _ = writeln!(out, "  ({})", line(n));
            }
            out.push_str(&grid(s));
        }
        out
    }

    /// The report as JSON (`--format json`); keys in the order of the structs.
    pub fn render_json(&self) -> String {
        // Straight from the structs (not through a `Value`, which would sort the keys).
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// A section's rows as aligned columns: numbers right, text left.
fn grid(s: &Section) -> String {
    if s.rows.is_empty() {
        return "  (none)\n".into();
    }
    let head: Vec<String> = s.columns.iter().map(|c| line(c).into_owned()).collect();
    let body: Vec<Vec<String>> = s
        .rows
        .iter()
        .map(|r| r.iter().map(|c| line(&c.show()).into_owned()).collect())
        .collect();
    let width = |i: usize| {
        body.iter()
            .filter_map(|r| r.get(i))
            .chain(head.get(i))
            .map(|v| v.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..head.len()).map(width).collect();
    let numeric: Vec<bool> = (0..head.len())
        .map(|i| s.rows.iter().any(|r| r.get(i).is_some_and(Cell::numeric)))
        .collect();
    let mut out = String::new();
    let mut row = |cells: &[String]| {
        let mut l = String::from(" ");
        for (i, v) in cells.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            let pad = " ".repeat(w.saturating_sub(v.chars().count()));
            match numeric.get(i) {
                Some(true) => l.push_str(&format!(" {pad}{v}")),
                _ => l.push_str(&format!(" {v}{pad}")),
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    row(&head);
    for r in &body {
        row(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> CensusReport {
        CensusReport {
            checkpoint: None,
            notes: vec!["no lineage.parquet".into()],
            sections: vec![Section {
                title: "License mix".into(),
                sql: "SELECT 1".into(),
                note: None,
                columns: vec!["license".into(), "models".into(), "share_pct".into()],
                rows: vec![
                    vec![
                        Cell::Text("apache-2.0".into()),
                        Cell::Int(12),
                        Cell::Float(60.0),
                    ],
                    vec![Cell::Text("x\u{1b}[2Jy".into()), Cell::Int(8), Cell::Null],
                ],
            }],
        }
    }

    #[test]
    fn text_aligns_numbers_right_and_escapes_the_census_strings() {
        let t = report().render_text();
        assert!(t.contains("\n  license     models share_pct\n"), "{t}");
        assert!(t.contains("\n  apache-2.0      12      60.0\n"), "{t}");
        assert!(t.contains("x\\u{1b}[2Jy"), "{t}");
        assert!(!t.contains('\u{1b}'));
        assert!(t.contains("note: no lineage.parquet"));
    }

    #[test]
    fn json_keeps_numbers_as_numbers_and_null_as_null() {
        let v: serde_json::Value = serde_json::from_str(&report().render_json()).unwrap();
        let s = &v["sections"][0];
        assert_eq!(s["rows"][0][1], 12);
        assert_eq!(s["rows"][0][2], 60.0);
        assert!(s["rows"][1][2].is_null());
        assert_eq!(s["sql"], "SELECT 1");
        assert!(v["checkpoint"].is_null());
    }

    #[test]
    fn an_empty_answer_says_so() {
        let mut r = report();
        r.sections[0].rows.clear();
        assert!(r.render_text().contains("  (none)\n"));
    }
}
