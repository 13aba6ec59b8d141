//! Issue 10, "Never a false allowed, never a leak: hostile inputs": one test per hostile input,
//! grouped by area, each module driving the real binary against the in-process fake hub.

#[path = "../support/mod.rs"]
mod support;

mod batchgate;
