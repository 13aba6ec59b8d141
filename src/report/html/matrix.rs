//! The comparison matrix (one row per model, in input order) and the business-questions table.
//! Every cell carries its sort value in `data-v`; every row its index (`data-i`, the input
//! order to fall back on), its verdict and the lower-case text the filter searches.

use std::fmt::Write;

use super::escape::text as e;
use super::format::{self, count, gb};
use super::questions::{self, QUESTIONS};
use crate::report::{ModelReport, Report, Status, gate};
use crate::vocab::Severity;

/// A header cell with its sort button (shown by the script only).
fn th(label: &str, numeric: bool) -> String {
    format!(
        "<th data-sort=\"{}\" scope=\"col\">{} <button type=\"button\" class=\"sort\" hidden \
         aria-label=\"sort by {}\">\u{2195}</button></th>",
        if numeric { "num" } else { "text" },
        e(label),
        e(label)
    )
}

fn td(v: &str, html: &str) -> String {
    format!("<td data-v=\"{}\">{html}</td>", e(v))
}

fn td_num(v: Option<u64>, html: &str) -> String {
    format!(
        "<td class=\"num\" data-v=\"{}\">{html}</td>",
        v.map_or(String::new(), |n| n.to_string())
    )
}

/// The attributes every row of a model carries.
fn row_attrs(i: usize, m: &ModelReport) -> String {
    let license = m.license.as_ref();
    let search = format!(
        "{} {} {} {}",
        m.model,
        m.source.as_str(),
        license.map_or("", |l| l.id.as_str()),
        license.and_then(|l| l.name.as_deref()).unwrap_or("")
    )
    .to_lowercase();
    format!(
        "data-model=\"{i}\" data-i=\"{i}\" data-verdict=\"{}\" data-search=\"{}\"",
        format::verdict(m).word,
        e(&search)
    )
}

/// The model's name, linking to its detail section.
fn name_cell(i: usize, m: &ModelReport) -> String {
    format!(
        "<th scope=\"row\" data-v=\"{}\"><a href=\"#m-{i}\">{}</a><br><small>{}</small></th>",
        e(&m.model.to_lowercase()),
        e(&m.model),
        e(m.source.as_str())
    )
}

pub fn verdict_badge(m: &ModelReport) -> String {
    let v = format::verdict(m);
    format!(
        "<span class=\"badge {}\">{} {}</span>",
        v.class,
        v.glyph,
        e(v.word)
    )
}

fn highest_risk(m: &ModelReport) -> (String, String) {
    match m.risks.iter().max_by_key(|r| r.severity) {
        Some(r) => {
            let more = m.risks.len() - 1;
            (
                format!("{}{}", format::severity_rank(r.severity), r.code.code()),
                format!(
                    "<span class=\"{}\">{} {}</span>{}",
                    format::severity_class(r.severity),
                    e(&r.severity.as_str().to_uppercase()),
                    e(r.code.code()),
                    if more > 0 {
                        format!(" <small>+{more} more</small>")
                    } else {
                        String::new()
                    }
                ),
            )
        }
        None if m.status == Status::Error => (String::new(), "-".into()),
        None => ("0".into(), "none".into()),
    }
}

