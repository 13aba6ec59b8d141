//! Lineage: the base models a card names (`base_model`, `base_model_relation`, the Hub's
//! `base_model:<relation>:<id>` tags), and the ancestors the shell fetched for them. A child
//! carries its ancestors' terms: fine-tunes, adapters and quantizations the base's, merges every
//! parent's — so the most restrictive wins.

use std::sync::Arc;

use crate::card::CardMeta;
use crate::report::{ErrorKind, LineageEntry, LineageStatus, ModelReport, Relation, Status};

/// How far up the chain the audit goes.
pub const MAX_DEPTH: usize = 5;

/// An ancestor and what became of assessing it.
#[derive(Debug, Clone)]
pub struct Ancestor {
    pub model: String,
    pub relation: Relation,
    pub depth: usize,
    pub via: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    /// Assessed on its own terms (its own ancestors are separate entries).
    Assessed(Arc<ModelReport>),
    /// Could not be fetched or assessed: the error kind and message.
    Failed { kind: ErrorKind, message: String },
    /// Names a model already on its own path.
    Cycle,
    /// Beyond `MAX_DEPTH`.
    TooDeep,
}

impl Ancestor {
    /// The assessed report, when the ancestor was assessed without error.
    pub fn report(&self) -> Option<&ModelReport> {
        match &self.outcome {
            Outcome::Assessed(r) if r.status == Status::Ok => Some(r),
            _ => None,
        }
    }

    /// Could the ancestor's terms not be established (a gap in the chain)?
    pub fn is_gap(&self) -> bool {
        match &self.outcome {
            Outcome::Assessed(r) => r.status != Status::Ok,
            Outcome::Failed { .. } | Outcome::TooDeep => true,
            Outcome::Cycle => false,
        }
    }
}

/// A parent not yet looked up: depth 1, status `not-checked`.
pub fn unchecked(model: &str, relation: Relation) -> LineageEntry {
    LineageEntry {
        model: model.to_string(),
        relation,
        license: None,
        commercial_use: None,
        depth: 1,
        via: None,
        status: LineageStatus::NotChecked,
        error: None,
        inferred: false,
        evidence: Vec::new(),
    }
}

/// Base models from the card and from `base_model:<relation>:<id>` tags (the Hub resolves
/// renamed ids in tags, so tags win when both are present).
pub fn declared(meta: &CardMeta, tags: &[String]) -> Vec<LineageEntry> {
    let entry = unchecked;
    let mut out: Vec<LineageEntry> = Vec::new();
    for t in tags.iter().filter_map(|t| t.strip_prefix("base_model:")) {
        if let Some((relation, id)) = t.split_once(':') {
            let relation = Relation::parse(relation);
            match out.iter_mut().find(|e| e.model == id) {
                Some(e) => e.relation = relation,
                None => out.push(entry(id, relation)),
            }
        } else if !out.iter().any(|e| e.model == t) {
            out.push(entry(t, Relation::Unknown));
        }
    }
    if out.is_empty() {
        let relation = match &meta.base_model_relation {
            Some(r) => Relation::parse(r),
            None if meta.base_model.len() > 1 => Relation::Merge,
            None => Relation::Unknown,
        };
        for b in &meta.base_model {
            if !out.iter().any(|e| &e.model == b) {
                out.push(entry(b, relation));
            }
        }
    }
    out
}

/// The report's lineage: every ancestor with its relation, license and status.
pub fn entries(ancestors: &[Ancestor]) -> Vec<LineageEntry> {
    ancestors
        .iter()
        .map(|a| {
            let (license, verdict, status, error) = match &a.outcome {
                Outcome::Assessed(r) if r.status == Status::Ok => (
                    r.license.as_ref().map(|l| l.id.clone()),
                    r.commercial_use.as_ref().map(|c| c.verdict),
                    LineageStatus::Ok,
                    None,
                ),
                Outcome::Assessed(r) => (
                    None,
                    None,
                    LineageStatus::Error,
                    r.error
                        .as_ref()
                        .map(|e| format!("{}: {}", e.kind, e.message)),
                ),
                Outcome::Failed { kind, message } => (
                    None,
                    None,
                    LineageStatus::Error,
                    Some(format!("{kind}: {message}")),
                ),
                Outcome::Cycle => (
                    None,
                    None,
                    LineageStatus::Cycle,
                    Some("names a model already in its own lineage".into()),
                ),
                Outcome::TooDeep => (
                    None,
                    None,
                    LineageStatus::TooDeep,
                    Some(format!(
                        "more than {MAX_DEPTH} generations up; not followed"
                    )),
                ),
            };
            LineageEntry {
                model: a.model.clone(),
                relation: a.relation,
                license,
                commercial_use: verdict,
                depth: a.depth,
                via: Some(a.via.clone()),
                status,
                error,
                inferred: false,
                evidence: Vec::new(),
            }
        })
        .collect()
}
