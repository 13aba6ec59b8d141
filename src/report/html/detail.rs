//! One section per model: the verdict and license, conditions and obligations with their
//! evidence, the provider's terms for a closed model, weights, lineage, datasets, openness,
//! risks with evidence (file, line, quote), the business answers and the notes. URLs are shown
//! as text, never as links or sources, so the page asks nothing of the network.

use std::fmt::Write;

use super::escape::text as e;
use super::format::{self, count, gb};
use super::matrix::verdict_badge;
use super::questions::{self, QUESTIONS};
use crate::report::{Evidence, ModelReport, ProviderTerms, TermsFact};

fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "<p>none</p>\n".into();
    }
    let mut out = String::from("<ul>");
    for i in items {
        let _ = writeln!(out, "<li>{}</li>", e(i));
    }
    out.push_str("</ul>");
    out
}

fn place(ev: &Evidence) -> String {
    match (&ev.file, ev.line) {
        (Some(f), Some(l)) => format!("{f}:{l}"),
        (Some(f), None) => f.clone(),
        (None, _) => "(no file)".into(),
    }
}

fn evidence(items: &[Evidence]) -> String {
    let mut out = String::new();
    for ev in items {
        let _ = write!(
            out,
            "<div><code>{}</code>{}<blockquote>{}</blockquote></div>",
            e(&place(ev)),
            ev.rule
                .as_ref()
                .map_or(String::new(), |r| format!(" <small>rule {}</small>", e(r))),
            e(&ev.quote)
        );
    }
    out
}

fn terms(t: &ProviderTerms) -> String {
    let mut out = String::from("<h4>Provider terms (from isopen's catalog)</h4>\n");
    let _ = writeln!(
        out,
        "<p>{} — <code>{}</code>; effective {}; last checked {}{}.</p>",
        e(&t.terms.name),
        e(&t.terms.url),
        e(t.terms.effective.as_deref().unwrap_or("unknown")),
        e(&t.terms.checked),
        if t.stale {
            format!(
                " <span class=\"stale\">(stale: {} days before this audit)</span>",
                t.catalog_age_days
            )
        } else {
            String::new()
        }
    );
    out.push_str("<table><thead><tr><th>Fact</th><th>Value</th><th>What the terms say</th><th>Source</th></tr>\n</thead><tbody>");
    let facts: [(&str, &TermsFact); 5] = [
        ("Output ownership", &t.output_ownership),
        (
            "Outputs used to build competing models",
            &t.competing_models,
        ),
        ("Trains on API data by default", &t.trains_on_api_data),
        ("Data retention", &t.data_retention),
        ("Regions", &t.regions),
    ];
    for (name, f) in facts {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><strong>{}</strong></td><td>{}</td><td>{}</td></tr>",
            e(name),
            e(&f.value),
            e(&f.summary),
            e(f.source.as_deref().unwrap_or("none"))
        );
    }
    let _ = writeln!(
        out,
        "<tr><td>Self-hosting</td><td><strong>{}</strong></td><td>the provider serves the model; its weights are never provided</td><td>-</td></tr>",
        if t.self_hosting {
            "possible"
        } else {
            "impossible"
        }
    );
    out.push_str("</tbody></table>");
    if !t.sources.is_empty() {
        out.push_str("<p>Sources:</p>\n<ul>");
        for s in &t.sources {
            let _ = writeln!(
                out,
                "<li><code>{}</code>: <code>{}</code> — {} (checked {})</li>",
                e(&s.id),
                e(&s.url),
                e(&s.read),
                e(&s.checked)
            );
        }
        out.push_str("</ul>");
    }
    out
}

