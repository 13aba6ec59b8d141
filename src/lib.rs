//! isopen audits an AI model's license, commercial terms, weights and openness.
//!
//! The functional core (`card`, `gguf`, `rules`, `license`, `assess`, `report`, `snapshot`)
//! is pure and synchronous; the imperative shell (`hub`, `cli`) fetches and prints.

pub mod assess;
pub mod audit;
pub mod audit_links;
pub mod batch;
pub mod card;
pub mod catalog;
pub mod census;
pub mod codebase;
pub mod diagnostic;
pub mod gguf;
pub mod hub;
pub mod license;
pub mod linked;
pub mod model_ref;
pub mod normalize;
pub mod policy;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scan;
pub mod shortlist;
pub mod snapshot;
pub mod vocab;
