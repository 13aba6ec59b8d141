//! The five questions a business asks of every candidate, answered for open and closed models
//! alike from the report: self-hosting and data privacy, compute cost, fine-tuning rights,
//! support and community, long-term viability. Each answer is a short word and its reason;
//! what the report does not establish is `unknown`, never guessed.

use crate::report::{Availability, ModelReport, Source, Status};

/// One answered question: the short answer and why.
pub struct Answered {
    pub answer: String,
    pub reason: String,
}

fn a(answer: impl Into<String>, reason: impl Into<String>) -> Answered {
    Answered {
        answer: answer.into(),
        reason: reason.into(),
    }
}

pub const QUESTIONS: [&str; 5] = [
    "Self-hosting and data privacy",
    "Compute cost",
    "Fine-tuning rights",
    "Support and community",
    "Long-term viability",
];

/// The answers to `QUESTIONS`, in order; `None` for a model that could not be audited.
pub fn answer(m: &ModelReport) -> Option<[Answered; 5]> {
    if m.status == Status::Error {
        return None;
    }
    let business = m.business.as_ref();
    let availability = m.weights.as_ref().map(|w| w.availability);
    if let Some(t) = &m.provider_terms {
        let privacy = format!(
            "hosted by {} only. Trains on API data by default: {}. {} Retention: {}. {}",
            t.provider_name,
            t.trains_on_api_data.value,
            t.trains_on_api_data.summary,
            t.data_retention.value,
            t.data_retention.summary
        );
        let viability = format!(
            "{} can change its terms or retire the model, and no copy of the weights can be \
             kept; terms last checked {}{}",
            t.provider_name,
            t.terms.checked,
            if t.stale { " (stale)" } else { "" }
        );
        return Some([
            a("no", privacy),
            a(
                "billed by use",
                "no hardware of yours; the provider's prices are not in the catalog",
            ),
            a(
                "unknown",
                business.map_or(String::new(), |b| b.fine_tuning.reason.clone()),
            ),
            a(
                "unknown",
                format!(
                    "a commercial provider ({}); its support terms are not in the catalog",
                    t.provider_name
                ),
            ),
            a("provider-dependent", viability),
        ]);
    }
    let (hosting, hardware, tuning) = match business {
        Some(b) => (
            a(
                b.self_hosting.answer.as_str(),
                format!(
                    "{}{}",
                    b.self_hosting.reason,
                    if b.self_hosting.answer.as_str() == "no" {
                        ""
                    } else {
                        "; self-hosted, prompts and outputs stay on your machines"
                    }
                ),
            ),
            a(b.hardware.answer.as_str(), b.hardware.reason.clone()),
            a(b.fine_tuning.answer.as_str(), b.fine_tuning.reason.clone()),
        ),
        None => (
            a("unknown", "not assessed"),
            a("unknown", "not assessed"),
            a("unknown", "not assessed"),
        ),
    };
    let community = match business.map(|b| (b.downloads, b.likes)) {
        Some((Some(d), likes)) => a(
            "signals",
            format!(
                "{d} downloads{}",
                likes.map_or(String::new(), |l| format!(", {l} likes"))
            ),
        ),
        _ if m.source == Source::Local || m.source == Source::Gguf => {
            a("unknown", "a file on disk: no hub signals to read")
        }
        _ => a("unknown", "the source gives no usage signals"),
    };
    let updated = business
        .and_then(|b| b.last_modified.clone())
        .map_or(String::new(), |d| format!("; last updated {d}"));
    let viability = match availability {
        Some(Availability::Open) => a(
            "copy can be kept",
            format!("the weights are downloadable, so a copy outlives the publisher{updated}"),
        ),
        Some(Availability::Gated) => a(
            "copy can be kept",
            format!("after an access request the weights can be kept{updated}"),
        ),
        Some(Availability::Absent) => a("no copy", format!("no weights to keep{updated}")),
        _ => a(
            "unknown",
            format!("the weights' availability is not known{updated}"),
        ),
    };
    Some([hosting, hardware, tuning, community, viability])
}
