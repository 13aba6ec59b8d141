//! The command-line shell: parse arguments, build the auditor, run, print, choose the exit
//! code. Only this module prints; standard output carries the report alone.

pub mod args;
mod audit;
mod batch;
mod census;
mod census_escalate;
mod census_report;
mod jsonl;
mod license;
mod policy;
mod run;
mod scan;

use std::process::ExitCode;
use std::sync::OnceLock;

use clap::Parser;
use isopen::redact::Redactor;

pub use args::Cli;

/// Exit codes of the contract.
pub const EXIT_OK: u8 = 0;
pub const EXIT_GATE: u8 = 1;
pub const EXIT_ERROR: u8 = 2;
/// Stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let code = match cli.command {
        args::Command::Audit(a) => audit::run(a),
        args::Command::Batch(b) => batch::run(b),
        args::Command::Scan(s) => scan::run(s),
        args::Command::License(c) => license::run(c),
        args::Command::Census(c) => match (c.action, c.crawl) {
            (Some(args::CensusAction::Escalate(e)), _) => census_escalate::run(*e),
            (Some(args::CensusAction::Report(r)), _) => census_report::run(r),
            (None, crawl) => census::run(crawl),
        },
        args::Command::Policy(c) => policy::run(c),
    };
    match code {
        Ok(c) => ExitCode::from(c),
        Err(e) => {
            report_error(&e);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// One line for most errors; problems in a file the user wrote are listed one per block under
/// the line that says which file failed.
fn report_error(e: &anyhow::Error) {
    let Some(found) = e.downcast_ref::<isopen::diagnostic::Diagnostics>() else {
        say(&format!("isopen: error: {e:#}"));
        return;
    };
    let context: Vec<String> = e
        .chain()
        .take_while(|c| !c.is::<isopen::diagnostic::Diagnostics>())
        .map(ToString::to_string)
        .collect();
    let context = match context.is_empty() {
        true => "a file is not valid".to_string(),
        false => context.join(": "),
    };
    say(&format!("isopen: error: {context}:\n{found}"));
}

/// Writes one diagnostic to standard error. Diagnostics quote model refs, file contents and
/// server messages, so they are shown, never obeyed, by the terminal (see
/// `isopen::report::sanitize`).
pub(crate) fn say(line: &str) {
    let line = match SECRETS.get() {
        Some(r) => r.text(line),
        None => isopen::redact::shaped(line),
    };
    eprintln!("{}", isopen::report::sanitize::block(&line));
}

/// The secrets of this run (the token in effect), set once the token is known, so every
/// diagnostic is redacted however it was built.
static SECRETS: OnceLock<Redactor> = OnceLock::new();

/// Makes `say` redact what `redactor` redacts, for the rest of the process.
pub(crate) fn keep_secret(redactor: &Redactor) {
    let _ = SECRETS.set(redactor.clone());
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "isopen=info",
        _ => "isopen=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ISOPEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let color = std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .without_time()
        .init();
}
