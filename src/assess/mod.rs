//! The audit's judgement of one snapshot: which terms apply and what they allow, the weights,
//! declared datasets and base models, openness and the risks — each with its evidence. Pure:
//! a snapshot and the rules in, a model report out.

pub mod business;
pub mod data_card;
pub mod datasets;
mod evidence;
mod findings;
pub mod inferred;
pub mod lineage;
pub mod openness;
pub mod openness_evidence;
pub mod openness_links;
pub mod openness_mot;
pub mod openness_osai;
pub mod risks;
pub mod terms;
pub mod weights;

use crate::card::{self, CardMeta};
use crate::license::identify::{self, MetaOrigin};
use crate::report::{LineageEntry, LineageStatus, ModelReport, Status};
use crate::rules::RuleSet;
use crate::snapshot::{FileOutcome, Snapshot};
use crate::vocab::Evidence;
use crate::vocab::Verdict;
use terms::TermsInput;

/// Files that accompany a license but are not one: an unidentified NOTICE is no risk.
fn is_notice(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .unwrap_or(path)
        .to_ascii_uppercase()
        .starts_with("NOTICE")
}

/// What the shell looked up for a snapshot: its ancestors and its datasets.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub ancestors: Vec<lineage::Ancestor>,
    pub datasets: Vec<datasets::DatasetLookup>,
    /// License texts the user's policy pins to a license by their SHA-256.
    pub clarifications: Vec<crate::license::Clarification>,
    /// Judge the model on its own terms: the caller follows its base models separately (an
    /// ancestor in a lineage walk). Otherwise unlooked-up base models are gaps.
    pub own_terms_only: bool,
    /// What the links behind the card held (code repositories, papers, index records).
    pub linked: crate::linked::LinkedEvidence,
}

/// The card as the audit reads it: README front matter, else the Hub's cardData.
struct CardView<'a> {
    meta: CardMeta,
    origin: MetaOrigin<'a>,
    readme: Option<&'a str>,
    parsed: Option<card::Card>,
    notes: Vec<String>,
    /// Card evidence that exists but was not read completely.
    unread: Vec<terms::Unread>,
}

fn card_view(snap: &Snapshot) -> CardView<'_> {
    let mut notes = Vec::new();
    let mut unread = Vec::new();
    let readme_file = snap.file("README.md");
    let readme = readme_file.and_then(|f| f.text());
    if let Some(f) = readme_file {
        unread.extend(unread_file(f));
    }
    let parsed = readme.map(card::parse);
    if let Some(c) = &parsed {
        notes.extend(c.warnings.iter().cloned());
    }
    let (metadata, origin) = match (&parsed, readme) {
        (Some(c), Some(text)) if c.metadata.is_some() => {
            (c.metadata.clone(), MetaOrigin::Readme(text))
        }
        _ => (snap.info.card_data.clone(), MetaOrigin::HubCardData),
    };
    if let Some(reason) = parsed.as_ref().and_then(|c| c.unread.as_ref()) {
        // The Hub's own parse of the same front matter stands in for ours when it has one.
        if metadata.is_some() {
            notes.push(format!("{reason}; the Hub's cardData was read instead"));
        } else {
            let reason = reason.strip_prefix("README.md ").unwrap_or(reason);
            unread.push(terms::Unread::new("README.md", reason));
        }
    } else if matches!(origin, MetaOrigin::HubCardData) && metadata.is_some() && readme.is_some() {
        notes.push("the card metadata was taken from the Hub's cardData".into());
    }
    let mut meta = metadata
        .as_ref()
        .map(CardMeta::from_value)
        .unwrap_or_default();
    let field_source = match origin {
        MetaOrigin::Readme(_) => "README.md",
        MetaOrigin::HubCardData => "the Hub's cardData",
    };
    for key in &meta.unread {
        unread.push(terms::Unread::partly(
            field_source,
            format!(
                "`{key}` is neither a string nor a list of strings; the strings inside it were read"
            ),
        ));
    }
    merge_tags(&mut meta, &snap.info.tags);
    // A card that names no training data: the GGUF header's converter copied the original
    // card's datasets.
    if meta.datasets.is_empty() {
        meta.datasets = gguf_datasets(&snap.info);
    }
    CardView {
        meta,
        origin,
        readme,
        parsed,
        notes,
        unread,
    }
}

