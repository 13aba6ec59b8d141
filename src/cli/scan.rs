//! `isopen scan [PATH]`: find the models a codebase references (`isopen::codebase` walks,
//! `isopen::scan` reads), audit each with the batch machinery (concurrency, cache, `--out`,
//! `--resume`, `--policy`, `--fail-on` as for `batch`), add what each model's terms ask of
//! the project (its declared license, its notices), and report where each model is
//! referenced. A scan that left files unread for a budget does not pass a gate.

use std::io::Write;

use anyhow::{Context, Result};

use super::args::{Format, ScanArgs};
use super::audit::{build_auditor, exit_code, explain, print_report};
use super::run;
use super::{EXIT_GATE, EXIT_INTERRUPTED, EXIT_OK};
use isopen::batch::Job;
use isopen::codebase::{self, Budget, Inventory};
use isopen::report::{ModelReport, Report, found, sanitize};
use isopen::rules::RuleSet;
use isopen::scan::{self, SKIPPED_LISTED, ScanSummary, SkipReason, terms};

pub fn run(args: ScanArgs) -> Result<u8> {
    let budget = Budget {
        max_file_bytes: args.max_file_size,
        max_files: args.max_files,
        max_depth: args.max_depth,
    };
    let inv = codebase::walk(&args.path, budget).context("cannot scan")?;
    let rules = match &args.common.rules {
        Some(dir) => RuleSet::builtin_with_dir(dir),
        None => RuleSet::builtin(),
    }
    .context("cannot load the license rules")?;
    let summary = summary(&args, &inv, &rules);
    if summary.unread > 0 {
        super::say(&format!(
            "isopen: warning: {} files left unread for a budget (--max-file-size, --max-files, --max-depth); the scan is incomplete",
            summary.unread
        ));
    }
    if args.list {
        print_list(&inv, &summary, args.common.format)?;
        return Ok(EXIT_OK);
    }
    let (auditor, policy, redactor) = build_auditor(&args.common)?;
    let jobs: Vec<Job> = inv
        .references
        .iter()
        .map(|r| Job::named(&r.model))
        .collect();
    let mut inputs = Vec::new();
    if let Some(p) = &args.common.policy {
        inputs.push(("policy", p.as_path()));
    }
    let (mut out, done) = run::results_file(args.out.as_deref(), args.resume, &inputs)?;
    let gate = run::gate(policy.as_ref(), &redactor);
    let outcome = run::run(
        &auditor,
        &jobs,
        done,
        usize::from(args.common.jobs),
        out.as_mut(),
        gate,
    )?;
    if outcome.cancelled {
        let complete = outcome.reports.iter().filter(|r| r.is_some()).count();
        run::interrupted(complete, jobs.len(), args.out.is_some());
        return Ok(EXIT_INTERRUPTED);
    }
    let project = terms::Project {
        license: &summary.project_license,
        notices: &inv.notice_files,
    };
    let models: Vec<ModelReport> = inv
        .references
        .iter()
        .zip(outcome.assessed)
        .filter_map(|(r, assessed)| {
            let mut m = assessed?;
            m.found_at = r.found_at.clone();
            m.risks.extend(terms::risks(&m, project, &r.found_at));
            m.risks.sort_by_key(|r| std::cmp::Reverse(r.severity));
            Some(gate.judge(&m))
        })
        .collect();
    let unread = summary.unread;
    let mut report = Report::new(models);
    report.scan = Some(summary);
    print_report(
        &report,
        args.common.format,
        true,
        args.common.fail_on,
        &redactor,
    )?;
    print_found(&report, args.common.format, &redactor)?;
    explain(&report, args.common.fail_on);
    let code = exit_code(&report, args.common.fail_on);
    let gated = policy.is_some() || args.common.fail_on.is_some();
    if code == EXIT_OK && gated && unread > 0 {
        super::say(&format!(
            "isopen: failing: the scan is incomplete: {unread} files were not read for a budget"
        ));
        return Ok(EXIT_GATE);
    }
    Ok(code)
}

/// The `scan` section: the root, the project's license, what was not read.
fn summary(args: &ScanArgs, inv: &Inventory, rules: &RuleSet) -> ScanSummary {
    let unread = inv
        .skipped
        .iter()
        .filter(|s| s.reason.leaves_evidence_unread())
        .count();
    ScanSummary {
        root: args.path.display().to_string(),
        files_read: inv.files_read,
        project_license: scan::project::declarations(&inv.project_files, rules),
        // The rarer reasons first: a long run of files over the budget must not hide them.
        skipped: {
            let mut listed: Vec<_> = inv.skipped.iter().collect();
            listed.sort_by_key(|s| s.reason == SkipReason::OverFileBudget);
            listed.into_iter().take(SKIPPED_LISTED).cloned().collect()
        },
        skipped_total: inv.skipped.len(),
        unread,
    }
}

/// After the summary matrix or the Markdown report: where each model is referenced.
fn print_found(
    report: &Report,
    format: Option<Format>,
    redactor: &isopen::redact::Redactor,
) -> Result<()> {
    let format = format.unwrap_or(if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        Format::Table
    } else {
        Format::Json
    });
    let text = match format {
        Format::Table => found::render_text(report),
        Format::Markdown => found::render_markdown(report),
        _ => return Ok(()),
    };
    let text = redactor.text(&text);
    let mut out = std::io::stdout().lock();
    out.write_all(sanitize::block(&text).as_bytes())
        .context("cannot write the report")?;
    out.flush().context("cannot write the report")
}

/// `--list`: the references alone (nothing audited), as JSON
/// (`{"scan": ..., "references": [{"model", "found_at"}]}`) or as text, one model a line
/// with its places under it.
fn print_list(inv: &Inventory, summary: &ScanSummary, format: Option<Format>) -> Result<()> {
    let text = match format {
        Some(Format::Table | Format::Markdown) => {
            let mut t = String::new();
            for r in &inv.references {
                t.push_str(&format!("{}\n", r.model));
                for f in &r.found_at {
                    t.push_str(&format!(
                        "  {}:{}:{} ({})\n",
                        f.file,
                        f.line,
                        f.column,
                        f.form.as_str()
                    ));
                }
            }
            sanitize::block(&t).into_owned()
        }
        _ => {
            let refs: Vec<serde_json::Value> = inv
                .references
                .iter()
                .map(|r| serde_json::json!({"model": r.model, "found_at": r.found_at}))
                .collect();
            let v = serde_json::json!({"scan": summary, "references": refs});
            let mut t = serde_json::to_string_pretty(&v).context("cannot write the list")?;
            t.push('\n');
            sanitize::json(&t).into_owned()
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .context("cannot write the report")?;
    out.flush().context("cannot write the report")
}
