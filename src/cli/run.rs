//! Running many audits: several at once on one client, each written to the results file the
//! moment it completes, reported in input order, a progress bar on a terminal, and Ctrl-C
//! stopping cleanly (what completed is already written; nothing half-written).

use std::collections::HashMap;
use std::io::IsTerminal;

use anyhow::{Context, Result};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};

use super::jsonl::Jsonl;
use isopen::audit::Auditor;
use isopen::policy::{Date, Policy};
use isopen::report::ModelReport;

/// One model to audit, with what the shortlist says of it.
#[derive(Debug, Clone)]
pub struct Job {
    pub model: String,
    pub note: Option<String>,
    pub owner: Option<String>,
}

/// The policy every report is judged by before it is written or printed.
pub struct Gate<'a> {
    pub policy: Option<&'a Policy>,
    pub today: Date,
}

impl Gate<'_> {
    fn apply(&self, report: &mut ModelReport) {
        if let Some(p) = self.policy {
            report.policy = Some(p.evaluate(report, self.today));
        }
    }
}

pub struct Outcome {
    /// One report per job, in input order; `None` for jobs not reached before an interrupt.
    pub reports: Vec<Option<ModelReport>>,
    pub interrupted: bool,
    /// How many were read back from the results file instead of audited.
    pub resumed: usize,
}

pub fn run(
    auditor: &Auditor,
    jobs: &[Job],
    done: Vec<ModelReport>,
    concurrency: usize,
    mut out: Option<&mut Jsonl>,
    gate: &Gate,
) -> Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut results: HashMap<String, ModelReport> = HashMap::new();
    for mut r in done {
        // Judged again: the policy may have changed since the file was written.
        gate.apply(&mut r);
        results.entry(r.model.clone()).or_insert(r);
    }
    let resumed = jobs
        .iter()
        .filter(|j| results.contains_key(&j.model))
        .count();
    // Each distinct model once, in input order.
    let mut todo: Vec<&Job> = Vec::new();
    for j in jobs {
        if !results.contains_key(&j.model) && !todo.iter().any(|t| t.model == j.model) {
            todo.push(j);
        }
    }
    let progress = if std::io::stderr().is_terminal() && todo.len() > 1 {
        let bar = ProgressBar::new(todo.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {wide_msg}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let interrupted = runtime.block_on(async {
        let mut stream = futures_util::stream::iter(todo.iter().copied())
            .map(|job| async move {
                let mut report = auditor.audit(&job.model).await;
                report.note = job.note.clone();
                report.owner = job.owner.clone();
                report
            })
            .buffer_unordered(concurrency.max(1));
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            tokio::select! {
                next = stream.next() => match next {
                    Some(mut report) => {
                        gate.apply(&mut report);
                        if let Some(out) = out.as_deref_mut() {
                            out.append(&report)?;
                        }
                        progress.inc(1);
                        progress.set_message(report.model.clone());
                        results.insert(report.model.clone(), report);
                    }
                    None => return Ok::<bool, anyhow::Error>(false),
                },
                _ = &mut ctrl_c => return Ok(true),
            }
        }
    })?;
    progress.finish_and_clear();
    let reports = jobs
        .iter()
        .map(|j| {
            results.get(&j.model).map(|r| {
                let mut r = r.clone();
                r.note = j.note.clone().or(r.note);
                r.owner = j.owner.clone().or(r.owner);
                r
            })
        })
        .collect();
    Ok(Outcome {
        reports,
        interrupted,
        resumed,
    })
}
