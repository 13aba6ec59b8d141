//! The CLI's side of a batch (`isopen::batch` does the work): a runtime to run it on, a
//! progress bar on a terminal, each result appended to the results file the moment it
//! completes, and Ctrl-C as the cancellation (what completed is already written; nothing
//! half-written).

use std::io::IsTerminal;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::jsonl::Jsonl;
use isopen::audit::Auditor;
use isopen::batch::{self, Gate, Job, Outcome, Reporter};
use isopen::report::ModelReport;

/// Progress on the terminal, results into the file.
struct Cli<'a> {
    out: Option<&'a mut Jsonl>,
    progress: ProgressBar,
}

impl Reporter for Cli<'_> {
    fn started(&mut self, todo: usize) {
        if std::io::stderr().is_terminal() && todo > 1 {
            self.progress = ProgressBar::new(todo as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {wide_msg}")
            {
                self.progress.set_style(style);
            }
        }
    }

    fn completed(&mut self, judged: &ModelReport, assessed: &ModelReport) -> Result<(), String> {
        if let Some(out) = self.out.as_deref_mut() {
            out.append(judged, assessed).map_err(|e| format!("{e:#}"))?;
        }
        self.progress.inc(1);
        self.progress
            .set_message(isopen::report::sanitize::line(&judged.model).into_owned());
        Ok(())
    }
}

/// The gate of a run: the policy (if any) judged as of today, the run's secrets removed.
pub fn gate<'a>(
    policy: Option<&'a isopen::policy::Policy>,
    redactor: &'a isopen::redact::Redactor,
) -> Gate<'a> {
    Gate {
        policy,
        today: super::policy::today(),
        redactor,
    }
}

/// Audits `jobs` with `isopen::batch` on a multi-threaded runtime, until done or Ctrl-C.
pub fn run(
    auditor: &Auditor,
    jobs: &[Job],
    earlier: Vec<ModelReport>,
    concurrency: usize,
    out: Option<&mut Jsonl>,
    gate: Gate<'_>,
) -> Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut cli = Cli {
        out,
        progress: ProgressBar::hidden(),
    };
    let ctrl_c = async {
        // If the signal cannot be watched, the run is simply not interruptible.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let outcome = runtime.block_on(batch::run(
        auditor,
        jobs,
        earlier,
        concurrency,
        gate,
        &mut cli,
        ctrl_c,
    ));
    cli.progress.finish_and_clear();
    if let Some(failure) = auditor.cache_failure() {
        // Once a run, whatever the number of entries that could not be kept.
        super::say(&format!(
            "isopen: warning: {failure}; later audits will ask the hub again"
        ));
    }
    Ok(outcome?)
}

/// Says what an interrupted run completed, and how to finish it when its results were written.
pub fn interrupted(complete: usize, total: usize, written: bool) {
    super::say(&format!(
        "isopen: interrupted: {complete} of {total} models audited{}",
        if written {
            "; run again with --resume to finish"
        } else {
            ""
        }
    ));
}

/// The results file of `--out` (with what it already holds when resuming), with the inputs
/// whose change makes a resume refuse; no file without `--out`, and `--resume` needs one.
pub fn results_file(
    out: Option<&std::path::Path>,
    resume: bool,
    inputs: &[(&str, &std::path::Path)],
) -> Result<(Option<Jsonl>, Vec<ModelReport>)> {
    match out {
        Some(path) => {
            let (file, done) = Jsonl::open(path, resume, inputs)?;
            Ok((Some(file), done))
        }
        None if resume => anyhow::bail!("--resume needs --out FILE.jsonl"),
        None => Ok((None, Vec::new())),
    }
}
