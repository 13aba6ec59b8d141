//! A metadata verdict for one listed model, with the same rules and the same assessment as
//! `audit`: the listing entry becomes a snapshot whose card and license files are listed but
//! not read, so the assessment's own rule applies — evidence that exists but was not read never
//! lets `allowed` through. What the listing does say (a non-commercial tag, a gated repository,
//! a license name no rule knows) stands, so the census finds restrictions hub-wide and leaves
//! `allowed` to the full audits of the escalation pass. Ancestors are not followed here: the
//! model is judged on its own terms, and the lineage join adds its bases' terms.

use serde::Serialize;

use super::listing::Listed;
use crate::assess::{self, Context};
use crate::license::identify::SourceKind;
use crate::report::ModelReport;
use crate::rules::RuleSet;
use crate::snapshot::{FetchedFile, FileOutcome, Snapshot, Source, is_license_file};
use crate::vocab::{RiskCode, Verdict};

/// Why a listed file is unread in a census row.
pub const NOT_READ: &str = "not read: the census reads the Hub's listing only";

/// One model's row: flat columns for a query engine. Lists are lists of strings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub model: String,
    pub author: Option<String>,
    pub sha: Option<String>,
    pub last_modified: Option<String>,
    pub downloads: Option<u64>,
    pub likes: Option<u64>,
    /// `ungated`, `auto`, `manual`, or null when the listing did not say.
    pub gated: Option<String>,
    pub parameters: Option<u64>,
    /// The card's `license` (and `license_name` for `other`), verbatim.
    pub license_declared: Option<String>,
    /// The license isopen concluded (a Hub id, a rule id, or `unknown`).
    pub license: String,
    pub license_spdx: Option<String>,
    /// The verdict of the license the card declares, taken alone; null when no rule knows it.
    pub declared_verdict: Option<Verdict>,
    /// Commercial use on the model's own terms, from the listing (`depth`).
    pub verdict: Verdict,
    /// `metadata` (the listing) or `full` (an audit of the files).
    pub depth: String,
    pub base_models: Vec<String>,
    pub base_relations: Vec<String>,
    pub datasets: Vec<String>,
    /// Risk codes, in the report's order.
    pub risks: Vec<String>,
    /// Files the listing shows that carry terms and were not read (README.md, LICENSE…).
    pub unread: Vec<String>,
}

/// The snapshot `audit` would assess if it had read nothing but the listing. The card is
/// unread even when the listing shows no files (a dump without `siblings`, a listing that
/// left them out): the card data and the tags come from a README the census did not read.
pub fn snapshot(listed: &Listed) -> Snapshot {
    let unread = |path: &str| FetchedFile {
        path: path.to_string(),
        outcome: FileOutcome::Unavailable {
            reason: NOT_READ.into(),
        },
    };
    let mut files: Vec<FetchedFile> = listed
        .info
        .siblings
        .iter()
        .filter(|s| s.rfilename == "README.md" || is_license_file(&s.rfilename))
        .map(|s| unread(&s.rfilename))
        .collect();
    if !files.iter().any(|f| f.path == "README.md") {
        files.insert(0, unread("README.md"));
    }
    Snapshot {
        model: listed.info.id.clone(),
        source: Source::Huggingface,
        revision: listed.info.sha.clone(),
        info: listed.info.clone(),
        files,
        notes: Vec::new(),
    }
}

/// Judges one listed model: its report (metadata only) and its row.
pub fn judge(listed: &Listed, rules: &RuleSet) -> (ModelReport, Row) {
    let snap = snapshot(listed);
    let ctx = Context {
        own_terms_only: true,
        ..Context::default()
    };
    let mut report = assess::assess(&snap, rules, &ctx);
    report
        .notes
        .push("metadata only: the census read the Hub's listing, not the files".into());
    let row = row(listed, &report, &snap, rules);
    (report, row)
}

/// The strictest verdict among the licenses the card's metadata names, each taken alone.
fn declared_verdict(report: &ModelReport, rules: &RuleSet) -> Option<Verdict> {
    report
        .license
        .as_ref()?
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::CardMetadata)
        .filter_map(|s| rules.get(&s.id).or_else(|| rules.by_hub_id(&s.id)))
        .map(|r| r.facts.verdict)
        .max_by_key(|v| v.restrictiveness())
}

