//! The report's account of the evidence behind the card (`openness.evidence[]`) and of the public
//! indexes' judgements (`openness.indexes[]`): JSON-contract extensions, absent when empty.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One link followed: a code repository, a paper or a declared dataset's card, what it held, or
/// why it could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LinkedItem {
    /// `code-repository`, `paper` or `dataset`.
    pub kind: String,
    pub url: String,
    /// The license the host or source states (an SPDX id where it gives one), when it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// What was found there (`training code: scripts/train.py`), one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub found: Vec<String>,
    /// Why the link could not be read, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A public index's own judgement of the model, cited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IndexJudgement {
    /// `model-openness-tool` or `osai-index`.
    pub index: String,
    /// The record's file in the index's data.
    pub record: String,
    /// Where the index's data was fetched from.
    pub url: String,
    /// The day the index's data was fetched (`YYYY-MM-DD`).
    pub date: String,
    pub attribution: String,
    /// The index's verdicts, one line each (`MOF class: I`, `trainingcode: open`).
    pub judgement: Vec<String>,
    /// Where the index and isopen's own evidence disagree, one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disagreements: Vec<String>,
}
