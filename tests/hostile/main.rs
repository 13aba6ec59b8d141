//! Hostile and broken inputs (issue 10): one test per way a card, a file, a folder or a hub
//! written by someone who wants a clean report could make isopen say `allowed`, leak what it
//! must not show, hang, or lose results. Grouped by area, one module each, each driving the
//! real binary against the in-process fake hub or a folder; add a case to the module of its
//! area.

#[path = "../support/mod.rs"]
mod support;

mod batchgate;
mod local;
mod outputs;
mod sources;
mod terms;
