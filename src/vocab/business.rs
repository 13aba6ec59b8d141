//! The business questions' answers (`business.*.answer`): a yes-or-no with its shades for
//! self-hosting and fine-tuning, a size class for hardware.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The answer to "can we self-host it?" and "may we fine-tune it and sell the result?":
/// `yes`, `conditional` (under the license's conditions, or after an access request), `no` or
/// `unknown`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum YesNo {
    Yes,
    Conditional,
    No,
    Unknown,
}

impl YesNo {
    pub const ALL: [YesNo; 4] = [YesNo::Yes, YesNo::Conditional, YesNo::No, YesNo::Unknown];

    pub fn as_str(self) -> &'static str {
        match self {
            YesNo::Yes => "yes",
            YesNo::Conditional => "conditional",
            YesNo::No => "no",
            YesNo::Unknown => "unknown",
        }
    }
}

/// The smallest common hardware that serves the model at bf16 (`business.hardware.answer`),
/// or `unknown` when the parameter count is not known. The values are phrases, as printed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum HardwareClass {
    #[serde(rename = "one 16 GB GPU")]
    Gpu16Gb,
    #[serde(rename = "one 24 GB GPU")]
    Gpu24Gb,
    #[serde(rename = "one 48 GB GPU")]
    Gpu48Gb,
    #[serde(rename = "one 80 GB GPU")]
    Gpu80Gb,
    #[serde(rename = "a server with 8 x 80 GB GPUs")]
    Server8x80Gb,
    #[serde(rename = "several multi-GPU servers")]
    MultiServer,
    #[serde(rename = "unknown")]
    Unknown,
}

impl HardwareClass {
    pub const ALL: [HardwareClass; 7] = [
        HardwareClass::Gpu16Gb,
        HardwareClass::Gpu24Gb,
        HardwareClass::Gpu48Gb,
        HardwareClass::Gpu80Gb,
        HardwareClass::Server8x80Gb,
        HardwareClass::MultiServer,
        HardwareClass::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HardwareClass::Gpu16Gb => "one 16 GB GPU",
            HardwareClass::Gpu24Gb => "one 24 GB GPU",
            HardwareClass::Gpu48Gb => "one 48 GB GPU",
            HardwareClass::Gpu80Gb => "one 80 GB GPU",
            HardwareClass::Server8x80Gb => "a server with 8 x 80 GB GPUs",
            HardwareClass::MultiServer => "several multi-GPU servers",
            HardwareClass::Unknown => "unknown",
        }
    }
}
