//! The summary of many models (a batch's table output, and the end of a multi-model audit): one
//! line per model — model, commercial verdict, license, highest risk, the gate's outcome when
//! a gate was asked for (`--policy`, `--fail-on`), then weights, OSAID and data while they
//! fit — laid out for the terminal's width. A long cell is cut with `…`
//! rather than wrapped: a wrapped matrix of fifty models is a thousand lines of one-character
//! columns, and a reviewer scans a summary by its lines.

use super::{ModelReport, Report, Status, View};
use super::{gate, sanitize};
use crate::rules::Verdict;
use crate::vocab::Action;

/// The narrowest layout: below it the columns would be cut to nothing (the verdict is never
/// cut, the model id keeps 12 characters, the license and the risk 6).
pub const MIN_WIDTH: usize = 50;

const INDENT: usize = 2;
const GAP: usize = 2;

/// One column: its header, a cell per model, the width it needs (capped) and the least it may
/// be cut to.
struct Column {
    header: &'static str,
    cells: Vec<String>,
    cap: usize,
    min: usize,
    /// Kept wider than the others when the line must shrink (the model id says which row).
    bonus: usize,
}

impl Column {
    fn new(header: &'static str, cells: Vec<String>, cap: usize, min: usize) -> Column {
        Column {
            header,
            cells,
            cap,
            min,
            bonus: 0,
        }
    }

    fn natural(&self) -> usize {
        self.cells
            .iter()
            .map(|c| c.chars().count())
            .chain(std::iter::once(self.header.len()))
            .max()
            .unwrap_or(1)
            .min(self.cap)
    }
}

/// The summary of `report`, every line at most `view.width` characters (at least
/// [`MIN_WIDTH`]).
pub fn render(report: &Report, view: &View) -> String {
    let width = view.width.max(MIN_WIDTH);
    let ms = &report.models;
    let cell = |f: &dyn Fn(&ModelReport) -> String| -> Vec<String> { ms.iter().map(f).collect() };
    let v = |s: &str| sanitize::line(s).into_owned();
    let mut model = Column::new("Model", cell(&|m| v(&m.model)), usize::MAX, 12);
    model.bonus = 8;
    let required = vec![
        model,
        Column::new(
            "Commercial",
            cell(&|m| match (&m.commercial_use, m.status) {
                (_, Status::Error) => "not audited".into(),
                (Some(c), _) => c.verdict.to_string(),
                (None, _) => "-".into(),
            }),
            11,
            11,
        ),
        Column::new(
            "License",
            cell(&|m| m.license.as_ref().map_or("-".into(), |l| v(&l.id))),
            24,
            6,
        ),
        Column::new("Top risk", cell(&top_risk), 28, 6),
    ];
    let mut required = required;
    let gates: Vec<Option<gate::Outcome>> =
        ms.iter().map(|m| gate::judge(m, view.fail_on)).collect();
    if gates.iter().any(Option::is_some) {
        let cells = gates
            .iter()
            .map(|g| g.as_ref().map_or("-", |g| g.action.as_str()).to_string())
            .collect();
        required.push(Column::new("Gate", cells, 5, 5));
    }
    let optional = vec![
        Column::new(
            "Weights",
            cell(&|m| {
                m.weights
                    .as_ref()
                    .map_or("-".into(), |w| v(w.availability.as_str()))
            }),
            8,
            8,
        ),
        Column::new(
            "OSAID",
            cell(&|m| {
                m.openness
                    .as_ref()
                    .map_or("-".into(), |o| v(o.osaid.as_str()))
            }),
            7,
            7,
        ),
        Column::new("Data", cell(&data_summary), 18, 18),
    ];
    let (columns, widths) = layout(required, optional, width);
    let mut out = String::from("Summary\n");
    let header: Vec<String> = columns.iter().map(|c| c.header.to_string()).collect();
    out.push_str(&line(&header, &widths));
    for row in 0..ms.len() {
        let cells: Vec<String> = columns.iter().map(|c| c.cells[row].clone()).collect();
        out.push_str(&line(&cells, &widths));
    }
    out.push_str(&wrap(&totals(report), width));
    if gates.iter().any(Option::is_some) {
        let count = |a: Action| {
            gates
                .iter()
                .filter(|g| g.as_ref().is_some_and(|g| g.action == a))
                .count()
        };
        let line = format!(
            "gate: {} pass, {} warn, {} deny, {} error",
            count(Action::Pass),
            count(Action::Warn),
            count(Action::Deny),
            count(Action::Error)
        );
        out.push_str(&wrap(&line, width));
    }
    out
}

