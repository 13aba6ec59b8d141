//! `isopen census escalate DIR`: the full audits a census calls for. It reads the census's
//! parts, plans the pass (`isopen::census::escalate`: what needs its files, on this shard,
//! within the budget of API calls), audits the chosen models with the batch machinery (the
//! same auditor, limits, cache and Ctrl-C handling as `isopen batch`), appends each report to
//! `DIR/escalated/K-of-N.jsonl` as it completes (so `--resume` continues a stopped pass), and
//! writes `DIR/escalated/K-of-N.parquet`: each model's full verdict beside its metadata one.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result, bail};
use isopen::batch::Job;
use isopen::census::escalate::{Candidate, Shard, plan};
use isopen::census::table::{self, Escalated, ParquetOut};
use isopen::report::Report;
use isopen::shortlist;

use super::EXIT_INTERRUPTED;
use super::args::CensusEscalateArgs;
use super::audit::{build_auditor, conclude};
use super::{run, say};

pub fn run(args: CensusEscalateArgs) -> Result<u8> {
    let shard = match &args.shard {
        Some(s) => Shard::parse(s).map_err(|e| anyhow::anyhow!("--shard {e}"))?,
        None => Shard::ALL,
    };
    let checkpoint = args.dir.join("checkpoint.json");
    if !checkpoint.is_file() {
        bail!(
            "{}: not a census folder (no checkpoint.json); run `isopen census --out {}` first",
            args.dir.display(),
            args.dir.display()
        );
    }
    let mut rows: Vec<Candidate> = Vec::new();
    let mut parts: Vec<_> = std::fs::read_dir(args.dir.join("models"))
        .with_context(|| format!("cannot read {}", args.dir.join("models").display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
        .collect();
    parts.sort();
    for p in &parts {
        table::read_candidates(p, &mut rows)?;
    }
    let named = match &args.escalate_list {
        Some(path) => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the escalation list {name}"))?;
            shortlist::parse(&name, &text)
                .context("the escalation list is not valid")?
                .into_iter()
                .map(|e| e.model.to_ascii_lowercase())
                .collect()
        }
        None => HashSet::new(),
    };
    let known: HashSet<String> = rows.iter().map(|r| r.model.to_ascii_lowercase()).collect();
    for missing in named.iter().filter(|n| !known.contains(*n)) {
        say(&format!(
            "isopen: census escalate: {missing} is not in the census; not escalated"
        ));
    }
    let metadata: HashMap<String, isopen::vocab::Verdict> =
        rows.iter().map(|r| (r.model.clone(), r.verdict)).collect();
    let p = plan(rows, &named, args.min_downloads, shard, args.budget);
    say(&format!(
        "isopen: census escalate: shard {}/{}: {} models to audit (at most {} API calls, about {} file downloads); {} more need their files but are over the budget",
        shard.k,
        shard.n,
        p.chosen.len(),
        p.api_calls,
        p.downloads,
        p.left
    ));
    let jobs: Vec<Job> = p.chosen.iter().map(|c| Job::named(&c.model)).collect();
    let dir = args.dir.join("escalated");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let stem = format!("{}-of-{}", shard.k, shard.n);
    let results = dir.join(format!("{stem}.jsonl"));
    let (auditor, policy, redactor) = build_auditor(&args.common)?;
    let (mut out, done) = run::results_file(Some(&results), args.resume, &[])?;
    let outcome = run::run(
        &auditor,
        &jobs,
        done,
        usize::from(args.common.jobs),
        out.as_mut(),
        run::gate(policy.as_ref(), &redactor),
    )?;
    let complete = outcome.reports.iter().filter(|r| r.is_some()).count();
    let report = Report::new(outcome.reports.into_iter().flatten().collect());
    if outcome.cancelled {
        run::interrupted(complete, jobs.len(), true);
        return Ok(EXIT_INTERRUPTED);
    }
    let escalated: Vec<Escalated> = report
        .models
        .iter()
        .map(|m| Escalated {
            metadata_verdict: metadata
                .get(&m.model)
                .copied()
                .unwrap_or(isopen::vocab::Verdict::Unknown),
            report: m,
        })
        .collect();
    let mut parquet = ParquetOut::create(
        &dir.join(format!("{stem}.parquet")),
        table::escalated_schema(),
    )?;
    parquet.write(&table::escalated_batch(&escalated))?;
    parquet.finish()?;
    conclude(&report, &args.common, true, &redactor)
}
