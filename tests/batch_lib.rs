//! The batch as a library, in process: `isopen::batch::run` on an `Auditor` against the fake
//! hub, with a reporter that records what it is told. A 429 storm loses no model and costs one
//! request per refusal, the limiter slows down for it; results reach the reporter as they
//! complete, judged; a cancellation stops the run with what completed reported.

mod support;

use std::sync::Arc;
use std::time::Duration;

use isopen::audit::Auditor;
use isopen::batch::{self, Gate, Job, Reporter};
use isopen::hub::ClientConfig;
use isopen::redact::Redactor;
use isopen::report::{ModelReport, Status};
use isopen::rules::RuleSet;
use isopen::vocab::Date;
use support::fake_hub::{FakeHub, Fault};

/// A hub of `n` MIT models with weights, named `bulk/m<i>`.
fn bulk_hub(n: usize) -> (FakeHub, tempfile::TempDir, Vec<String>) {
    let root = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..n).map(|i| format!("bulk/m{i:03}")).collect();
    for id in &ids {
        let dir = root.path().join("models").join(id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("README.md"), "---\nlicense: mit\n---\n# Bulk\n").unwrap();
        std::fs::write(
            dir.join("_hub.yaml"),
            "gated: false\nfiles:\n  - {path: model.safetensors, size: 1000}\n",
        )
        .unwrap();
    }
    let hub = FakeHub::start(root.path());
    (hub, root, ids)
}

fn auditor(url: &str) -> Auditor {
    let mut cfg = ClientConfig::new(url, None);
    cfg.backoff = Duration::from_millis(1);
    Auditor::new(cfg, Arc::new(RuleSet::builtin().unwrap()), false, None).unwrap()
}

fn jobs(ids: &[String]) -> Vec<Job> {
    ids.iter()
        .map(|m| Job {
            model: m.clone(),
            note: None,
            owner: None,
        })
        .collect()
}

#[derive(Default)]
struct Recorded {
    started: Option<usize>,
    completed: Vec<String>,
}

impl Reporter for Recorded {
    fn started(&mut self, todo: usize) {
        self.started = Some(todo);
    }

    fn completed(&mut self, judged: &ModelReport, _: &ModelReport) -> Result<(), String> {
        self.completed.push(judged.model.clone());
        Ok(())
    }
}

const TODAY: Date = Date {
    year: 2026,
    month: 12,
    day: 5,
};

fn gate(redactor: &Redactor) -> Gate<'_> {
    Gate {
        policy: None,
        today: TODAY,
        redactor,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_429_storm_loses_no_model_and_costs_one_request_a_refusal() {
    let (hub, _root, ids) = bulk_hub(40);
    let redactor = Redactor::default();
    // A clean run first: what the batch costs without a storm.
    let clean = runtime().block_on(batch::run(
        &auditor(&hub.url),
        &jobs(&ids),
        Vec::new(),
        16,
        gate(&redactor),
        &mut Recorded::default(),
        std::future::pending(),
    ));
    assert!(
        clean
            .unwrap()
            .reports
            .iter()
            .flatten()
            .all(|r| r.status == Status::Ok)
    );
    let baseline = hub.requests().len();

    let refusals = 60;
    hub.fault(
        "/api/models/",
        Fault::RateLimit { retry_after: 0 },
        refusals,
    );
    let storm = auditor(&hub.url);
    let mut seen = Recorded::default();
    let outcome = runtime()
        .block_on(batch::run(
            &storm,
            &jobs(&ids),
            Vec::new(),
            16,
            gate(&redactor),
            &mut seen,
            std::future::pending(),
        ))
        .unwrap();
    let lost: Vec<&ModelReport> = outcome
        .reports
        .iter()
        .flatten()
        .filter(|r| r.status != Status::Ok)
        .collect();
    assert!(lost.is_empty(), "{lost:#?}");
    assert_eq!(seen.completed.len(), ids.len());
    let spent = hub.requests().len() - baseline;
    assert_eq!(
        spent,
        baseline + refusals,
        "each refusal costs one request, nothing more"
    );
    let stats = storm.limiter_stats();
    assert_eq!(stats.len(), 1, "{stats:?}");
    let (_, s) = &stats[0];
    assert_eq!(s.throttled, refusals as u64);
    assert!(s.lowest < 16, "the limiter slowed down: {s:?}");
    assert!(s.peak <= 32, "never more than the ceiling in flight: {s:?}");
}

#[test]
fn results_are_reported_as_they_complete_and_listed_in_input_order() {
    let (hub, _root, mut ids) = bulk_hub(12);
    ids.push(ids[3].to_uppercase()); // one model under two spellings: audited once
    let redactor = Redactor::default();
    let mut seen = Recorded::default();
    let outcome = runtime()
        .block_on(batch::run(
            &auditor(&hub.url),
            &jobs(&ids),
            Vec::new(),
            4,
            gate(&redactor),
            &mut seen,
            std::future::pending(),
        ))
        .unwrap();
    assert_eq!(seen.started, Some(12));
    assert_eq!(seen.completed.len(), 12);
    let listed: Vec<String> = outcome
        .reports
        .iter()
        .flatten()
        .map(|r| r.model.clone())
        .collect();
    assert_eq!(listed, ids, "input order, under the user's spelling");
    assert!(!outcome.cancelled);
}

#[test]
fn a_cancellation_stops_the_run_with_what_completed() {
    let (hub, _root, ids) = bulk_hub(30);
    hub.set_latency(Duration::from_millis(40));
    let redactor = Redactor::default();
    let mut seen = Recorded::default();
    let outcome = runtime()
        .block_on(batch::run(
            &auditor(&hub.url),
            &jobs(&ids),
            Vec::new(),
            2,
            gate(&redactor),
            &mut seen,
            async { tokio::time::sleep(Duration::from_millis(150)).await },
        ))
        .unwrap();
    assert!(outcome.cancelled);
    let done = outcome.reports.iter().flatten().count();
    assert!(done < ids.len(), "stopped early: {done}");
    assert_eq!(
        done,
        seen.completed.len(),
        "every completed result was reported"
    );
}
