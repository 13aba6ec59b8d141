//! How an ancestor relates to the model (`lineage[].relation`) and what became of looking it up
//! (`lineage[].status`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a model derives from a base (`lineage[].relation`): the Hub's relations `finetune`,
/// `adapter`, `quantized` and `merge`; `distillation`, read from a card's prose ("distilled
/// from …"); and `unknown` when nothing says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    Finetune,
    Adapter,
    Quantized,
    Merge,
    Distillation,
    Unknown,
}

impl Relation {
    pub const ALL: [Relation; 6] = [
        Relation::Finetune,
        Relation::Adapter,
        Relation::Quantized,
        Relation::Merge,
        Relation::Distillation,
        Relation::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Finetune => "finetune",
            Relation::Adapter => "adapter",
            Relation::Quantized => "quantized",
            Relation::Merge => "merge",
            Relation::Distillation => "distillation",
            Relation::Unknown => "unknown",
        }
    }

    /// A relation as a card or a Hub tag states it (`base_model_relation: quantized`,
    /// `base_model:adapter:org/x`), in any case. A card may write anything there; a value
    /// outside the vocabulary says nothing we can rely on, so it is `unknown`.
    pub fn parse(s: &str) -> Relation {
        let s = s.trim();
        Relation::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
            .unwrap_or(Relation::Unknown)
    }
}

/// Leniently, as `parse` reads a card: a results file written before the relation was an enum
/// may hold whatever a card said (`--resume` must not stop on it).
impl<'de> Deserialize<'de> for Relation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Relation::parse(&s))
    }
}

/// What became of an ancestor (`lineage[].status`): `ok` (assessed), `error` (could not be
/// fetched or assessed), `cycle` (names a model already on its own path), `too-deep` (beyond
/// the walk's depth), `not-checked` (declared, not looked up), `unresolvable` (a local path, not
/// a Hub id), `inferred` (a base known by its family only); empty for an entry read back from a
/// results file written before `status` existed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum LineageStatus {
    Ok,
    Error,
    Cycle,
    TooDeep,
    NotChecked,
    Unresolvable,
    Inferred,
    // The field was missing; it is written back as the String field read it then, empty. (A
    // plain comment, not a doc: the schema keeps one `enum` list.)
    #[default]
    #[serde(rename = "")]
    Unrecorded,
}

impl LineageStatus {
    pub const ALL: [LineageStatus; 8] = [
        LineageStatus::Ok,
        LineageStatus::Error,
        LineageStatus::Cycle,
        LineageStatus::TooDeep,
        LineageStatus::NotChecked,
        LineageStatus::Unresolvable,
        LineageStatus::Inferred,
        LineageStatus::Unrecorded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LineageStatus::Ok => "ok",
            LineageStatus::Error => "error",
            LineageStatus::Cycle => "cycle",
            LineageStatus::TooDeep => "too-deep",
            LineageStatus::NotChecked => "not-checked",
            LineageStatus::Unresolvable => "unresolvable",
            LineageStatus::Inferred => "inferred",
            LineageStatus::Unrecorded => "",
        }
    }
}
