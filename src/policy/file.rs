//! A policy file as written, and its validation: the raw shape deserialized strictly with the
//! spans of every value, then checked key by key into a `Policy`, every problem collected with
//! its line and column (an unknown action, severity, verdict, risk code or license id; an
//! exception without a reason or with a bad date; a clarification whose hash is not SHA-256).

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{Clarification, Exception, Policy};
use crate::diagnostic::{Code, Collector, SpannedMap, pos_of};
use crate::model_ref::ModelRef;
use crate::rules::RuleSet;
use crate::vocab::{Action, Date, RiskCode, Severity, Verdict};

// ---- the file as written ----

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    version: Option<Spanned<u32>>,
    #[serde(default)]
    commercial_use: SpannedMap,
    #[serde(default)]
    licenses: RawLicenses,
    #[serde(default)]
    weights: RawWeights,
    #[serde(default)]
    risks: SpannedMap,
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    exceptions: Vec<Spanned<RawException>>,
    #[serde(default)]
    clarifications: Vec<Spanned<RawClarification>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLicenses {
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    gated: Option<Spanned<String>>,
}

// Required fields are optional here so that a missing one is reported beside every other
// problem instead of stopping the parser.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    model: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
    expires: Option<Spanned<String>>,
    #[serde(default)]
    risks: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClarification {
    sha256: Option<Spanned<String>>,
    license: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
}

fn action(s: &str) -> Option<Action> {
    match s {
        "pass" => Some(Action::Pass),
        "warn" => Some(Action::Warn),
        "deny" => Some(Action::Deny),
        _ => None,
    }
}

fn severity(s: &str) -> Option<Severity> {
    match s {
        "high" => Some(Severity::High),
        "medium" => Some(Severity::Medium),
        "low" => Some(Severity::Low),
        _ => None,
    }
}

fn verdict(s: &str) -> Option<Verdict> {
    match s {
        "allowed" => Some(Verdict::Allowed),
        "conditional" => Some(Verdict::Conditional),
        "prohibited" => Some(Verdict::Prohibited),
        "unknown" => Some(Verdict::Unknown),
        _ => None,
    }
}

/// Turns each raw value into its typed form, reporting what does not fit where it was written.
pub(super) fn validate(raw: RawPolicy, rules: &RuleSet, found: &mut Collector<'_>) -> Policy {
    let mut p = Policy::default();
    if let Some(v) = &raw.version
        && v.value != 1
    {
        found.push(
            pos_of(v),
            Code::UnsupportedVersion,
            format!("version {} is not supported; use 1", v.value),
        );
    }
    for (k, v) in &raw.commercial_use.0 {
        let Some(vd) = verdict(&k.value) else {
            found.push(
                pos_of(k),
                Code::InvalidValue,
                format!(
                    "commercial_use.{}: expected allowed, conditional, prohibited or unknown",
                    k.value
                ),
            );
            continue;
        };
        match action(&v.value) {
            Some(a) => {
                p.commercial_use.insert(vd, a);
            }
            None => found.push(
                pos_of(v),
                Code::InvalidValue,
                format!(
                    "commercial_use.{}: {:?} is not pass, warn or deny",
                    k.value, v.value
                ),
            ),
        }
    }
    for (list, out, name) in [
        (&raw.licenses.allow, &mut p.allow, "allow"),
        (&raw.licenses.deny, &mut p.deny, "deny"),
    ] {
        for id in list {
            match rules.by_alias(&id.value) {
                Some(rule) => out.push(crate::license::identify::report_id(rule).to_string()),
                None => found.push(
                    pos_of(id),
                    Code::UnknownLicense,
                    format!(
                        "licenses.{name}: {:?} is not a known license id (see `isopen license list`)",
                        id.value
                    ),
                ),
            }
        }
    }
    if let Some(g) = &raw.weights.gated {
        match action(&g.value) {
            Some(a) => p.gated_weights = a,
            None => found.push(
                pos_of(g),
                Code::InvalidValue,
                format!("weights.gated: {:?} is not pass, warn or deny", g.value),
            ),
        }
    }
    for (k, v) in &raw.risks.0 {
        let Some(code) = RiskCode::parse(&k.value) else {
            found.push(
                pos_of(k),
                Code::UnknownRisk,
                format!(
                    "risks.{}: not a risk code (see the README's risk table)",
                    k.value
                ),
            );
            continue;
        };
        match v.value.as_str() {
            "off" => {
                p.severities.insert(code, None);
            }
            s => match severity(s) {
                Some(sev) => {
                    p.severities.insert(code, Some(sev));
                }
                None => found.push(
                    pos_of(v),
                    Code::InvalidValue,
                    format!(
                        "risks.{}: {:?} is not high, medium, low or off",
                        k.value, v.value
                    ),
                ),
            },
        }
    }
    if let Some(f) = &raw.fail_on {
        match f.value.as_str() {
            "none" => p.fail_on = None,
            s => match severity(s) {
                Some(sev) => p.fail_on = Some(sev),
                None => found.push(
                    pos_of(f),
                    Code::InvalidValue,
                    format!("fail_on: {:?} is not high, medium, low or none", f.value),
                ),
            },
        }
    }
    for (i, e) in raw.exceptions.iter().enumerate() {
        if let Some(x) = exception(i, e, found) {
            p.exceptions.push(x);
        }
    }
    for (i, c) in raw.clarifications.iter().enumerate() {
        if let Some(x) = clarification(i, c, rules, found) {
            p.clarifications.push(x);
        }
    }
    p
}

