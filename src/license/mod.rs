//! License identification: naming the terms a model carries from every source that can state
//! them — card metadata (ids, names, links), license files, the card's prose and the gate
//! prompt — each candidate with a confidence and evidence. Pure: text in, candidates out.

pub mod clauses;
pub mod identify;
pub mod prose;
pub mod spdx_text;

/// "This exact text is this license": a policy pins a text, by the SHA-256 of its bytes, to a
/// license id, and identification takes it at its word.
#[derive(Debug, Clone, PartialEq)]
pub struct Clarification {
    pub sha256: String,
    pub license: String,
    pub reason: String,
}
