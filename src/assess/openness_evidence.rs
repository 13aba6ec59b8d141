//! The openness evidence one link away, judged: a linked repository's license and the kinds of
//! code its tree holds, a paper's existence and license, and the public indexes' records matched
//! to the model. Each finding carries its source, so an element decided from it cites it. What
//! was not found is not evidence of absence: only a stated license that is not open, or an index
//! that judged a component closed, counts against the model.

use crate::linked::{IndexData, IndexName, LinkedEvidence, RepoHost};
use crate::report::LinkedItem;
use crate::vocab::ElementVerdict;

use super::openness_links::{TreeFindings, classify_tree};
use super::{openness_mot as mot, openness_osai as osai};

/// A verdict on one element or component from the evidence behind the card, with its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub verdict: ElementVerdict,
    pub reason: String,
    pub source: String,
}

/// A matched index record.
pub struct Matched<'a, R> {
    pub data: &'a IndexData,
    pub file: &'a str,
    pub record: R,
}

/// What the look-ups gave, judged.
#[derive(Default)]
pub struct Judged<'a> {
    /// OSAID `code` from the linked repositories.
    pub code: Option<Finding>,
    /// MOF components from the linked repositories and papers, by component name.
    pub components: Vec<(&'static str, Finding)>,
    pub items: Vec<LinkedItem>,
    pub mot: Option<Matched<'a, mot::Record>>,
    pub osai: Option<Matched<'a, osai::Record>>,
    /// How the OSAI index's record names the model.
    pub osai_role: Option<osai::Role>,
    /// Index records that matched but could not be read.
    pub unreadable: Vec<String>,
}

/// Is this license id OSI-approved? Ids are matched as SPDX spells them, case aside (GitHub and
/// GitLab give SPDX ids or lower-case keys).
pub fn osi_approved(id: &str) -> bool {
    spdx::imprecise_license_id(id).is_some_and(|(l, _)| l.is_osi_approved())
        && !id.eq_ignore_ascii_case("noassertion")
}

/// The SPDX id of a Creative Commons or arXiv license URL, as arXiv states a paper's license.
pub fn paper_license(url: &str) -> String {
    let u = url.trim().trim_end_matches('/').to_ascii_lowercase();
    if u.contains("publicdomain/zero/1.0") {
        return "CC0-1.0".into();
    }
    if let Some(rest) = u.split("creativecommons.org/licenses/").nth(1) {
        let mut parts = rest.split('/');
        if let (Some(kind), Some(version)) = (parts.next(), parts.next()) {
            return format!("CC-{}-{version}", kind.to_ascii_uppercase());
        }
    }
    if u.contains("arxiv.org/licenses/nonexclusive-distrib") {
        return "arXiv non-exclusive distribution license".into();
    }
    url.trim().to_string()
}

fn examples(v: &[String]) -> String {
    v.join(", ")
}

/// The declared datasets' provenance as their data cards state it: the card's license and its
/// `source_datasets` (`original`, `extended|other-name`), each dataset one evidence item.
pub fn provenance(
    lookups: &[super::datasets::DatasetLookup],
    cards: &[crate::linked::DataCardLookup],
) -> Vec<LinkedItem> {
    lookups
        .iter()
        .map(|d| {
            let url = format!("https://huggingface.co/datasets/{}", d.id);
            match &d.result {
                Err(e) => LinkedItem {
                    kind: "dataset".into(),
                    url,
                    license: None,
                    found: Vec::new(),
                    error: Some(e.clone()),
                },
                Ok(info) => {
                    let card = info.card_data.as_ref();
                    let text = |v: &serde_json::Value| match v {
                        serde_json::Value::String(s) => vec![s.clone()],
                        serde_json::Value::Array(a) => a
                            .iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .take(20)
                            .collect(),
                        _ => Vec::new(),
                    };
                    let license = card
                        .and_then(|c| c.get("license"))
                        .map(text)
                        .filter(|l| !l.is_empty())
                        .map(|l| l.join(", "));
                    let sources = card
                        .and_then(|c| c.get("source_datasets"))
                        .map(text)
                        .unwrap_or_default();
                    let mut found = vec![if sources.is_empty() {
                        "the data card states no provenance (source_datasets)".to_string()
                    } else {
                        format!("provenance (source_datasets): {}", sources.join(", "))
                    }];
                    found.extend(card_body(cards.iter().find(|c| c.dataset == d.id)));
                    LinkedItem {
                        kind: "dataset".into(),
                        url,
                        license,
                        found,
                        error: None,
                    }
                }
            }
        })
        .collect()
}

