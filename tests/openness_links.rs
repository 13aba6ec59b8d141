//! `--links` end to end against fake code hosts, arXiv and index servers in real shapes: what a
//! card's links add to the report (`openness.evidence[]`, `openness.indexes[]`, element sources),
//! how many requests a model costs, each index fetched as one archive (read as its contents
//! listing is), the indexes read from the cache when offline, the GitHub token sent to GitHub
//! only and never printed, and nothing sent without `--links`.

mod support;

use support::fake_hub::FakeHub;
use support::fake_links::FakeLinks;
use support::{isopen, json};

fn is_index(path: &str) -> bool {
    path.starts_with("/mot/")
        || path.starts_with("/osai/")
        || path.starts_with("/raw/")
        || path.starts_with("/codeload/")
        || path.contains("/tarball")
}

/// The fake hub and the fake code hosts, arXiv and indexes, when the corpus is there.
fn fakes() -> Option<(FakeHub, FakeLinks)> {
    let corpus = support::corpus()?;
    Some((FakeHub::fixtures(), FakeLinks::start(corpus)))
}

/// `isopen audit MODELS --format json ARGS` against the fake hub: the report.
fn audit(hub: &FakeHub, models: &[&str], args: &[String]) -> serde_json::Value {
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .arg("audit")
        .args(models)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    json(&out)
}

/// The indexes with a record of the model, from its `openness`.
fn indexes_of(openness: &serde_json::Value) -> Vec<&str> {
    let judged = openness["indexes"].as_array().map(Vec::as_slice);
    judged
        .unwrap_or_default()
        .iter()
        .filter_map(|i| i["index"].as_str())
        .collect()
}

/// The entry named `name` in one of the report's named lists (`osaid_elements`,
/// `mof_components`, `osai_index`); the test fails with the list when there is none.
fn named<'a>(list: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    list.as_array()
        .and_then(|l| l.iter().find(|e| e["name"] == name))
        .unwrap_or_else(|| panic!("no {name} in {list}"))
}

