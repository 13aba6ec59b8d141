//! What the outputs show (items 3, 9, 14, 17 and 18 of issue 10): nothing a card, a file or a
//! server wrote is obeyed by the terminal or a Markdown viewer, no token is ever shown, the
//! gate says why it failed, the machine formats are well formed, and the batch summary fits
//! the terminal.

use std::ffi::OsStr;
use std::path::Path;

use crate::support::fake_hub::{FakeHub, Fault, TOKEN_APPROVED};
use crate::support::isopen;

/// Runs `isopen` with `args` against the hub, from the repository's root, with `env` set.
fn isopen_env(hub: &FakeHub, env: &[(&str, &str)], args: &[&OsStr]) -> std::process::Output {
    let (mut cmd, _home) = isopen(&hub.url);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("ISOPEN_TODAY", "2026-11-30")
        .env("ISOPEN_BACKOFF_MS", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).output().expect("run isopen")
}

fn isopen_at(hub: &FakeHub, args: &[&str]) -> std::process::Output {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    isopen_env(hub, &[], &args)
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A character a terminal would obey or that reorders text: controls other than the line
/// break, and the bidi and invisible format characters.
fn obeyed(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_inert(what: &str, text: &str) {
    let bad: Vec<String> = text
        .chars()
        .filter(|&c| obeyed(c))
        .map(|c| format!("{:?}", c))
        .collect();
    assert!(bad.is_empty(), "{what} carries {bad:?}:\n{text}");
}

/// Item 3: a card whose `license:` and License section carry escape sequences (clear screen,
/// window title, cursor up), a carriage return followed by "Commercial use ALLOWED", a C1 CSI
/// and bidi overrides: none of it reaches the terminal, and the verdict row is the real one.
#[test]
fn card_text_never_reaches_the_terminal_raw() {
    let hub = FakeHub::fixtures();
    let model = "hostile/terminal-escapes";
    let out = isopen_at(&hub, &["audit", model, "--format", "table", "-v"]);
    let table = stdout(&out);
    assert_inert("the table", &table);
    assert_inert("standard error", &stderr(&out));
    let verdict = table
        .lines()
        .find(|l| l.trim_start().starts_with("Commercial use"))
        .expect("a verdict row");
    assert!(verdict.contains("PROHIBITED"), "{table}");
    assert!(
        !table
            .lines()
            .any(|l| l.trim_start().starts_with("Commercial use ALLOWED")),
        "{table}"
    );
    // Shown, as visible escapes, not dropped: the reviewer sees that the card is hostile.
    assert!(table.contains("\\u{1b}[2J"), "{table}");

    for format in ["markdown", "json", "sarif", "cyclonedx"] {
        let out = isopen_at(&hub, &["audit", model, "--format", format]);
        assert_inert(format, &stdout(&out));
    }

    // The batch summary, and a shortlist whose line is itself hostile.
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    std::fs::write(&list, format!("{model}\n{model}\n")).unwrap();
    let out = isopen_at(
        &hub,
        &["batch", list.to_str().unwrap(), "--format", "table"],
    );
    assert_inert("the summary", &stdout(&out));
    assert_inert("standard error", &stderr(&out));
    assert!(stdout(&out).contains("prohibited"), "{}", stdout(&out));
    // An error naming a file whose name is hostile.
    let missing = dir.path().join("missing\u{1b}]0;title\u{7}.txt");
    let out = isopen_env(&hub, &[], &[OsStr::new("batch"), missing.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("\\u{1b}]0;title"), "{}", stderr(&out));
    assert_inert("an error", &stderr(&out));
}

/// Item 9: a hub that echoes the token back — in `X-Error-Message`, in the JSON error body
/// alone, on every retry of a rate limit — with a second token-shaped string: neither appears
/// in any format, on standard error (even at `-vv`) or in the results file.
#[test]
fn an_echoed_token_is_never_shown() {
    let hub = FakeHub::fixtures();
    let shaped = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567";
    let echo = |status, code, header| Fault::Echo {
        status,
        code,
        message: format!("no access for token {{token}} (nor {shaped})"),
        header,
    };
    hub.fault(
        "/api/models/acme/plain-apache",
        echo(404, Some("RepoNotFound"), true),
        1000,
    );
    hub.fault("/acme/gated-llama/resolve/", echo(403, None, false), 1000);
    hub.fault("/api/datasets/", echo(429, None, true), 1000);
    let models = [
        "acme/plain-apache",
        "acme/gated-llama",
        "acme/llama-finetune-apache",
    ];
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    std::fs::write(&list, models.join("\n")).unwrap();
    let lenient = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/policies/lenient.yaml");
    let leaks = |what: &str, text: &str| {
        for secret in [TOKEN_APPROVED, shaped, "hf_fake", "hf_AbCd"] {
            assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
        }
    };
    let mut redacted = false;
    for format in ["table", "json", "markdown", "sarif", "cyclonedx"] {
        let mut args = vec![
            "audit",
            "-vv",
            "--token",
            TOKEN_APPROVED,
            "--format",
            format,
        ];
        args.extend(models);
        let out = isopen_at(&hub, &args);
        leaks(format, &stdout(&out));
        leaks("standard error", &stderr(&out));
        redacted |= stdout(&out).contains("<redacted>");
        // The retries of the echoing rate limit are logged, redacted.
        assert!(stderr(&out).contains("retrying: no access for token <redacted>"));
    }
    assert!(redacted, "the echoed messages were not shown at all");

    let results = dir.path().join("out.jsonl");
    let out = isopen_env(
        &hub,
        &[("HF_TOKEN", TOKEN_APPROVED)],
        &[
            OsStr::new("batch"),
            list.as_os_str(),
            OsStr::new("-v"),
            OsStr::new("--format"),
            OsStr::new("json"),
            OsStr::new("--policy"),
            lenient.as_os_str(),
            OsStr::new("--out"),
            results.as_os_str(),
        ],
    );
    leaks("the batch report", &stdout(&out));
    leaks("standard error", &stderr(&out));
    let written = std::fs::read_to_string(&results).unwrap();
    leaks("the results file", &written);
    assert!(written.contains("<redacted>"), "{written}");
    let report = crate::support::json(&out);
    let error = &report["models"][0]["error"]["message"];
    assert_eq!(error, "no access for token <redacted> (nor <redacted>)");
}

/// Item 18: the batch summary fits the terminal — `COLUMNS=60` or `200` — one line per model,
/// a long cell cut with `…`, never the model id wrapped into one-character columns: 51 models
/// print about 51 lines.
#[test]
fn the_batch_summary_fits_the_terminal() {
    let hub = FakeHub::fixtures();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hub/models");
    let mut models: Vec<String> = Vec::new();
    for org in std::fs::read_dir(&root).unwrap().flatten() {
        for repo in std::fs::read_dir(org.path()).unwrap().flatten() {
            models.push(format!(
                "{}/{}",
                org.file_name().to_string_lossy(),
                repo.file_name().to_string_lossy()
            ));
        }
    }
    models.sort();
    models.truncate(45);
    for i in 0..(51 - models.len()) {
        models.push(format!(
            "an-organisation-with-a-long-name/a-missing-model-{i:02}"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.txt");
    std::fs::write(&list, models.join("\n")).unwrap();
    for width in [60usize, 200] {
        let columns = width.to_string();
        let out = isopen_env(
            &hub,
            &[("COLUMNS", columns.as_str())],
            &[
                OsStr::new("batch"),
                list.as_os_str(),
                OsStr::new("--format"),
                OsStr::new("table"),
            ],
        );
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines.iter().all(|l| l.chars().count() <= width),
            "{width}:\n{text}"
        );
        assert!(
            (52..=56).contains(&lines.len()),
            "{width}: {} lines:\n{text}",
            lines.len()
        );
        // Rows in input order, after "Summary" and the header.
        for (m, row) in models.iter().zip(&lines[2..]) {
            let cell = row.trim_start().split("  ").next().unwrap();
            if width == 200 {
                assert_eq!(cell, m, "{text}");
            } else {
                let kept = cell.trim_end_matches('…');
                let cut = cell.chars().count() >= 12 && m.starts_with(kept);
                assert!(cell == m || cut, "{cell:?}\n{text}");
            }
        }
    }
}

/// Item 14 (the table and Markdown part): the outputs for people show the gate's outcome per
/// model with its reasons, the batch summary shows it per model, and a failing exit code comes
/// with a line on standard error saying which model failed and why.
#[test]
fn the_gate_says_why_it_failed() {
    let hub = FakeHub::fixtures();
    let defaults = "fixtures/policies/defaults.yaml";

    // A policy denial.
    let out = isopen_at(
        &hub,
        &[
            "audit",
            "acme/card-says-nc",
            "--format",
            "table",
            "--policy",
            defaults,
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let table = stdout(&out);
    let gate = table
        .lines()
        .find(|l| l.trim_start().starts_with("Gate"))
        .unwrap_or_else(|| panic!("no gate row:\n{table}"));
    assert!(gate.contains("DENY"), "{table}");
    assert!(
        table.contains("policy commercial_use (deny): commercial use is prohibited"),
        "{table}"
    );
    let err = stderr(&out);
    assert!(
        err.contains(
            "isopen: failing: acme/card-says-nc: policy commercial_use (deny): commercial use is prohibited"
        ),
        "{err}"
    );

    // --fail-on without a policy: only the failing model is named, with the risk.
    let out = isopen_at(
        &hub,
        &[
            "audit",
            "acme/plain-apache",
            "acme/pickle-only",
            "--format",
            "table",
            "--fail-on",
            "medium",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let failing: Vec<&str> = err.lines().filter(|l| l.contains("failing:")).collect();
    assert_eq!(failing.len(), 1, "{err}");
    assert!(
        failing[0].starts_with("isopen: failing: acme/pickle-only: risk")
            && failing[0].contains("non-commercial (high)")
            && failing[0].ends_with("at or above --fail-on medium"),
        "{err}"
    );
    let table = stdout(&out);
    assert!(table.contains("Gate            PASS"), "{table}");
    assert!(table.contains("Gate            DENY"), "{table}");
    // The summary at the end of a multi-model audit has the gate's column and totals.
    assert!(
        table.contains("gate: 1 pass, 0 warn, 1 deny, 0 error"),
        "{table}"
    );

    // The batch summary, per model, with a model not audited; and the same in Markdown.
    let list = "fixtures/shortlists/shortlist.txt";
    let out = isopen_at(
        &hub,
        &["batch", list, "--format", "table", "--fail-on", "high"],
    );
    assert_eq!(out.status.code(), Some(2));
    let summary = stdout(&out);
    let at = summary
        .lines()
        .nth(1)
        .and_then(|header| header.find("Gate"))
        .unwrap_or_else(|| panic!("no gate column:\n{summary}"));
    let gate_of = |model: &str| {
        let row = summary
            .lines()
            .find(|l| l.trim_start().starts_with(model))
            .unwrap_or_else(|| panic!("no row for {model}:\n{summary}"));
        row[at..].split_whitespace().next().unwrap().to_string()
    };
    assert_eq!(gate_of("acme/plain-apache"), "pass", "{summary}");
    assert_eq!(gate_of("acme/llama-finetune-apache"), "deny", "{summary}");
    assert_eq!(gate_of("acme/does-not-exist"), "error", "{summary}");
    let err = stderr(&out);
    assert!(
        err.contains(
            "isopen: failing: acme/does-not-exist: the model could not be audited (not-found)"
        ),
        "{err}"
    );
    assert!(
        err.contains("isopen: failing: acme/llama-finetune-apache: risk"),
        "{err}"
    );
    let out = isopen_at(
        &hub,
        &["batch", list, "--format", "markdown", "--policy", defaults],
    );
    let md = stdout(&out);
    assert!(
        md.lines()
            .next()
            .is_some_and(|l| l.starts_with("# isopen audit"))
    );
    assert!(md.contains("| Top risk | Gate |"), "{md}");
    assert!(md.contains("- Gate: **error**"), "{md}");
    assert!(md.contains("- Gate: **pass**"), "{md}");

    // A gate that passes says nothing on standard error.
    let out = isopen_at(
        &hub,
        &[
            "audit",
            "acme/plain-apache",
            "--format",
            "table",
            "--fail-on",
            "high",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(!stderr(&out).contains("failing"), "{}", stderr(&out));
}

/// The text of `md` outside its code spans (where nothing is read as Markdown): a run of
/// backticks opens a span that the next run of the same length closes; a backslash escapes.
fn outside_code_spans(md: &str) -> String {
    let chars: Vec<char> = md.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                out.push(chars[i]);
                out.push(chars[i + 1]);
                i += 2;
            }
            '`' => {
                let n = chars[i..].iter().take_while(|&&c| c == '`').count();
                let mut j = i + n;
                let close = loop {
                    if j >= chars.len() {
                        break None;
                    }
                    let m = chars[j..].iter().take_while(|&&c| c == '`').count();
                    if m == n {
                        break Some(j);
                    }
                    j += m.max(1);
                };
                match close {
                    Some(j) => i = j + n,
                    None => {
                        out.extend(&chars[i..i + n]);
                        i += n;
                    }
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Item 17: a card whose license value and License section hold a heading, an image, a link,
/// backticks, HTML, an autolink and line breaks gives Markdown with none of them; SARIF URIs
/// of a folder named with a space, `#` and non-ASCII are percent-encoded; the CycloneDX BOM
/// has a serial number and a timestamp, a Hub model's purl is pinned to its commit, and a
/// local folder's absolute path appears nowhere.
#[test]
fn outputs_for_tools_and_tickets_are_well_formed() {
    let hub = FakeHub::fixtures();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("my model #1 é");
    std::fs::create_dir_all(&folder).unwrap();
    let injected = "![img](http://x/i.png) [link](http://x) `tick`` <b>bold</b> www.evil.example";
    std::fs::write(
        folder.join("README.md"),
        format!(
            "---\nlicense: \"other\\n# Injected heading\\n{injected}\"\nlicense_name: \"# {injected}\"\n---\n\
             # Model\n\n## License\n\n\
             The weights are for research only, not for commercial use. {injected}\n"
        ),
    )
    .unwrap();
    std::fs::write(folder.join("model.bin"), b"pickle").unwrap();
    let local = folder.to_str().unwrap();

    let out = isopen_at(
        &hub,
        &["audit", local, "acme/plain-apache", "--format", "markdown"],
    );
    let md = stdout(&out);
    let ours = [
        "# isopen audit",
        "## ",
        "### Conditions",
        "### Obligations",
        "### Risks",
        "### Notes",
    ];
    for l in md.lines().filter(|l| l.starts_with('#')) {
        assert!(
            ours.iter().any(|o| l.starts_with(o)),
            "a heading from the card: {l}\n{md}"
        );
    }
    assert!(md.contains("Injected heading"), "the value is shown:\n{md}");
    let text = outside_code_spans(&md);
    assert!(!text.contains("!["), "an image:\n{md}");
    assert!(!text.contains('<'), "HTML:\n{md}");
    assert!(
        !text.contains("http://") && !text.contains("www."),
        "an autolink:\n{md}"
    );
    for (i, _) in text.match_indices("](") {
        assert!(text[..i].ends_with('\\'), "a link:\n{md}");
    }
    for (i, _) in text.match_indices('`') {
        assert!(
            text[..i].ends_with('\\'),
            "a code span from the card:\n{md}"
        );
    }

    let out = isopen_at(&hub, &["audit", local, "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(!uris.is_empty());
    for uri in &uris {
        assert!(
            uri.starts_with("file:///") && uri.contains("/my%20model%20%231%20%C3%A9"),
            "{uri}"
        );
        assert!(
            uri.is_ascii() && !uri.contains(' ') && !uri["file://".len()..].contains(['#', ':']),
            "{uri}"
        );
    }

    let bom = |args: &[&str]| {
        let out = isopen_at(&hub, args);
        let text = stdout(&out);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        (text, v)
    };
    let (text, v) = bom(&["audit", "acme/plain-apache", local, "--format", "cyclonedx"]);
    let serial = v["serialNumber"].as_str().unwrap();
    let uuid = serial.strip_prefix("urn:uuid:").unwrap();
    let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{serial}");
    assert!(
        uuid.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
        "{serial}"
    );
    let stamp = v["metadata"]["timestamp"].as_str().unwrap();
    assert!(
        stamp.len() == 20 && stamp.ends_with('Z') && &stamp[10..11] == "T",
        "{stamp}"
    );
    let hub_model = &v["components"][0];
    assert_eq!(
        hub_model["purl"],
        "pkg:huggingface/acme/plain-apache@1111111111111111111111111111111111111111"
    );
    let folder_model = &v["components"][1];
    assert_eq!(folder_model["name"], "my model #1 é");
    assert!(folder_model["purl"].is_null(), "{folder_model:#}");
    assert!(!text.contains(dir.path().to_str().unwrap()), "{text}");
    // A serial number is never reused.
    let (_, again) = bom(&["audit", "acme/plain-apache", local, "--format", "cyclonedx"]);
    assert_ne!(again["serialNumber"], v["serialNumber"]);
}
