//! The risk codes, re-exported where the assessment has always named them; the vocabulary
//! lives in `crate::vocab`.

pub use crate::vocab::RiskCode;
