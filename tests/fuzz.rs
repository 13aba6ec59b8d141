//! Fuzzing on the stable toolchain (cargo-fuzz needs nightly): property tests that feed the
//! readers of untrusted input — the card parser, the YAML, JSON and GGUF readers, the Ollama
//! manifest and ModelScope readers, the license matcher and the whole assessment — with arbitrary bytes and with mutations of the real
//! shapes in `fixtures/`. Each property says what must hold for every input: no panic, and
//! never `allowed` for a text that says commercial use is forbidden.
//!
//! `cargo test` runs a few cases of each (`PROPTEST_CASES`, 48 by default);
//! `scripts/fuzz.sh SECONDS` runs them for as long as it is given. A failing input is shrunk
//! and saved in `tests/fuzz.proptest-regressions` (commit it: it is replayed first on every
//! run).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use isopen::assess::{self, Context};
use isopen::card::{self, CardMeta};
use isopen::gguf;
use isopen::license::identify::{self, SourceKind};
use isopen::rules::{RuleSet, Verdict};
use isopen::snapshot::{FetchedFile, FileOutcome, ModelInfo, Snapshot, Source};
use proptest::prelude::*;

mod support;

fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| RuleSet::builtin().expect("the built-in rules load"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every file under `fixtures/` whose name ends with one of `suffixes`: the seeds.
fn seeds(suffixes: &[&str]) -> Vec<Vec<u8>> {
    fn walk(dir: &Path, suffixes: &[&str], out: &mut Vec<Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(&p, suffixes, out);
            } else if suffixes.iter().any(|s| p.to_string_lossy().ends_with(s))
                && let Ok(bytes) = std::fs::read(&p)
            {
                out.push(bytes);
            }
        }
    }
    let mut out = Vec::new();
    walk(&fixtures(), suffixes, &mut out);
    assert!(!out.is_empty(), "no seeds for {suffixes:?}");
    out
}

/// Seed sets by name, loaded once and kept for the process.
type SeedSets = std::sync::Mutex<Vec<(&'static str, &'static [Vec<u8>])>>;

fn seed_set(key: &'static str, suffixes: &'static [&'static str]) -> &'static [Vec<u8>] {
    static SETS: OnceLock<SeedSets> = OnceLock::new();
    let sets = SETS.get_or_init(Default::default);
    let mut sets = sets.lock().unwrap();
    if let Some((_, s)) = sets.iter().find(|(k, _)| *k == key) {
        return s;
    }
    let s: &'static [Vec<u8>] = Box::leak(seeds(suffixes).into_boxed_slice());
    sets.push((key, s));
    s
}

/// Pieces that break parsers: fences, YAML syntax, control and bidi characters, huge counts.
const TOKENS: &[&[u8]] = &[
    b"---\n",
    b"\n",
    b"\r\n",
    b"\t",
    b"[",
    b"{",
    b"&a ",
    b"*a",
    b": ",
    b"- ",
    b"\"",
    b"'",
    b"\xef\xbb\xbf",
    b"\xe2\x80\xae",
    b"\x1b[2J",
    b"\0",
    b"\xff\xfe",
    b"license: ",
    b"base_model: ",
    b"non-commercial",
    b"## License\n",
    b"```\n",
    b"GGUF",
    b"\xff\xff\xff\xff\xff\xff\xff\x7f",
    b"\x08\x00\x00\x00",
    b"\x09\x00\x00\x00",
];

/// One edit of a seed.
#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Insert(usize, usize),
    Delete(usize, usize),
    Truncate(usize),
    Repeat(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Edit::Flip(p, b)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(p, t)| Edit::Insert(p, t)),
        (any::<usize>(), 0usize..64).prop_map(|(p, n)| Edit::Delete(p, n)),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), 1usize..64).prop_map(|(p, n)| Edit::Repeat(p, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len();
        let at = |p: usize| if len == 0 { 0 } else { p % (len + 1) };
        match *e {
            Edit::Flip(p, b) if len > 0 => bytes[p % len] ^= b,
            Edit::Flip(..) => {}
            Edit::Insert(p, t) => {
                let p = at(p);
                bytes.splice(p..p, TOKENS[t].iter().copied());
            }
            Edit::Delete(p, n) => {
                let p = at(p);
                let end = (p + n).min(len);
                bytes.drain(p..end);
            }
            Edit::Truncate(p) => bytes.truncate(at(p)),
            Edit::Repeat(p, n) => {
                let p = at(p);
                let end = (p + n).min(len);
                let piece = bytes[p..end].to_vec();
                for _ in 0..8 {
                    bytes.splice(p..p, piece.iter().copied());
                }
            }
        }
    }
    bytes
}

/// A seed with a few edits, or arbitrary bytes.
fn mutated(set: &'static [Vec<u8>]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (0..set.len(), prop::collection::vec(edit(), 0..8))
            .prop_map(move |(i, edits)| apply(set[i].clone(), &edits)),
        1 => prop::collection::vec(any::<u8>(), 0..2048),
    ]
}

