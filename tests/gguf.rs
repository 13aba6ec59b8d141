//! The GGUF header reader on headers shaped like the converter's (keys and values from real
//! loader logs), on every prefix of them, and on hostile headers.

mod support;

use isopen::gguf::{GgufError, Value, read_header};
use support::gguf::{V, chat_8b, header, s, write};

/// The `general.*` keys of a Llama 3.1 8B fine-tune as `llama_model_loader` lists them, then the
/// architecture's and the tokenizer's keys.
fn dolphin() -> Vec<u8> {
    header(292, &chat_8b())
}

#[test]
fn reads_the_general_keys_of_a_converted_model() {
    let h = read_header(&dolphin()).expect("a valid header");
    assert!(h.complete);
    assert_eq!((h.version, h.tensor_count), (3, 292));
    assert_eq!(h.pairs.len() as u64, h.pair_count);
    assert_eq!(h.str("general.license"), Some("llama3.1"));
    assert_eq!(h.get("llama.context_length"), Some(&Value::Uint(131072)));
    let bases = h.base_models();
    assert_eq!(bases.len(), 1);
    assert_eq!(
        bases[0].repo_url.as_deref(),
        Some("https://huggingface.co/meta-llama/Llama-3.1-8B")
    );
    assert_eq!(bases[0].organization.as_deref(), Some("Meta Llama"));
    let data = h.datasets();
    assert_eq!(data.len(), 2);
    assert_eq!(data[1].name.as_deref(), Some("Samantha Data"));
    assert_eq!(data[1].repo_url, None);
    match h.get("tokenizer.ggml.tokens") {
        Some(Value::Array { len, strings, .. }) => {
            assert_eq!(*len, 10);
            assert_eq!(strings[0], "!");
        }
        other => panic!("tokens: {other:?}"),
    }
}

/// Every prefix of a header is read without an error past the counts: the pairs read so far,
/// `complete` only for the whole header. A range request cuts the file anywhere.
#[test]
fn every_prefix_is_read_in_part() {
    let bytes = dolphin();
    let whole = read_header(&bytes).unwrap();
    let mut last = 0;
    for cut in 0..bytes.len() {
        match read_header(&bytes[..cut]) {
            Err(GgufError::TooShort) => assert!(cut < 24, "cut at {cut}"),
            Err(e) => panic!("cut at {cut}: {e}"),
            Ok(h) => {
                assert!(!h.complete, "cut at {cut}");
                assert!(h.pairs.len() >= last, "cut at {cut}");
                assert_eq!(h.pairs[..], whole.pairs[..h.pairs.len()]);
                last = h.pairs.len();
            }
        }
    }
    assert_eq!(last + 1, whole.pairs.len());
}

#[test]
fn reads_big_endian_and_version_2_files() {
    let pairs = [
        ("general.architecture", s("llama")),
        ("general.base_model.count", V::U64(1)),
        ("general.base_model.0.name", s("Gemma 3 270m")),
        ("general.alignment", V::U32(32)),
        ("general.flag", V::Bool(true)),
    ];
    for version in [2, 3] {
        let h = read_header(&write(true, version, 0, &pairs)).expect("big-endian");
        assert!(h.big_endian && h.complete);
        assert_eq!(h.version, version);
        assert_eq!(h.get("general.alignment"), Some(&Value::Uint(32)));
        assert_eq!(h.get("general.flag"), Some(&Value::Bool(true)));
        assert_eq!(
            h.base_models()[0].name.as_deref(),
            Some("Gemma 3 270m"),
            "a count written as u64 is read too"
        );
    }
}

#[test]
fn refuses_what_is_not_a_readable_header() {
    assert_eq!(read_header(b"PK\x03\x04rest"), Err(GgufError::NotGguf));
    assert_eq!(read_header(b"GG"), Err(GgufError::TooShort));
    assert_eq!(
        read_header(&write(false, 1, 0, &[])),
        Err(GgufError::Version(1))
    );
    assert_eq!(
        read_header(&write(false, 4, 0, &[])),
        Err(GgufError::Version(4))
    );
}

#[test]
fn hostile_headers_fail_cleanly_within_bounds() {
    let malformed = |bytes: Vec<u8>| match read_header(&bytes) {
        Err(GgufError::Malformed { .. }) => {}
        other => panic!("expected a malformed header, got {other:?}"),
    };
    // A pair count no real file has.
    let mut many = header(0, &[]);
    many[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
    malformed(many);
    // An unknown value type, an unknown array type, a boolean that is not 0 or 1.
    malformed(header(0, &[("general.x", V::Raw(13, vec![0; 8]))]));
    malformed(header(
        0,
        &[(
            "general.x",
            V::Raw(
                9,
                [77u32.to_le_bytes().to_vec(), 1u64.to_le_bytes().to_vec()].concat(),
            ),
        )],
    ));
    malformed(header(0, &[("general.x", V::Raw(7, vec![2]))]));
    // An array of 2^62 eight-byte elements overflows, it is not allocated.
    malformed(header(
        0,
        &[(
            "general.x",
            V::Raw(
                9,
                [
                    10u32.to_le_bytes().to_vec(),
                    (1u64 << 62).to_le_bytes().to_vec(),
                ]
                .concat(),
            ),
        )],
    ));
    // Arrays nested four deep.
    let mut nested = Vec::new();
    for _ in 0..4 {
        nested.extend_from_slice(&9u32.to_le_bytes());
        nested.extend_from_slice(&1u64.to_le_bytes());
    }
    nested.extend_from_slice(&4u32.to_le_bytes());
    nested.extend_from_slice(&0u64.to_le_bytes());
    malformed(header(0, &[("general.x", V::Raw(9, nested))]));
    // An empty key.
    malformed(header(0, &[("", V::U32(1))]));
    // A string that claims to be longer than the file: the prefix ended, nothing is invented.
    let h = read_header(&header(
        0,
        &[
            ("general.name", s("ok")),
            (
                "general.license",
                V::Raw(8, u64::MAX.to_le_bytes().to_vec()),
            ),
        ],
    ))
    .unwrap();
    assert!(!h.complete);
    assert_eq!(h.pairs.len(), 1);
}

#[test]
fn long_values_are_clipped_and_long_arrays_sampled() {
    let template = "x".repeat(10_000);
    let tokens: Vec<String> = (0..1000).map(|i| format!("t{i}")).collect();
    let h = read_header(&header(
        0,
        &[
            ("tokenizer.chat_template", V::Str(template)),
            ("tokenizer.ggml.tokens", V::Strs(tokens)),
            ("general.name", s("after")),
        ],
    ))
    .unwrap();
    match h.get("tokenizer.chat_template") {
        Some(Value::String { text, clipped }) => assert!(*clipped && text.len() == 4096),
        other => panic!("{other:?}"),
    }
    match h.get("tokenizer.ggml.tokens") {
        Some(Value::Array { len, strings, .. }) => assert_eq!((*len, strings.len()), (1000, 64)),
        other => panic!("{other:?}"),
    }
    assert_eq!(h.str("general.name"), Some("after"));
}
