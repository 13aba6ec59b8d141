//! The GGUF header: magic, version, tensor and key counts, then typed key-value pairs (the
//! llama.cpp file format). This module reads the key-value part of a prefix of the file — the
//! shell hands it the first bytes of a local file or of an HTTP range request, never the
//! tensors — under limits on counts, lengths and nesting, so a hostile file costs bounded
//! memory and never a panic. A prefix that ends inside the pairs is not an error: the pairs read
//! so far are returned with `complete: false`, because the keys that matter (`general.*`) are
//! written first by the converters. Pure: bytes in, header out.

use std::fmt;

/// The most key-value pairs read from one header (real files hold a few dozen).
const MAX_PAIRS: u64 = 4096;
/// The longest key accepted (the format's own limit).
const MAX_KEY_BYTES: u64 = 65_535;
/// Strings longer than this are kept clipped (a chat template can be tens of KiB).
const MAX_KEPT_STRING: usize = 4096;
/// Elements kept from an array of strings (`general.tags`); the rest are skipped.
const MAX_KEPT_ITEMS: usize = 64;
/// Arrays inside arrays, at most this deep.
const MAX_DEPTH: u32 = 3;

/// A value as the header stores it, reduced to what an audit reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Uint(u64),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Lossily decoded, clipped at 4 KiB (`clipped` says so).
    String {
        text: String,
        clipped: bool,
    },
    /// The element type, the declared length, and the first string elements (numbers are
    /// skipped: token scores and tensor shapes are of no use to an audit).
    Array {
        item_type: u32,
        len: u64,
        strings: Vec<String>,
    },
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Uint(n) => Some(*n),
            Value::Int(n) => u64::try_from(*n).ok(),
            _ => None,
        }
    }
}

/// One key-value pair and where its key starts in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub key: String,
    pub value: Value,
    pub offset: u64,
}

/// What the prefix held.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub version: u32,
    pub big_endian: bool,
    pub tensor_count: u64,
    /// The number of pairs the header declares.
    pub pair_count: u64,
    /// The pairs read, in file order.
    pub pairs: Vec<Pair>,
    /// Every declared pair was read (the prefix did not end first).
    pub complete: bool,
}

/// A base model or dataset the header names (`general.base_model.{i}.*`,
/// `general.dataset.{i}.*`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    pub index: u64,
    pub name: Option<String>,
    pub organization: Option<String>,
    pub repo_url: Option<String>,
    pub version: Option<String>,
}

impl Header {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.pairs.iter().find(|p| p.key == key).map(|p| &p.value)
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// `general.base_model.{i}.*` for each `i` below `general.base_model.count`.
    pub fn base_models(&self) -> Vec<Source> {
        self.sources("general.base_model")
    }

    /// `general.dataset.{i}.*` for each `i` below `general.dataset.count`.
    pub fn datasets(&self) -> Vec<Source> {
        self.sources("general.dataset")
    }

    fn sources(&self, prefix: &str) -> Vec<Source> {
        let count = self
            .get(&format!("{prefix}.count"))
            .and_then(Value::as_u64)
            .unwrap_or(0)
            .min(64);
        (0..count)
            .map(|i| {
                let field = |f: &str| self.str(&format!("{prefix}.{i}.{f}")).map(str::to_string);
                Source {
                    index: i,
                    name: field("name"),
                    organization: field("organization"),
                    repo_url: field("repo_url"),
                    version: field("version"),
                }
            })
            .filter(|s| s.name.is_some() || s.repo_url.is_some())
            .collect()
    }
}

/// Why bytes are not a GGUF header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GgufError {
    #[error("not a GGUF file (the first bytes are not \"GGUF\")")]
    NotGguf,
    #[error("GGUF version {0} is not supported (versions 2 and 3 are)")]
    Version(u32),
    #[error("the GGUF header is malformed at byte {offset}: {what}")]
    Malformed { offset: u64, what: String },
    #[error("the file ends before the GGUF header's counts")]
    TooShort,
}

/// Reads the header from a prefix of a GGUF file.
pub fn read_header(bytes: &[u8]) -> Result<Header, GgufError> {
    if bytes.len() < 4 {
        return Err(GgufError::TooShort);
    }
    if &bytes[..4] != b"GGUF" {
        return Err(GgufError::NotGguf);
    }
    let mut r = Reader {
        bytes,
        pos: 4,
        big: false,
    };
    let raw = r.u32().ok_or(GgufError::TooShort)?;
    // A big-endian file reads as a version whose low half is zero in little-endian.
    let version = if raw & 0xFFFF == 0 && raw != 0 {
        r.big = true;
        raw.swap_bytes()
    } else {
        raw
    };
    if !(2..=3).contains(&version) {
        return Err(GgufError::Version(version));
    }
    let tensor_count = r.u64().ok_or(GgufError::TooShort)?;
    let pair_count = r.u64().ok_or(GgufError::TooShort)?;
    let mut header = Header {
        version,
        big_endian: r.big,
        tensor_count,
        pair_count,
        pairs: Vec::new(),
        complete: false,
    };
    if pair_count > MAX_PAIRS {
        return Err(r.malformed(format!(
            "{pair_count} key-value pairs declared; at most {MAX_PAIRS} are read"
        )));
    }
    for _ in 0..pair_count {
        let offset = r.pos as u64;
        match r.pair() {
            Step::Done(key, value) => header.pairs.push(Pair { key, value, offset }),
            Step::Short => return Ok(header),
            Step::Bad(e) => return Err(e),
        }
    }
    header.complete = true;
    Ok(header)
}