fn cards() -> impl Strategy<Value = String> {
    mutated(seed_set("cards", &["README.md"]))
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn license_texts() -> impl Strategy<Value = String> {
    mutated(seed_set(
        "licenses",
        &[
            "LICENSE",
            "LICENSE.txt",
            "LICENSE.md",
            "USE_POLICY.md",
            "NOTICE",
        ],
    ))
    .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Sentences that forbid commercial use, as real licenses and cards put it.
const PROHIBITIONS: &[&str] = &[
    "The Model may not be used for any commercial purpose.",
    "For non-commercial use only.",
    "Commercial use is prohibited.",
    "You may use the weights for non-commercial research purposes only.",
];

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    }
}

fn snapshot(readme: &str, license: Option<&str>) -> Snapshot {
    let mut files = vec![FetchedFile {
        path: "README.md".into(),
        outcome: FileOutcome::Text {
            text: readme.to_string(),
            truncated: false,
        },
    }];
    if let Some(text) = license {
        files.push(FetchedFile {
            path: "LICENSE".into(),
            outcome: FileOutcome::Text {
                text: text.to_string(),
                truncated: false,
            },
        });
    }
    Snapshot {
        model: "fuzz/model".into(),
        source: Source::Local,
        revision: None,
        info: ModelInfo {
            id: "fuzz/model".into(),
            ..ModelInfo::default()
        },
        files,
        notes: Vec::new(),
    }
}

proptest! {
    #![proptest_config(config())]

    /// The card parser and the key reader take any README.
    #[test]
    fn card_parser(readme in cards()) {
        let card = card::parse(&readme);
        if let Some(meta) = &card.metadata {
            let _ = CardMeta::from_value(meta);
        }
        prop_assert!(card.body_line >= 1);
    }

    /// The budgeted YAML reader, the policy and shortlist parsers take any text.
    #[test]
    fn yaml_policy_and_shortlist_readers(
        text in mutated(seed_set("yaml", &[".yaml", ".txt", ".csv"]))
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
    ) {
        let _ = card::parse_yaml(&text);
        let _ = isopen::policy::Policy::parse("fuzz.yaml", &text, rules());
        for name in ["fuzz.yaml", "fuzz.csv", "fuzz.txt"] {
            let _ = isopen::shortlist::parse(name, &text);
        }
    }

    /// The Hub's JSON answers, read as the client reads them.
    #[test]
    fn hub_json_reader(body in mutated(seed_set("json", &[".json"]))) {
        if let Ok(info) = serde_json::from_slice::<ModelInfo>(&body)
            && let Some(card) = &info.card_data
        {
            let _ = CardMeta::from_value(card);
        }
    }

    /// The other sources' answers: an Ollama manifest and ModelScope's info and file list, read
    /// as isopen reads them; a digest is usable only when it can never climb out of a folder
    /// or a URL path.
    #[test]
    fn other_sources_readers(
        manifest in mutated(seed_set("manifest", &["/latest", "/3b", "/2b", "-cloud"])),
        body in mutated(seed_set("json", &[".json"])),
    ) {
        if let Ok(m) = isopen::hub::ollama::parse_manifest(&manifest) {
            for layer in m.layers.iter().chain(m.config.iter()) {
                let _ = layer.kind();
                if let Some(hex) = layer.hex() {
                    prop_assert!(hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
                }
            }
        }
        for bytes in [&manifest, &body] {
            let _ = isopen::hub::modelscope::parse_info(bytes);
            if let Ok(l) = isopen::hub::modelscope::parse_files(bytes) {
                for f in &l.files {
                    prop_assert!(f.rfilename.split('/').all(|s| !s.is_empty() && s != ".."));
                }
            }
        }
    }

    /// The GGUF header reader takes any bytes, and what it reads is consistent.
    #[test]
    fn gguf_reader(bytes in mutated(seed_set("gguf", &[".gguf"]))) {
        if let Ok(h) = gguf::read_header(&bytes) {
            prop_assert!(h.pairs.len() as u64 <= h.pair_count);
            prop_assert!(!h.complete || h.pairs.len() as u64 == h.pair_count);
            let _ = (h.base_models(), h.datasets());
        }
    }

    /// The license matcher takes any text; a text that forbids commercial use, wherever the
    /// sentence sits, is never read as allowing it.
    #[test]
    fn license_matcher(text in license_texts(), which in 0..PROHIBITIONS.len(), front in any::<bool>()) {
        let _ = identify::from_text(SourceKind::LicenseFile, "LICENSE", &text, rules());
        let sentence = PROHIBITIONS[which];
        let restricted = if front {
            format!("{sentence}\n\n{text}")
        } else {
            format!("{text}\n\n{sentence}\n")
        };
        let reading = identify::from_text(SourceKind::LicenseFile, "LICENSE", &restricted, rules());
        for c in &reading.candidates {
            prop_assert_ne!(c.verdict(), Some(Verdict::Allowed), "{} allowed", c.id());
        }
    }

    /// The whole assessment takes any card and license text; with a prohibition appended to
    /// the license file its verdict is never `allowed`.
    #[test]
    fn assessment(readme in cards(), license in license_texts(), which in 0..PROHIBITIONS.len()) {
        let ctx = Context::default();
        let _ = assess::assess(&snapshot(&readme, Some(&license)), rules(), &ctx);
        let restricted = format!("{license}\n\n{}\n", PROHIBITIONS[which]);
        let report = assess::assess(&snapshot(&readme, Some(&restricted)), rules(), &ctx);
        let verdict = report.commercial_use.map(|c| c.verdict);
        prop_assert_ne!(verdict, Some(Verdict::Allowed));
    }
}
