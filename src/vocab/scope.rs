//! What a license named in a card's prose covers (`license.sources[].scope`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The part of a release a license named in prose covers, from the words around it ("the
/// weights are under CC BY-NC, the code under Apache-2.0"): `weights`, `code`, `data` or
/// `outputs`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum LicenseScope {
    Weights,
    Code,
    Data,
    Outputs,
}

impl LicenseScope {
    pub const ALL: [LicenseScope; 4] = [
        LicenseScope::Weights,
        LicenseScope::Code,
        LicenseScope::Data,
        LicenseScope::Outputs,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LicenseScope::Weights => "weights",
            LicenseScope::Code => "code",
            LicenseScope::Data => "data",
            LicenseScope::Outputs => "outputs",
        }
    }
}
