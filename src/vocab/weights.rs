//! Can the weights (or a dataset) be had, and behind what kind of gate: the report's
//! `availability` and `gating`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether the weights (`weights.availability`) or a dataset (`datasets[].availability`) can
/// be downloaded: `open` (without an access request), `gated` (after one), `absent` (the
/// repository holds no weights; weights only), or `unknown` (the file list or the gating is not
/// known; for a dataset: not found, private, or not checked).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Availability {
    Open,
    Gated,
    Absent,
    Unknown,
}

impl Availability {
    pub const ALL: [Availability; 4] = [
        Availability::Open,
        Availability::Gated,
        Availability::Absent,
        Availability::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Open => "open",
            Availability::Gated => "gated",
            Availability::Absent => "absent",
            Availability::Unknown => "unknown",
        }
    }
}

/// The Hub's access gate as the report states it (`weights.gating`, `datasets[].gating`):
/// `none` (no gate), `auto` (access is granted on request at once) or `manual` (the owner
/// reviews each request). A field of this type is null when the gate is not known.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Gating {
    // Not `None`: it would read as `Option::None` in `Option<Gating>`.
    #[serde(rename = "none")]
    Ungated,
    Auto,
    Manual,
}

impl Gating {
    pub const ALL: [Gating; 3] = [Gating::Ungated, Gating::Auto, Gating::Manual];

    pub fn as_str(self) -> &'static str {
        match self {
            Gating::Ungated => "none",
            Gating::Auto => "auto",
            Gating::Manual => "manual",
        }
    }
}