/// A fetched file that exists but was not read completely: refused, failed, or truncated.
fn unread_file(f: &crate::snapshot::FetchedFile) -> Option<terms::Unread> {
    match &f.outcome {
        FileOutcome::Text {
            truncated: true,
            text,
        } => Some(terms::Unread::partly(
            &f.path,
            format!("truncated after {} bytes", text.len()),
        )),
        FileOutcome::Text { .. } => None,
        FileOutcome::Unavailable { reason } => Some(terms::Unread::new(&f.path, reason)),
    }
}

/// The base models and datasets the Hub's info names (its `cardData` and tags), before the
/// README is read: lets the shell start those look-ups early. `declared_links` has the final say.
pub fn linked_in_info(info: &crate::snapshot::ModelInfo) -> (Vec<LineageEntry>, Vec<String>) {
    let mut meta = info
        .card_data
        .as_ref()
        .map(CardMeta::from_value)
        .unwrap_or_default();
    merge_tags(&mut meta, &info.tags);
    (
        lineage::declared(&meta, &info.tags),
        datasets::declared(&meta),
    )
}

/// The base models and datasets a snapshot names: what the shell must look up before
/// `assess` can judge inheritance and training data.
pub fn declared_links(snap: &Snapshot) -> (Vec<LineageEntry>, Vec<String>) {
    let view = card_view(snap);
    let mut bases = lineage::declared(&view.meta, &snap.info.tags);
    let mut local = Vec::new();
    split_local_bases(&mut bases, &mut local);
    if bases.is_empty() && local.is_empty() {
        // Bases the prose names by id are looked up like declared ones (only for models that
        // declare none, so a declared base costs no extra request).
        bases = infer_bases(snap, view.parsed.as_ref())
            .into_iter()
            .filter_map(|b| {
                let model = b.model.clone()?;
                Some(inferred_entry(model, &b))
            })
            .collect();
    }
    (bases, datasets::declared(&view.meta))
}

/// Moves bases given as local paths (`../models/gemma-3-1b-pt`) out of `bases`: they are not
/// Hub ids and are never sent to a hub.
fn split_local_bases(bases: &mut Vec<LineageEntry>, local: &mut Vec<LineageEntry>) {
    let (paths, ids): (Vec<_>, Vec<_>) = std::mem::take(bases)
        .into_iter()
        .partition(|b| inferred::is_local_path(&b.model));
    *bases = ids;
    local.extend(paths);
}

/// A lineage entry for an inferred base.
fn inferred_entry(model: String, b: &inferred::InferredBase) -> LineageEntry {
    LineageEntry {
        inferred: true,
        evidence: vec![b.evidence.clone()],
        ..lineage::unchecked(&model, b.relation)
    }
}

/// Bases a card that declares none reveals: the prose's base sentences, else the model's name,
/// tags or architecture.
fn infer_bases(snap: &Snapshot, card: Option<&card::Card>) -> Vec<inferred::InferredBase> {
    // Strongest first: what a configuration names, then a GGUF header, then the prose, then
    // the name.
    let mut out: Vec<inferred::InferredBase> = inferred::from_configs(
        &snap.info.id,
        snap.info.adapter_config.as_ref(),
        snap.info.config.as_ref(),
    )
    .into_iter()
    .collect();
    let gguf = snap
        .info
        .gguf
        .as_ref()
        .map(|g| inferred::from_gguf(&snap.info.id, g))
        .unwrap_or_default();
    let prose = card
        .map(|c| inferred::from_prose(&c.body, c.body_line, &snap.info.id))
        .unwrap_or_default();
    for b in gguf.into_iter().chain(prose) {
        if !out.iter().any(|o| o.model.is_some() && o.model == b.model) {
            out.push(b);
        }
    }
    if out.is_empty() {
        let architectures: Vec<String> = snap
            .info
            .config
            .as_ref()
            .and_then(|c| c.get("architectures"))
            .and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        out.extend(inferred::from_name_and_tags(
            &snap.info.id,
            &snap.info.tags,
            &architectures,
        ));
    }
    if out.is_empty()
        && let Some(g) = &snap.info.gguf
    {
        // The name the converter wrote (`general.name`, else `general.basename`): a bare
        // `.gguf` file or an Ollama blob may have no other.
        for key in ["general.name", "general.basename"] {
            let Some(name) = g.header.str(key) else {
                continue;
            };
            if let Some(mut b) = inferred::from_name_and_tags(name, &[], &[]) {
                b.found_in = "GGUF header";
                b.evidence = Evidence {
                    file: Some(g.path.clone()),
                    line: None,
                    quote: identify::clip(&format!("{key} = {name}"), 200),
                    rule: None,
                };
                out.push(b);
                break;
            }
        }
    }
    out
}

