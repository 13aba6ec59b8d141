//! Openness by three public yardsticks, from what the repository shows: the OSI's Open Source AI
//! Definition (parameters, code and data information, each under OSI-approved terms), the Model
//! Openness Framework's components and classes, and the European Open Source AI Index's
//! parameters. A pass needs evidence; a license restriction is enough for a fail; otherwise the
//! answer is unknown.

use std::sync::OnceLock;

use regex::Regex;

use crate::report::{DatasetReport, Element, Openness, Weights};
use crate::rules::Rule;
use crate::snapshot::ModelInfo;
use crate::vocab::{Availability, ElementVerdict, MofClass, Osaid, Verdict};

/// What the openness judgement reads.
pub struct OpennessInput<'a> {
    pub rule: Option<&'a Rule>,
    pub verdict: Verdict,
    pub weights: &'a Weights,
    pub datasets: &'a [DatasetReport],
    pub info: &'a ModelInfo,
    /// The README's prose, when it could be read.
    pub readme_body: Option<&'a str>,
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
    }
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

    // OSAID: code.
    let code_link = input.readme_body.and_then(training_code_link);
    let code = match &code_link {
        Some(url) => element(
            "code",
            ElementVerdict::Pass,
            format!(
                "the card links training code at {url} (its completeness and license are not verified)"
            ),
        ),
        None => element(
            "code",
            ElementVerdict::Unknown,
            "the card links no training code",
        ),
    };

    // OSAID: data information.
    let open_data = |d: &DatasetReport| {
        d.commercial_use == Verdict::Allowed && d.availability == Availability::Open
    };
    let data = if input.datasets.is_empty() {
        element(
            "data information",
            ElementVerdict::Unknown,
            "the card names no training data",
        )
    } else if input.datasets.iter().all(open_data) {
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
            .filter(|d| !open_data(d))
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

    let (mof_class, mof_components) = mof(input, code_link.is_some());
    Openness {
        osaid,
        reasons,
        mof_class,
        osaid_elements: elements,
        mof_components,
        osai_index: osai_index(input),
    }
}

/// MOF components from the repository, and the class when the evidence decides it. Class III
/// needs architecture, final parameters, model card, data card, technical report and evaluation
/// results, each under an open license; a missing or closed one means no class at all.
fn mof(input: &OpennessInput, code_link: bool) -> (Option<MofClass>, Vec<Element>) {
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
    } else {
        element(
            "data card",
            ElementVerdict::Unknown,
            "named datasets have cards on the Hub; their completeness is not judged",
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
    let decided_none = c
        .iter()
        .take(6)
        .any(|e| matches!(e.verdict, ElementVerdict::Missing | ElementVerdict::NotOpen));
    let class = decided_none.then_some(MofClass::NoClass);
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
        let open = input
            .datasets
            .iter()
            .filter(|d| {
                d.commercial_use == Verdict::Allowed && d.availability == Availability::Open
            })
            .count();
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
