//! Writes GGUF headers for tests: the parser's cases and the `.gguf` fixtures, whose keys follow
//! what llama.cpp's converter writes (`general.*` first, then the architecture's keys, then the
//! tokenizer's), as real loader logs show them.

/// A value to write, with its GGUF type.
#[derive(Debug, Clone)]
pub enum V {
    U8(u8),
    U32(u32),
    I32(i32),
    U64(u64),
    F32(f32),
    Bool(bool),
    Str(String),
    Strs(Vec<String>),
    I32s(Vec<i32>),
    /// Any type id and raw bytes, for malformed headers.
    Raw(u32, Vec<u8>),
}

pub fn s(text: &str) -> V {
    V::Str(text.to_string())
}

pub fn strs(items: &[&str]) -> V {
    V::Strs(items.iter().map(|i| i.to_string()).collect())
}

/// A header in little-endian (or big-endian) byte order.
pub struct Writer {
    big: bool,
    out: Vec<u8>,
}

impl Writer {
    fn u32(&mut self, n: u32) {
        let b = if self.big {
            n.to_be_bytes()
        } else {
            n.to_le_bytes()
        };
        self.out.extend_from_slice(&b);
    }

    fn u64(&mut self, n: u64) {
        let b = if self.big {
            n.to_be_bytes()
        } else {
            n.to_le_bytes()
        };
        self.out.extend_from_slice(&b);
    }

    fn string(&mut self, text: &str) {
        self.u64(text.len() as u64);
        self.out.extend_from_slice(text.as_bytes());
    }

    fn value(&mut self, v: &V) {
        match v {
            V::U8(n) => {
                self.u32(0);
                self.out.push(*n);
            }
            V::U32(n) => {
                self.u32(4);
                self.u32(*n);
            }
            V::I32(n) => {
                self.u32(5);
                self.u32(*n as u32);
            }
            V::U64(n) => {
                self.u32(10);
                self.u64(*n);
            }
            V::F32(x) => {
                self.u32(6);
                self.u32(x.to_bits());
            }
            V::Bool(b) => {
                self.u32(7);
                self.out.push(u8::from(*b));
            }
            V::Str(t) => {
                self.u32(8);
                self.string(t);
            }
            V::Strs(items) => {
                self.u32(9);
                self.u32(8);
                self.u64(items.len() as u64);
                for i in items {
                    self.string(i);
                }
            }
            V::I32s(items) => {
                self.u32(9);
                self.u32(5);
                self.u64(items.len() as u64);
                for i in items {
                    self.u32(*i as u32);
                }
            }
            V::Raw(kind, bytes) => {
                self.u32(*kind);
                self.out.extend_from_slice(bytes);
            }
        }
    }
}

/// A GGUF v3 header with these pairs (little-endian).
pub fn header(tensors: u64, pairs: &[(&str, V)]) -> Vec<u8> {
    write(false, 3, tensors, pairs)
}

/// A header with any version and byte order.
pub fn write(big: bool, version: u32, tensors: u64, pairs: &[(&str, V)]) -> Vec<u8> {
    let mut w = Writer {
        big,
        out: b"GGUF".to_vec(),
    };
    w.u32(version);
    w.u64(tensors);
    w.u64(pairs.len() as u64);
    for (key, value) in pairs {
        w.string(key);
        w.value(value);
    }
    w.out
}

/// The keys llama.cpp writes after `general.*` for a Llama 3.1 8B model, with a short token
/// list standing in for the 128,256 real tokens.
pub fn llama_body() -> Vec<(&'static str, V)> {
    vec![
        ("llama.block_count", V::U32(32)),
        ("llama.context_length", V::U32(131072)),
        ("llama.embedding_length", V::U32(4096)),
        ("llama.feed_forward_length", V::U32(14336)),
        ("llama.attention.head_count", V::U32(32)),
        ("llama.attention.head_count_kv", V::U32(8)),
        ("llama.rope.freq_base", V::F32(500000.0)),
        ("llama.attention.layer_norm_rms_epsilon", V::F32(1e-5)),
        ("general.file_type", V::U32(15)),
        ("llama.vocab_size", V::U32(128256)),
        ("llama.rope.dimension_count", V::U32(128)),
        ("tokenizer.ggml.model", s("gpt2")),
        ("tokenizer.ggml.pre", s("llama-bpe")),
        (
            "tokenizer.ggml.tokens",
            strs(&["!", "\"", "#", "$", "%", "&", "'", "(", ")", "*"]),
        ),
        ("tokenizer.ggml.token_type", V::I32s(vec![1; 10])),
        ("tokenizer.ggml.bos_token_id", V::U32(128000)),
        ("tokenizer.ggml.eos_token_id", V::U32(128009)),
        ("general.quantization_version", V::U32(2)),
    ]
}

