//! The `--out FILE.jsonl` results file: one model report a line, appended and flushed the
//! moment each audit completes, so an interrupted run loses nothing. `--resume` reads it back;
//! a last line cut short by a crash is dropped (that model is audited again), any other bad line
//! stops the run rather than risk the file.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use isopen::report::{ModelReport, json};

pub struct Jsonl {
    path: PathBuf,
    file: File,
}

impl Jsonl {
    /// Opens for appending; with `resume`, first reads the reports already there.
    pub fn open(path: &Path, resume: bool) -> Result<(Jsonl, Vec<ModelReport>)> {
        let mut done = Vec::new();
        if resume && path.exists() {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let complete = match text.rfind('\n') {
                Some(i) => i + 1,
                None => 0,
            };
            for (i, line) in text[..complete].lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let report: ModelReport = serde_json::from_str(line).with_context(|| {
                    format!(
                        "{}:{}: not a model report; move the file aside or fix the line",
                        path.display(),
                        i + 1
                    )
                })?;
                done.push(report);
            }
            if complete < text.len() {
                // A crash cut the last line short: drop it, and audit that model again.
                let f = OpenOptions::new().write(true).open(path)?;
                f.set_len(complete as u64).with_context(|| {
                    format!("cannot repair the last line of {}", path.display())
                })?;
                eprintln!(
                    "isopen: {}: dropped an incomplete last line; that model is audited again",
                    path.display()
                );
            }
        } else if path.is_dir() {
            bail!("{} is a folder, not a file", path.display());
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {} for appending", path.display()))?;
        Ok((
            Jsonl {
                path: path.to_path_buf(),
                file,
            },
            done,
        ))
    }

    /// Appends one report as one line, in one write, and flushes it to the OS.
    pub fn append(&mut self, report: &ModelReport) -> Result<()> {
        let mut line = json::render_line(report);
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.flush())
            .with_context(|| format!("cannot write to {}", self.path.display()))
    }
}
