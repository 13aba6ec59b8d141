//! `isopen policy init | check`, and loading the policy the auditing commands gate on.

use std::path::Path;

use anyhow::{Context, Result};

use super::EXIT_OK;
use super::args::PolicyCommand;
use isopen::policy::{Date, Policy, STARTER};
use isopen::rules::RuleSet;

pub fn run(cmd: PolicyCommand) -> Result<u8> {
    match cmd {
        PolicyCommand::Init { file } => {
            // create_new: never overwrite a policy someone wrote.
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&file)
                .with_context(|| {
                    format!(
                        "cannot create {} (isopen never overwrites a file)",
                        file.display()
                    )
                })?;
            std::io::Write::write_all(&mut f, STARTER.as_bytes())
                .with_context(|| format!("cannot write {}", file.display()))?;
            super::say(&format!(
                "isopen: wrote a starter policy to {}",
                file.display()
            ));
            Ok(EXIT_OK)
        }
        PolicyCommand::Check { file, rules } => {
            let rules = match &rules {
                Some(dir) => RuleSet::builtin_with_dir(dir),
                None => RuleSet::builtin(),
            }
            .context("cannot load the license rules")?;
            let policy = load(&file, &rules)?;
            println!(
                "{}: valid ({} exceptions, {} clarifications)",
                file.display(),
                policy.exceptions.len(),
                policy.clarifications.len()
            );
            let today = today();
            for e in policy.exceptions.iter().filter(|e| e.expires < today) {
                super::say(&format!(
                    "isopen: warning: the exception for {} expired on {}",
                    e.model, e.expires
                ));
            }
            Ok(EXIT_OK)
        }
    }
}

pub fn load(file: &Path, rules: &RuleSet) -> Result<Policy> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the policy {}", file.display()))?;
    Policy::parse(&file.display().to_string(), &text, rules).context("the policy is not valid")
}

/// Today (UTC), or `ISOPEN_TODAY` (YYYY-MM-DD) so tests can fix the date exceptions expire by.
pub fn today() -> Date {
    if let Some(d) = std::env::var("ISOPEN_TODAY")
        .ok()
        .and_then(|v| Date::parse(&v))
    {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
}
