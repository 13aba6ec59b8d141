//! `isopen license identify | list | show`: the license knowledge on its own.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::args::{Format, KnowledgeArgs, LicenseCommand};
use super::{EXIT_ERROR, EXIT_OK};
use isopen::report::identify::{self, IdentifyReport};
use isopen::report::{knowledge, sanitize};
use isopen::rules::RuleSet;

/// Texts larger than this are read only up to it.
const MAX_TEXT_BYTES: u64 = 8 * 1024 * 1024;

pub fn run(cmd: LicenseCommand) -> Result<u8> {
    match cmd {
        LicenseCommand::Identify { files, opts } => {
            let rules = load_rules(&opts)?;
            let mut failed = false;
            let files = files
                .iter()
                .map(|path| {
                    let name = path.display().to_string();
                    match read_text(path) {
                        Ok(text) => identify::identify(&name, &text, &rules),
                        Err(e) => {
                            failed = true;
                            identify::unreadable(&name, e)
                        }
                    }
                })
                .collect();
            let report = IdentifyReport {
                schema: identify::SCHEMA.to_string(),
                files,
            };
            let f = format(&opts)?;
            print(
                f,
                &match f {
                    Format::Json => identify::render_json(&report),
                    _ => identify::render_table(&report),
                },
            )?;
            Ok(if failed { EXIT_ERROR } else { EXIT_OK })
        }
        LicenseCommand::List { opts } => {
            let rules = load_rules(&opts)?;
            let f = format(&opts)?;
            print(
                f,
                &match f {
                    Format::Json => knowledge::list_json(&rules),
                    _ => knowledge::list_table(&rules),
                },
            )?;
            Ok(EXIT_OK)
        }
        LicenseCommand::Show { id, opts } => {
            let rules = load_rules(&opts)?;
            let Some(rule) = rules.get(&id).or_else(|| rules.by_alias(&id)) else {
                bail!(
                    "no license or policy is known as {id:?}; `isopen license list` shows them all"
                );
            };
            let f = format(&opts)?;
            print(
                f,
                &match f {
                    Format::Json => knowledge::show_json(rule),
                    _ => knowledge::show_table(rule),
                },
            )?;
            Ok(EXIT_OK)
        }
    }
}

fn load_rules(opts: &KnowledgeArgs) -> Result<RuleSet> {
    match &opts.rules {
        Some(dir) => RuleSet::builtin_with_dir(dir),
        None => RuleSet::builtin(),
    }
    .context("cannot load the license rules")
}

/// Table or JSON: the license commands have no other formats.
fn format(opts: &KnowledgeArgs) -> Result<Format> {
    match opts.format {
        Some(Format::Table) => Ok(Format::Table),
        Some(Format::Json) => Ok(Format::Json),
        Some(other) => bail!("--format {other:?} is for audit reports; use table or json"),
        None if std::io::stdout().is_terminal() => Ok(Format::Table),
        None => Ok(Format::Json),
    }
}

/// A text file, lossily decoded, refusing binary files, bounded in size.
fn read_text(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_TEXT_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("binary file (not text)".into());
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes the output; texts quote license files, shown but never obeyed by the terminal.
fn print(format: Format, text: &str) -> Result<()> {
    let text = match format {
        Format::Json => sanitize::json(text),
        _ => sanitize::block(text),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .context("cannot write the output")?;
    out.flush().context("cannot write the output")
}
