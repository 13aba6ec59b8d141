//! Training datasets: what the card names (`datasets:`, `dataset:` tags) and what the Hub says
//! of each (license, gating). A dataset that cannot be looked up is reported, not fatal.

use crate::card::CardMeta;
use crate::report::DatasetReport;
use crate::rules::RuleSet;
use crate::snapshot::DatasetInfo;
use crate::vocab::{Availability, ErrorKind, Verdict};

/// The error kind of a dataset (or an ancestor) left over a look-up budget.
pub const NOT_LOOKED_UP: ErrorKind = ErrorKind::NotLookedUp;

/// A declared dataset and what looking it up gave.
#[derive(Debug, Clone)]
pub struct DatasetLookup {
    pub id: String,
    /// The Hub's answer, or why there is none (`kind: message`).
    pub result: Result<DatasetInfo, String>,
}

/// Dataset ids declared by the card, then by the Hub's tags, without duplicates.
pub fn declared(meta: &CardMeta) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in &meta.datasets {
        if !out.contains(d) {
            out.push(d.clone());
        }
    }
    out
}

pub fn assess(lookups: &[DatasetLookup], rules: &RuleSet) -> Vec<DatasetReport> {
    lookups
        .iter()
        .map(|l| match &l.result {
            Ok(info) => {
                let card = info
                    .card_data
                    .as_ref()
                    .map(CardMeta::from_value)
                    .unwrap_or_default();
                let mut licenses = card.license.clone();
                if licenses.is_empty() {
                    licenses = info
                        .tags
                        .iter()
                        .filter_map(|t| t.strip_prefix("license:"))
                        .map(str::to_string)
                        .collect();
                }
                let names: Vec<String> = licenses
                    .iter()
                    .map(
                        |l| match (&card.license_name, l.eq_ignore_ascii_case("other")) {
                            (Some(n), true) => n.clone(),
                            _ => l.clone(),
                        },
                    )
                    .collect();
                // The most restrictive of the listed licenses; an unknown name is unknown.
                let verdict = names
                    .iter()
                    .map(|n| {
                        rules
                            .by_alias(n)
                            .map_or(Verdict::Unknown, |r| r.facts.verdict)
                    })
                    .max_by_key(|v| v.restrictiveness())
                    .unwrap_or(Verdict::Unknown);
                DatasetReport {
                    id: l.id.clone(),
                    license: (!names.is_empty()).then(|| names.join(", ")),
                    availability: if info.gated.is_gated() {
                        Availability::Gated
                    } else {
                        Availability::Open
                    },
                    commercial_use: verdict,
                    gating: info.gated.report(),
                    error: None,
                }
            }
            Err(e) => DatasetReport {
                id: l.id.clone(),
                license: None,
                availability: Availability::Unknown,
                commercial_use: Verdict::Unknown,
                gating: None,
                error: Some(e.clone()),
            },
        })
        .collect()
}
