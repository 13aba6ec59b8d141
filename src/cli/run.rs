//! Running many audits: several at once on one client, each judged by the policy and written to
//! the results file the moment it completes, reported in input order, a progress bar on a
//! terminal, and Ctrl-C stopping cleanly (what completed is already written; nothing
//! half-written).
//!
//! Models are matched by their canonical key (`ModelKey`): `hf:org/x`, `org/x@main` and
//! `Org/X` are audited once, and match the same model in a results file. Assessments read back
//! from a results file are judged again (the policy may have changed); models that failed
//! there are audited again.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;

use anyhow::{Context, Result};
use futures_util::{FutureExt, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};

use super::jsonl::Jsonl;
use isopen::audit::Auditor;
use isopen::model_ref::ModelKey;
use isopen::policy::{Date, Policy};
use isopen::redact::Redactor;
use isopen::report::{ModelReport, Status};

/// One model to audit, with what the shortlist says of it.
#[derive(Debug, Clone)]
pub struct Job {
    pub model: String,
    pub note: Option<String>,
    pub owner: Option<String>,
}

/// The policy every report is judged by before it is written or printed, and the secrets
/// removed from it first.
pub struct Gate<'a> {
    pub policy: Option<&'a Policy>,
    pub today: Date,
    pub redactor: &'a Redactor,
}

impl Gate<'_> {
    /// The assessment without secrets: a hub may have echoed the token into an error or a
    /// note, and what is written or judged is what is shown.
    fn clean(&self, assessed: ModelReport) -> ModelReport {
        self.redactor.report(assessed)
    }

    /// The report as printed and written; the assessment itself is left as it is.
    fn judge(&self, assessed: &ModelReport) -> ModelReport {
        match self.policy {
            Some(p) => p.judge(assessed, self.today),
            None => assessed.clone(),
        }
    }
}

/// What a results file contributed to the run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resumed {
    /// Models audited in an earlier run and not audited again.
    pub done: usize,
    /// Models whose earlier audit failed, audited again.
    pub retried: usize,
}

pub struct Outcome {
    /// One report per job, in input order; `None` for jobs not reached before an interrupt.
    pub reports: Vec<Option<ModelReport>>,
    pub interrupted: bool,
    pub resumed: Resumed,
}

/// Audits `jobs` (each distinct model once), taking the assessments in `earlier` (from a
/// results file, in file order: a later line wins) as done unless they failed.
pub fn run(
    auditor: &Auditor,
    jobs: &[Job],
    earlier: Vec<ModelReport>,
    concurrency: usize,
    mut out: Option<&mut Jsonl>,
    gate: &Gate,
) -> Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let keys: Vec<ModelKey> = jobs.iter().map(|j| ModelKey::of(&j.model)).collect();
    let mut results: HashMap<ModelKey, ModelReport> = HashMap::new();
    let mut failed: HashSet<ModelKey> = HashSet::new();
    for assessed in earlier {
        let assessed = gate.clean(assessed);
        let key = ModelKey::of_report(&assessed.model, assessed.source.as_str());
        if assessed.status == Status::Error {
            // Audited again: the failure may have been passing (a network error, a token).
            failed.insert(key);
        } else {
            results.insert(key, gate.judge(&assessed));
        }
    }
    // Each distinct model once, in input order.
    let mut seen = HashSet::new();
    let todo: Vec<(&Job, &ModelKey)> = jobs
        .iter()
        .zip(&keys)
        .filter(|(_, k)| !results.contains_key(k) && seen.insert(*k))
        .collect();
    let distinct: HashSet<&ModelKey> = keys.iter().collect();
    let resumed = Resumed {
        done: distinct.iter().filter(|k| results.contains_key(k)).count(),
        retried: todo.iter().filter(|(_, k)| failed.contains(k)).count(),
    };
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
            .map(|(job, key)| async move {
                // A bug that panics on one model's input must not stop the batch or lose
                // what is written: that model is reported as failed.
                let audit = std::panic::AssertUnwindSafe(auditor.audit(&job.model));
                let mut report = audit.catch_unwind().await.unwrap_or_else(|_| {
                    let source = match key {
                        ModelKey::Local(_) => isopen::report::Source::Local,
                        _ => isopen::report::Source::Huggingface,
                    };
                    ModelReport::failed(
                        &job.model,
                        source,
                        isopen::report::ErrorKind::Internal,
                        "isopen failed on this model (a bug; please report it)".into(),
                    )
                });
                report.note = job.note.clone();
                report.owner = job.owner.clone();
                (key, report)
            })
            .buffer_unordered(concurrency.max(1));
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            tokio::select! {
                next = stream.next() => match next {
                    Some((key, assessed)) => {
                        let assessed = gate.clean(assessed);
                        let judged = gate.judge(&assessed);
                        if let Some(out) = out.as_deref_mut() {
                            out.append(&judged, &assessed)?;
                        }
                        progress.inc(1);
                        progress.set_message(judged.model.clone());
                        results.insert(key.clone(), judged);
                    }
                    None => return Ok::<bool, anyhow::Error>(false),
                },
                _ = &mut ctrl_c => return Ok(true),
            }
        }
    })?;
    progress.finish_and_clear();
    if let Some(failure) = auditor.cache_failure() {
        // Once a run, whatever the number of entries that could not be kept.
        super::say(&format!(
            "isopen: warning: {failure}; later audits will ask the hub again"
        ));
    }
    let reports = jobs
        .iter()
        .zip(&keys)
        .map(|(j, k)| {
            results.get(k).map(|r| {
                let mut r = r.clone();
                // The user's spelling of this entry, whichever spelling was audited.
                r.model = j.model.clone();
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
