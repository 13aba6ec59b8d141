//! Training datasets: what the card names (`datasets:`, `dataset:` tags) and what the Hub says
//! of each (license, gating), made stricter by the terms each dataset's own card states when it
//! was read. A dataset that cannot be looked up is reported, not fatal.

use crate::card::CardMeta;
use crate::linked::{DataCard, DataCardLookup, TermKind};
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

/// Each dataset's report: its license and gating from the Hub's metadata, made stricter by
/// what its card's licensing section states when the card was read (`--links`).
pub fn assess(
    lookups: &[DatasetLookup],
    cards: &[DataCardLookup],
    rules: &RuleSet,
) -> Vec<DatasetReport> {
    let mut out = from_metadata(lookups, rules);
    for d in out.iter_mut().filter(|d| d.error.is_none()) {
        if let Some(Ok(card)) = cards
            .iter()
            .find(|c| c.dataset == d.id)
            .map(|c| c.result.as_ref())
        {
            apply_card(d, card);
        }
    }
    out
}

/// The card's terms, each only ever stricter than the metadata: a license or restriction it
/// states is the dataset's own license and counts for openness too; terms it defers to were not
/// read, so they leave commercial use no better than `unknown` but the license as it was.
fn apply_card(d: &mut DatasetReport, card: &DataCard) {
    let base = d.commercial_use;
    let strictest = |from: Verdict, defers: bool| {
        card.terms
            .iter()
            .filter(|t| defers || t.kind != TermKind::Defers)
            .map(|t| t.verdict)
            .fold(from, Verdict::stricter)
    };
    let licensed = strictest(base, false);
    let overall = strictest(base, true);
    // The strictest first, so a risk cites the term that decided.
    let mut stricter: Vec<_> = card
        .terms
        .iter()
        .filter(|t| t.verdict.restrictiveness() > base.restrictiveness())
        .collect();
    stricter.sort_by_key(|t| std::cmp::Reverse(t.verdict.restrictiveness()));
    d.card_terms = stricter.into_iter().map(|t| t.evidence.clone()).collect();
    d.commercial_use = overall;
    d.license_verdict = (overall != licensed).then_some(licensed);
}

fn from_metadata(lookups: &[DatasetLookup], rules: &RuleSet) -> Vec<DatasetReport> {
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
                    card_terms: Vec::new(),
                    license_verdict: None,
                }
            }
            Err(e) => DatasetReport {
                id: l.id.clone(),
                license: None,
                availability: Availability::Unknown,
                commercial_use: Verdict::Unknown,
                gating: None,
                error: Some(e.clone()),
                card_terms: Vec::new(),
                license_verdict: None,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::data_card;

    fn report(license: &str, readme: &str) -> DatasetReport {
        let rules = RuleSet::builtin().unwrap();
        let lookup = DatasetLookup {
            id: "org/data".into(),
            result: Ok(DatasetInfo {
                id: "org/data".into(),
                private: Some(false),
                gated: Default::default(),
                tags: vec![format!("license:{license}")],
                card_data: Some(serde_json::json!({ "license": license })),
            }),
        };
        let card = DataCardLookup {
            dataset: "org/data".into(),
            result: Ok(data_card::read("org/data", readme, &rules)),
        };
        assess(&[lookup], &[card], &rules).remove(0)
    }

    #[test]
    fn a_card_that_names_a_stricter_license_makes_the_dataset_stricter() {
        let d = report(
            "apache-2.0",
            "# Set\n\n## Licensing Information\n\nThe annotations are released under CC BY-NC 4.0.\n",
        );
        assert_eq!(d.commercial_use, Verdict::Prohibited);
        assert_eq!(d.license_verdict, None);
        assert_eq!(d.licensed(), Verdict::Prohibited);
        assert_eq!(d.card_terms[0].line, Some(5));
        assert_eq!(d.card_terms[0].rule.as_deref(), Some("cc-by-nc-4.0"));
    }

    #[test]
    fn deferred_terms_leave_commercial_use_unknown_and_the_license_as_it_was() {
        let d = report(
            "odc-by",
            "# Web\n\n## License\n\nReleased under ODC-By 1.0; you are also bound by the crawl's terms of use.\n",
        );
        assert_eq!(d.commercial_use, Verdict::Unknown);
        assert_eq!(d.license_verdict, Some(Verdict::Allowed));
        assert_eq!(d.licensed(), Verdict::Allowed);
        assert_eq!(d.card_terms.len(), 1);
        assert_eq!(d.card_terms[0].rule, None);
    }

    #[test]
    fn a_card_never_makes_a_dataset_more_permissive() {
        // The metadata says non-commercial; the card's prose names a permissive license.
        let d = report(
            "cc-by-nc-4.0",
            "# Set\n\n## License\n\nThe code that built it is under the Apache License 2.0.\n",
        );
        assert_eq!(d.commercial_use, Verdict::Prohibited);
        assert!(d.card_terms.is_empty());
        assert_eq!(d.license_verdict, None);
    }
}