/// The comparison matrix.
pub fn matrix(report: &Report, fail_on: Option<Severity>) -> String {
    let judged = report
        .models
        .iter()
        .any(|m| gate::judge(m, fail_on).is_some());
    let mut out =
        String::from("<div class=\"scroll\"><table id=\"matrix\" class=\"sortable\"><thead><tr>");
    out.push_str(&th("Model", false));
    out.push_str(&th("Commercial use", true));
    out.push_str(&th("License", false));
    out.push_str(&th("Conditions", true));
    out.push_str(&th("Weights", false));
    out.push_str(&th("Parameters", true));
    out.push_str(&th("Serving memory (bf16 / 4-bit)", true));
    out.push_str(&th("OSAID", false));
    out.push_str(&th("MOF", false));
    out.push_str(&th("Highest risk", false));
    if judged {
        out.push_str(&th("Gate", false));
    }
    out.push_str("</tr>\n</thead><tbody>");
    for (i, m) in report.models.iter().enumerate() {
        let _ = write!(out, "<tr {}>", row_attrs(i, m));
        out.push_str(&name_cell(i, m));
        let v = format::verdict(m);
        out.push_str(&td(&v.rank.to_string(), &verdict_badge(m)));
        if let Some(err) = &m.error {
            let _ = write!(
                out,
                "<td colspan=\"8\" data-v=\"\">could not be audited: <code>{}</code> {}</td>",
                e(err.kind.as_str()),
                e(&err.message)
            );
        } else {
            let license = m.license.as_ref();
            let lic_id = license.map_or("unknown", |l| l.id.as_str());
            let lic_name = license.and_then(|l| l.name.as_deref()).unwrap_or("");
            out.push_str(&td(
                &lic_id.to_lowercase(),
                &format!(
                    "{}<br><small><code>{}</code></small>",
                    e(lic_name),
                    e(lic_id)
                ),
            ));
            let conditions = m.commercial_use.as_ref().map(|c| c.conditions.len() as u64);
            out.push_str(&td_num(
                conditions,
                &conditions.map_or("-".into(), |n| n.to_string()),
            ));
            let w = m.weights.as_ref();
            let avail = w.map_or("unknown", |w| w.availability.as_str());
            let gating = w
                .and_then(|w| w.gating)
                .filter(|g| g.as_str() != "none")
                .map_or(String::new(), |g| {
                    format!(" <small>({})</small>", e(g.as_str()))
                });
            out.push_str(&td(avail, &format!("{}{gating}", e(avail))));
            let params = w.and_then(|w| w.parameters);
            let estimated = w.is_some_and(|w| w.parameters_estimated);
            out.push_str(&td_num(
                params,
                &params.map_or("unknown".into(), |p| {
                    format!("{}{}", count(p), if estimated { " (est.)" } else { "" })
                }),
            ));
            let mem = w.and_then(|w| w.serving_memory.as_ref());
            out.push_str(&td_num(
                mem.map(|m| m.bf16_bytes),
                &mem.map_or("unknown".into(), |m| {
                    format!("{} / {}", gb(m.bf16_bytes), gb(m.int4_bytes))
                }),
            ));
            let openness = m.openness.as_ref();
            let osaid = openness.map_or("unknown", |o| o.osaid.as_str());
            out.push_str(&td(osaid, &e(osaid)));
            let mof = openness
                .and_then(|o| o.mof_class)
                .map_or("undetermined", |c| c.as_str());
            out.push_str(&td(mof, &e(mof)));
        }
        let (rv, rh) = highest_risk(m);
        out.push_str(&td(&rv, &rh));
        if judged {
            let g = gate::judge(m, fail_on);
            let (word, why) = g.map_or(("-".to_string(), String::new()), |g| {
                (g.action.as_str().to_string(), g.why())
            });
            out.push_str(&td(
                &word,
                &format!("{}<br><small>{}</small>", e(&word), e(&why)),
            ));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>");
    out
}

/// The business questions, one row per model.
pub fn questions(report: &Report) -> String {
    let mut out = String::from(
        "<div class=\"scroll\"><table id=\"questions\" class=\"sortable\"><thead><tr>",
    );
    out.push_str(&th("Model", false));
    for q in QUESTIONS {
        out.push_str(&th(q, false));
    }
    out.push_str("</tr>\n</thead><tbody>");
    for (i, m) in report.models.iter().enumerate() {
        let _ = write!(out, "<tr {}>", row_attrs(i, m));
        out.push_str(&name_cell(i, m));
        match questions::answer(m) {
            Some(answers) => {
                for a in answers {
                    out.push_str(&td(
                        &a.answer,
                        &format!(
                            "<strong>{}</strong><br><small>{}</small>",
                            e(&a.answer),
                            e(&a.reason)
                        ),
                    ));
                }
            }
            None => out.push_str("<td colspan=\"5\" data-v=\"\">not audited</td>"),
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>");
    out
}