/// The columns shown and their widths: the required ones at their natural width, cut (the
/// widest first, the model column last) until the line fits; then each optional column that
/// still fits at its natural width.
fn layout(required: Vec<Column>, optional: Vec<Column>, width: usize) -> (Vec<Column>, Vec<usize>) {
    let total = |w: &[usize]| INDENT + w.iter().sum::<usize>() + GAP * w.len().saturating_sub(1);
    let mut widths: Vec<usize> = required.iter().map(Column::natural).collect();
    while total(&widths) > width {
        let Some(i) = (0..required.len())
            .filter(|&i| widths[i] > required[i].min)
            .max_by_key(|&i| widths[i].saturating_sub(required[i].bonus))
        else {
            break;
        };
        widths[i] -= 1;
    }
    let mut columns = required;
    for c in optional {
        let w = c.natural();
        if total(&widths) + GAP + w <= width {
            widths.push(w);
            columns.push(c);
        }
    }
    (columns, widths)
}

/// One line: each cell cut or padded to its column's width, the last one unpadded.
fn line(cells: &[String], widths: &[usize]) -> String {
    let mut out = " ".repeat(INDENT);
    for (i, (c, &w)) in cells.iter().zip(widths).enumerate() {
        let c = cut(c, w);
        out.push_str(&c);
        if i + 1 < cells.len() {
            out.push_str(&" ".repeat(w - c.chars().count() + GAP));
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// `s` in at most `w` characters, ending with `…` when it was cut.
fn cut(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        return s.to_string();
    }
    let mut c: String = s.chars().take(w.saturating_sub(1)).collect();
    c.push('…');
    c
}

/// The risk of the highest severity (the first of them), or the error of a model not audited.
fn top_risk(m: &ModelReport) -> String {
    if m.status == Status::Error {
        let kind = m.error.as_ref().map_or("error", |e| e.kind.as_str());
        return format!("ERROR {}", sanitize::line(kind));
    }
    m.risks
        .iter()
        .rev()
        .max_by_key(|r| r.severity)
        .map_or("-".into(), |r| sanitize::line(r.code.code()).into_owned())
}

/// The training data in a word: none named, all open, some non-commercial.
fn data_summary(m: &ModelReport) -> String {
    if m.status == Status::Error {
        return "-".to_string();
    }
    if m.datasets.is_empty() {
        return "none named".to_string();
    }
    let nc = m
        .datasets
        .iter()
        .filter(|d| d.commercial_use == Verdict::Prohibited)
        .count();
    let open = m
        .datasets
        .iter()
        .filter(|d| d.commercial_use == Verdict::Allowed)
        .count();
    match (nc, open) {
        (0, o) if o == m.datasets.len() => format!("{o} open"),
        (0, _) => format!("{} named", m.datasets.len()),
        (nc, _) => format!("{nc} non-commercial"),
    }
}

fn totals(report: &Report) -> String {
    let count = |v: Verdict| {
        report
            .models
            .iter()
            .filter(|m| m.commercial_use.as_ref().is_some_and(|c| c.verdict == v))
            .count()
    };
    let errors = report
        .models
        .iter()
        .filter(|m| m.status == Status::Error)
        .count();
    format!(
        "{} models: {} allowed, {} conditional, {} prohibited, {} unknown, {} not audited",
        report.models.len(),
        count(Verdict::Allowed),
        count(Verdict::Conditional),
        count(Verdict::Prohibited),
        count(Verdict::Unknown),
        errors
    )
}

/// `text` as indented lines of at most `width` characters, broken between words.
fn wrap(text: &str, width: usize) -> String {
    let room = width.saturating_sub(INDENT).max(1);
    let mut out = String::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > room {
            out.push_str(&format!("{}{current}\n", " ".repeat(INDENT)));
            current.clear();
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&cut(word, room));
    }
    if !current.is_empty() {
        out.push_str(&format!("{}{current}\n", " ".repeat(INDENT)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_with_an_ellipsis() {
        assert_eq!(cut("acme/llama-finetune-apache", 10), "acme/llam…");
        assert_eq!(cut("mit", 10), "mit");
        assert_eq!(wrap("a bb ccc dddd", 2 + 6), "  a bb\n  ccc\n  dddd\n");
    }

    #[test]
    fn every_line_fits_and_the_model_keeps_its_name() {
        let m = |id: &str| {
            ModelReport::failed(
                id,
                crate::report::Source::Huggingface,
                crate::report::ErrorKind::NotFound,
                "gone".into(),
            )
        };
        let report = Report::new(vec![
            m("an-organisation-with-a-long-name/a-model-with-an-even-longer-name-v2"),
            m("acme/x"),
        ]);
        for width in [20, 50, 60, 80, 100, 200] {
            let text = render(
                &report,
                &View {
                    width,
                    fail_on: None,
                },
            );
            for l in text.lines() {
                let fits = width.max(MIN_WIDTH);
                assert!(l.chars().count() <= fits, "{width}: {l:?}\n{text}");
            }
            let first = text.lines().nth(2).unwrap();
            assert!(first.trim_start().starts_with("an-organisation"), "{text}");
        }
    }
}