/// A required field, or a `missing-field` diagnostic at the entry.
fn required<'r, T>(
    field: &'r Option<Spanned<T>>,
    entry: &Spanned<impl Sized>,
    key: &str,
    found: &mut Collector<'_>,
) -> Option<&'r Spanned<T>> {
    if field.is_none() {
        found.push(
            pos_of(entry),
            Code::MissingField,
            format!("{key}: this entry needs it"),
        );
    }
    field.as_ref()
}

fn exception(i: usize, e: &Spanned<RawException>, found: &mut Collector<'_>) -> Option<Exception> {
    let key = |k: &str| format!("exceptions[{i}].{k}");
    let raw = &e.value;
    let model = required(&raw.model, e, &key("model"), found);
    let reason = required(&raw.reason, e, &key("reason"), found);
    let expires = required(&raw.expires, e, &key("expires"), found);
    let model_ref = model.and_then(|m| match ModelRef::parse(&m.value) {
        Ok(r) => Some(r),
        Err(_) => {
            found.push(
                pos_of(m),
                Code::InvalidModelRef,
                format!("{}: {:?} is not a model reference", key("model"), m.value),
            );
            None
        }
    });
    if let Some(r) = reason
        && r.value.trim().is_empty()
    {
        found.push(
            pos_of(r),
            Code::MissingField,
            format!("{}: an exception needs a reason", key("reason")),
        );
    }
    let date = expires.and_then(|x| {
        let d = Date::parse(&x.value);
        if d.is_none() {
            found.push(
                pos_of(x),
                Code::InvalidDate,
                format!(
                    "{}: {:?} is not a date (YYYY-MM-DD)",
                    key("expires"),
                    x.value
                ),
            );
        }
        d
    });
    let mut risks = Vec::new();
    for r in &raw.risks {
        match RiskCode::parse(&r.value) {
            Some(c) => risks.push(c),
            None => found.push(
                pos_of(r),
                Code::UnknownRisk,
                format!("{}: {:?} is not a risk code", key("risks"), r.value),
            ),
        }
    }
    let reason = reason.filter(|r| !r.value.trim().is_empty())?;
    let (model_ref, expires) = (model_ref?, date?);
    Some(Exception {
        model: model?.value.clone(),
        key: model_ref.key(),
        all_revisions: model_ref.any_revision(),
        reason: reason.value.clone(),
        expires,
        risks,
    })
}

fn clarification(
    i: usize,
    c: &Spanned<RawClarification>,
    rules: &RuleSet,
    found: &mut Collector<'_>,
) -> Option<Clarification> {
    let key = |k: &str| format!("clarifications[{i}].{k}");
    let raw = &c.value;
    let sha = required(&raw.sha256, c, &key("sha256"), found);
    let license = required(&raw.license, c, &key("license"), found);
    let reason = required(&raw.reason, c, &key("reason"), found);
    let hash = sha.and_then(|s| {
        let hash = s.value.trim().to_ascii_lowercase();
        let ok = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            found.push(
                pos_of(s),
                Code::InvalidValue,
                format!("{}: expected the 64 hex digits of a SHA-256", key("sha256")),
            );
        }
        ok.then_some(hash)
    });
    let rule = license.and_then(|l| {
        let rule = rules.by_alias(&l.value);
        if rule.is_none() {
            found.push(
                pos_of(l),
                Code::UnknownLicense,
                format!(
                    "{}: {:?} is not a known license id",
                    key("license"),
                    l.value
                ),
            );
        }
        rule
    });
    if let Some(r) = reason
        && r.value.trim().is_empty()
    {
        found.push(
            pos_of(r),
            Code::MissingField,
            format!("{}: a clarification needs a reason", key("reason")),
        );
    }
    let reason = reason.filter(|r| !r.value.trim().is_empty())?;
    Some(Clarification {
        sha256: hash?,
        license: rule?.facts.id.clone(),
        reason: reason.value.clone(),
    })
}
