//! Two inline SVG charts where a picture beats a table: serving memory against parameters (both
//! on log scales, one point per model that has a parameter count, numbered as in the matrix and
//! coloured and shaped by verdict), and the shortlist's mix of verdicts and of risks. Each
//! chart has a title and a caption that says in words what it shows, and what it leaves out.

use std::fmt::Write;

use super::escape::text as e;
use super::format::{self, count, gb};
use crate::report::{Report, RiskCode, Severity, Status};

const W: f64 = 600.0;
const H: f64 = 340.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 50.0;

/// The colours of the verdict classes, for SVG fills (the CSS classes cannot reach them).
fn fill(class: &str) -> &'static str {
    match class {
        "v-allowed" => "#1a7f37",
        "v-conditional" => "#9a6700",
        "v-prohibited" => "#cf222e",
        "v-error" => "#6e40c9",
        _ => "#57606a",
    }
}

fn severity_fill(s: Severity) -> &'static str {
    match s {
        Severity::High => "#cf222e",
        Severity::Medium => "#bc4c00",
        Severity::Low => "#0969da",
    }
}

/// A marker whose shape says the verdict too (colour is never the only signal).
fn marker(class: &str, x: f64, y: f64) -> String {
    let c = fill(class);
    match class {
        "v-allowed" => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"6\" fill=\"{c}\"/>"),
        "v-conditional" => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"11\" height=\"11\" fill=\"{c}\"/>",
            x - 5.5,
            y - 5.5
        ),
        "v-prohibited" => format!(
            "<path d=\"M{:.1} {:.1} l11 11 m0 -11 l-11 11\" stroke=\"{c}\" stroke-width=\"3\"/>",
            x - 5.5,
            y - 5.5
        ),
        _ => format!(
            "<path d=\"M{x:.1} {:.1} l6.5 6.5 l-6.5 6.5 l-6.5 -6.5 z\" fill=\"{c}\"/>",
            y - 6.5
        ),
    }
}

/// Serving memory at bf16 against parameters.
pub fn memory(report: &Report) -> String {
    let points: Vec<(usize, u64, u64, &'static str, &str)> = report
        .models
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let w = m.weights.as_ref()?;
            let p = w.parameters.filter(|p| *p > 0)?;
            let mem = w.serving_memory.as_ref()?.bf16_bytes.max(1);
            Some((i, p, mem, format::verdict(m).class, m.model.as_str()))
        })
        .collect();
    let left_out = report.models.len() - points.len();
    let caption = format!(
        "Memory to serve each model at bf16 (weights plus 20% for activations and cache) against \
         its parameter count, both on log scales; points are numbered as in the matrix, and their \
         shape says the verdict (circle allowed, square conditional, cross prohibited, diamond \
         unknown). {} of {} models plotted; {left_out} left out because their parameter count is \
         not known (hosted API models have none).",
        points.len(),
        report.models.len()
    );
    let mut svg = format!(
        "<figure><svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-labelledby=\"mem-title\">\
         <title id=\"mem-title\">Serving memory against parameters</title>"
    );
    if points.is_empty() {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">No model has a known parameter count</text>",
            W / 2.0,
            H / 2.0
        );
    } else {
        let decade = |v: u64| (v as f64).log10();
        let (mut x0, mut x1) = (f64::MAX, f64::MIN);
        let (mut y0, mut y1) = (f64::MAX, f64::MIN);
        for (_, p, m, _, _) in &points {
            x0 = x0.min(decade(*p).floor());
            x1 = x1.max(decade(*p).ceil());
            y0 = y0.min(decade(*m).floor());
            y1 = y1.max(decade(*m).ceil());
        }
        if x1 <= x0 {
            x1 = x0 + 1.0;
        }
        if y1 <= y0 {
            y1 = y0 + 1.0;
        }
        let sx = |v: f64| LEFT + (v - x0) / (x1 - x0) * (W - LEFT - RIGHT);
        let sy = |v: f64| H - BOTTOM - (v - y0) / (y1 - y0) * (H - TOP - BOTTOM);
        let _ = write!(
            svg,
            "<g stroke=\"#d0d7de\">\
             <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{}\"/>\
             <line x1=\"{LEFT}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/></g>",
            H - BOTTOM,
            H - BOTTOM,
            W - RIGHT,
            H - BOTTOM
        );
        let mut d = x0;
        while d <= x1 {
            let x = sx(d);
            let _ = write!(
                svg,
                "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#eaeef2\"/>\
                 <text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                H - BOTTOM,
                H - BOTTOM + 16.0,
                e(&count(10f64.powf(d) as u64))
            );
            d += 1.0;
        }
        let mut d = y0;
        while d <= y1 {
            let y = sy(d);
            let _ = write!(
                svg,
                "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#eaeef2\"/>\
                 <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                W - RIGHT,
                LEFT - 6.0,
                y + 4.0,
                e(&gb(10f64.powf(d) as u64))
            );
            d += 1.0;
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">parameters</text>\
             <text x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">memory at bf16</text>",
            (LEFT + W - RIGHT) / 2.0,
            H - 10.0,
            (TOP + H - BOTTOM) / 2.0,
            (TOP + H - BOTTOM) / 2.0
        );
        for (i, p, m, class, name) in &points {
            let (x, y) = (sx(decade(*p)), sy(decade(*m)));
            let _ = write!(
                svg,
                "<g><title>{} ({}): {} parameters, {} at bf16</title>{}<text x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
                e(name),
                e(class.trim_start_matches("v-")),
                e(&count(*p)),
                e(&gb(*m)),
                marker(class, x, y),
                x + 8.0,
                y - 6.0,
                i + 1
            );
        }
    }
    let _ = writeln!(
        svg,
        "</svg><figcaption>{}</figcaption></figure>",
        e(&caption)
    );
    svg
}