/// The outcome of reading one item: done, the prefix ended first, or the bytes are wrong.
enum Step<T> {
    Done(T, Value),
    Short,
    Bad(GgufError),
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    big: bool,
}

impl Reader<'_> {
    fn take(&mut self, n: u64) -> Option<&[u8]> {
        let n = usize::try_from(n).ok()?;
        let end = self.pos.checked_add(n)?;
        let s = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let mut a: [u8; N] = self.take(N as u64)?.try_into().ok()?;
        if self.big {
            a.reverse();
        }
        Some(a)
    }

    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    fn malformed(&self, what: String) -> GgufError {
        GgufError::Malformed {
            offset: self.pos as u64,
            what,
        }
    }

    fn pair(&mut self) -> Step<String> {
        let Some(len) = self.u64() else {
            return Step::Short;
        };
        if len == 0 || len > MAX_KEY_BYTES {
            return Step::Bad(self.malformed(format!("a key of {len} bytes")));
        }
        let Some(key) = self.take(len) else {
            return Step::Short;
        };
        let key = String::from_utf8_lossy(key).into_owned();
        let Some(kind) = self.u32() else {
            return Step::Short;
        };
        match self.value(kind, 0) {
            Step::Done((), v) => Step::Done(key, v),
            Step::Short => Step::Short,
            Step::Bad(e) => Step::Bad(e),
        }
    }

    fn value(&mut self, kind: u32, depth: u32) -> Step<()> {
        let scalar = |v: Option<Value>| v.map_or(Step::Short, |v| Step::Done((), v));
        match kind {
            0 => scalar(self.array::<1>().map(|b| Value::Uint(b[0].into()))),
            1 => scalar(self.array::<1>().map(|b| Value::Int((b[0] as i8).into()))),
            2 => scalar(
                self.array()
                    .map(|b| Value::Uint(u16::from_le_bytes(b).into())),
            ),
            3 => scalar(
                self.array()
                    .map(|b| Value::Int(i16::from_le_bytes(b).into())),
            ),
            4 => scalar(self.u32().map(|n| Value::Uint(n.into()))),
            5 => scalar(
                self.array()
                    .map(|b| Value::Int(i32::from_le_bytes(b).into())),
            ),
            6 => scalar(
                self.array()
                    .map(|b| Value::Float(f32::from_le_bytes(b).into())),
            ),
            7 => match self.array::<1>() {
                Some([b @ (0 | 1)]) => Step::Done((), Value::Bool(b == 1)),
                Some([b]) => Step::Bad(self.malformed(format!("a boolean of value {b}"))),
                None => Step::Short,
            },
            8 => {
                let Some(len) = self.u64() else {
                    return Step::Short;
                };
                let Some(s) = self.take(len) else {
                    return Step::Short;
                };
                let clipped = s.len() > MAX_KEPT_STRING;
                let s = &s[..s.len().min(MAX_KEPT_STRING)];
                let text = String::from_utf8_lossy(s).into_owned();
                Step::Done((), Value::String { text, clipped })
            }
            9 => self.array_value(depth),
            10 => scalar(self.u64().map(Value::Uint)),
            11 => scalar(self.array().map(|b| Value::Int(i64::from_le_bytes(b)))),
            12 => scalar(self.array().map(|b| Value::Float(f64::from_le_bytes(b)))),
            other => Step::Bad(self.malformed(format!("an unknown value type {other}"))),
        }
    }

    fn array_value(&mut self, depth: u32) -> Step<()> {
        if depth >= MAX_DEPTH {
            return Step::Bad(self.malformed(format!("arrays nested deeper than {MAX_DEPTH}")));
        }
        let (Some(item_type), Some(len)) = (self.u32(), self.u64()) else {
            return Step::Short;
        };
        let width = match item_type {
            0 | 1 | 7 => Some(1u64),
            2 | 3 => Some(2),
            4..=6 => Some(4),
            10..=12 => Some(8),
            8 | 9 => None,
            other => {
                return Step::Bad(self.malformed(format!("an array of unknown type {other}")));
            }
        };
        let mut strings = Vec::new();
        if let Some(w) = width {
            // Fixed-width elements are skipped in one step.
            let Some(total) = len.checked_mul(w) else {
                return Step::Bad(self.malformed(format!("an array of {len} elements")));
            };
            if self.take(total).is_none() {
                return Step::Short;
            }
        } else {
            for _ in 0..len {
                match self.value(item_type, depth + 1) {
                    Step::Done((), Value::String { text, .. })
                        if strings.len() < MAX_KEPT_ITEMS =>
                    {
                        strings.push(text)
                    }
                    Step::Done(..) => {}
                    Step::Short => return Step::Short,
                    Step::Bad(e) => return Step::Bad(e),
                }
            }
        }
        Step::Done(
            (),
            Value::Array {
                item_type,
                len,
                strings,
            },
        )
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Uint(n) => write!(f, "{n}"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::String { text, .. } => f.write_str(text),
            Value::Array { len, strings, .. } => {
                write!(f, "[{}", strings.join(", "))?;
                if (strings.len() as u64) < *len {
                    write!(f, ", … ({len} items)")?;
                }
                f.write_str("]")
            }
        }
    }
}