/// The detail section of the model at `i` (its anchor is `m-{i}`).
pub fn section(i: usize, m: &ModelReport) -> String {
    let mut out = format!(
        "<section class=\"model\" id=\"m-{i}\"><h3>{}. {} {}</h3><p class=\"meta\">source <code>{}</code>{}</p>\n",
        i + 1,
        e(&m.model),
        verdict_badge(m),
        e(m.source.as_str()),
        m.revision.as_ref().map_or(String::new(), |r| format!(
            ", revision <code>{}</code>",
            e(r)
        ))
    );
    out.push_str(&super::codebase::found_at(m));
    if let Some(err) = &m.error {
        let _ = writeln!(
            out,
            "<p>Could not be audited (<code>{}</code>): {}</p>\n</section>",
            e(err.kind.as_str()),
            e(&err.message)
        );
        return out;
    }
    if let Some(l) = &m.license {
        let _ = writeln!(
            out,
            "<h4>License</h4>\n<p><code>{}</code> {} — confidence {:.2}{}{}{}</p>",
            e(&l.id),
            e(l.name.as_deref().unwrap_or("")),
            l.confidence,
            l.spdx
                .as_ref()
                .map_or(String::new(), |s| format!(", SPDX <code>{}</code>", e(s))),
            match l.osi_approved {
                Some(true) => ", OSI-approved",
                Some(false) => ", not OSI-approved",
                None => "",
            },
            l.declared.as_ref().map_or(String::new(), |d| format!(
                "; declared <code>{}</code>",
                e(d)
            ))
        );
        if !l.sources.is_empty() {
            out.push_str("<ul>");
            for s in &l.sources {
                let _ = writeln!(
                    out,
                    "<li>{} {} → <code>{}</code>{}</li>",
                    e(s.kind.as_str()),
                    e(s.file.as_deref().unwrap_or("")),
                    e(&s.id),
                    s.model
                        .as_ref()
                        .map_or(String::new(), |b| format!(" (from {})", e(b)))
                );
            }
            out.push_str("</ul>");
        }
    }
    if let Some(c) = &m.commercial_use {
        out.push_str("<h4>Conditions</h4>\n");
        out.push_str(&list(&c.conditions));
        out.push_str("<h4>Obligations</h4>\n");
        out.push_str(&list(&c.obligations));
        if !c.evidence.is_empty() {
            out.push_str("<h4>Evidence</h4>\n");
            out.push_str(&evidence(&c.evidence));
        }
    }
    if let Some(t) = &m.provider_terms {
        out.push_str(&terms(t));
    }
    if let Some(w) = &m.weights {
        let _ = writeln!(
            out,
            "<h4>Weights</h4>\n<p>{}{}; formats {}; parameters {}; {}</p>",
            e(w.availability.as_str()),
            w.gating
                .map_or(String::new(), |g| format!(" (gating {})", e(g.as_str()))),
            if w.formats.is_empty() {
                "none".to_string()
            } else {
                e(&w.formats.join(", "))
            },
            w.parameters.map_or("unknown".into(), |p| format!(
                "{}{}",
                count(p),
                if w.parameters_estimated {
                    " (estimated)"
                } else {
                    ""
                }
            )),
            w.serving_memory
                .as_ref()
                .map_or("serving memory unknown".to_string(), |s| format!(
                    "serving memory {} at bf16, {} at 4-bit",
                    gb(s.bf16_bytes),
                    gb(s.int4_bytes)
                ))
        );
    }
    out.push_str("<h4>Lineage</h4>\n");
    if m.lineage.is_empty() {
        out.push_str("<p>no base model</p>\n");
    } else {
        out.push_str("<table><thead><tr><th>Base model</th><th>Relation</th><th>License</th><th>Commercial use</th><th>Status</th></tr>\n</thead><tbody>");
        for l in &m.lineage {
            let _ = writeln!(
                out,
                "<tr><td>{}{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}{}</td></tr>",
                e(&l.model),
                if l.inferred {
                    " <small>(inferred)</small>"
                } else {
                    ""
                },
                e(l.relation.as_str()),
                e(l.license.as_deref().unwrap_or("unknown")),
                e(l.commercial_use.map_or("unknown", |v| v.as_str())),
                e(l.status.as_str()),
                l.error
                    .as_ref()
                    .map_or(String::new(), |x| format!(": {}", e(x)))
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("<h4>Datasets</h4>\n");
    if m.datasets.is_empty() {
        out.push_str("<p>none named</p>\n");
    } else {
        out.push_str("<table><thead><tr><th>Dataset</th><th>License</th><th>Availability</th><th>Commercial use</th></tr>\n</thead><tbody>");
        for d in &m.datasets {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                e(&d.id),
                e(d.license.as_deref().unwrap_or("unknown")),
                e(d.availability.as_str()),
                e(d.commercial_use.as_str())
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(o) = &m.openness {
        let _ = write!(
            out,
            "<h4>Openness</h4>\n<p>OSAID <strong>{}</strong>, MOF class <strong>{}</strong></p>{}",
            e(o.osaid.as_str()),
            e(o.mof_class.map_or("undetermined", |c| c.as_str())),
            list(&o.reasons)
        );
    }
    out.push_str("<h4>Risks</h4>\n");
    if m.risks.is_empty() {
        out.push_str("<p>none</p>\n");
    } else {
        out.push_str("<table><thead><tr><th>Severity</th><th>Code</th><th>What and where</th></tr>\n</thead><tbody>");
        for r in &m.risks {
            let _ = writeln!(
                out,
                "<tr><td class=\"{}\">{}</td><td><code>{}</code></td><td>{}{}</td></tr>",
                format::severity_class(r.severity),
                e(&r.severity.as_str().to_uppercase()),
                e(r.code.code()),
                e(&r.message),
                evidence(&r.evidence)
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(answers) = questions::answer(m) {
        out.push_str("<h4>Business questions</h4>\n<table><tbody>");
        for (q, a) in QUESTIONS.iter().zip(answers) {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td><strong>{}</strong> — {}</td></tr>",
                e(q),
                e(&a.answer),
                e(&a.reason)
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(p) = &m.policy {
        let _ = write!(
            out,
            "<h4>Policy</h4>\n<p>{}</p>\n<ul>",
            e(p.outcome.as_str())
        );
        for d in &p.decisions {
            let _ = writeln!(
                out,
                "<li>{} ({}): {}</li>",
                e(d.rule.as_str()),
                e(d.action.as_str()),
                e(&d.message)
            );
        }
        out.push_str("</ul>");
    }
    if !m.notes.is_empty() {
        out.push_str("<h4>Notes</h4>\n");
        out.push_str(&list(&m.notes));
    }
    out.push_str("</section>\n");
    out
}
