//! `isopen batch SHORTLIST`: audit a shortlist (.txt, .yaml, .csv), append each audit to
//! `--out FILE.jsonl` as it completes, skip what is already there with `--resume`, and print a
//! summary matrix (table) or the full report (json).

use anyhow::{Context, Result};

use super::EXIT_INTERRUPTED;
use super::args::BatchArgs;
use super::audit::{build_auditor, exit_code, print_report};
use super::jsonl::Jsonl;
use super::run::{self, Job};
use isopen::report::Report;
use isopen::shortlist;

pub fn run(args: BatchArgs) -> Result<u8> {
    let name = args.shortlist.display().to_string();
    let text = std::fs::read_to_string(&args.shortlist)
        .with_context(|| format!("cannot read the shortlist {name}"))?;
    let entries = shortlist::parse(&name, &text)?;
    if entries.is_empty() {
        anyhow::bail!("{name}: the shortlist names no model");
    }
    let mut seen = std::collections::HashMap::new();
    for e in &entries {
        if let Some(first) = seen.insert(e.model.clone(), e.line) {
            eprintln!(
                "isopen: {name}:{}: {} is listed again (first at {first}); audited once",
                e.line, e.model
            );
        }
    }
    let jobs: Vec<Job> = entries
        .into_iter()
        .map(|e| Job {
            model: e.model,
            note: e.note,
            owner: e.owner,
        })
        .collect();
    let (auditor, policy) = build_auditor(&args.common)?;
    let (mut out, done) = match &args.out {
        Some(path) => {
            let (file, done) = Jsonl::open(path, args.resume)?;
            (Some(file), done)
        }
        None if args.resume => anyhow::bail!("--resume needs --out FILE.jsonl"),
        None => (None, Vec::new()),
    };
    let outcome = run::run(
        &auditor,
        &jobs,
        done,
        usize::from(args.common.jobs),
        out.as_mut(),
        &run::Gate {
            policy: policy.as_ref(),
            today: super::policy::today(),
        },
    )?;
    if outcome.resumed > 0 {
        eprintln!(
            "isopen: {} models were already in the results file and were not audited again",
            outcome.resumed
        );
    }
    let complete = outcome.reports.iter().filter(|r| r.is_some()).count();
    let report = Report::new(outcome.reports.into_iter().flatten().collect());
    if outcome.interrupted {
        eprintln!(
            "isopen: interrupted: {complete} of {} models audited{}",
            jobs.len(),
            if args.out.is_some() {
                "; run again with --resume to finish"
            } else {
                ""
            }
        );
        return Ok(EXIT_INTERRUPTED);
    }
    print_report(&report, args.common.format, true)?;
    Ok(exit_code(&report, args.common.fail_on))
}
