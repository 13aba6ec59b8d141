//! `--links` end to end against fake code hosts, arXiv and index servers in real shapes: what a
//! card's links add to the report (`openness.evidence[]`, `openness.indexes[]`, element sources),
//! how many requests a model costs, the indexes read from the cache when offline, the GitHub
//! token sent to GitHub only and never printed, and nothing sent without `--links`.

mod support;

use support::fake_hub::FakeHub;
use support::fake_links::FakeLinks;
use support::{isopen, json};

fn is_index(path: &str) -> bool {
    path.starts_with("/mot/") || path.starts_with("/osai/") || path.starts_with("/raw/")
}

#[test]
fn a_cards_links_become_cited_evidence_within_a_request_budget() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let hub = FakeHub::fixtures();
    let links = FakeLinks::start(corpus);
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .args(["audit", "EleutherAI/pythia-70m", "--format", "json"])
        .args(links.args())
        .output()
        .unwrap();
    let report = json(&out);
    let m = &report["models"][0];
    let o = &m["openness"];
    let evidence = o["evidence"].as_array().expect("evidence");
    let neox = evidence
        .iter()
        .find(|e| e["url"] == "https://github.com/EleutherAI/gpt-neox")
        .expect("the linked gpt-neox repository");
    assert_eq!(neox["kind"], "code-repository");
    assert_eq!(neox["license"], "Apache-2.0");
    assert!(
        neox["found"][0]
            .as_str()
            .unwrap()
            .starts_with("training code: train.py"),
        "{neox}"
    );
    assert!(
        evidence.iter().any(|e| e["kind"] == "paper"),
        "{evidence:?}"
    );
    let code = o["osaid_elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "code")
        .unwrap();
    assert_eq!(code["verdict"], "pass");
    assert_eq!(code["source"], "https://github.com/EleutherAI/gpt-neox");
    let mot = o["indexes"]
        .as_array()
        .expect("indexes")
        .iter()
        .find(|i| i["index"] == "model-openness-tool")
        .expect("the Tool's record");
    assert_eq!(mot["record"], "Pythia-70M.yml");
    assert_eq!(mot["judgement"][0], "MOF class: I");
    assert_eq!(mot["date"].as_str().unwrap().len(), 10);
    assert!(mot["attribution"].as_str().unwrap().contains("MIT"));
    assert_eq!(o["mof_class"], "I");

    // The requests the look-ups add for this model: two a repository, one a paper.
    let log = links.requests();
    let per_model: Vec<&String> = log.iter().filter(|p| !is_index(p)).collect();
    let repos = evidence
        .iter()
        .filter(|e| e["kind"] == "code-repository")
        .count();
    let papers = evidence.iter().filter(|e| e["kind"] == "paper").count();
    eprintln!(
        "requests added for one model: {} ({repos} repositories, {papers} papers); index loading: {} once a run",
        per_model.len(),
        log.len() - per_model.len()
    );
    assert_eq!(per_model.len(), 2 * repos + papers, "{per_model:?}");
    assert!(per_model.len() <= 12);
}

#[test]
fn offline_the_indexes_come_from_the_cache_and_no_link_is_followed() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let hub = FakeHub::fixtures();
    let links = FakeLinks::start(corpus);
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap();
    let (mut cmd, _home) = isopen(&hub.url);
    let first = cmd
        .args([
            "audit",
            "allenai/OLMo-7B",
            "--format",
            "json",
            "--cache-dir",
            cache_dir,
        ])
        .args(links.args())
        .output()
        .unwrap();
    assert!(json(&first)["models"][0]["openness"]["indexes"].is_array());
    let before = links.requests().len();

    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .args([
            "audit",
            "allenai/OLMo-7B",
            "--format",
            "json",
            "--offline",
            "--cache-dir",
            cache_dir,
        ])
        .args(links.args())
        .output()
        .unwrap();
    let report = json(&out);
    let o = &report["models"][0]["openness"];
    assert_eq!(links.requests().len(), before, "offline sent requests");
    // Only the datasets' provenance is listed, each saying it was not looked up offline.
    assert!(
        o["evidence"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|e| e["kind"] == "dataset"
                && e["error"].as_str().is_some_and(|x| x.contains("offline"))),
        "links were followed offline: {o}"
    );
    assert!(
        o["indexes"]
            .as_array()
            .is_some_and(|i| i.iter().any(|x| x["index"] == "model-openness-tool")),
        "{o}"
    );
}

