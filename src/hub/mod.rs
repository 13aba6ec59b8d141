//! The imperative shell's I/O: the only network code (client, fetch, and the other sources:
//! Ollama registries and store, ModelScope and its cache) and the local-folder and `.gguf`
//! readers, and the look-ups behind a card (code hosts, arXiv, the openness indexes). Everything here produces a `Snapshot` or a typed `SourceError`.

pub mod cache;
pub mod client;
pub mod error;
pub mod fetch;
pub mod github;
pub mod indexes;
pub mod limiter;
pub mod local;
pub mod modelscope;
pub mod ollama;
pub mod papers;
pub mod token;

pub use client::{ClientConfig, HubClient};
pub use error::SourceError;
