//! License identification: naming the terms a model carries from every source that can state
//! them — card metadata (ids, names, links), license files, the card's prose and the gate
//! prompt — each candidate with a confidence and evidence. Pure: text in, candidates out.

pub mod clauses;
pub mod identify;
pub mod normalize;
pub mod prose;
pub mod spdx_text;
