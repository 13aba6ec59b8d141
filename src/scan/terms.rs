//! What a model's terms ask of the project that uses it, given the project's declared license
//! and the notices its root files carry:
//!
//! - `model-terms-not-passed-on` (high): the model's terms forbid commercial use, and the
//!   project declares an open license that allows it: whoever takes the project on its license
//!   is not told the model may not be used so.
//! - `model-license-incompatible` (high): the model's terms are copyleft or share-alike (the
//!   same license for adaptations, the corresponding source), and the project is permissive.
//! - `model-notice-missing` (medium): the model's terms require a notice (a "Built with ..."
//!   line, a `Notice` file, a copy of the agreement) that the repository's README, NOTICE and
//!   license files do not carry.
//!
//! Each risk cites the project's license declaration, the model's terms, and where the model
//! is referenced. Only an assessed model is judged: a failed audit has no terms to compare.

use std::sync::LazyLock;

use regex::Regex;

use super::Declaration;
use crate::report::{ModelReport, Status};
use crate::vocab::{ClauseKind, Evidence, FoundAt, Risk, RiskCode, Verdict};

/// A root file that may carry notices (`README.md`, `NOTICE`, `LICENSE`, `THIRD_PARTY_NOTICES`).
pub fn carries_notices(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "README",
        "NOTICE",
        "LICENSE",
        "LICENCE",
        "THIRD",
        "ATTRIBUTION",
        "ACKNOWLEDG",
        "COPYING",
    ]
    .iter()
    .any(|p| upper.starts_with(p))
}

/// The project as the terms see it.
#[derive(Debug, Clone, Copy)]
pub struct Project<'a> {
    pub license: &'a [Declaration],
    /// Root files that may carry notices: `(name, text)`.
    pub notices: &'a [(String, String)],
}

/// A quoted phrase to display (`show "Built with Llama"`).
static DISPLAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)"((?:built|powered|made) (?:with|on|using) [^"]{2,80})""#)
        .expect("valid regex")
});
static NOTICE_FILE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)"notice" (?:text )?file"#).expect("valid regex"));
static AGREEMENT_COPY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bcopy of (?:the|this|these) (?:agreement|terms)").expect("valid regex")
});
static SHARE_ALIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bsame license\b|share-?alike|\bcopyleft\b|corresponding source|must be provided under this license",
    )
    .expect("valid regex")
});

