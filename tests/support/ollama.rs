//! The Ollama fixtures: a store in Ollama's layout (`manifests/registry.ollama.ai/<ns>/<model>/
//! <tag>`, `blobs/sha256-<hex>`) that the fake hub serves as a registry and the offline tests
//! read as a local store. Every blob is named by the SHA-256 of its bytes, as Ollama names them,
//! so the store is written by this code (`ISOPEN_UPDATE_FIXTURES=1 cargo test --test sources
//! ollama_fixtures` rewrites `fixtures/ollama/`). Manifests follow the real shapes in
//! `../shared/research/hubs-next.md` §1.3 and §1.6 (a `llama3.2:3b` with two license layers, a
//! `gemma:2b`, a cloud model); their declared sizes are the real ones, the model blobs are GGUF
//! headers only. The license texts are short stand-ins written for these tests, not the real
//! texts: a sentence each that names the terms as the rules' detectors know them.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::gguf::{V, header, s, strs};

pub const HOST: &str = "registry.ollama.ai";

pub const LLAMA32_LICENSE: &str = "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\n\nA short stand-in written for the isopen test fixtures, not the agreement itself.\nThis model is made available under the Llama 3.2 Community License Agreement published by Meta.\n";
pub const LLAMA32_AUP: &str = "Llama 3.2 Acceptable Use Policy\n\nA short stand-in written for the isopen test fixtures, not the policy itself.\nIf you access or use Llama 3.2, you agree to this Acceptable Use Policy.\n";
pub const GEMMA_TERMS: &str = "Gemma Terms of Use\n\nA short stand-in written for the isopen test fixtures, not the terms themselves.\nThis model is provided under and subject to the Gemma Terms of Use published by Google.\n";
pub const APACHE_NOTICE: &str = "This model is licensed under the Apache License, Version 2.0.\n";

