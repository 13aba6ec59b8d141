//! `isopen scan` end to end: the exact references of the sample repository (every form, and
//! look-alikes that are not model ids), their audit against the fake hub with `found_at`, the
//! project-license risks, SARIF located at the referencing lines, exit codes, and hostile trees
//! (a file over the size budget, binary data, invalid UTF-8, a symbolic link out of the root,
//! too many files, deep nesting).

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::fake_hub::FakeHub;
use support::{isopen, json, risk_codes};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scan/sample-repo")
}

/// `isopen scan ARGS` run from `dir` (so the root is `.`), against `endpoint`.
fn scan_in(dir: &Path, endpoint: &str, args: &[&str]) -> std::process::Output {
    let (mut cmd, _home) = isopen(endpoint);
    cmd.current_dir(dir)
        .arg("scan")
        .args(args)
        .output()
        .expect("run isopen")
}

type Place = (String, String, u64, u64, String);

/// Every (model, file, line, column, form) of a `--list` or full JSON answer.
fn places(models: &[Value], key: &str) -> BTreeSet<Place> {
    let mut out = BTreeSet::new();
    for m in models {
        for f in m["found_at"].as_array().unwrap() {
            out.insert((
                m[key].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["form"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

fn expected() -> BTreeSet<Place> {
    [
        ("allenai/OLMo-7B", ".env", 1, 17, "dotenv"),
        ("ollama:library/gemma:2b", "Dockerfile", 2, 17, "ollama-cli"),
        ("Qwen/Qwen2.5-72B-Instruct", "Dockerfile", 3, 71, "vllm-cli"),
        (
            "acme/gated-llama",
            "app/download.py",
            4,
            34,
            "hf-hub-download",
        ),
        (
            "acme/share-alike-model",
            "app/download.py",
            6,
            27,
            "snapshot-download",
        ),
        (
            "realworld/anime-diffusion-unlicense",
            "app/download.py",
            7,
            48,
            "diffusers",
        ),
        (
            "meta-llama/Llama-3.1-8B-Instruct",
            "app/models.py",
            14,
            47,
            "from-pretrained",
        ),
        (
            "meta-llama/Llama-3.1-8B-Instruct",
            "app/models.py",
            16,
            9,
            "from-pretrained",
        ),
        ("acme/plain-apache", "app/models.py", 24, 52, "pipeline"),
        (
            "acme/plain-apache",
            "app/models.py",
            25,
            32,
            "sentence-transformers",
        ),
        ("acme/plain-apache", "app/serve.py", 7, 43, "langchain"),
        ("mistralai/Mistral-7B-v0.1", "app/serve.py", 6, 17, "vllm"),
        (
            "CohereForAI/c4ai-command-r-v01",
            "app/serve.py",
            8,
            45,
            "llama-index",
        ),
        ("microsoft/phi-2", "app/serve.py", 9, 32, "hf-inference"),
        // A name assigned once to a literal, then passed: the literal is the reference.
        (
            "mistralai/Mixtral-8x7B-v0.1",
            "app/serve.py",
            11,
            14,
            "vllm",
        ),
        (
            "meta-llama/Llama-2-7b-hf",
            "configs/adapter.json",
            2,
            30,
            "config-key",
        ),
        (
            "tiiuae/falcon-180B",
            "configs/app.toml",
            2,
            12,
            "config-key",
        ),
        ("google/gemma-7b", "configs/train.yaml", 2, 21, "config-key"),
        // A notebook's code cell, at the notebook's own line.
        (
            "google-t5/t5-11b",
            "notebooks/explore.ipynb",
            26,
            52,
            "from-pretrained",
        ),
        (
            "bigcode/starcoder2-15b",
            "docker-compose.yml",
            4,
            25,
            "tgi-cli",
        ),
        (
            "./models/tiny-assistant-Q8_0.gguf",
            "models/tiny-assistant-Q8_0.gguf",
            1,
            1,
            "gguf-file",
        ),
        (
            "ollama:library/llama3.2:3b",
            "ollama/Modelfile",
            1,
            6,
            "modelfile-from",
        ),
        (
            "ollama:library/llama3.2:3b",
            "scripts/setup.sh",
            4,
            13,
            "ollama-cli",
        ),
        (
            "realworld/chat-8b-gguf",
            "scripts/setup.sh",
            6,
            24,
            "llama-cpp",
        ),
        (
            "EleutherAI/pythia-70m",
            "web/embed.ts",
            5,
            56,
            "transformers-js",
        ),
        (
            "EleutherAI/pythia-1b",
            "web/embed.ts",
            7,
            59,
            "hf-inference",
        ),
        (
            "./models/classifier",
            "models/classifier/model.safetensors",
            1,
            1,
            "model-folder",
        ),
    ]
    .into_iter()
    .map(|(m, f, l, c, form)| (m.into(), f.into(), l, c, form.into()))
    .collect()
}

#[test]
fn the_sample_repository_holds_exactly_these_references() {
    let out = scan_in(
        &sample(),
        "http://127.0.0.1:9",
        &[".", "--list", "--format", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    let refs = r["references"].as_array().unwrap();
    let found = places(refs, "model");
    let want = expected();
    assert_eq!(
        found.difference(&want).collect::<Vec<_>>(),
        Vec::<&Place>::new(),
        "found but not expected (a look-alike taken for a model?)"
    );
    assert_eq!(
        want.difference(&found).collect::<Vec<_>>(),
        Vec::<&Place>::new(),
        "expected but not found"
    );
    // One entry per model, however many places name it.
    assert_eq!(refs.len(), 23);
    assert_eq!(r["scan"]["project_license"][0]["id"], "MIT");
    assert_eq!(r["scan"]["project_license"][0]["file"], "LICENSE");
    assert_eq!(r["scan"]["unread"], 0);
}

#[test]
fn the_list_as_people_read_it() {
    let out = scan_in(
        &sample(),
        "http://127.0.0.1:9",
        &["--list", "--format", "table"],
    );
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

/// The risks of the model `id` in a full scan report.
fn model<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model"] == id)
        .unwrap_or_else(|| panic!("{id} is not in the report"))
}

#[test]
fn every_model_is_audited_with_where_it_was_found_and_the_project_risks() {
    let hub = FakeHub::fixtures();
    let out = scan_in(&sample(), &hub.url, &[".", "--format", "json"]);
    let r = json(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failed: Vec<&Value> = r["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "error")
        .collect();
    assert!(failed.is_empty(), "{failed:#?}\n{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(places(r["models"].as_array().unwrap(), "model"), expected());

    // A model whose terms forbid commercial use, in an MIT project.
    let nc = model(&r, "CohereForAI/c4ai-command-r-v01");
    assert_eq!(nc["commercial_use"]["verdict"], "prohibited");
    let risk = nc["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "model-terms-not-passed-on")
        .expect("model-terms-not-passed-on");
    assert_eq!(risk["severity"], "high");
    assert_eq!(risk["evidence"][0]["file"], "LICENSE");
    // The line where the MIT grant was recognised.
    assert_eq!(risk["evidence"][0]["line"], 5);
    let last = risk["evidence"].as_array().unwrap().last().unwrap();
    assert_eq!(last["file"], "app/serve.py");
    assert_eq!(last["line"], 8);

    // Llama 3.1 asks for "Built with Llama" and a copy of the agreement: the README has neither.
    let llama = model(&r, "meta-llama/Llama-3.1-8B-Instruct");
    let codes = risk_codes(llama);
    assert!(
        codes.contains(&"model-notice-missing".to_string()),
        "{codes:?}"
    );
    let notice = llama["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "model-notice-missing")
        .unwrap();
    assert_eq!(notice["severity"], "medium");
    assert!(
        notice["message"]
            .as_str()
            .unwrap()
            .contains("Built with Llama"),
        "{notice}"
    );

    // Share-alike weights in a permissive project.
    let sa = model(&r, "acme/share-alike-model");
    assert!(
        risk_codes(sa).contains(&"model-license-incompatible".to_string()),
        "{:?}",
        risk_codes(sa)
    );
    // A permissive model gets none of the three.
    let plain = model(&r, "acme/plain-apache");
    for c in risk_codes(plain) {
        assert!(!c.starts_with("model-"), "{c}");
    }
    assert_eq!(plain["found_at"].as_array().unwrap().len(), 3);
}

#[test]
fn sarif_results_point_at_the_line_that_references_the_model() {
    let hub = FakeHub::fixtures();
    let out = scan_in(&sample(), &hub.url, &[".", "--format", "sarif"]);
    let sarif = json(&out);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "model-terms-not-passed-on")
        .expect("a result for the non-commercial model");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "app/serve.py");
    assert_eq!(loc["region"]["startLine"], 8);
    assert_eq!(loc["region"]["startColumn"], 45);
    // A model named in several places: the others are related locations.
    let llama = results
        .iter()
        .find(|r| r["properties"]["model"] == "meta-llama/Llama-3.1-8B-Instruct")
        .unwrap();
    assert_eq!(
        llama["locations"][0]["physicalLocation"]["region"]["startLine"],
        14
    );
    assert_eq!(
        llama["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        16
    );
    let rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for code in [
        "model-terms-not-passed-on",
        "model-notice-missing",
        "model-license-incompatible",
    ] {
        assert!(rules.contains(&code), "{code}");
    }
}

#[test]
fn exit_codes_as_for_batch_and_every_format() {
    let hub = FakeHub::fixtures();
    let out = scan_in(
        &sample(),
        &hub.url,
        &[".", "--fail-on", "high", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("isopen: failing: CohereForAI/c4ai-command-r-v01"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for format in ["table", "markdown", "cyclonedx", "html"] {
        let out = scan_in(&sample(), &hub.url, &[".", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("c4ai-command-r-v01"), "{format}: {text}");
        assert!(text.contains("app/serve.py:8:45"), "{format}: {text}");
    }

    // A model that cannot be audited: 2, whatever the gate.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "m = AutoModel.from_pretrained(\"acme/does-not-exist\")\n",
    )
    .unwrap();
    let out = scan_in(dir.path(), &hub.url, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["models"][0]["found_at"][0]["file"], "app.py");
}

#[test]
fn an_incomplete_scan_never_passes_a_gate() {
    let hub = FakeHub::fixtures();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "m = AutoModel.from_pretrained(\"acme/plain-apache\")\n",
    )
    .unwrap();
    let big = format!(
        "{}\nAutoModel.from_pretrained(\"acme/hidden\")\n",
        "#".repeat(4096)
    );
    std::fs::write(dir.path().join("big.py"), big).unwrap();
    let args = ["--max-file-size", "1024", "--format", "json"];
    let out = scan_in(dir.path(), &hub.url, &args);
    assert_eq!(out.status.code(), Some(0), "no gate asked");
    let r = json(&out);
    assert_eq!(r["scan"]["unread"], 1);
    assert_eq!(r["scan"]["skipped"][0]["file"], "big.py");
    assert_eq!(r["scan"]["skipped"][0]["reason"], "too-large");
    let mut gated = args.to_vec();
    gated.extend(["--fail-on", "high"]);
    let out = scan_in(dir.path(), &hub.url, &gated);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the scan is incomplete"));
}

#[test]
fn hostile_trees() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir(&root).unwrap();
    let call = |id: &str| format!("AutoModel.from_pretrained(\"{id}\")\n");
    // Binary data: not read.
    let mut binary = call("acme/in-binary").into_bytes();
    binary.extend([0u8, 1, 2, 0]);
    std::fs::write(root.join("blob.py"), binary).unwrap();
    // Invalid UTF-8: read, the bad bytes replaced.
    let mut latin = b"# caf\xe9\n".to_vec();
    latin.extend(call("acme/latin1").into_bytes());
    std::fs::write(root.join("latin.py"), latin).unwrap();
    // A symbolic link out of the root: never followed.
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.py"), call("acme/outside")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, root.join("escape")).unwrap();
    // Deep nesting: below the depth budget, not entered.
    let mut deep = root.join("deep");
    for i in 0..40 {
        deep = deep.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("x.py"), call("acme/too-deep")).unwrap();
    // Many files: beyond the file budget, listed as unread.
    let many = root.join("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..300 {
        std::fs::write(
            many.join(format!("f{i:03}.py")),
            call(&format!("acme/m{i:03}")),
        )
        .unwrap();
    }
    let out = scan_in(
        &root,
        "http://127.0.0.1:9",
        &["--list", "--format", "json", "--max-files", "100"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    let models: BTreeSet<&str> = r["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["model"].as_str().unwrap())
        .collect();
    assert!(models.contains("acme/latin1"));
    for never in ["acme/in-binary", "acme/outside", "acme/too-deep"] {
        assert!(!models.contains(never), "{never}");
    }
    assert_eq!(r["scan"]["files_read"], 100);
    let reasons: Vec<(String, String)> = r["scan"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap().into(),
                s["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        reasons.contains(&("blob.py".into(), "binary".into())),
        "{reasons:?}"
    );
    #[cfg(unix)]
    assert!(
        reasons.contains(&("escape".into(), "symlink-outside-root".into())),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(f, r)| f.starts_with("deep/") && r == "too-deep"),
        "{reasons:?}"
    );
    // 300 + latin.py + deep's file never reached: the rest of `many` is over the budget.
    let over = r["scan"]["skipped_total"].as_u64().unwrap();
    assert!(over >= 200, "{over}");
    assert!(r["scan"]["unread"].as_u64().unwrap() >= 200);
    assert!(r["scan"]["skipped"].as_array().unwrap().len() <= 100);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the scan is incomplete"), "{stderr}");
}

#[test]
fn a_missing_root_is_a_clear_error() {
    let out = scan_in(
        &sample(),
        "http://127.0.0.1:9",
        &["no/such/folder", "--list"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no/such/folder"), "{stderr}");
}