/// Audits one snapshot, with its ancestors and datasets as the shell found them.
pub fn assess(snap: &Snapshot, rules: &RuleSet, ctx: &Context) -> ModelReport {
    let CardView {
        meta,
        origin,
        readme,
        parsed,
        notes: card_notes,
        mut unread,
    } = card_view(snap);
    let mut notes = snap.notes.clone();
    notes.extend(card_notes);

    let mut read = evidence::Gathered::new(identify::from_metadata(&meta, origin, rules));
    if let Some(listed) = &snap.info.listed_license {
        let c = identify::from_listed(listed, rules);
        let repeats = c.rule.is_some_and(|r| {
            read.candidates
                .iter()
                .any(|o| o.rule.is_some_and(|or| std::ptr::eq(or, r)))
        });
        if !repeats {
            read.candidates.push(c);
        }
    }
    for f in snap.files.iter().filter(|f| f.path != "README.md") {
        unread.extend(unread_file(f));
        read.license_file(f, &ctx.clarifications, rules);
    }
    read.gguf(snap.info.gguf.as_ref(), rules);
    read.gate(&meta, rules);
    if let (Some(card), Some(_)) = (&parsed, readme) {
        read.body(card, rules);
    }
    read.named_by_link(&meta);
    notes.append(&mut read.notes);
    // A GGUF header that could not be read, or that ended before its license keys: when
    // other sources establish the terms it is a note (the converter copies the card's
    // license); when it is the only source of terms, what it did not say keeps `allowed` out.
    if let Some((path, reason)) = gguf_not_read(&snap.info) {
        if read.terms_established() {
            notes.push(format!(
                "the GGUF header of {path} could not be read in full ({reason}); the terms come from the other sources"
            ));
        } else {
            unread.push(terms::Unread::new(
                format!("{path} (GGUF header)"),
                format!("{reason}; it is the only source of terms that could state them"),
            ));
        }
    }

    let declared = declared_license(&meta)
        .or_else(|| snap.info.listed_license.clone())
        .or_else(|| gguf_declared(&snap.info));
    let mut declared_bases = lineage::declared(&meta, &snap.info.tags);
    let mut local_bases = Vec::new();
    split_local_bases(&mut declared_bases, &mut local_bases);
    let inferred_bases =
        if declared_bases.is_empty() && local_bases.is_empty() && !ctx.own_terms_only {
            infer_bases(snap, parsed.as_ref())
        } else {
            Vec::new()
        };
    let mut looked_up = declared_bases.clone();
    looked_up.extend(
        inferred_bases
            .iter()
            .filter_map(|b| Some(inferred_entry(b.model.clone()?, b))),
    );
    let (mut ancestors, mut gaps, mut lineage) = inheritance(&looked_up, ctx, rules);
    let family_terms = Inference {
        inferred: &inferred_bases,
        local: &local_bases,
        rules,
    }
    .apply(&mut ancestors, &mut gaps, &mut lineage, &mut notes);
    let terms = terms::reconcile(TermsInput {
        declared,
        candidates: read.candidates,
        unrecognized_files: read.unrecognized,
        unread,
        texts: read.texts,
        signals: read.signals,
        ancestors,
        gaps,
    });
    notes.extend(terms.notes.iter().cloned());
    let mut risks = terms.risks;
    risks.extend(findings::elsewhere(&read.elsewhere, &mut notes));
    risks.extend(family_terms.iter().map(findings::undeclared_base));

    let w = weights::assess(&snap.info, snap.source);
    risks.extend(findings::weights(&w, &snap.info));
    let datasets = datasets::assess(&ctx.datasets, &ctx.linked.data_cards, rules);
    risks.extend(findings::datasets(&meta, &datasets, &mut notes));

    let openness = openness::assess(&openness::OpennessInput {
        rule: terms.chosen.as_ref(),
        verdict: terms.commercial.verdict,
        weights: &w.weights,
        datasets: &datasets,
        info: &snap.info,
        readme_body: parsed.as_ref().map(|c| c.body.as_str()),
        model_id: &snap.info.id,
        linked: &ctx.linked,
        dataset_lookups: &ctx.datasets,
    });
    let business = business::assess(
        terms.commercial.verdict,
        terms.chosen.as_ref(),
        &w.weights,
        &snap.info,
    );
    risks.sort_by_key(|r| std::cmp::Reverse(r.severity));

    ModelReport {
        model: snap.model.clone(),
        source: snap.source,
        revision: snap.revision.clone(),
        status: Status::Ok,
        error: None,
        license: Some(terms.license),
        commercial_use: Some(terms.commercial),
        weights: Some(w.weights),
        datasets,
        lineage,
        openness: Some(openness),
        risks,
        business: Some(business),
        policy: None,
        note: None,
        owner: None,
        notes,
        provider_terms: None,
        found_at: Vec::new(),
    }
}