/// The scan's risks for one model report.
pub fn risks(model: &ModelReport, project: Project, found_at: &[FoundAt]) -> Vec<Risk> {
    if model.status != Status::Ok {
        return Vec::new();
    }
    let Some(use_) = &model.commercial_use else {
        return Vec::new();
    };
    let license_id = model.license.as_ref().map_or("unknown", |l| l.id.as_str());
    let used_at = used_at(found_at);
    let mut out = Vec::new();

    if use_.verdict == Verdict::Prohibited
        && let Some(d) = project.license.iter().find(|d| d.commercial)
    {
        let mut evidence = vec![declared(d)];
        evidence.extend(use_.evidence.iter().take(2).cloned());
        evidence.extend(used_at.clone());
        out.push(RiskCode::ModelTermsNotPassedOn.risk(
            format!(
                "the project is licensed {} (commercial use allowed) but the model's terms ({license_id}) forbid commercial use; say so to the project's users, or choose another model",
                d.id
            ),
            evidence,
        ));
    }

    let share_alike = use_
        .obligations
        .iter()
        .find(|o| SHARE_ALIKE.is_match(o))
        .map(|o| terms(o, license_id))
        .or_else(|| {
            model.license.as_ref().and_then(|l| {
                l.clauses
                    .iter()
                    .find(|c| c.kind == ClauseKind::ShareAlike)
                    .map(|c| c.evidence.clone())
            })
        });
    if let Some(terms_evidence) = share_alike
        && !project.license.is_empty()
        && project.license.iter().all(|d| d.permissive)
    {
        let d = &project.license[0];
        let mut evidence = vec![declared(d), terms_evidence];
        evidence.extend(used_at.clone());
        out.push(RiskCode::ModelLicenseIncompatible.risk(
            format!(
                "the model's terms ({license_id}) are copyleft or share-alike, and the project is licensed {} (permissive): what is built from the model may have to stay under its terms",
                d.id
            ),
            evidence,
        ));
    }

    let carried = normalize(
        &project
            .notices
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let has_notice_file = project
        .notices
        .iter()
        .any(|(n, _)| n.to_ascii_uppercase().starts_with("NOTICE"));
    // The agreement's full name: an id (`llama3.1`) also appears in commands and model
    // names, and would pass for a reference to the agreement.
    let names: Vec<String> = model
        .license
        .iter()
        .filter_map(|l| l.name.as_deref())
        .map(|n| n.trim_end_matches(" (revision unverified)"))
        .filter(|n| n.len() >= 12)
        .map(normalize)
        .collect();
    let mut missing: Vec<(String, Evidence)> = Vec::new();
    for o in &use_.obligations {
        for c in DISPLAY.captures_iter(o) {
            let phrase = &c[1];
            if !carried.contains(&normalize(phrase)) {
                missing.push((format!("the notice \"{phrase}\""), terms(o, license_id)));
            }
        }
        if NOTICE_FILE.is_match(o) && !has_notice_file {
            missing.push(("a NOTICE file".into(), terms(o, license_id)));
        }
        if AGREEMENT_COPY.is_match(o) && !names.iter().any(|n| carried.contains(n)) {
            missing.push((
                "a copy of (or a reference to) the model's agreement".into(),
                terms(o, license_id),
            ));
        }
    }
    missing.dedup_by(|a, b| a.0 == b.0);
    if !missing.is_empty() {
        let what: Vec<String> = missing.iter().map(|(w, _)| w.clone()).collect();
        let mut evidence: Vec<Evidence> = missing.into_iter().map(|(_, e)| e).collect();
        evidence.extend(used_at);
        out.push(RiskCode::ModelNoticeMissing.risk(
            format!(
                "the model's terms ({license_id}) require {} where the model or a product built with it is distributed; the repository's README, NOTICE and license files do not carry it",
                what.join(", ")
            ),
            evidence,
        ));
    }
    out
}

fn declared(d: &Declaration) -> Evidence {
    Evidence {
        file: Some(d.file.clone()),
        line: d.line,
        quote: d.quote.clone(),
        rule: None,
    }
}

fn terms(obligation: &str, license_id: &str) -> Evidence {
    Evidence {
        file: None,
        line: None,
        quote: obligation.to_string(),
        rule: Some(license_id.to_string()),
    }
}

/// Where the model is referenced, as evidence (the first three places).
fn used_at(found_at: &[FoundAt]) -> Vec<Evidence> {
    found_at
        .iter()
        .take(3)
        .map(|f| Evidence {
            file: Some(f.file.clone()),
            line: Some(f.line),
            quote: format!("the model is referenced here ({})", f.form.as_str()),
            rule: None,
        })
        .collect()
}

/// Lower case, runs of whitespace as one space, curly quotes straight: a notice is carried
/// whatever its wrapping or typography.
fn normalize(s: &str) -> String {
    s.replace(['\u{201c}', '\u{201d}'], "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Source;
    use crate::report::{CommercialUse, LicenseReport};
    use crate::vocab::Form;

    fn model(verdict: Verdict, obligations: &[&str]) -> ModelReport {
        let mut m = ModelReport::failed(
            "org/x",
            Source::Huggingface,
            crate::vocab::ErrorKind::Internal,
            String::new(),
        );
        m.status = Status::Ok;
        m.error = None;
        m.license = Some(LicenseReport {
            id: "llama3.1".into(),
            name: Some("Llama 3.1 Community License Agreement".into()),
            spdx: None,
            declared: None,
            confidence: 0.9,
            osi_approved: Some(false),
            sources: Vec::new(),
            clauses: Vec::new(),
            revision_unverified: false,
        });
        m.commercial_use = Some(CommercialUse {
            verdict,
            conditions: Vec::new(),
            obligations: obligations.iter().map(|s| s.to_string()).collect(),
            evidence: Vec::new(),
        });
        m
    }

    fn mit() -> Vec<Declaration> {
        vec![Declaration {
            id: "MIT".into(),
            file: "LICENSE".into(),
            line: Some(1),
            quote: "MIT License".into(),
            permissive: true,
            commercial: true,
        }]
    }

    fn codes(m: &ModelReport, notices: &[(String, String)]) -> Vec<RiskCode> {
        let at = [FoundAt {
            file: "app.py".into(),
            line: 3,
            column: 5,
            form: Form::FromPretrained,
        }];
        risks(
            m,
            Project {
                license: &mit(),
                notices,
            },
            &at,
        )
        .into_iter()
        .map(|r| r.code)
        .collect()
    }

    #[test]
    fn notices_carried_or_not() {
        let m = model(
            Verdict::Conditional,
            &[
                "show \"Built with Llama\" prominently",
                "give every recipient a copy of the agreement",
            ],
        );
        assert_eq!(codes(&m, &[]), [RiskCode::ModelNoticeMissing]);
        // The license id in a command is no reference to the agreement.
        let id_only = vec![(
            "README.md".to_string(),
            "Built with Llama. Run `ollama run llama3.1`.".to_string(),
        )];
        assert_eq!(codes(&m, &id_only), [RiskCode::ModelNoticeMissing]);
        let readme = vec![(
            "README.md".to_string(),
            "Built  with\nLlama. Licensed under the Llama 3.1 Community License Agreement."
                .to_string(),
        )];
        assert_eq!(codes(&m, &readme), []);
    }

    #[test]
    fn non_commercial_and_share_alike() {
        let nc = model(Verdict::Prohibited, &[]);
        assert_eq!(codes(&nc, &[]), [RiskCode::ModelTermsNotPassedOn]);
        let sa = model(
            Verdict::Allowed,
            &["share adaptations only under the same license or a compatible one"],
        );
        assert_eq!(codes(&sa, &[]), [RiskCode::ModelLicenseIncompatible]);
        assert_eq!(codes(&model(Verdict::Allowed, &[]), &[]), []);
    }
}