fn row(listed: &Listed, report: &ModelReport, snap: &Snapshot, rules: &RuleSet) -> Row {
    let info = &listed.info;
    let mut bases: Vec<(String, String)> = report
        .lineage
        .iter()
        .filter(|l| l.depth <= 1)
        .map(|l| (l.model.clone(), l.relation.as_str().to_string()))
        .collect();
    for (id, rel) in &listed.base_models {
        if !bases.iter().any(|(b, _)| b.eq_ignore_ascii_case(id)) {
            bases.push((id.clone(), rel.as_str().to_string()));
        }
    }
    let license = report.license.as_ref();
    Row {
        model: info.id.clone(),
        author: info.author.clone(),
        sha: info.sha.clone(),
        last_modified: info.last_modified.clone(),
        downloads: info.downloads,
        likes: info.likes,
        gated: info.gated.report().map(|g| g.as_str().to_string()),
        parameters: info.safetensors.as_ref().and_then(|s| s.total),
        license_declared: license.and_then(|l| l.declared.clone()),
        license: license.map_or_else(|| "unknown".to_string(), |l| l.id.clone()),
        license_spdx: license.and_then(|l| l.spdx.clone()),
        declared_verdict: declared_verdict(report, rules),
        verdict: report
            .commercial_use
            .as_ref()
            .map_or(Verdict::Unknown, |c| c.verdict),
        depth: "metadata".into(),
        base_relations: bases.iter().map(|(_, r)| r.clone()).collect(),
        base_models: bases.into_iter().map(|(b, _)| b).collect(),
        datasets: report.datasets.iter().map(|d| d.id.clone()).collect(),
        risks: report
            .risks
            .iter()
            .map(|r| r.code.code().to_string())
            .collect(),
        unread: snap.files.iter().map(|f| f.path.clone()).collect(),
    }
}

/// Does the row carry a risk?
pub fn has_risk(row: &Row, code: RiskCode) -> bool {
    row.risks.iter().any(|r| r == code.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::census::listing::parse_page;

    fn judged(entry: &str) -> Row {
        let page = parse_page(format!("[{entry}]").as_bytes()).unwrap();
        judge(&page.models[0], &RuleSet::builtin().unwrap()).1
    }

    #[test]
    fn a_permissive_tag_with_unread_files_is_not_allowed() {
        let row = judged(
            r#"{"id": "org/m", "cardData": {"license": "apache-2.0"}, "tags": ["license:apache-2.0"],
                "siblings": [{"rfilename": "README.md"}, {"rfilename": "LICENSE"}]}"#,
        );
        assert_eq!(row.license, "apache-2.0");
        assert_eq!(row.declared_verdict, Some(Verdict::Allowed));
        assert_ne!(row.verdict, Verdict::Allowed);
        assert_eq!(row.unread, vec!["README.md", "LICENSE"]);
        assert!(has_risk(&row, RiskCode::EvidenceUnread));
    }

    #[test]
    fn without_a_file_list_the_card_is_still_unread() {
        let row = judged(r#"{"id": "org/bare", "cardData": {"license": "mit"}}"#);
        assert_eq!(row.declared_verdict, Some(Verdict::Allowed));
        assert_ne!(row.verdict, Verdict::Allowed);
        assert_eq!(row.unread, vec!["README.md"]);
    }

    #[test]
    fn a_non_commercial_tag_is_prohibited_from_the_listing_alone() {
        let row = judged(
            r#"{"id": "org/nc", "cardData": {"license": "cc-by-nc-4.0"},
                "siblings": [{"rfilename": "README.md"}]}"#,
        );
        assert_eq!(row.verdict, Verdict::Prohibited);
    }

    #[test]
    fn an_unknown_license_name_is_not_allowed() {
        let row = judged(
            r#"{"id": "org/o", "cardData": {"license": "other", "license_name": "acme-model-terms"}}"#,
        );
        assert_eq!(row.declared_verdict, None);
        assert_ne!(row.verdict, Verdict::Allowed);
    }

    #[test]
    fn bases_from_the_card_and_from_base_models() {
        let row = judged(
            r#"{"id": "org/ft", "cardData": {"license": "apache-2.0", "base_model": "meta-llama/Llama-3.1-8B"},
                "baseModels": {"relation": "finetune", "models": [{"id": "meta-llama/Llama-3.1-8B"}, {"id": "x/y"}]}}"#,
        );
        assert_eq!(row.base_models, vec!["meta-llama/Llama-3.1-8B", "x/y"]);
        assert_eq!(row.base_relations.len(), 2);
    }
}