/// A GGUF header that was looked for but not read, or read only up to a point before its
/// `general.license` key: the file and why.
fn gguf_not_read(info: &crate::snapshot::ModelInfo) -> Option<(String, String)> {
    if let Some(u) = &info.gguf_unread {
        return Some((u.path.clone(), u.reason.clone()));
    }
    let g = info.gguf.as_ref()?;
    (!g.header.complete && g.header.get("general.license").is_none()).then(|| {
        (
            g.path.clone(),
            format!(
                "the header is longer than the bytes read: {} of its {} key-value pairs were read, and `general.license` was not among them",
                g.header.pairs.len(),
                g.header.pair_count
            ),
        )
    })
}

/// What a GGUF header declares (`general.license`, or its name for `other`), when no card does.
fn gguf_declared(info: &crate::snapshot::ModelInfo) -> Option<String> {
    let h = &info.gguf.as_ref()?.header;
    let license = h.str("general.license").map(str::trim);
    match license {
        Some(l) if l.eq_ignore_ascii_case("other") => h
            .str("general.license.name")
            .map(str::to_string)
            .or(Some(l.to_string())),
        Some(l) if !l.is_empty() => Some(l.to_string()),
        _ => h.str("general.license.name").map(str::to_string),
    }
}

/// Training datasets a GGUF header names by Hub id (`general.dataset.{i}.repo_url`, and
/// `general.datasets` entries that are ids or Hub URLs); names without an id are not ids.
fn gguf_datasets(info: &crate::snapshot::ModelInfo) -> Vec<String> {
    let Some(g) = info.gguf.as_ref() else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    let listed = match g.header.get("general.datasets") {
        Some(crate::gguf::Value::Array { strings, .. }) => strings.clone(),
        Some(crate::gguf::Value::String { text, .. }) => vec![text.clone()],
        _ => Vec::new(),
    };
    let urls = g.header.datasets().into_iter().filter_map(|d| d.repo_url);
    for value in urls.chain(listed) {
        if let Some(id) = inferred::hub_dataset(&value)
            && !out.contains(&id)
        {
            out.push(id);
        }
    }
    out
}

/// The rule a policy clarification pins this exact text to.
fn clarified<'r>(
    text: &str,
    clarifications: &[crate::license::Clarification],
    rules: &'r RuleSet,
) -> Option<(&'r crate::rules::Rule, String)> {
    if clarifications.is_empty() {
        return None;
    }
    use sha2::{Digest, Sha256};
    let hash: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let c = clarifications.iter().find(|c| c.sha256 == hash)?;
    Some((rules.get(&c.license)?, c.reason.clone()))
}