/// A community repack of a Llama 3.1 8B fine-tune: the card neither declares the base nor names
/// Llama, the converter's header does (the keys of a real Dolphin 3.0 GGUF's header, renamed).
pub fn chat_8b() -> Vec<(&'static str, V)> {
    let mut pairs = vec![
        ("general.architecture", s("llama")),
        ("general.type", s("model")),
        ("general.name", s("Chat 8B")),
        ("general.basename", s("chat")),
        ("general.size_label", s("8B")),
        ("general.license", s("llama3.1")),
        ("general.base_model.count", V::U32(1)),
        ("general.base_model.0.name", s("Llama 3.1 8B")),
        ("general.base_model.0.organization", s("Meta Llama")),
        (
            "general.base_model.0.repo_url",
            s("https://huggingface.co/meta-llama/Llama-3.1-8B"),
        ),
        ("general.dataset.count", V::U32(2)),
        ("general.dataset.0.name", s("Opc Sft Stage1")),
        ("general.dataset.0.organization", s("OpenCoder LLM")),
        (
            "general.dataset.0.repo_url",
            s("https://huggingface.co/OpenCoder-LLM/opc-sft-stage1"),
        ),
        ("general.dataset.1.name", s("Samantha Data")),
        ("general.tags", strs(&["text-generation"])),
        ("general.languages", strs(&["en"])),
    ];
    pairs.extend(llama_body());
    pairs
}

/// The GGUF fixtures: path under `fixtures/`, and the bytes the test writer makes for it.
pub fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let chat = chat_8b();
    // An on-device model converted from a local checkpoint: the converter knew the base only by
    // name, so the header holds a name and an organisation and no URL.
    let tiny = vec![
        ("general.architecture", s("gemma3")),
        ("general.type", s("model")),
        ("general.name", s("Tiny Assistant")),
        ("general.size_label", s("270M")),
        ("general.license", s("mit")),
        ("general.base_model.count", V::U32(1)),
        ("general.base_model.0.name", s("Gemma 3 270m")),
        ("general.base_model.0.organization", s("Google")),
        ("gemma3.context_length", V::U32(32768)),
        ("gemma3.embedding_length", V::U32(640)),
        ("gemma3.block_count", V::U32(18)),
        ("tokenizer.ggml.model", s("llama")),
        ("tokenizer.ggml.tokens", strs(&["<pad>", "<eos>", "<bos>"])),
        ("general.quantization_version", V::U32(2)),
        ("general.file_type", V::U32(7)),
    ];
    let with = |mut pairs: Vec<(&'static str, V)>, declared: bool| {
        if declared {
            pairs.retain(|(k, _)| !k.starts_with("general.base_model"));
        }
        pairs
    };
    vec![
        (
            "hub/models/realworld/chat-8b-gguf/chat-8b.Q2_K.gguf",
            header(292, &with(chat.clone(), false)),
        ),
        (
            "hub/models/realworld/chat-8b-gguf-declared/chat-8b.Q2_K.gguf",
            header(292, &with(chat.clone(), true)),
        ),
        (
            "hub/models/realworld/chat-8b-gguf-unlicensed/chat-8b.Q2_K.gguf",
            header(292, &with(chat, true)),
        ),
        (
            "local/gguf-folder/tiny-assistant-Q8_0.gguf",
            header(236, &tiny),
        ),
    ]
}
