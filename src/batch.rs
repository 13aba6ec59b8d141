//! Auditing many models at once, as a library: each distinct model once (matched by its
//! canonical `ModelKey`, so `hf:org/x`, `org/x@main` and `Org/X` are one), several at a time on
//! one auditor (requests to each host are limited by the client, not here), every audit its
//! own task so the assessments of several models use every core, results judged by the policy
//! and handed to a `Reporter` the moment each completes, and the whole run stopped cleanly
//! when the caller's cancellation future resolves (what completed has been reported; nothing
//! is half-reported).
//!
//! A results file from an earlier run contributes its assessments: they are judged again under
//! this run's policy (the policy may have changed), and models that failed there are audited
//! again. The outcome lists one report per job, in input order, under the user's spelling.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use futures_util::StreamExt;

use crate::audit::Auditor;
use crate::model_ref::ModelKey;
use crate::policy::Policy;
use crate::redact::Redactor;
use crate::report::{ErrorKind, ModelReport, Status};
use crate::snapshot::Source;
use crate::vocab::Date;

/// One model to audit, with what the shortlist says of it.
#[derive(Debug, Clone)]
pub struct Job {
    pub model: String,
    pub note: Option<String>,
    pub owner: Option<String>,
}

impl Job {
    /// A job for a model with no shortlist note or owner.
    pub fn named(model: &str) -> Job {
        Job {
            model: model.to_string(),
            note: None,
            owner: None,
        }
    }
}

/// The policy every report is judged by before it is reported, and the secrets removed from
/// it first.
#[derive(Debug, Clone, Copy)]
pub struct Gate<'a> {
    pub policy: Option<&'a Policy>,
    pub today: Date,
    pub redactor: &'a Redactor,
}

impl Gate<'_> {
    /// The assessment without secrets: a hub may have echoed the token into an error or a
    /// note, and what is written or judged is what is shown.
    pub fn clean(&self, assessed: ModelReport) -> ModelReport {
        self.redactor.report(assessed)
    }

    /// The report as printed and written; the assessment itself is left as it is.
    pub fn judge(&self, assessed: &ModelReport) -> ModelReport {
        match self.policy {
            Some(p) => p.judge(assessed, self.today),
            None => assessed.clone(),
        }
    }
}

/// Told of the run's progress, in the order things happen. The CLI draws a progress bar and
/// appends each result to its results file; a library user may collect them.
pub trait Reporter {
    /// The run is about to audit `todo` models.
    fn started(&mut self, _todo: usize) {}

    /// One model is done: `judged` is the report as the policy sees it, `assessed` the
    /// assessment before any policy (what a results file must keep to judge again). An error
    /// stops the run: a result that cannot be kept must not be silently dropped.
    fn completed(&mut self, judged: &ModelReport, assessed: &ModelReport) -> Result<(), String>;
}

/// A reporter that keeps nothing.
pub struct Silent;

impl Reporter for Silent {
    fn completed(&mut self, _: &ModelReport, _: &ModelReport) -> Result<(), String> {
        Ok(())
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

#[derive(Debug)]
pub struct Outcome {
    /// One report per job, in input order; `None` for jobs not reached before a cancellation.
    pub reports: Vec<Option<ModelReport>>,
    /// The assessment behind each report, before any policy (in the same order): what a
    /// caller adding findings of its own judges again (`isopen scan`).
    pub assessed: Vec<Option<ModelReport>>,
    pub cancelled: bool,
    pub resumed: Resumed,
}

/// The reporter refused a result (the results file could not be written).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReporterFailed(pub String);

/// Audits `jobs` (each distinct model once, at most `concurrency` at a time), taking the
/// assessments in `earlier` (from a results file, in file order: a later line wins) as done
/// unless they failed. Stops when `cancel` resolves.
pub async fn run(
    auditor: &Auditor,
    jobs: &[Job],
    earlier: Vec<ModelReport>,
    concurrency: usize,
    gate: Gate<'_>,
    reporter: &mut dyn Reporter,
    cancel: impl Future<Output = ()>,
) -> Result<Outcome, ReporterFailed> {
    let keys: Vec<ModelKey> = jobs.iter().map(|j| ModelKey::of(&j.model)).collect();
    let mut results: HashMap<ModelKey, ModelReport> = HashMap::new();
    let mut assessments: HashMap<ModelKey, ModelReport> = HashMap::new();
    let mut failed: HashSet<ModelKey> = HashSet::new();
    for assessed in earlier {
        let assessed = gate.clean(assessed);
        let key = ModelKey::of_report(&assessed.model, assessed.source);
        if assessed.status == Status::Error {
            // Audited again: the failure may have been passing (a network error, a token).
            failed.insert(key);
        } else {
            results.insert(key.clone(), gate.judge(&assessed));
            assessments.insert(key, assessed);
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
    reporter.started(todo.len());
    let mut stream = futures_util::stream::iter(todo.iter().copied())
        .map(|(job, key)| audit_one(auditor, job, key))
        .buffer_unordered(concurrency.max(1));
    tokio::pin!(cancel);
    let cancelled = loop {
        tokio::select! {
            next = stream.next() => match next {
                Some((key, assessed)) => {
                    let assessed = gate.clean(assessed);
                    let judged = gate.judge(&assessed);
                    reporter.completed(&judged, &assessed).map_err(ReporterFailed)?;
                    results.insert(key.clone(), judged);
                    assessments.insert(key.clone(), assessed);
                }
                None => break false,
            },
            () = &mut cancel => break true,
        }
    };
    let per_job = |of: &HashMap<ModelKey, ModelReport>| {
        jobs.iter()
            .zip(&keys)
            .map(|(j, k)| {
                of.get(k).map(|r| {
                    let mut r = r.clone();
                    // The user's spelling of this entry, whichever spelling was audited.
                    r.model = j.model.clone();
                    r.note = j.note.clone().or(r.note);
                    r.owner = j.owner.clone().or(r.owner);
                    r
                })
            })
            .collect()
    };
    Ok(Outcome {
        reports: per_job(&results),
        assessed: per_job(&assessments),
        cancelled,
        resumed,
    })
}

/// One audit in its own task, so that several assessments run on several cores. A bug that
/// panics on one model's input must not stop the batch or lose what is written: that model is
/// reported as failed, with the `internal` kind.
async fn audit_one<'k>(
    auditor: &Auditor,
    job: &Job,
    key: &'k ModelKey,
) -> (&'k ModelKey, ModelReport) {
    let task = {
        let auditor = auditor.clone();
        let model = job.model.clone();
        tokio::spawn(async move { auditor.audit(&model).await })
    };
    let mut report = task.await.unwrap_or_else(|_| {
        let source = match key {
            ModelKey::Local(p) if p.extension().is_some_and(|e| e == "gguf") => Source::Gguf,
            ModelKey::Local(_) => Source::Local,
            ModelKey::Ollama(_) => Source::Ollama,
            ModelKey::ModelScope { .. } => Source::Modelscope,
            ModelKey::Api { .. } => Source::Api,
            ModelKey::Hub { .. } | ModelKey::Invalid(_) => Source::Huggingface,
        };
        ModelReport::failed(
            &job.model,
            source,
            ErrorKind::Internal,
            "isopen failed on this model (a bug; please report it)".into(),
        )
    });
    report.note = job.note.clone();
    report.owner = job.owner.clone();
    (key, report)
}