/// What a data card's body says of its data: each section that describes it, with its line,
/// and the terms its licensing section states; or why the body says nothing (not read, or
/// nothing under its headings).
fn card_body(card: Option<&crate::linked::DataCardLookup>) -> Vec<String> {
    use super::data_card::{TermKind, Topic, describes_data};
    let Some(card) = card else {
        return Vec::new();
    };
    let card = match &card.result {
        Err(e) => return vec![format!("the data card's text could not be read: {e}")],
        Ok(c) => c,
    };
    let mut out: Vec<String> = card
        .sections
        .iter()
        .map(|s| {
            let topic = match s.topic {
                Topic::Provenance => "sources",
                Topic::Processing => "processing",
                Topic::Licensing => "licensing",
            };
            format!(
                "README.md line {}: {topic} (\"{}\", {} words)",
                s.line, s.heading, s.words
            )
        })
        .collect();
    if card.sections.is_empty() {
        out.push(
            "the data card's text describes neither the data's sources nor its processing".into(),
        );
    } else if !describes_data(&card.sections) {
        out.push(
            "the data card does not describe both the data's sources and its processing".into(),
        );
    }
    out.extend(card.terms.iter().map(|t| {
        let what = match t.kind {
            TermKind::License => format!(
                "names the license {}",
                t.evidence.rule.as_deref().unwrap_or("?")
            ),
            TermKind::Restriction => "states a restriction".to_string(),
            TermKind::Defers => "defers to other terms, not read".to_string(),
        };
        format!(
            "README.md line {}: the licensing section {what} ({}): \"{}\"",
            t.evidence.line.unwrap_or(0),
            t.verdict.as_str(),
            t.evidence.quote
        )
    }));
    out
}

