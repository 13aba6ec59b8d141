//! A closed API model's report, from its catalog entry: the provider's terms are its license,
//! the commercial verdict is the terms' (never `allowed`: every provider binds use to a usage
//! policy), the weights are absent, and the risks are those of a hosted model (no weights,
//! restrictions on outputs, the provider's handling of data). An entry older than
//! `MAX_AGE_DAYS` on the audit's date says so in a note and lowers the confidence.

use super::{Fact, MAX_AGE_DAYS, Model, Provider};
use crate::report::{
    Answer, Business, CommercialUse, LicenseReport, ModelReport, Openness, ProviderTerms, Status,
    TermsDocument, TermsFact, TermsSource, Weights,
};
use crate::snapshot::Source;
use crate::vocab::{
    Availability, Date, Evidence, HardwareClass, MofClass, Osaid, RiskCode, Verdict, YesNo,
};

/// The report of `api:PROVIDER/MODEL` as audited on `today`.
pub fn report(provider: &Provider, model: &Model, today: Date) -> ModelReport {
    let display = format!("api:{}/{}", provider.id, model.id);
    let age = today.days() - provider.terms.checked.days();
    let stale = age > MAX_AGE_DAYS;
    let cite = |fact: &Fact| Evidence {
        file: Some(provider.file.clone()),
        line: (fact.line > 0).then_some(fact.line),
        quote: fact.summary.clone(),
        rule: None,
    };
    let verdict = provider.verdict;
    let mut notes = Vec::new();
    if stale {
        notes.push(format!(
            "the catalog's entry for {} was last checked against its sources on {} ({age} \
             days before this audit, more than {MAX_AGE_DAYS}): the terms may have changed \
             since; read {} before relying on it",
            provider.name, provider.terms.checked, provider.terms.url
        ));
    }
    notes.extend(provider.notes.iter().cloned());
    notes.extend(model.note.iter().cloned());

    let mut risks = vec![RiskCode::WeightsAbsent.risk(
        format!(
            "{} is served only through {}'s API: its weights are never provided, so it cannot be \
             self-hosted, inspected or kept",
            model.name, provider.name
        ),
        Vec::new(),
    )];
    if verdict == Verdict::Unknown {
        risks.push(RiskCode::EvidenceUnread.risk(
            format!(
                "{}'s terms ({}) were not read from a primary text: commercial use is unknown",
                provider.name, provider.terms.url
            ),
            vec![cite(&provider.commercial_use)],
        ));
    }
    if verdict == Verdict::Conditional {
        risks.push(RiskCode::CommercialConditions.risk(
            format!(
                "commercial use is bound by {} and the provider's usage policies",
                provider.terms.name
            ),
            vec![cite(&provider.commercial_use)],
        ));
    }
    let competing = &provider.competing_models;
    if competing.value != "none" {
        let message = match competing.value.as_str() {
            "restricted" => {
                "outputs may not be used to build models that compete with the provider"
            }
            "limited" => "some outputs may not be used to build competing models",
            _ => "whether outputs may be used to build other models could not be established",
        };
        risks.push(RiskCode::OutputUseRestriction.risk(message.into(), vec![cite(competing)]));
    }
    let training = &provider.trains_on_api_data;
    let retention = &provider.data_retention;
    let mut data = Vec::new();
    match training.value.as_str() {
        "yes" => data.push("the provider trains on API inputs and outputs by default"),
        "by-tier" => data.push("the provider trains on inputs and outputs of free tiers"),
        "unknown" => data.push("whether the provider trains on API data is not established"),
        _ => {}
    }
    match retention.value.as_str() {
        "retained" => data.push("the provider keeps inputs and outputs for a time"),
        "unknown" => data.push("how long the provider keeps inputs and outputs is not established"),
        _ => {}
    }
    if !data.is_empty() {
        let mut evidence = Vec::new();
        if training.value != "no" {
            evidence.push(cite(training));
        }
        if retention.value != "none" {
            evidence.push(cite(retention));
        }
        risks.push(RiskCode::ProviderDataRetention.risk(data.join("; "), evidence));
    }
    risks.sort_by_key(|r| std::cmp::Reverse(r.severity));

    let confidence = match (verdict, stale) {
        (Verdict::Unknown, _) => 0.0,
        (_, true) => 0.5,
        (_, false) => 0.9,
    };
    let conditions = if verdict == Verdict::Conditional {
        let mut c = vec![format!(
            "use is bound by {} and the provider's usage policies",
            provider.terms.name
        )];
        if competing.value == "restricted" || competing.value == "limited" {
            c.push(competing.summary.clone());
        }
        c
    } else {
        Vec::new()
    };
    let fact = |f: &Fact| TermsFact {
        value: f.value.clone(),
        summary: f.summary.clone(),
        source: f.source.clone(),
    };
    let privacy = match (training.value.as_str(), retention.value.as_str()) {
        ("no", "none") => "the provider neither trains on nor keeps API data by default",
        ("no", _) => "not self-hostable; the provider does not train on API data by default",
        _ => "not self-hostable; prompts and outputs go to the provider, see its data terms",
    };
    ModelReport {
        model: display,
        source: Source::Api,
        revision: None,
        status: Status::Ok,
        error: None,
        license: Some(LicenseReport {
            id: provider.terms.id.clone(),
            name: Some(provider.terms.name.clone()),
            spdx: None,
            declared: None,
            confidence,
            osi_approved: Some(false),
            sources: Vec::new(),
            clauses: Vec::new(),
            revision_unverified: false,
        }),
        commercial_use: Some(CommercialUse {
            verdict,
            conditions,
            obligations: Vec::new(),
            evidence: vec![cite(&provider.commercial_use)],
        }),
        weights: Some(Weights {
            availability: Availability::Absent,
            gating: None,
            formats: Vec::new(),
            parameters: None,
            bytes: None,
            parameters_estimated: false,
            serving_memory: None,
        }),
        datasets: Vec::new(),
        lineage: Vec::new(),
        openness: Some(Openness {
            osaid: Osaid::Fail,
            reasons: vec![
                "a hosted API model: no weights, code or data are released under any terms".into(),
            ],
            mof_class: Some(MofClass::NoClass),
            osaid_elements: Vec::new(),
            mof_components: Vec::new(),
            osai_index: Vec::new(),
            evidence: Vec::new(),
            indexes: Vec::new(),
        }),
        risks,
        policy: None,
        note: None,
        owner: None,
        business: Some(Business {
            self_hosting: Answer {
                answer: YesNo::No,
                reason: privacy.into(),
            },
            hardware: Answer {
                answer: HardwareClass::Unknown,
                reason: "none of yours: the provider serves it and bills by use (prices are not \
                         in the catalog)"
                    .into(),
            },
            fine_tuning: Answer {
                answer: YesNo::Unknown,
                reason: "the weights cannot be fine-tuned outside the provider's service; the \
                         catalog records no fine-tuning terms"
                    .into(),
            },
            downloads: None,
            likes: None,
            last_modified: None,
        }),
        notes,
        found_at: Vec::new(),
        provider_terms: Some(ProviderTerms {
            provider: provider.id.clone(),
            provider_name: provider.name.clone(),
            model_name: model.name.clone(),
            terms: TermsDocument {
                id: provider.terms.id.clone(),
                name: provider.terms.name.clone(),
                url: provider.terms.url.clone(),
                effective: provider.terms.effective.map(|d| d.to_string()),
                checked: provider.terms.checked.to_string(),
            },
            output_ownership: fact(&provider.output_ownership),
            competing_models: fact(competing),
            trains_on_api_data: fact(training),
            data_retention: fact(retention),
            regions: fact(&provider.regions),
            self_hosting: false,
            sources: provider
                .sources
                .iter()
                .map(|s| TermsSource {
                    id: s.id.clone(),
                    url: s.url.clone(),
                    read: s.read.clone(),
                    checked: s.checked.to_string(),
                })
                .collect(),
            catalog_age_days: age,
            stale,
        }),
    }
}
