//! Openness by three public yardsticks, from what the repository shows: the OSI's Open Source AI
//! Definition (parameters, code and data information, each under OSI-approved terms), the Model
//! Openness Framework's components and classes, and the European Open Source AI Index's
//! parameters. A pass needs evidence; a license restriction is enough for a fail; otherwise the
//! answer is unknown.

use std::sync::OnceLock;

use regex::Regex;

use crate::linked::LinkedEvidence;
use crate::report::{DatasetReport, Element, IndexJudgement, Openness, Weights};
use crate::rules::Rule;
use crate::snapshot::ModelInfo;
use crate::vocab::{Availability, ElementVerdict, MofClass, Osaid, Verdict};

use super::openness_evidence::{Finding, Judged, judge};
use super::openness_mot as mot;

/// What the openness judgement reads.
pub struct OpennessInput<'a> {
    pub rule: Option<&'a Rule>,
    pub verdict: Verdict,
    pub weights: &'a Weights,
    pub datasets: &'a [DatasetReport],
    pub info: &'a ModelInfo,
    /// The README's prose, when it could be read.
    pub readme_body: Option<&'a str>,
    /// The model's id, to match the indexes' records.
    pub model_id: &'a str,
    /// What the links behind the card held.
    pub linked: &'a LinkedEvidence,
    /// The declared datasets' look-ups, for their provenance.
    pub dataset_lookups: &'a [super::datasets::DatasetLookup],
}

/// Licenses the MOF counts as open beyond the OSI list: the open-data licenses and OpenMDW.
const OPEN_DATA: &[&str] = &[
    "cc0-1.0",
    "cc-by-2.0",
    "cc-by-2.5",
    "cc-by-3.0",
    "cc-by-4.0",
    "cc-by-sa-3.0",
    "cc-by-sa-4.0",
    "cdla-permissive-1.0",
    "cdla-permissive-2.0",
    "cdla-sharing-1.0",
    "odc-by",
    "odbl",
    "pddl",
    "openmdw-1.0",
];

fn is_open(rule: Option<&Rule>) -> bool {
    rule.is_some_and(|r| r.facts.osi_approved || OPEN_DATA.contains(&r.facts.id.as_str()))
}

fn element(name: &str, verdict: ElementVerdict, reason: impl Into<String>) -> Element {
    Element {
        name: name.into(),
        verdict,
        reason: reason.into(),
        source: None,
    }
}

fn from_finding(name: &str, f: &Finding) -> Element {
    Element {
        name: name.into(),
        verdict: f.verdict,
        reason: f.reason.clone(),
        source: Some(f.source.clone()),
    }
}

/// An index record's reference, as an element's source.
fn record_source<R>(m: &super::openness_evidence::Matched<R>) -> String {
    format!("{}: {}", m.data.index.as_str(), m.file)
}

/// A line of the card that links a code repository and says it holds training code
/// ("Training code: https://github.com/…"), without a negation on that line ("no training code
/// is published"). Generic frameworks (PyTorch, Transformers) are not this model's training code.
fn training_code_link(body: &str) -> Option<String> {
    static LINK: OnceLock<Regex> = OnceLock::new();
    let link = LINK.get_or_init(|| {
        Regex::new(r"https?://(?:www\.)?(?:github\.com|gitlab\.com|codeberg\.org)/[A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+")
            .expect("regex")
    });
    const FRAMEWORKS: &[&str] = &[
        "github.com/pytorch/pytorch",
        "github.com/huggingface/transformers",
        "github.com/huggingface/accelerate",
        "github.com/microsoft/deepspeed",
        "github.com/google/jax",
        "github.com/tensorflow/tensorflow",
    ];
    const NEGATIONS: &[&str] = &[
        "no training",
        "not released",
        "not published",
        "not public",
        "inference only",
        "will be released",
        "coming soon",
    ];
    body.lines().find_map(|line| {
        let l = line.to_ascii_lowercase();
        let says_training = l.contains("train")
            && ["code", "script", "recipe", "library", "repo", "pipeline"]
                .iter()
                .any(|w| l.contains(w));
        if !says_training || NEGATIONS.iter().any(|n| l.contains(n)) {
            return None;
        }
        link.find_iter(line)
            .map(|m| m.as_str())
            .find(|url| {
                !FRAMEWORKS
                    .iter()
                    .any(|f| url.to_ascii_lowercase().contains(f))
            })
            .map(str::to_string)
    })
}

