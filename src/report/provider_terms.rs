//! The report's `provider_terms` extension: what a closed API model's provider's terms say
//! (from the dated catalog in `api-catalog/`), fact by fact, each with its source, and how old
//! the catalog's reading of them is. Absent for every model that is not an `api:` model.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The terms governing a hosted model, as the catalog records them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProviderTerms {
    /// The provider's id in refs (`openai` in `api:openai/gpt-4o`).
    pub provider: String,
    pub provider_name: String,
    /// The model's name as the provider writes it.
    pub model_name: String,
    pub terms: TermsDocument,
    /// Who owns what the model generates: `customer`, `provider` or `unknown`.
    pub output_ownership: TermsFact,
    /// Using outputs to build competing models: `restricted`, `limited` (only some outputs),
    /// `none` or `unknown`.
    pub competing_models: TermsFact,
    /// Whether the provider trains on API inputs and outputs by default: `no`, `yes`,
    /// `by-tier` (free tiers yes, paid no) or `unknown`.
    pub trains_on_api_data: TermsFact,
    /// Whether the provider keeps inputs and outputs: `none`, `retained` or `unknown`.
    pub data_retention: TermsFact,
    /// Where the service may be used or data kept: `any`, `restricted` or `unknown`.
    pub regions: TermsFact,
    /// Always false: the provider serves the model and never hands out its weights.
    pub self_hosting: bool,
    /// Every source the facts rest on.
    pub sources: Vec<TermsSource>,
    /// Days from the catalog's `checked` date to the audit's date.
    pub catalog_age_days: i64,
    /// The entry is older than the catalog's maximum age: the terms may have changed since
    /// (the model's `notes` say so too).
    pub stale: bool,
}

/// The governing terms: name, where they are published, when they took effect (null when not
/// known) and when the catalog last knew them to be current.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TermsDocument {
    pub id: String,
    pub name: String,
    pub url: String,
    pub effective: Option<String>,
    pub checked: String,
}

/// One fact: its value in the fact's vocabulary, a sentence in our words, and the id of the
/// source it rests on (null when the value is `unknown`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TermsFact {
    pub value: String,
    pub summary: String,
    pub source: Option<String>,
}

/// A source the catalog read: its URL, what exactly was read (which copy, which version) and
/// the date it was known to be current.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TermsSource {
    pub id: String,
    pub url: String,
    pub read: String,
    pub checked: String,
}