/// Evidence for a whole file: its first non-empty line.
fn first_line(path: &str, text: &str) -> Evidence {
    let (line, first) = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .find(|(_, l)| !l.is_empty())
        .unwrap_or((1, ""));
    Evidence {
        file: Some(path.to_string()),
        line: Some(line),
        quote: identify::clip(first, 200),
        rule: None,
    }
}

/// Evidence that is a file's presence in the repository.
fn file_evidence(path: &str) -> Evidence {
    Evidence {
        file: Some(path.to_string()),
        line: None,
        quote: path.to_string(),
        rule: None,
    }
}

/// Card keys win; the Hub's derived tags fill what the card lacks (a card may be unreadable).
fn merge_tags(meta: &mut CardMeta, tags: &[String]) {
    let tagged = |prefix: &str| -> Vec<String> {
        tags.iter()
            .filter_map(|t| t.strip_prefix(prefix))
            .map(str::to_string)
            .collect()
    };
    if meta.license.is_empty() {
        meta.license = tagged("license:");
    }
    for d in tagged("dataset:") {
        if !meta.datasets.contains(&d) {
            meta.datasets.push(d);
        }
    }
}

fn declared_license(meta: &CardMeta) -> Option<String> {
    if meta.license.is_empty() {
        return meta.license_name.clone();
    }
    let parts: Vec<String> = meta
        .license
        .iter()
        .map(
            |l| match (&meta.license_name, l.eq_ignore_ascii_case("other")) {
                (Some(name), true) => name.clone(),
                _ => l.clone(),
            },
        )
        .collect();
    Some(parts.join(", "))
}

/// The ancestors' terms for reconciliation, the gaps in the chain, and the report's lineage
/// (declared bases only, marked not checked, when the shell looked nothing up).
fn inheritance<'r>(
    declared: &[LineageEntry],
    ctx: &Context,
    rules: &'r RuleSet,
) -> (
    Vec<terms::AncestorTerms<'r>>,
    Vec<String>,
    Vec<LineageEntry>,
) {
    if ctx.ancestors.is_empty() {
        let gaps = if ctx.own_terms_only {
            Vec::new()
        } else {
            declared.iter().map(|d| d.model.clone()).collect()
        };
        return (Vec::new(), gaps, declared.to_vec());
    }
    let mut terms = Vec::new();
    let mut gaps = Vec::new();
    for a in &ctx.ancestors {
        if a.is_gap() {
            gaps.push(a.model.clone());
        }
        let Some(report) = a.report() else { continue };
        let (Some(license), Some(commercial)) = (&report.license, &report.commercial_use) else {
            continue;
        };
        terms.push(terms::AncestorTerms {
            model: a.model.clone(),
            license_id: license.id.clone(),
            rule: rules
                .by_alias(&license.id)
                .filter(|_| license.id != "unknown"),
            verdict: commercial.verdict,
            confidence: license.confidence,
        });
    }
    (terms, gaps, lineage::entries(&ctx.ancestors))
}

/// Inferred and unresolvable bases, applied to what the lineage walk found: an inferred base
/// that was looked up is marked inferred; one known only by its family carries the family's
/// terms (or is a gap when the family's members differ); a base given as a local path is listed
/// as unresolvable, a gap, with its family's terms when its name reveals one.
struct Inference<'a, 'r> {
    inferred: &'a [inferred::InferredBase],
    local: &'a [LineageEntry],
    rules: &'r RuleSet,
}