/// The SHA-256 of bytes, as an Ollama digest.
pub fn digest(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// A store being written: blobs by digest, manifests by name.
#[derive(Default)]
pub struct Store {
    pub files: Vec<(String, Vec<u8>)>,
}

/// A layer: its media type, its bytes, and the size the manifest declares (the real one for
/// model layers, whose blob here is only a header).
pub struct L {
    pub media: &'static str,
    pub bytes: Vec<u8>,
    pub declared: Option<u64>,
}

pub fn layer(media: &'static str, bytes: impl Into<Vec<u8>>) -> L {
    L {
        media,
        bytes: bytes.into(),
        declared: None,
    }
}

pub fn model(bytes: Vec<u8>, declared: u64) -> L {
    L {
        media: MODEL,
        bytes,
        declared: Some(declared),
    }
}

impl Store {
    pub fn blob(&mut self, bytes: &[u8]) -> String {
        let d = digest(bytes);
        let path = format!("blobs/{}", d.replace(':', "-"));
        if !self.files.iter().any(|(p, _)| *p == path) {
            self.files.push((path, bytes.to_vec()));
        }
        d
    }

    /// Writes the blobs and the manifest of `ns/model:tag`; returns the manifest.
    pub fn model(
        &mut self,
        ns: &str,
        name: &str,
        tag: &str,
        config: Value,
        layers: Vec<L>,
    ) -> Value {
        let config_bytes = serde_json::to_vec(&config).unwrap();
        let config_digest = self.blob(&config_bytes);
        let layers: Vec<Value> = layers
            .into_iter()
            .map(|l| {
                let d = self.blob(&l.bytes);
                json!({
                    "mediaType": l.media,
                    "digest": d,
                    "size": l.declared.unwrap_or(l.bytes.len() as u64),
                })
            })
            .collect();
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "digest": config_digest,
                "size": config_bytes.len(),
            },
            "layers": layers,
        });
        self.manifest(ns, name, tag, &manifest);
        manifest
    }

    pub fn manifest(&mut self, ns: &str, name: &str, tag: &str, manifest: &Value) {
        self.files.push((
            format!("manifests/{HOST}/{ns}/{name}/{tag}"),
            serde_json::to_vec(manifest).unwrap(),
        ));
    }

    /// The digest of the first layer of `ns/name:tag` whose media type is `media`.
    pub fn layer_digest(&self, ns: &str, name: &str, tag: &str, media: &str) -> String {
        let path = format!("manifests/{HOST}/{ns}/{name}/{tag}");
        let (_, bytes) = self.files.iter().find(|(p, _)| *p == path).unwrap();
        let m: Value = serde_json::from_slice(bytes).unwrap();
        m["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["mediaType"] == media)
            .unwrap()["digest"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The store in a new temporary folder.
    pub fn temp(&self) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        self.write(tmp.path());
        tmp
    }

    /// Writes the store under `root`.
    pub fn write(&self, root: &std::path::Path) {
        for (path, bytes) in &self.files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
}

pub fn config(family: &str, size: &str, quant: &str) -> Value {
    json!({
        "model_format": "gguf",
        "model_family": family,
        "model_families": [family],
        "model_type": size,
        "file_type": quant,
        "architecture": "amd64",
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": []},
    })
}

/// A GGUF header with these `general.*` keys, then a tokenizer's.
pub fn gguf(general: &[(&str, V)]) -> Vec<u8> {
    let mut pairs: Vec<(&str, V)> = general.to_vec();
    pairs.extend([
        ("tokenizer.ggml.model", s("gpt2")),
        ("tokenizer.ggml.tokens", strs(&["!", "\"", "#"])),
        ("general.quantization_version", V::U32(2)),
    ]);
    header(255, &pairs)
}

pub const MODEL: &str = "application/vnd.ollama.image.model";
pub const TEMPLATE: &str = "application/vnd.ollama.image.template";
pub const PARAMS: &str = "application/vnd.ollama.image.params";
pub const LICENSE: &str = "application/vnd.ollama.image.license";
pub const SYSTEM: &str = "application/vnd.ollama.image.system";

/// `acme/<name>`: a model whose chat template is so long that `general.license`, written after
/// it, is past the bytes read (270 KiB: built in a temporary store, not committed), with these
/// license layers.
pub fn longhead(st: &mut Store, name: &str, licenses: &[&str]) {
    let mut layers = vec![model(
        gguf(&[
            ("general.architecture", s("llama")),
            ("general.name", s("Long Head")),
            (
                "tokenizer.chat_template",
                V::Str("{# padding #}".repeat(21_000)),
            ),
            ("general.license", s("mit")),
        ]),
        1_300_000_000,
    )];
    layers.extend(licenses.iter().map(|l| layer(LICENSE, *l)));
    st.model(
        "acme",
        name,
        "latest",
        config("llama", "1B", "Q8_0"),
        layers,
    );
}

/// The fixture store.
pub fn store() -> Store {
    let mut st = Store::default();
    let template = "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}";
    // llama3.2:3b: a model layer of 2,019,377,376 bytes, a template, two license layers (the
    // license and its use policy) and params, as in the real manifest.
    st.model(
        "library",
        "llama3.2",
        "3b",
        config("llama", "3.2B", "Q4_K_M"),
        vec![
            model(
                gguf(&[
                    ("general.architecture", s("llama")),
                    ("general.type", s("model")),
                    ("general.name", s("Llama 3.2 3B Instruct")),
                    ("general.finetune", s("Instruct")),
                    ("general.basename", s("Llama-3.2")),
                    ("general.size_label", s("3B")),
                    ("general.license", s("llama3.2")),
                    ("general.tags", strs(&["facebook", "meta", "llama"])),
                ]),
                2_019_377_376,
            ),
            layer(TEMPLATE, template),
            layer(LICENSE, LLAMA32_LICENSE),
            layer(LICENSE, LLAMA32_AUP),
            layer(
                PARAMS,
                r#"{"stop":["<|start_header_id|>","<|end_header_id|>","<|eot_id|>"]}"#,
            ),
        ],
    );
    // gemma:2b, as the manifest in hubs-next.md §1.3 lists it.
    st.model(
        "library",
        "gemma",
        "2b",
        config("gemma", "3B", "Q4_0"),
        vec![
            model(
                gguf(&[
                    ("general.architecture", s("gemma")),
                    ("general.name", s("gemma-2b-it")),
                    ("general.license", s("gemma")),
                ]),
                1_678_447_520,
            ),
            layer(LICENSE, GEMMA_TERMS),
            layer(TEMPLATE, "<start_of_turn>user\n{{ .Prompt }}<end_of_turn>\n"),
            layer(PARAMS, r#"{"penalize_newline":false,"repeat_penalty":1,"stop":["<start_of_turn>","<end_of_turn>"]}"#),
        ],
    );
    // A repack whose license layer is Llama 3.2's while its GGUF header says apache-2.0.
    st.model(
        "acme",
        "relabeled",
        "latest",
        config("llama", "3.2B", "Q4_K_M"),
        vec![
            model(
                gguf(&[
                    ("general.architecture", s("llama")),
                    ("general.name", s("Relabeled Chat")),
                    ("general.license", s("apache-2.0")),
                ]),
                2_019_377_376,
            ),
            layer(LICENSE, LLAMA32_LICENSE),
            layer(SYSTEM, "You are a helpful assistant."),
        ],
    );
    // A hosted cloud model: no model layer, a config naming the remote host.
    let mut cloud = config("gptoss", "116.8B", "MXFP4");
    cloud["remote_host"] = json!("https://ollama.com:443");
    cloud["remote_model"] = json!("gpt-oss:120b");
    st.model(
        "library",
        "gpt-oss",
        "120b-cloud",
        cloud,
        vec![layer(LICENSE, APACHE_NOTICE)],
    );
    // No license layer: the GGUF header is the only source of terms.
    st.model(
        "acme",
        "tiny",
        "latest",
        config("llama", "135M", "Q8_0"),
        vec![model(
            gguf(&[
                ("general.architecture", s("llama")),
                ("general.name", s("Tiny Chat")),
                ("general.size_label", s("135M")),
                ("general.license", s("mit")),
            ]),
            145_000_000,
        )],
    );
    st
}