pub fn assess(input: &OpennessInput) -> Openness {
    let name = input
        .rule
        .map_or("the license".to_string(), |r| r.facts.name.clone());
    let open_license = input
        .rule
        .is_some_and(|r| r.facts.osi_approved || r.facts.osaid_compatible == Some(true));

    // OSAID: parameters.
    let parameters = if input.verdict == Verdict::Prohibited {
        element(
            "parameters",
            ElementVerdict::Fail,
            format!(
                "{name} forbids commercial use, so the weights are not free to use for any purpose"
            ),
        )
    } else if let Some(r) = input
        .rule
        .filter(|r| r.facts.osaid_compatible == Some(false))
    {
        element(
            "parameters",
            ElementVerdict::Fail,
            format!("{}: {}", r.facts.name, r.facts.osaid_reason),
        )
    } else if input.weights.availability == Availability::Absent {
        element(
            "parameters",
            ElementVerdict::Fail,
            "the repository holds no weights",
        )
    } else if input.weights.availability == Availability::Open
        && open_license
        && input.verdict == Verdict::Allowed
    {
        element(
            "parameters",
            ElementVerdict::Pass,
            format!(
                "the weights are downloadable without a gate under {name}, an OSI-approved license"
            ),
        )
    } else if input.weights.availability == Availability::Gated {
        element(
            "parameters",
            ElementVerdict::Unknown,
            "the weights sit behind an access request; the OSAID needs them obtainable under OSI-approved terms",
        )
    } else {
        element(
            "parameters",
            ElementVerdict::Unknown,
            "the license of the weights could not be judged against the OSAID freedoms",
        )
    };

    let mut j = judge(input.model_id, input.linked);
    if input.linked.enabled {
        j.items.extend(super::openness_evidence::provenance(
            input.dataset_lookups,
            &input.linked.data_cards,
        ));
    }

    // OSAID: code. The linked repositories first, then the indexes' records, then a card line.
    let code_link = input.readme_body.and_then(training_code_link);
    let osai_code = j.osai.as_ref().and_then(|m| {
        // A record of a model built on this one judges that model's code, not this one's.
        if j.osai_role != Some(super::openness_osai::Role::End) {
            return None;
        }
        let class = m.record.class("trainingcode")?;
        let verdict = match class {
            "open" => ElementVerdict::Pass,
            "closed" => ElementVerdict::Fail,
            _ => return None,
        };
        Some(Element {
            name: "code".into(),
            verdict,
            reason: format!("the European Open Source AI Index judges its training code {class}"),
            source: Some(record_source(m)),
        })
    });
    let mot_code = j.mot.as_ref().and_then(|m| {
        m.record
            .counted()
            .contains(&"Training code")
            .then(|| Element {
                name: "code".into(),
                verdict: ElementVerdict::Pass,
                reason:
                    "the Model Openness Tool record lists the training code under an open license"
                        .into(),
                source: Some(record_source(m)),
            })
    });
    let linked_code = j
        .code
        .as_ref()
        .filter(|f| f.verdict != ElementVerdict::Unknown)
        .map(|f| from_finding("code", f));
    let code = if let Some(e) = linked_code.or(osai_code).or(mot_code) {
        e
    } else {
        match &code_link {
            // A link read but not followed is not a pass: the OSAID needs the code under
            // OSI-approved terms, and only the repository's host can say which.
            Some(url) => element(
                "code",
                ElementVerdict::Unknown,
                format!(
                    "the card links training code at {url}; its license and contents were not verified{}",
                    match (&input.linked.skipped, j.items.is_empty()) {
                        (Some(why), _) => format!(" ({why})"),
                        (None, true) => " (follow it with --links)".to_string(),
                        (None, false) => String::new(),
                    }
                ),
            ),
            None => element(
                "code",
                ElementVerdict::Unknown,
                looked_for_code(input.linked, &j),
            ),
        }
    };

    // OSAID: data information.
    let data = if input.datasets.is_empty() {
        element(
            "data information",
            ElementVerdict::Unknown,
            "the card names no training data",
        )
    } else if input.datasets.iter().all(DatasetReport::open) {
        element(
            "data information",
            ElementVerdict::Pass,
            format!(
                "the card names its training data, all openly licensed and downloadable: {}",
                input
                    .datasets
                    .iter()
                    .map(|d| d.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    } else {
        let closed: Vec<&str> = input
            .datasets
            .iter()
            .filter(|d| !d.open())
            .map(|d| d.id.as_str())
            .collect();
        element(
            "data information",
            ElementVerdict::Unknown,
            format!(
                "the card names its training data, but these are not openly licensed or could not be checked: {}",
                closed.join(", ")
            ),
        )
    };

    let data = if data.verdict == ElementVerdict::Unknown {
        documented_data(input.datasets, input.linked)
            .or_else(|| index_data(&j))
            .unwrap_or(data)
    } else {
        data
    };

    let elements = vec![parameters, code, data];
    let osaid = if elements.iter().any(|e| e.verdict == ElementVerdict::Fail) {
        Osaid::Fail
    } else if elements.iter().all(|e| e.verdict == ElementVerdict::Pass) {
        Osaid::Pass
    } else {
        Osaid::Unknown
    };
    let reasons = elements
        .iter()
        .map(|e| format!("{}: {} - {}", e.name, e.verdict.as_str(), e.reason))
        .collect();

    let (own_class, mof_components) = mof(input, code_link.is_some(), &j);
    let osai_params = osai_index(input);
    let indexes = index_judgements(&j, own_class, &elements, &osai_params);
    let mut reasons: Vec<String> = reasons;
    reasons.extend(
        j.unreadable
            .iter()
            .map(|u| format!("an index record could not be read: {u}")),
    );
    reasons.extend(
        input
            .linked
            .unavailable_indexes
            .iter()
            .map(|u| format!("an openness index could not be loaded: {u}")),
    );
    Openness {
        osaid,
        reasons,
        mof_class: own_class,
        osaid_elements: elements,
        mof_components,
        osai_index: osai_params,
        evidence: j.items,
        indexes,
    }
}

/// What was looked for when no training code was found.
fn looked_for_code(linked: &LinkedEvidence, j: &Judged) -> String {
    if let Some(f) = &j.code {
        return f.reason.clone();
    }
    if !linked.enabled {
        return "the card links no training code".into();
    }
    let mut s = "no training code found; looked for: a card line linking training code".to_string();
    match &linked.skipped {
        Some(why) => s.push_str(&format!(
            "; linked repositories and indexes not read ({why})"
        )),
        None => {
            s.push_str(&format!(
                ", training scripts in {} linked code repositories",
                linked.repos.len()
            ));
            if !linked.indexes.is_empty() {
                s.push_str(", and a record of this model in the public indexes");
            }
        }
    }
    s
}

/// OSAID data information from the data cards, when the datasets' licenses did not decide it:
/// the Definition asks for information a skilled person could rebuild the data from, not for
/// the data itself. Every dataset the card names must have a card that says where its data
/// comes from and how it was processed; one that does not, or could not be read, leaves the
/// element to the indexes or `unknown`.
fn documented_data(datasets: &[DatasetReport], linked: &LinkedEvidence) -> Option<Element> {
    let cited = described(datasets, linked)?;
    Some(Element {
        name: "data information".into(),
        verdict: ElementVerdict::Pass,
        reason: format!(
            "the data cards describe where the training data comes from and how it was processed: {}",
            cited.join("; ")
        ),
        source: Some(format!(
            "https://huggingface.co/datasets/{}",
            datasets[0].id
        )),
    })
}

/// The sections that describe each named dataset's data, one citation a dataset, when every
/// dataset has a card that was read and says where its data comes from and how it was
/// processed; `None` otherwise.
fn described(datasets: &[DatasetReport], linked: &LinkedEvidence) -> Option<Vec<String>> {
    if datasets.is_empty() || linked.data_cards.is_empty() {
        return None;
    }
    let mut cited = Vec::new();
    for d in datasets {
        let card = linked.data_cards.iter().find(|c| c.dataset == d.id)?;
        let sections = &card.result.as_ref().ok()?.sections;
        if !super::data_card::describes_data(sections) {
            return None;
        }
        let heads: Vec<String> = sections
            .iter()
            .filter(|s| s.topic != super::data_card::Topic::Licensing)
            .map(|s| format!("\"{}\" (line {})", s.heading, s.line))
            .collect();
        cited.push(format!("datasets/{} README.md: {}", d.id, heads.join(", ")));
    }
    Some(cited)
}

/// The MOF data card, from the data cards read: found when every named dataset's card
/// describes its data and the dataset is openly licensed (a card ships under its dataset's
/// license). Otherwise `None`: a card that says little is a lack of evidence, not a closed
/// component.
fn data_card_component(datasets: &[DatasetReport], linked: &LinkedEvidence) -> Option<Element> {
    let cited = described(datasets, linked)?;
    datasets
        .iter()
        .all(|d| d.licensed() == Verdict::Allowed)
        .then(|| Element {
            name: "data card".into(),
            verdict: ElementVerdict::Found,
            reason: format!(
                "the openly licensed datasets' cards describe their data: {}",
                cited.join("; ")
            ),
            source: Some(format!(
                "https://huggingface.co/datasets/{}",
                datasets[0].id
            )),
        })
}

/// OSAID data information from an index record, when the card's datasets did not decide it.
fn index_data(j: &Judged) -> Option<Element> {
    if let Some(m) = &j.osai {
        let base = m.record.class("datasources_basemodel");
        // For a model another record builds on, only the base model's data speaks for it.
        let end = if j.osai_role == Some(super::openness_osai::Role::End) {
            m.record.class("datasources_endmodel")
        } else {
            None
        };
        let verdict = match (base, end) {
            (Some("closed"), _) | (_, Some("closed")) => Some(ElementVerdict::Fail),
            (Some("open"), Some("open") | None) => Some(ElementVerdict::Pass),
            _ => None,
        };
        if let Some(verdict) = verdict {
            return Some(Element {
                name: "data information".into(),
                verdict,
                reason: format!(
                    "the European Open Source AI Index judges its training data sources {} (base model) and {} (end model)",
                    base.unwrap_or("unjudged"),
                    end.unwrap_or("unjudged")
                ),
                source: Some(record_source(m)),
            });
        }
    }
    let m = j.mot.as_ref()?;
    m.record.counted().contains(&"Datasets").then(|| Element {
        name: "data information".into(),
        verdict: ElementVerdict::Pass,
        reason: "the Model Openness Tool record lists the training datasets under an open license"
            .into(),
        source: Some(record_source(m)),
    })
}

/// An index's judgement, cited: the index, the record, where and when its data was fetched, and
/// the attribution its license asks for.
fn cite<R>(
    m: &super::openness_evidence::Matched<R>,
    judgement: Vec<String>,
    disagreements: Vec<String>,
) -> IndexJudgement {
    IndexJudgement {
        index: m.data.index.as_str().into(),
        record: m.file.to_string(),
        url: m.data.url.clone(),
        date: m.data.date.clone(),
        attribution: m.data.index.attribution().into(),
        judgement,
        disagreements,
    }
}

/// The indexes' own judgements beside isopen's, with each disagreement.
fn index_judgements(
    j: &Judged,
    own_class: Option<MofClass>,
    elements: &[Element],
    osai_params: &[Element],
) -> Vec<IndexJudgement> {
    let mut out = Vec::new();
    if let Some(m) = &j.mot {
        let counted = m.record.counted();
        let class = mot::class_of(&counted);
        let theirs = class.map_or("none", MofClass::as_str);
        let mut disagreements = Vec::new();
        match own_class {
            Some(c) if Some(c) != class && !(c == MofClass::NoClass && class.is_none()) => {
                disagreements.push(format!(
                    "MOF class: isopen {} from its own evidence, the Tool's record {theirs}",
                    c.as_str()
                ))
            }
            None if class.is_some() => disagreements.push(format!(
                "MOF class: the Tool's record reaches {theirs}; isopen's own evidence does not decide it"
            )),
            _ => {}
        }
        out.push(cite(
            m,
            vec![
                format!("MOF class: {theirs}"),
                format!(
                    "components included under an open license: {}",
                    if counted.is_empty() {
                        "none".to_string()
                    } else {
                        counted.join(", ")
                    }
                ),
            ],
            disagreements,
        ));
    }
    if let Some(m) = &j.osai {
        let end = j.osai_role == Some(super::openness_osai::Role::End);
        let mut disagreements = Vec::new();
        let code = elements.iter().find(|e| e.name == "code");
        if let (Some(e), Some(c), true) = (code, m.record.class("trainingcode"), end) {
            let from_index = e.source.as_deref() == Some(record_source(m).as_str());
            if !from_index
                && ((e.verdict == ElementVerdict::Pass && c != "open")
                    || (e.verdict == ElementVerdict::Fail && c == "open"))
            {
                disagreements.push(format!(
                    "training code: isopen {} ({}), the index {c}",
                    e.verdict.as_str(),
                    e.reason
                ));
            }
        }
        for p in osai_params.iter().filter(|_| end) {
            let key = match p.name.as_str() {
                "weights" => "weights_endmodel",
                "data" => "datasources_endmodel",
                "preprint" => "preprint",
                "model card" => "modelcard",
                _ => continue,
            };
            if let Some(c) = m.record.class(key)
                && c != p.verdict.as_str()
            {
                disagreements.push(format!(
                    "{key}: isopen {} ({}), the index {c}",
                    p.verdict.as_str(),
                    p.reason
                ));
            }
        }
        out.push(cite(
            m,
            std::iter::once(if end {
                format!("the record judges this model ({})", m.record.system.name)
            } else {
                format!(
                    "the record judges {}, built on this model: only its base-model parameters speak for this one",
                    m.record.system.name
                )
            })
            .chain(
                m.record
                    .parameters
                    .iter()
                    .filter(|(p, ..)| end || p.ends_with("_basemodel"))
                    .map(|(p, c, _)| format!("{p}: {c}")),
            )
            .collect(),
            disagreements,
        ));
    }
    out
}

/// MOF components from the repository, and the class when the evidence decides it. Class III
/// needs architecture, final parameters, model card, data card, technical report and evaluation
/// results, each under an open license; a missing or closed one means no class at all.
fn mof(input: &OpennessInput, code_link: bool, j: &Judged) -> (Option<MofClass>, Vec<Element>) {
    let open = is_open(input.rule);
    let license = input
        .rule
        .map_or("an unidentified license".to_string(), |r| {
            r.facts.name.clone()
        });
    let has = |name: &str| input.info.siblings.iter().any(|s| s.rfilename == name);
    let mut c = Vec::new();
    let weights_present = matches!(
        input.weights.availability,
        Availability::Open | Availability::Gated
    );
    c.push(match (weights_present, open, input.weights.availability) {
        (_, _, Availability::Absent) => element(
            "model parameters (final)",
            ElementVerdict::Missing,
            "no weight files in the repository",
        ),
        (true, true, _) => element(
            "model parameters (final)",
            ElementVerdict::Found,
            format!("weights under {license}"),
        ),
        (true, false, _) if input.rule.is_some() => element(
            "model parameters (final)",
            ElementVerdict::NotOpen,
            format!("weights under {license}, which the MOF does not count as open"),
        ),
        _ => element(
            "model parameters (final)",
            ElementVerdict::Unknown,
            "the weights or their license could not be established",
        ),
    });
    let arch = has("config.json") || input.info.config.is_some();
    c.push(match (arch, open) {
        (true, true) => element(
            "model architecture",
            ElementVerdict::Found,
            format!("config.json under {license}"),
        ),
        (true, false) if input.rule.is_some() => element(
            "model architecture",
            ElementVerdict::NotOpen,
            format!("config.json under {license}"),
        ),
        (false, _) if !input.info.siblings.is_empty() => element(
            "model architecture",
            ElementVerdict::Missing,
            "no config.json in the repository",
        ),
        _ => element(
            "model architecture",
            ElementVerdict::Unknown,
            "the architecture's license could not be established",
        ),
    });
    c.push(if has("README.md") || input.readme_body.is_some() {
        if open {
            element("model card", ElementVerdict::Found, "README.md")
        } else {
            element(
                "model card",
                ElementVerdict::NotOpen,
                format!("README.md under {license}"),
            )
        }
    } else {
        element("model card", ElementVerdict::Missing, "no README.md")
    });
    c.push(if input.datasets.is_empty() {
        element(
            "data card",
            ElementVerdict::Unknown,
            "the card names no dataset whose card could serve",
        )
    } else if let Some(e) = data_card_component(input.datasets, input.linked) {
        e
    } else if input.linked.data_cards.is_empty() {
        element(
            "data card",
            ElementVerdict::Unknown,
            if input.linked.enabled {
                "named datasets have cards on the Hub; they were not read (no request was sent)"
            } else {
                "named datasets have cards on the Hub; they are read with --links"
            },
        )
    } else {
        element(
            "data card",
            ElementVerdict::Unknown,
            "the named datasets' cards were read; not every one describes its data's sources and processing under an open license",
        )
    });
    let arxiv: Vec<&str> = input
        .info
        .tags
        .iter()
        .filter_map(|t| t.strip_prefix("arxiv:"))
        .collect();
    c.push(if arxiv.is_empty() {
        element("technical report", ElementVerdict::Unknown, "no arXiv paper is tagged; a report may exist elsewhere")
    } else {
        element("technical report", ElementVerdict::Unknown, format!("arXiv {} is tagged; its license is not known (arXiv's default license is not open)", arxiv.join(", ")))
    });
    let evals = input
        .info
        .card_data
        .as_ref()
        .and_then(|c| c.get("model-index"))
        .is_some_and(|v| !v.is_null());
    c.push(if evals {
        element(
            "evaluation results",
            ElementVerdict::Found,
            "model-index in the card metadata",
        )
    } else {
        element(
            "evaluation results",
            ElementVerdict::Unknown,
            "no model-index in the card; results may be in the prose or a report",
        )
    });
    c.push(if code_link {
        element(
            "training code",
            ElementVerdict::Unknown,
            "a code repository is linked; its license is not checked",
        )
    } else {
        element(
            "training code",
            ElementVerdict::Unknown,
            "no training code is linked",
        )
    });
    // The linked repositories' and papers' findings replace what the repository alone left
    // unknown.
    for (component, f) in &j.components {
        let name = component.to_ascii_lowercase();
        match c.iter_mut().find(|e| e.name == name) {
            Some(e) if e.verdict == ElementVerdict::Unknown => *e = from_finding(&name, f),
            Some(_) => {}
            None => c.push(from_finding(&name, f)),
        }
    }
    // The Tool's record, cited, for the components isopen's own evidence left unknown.
    if let Some(m) = &j.mot {
        for name in m.record.counted() {
            let lower = name.to_ascii_lowercase();
            let license = m
                .record
                .release
                .components
                .iter()
                .find(|x| x.name == name)
                .and_then(|x| m.record.license_of(x))
                .unwrap_or_default();
            let e = Element {
                name: lower.clone(),
                verdict: ElementVerdict::Found,
                reason: format!("the Model Openness Tool record lists it under {license}"),
                source: Some(record_source(m)),
            };
            match c.iter_mut().find(|x| x.name == lower) {
                Some(x) if x.verdict == ElementVerdict::Unknown => *x = e,
                Some(_) => {}
                None => c.push(e),
            }
        }
    }
    // A class is denied only on evidence that a required Class III component is closed: under a
    // license that is not open, or — for the weights — absent from the model's own repository.
    // A file not found (no config.json, no README) is a lack of evidence, not a denial: the
    // component may live in a linked repository or a paper. Otherwise the class is the best
    // the found components reach, or undecided.
    let decided_none = c.iter().any(|e| {
        (e.verdict == ElementVerdict::NotOpen
            || (e.verdict == ElementVerdict::Missing && e.name == "model parameters (final)"))
            && mot::COMPONENTS.iter().any(|(n, class, required, _)| {
                *class == MofClass::ClassIII && *required && n.to_ascii_lowercase() == e.name
            })
    });
    let found: Vec<&str> = mot::COMPONENTS
        .iter()
        .map(|(n, ..)| *n)
        .filter(|n| {
            c.iter()
                .any(|e| e.name == n.to_ascii_lowercase() && e.verdict == ElementVerdict::Found)
        })
        .collect();
    let class = if decided_none {
        Some(MofClass::NoClass)
    } else {
        mot::class_of(&found)
    };
    (class, c)
}

/// European Open Source AI Index parameters the repository can decide.
fn osai_index(input: &OpennessInput) -> Vec<Element> {
    let mut out = Vec::new();
    let osi = input.rule.is_some_and(|r| r.facts.osi_approved);
    match input.weights.availability {
        Availability::Open if osi => out.push(element(
            "weights",
            ElementVerdict::Open,
            "downloadable without a gate under an OSI-approved license",
        )),
        Availability::Open => out.push(element(
            "weights",
            ElementVerdict::Partial,
            "downloadable, but under a license that is not OSI-approved",
        )),
        Availability::Gated => out.push(element(
            "weights",
            ElementVerdict::Partial,
            "behind an access request",
        )),
        Availability::Absent => out.push(element(
            "weights",
            ElementVerdict::Closed,
            "no weights in the repository",
        )),
        // Nothing to decide the parameter from: it is left out.
        Availability::Unknown => {}
    }
    if input.datasets.is_empty() {
        out.push(element(
            "data",
            ElementVerdict::Closed,
            "the card names no training data",
        ));
    } else {
        let open = input.datasets.iter().filter(|d| d.open()).count();
        let v = if open == input.datasets.len() {
            ElementVerdict::Open
        } else if open > 0 {
            ElementVerdict::Partial
        } else {
            ElementVerdict::Closed
        };
        out.push(element(
            "data",
            v,
            format!(
                "{open} of {} named datasets are openly licensed and downloadable",
                input.datasets.len()
            ),
        ));
    }
    let arxiv = input.info.tags.iter().any(|t| t.starts_with("arxiv:"));
    if arxiv {
        out.push(element(
            "preprint",
            ElementVerdict::Open,
            "an arXiv paper is tagged",
        ));
    }
    match input.readme_body {
        Some(b) if b.trim().len() < 200 => out.push(element(
            "model card",
            ElementVerdict::Closed,
            "the card has almost no prose",
        )),
        None if !input
            .info
            .siblings
            .iter()
            .any(|s| s.rfilename == "README.md") =>
        {
            out.push(element(
                "model card",
                ElementVerdict::Closed,
                "no model card",
            ))
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights(availability: Availability) -> Weights {
        serde_json::from_value(serde_json::json!({
            "availability": availability, "gating": null, "formats": [],
            "parameters": null, "bytes": null
        }))
        .unwrap()
    }

    #[test]
    fn a_class_is_never_denied_for_a_file_not_found() {
        // Open weights, no config.json, no README, under no identified license: nothing shows a
        // required component closed, so the class is undecided, not `none`.
        let info = ModelInfo {
            id: "acme/open".into(),
            siblings: vec![crate::snapshot::Sibling {
                rfilename: "model.safetensors".into(),
                ..Default::default()
            }],
            ..ModelInfo::default()
        };
        let linked = LinkedEvidence::default();
        let class = |availability| {
            let w = weights(availability);
            assess(&OpennessInput {
                rule: None,
                verdict: Verdict::Unknown,
                weights: &w,
                datasets: &[],
                info: &info,
                readme_body: None,
                model_id: "acme/open",
                linked: &linked,
                dataset_lookups: &[],
            })
            .mof_class
        };
        assert_eq!(class(Availability::Open), None);
        assert_eq!(class(Availability::Absent), Some(MofClass::NoClass));
    }

    #[test]
    fn training_code_needs_words_and_a_link() {
        assert!(
            training_code_link("The training code is at https://github.com/acme/train.").is_some()
        );
        assert!(training_code_link("See https://github.com/acme/demo for a demo.").is_none());
        assert!(training_code_link("Our training code will be released.").is_none());
        assert!(
            training_code_link(
                "Inference only; no training code is published: https://github.com/acme/run"
            )
            .is_none()
        );
        assert!(
            training_code_link("Trained with [PyTorch](https://github.com/pytorch/pytorch) code")
                .is_none()
        );
        assert!(training_code_link("intro\n- Training, inference and fine-tuning code: https://github.com/allenai/OLMo\n").is_some());
    }
}
