//! Terms that must not be missed: extra terms around a standard text, restrictions outside a
//! License heading, sources refused, skipped, truncated or unparseable (items 1, 2, 4, 5, 6).

use crate::support::scenario::verdict;
use std::path::Path;

use serde_json::Value;

use crate::support::fake_hub::{FakeHub, Fault};
use crate::support::{corpus, isopen, json, risk_codes, run};

/// A model folder with these files, audited offline; the model's report.
fn audit_folder(files: &[(&str, &[u8])]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    for (path, body) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    audit_dir(dir.path())
}

fn audit_dir(dir: &Path) -> Value {
    let out = run(
        "http://127.0.0.1:9",
        &["audit", dir.to_str().unwrap(), "--format", "json"],
    );
    json(&out)["models"][0].clone()
}

fn has(m: &Value, code: &str) -> bool {
    risk_codes(m).iter().any(|c| c == code)
}

fn corpus_text(name: &str) -> Option<String> {
    let dir = corpus()?;
    Some(std::fs::read_to_string(dir.join("licenses").join(name)).unwrap())
}

/// Item 1: the Apache-2.0 and MIT texts with terms added before or after them are not Apache
/// or MIT: the added clause decides, and the verdict is never `allowed`.
#[test]
fn extra_terms_around_a_standard_text() {
    let (Some(apache), Some(mit)) = (corpus_text("apache-2.0.txt"), corpus_text("mit.txt")) else {
        return;
    };
    let extra = "ADDITIONAL TERMS: Notwithstanding the above, the model weights may not be used for any commercial purpose.";
    let nc = "The Software may only be used for non-commercial research purposes.";
    for (tag, license) in [
        ("apache-2.0", format!("{apache}\n\n{extra}\n")),
        ("apache-2.0", format!("{extra}\n\n{apache}")),
        ("mit", format!("{mit}\n{nc}\n")),
        ("mit", format!("{nc}\n\n{mit}")),
    ] {
        let card = format!("---\nlicense: {tag}\n---\n# Model\n");
        let m = audit_folder(&[
            ("README.md", card.as_bytes()),
            ("LICENSE", license.as_bytes()),
        ]);
        assert_eq!(verdict(&m), "prohibited", "{tag}: {m:#}");
        assert!(has(&m, "non-commercial"), "{tag}: {:?}", risk_codes(&m));
    }
}

