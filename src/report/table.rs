//! The terminal rendering: per model, the verdict first, then conditions, weights, risks and
//! evidence, then the summary when there are several. Fits the terminal's width (100 columns
//! unless told) and reads without colour (no meaning is carried by colour alone).

use comfy_table::presets::NOTHING;
use comfy_table::{Cell, ContentArrangement, Table};

use super::{Availability, Evidence, LineageStatus, ModelReport, MofClass, Report, Status, View};
use super::{gate, sanitize, summary};

/// One untrusted value for one table cell (see `sanitize`): the text a card, a file or a
/// server wrote, never obeyed by the terminal and never breaking out of its cell.
fn v(s: &str) -> String {
    sanitize::line(s).into_owned()
}

pub const WIDTH: u16 = 100;

pub fn render(report: &Report, view: &View) -> String {
    let mut out = String::new();
    for (i, m) in report.models.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&render_model(m, view));
    }
    if report.models.len() > 1 {
        out.push('\n');
        out.push_str(&summary::render(report, view));
    }
    out
}

fn table(view: &View) -> Table {
    let width = view.width.clamp(summary::MIN_WIDTH, usize::from(u16::MAX));
    let mut t = Table::new();
    t.load_style(NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(width).unwrap_or(WIDTH));
    t
}

fn render_model(m: &ModelReport, view: &View) -> String {
    let mut out = heading(m);
    let gate = gate::judge(m, view.fail_on).map(|g| {
        let mut s = g.action.as_str().to_uppercase();
        for r in &g.reasons {
            s.push_str(&format!("\n- {}", v(r)));
        }
        s
    });
    if m.status == Status::Error {
        let e = m.error.as_ref();
        out.push_str(&format!(
            "  ERROR {}: {}\n",
            v(e.map_or("unknown", |e| e.kind.as_str())),
            v(e.map_or("", |e| e.message.as_str()))
        ));
        if let Some(g) = gate {
            let mut t = table(view);
            t.add_row(vec!["Gate".to_string(), g]);
            out.push_str(&indent(&t.to_string()));
            out.push('\n');
        }
        return out;
    }
    let mut t = table(view);
    if let Some(c) = &m.commercial_use {
        t.add_row(vec![
            Cell::new("Commercial use"),
            Cell::new(c.verdict.as_str().to_uppercase()),
        ]);
    }
    if let Some(g) = gate {
        t.add_row(vec!["Gate".to_string(), g]);
    }
    let rows = [
        license_rows(m),
        conditions_rows(m),
        weights_row(m),
        vec![("Datasets", datasets(m))],
        lineage_row(m),
        openness_row(m),
        business_rows(m),
    ];
    for (label, text) in rows.into_iter().flatten() {
        t.add_row(vec![label.to_string(), text]);
    }
    out.push_str(&indent(&t.to_string()));
    out.push('\n');
    out.push_str(&risks(m, view));
    out.push_str(&evidence(m, view));
    out.push_str(&notes(m, view));
    out
}

/// `org/name  (source @ revision)`.
fn heading(m: &ModelReport) -> String {
    let rev = m
        .revision
        .as_deref()
        .map(|r| format!(" @ {}", v(&r.chars().take(12).collect::<String>())))
        .unwrap_or_default();
    format!("{}  ({}{rev})\n", v(&m.model), v(m.source.as_str()))
}

