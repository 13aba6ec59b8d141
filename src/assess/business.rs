//! The questions a business asks before adopting a model, answered from the rest of the audit:
//! can we host it ourselves, on what hardware, may we fine-tune it and sell the result, and is
//! anyone using and maintaining it.

use crate::report::{Answer, Business, Weights};
use crate::rules::{Permission, Rule};
use crate::snapshot::ModelInfo;
use crate::vocab::{Availability, HardwareClass, Verdict, YesNo};

fn answer<A>(answer: A, reason: impl Into<String>) -> Answer<A> {
    Answer {
        answer,
        reason: reason.into(),
    }
}

pub fn assess(
    verdict: Verdict,
    rule: Option<&Rule>,
    weights: &Weights,
    info: &ModelInfo,
) -> Business {
    let self_hosting = match (weights.availability, verdict) {
        (Availability::Absent, _) => answer(YesNo::No, "the repository holds no weights to run"),
        (_, Verdict::Prohibited) => answer(YesNo::No, "the weights may not be used commercially"),
        (Availability::Open, Verdict::Allowed) => answer(
            YesNo::Yes,
            "the weights are downloadable and the license allows commercial use",
        ),
        (Availability::Open, Verdict::Conditional) => answer(
            YesNo::Conditional,
            "the weights are downloadable; the license's conditions apply",
        ),
        (Availability::Gated, Verdict::Conditional) => answer(
            YesNo::Conditional,
            "after an access request, and under the license's conditions",
        ),
        (Availability::Gated, Verdict::Allowed) => answer(
            YesNo::Conditional,
            "the weights need an access request first",
        ),
        _ => answer(
            YesNo::Unknown,
            "the weights' availability or terms could not be established",
        ),
    };
    let hardware = match &weights.serving_memory {
        Some(m) => {
            let gb = |b: u64| b as f64 / 1e9;
            // The smallest common accelerator that holds the model at bf16.
            let class = match m.bf16_bytes {
                b if b <= 16_000_000_000 => HardwareClass::Gpu16Gb,
                b if b <= 24_000_000_000 => HardwareClass::Gpu24Gb,
                b if b <= 48_000_000_000 => HardwareClass::Gpu48Gb,
                b if b <= 80_000_000_000 => HardwareClass::Gpu80Gb,
                b if b <= 640_000_000_000 => HardwareClass::Server8x80Gb,
                _ => HardwareClass::MultiServer,
            };
            let labelled = info
                .gguf
                .as_ref()
                .and_then(|g| g.header.str("general.size_label"));
            // File sizes give an estimate only for unquantised formats; otherwise it came from
            // the size label.
            let from_sizes = weights
                .formats
                .iter()
                .any(|f| f == "safetensors" || f == "pytorch");
            let est = match labelled {
                _ if !weights.parameters_estimated => String::new(),
                Some(label) if !from_sizes => {
                    format!(" (parameters from the GGUF size label {label})")
                }
                _ => " (parameters estimated from file sizes)".to_string(),
            };
            answer(
                class,
                format!(
                    "about {:.1} GB at bf16, {:.1} GB at 4-bit, including 20% for activations{est}",
                    gb(m.bf16_bytes),
                    gb(m.int4_bytes)
                ),
            )
        }
        None => answer(HardwareClass::Unknown, "the parameter count is not known"),
    };
    let fine_tuning = match (verdict, rule.map(|r| r.facts.derivatives.fine_tune)) {
        (Verdict::Prohibited, _) => answer(
            YesNo::No,
            "the terms forbid commercial use, fine-tunes included",
        ),
        (Verdict::Unknown, _) | (_, None) => {
            answer(YesNo::Unknown, "the terms could not be established")
        }
        (_, Some(Permission::Prohibited)) => answer(
            YesNo::No,
            rule.map_or(String::new(), |r| r.facts.derivatives.summary.clone()),
        ),
        (Verdict::Allowed, Some(Permission::Allowed)) => answer(
            YesNo::Yes,
            rule.map_or(String::new(), |r| r.facts.derivatives.summary.clone()),
        ),
        (_, Some(Permission::Unknown)) => answer(
            YesNo::Unknown,
            rule.map_or(String::new(), |r| r.facts.derivatives.summary.clone()),
        ),
        _ => answer(
            YesNo::Conditional,
            rule.map_or(String::new(), |r| r.facts.derivatives.summary.clone()),
        ),
    };
    Business {
        self_hosting,
        hardware,
        fine_tuning,
        downloads: info.downloads,
        likes: info.likes,
        last_modified: info.last_modified.clone(),
    }
}
