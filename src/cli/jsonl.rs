//! The `--out FILE.jsonl` results file: one model report a line, appended and flushed the
//! moment each audit completes, so an interrupted run loses nothing. `--resume` reads it back;
//! a last line cut short by a crash is dropped (that model is audited again), any other bad line
//! stops the run rather than risk the file.
//!
//! The file is locked for the whole run (`File::try_lock`; the OS releases it when the process
//! ends, even on a crash), so two batches never append to one file. Without `--resume` a file
//! that already holds results is refused rather than appended to, and a file that is one of the
//! run's inputs (the shortlist, the policy) is refused before it is opened for writing.
//!
//! A line is the report as printed (the policy's severities and verdict), plus
//! `assessed_risks`, the risks as assessed before the policy, whenever a policy judged it: a
//! resumed run judges the assessment again under its own policy, never the previous policy's
//! result. A line written under a policy by an older isopen, without `assessed_risks`, cannot
//! be judged again, so that model is audited again.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use isopen::report::{ModelReport, Risk};

pub struct Jsonl {
    path: PathBuf,
    /// Holds the lock until the run ends.
    file: File,
}

/// One line as written.
#[derive(Serialize)]
struct LineOut<'a> {
    #[serde(flatten)]
    report: &'a ModelReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    assessed_risks: Option<&'a [Risk]>,
}

/// One line as read back.
#[derive(Deserialize)]
struct LineIn {
    #[serde(flatten)]
    report: ModelReport,
    #[serde(default)]
    assessed_risks: Option<Vec<Risk>>,
}

impl LineIn {
    /// The assessment the line was judged from; `None` when the line only holds a policy's
    /// result (an older isopen's line), which cannot be judged again.
    fn assessment(self) -> Option<ModelReport> {
        let mut report = self.report;
        match (report.policy.take(), self.assessed_risks) {
            (None, _) => Some(report),
            (Some(_), Some(risks)) => {
                report.risks = risks;
                Some(report)
            }
            (Some(_), None) => None,
        }
    }
}

impl Jsonl {
    /// Opens `path` for appending and locks it; with `resume`, first reads back the
    /// assessments already there, in file order. `inputs` are the run's input files, named by
    /// their role (`shortlist`, `policy`): `path` may not be one of them.
    pub fn open(
        path: &Path,
        resume: bool,
        inputs: &[(&str, &Path)],
    ) -> Result<(Jsonl, Vec<ModelReport>)> {
        if path.is_dir() {
            bail!("--out {} is a folder, not a file", path.display());
        }
        for (role, input) in inputs {
            if same_file(path, input) {
                bail!(
                    "--out {} is the {role} {}: the results would be appended to it; \
                     choose another file",
                    path.display(),
                    input.display()
                );
            }
        }
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .with_context(|| format!("cannot open {} for appending", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => bail!(
                "{} is being written by another isopen batch (it holds the file's lock); \
                 wait for it to finish, or choose another --out",
                path.display()
            ),
            // A file system without locks (some network mounts): go on, but say so.
            Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                super::say(&format!(
                    "isopen: warning: {} cannot be locked here; do not run two batches on it",
                    path.display()
                ));
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        // Without --resume only the start matters (does the file hold anything?): a large
        // results file is not read into memory just to be refused.
        let limit = if resume { u64::MAX } else { 64 * 1024 };
        let mut bytes = Vec::new();
        (&file)
            .take(limit)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let jsonl = Jsonl {
            path: path.to_path_buf(),
            file,
        };
        if !resume {
            if bytes.iter().any(|b| !b.is_ascii_whitespace()) {
                bail!(
                    "--out {} already holds results; add --resume to finish that run, or \
                     remove the file or choose another path to start afresh",
                    path.display()
                );
            }
            return Ok((jsonl, Vec::new()));
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            anyhow::anyhow!(
                "{} is not UTF-8, so not a results file; move it aside",
                path.display()
            )
        })?;
        let complete = text.rfind('\n').map_or(0, |i| i + 1);
        let mut done = Vec::new();
        let mut stale = 0;
        for (i, line) in text[..complete].lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let line: LineIn = serde_json::from_str(line).with_context(|| {
                format!(
                    "{}:{}: not a model report; move the file aside or fix the line",
                    path.display(),
                    i + 1
                )
            })?;
            match line.assessment() {
                Some(report) => done.push(report),
                None => stale += 1,
            }
        }
        if stale > 0 {
            super::say(&format!(
                "isopen: {}: {stale} line(s) hold only an older isopen's policy result, not the \
                 assessment; those models are audited again",
                path.display()
            ));
        }
        if complete < text.len() {
            // A crash cut the last line short: drop it, and audit that model again.
            jsonl
                .file
                .set_len(complete as u64)
                .with_context(|| format!("cannot repair the last line of {}", path.display()))?;
            super::say(&format!(
                "isopen: {}: dropped an incomplete last line; that model is audited again",
                path.display()
            ));
        }
        Ok((jsonl, done))
    }

    /// Appends one judged report as one line, in one write, handed to the OS at once; with
    /// the assessment's risks when a policy judged it (see the module's notes).
    pub fn append(&mut self, judged: &ModelReport, assessed: &ModelReport) -> Result<()> {
        let line = LineOut {
            report: judged,
            assessed_risks: judged.policy.is_some().then_some(assessed.risks.as_slice()),
        };
        let text = serde_json::to_string(&line)
            .with_context(|| format!("cannot encode the report of {}", judged.model))?;
        // The same data, with nothing a terminal would obey when the file is shown in one.
        let mut text = isopen::report::sanitize::json(&text).into_owned();
        text.push('\n');
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.flush())
            .with_context(|| format!("cannot write to {}", self.path.display()))
    }
}

/// Whether two paths name one file: the same device and inode on Unix (so a symlink or a hard
/// link is caught), else the same canonical path. A path that does not exist is no input.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
        false
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}