type Rows = Vec<(&'static str, String)>;

fn license_rows(m: &ModelReport) -> Rows {
    let Some(l) = &m.license else {
        return Vec::new();
    };
    let mut s = v(&l.id);
    if let Some(name) = &l.name {
        s.push_str(&format!(" - {}", v(name)));
    }
    let osi = match l.osi_approved {
        Some(true) => ", OSI-approved",
        Some(false) => ", not OSI-approved",
        None => "",
    };
    s.push_str(&format!(" (confidence {:.2}{osi})", l.confidence));
    vec![
        ("License", s),
        (
            "Declared",
            l.declared.as_deref().map_or_else(|| "(nothing)".into(), v),
        ),
    ]
}

fn conditions_rows(m: &ModelReport) -> Rows {
    let Some(c) = &m.commercial_use else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    if !c.conditions.is_empty() {
        rows.push(("Conditions", bullets(&c.conditions)));
    }
    if !c.obligations.is_empty() {
        rows.push(("Obligations", bullets(&c.obligations)));
    }
    rows
}

fn weights_row(m: &ModelReport) -> Rows {
    let Some(w) = &m.weights else {
        return Vec::new();
    };
    let mut parts = vec![match w.gating {
        Some(g) if w.availability == Availability::Gated => {
            format!("gated ({})", v(g.as_str()))
        }
        _ => v(w.availability.as_str()),
    }];
    if !w.formats.is_empty() {
        parts.push(v(&w.formats.join(", ")));
    }
    if let Some(p) = w.parameters {
        parts.push(format!("{} parameters", count(p as f64)));
    }
    if let Some(b) = w.bytes {
        parts.push(human(b as f64, "B"));
    }
    vec![("Weights", parts.join("  |  "))]
}

fn datasets(m: &ModelReport) -> String {
    if m.datasets.is_empty() {
        return "none declared".to_string();
    }
    m.datasets
        .iter()
        .map(|d| {
            format!(
                "{} ({}, commercial {})",
                v(&d.id),
                v(d.license.as_deref().unwrap_or("license unknown")),
                d.commercial_use
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn lineage_row(m: &ModelReport) -> Rows {
    if m.lineage.is_empty() {
        return Vec::new();
    }
    let lines: Vec<String> = m
        .lineage
        .iter()
        .map(|l| {
            let what = match (l.license.as_deref(), l.status) {
                (Some(id), _) => format!("license {}", v(id)),
                (None, LineageStatus::NotChecked) => "not checked".to_string(),
                (None, status) => v(status.as_str()),
            };
            let via = match (&l.via, l.depth) {
                (Some(via), d) if d > 1 => format!(", via {}", v(via)),
                _ => String::new(),
            };
            format!("{} ({}, {what}{via})", v(&l.model), v(l.relation.as_str()))
        })
        .collect();
    vec![("Base models", lines.join("\n"))]
}

fn openness_row(m: &ModelReport) -> Rows {
    let Some(o) = &m.openness else {
        return Vec::new();
    };
    let mut s = format!(
        "OSAID {}, MOF class {}",
        v(o.osaid.as_str()),
        v(o.mof_class.map_or("undetermined", MofClass::as_str))
    );
    for r in &o.reasons {
        s.push_str(&format!("\n- {}", v(r)));
    }
    vec![("Openness", s)]
}

fn business_rows(m: &ModelReport) -> Rows {
    let Some(b) = &m.business else {
        return Vec::new();
    };
    let answer = |a: &str, reason: &str| format!("{}: {}", v(a), v(reason));
    let n = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
    let community = if b.downloads.is_none() && b.likes.is_none() && b.last_modified.is_none() {
        "not known (the Hub was not asked)".to_string()
    } else {
        format!(
            "{} downloads (30 days), {} likes, last updated {}",
            n(b.downloads),
            n(b.likes),
            v(b.last_modified.as_deref().unwrap_or("?"))
        )
    };
    vec![
        (
            "Self-hosting",
            answer(b.self_hosting.answer.as_str(), &b.self_hosting.reason),
        ),
        (
            "Hardware",
            answer(b.hardware.answer.as_str(), &b.hardware.reason),
        ),
        (
            "Fine-tuning",
            answer(b.fine_tuning.answer.as_str(), &b.fine_tuning.reason),
        ),
        ("Community", community),
    ]
}

/// A titled table of one column or more, indented under the model; nothing when empty.
fn section(title: &str, view: &View, rows: Vec<Vec<String>>) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut t = table(view);
    for row in rows {
        t.add_row(row);
    }
    format!("  {title}\n{}\n", indent(&t.to_string()))
}

fn risks(m: &ModelReport, view: &View) -> String {
    let rows = m
        .risks
        .iter()
        .map(|risk| {
            vec![
                risk.severity.as_str().to_uppercase(),
                v(risk.code.code()),
                v(&risk.message),
            ]
        })
        .collect();
    section("Risks", view, rows)
}

/// The evidence behind the verdict and the risks, each place once, the first 12.
fn evidence(m: &ModelReport, view: &View) -> String {
    let evidence: Vec<&Evidence> = m
        .commercial_use
        .iter()
        .flat_map(|c| c.evidence.iter())
        .chain(m.risks.iter().flat_map(|r| r.evidence.iter()))
        .fold(Vec::new(), |mut acc, e| {
            if !acc.contains(&e) {
                acc.push(e);
            }
            acc
        });
    let rows = evidence
        .iter()
        .take(12)
        .map(|ev| {
            let place = match (&ev.file, ev.line) {
                (Some(f), Some(l)) => format!("{}:{l}", v(f)),
                (Some(f), None) => v(f),
                (None, _) => "hub metadata".to_string(),
            };
            vec![place, format!("\"{}\"", v(&ev.quote))]
        })
        .collect();
    section("Evidence", view, rows)
}

fn notes(m: &ModelReport, view: &View) -> String {
    let rows = m
        .notes
        .iter()
        .map(|n| vec![format!("- {}", v(n))])
        .collect();
    section("Notes", view, rows)
}

fn bullets(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("- {}", v(s)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A rendered table without the trailing spaces comfy-table pads lines with.
pub(crate) fn tidy(s: &str) -> String {
    let mut out: String = s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
    out.push('\n');
    out
}

/// Shifts a rendered table right by two columns; comfy-table pads cells with a space already.
fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!(" {}", l.trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// 8030261248 → "8.03B" (parameters are counted in thousands, millions, billions).
pub(crate) fn count(n: f64) -> String {
    match n {
        n if n >= 1e12 => format!("{:.2}T", n / 1e12),
        n if n >= 1e9 => format!("{:.2}B", n / 1e9),
        n if n >= 1e6 => format!("{:.2}M", n / 1e6),
        n if n >= 1e3 => format!("{:.2}K", n / 1e3),
        n => format!("{n}"),
    }
}

/// 16060617592 → "16.06 GB" (decimal units, as the Hub shows sizes).
fn human(n: f64, unit: &str) -> String {
    let (v, prefix) = if n >= 1e12 {
        (n / 1e12, "T")
    } else if n >= 1e9 {
        (n / 1e9, "G")
    } else if n >= 1e6 {
        (n / 1e6, "M")
    } else if n >= 1e3 {
        (n / 1e3, "k")
    } else {
        return format!("{n} {unit}").trim_end().to_string();
    };
    format!("{v:.2} {prefix}{unit}")
}
