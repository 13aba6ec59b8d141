//! The `scan` section of a report (`isopen scan`): what was scanned, the project's license as
//! its files declare it, and every file left unread with why.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Why a file was not read.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// Larger than the size budget (`--max-file-size`).
    TooLarge,
    /// Beyond the file budget (`--max-files`).
    OverFileBudget,
    /// Deeper than the depth budget.
    TooDeep,
    /// A symbolic link to a place outside the scanned root: never followed.
    SymlinkOutsideRoot,
    /// The file holds binary data (a NUL byte).
    Binary,
    /// The file could not be read.
    Unreadable,
}

impl SkipReason {
    /// The reason as the report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::TooLarge => "too-large",
            SkipReason::OverFileBudget => "over-file-budget",
            SkipReason::TooDeep => "too-deep",
            SkipReason::SymlinkOutsideRoot => "symlink-outside-root",
            SkipReason::Binary => "binary",
            SkipReason::Unreadable => "unreadable",
        }
    }

    /// Whether the file could have held a reference and was left unread for a budget: the
    /// scan is then incomplete, and a gate does not pass it.
    pub fn leaves_evidence_unread(self) -> bool {
        matches!(
            self,
            SkipReason::TooLarge
                | SkipReason::OverFileBudget
                | SkipReason::TooDeep
                | SkipReason::Unreadable
        )
    }
}

/// One file or folder not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Skipped {
    pub file: String,
    pub reason: SkipReason,
}

/// The project's license as one file declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Declaration {
    /// The license id (SPDX where known), or the expression as written.
    pub id: String,
    pub file: String,
    pub line: Option<usize>,
    pub quote: String,
    /// Every alternative is permissive (MIT, Apache-2.0, BSD...): no copyleft.
    pub permissive: bool,
    /// An open license that allows commercial use (every OSI license does).
    pub commercial: bool,
}

/// The `scan` section of a report: what was scanned and what was left unread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScanSummary {
    /// The scanned root, as given.
    pub root: String,
    /// Files read for references.
    pub files_read: usize,
    /// The project's license as declared in its license files and manifests.
    pub project_license: Vec<Declaration>,
    /// Files not read (at most `SKIPPED_LISTED` listed; `skipped_total` counts them all).
    pub skipped: Vec<Skipped>,
    pub skipped_total: usize,
    /// Files left unread for a budget: the scan may have missed references in them.
    pub unread: usize,
}

/// How many skipped files a summary lists by name.
pub const SKIPPED_LISTED: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_reasons_are_spelled_as_serialised() {
        use SkipReason::*;
        for r in [
            TooLarge,
            OverFileBudget,
            TooDeep,
            SymlinkOutsideRoot,
            Binary,
            Unreadable,
        ] {
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
    }
}