impl<'r> Inference<'_, 'r> {
    /// Returns the inferred bases, for the `undeclared-base-model` risks.
    fn apply(
        &self,
        ancestors: &mut Vec<terms::AncestorTerms<'r>>,
        gaps: &mut Vec<String>,
        lineage: &mut Vec<LineageEntry>,
        notes: &mut Vec<String>,
    ) -> Vec<inferred::InferredBase> {
        for b in self.inferred {
            let Some(id) = &b.model else {
                self.family_terms(b.family, &b.label(), b, ancestors, gaps, lineage);
                continue;
            };
            // (An inferred id that fails is handled below, by its family or as a note.)
            if let Some(e) = lineage.iter_mut().find(|e| &e.model == id && e.depth <= 1) {
                e.inferred = true;
                e.evidence = vec![b.evidence.clone()];
            }
            if let Some(pos) = gaps.iter().position(|g| g == id) {
                // An inferred id that cannot be looked up: its name's family, if it reveals one;
                // otherwise a note (the inference itself may be wrong).
                gaps.remove(pos);
                match inferred::family_in(id) {
                    Some(f) => self.family_terms(Some(f), id, b, ancestors, gaps, lineage),
                    None => notes.push(format!(
                        "the card's text names {id} as its base, but it could not be looked up"
                    )),
                }
            }
        }
        for l in self.local {
            let family = inferred::family_in(&l.model);
            gaps.push(l.model.clone());
            let mut entry = l.clone();
            entry.status = LineageStatus::Unresolvable;
            entry.error = Some("a local path, not a Hub id: it cannot be looked up".into());
            if let Some(rule) = family.and_then(|f| self.family_rule(f)) {
                entry.license = Some(crate::license::identify::report_id(rule).to_string());
                entry.commercial_use = Some(rule.facts.verdict);
                ancestors.push(self.terms_of(&l.model, rule, true));
            }
            lineage.push(entry);
        }
        // A declared base that could not be looked up (offline and in no cache, not found):
        // its name's family shows the likely terms, marked unverified; it stays a gap.
        for e in lineage
            .iter_mut()
            .filter(|e| e.depth <= 1 && !e.inferred && e.status == LineageStatus::Error)
        {
            let Some(rule) = inferred::family_in(&e.model).and_then(|f| self.family_rule(f)) else {
                continue;
            };
            e.license = Some(crate::license::identify::report_id(rule).to_string());
            e.commercial_use = Some(rule.facts.verdict);
            e.error = Some(format!(
                "{}; its name suggests {} (unverified)",
                e.error.as_deref().unwrap_or("not read"),
                rule.facts.name
            ));
            ancestors.push(self.terms_of(&e.model, rule, true));
        }
        self.inferred.to_vec()
    }

    fn family_rule(&self, f: inferred::Family) -> Option<&'r crate::rules::Rule> {
        let id = f.rule?;
        self.rules.get(id).or_else(|| self.rules.by_alias(id))
    }

    /// A family's terms standing for a base. For a base that could not be read (`unread`) they
    /// show the likely conditions, but the verdict stays at least `unknown`: a guess at the
    /// release may make the verdict stricter, never looser than the gap it fills.
    fn terms_of(
        &self,
        model: &str,
        rule: &'r crate::rules::Rule,
        unread: bool,
    ) -> terms::AncestorTerms<'r> {
        terms::AncestorTerms {
            model: model.to_string(),
            license_id: crate::license::identify::report_id(rule).to_string(),
            rule: Some(rule),
            verdict: if unread {
                rule.facts.verdict.stricter(Verdict::Unknown)
            } else {
                rule.facts.verdict
            },
            // Terms from a name are a guess at which release: never above a lookup's.
            confidence: 0.5,
        }
    }

    /// A base known by its family only: the family's terms, or a gap.
    fn family_terms(
        &self,
        family: Option<inferred::Family>,
        label: &str,
        b: &inferred::InferredBase,
        ancestors: &mut Vec<terms::AncestorTerms<'r>>,
        gaps: &mut Vec<String>,
        lineage: &mut Vec<LineageEntry>,
    ) {
        let rule = family.and_then(|f| self.family_rule(f));
        match rule {
            Some(rule) => ancestors.push(self.terms_of(label, rule, false)),
            None => gaps.push(label.to_string()),
        }
        lineage.push(LineageEntry {
            license: rule.map(|r| crate::license::identify::report_id(r).to_string()),
            commercial_use: rule.map(|r| r.facts.verdict),
            status: LineageStatus::Inferred,
            error: rule.is_none().then(|| {
                "its family's members are under different terms; the release could not be told"
                    .to_string()
            }),
            ..inferred_entry(label.to_string(), b)
        });
    }
}