#[test]
fn the_github_token_goes_to_github_only_and_is_never_printed() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let hub = FakeHub::fixtures();
    let links = FakeLinks::start(corpus);
    let token = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .args(["audit", "EleutherAI/pythia-70m", "--format", "json", "-vv"])
        .args(links.args())
        .env("GITHUB_TOKEN", token)
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(token), "the token was printed");
    let log = links.requests();
    assert!(
        log.iter()
            .any(|p| p.starts_with("/repos/") && p.ends_with("[auth]")),
        "{log:?}"
    );
    assert!(
        log.iter()
            .filter(|p| !p.starts_with("/repos/"))
            .all(|p| !p.ends_with("[auth]")),
        "the GitHub token went elsewhere: {log:?}"
    );
    assert!(
        !hub.requests()
            .iter()
            .any(|r| format!("{r:?}").contains(token)),
        "the GitHub token reached the Hub"
    );
}

/// Audits a local folder whose README is `readme` with `--links` (and `extra` flags) against
/// the fakes: the report, and what the fake code hosts were asked.
fn audit_local(readme: &str, extra: &[&str]) -> Option<(serde_json::Value, Vec<String>)> {
    let corpus = support::corpus()?;
    let hub = FakeHub::fixtures();
    let links = FakeLinks::start(corpus);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), readme).unwrap();
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .arg("audit")
        .arg(dir.path())
        .args(["--format", "json"])
        .args(extra)
        .args(links.args())
        .output()
        .unwrap();
    Some((json(&out), links.requests()))
}

#[test]
fn a_license_github_cannot_name_is_read_with_isopens_rules() {
    let Some((report, _)) = audit_local(
        "---\nlicense: apache-2.0\n---\n# A model\n\nTraining code: https://github.com/acme/unnamed\n",
        &["--lookups"],
    ) else {
        return;
    };
    let o = &report["models"][0]["openness"];
    let repo = &o["evidence"][0];
    assert_eq!(repo["url"], "https://github.com/acme/unnamed", "{o}");
    // GitHub said NOASSERTION; the LICENSE text it returned names Apache-2.0 by reference.
    assert_eq!(repo["license"], "Apache-2.0", "{o}");
    assert!(
        repo["found"][0]
            .as_str()
            .unwrap()
            .starts_with("training code: train.py")
    );
}

#[test]
fn a_local_audit_without_lookups_sends_nothing() {
    let Some((report, requests)) = audit_local(
        "# A model\n\nTraining code: https://github.com/acme/unnamed\n",
        &[],
    ) else {
        return;
    };
    assert!(requests.is_empty(), "{requests:?}");
    let code = &report["models"][0]["openness"]["osaid_elements"][1];
    assert_eq!(code["verdict"], "unknown", "{code}");
    assert!(
        code["reason"].as_str().unwrap().contains("--lookups"),
        "{code}"
    );
}

#[test]
fn without_links_nothing_is_looked_up() {
    let hub = FakeHub::fixtures();
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .args(["audit", "EleutherAI/pythia-70m", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&out);
    let o = &report["models"][0]["openness"];
    assert!(o["evidence"].is_null() && o["indexes"].is_null(), "{o}");
    // Nothing links the class to a closed component: it is undecided, never `none`.
    assert!(o["mof_class"].is_null(), "{o}");
}
