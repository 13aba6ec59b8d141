//! `isopen batch SHORTLIST`: audit a shortlist (.txt, .yaml, .csv), append each audit to
//! `--out FILE.jsonl` as it completes, skip what is already there with `--resume`, and print a
//! summary matrix (table) or the full report (json).
//!
//! A model listed twice under any spelling (`hf:org/x`, `org/x@main`, `Org/X`) is audited and
//! reported once, under its first spelling.

use std::collections::HashMap;

use anyhow::{Context, Result};

use super::EXIT_INTERRUPTED;
use super::args::BatchArgs;
use super::audit::{build_auditor, conclude};
use super::run;
use isopen::batch::Job;
use isopen::model_ref::ModelKey;
use isopen::report::Report;
use isopen::shortlist;

pub fn run(args: BatchArgs) -> Result<u8> {
    let name = args.shortlist.display().to_string();
    let text = std::fs::read_to_string(&args.shortlist)
        .with_context(|| format!("cannot read the shortlist {name}"))?;
    let entries = shortlist::parse(&name, &text).context("the shortlist is not valid")?;
    if entries.is_empty() {
        anyhow::bail!("{name}: the shortlist names no model");
    }
    let mut first_at: HashMap<ModelKey, (usize, String)> = HashMap::new();
    let mut jobs: Vec<Job> = Vec::new();
    for e in entries {
        if let Some((line, model)) = first_at.get(&ModelKey::of(&e.model)) {
            super::say(&format!(
                "isopen: {name}:{}: {} is listed again (first at {line} as {model}); audited once",
                e.line, e.model
            ));
            continue;
        }
        first_at.insert(ModelKey::of(&e.model), (e.line, e.model.clone()));
        jobs.push(Job {
            model: e.model,
            note: e.note,
            owner: e.owner,
        });
    }
    let (auditor, policy, redactor) = build_auditor(&args.common)?;
    let mut inputs = vec![("shortlist", args.shortlist.as_path())];
    if let Some(p) = &args.common.policy {
        inputs.push(("policy", p.as_path()));
    }
    let (mut out, done) = run::results_file(args.out.as_deref(), args.resume, &inputs)?;
    let outcome = run::run(
        &auditor,
        &jobs,
        done,
        usize::from(args.common.jobs),
        out.as_mut(),
        run::gate(policy.as_ref(), &redactor),
    )?;
    if args.resume {
        let r = outcome.resumed;
        super::say(&format!(
            "isopen: resumed: {} done earlier, {} failed earlier and retried",
            r.done, r.retried
        ));
    }
    let complete = outcome.reports.iter().filter(|r| r.is_some()).count();
    let report = Report::new(outcome.reports.into_iter().flatten().collect());
    if outcome.cancelled {
        run::interrupted(complete, jobs.len(), args.out.is_some());
        return Ok(EXIT_INTERRUPTED);
    }
    conclude(&report, &args.common, true, &redactor)
}
