//! A scenario for the end-to-end tests: a fake hub (the fixtures, or models written for the
//! test), the faults it injects and the environment the binary runs in, and one call to run
//! isopen against it — the binary, as users run it, or an `Auditor` in process, as library
//! users do. The assertions that tests repeat (a risk by its code, a verdict) live here too.

use std::ffi::OsString;
use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use isopen::audit::Auditor;
use isopen::hub::ClientConfig;
use isopen::report::ModelReport;
use isopen::rules::RuleSet;
use serde_json::Value;

use super::fake_hub::{FakeHub, Fault};
use super::{isopen, json};

pub struct Scenario {
    pub hub: FakeHub,
    env: Vec<(OsString, OsString)>,
    /// The models written for this scenario (kept until it ends).
    _root: Option<tempfile::TempDir>,
}

/// What one run of the binary gave.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// The report on standard output (the run must have used `--format json`).
    pub fn json(&self) -> Value {
        json(&self.output)
    }

    /// Model `i` of the JSON report.
    pub fn model(&self, i: usize) -> Value {
        self.json()["models"][i].clone()
    }
}

impl Scenario {
    /// The fake hub serving `fixtures/`.
    pub fn fixtures() -> Scenario {
        Scenario {
            hub: FakeHub::fixtures(),
            env: Vec::new(),
            _root: None,
        }
    }

    /// A hub holding only `models`: each an id, its README and its `_hub.yaml` (files,
    /// gating; see the fake hub's info derivation).
    pub fn models(models: &[(&str, &str, &str)]) -> Scenario {
        let root = tempfile::tempdir().expect("temp dir");
        for (id, readme, hub_yaml) in models {
            let dir = root.path().join("models").join(id);
            std::fs::create_dir_all(&dir).expect("model folder");
            std::fs::write(dir.join("README.md"), readme).expect("README");
            std::fs::write(dir.join("_hub.yaml"), hub_yaml).expect("_hub.yaml");
        }
        Scenario {
            hub: FakeHub::start(root.path()),
            env: Vec::new(),
            _root: Some(root),
        }
    }

    /// The hub answers requests under `path` with `fault`, `times` times.
    pub fn fault(self, path: &str, fault: Fault, times: usize) -> Scenario {
        self.hub.fault(path, fault, times);
        self
    }

    /// An environment variable for every run of the binary.
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Scenario {
        self.env.push((key.into(), value.as_ref().to_owned()));
        self
    }

    /// Runs the binary with `args`, in a clean environment of its own.
    pub fn run(&self, args: &[&str]) -> Run {
        let (mut cmd, _home) = isopen(&self.hub.url);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        Run {
            output: cmd.args(args).output().expect("run isopen"),
        }
    }

    /// `isopen audit MODEL --format json`: the model's report.
    pub fn audit(&self, model: &str) -> Value {
        self.run(&["audit", model, "--format", "json"]).model(0)
    }

    /// An auditor in process against this hub, caching under `cache`, with short backoffs.
    pub fn auditor(&self, cache: &Path) -> Auditor {
        let mut cfg = ClientConfig::new(&self.hub.url, None);
        cfg.backoff = Duration::from_millis(1);
        cfg.cache = Some(isopen::hub::cache::Cache::new(cache, &self.hub.url));
        let rules = Arc::new(RuleSet::builtin().expect("the built-in rules"));
        Auditor::new(cfg, rules, false, None).expect("an auditor")
    }

    /// Audits `models` in process, together, with one auditor: their reports in order.
    pub fn audit_in_process(&self, models: &[&str]) -> Vec<ModelReport> {
        let cache = tempfile::tempdir().expect("temp dir");
        let auditor = self.auditor(cache.path());
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        rt.block_on(futures_util::future::join_all(
            models.iter().map(|m| auditor.audit(m)),
        ))
    }
}

/// The risk of `code` in a model's JSON report; fails the test naming the codes there are.
pub fn risk<'a>(m: &'a Value, code: &str) -> &'a Value {
    m["risks"]
        .as_array()
        .and_then(|a| a.iter().find(|r| r["code"] == code))
        .unwrap_or_else(|| panic!("no {code} risk in {:#}", m["risks"]))
}

/// The message of the risk of `code`, which must contain `part`.
pub fn assert_risk(m: &Value, code: &str, part: &str) {
    let message = risk(m, code)["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(part),
        "the {code} risk does not say {part:?}: {message}"
    );
}

/// The commercial verdict of a model's JSON report (`?` when there is none).
pub fn verdict(m: &Value) -> &str {
    m["commercial_use"]["verdict"].as_str().unwrap_or("?")
}