/// `args` with the value of `flag` replaced.
fn with_flag(mut args: Vec<String>, flag: &str, value: &str) -> Vec<String> {
    let at = args.iter().position(|x| x == flag).expect("the flag") + 1;
    args[at] = value.to_string();
    args
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
    let code = named(&o["osaid_elements"], "code");
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

/// Models with records in the indexes, each a fixture of the fake hub.
const INDEXED: &[&str] = &[
    "EleutherAI/pythia-70m",
    "EleutherAI/pythia-1b",
    "EleutherAI/gpt-neox-20b",
    "allenai/OLMo-7B",
    "LLM360/Amber",
    "bigscience/bloom",
    "google-t5/t5-11b",
    "microsoft/phi-2",
    "mistralai/Mistral-7B-v0.1",
    "bigcode/starcoder2-15b",
];

/// Each model's openness with the index data's URL left out (it names where the data came
/// from, the one thing meant to differ), and the requests the indexes cost.
fn openness_with(
    hub: &FakeHub,
    links: &FakeLinks,
    args: Vec<String>,
) -> (Vec<serde_json::Value>, Vec<String>) {
    let before = links.requests().len();
    let report = audit(hub, INDEXED, &args);
    let models = report["models"].as_array().expect("models");
    assert_eq!(models.len(), INDEXED.len());
    let openness = models
        .iter()
        .map(|m| {
            let mut o = m["openness"].clone();
            for i in o["indexes"].as_array_mut().into_iter().flatten() {
                i.as_object_mut().unwrap().remove("url");
            }
            o
        })
        .collect();
    let requests = links.requests()[before..]
        .iter()
        .filter(|p| is_index(p))
        .cloned()
        .collect();
    (openness, requests)
}

#[test]
fn each_index_is_one_archive_request_and_reads_as_its_listing_does() {
    let Some((hub, links)) = fakes() else {
        return;
    };
    let (listed, listing_requests) = openness_with(&hub, &links, links.listing_args());
    let (archived, archive_requests) = openness_with(&hub, &links, links.args());
    let codeload = |repo: &str| format!("{}/codeload/{repo}/tar.gz/refs/heads/main", links.url);
    let direct_args = with_flag(
        with_flag(
            links.args(),
            "--mot-url",
            &codeload("lfai/model_openness_tool"),
        ),
        "--osai-index-url",
        &codeload("Language-Technology-Assessment/main-database"),
    );
    let (direct, direct_requests) = openness_with(&hub, &links, direct_args);

    // The same records, the same judgements, whichever way the data came.
    let matched: Vec<&str> = listed.iter().flat_map(indexes_of).collect();
    assert!(
        matched.contains(&"model-openness-tool") && matched.contains(&"osai-index"),
        "{matched:?}"
    );
    for (i, id) in INDEXED.iter().enumerate() {
        assert_eq!(archived[i], listed[i], "{id}: archive and listing differ");
        assert_eq!(direct[i], listed[i], "{id}: codeload and listing differ");
    }

    // The listing costs a request a record; an archive one request an index (the API's
    // answer is a redirect to codeload, followed to the other host without a token).
    eprintln!(
        "index requests: {} through the listings, {} through the API's archives ({}), {} from codeload directly",
        listing_requests.len(),
        archive_requests.len(),
        archive_requests.join(", "),
        direct_requests.len()
    );
    assert!(listing_requests.len() > 400, "{}", listing_requests.len());
    assert_eq!(
        archive_requests,
        [
            "/repos/lfai/model_openness_tool/tarball",
            "/codeload/lfai/model_openness_tool/tar.gz/refs/heads/main",
            "/repos/Language-Technology-Assessment/main-database/tarball",
            "/codeload/Language-Technology-Assessment/main-database/tar.gz/refs/heads/main",
        ]
    );
    assert_eq!(
        direct_requests,
        [
            "/codeload/lfai/model_openness_tool/tar.gz/refs/heads/main",
            "/codeload/Language-Technology-Assessment/main-database/tar.gz/refs/heads/main",
        ]
    );
}

#[test]
fn an_archive_cut_short_is_reported_and_never_cached_as_the_index() {
    let Some((hub, links)) = fakes() else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let cut = format!("{}/codeload/lfai/model_openness_tool/tar.gz/cut", links.url);
    let mut args = with_flag(links.args(), "--mot-url", &cut);
    args.extend(["--cache-dir".into(), cache.path().display().to_string()]);
    for _ in 0..2 {
        let report = audit(&hub, &["EleutherAI/pythia-70m"], &args);
        let o = &report["models"][0]["openness"];
        let reasons = o["reasons"].to_string();
        assert!(
            reasons.contains(&format!(
                "an openness index could not be loaded: model-openness-tool: {cut}: not a readable .tar.gz archive"
            )),
            "{reasons}"
        );
        let indexes = indexes_of(o);
        assert!(!indexes.contains(&"model-openness-tool"), "{indexes:?}");
    }
    // Asked again on the second run: nothing partial was kept.
    let asked = links
        .requests()
        .iter()
        .filter(|p| p.ends_with("/cut"))
        .count();
    assert_eq!(asked, 2);
    let kept: Vec<_> = walk_names(cache.path());
    assert!(
        !kept.iter().any(|n| n.starts_with("model-openness-tool")),
        "{kept:?}"
    );
    assert!(kept.iter().any(|n| n == "osai-index.json"), "{kept:?}");
}

/// The file names below `dir`.
fn walk_names(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().is_dir() {
            out.extend(walk_names(&e.path()));
        } else {
            out.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    out
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
            .filter(|p| !p.starts_with("/repos/") || is_index(p))
            .all(|p| !p.ends_with("[auth]")),
        "the GitHub token went elsewhere (the indexes' archives included): {log:?}"
    );
    assert!(log.iter().any(|p| p.starts_with("/codeload/")), "{log:?}");
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

#[test]
fn a_data_card_that_describes_its_data_is_data_information() {
    let Some((hub, links)) = fakes() else {
        return;
    };
    // The Pile's license is `other`, so its license alone cannot decide the element; its card
    // says where each subset comes from and how it was processed.
    let report = audit(&hub, &["EleutherAI/gpt-neox-20b"], &links.args());
    let o = &report["models"][0]["openness"];
    let data = named(&o["osaid_elements"], "data information");
    assert_eq!(data["verdict"], "pass", "{data}");
    let reason = data["reason"].as_str().unwrap();
    assert!(
        reason.contains("datasets/EleutherAI/pile README.md")
            && reason.contains("\"Source Data\"")
            && reason.contains("\"Data Processing\""),
        "{reason}"
    );
    let pile = o["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["url"] == "https://huggingface.co/datasets/EleutherAI/pile")
        .unwrap_or_else(|| panic!("{o}"));
    let found = pile["found"].to_string();
    assert!(
        found.contains("README.md line") && found.contains("processing"),
        "{found}"
    );
    // The card was read through the resolver, once.
    let reads = hub
        .requests()
        .iter()
        .filter(|r| r.path == "/datasets/EleutherAI/pile/resolve/main/README.md")
        .count();
    assert_eq!(reads, 1);
    // Without --links the card's text is not read, and the element stays undecided.
    let plain = audit(&hub, &["EleutherAI/gpt-neox-20b"], &[]);
    let data = named(
        &plain["models"][0]["openness"]["osaid_elements"],
        "data information",
    );
    assert_eq!(data["verdict"], "unknown", "{data}");
}

#[test]
fn a_paper_cited_by_doi_is_looked_up_at_crossref() {
    let Some((report, requests)) = audit_local(
        "# A pathology encoder\n\nPaper: https://doi.org/10.1038/s41591-024-02857-3 \
         ([journal](https://www.nature.com/articles/s41591-024-02857-3)).\n\
         Report: https://doi.org/10.5555/isopen.open-paper\n\
         Code archive: https://doi.org/10.5281/zenodo.5297715\n\
         Withdrawn: doi:10.5555/isopen.missing\n",
        &["--lookups"],
    ) else {
        return;
    };
    let mut works: Vec<&String> = requests
        .iter()
        .filter(|r| r.starts_with("/works/"))
        .collect();
    works.sort();
    // One request a paper; the journal page is the same DOI, and a Zenodo software record is
    // not a paper.
    assert_eq!(
        works,
        [
            "/works/10.1038/s41591-024-02857-3",
            "/works/10.5555/isopen.missing",
            "/works/10.5555/isopen.open-paper"
        ],
        "{requests:?}"
    );
    let o = &report["models"][0]["openness"];
    let papers: Vec<&serde_json::Value> = o["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "paper")
        .collect();
    assert_eq!(papers.len(), 3, "{o}");
    assert_eq!(
        papers[0]["url"],
        "https://doi.org/10.1038/s41591-024-02857-3"
    );
    // The version of record's license is the publisher's text-mining terms: not open.
    assert_eq!(
        papers[0]["license"],
        "https://www.springernature.com/gp/researchers/text-and-data-mining"
    );
    assert_eq!(papers[1]["license"], "CC-BY-4.0", "{o}");
    assert!(
        papers[2]["error"]
            .as_str()
            .unwrap()
            .contains("Crossref has no record of DOI 10.5555/isopen.missing"),
        "{o}"
    );
    let paper = named(&o["mof_components"], "research paper");
    assert_eq!(paper["verdict"], "found", "{paper}");
    assert_eq!(paper["source"], "https://doi.org/10.5555/isopen.open-paper");
}

#[test]
fn a_data_cards_licensing_section_only_ever_makes_the_dataset_stricter() {
    let Some((report, _)) = audit_local(
        "---\nlicense: apache-2.0\ndatasets:\n- acme/instruct-mix\n- tiiuae/falcon-refinedweb\n---\n# A tuned model\n",
        &["--lookups"],
    ) else {
        return;
    };
    let m = &report["models"][0];
    let datasets = m["datasets"].as_array().unwrap();
    // The metadata says ODC-By; the card's licensing section says a subset is CC BY-NC 4.0.
    let mix = &datasets[0];
    assert_eq!(mix["license"], "odc-by", "{mix}");
    assert_eq!(mix["commercial_use"], "prohibited", "{mix}");
    assert_eq!(mix["card_terms"][0]["rule"], "cc-by-nc-4.0", "{mix}");
    assert_eq!(
        mix["card_terms"][0]["file"],
        "datasets/acme/instruct-mix/README.md"
    );
    assert_eq!(mix["card_terms"][0]["line"], 28, "{mix}");
    let risk = m["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "dataset-non-commercial")
        .unwrap_or_else(|| panic!("{m}"));
    assert!(
        risk["message"]
            .as_str()
            .unwrap()
            .contains("acme/instruct-mix has a card whose licensing section says"),
        "{risk}"
    );
    assert_eq!(risk["evidence"][0]["line"], 28);
    // RefinedWeb: ODC-By, and the crawl's terms of use besides, which were not read.
    let web = &datasets[1];
    assert_eq!(web["commercial_use"], "unknown", "{web}");
    assert_eq!(web["license_verdict"], "allowed", "{web}");
    assert!(web["card_terms"][0]["rule"].is_null(), "{web}");
    assert!(
        m["notes"]
            .to_string()
            .contains("tiiuae/falcon-refinedweb's card defers to other terms"),
        "{}",
        m["notes"]
    );
    // The openness yardsticks judge the licenses: RefinedWeb counts as open, the mix does not.
    let data = named(&m["openness"]["osai_index"], "data");
    assert_eq!(data["verdict"], "partial", "{data}");
}