/// Item 2: restrictions stated in the card's body, under no License heading.
#[test]
fn restrictions_in_the_body_outside_a_license_heading() {
    for body in [
        "## Model details\n\n- **Developed by:** Acme Lab\n- **License:** research and non-commercial use only\n- **Languages:** English\n",
        "# Acme-7B\n\nA chat model.\n\n**Important: commercial use is prohibited.**\n\n## Usage\n\nSee below.\n",
    ] {
        let card = format!("---\nlicense: apache-2.0\n---\n{body}");
        let m = audit_folder(&[("README.md", card.as_bytes())]);
        assert_eq!(verdict(&m), "prohibited", "{body}: {m:#}");
        let risk = m["risks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == "non-commercial")
            .unwrap_or_else(|| panic!("{m:#}"));
        assert_eq!(risk["evidence"][0]["file"], "README.md");
        assert!(risk["evidence"][0]["line"].as_u64().unwrap() > 3);
    }
}

/// Item 4: a README the hub refuses on every attempt is evidence unread, not a note: the
/// Apache tag alone no longer gives `allowed`.
#[test]
fn a_readme_refused_on_every_attempt() {
    let hub = FakeHub::fixtures();
    hub.fault(
        "/acme/plain-apache/resolve/1111111111111111111111111111111111111111/README.md",
        Fault::Status(500),
        100,
    );
    let (mut cmd, _home) = isopen(&hub.url);
    let out = cmd
        .env("ISOPEN_BACKOFF_MS", "1")
        .args(["audit", "acme/plain-apache", "--format", "json"])
        .output()
        .unwrap();
    let m = json(&out)["models"][0].clone();
    assert_eq!(m["status"], "ok", "{m:#}");
    assert_ne!(verdict(&m), "allowed", "{m:#}");
    assert!(has(&m, "evidence-unread"), "{:?}", risk_codes(&m));
    let unread = m["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "evidence-unread")
        .unwrap();
    assert_eq!(unread["severity"], "high");
    assert_eq!(unread["evidence"][0]["file"], "README.md");
}

/// Item 5: license files are read whatever their number (the 13th, nested in a folder) up to a
/// budget; past the budget they are evidence unread; a long file is read far past 1 MiB and a
/// cut-off one is evidence unread.
#[test]
fn license_files_past_a_count_a_depth_or_a_size() {
    let card: &[u8] = b"---\nlicense: mit\n---\n# Model\n";
    let mit = corpus_text("mit.txt").unwrap_or_else(|| "MIT License\n".into());
    let nc: &[u8] = b"These weights may be used for non-commercial purposes only.\n";
    // Twelve permissive files, then a thirteenth that forbids commercial use.
    let mut files: Vec<(String, Vec<u8>)> = (1..=12)
        .map(|i| (format!("LICENSE-{i:02}"), mit.as_bytes().to_vec()))
        .collect();
    files.push(("LICENSE-13".into(), nc.to_vec()));
    files.push(("README.md".into(), card.to_vec()));
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), &b[..])).collect();
    let m = audit_folder(&refs);
    assert_eq!(verdict(&m), "prohibited", "the 13th file: {m:#}");

    // A license file in a folder.
    let m = audit_folder(&[("README.md", card), ("weights/terms/LICENSE", nc)]);
    assert_eq!(verdict(&m), "prohibited", "nested: {m:#}");

    // More license files than the budget: the rest are listed as unread, one risk for all.
    let many: Vec<(String, Vec<u8>)> = (0..80)
        .map(|i| (format!("LICENSE-{i:03}"), mit.as_bytes().to_vec()))
        .chain([("README.md".to_string(), card.to_vec())])
        .collect();
    let refs: Vec<(&str, &[u8])> = many.iter().map(|(p, b)| (p.as_str(), &b[..])).collect();
    let m = audit_folder(&refs);
    assert_eq!(verdict(&m), "unknown", "over the budget: {m:#}");
    let unread: Vec<&Value> = m["risks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == "evidence-unread")
        .collect();
    assert_eq!(unread.len(), 1, "{unread:#?}");
    assert!(unread[0]["message"].as_str().unwrap().contains("15 more"));

    // A restriction 1.5 MiB into the file is read.
    let mut long = mit.clone().into_bytes();
    long.extend(std::iter::repeat_n(b"Permission is granted. ".as_slice(), 70_000).flatten());
    long.extend_from_slice(b"\n");
    long.extend_from_slice(nc);
    assert!(long.len() > 3 * 512 * 1024);
    let m = audit_folder(&[("README.md", card), ("LICENSE", &long)]);
    assert_eq!(verdict(&m), "prohibited", "past 1 MiB: {:#}", m["risks"]);

    // Past the bound, the rest of the file is evidence unread.
    let mut huge = mit.into_bytes();
    huge.extend(std::iter::repeat_n(b'x', 9 * 1024 * 1024));
    let m = audit_folder(&[("README.md", card), ("LICENSE", &huge)]);
    assert_eq!(verdict(&m), "unknown", "cut off: {m:#}");
    assert!(has(&m, "evidence-unread"));
}

/// Item 6: front matter that cannot be read, or is read in part, never hides a restriction
/// behind `allowed`; a key set twice has both values read.
#[test]
fn broken_front_matter_in_a_local_folder() {
    let cases: &[(&str, &str)] = &[
        (
            "a tab",
            "---\nlicense: cc-by-nc-4.0\n\ttags: [x]\n---\n# Model\n",
        ),
        (
            "an unclosed [",
            "---\nlicense: [cc-by-nc-4.0\n---\n# Model\n",
        ),
        (
            "never closed",
            "---\nlicense: cc-by-nc-4.0\n# Model\nText.\n",
        ),
        (
            "the alias budget",
            &format!(
                "---\nlicense: cc-by-nc-4.0\na: &a [x]\n{}---\n# Model\n",
                (0..1100).map(|i| format!("k{i}: *a\n")).collect::<String>()
            ),
        ),
    ];
    for (what, readme) in cases {
        let m = audit_folder(&[("README.md", readme.as_bytes())]);
        assert_ne!(verdict(&m), "allowed", "{what}: {m:#}");
        assert!(has(&m, "evidence-unread"), "{what}: {:?}", risk_codes(&m));
    }
    // A mapping where a string belongs: its strings are read, and it is marked unread.
    let m = audit_folder(&[(
        "README.md",
        b"---\nlicense: {id: cc-by-nc-4.0}\n---\n# Model\n",
    )]);
    assert_eq!(verdict(&m), "prohibited", "{m:#}");
    assert!(has(&m, "evidence-unread"));
    // `license:` twice: the parser keeps the last, both are read, and the stricter wins.
    let m = audit_folder(&[(
        "README.md",
        b"---\nlicense: cc-by-nc-4.0\ntags: [x]\nlicense: apache-2.0\n---\n# Model\n",
    )]);
    assert_eq!(verdict(&m), "prohibited", "{m:#}");
    assert!(
        m["notes"].to_string().contains("more than once"),
        "{}",
        m["notes"]
    );
}