/// Judges the look-ups' results for `model_id`.
pub fn judge<'a>(model_id: &str, linked: &'a LinkedEvidence) -> Judged<'a> {
    let mut j = Judged::default();
    for r in &linked.repos {
        let url = r.link.url();
        let facts = match &r.result {
            Ok(f) => f,
            Err(e) => {
                j.items.push(LinkedItem {
                    kind: "code-repository".into(),
                    url,
                    license: None,
                    found: Vec::new(),
                    error: Some(e.clone()),
                });
                continue;
            }
        };
        let tree: TreeFindings = classify_tree(&facts.paths);
        let mut found = Vec::new();
        for (what, v) in [
            ("training code", &tree.training),
            ("training configs", &tree.configs),
            ("data preprocessing code", &tree.preprocessing),
            ("evaluation code", &tree.evaluation),
            ("inference code", &tree.inference),
        ] {
            if !v.is_empty() {
                found.push(format!("{what}: {}", examples(v)));
            }
        }
        if facts.tree_truncated {
            found.push("the host cut the file listing short; more may be there".into());
        }
        let license = facts.license.clone();
        j.items.push(LinkedItem {
            kind: "code-repository".into(),
            url: url.clone(),
            license: license.clone(),
            found,
            error: None,
        });
        // A Space is an app: its code runs the model, it does not train it.
        if r.link.host == RepoHost::Space {
            continue;
        }
        let lic = license.as_deref().unwrap_or("no stated license");
        let open_code = license.as_deref().is_some_and(osi_approved);
        let mof_open = license.as_deref().is_some_and(mot::is_open_license);
        if !tree.training.is_empty()
            && j.code
                .as_ref()
                .is_none_or(|c| c.verdict != ElementVerdict::Pass)
        {
            j.code = Some(if open_code {
                Finding {
                    verdict: ElementVerdict::Pass,
                    reason: format!(
                        "the linked repository holds training code ({}) under {lic}, an OSI-approved license",
                        examples(&tree.training)
                    ),
                    source: url.clone(),
                }
            } else if license.is_some() {
                Finding {
                    verdict: ElementVerdict::Fail,
                    reason: format!(
                        "the linked repository's training code ({}) is under {lic}, which is not OSI-approved",
                        examples(&tree.training)
                    ),
                    source: url.clone(),
                }
            } else {
                Finding {
                    verdict: ElementVerdict::Unknown,
                    reason: format!(
                        "the linked repository holds training code ({}) but states no license",
                        examples(&tree.training)
                    ),
                    source: url.clone(),
                }
            });
        }
        for (component, v) in [
            ("Training code", &tree.training),
            ("Data preprocessing code", &tree.preprocessing),
            ("Evaluation code", &tree.evaluation),
            ("Inference code", &tree.inference),
        ] {
            if v.is_empty()
                || j.components
                    .iter()
                    .any(|(c, f)| *c == component && f.verdict == ElementVerdict::Found)
            {
                continue;
            }
            let verdict = if mof_open {
                ElementVerdict::Found
            } else if license.is_some() {
                ElementVerdict::NotOpen
            } else {
                ElementVerdict::Unknown
            };
            j.components.retain(|(c, _)| *c != component);
            j.components.push((
                component,
                Finding {
                    verdict,
                    reason: format!("{} under {lic}", examples(v)),
                    source: url.clone(),
                },
            ));
        }
    }
    for p in &linked.papers {
        let url = p.paper.url();
        match &p.result {
            Err(e) => j.items.push(LinkedItem {
                kind: "paper".into(),
                url,
                license: None,
                found: Vec::new(),
                error: Some(e.clone()),
            }),
            Ok(facts) => {
                let license = facts.license_url.as_deref().map(paper_license);
                j.items.push(LinkedItem {
                    kind: "paper".into(),
                    url: url.clone(),
                    license: license.clone(),
                    found: vec![format!("paper: {}", facts.title)],
                    error: None,
                });
                if j.components
                    .iter()
                    .any(|(c, f)| *c == "Research paper" && f.verdict == ElementVerdict::Found)
                {
                    continue;
                }
                let (verdict, reason) = match &license {
                    Some(l) if mot::is_open_license(l) => (
                        ElementVerdict::Found,
                        format!("\"{}\" under {l}", facts.title),
                    ),
                    Some(l) => (
                        ElementVerdict::NotOpen,
                        format!(
                            "\"{}\" under {l}, which the MOF does not count as open",
                            facts.title
                        ),
                    ),
                    None => (
                        ElementVerdict::Unknown,
                        format!(
                            "\"{}\" exists; {} states no license for it",
                            facts.title,
                            p.paper.source()
                        ),
                    ),
                };
                j.components.retain(|(c, _)| *c != "Research paper");
                j.components.push((
                    "Research paper",
                    Finding {
                        verdict,
                        reason,
                        source: url,
                    },
                ));
            }
        }
    }
    let id = model_id.to_ascii_lowercase();
    for data in &linked.indexes {
        for rec in &data.records {
            // A record that does not parse is reported only when it seems to be about this
            // model; the others are not this model's concern.
            let mut unreadable = |e: String| {
                if rec.text.to_ascii_lowercase().contains(&id) {
                    j.unreadable
                        .push(format!("{}: {}: {e}", data.index.as_str(), rec.file));
                }
            };
            match data.index {
                IndexName::ModelOpennessTool if j.mot.is_none() => match mot::parse(&rec.text) {
                    Ok(r) if mot::matches(&r, model_id) => {
                        j.mot = Some(Matched {
                            data,
                            file: &rec.file,
                            record: r,
                        })
                    }
                    Ok(_) => {}
                    Err(e) => unreadable(e),
                },
                IndexName::OsaiIndex if j.osai_role != Some(osai::Role::End) => {
                    match osai::parse(&rec.text) {
                        // A record judging this very model wins over one built on it.
                        Ok(r) => match osai::matches(&r, model_id) {
                            Some(role) if j.osai.is_none() || role == osai::Role::End => {
                                j.osai = Some(Matched {
                                    data,
                                    file: &rec.file,
                                    record: r,
                                });
                                j.osai_role = Some(role);
                            }
                            _ => {}
                        },
                        Err(e) => unreadable(e),
                    }
                }
                _ => {}
            }
        }
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_provenance_from_the_data_card() {
        use super::super::datasets::DatasetLookup;
        let lookups = vec![
            DatasetLookup {
                id: "acme/web".into(),
                result: Ok(crate::snapshot::DatasetInfo {
                    id: "acme/web".into(),
                    card_data: Some(serde_json::json!({
                        "license": "odc-by",
                        "source_datasets": ["original", "extended|common_crawl"]
                    })),
                    ..Default::default()
                }),
            },
            DatasetLookup {
                id: "acme/gone".into(),
                result: Err("not-found: no such dataset".into()),
            },
        ];
        let items = provenance(&lookups, &[]);
        assert_eq!(items[0].license.as_deref(), Some("odc-by"));
        assert_eq!(
            items[0].found,
            ["provenance (source_datasets): original, extended|common_crawl"]
        );
        assert!(items[1].error.is_some());
    }

    #[test]
    fn paper_licenses_from_urls() {
        assert_eq!(
            paper_license("http://creativecommons.org/licenses/by/4.0/"),
            "CC-BY-4.0"
        );
        assert_eq!(
            paper_license("http://creativecommons.org/licenses/by-sa/4.0/"),
            "CC-BY-SA-4.0"
        );
        assert_eq!(
            paper_license("http://creativecommons.org/licenses/by-nc-sa/4.0/"),
            "CC-BY-NC-SA-4.0"
        );
        assert_eq!(
            paper_license("http://creativecommons.org/publicdomain/zero/1.0/"),
            "CC0-1.0"
        );
        assert!(!mot::is_open_license(&paper_license(
            "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
        )));
        assert!(!mot::is_open_license(&paper_license(
            "http://creativecommons.org/licenses/by-nc-sa/4.0/"
        )));
    }

    #[test]
    fn osi_approval_of_host_license_ids() {
        assert!(osi_approved("Apache-2.0"));
        assert!(osi_approved("mit"));
        assert!(!osi_approved("NOASSERTION"));
        assert!(!osi_approved("CC-BY-NC-4.0"));
    }
}