/// The verdict mix (one stacked bar) and how many models carry each risk code.
pub fn mix(report: &Report) -> String {
    let words = [
        "allowed",
        "conditional",
        "unknown",
        "prohibited",
        "not audited",
    ];
    let classes = [
        "v-allowed",
        "v-conditional",
        "v-unknown",
        "v-prohibited",
        "v-error",
    ];
    let mut counts = [0usize; 5];
    for m in &report.models {
        counts[usize::from(format::verdict(m).rank)] += 1;
    }
    let total = report.models.len().max(1) as f64;
    let mut risks: Vec<(RiskCode, Severity, usize)> = Vec::new();
    for m in report.models.iter().filter(|m| m.status == Status::Ok) {
        let mut seen: Vec<RiskCode> = Vec::new();
        for r in &m.risks {
            if seen.contains(&r.code) {
                continue;
            }
            seen.push(r.code);
            match risks.iter_mut().find(|(c, _, _)| *c == r.code) {
                Some(entry) => {
                    entry.2 += 1;
                    entry.1 = entry.1.max(r.severity);
                }
                None => risks.push((r.code, r.severity, 1)),
            }
        }
    }
    risks.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    risks.truncate(10);
    let bar_h = 18.0;
    let height = 90.0 + risks.len() as f64 * (bar_h + 6.0) + 10.0;
    let mut svg = format!(
        "<figure><svg viewBox=\"0 0 {W} {height}\" role=\"img\" aria-labelledby=\"mix-title\">\
         <title id=\"mix-title\">Verdict and risk mix</title>\
         <text x=\"0\" y=\"14\" font-weight=\"600\">Commercial verdicts</text>"
    );
    let mut x = 0.0;
    let width = W - 10.0;
    for (k, n) in counts.iter().enumerate() {
        if *n == 0 {
            continue;
        }
        let w = *n as f64 / total * width;
        let _ = write!(
            svg,
            "<g><title>{}: {n}</title><rect x=\"{x:.1}\" y=\"22\" width=\"{w:.1}\" height=\"22\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"60\">{} {n}</text></g>",
            words[k],
            fill(classes[k]),
            x + 2.0,
            words[k]
        );
        x += w;
    }
    let _ = write!(
        svg,
        "<text x=\"0\" y=\"84\" font-weight=\"600\">Models carrying each risk (most severe first)</text>"
    );
    let label_w = 190.0;
    let max = risks.iter().map(|r| r.2).max().unwrap_or(1) as f64;
    for (k, (code, severity, n)) in risks.iter().enumerate() {
        let y = 92.0 + k as f64 * (bar_h + 6.0);
        let w = *n as f64 / max * (W - label_w - 110.0);
        let _ = write!(
            svg,
            "<g><title>{} ({}): {n} models</title>\
             <text x=\"0\" y=\"{:.1}\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{n} ({})</text></g>",
            code.code(),
            severity.as_str(),
            y + 13.0,
            code.code(),
            severity_fill(*severity),
            label_w + w + 4.0,
            y + 13.0,
            severity.as_str()
        );
    }
    let spelled: Vec<String> = words
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(w, n)| format!("{n} {w}"))
        .collect();
    let caption = format!(
        "Commercial verdicts of the {} models: {}. Below, how many models carry each risk code \
         (the ten most severe and most frequent), with its severity.",
        report.models.len(),
        spelled.join(", ")
    );
    let _ = writeln!(
        svg,
        "</svg><figcaption>{}</figcaption></figure>",
        e(&caption)
    );
    svg
}
