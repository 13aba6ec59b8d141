//! Gathering what states terms, before anything is weighed: the license files (each identified,
//! or read for its clauses), the gate prompt and form, and the card's body (its license
//! sections, and restrictive sentences anywhere). Each finding keeps the text it came from.

use super::{clarified, first_line, is_notice, terms};
use crate::card::{Card, CardMeta};
use crate::license::Clarification;
use crate::license::clauses::{self};
use crate::license::identify::{self, Candidate, SourceKind, TextReading};
use crate::license::prose::{self, Signal};
use crate::rules::RuleSet;
use crate::snapshot::{FetchedFile, FileOutcome};
use crate::vocab::Clause;
use crate::vocab::Evidence;
use crate::vocab::Verdict;

/// Everything read so far.
pub(super) struct Gathered<'a, 'r> {
    pub candidates: Vec<Candidate<'r>>,
    /// License files nothing named.
    pub unrecognized: Vec<terms::Unrecognized>,
    /// Texts by file name, to locate evidence phrases in.
    pub texts: Vec<(&'a str, &'a str)>,
    pub signals: Vec<Signal>,
    /// Restrictions the card states about something other than this model (its data, a
    /// variant).
    pub elsewhere: Vec<(prose::Subject, Clause)>,
    pub notes: Vec<String>,
}

impl<'a, 'r> Gathered<'a, 'r> {
    pub fn new(metadata: Vec<Candidate<'r>>) -> Gathered<'a, 'r> {
        Gathered {
            candidates: metadata,
            unrecognized: Vec::new(),
            texts: Vec::new(),
            signals: Vec::new(),
            elsewhere: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A license file: identified by the rules (or pinned by a policy clarification), else
    /// kept as unrecognised with the clauses read in it.
    pub fn license_file(
        &mut self,
        f: &'a FetchedFile,
        clarifications: &[Clarification],
        rules: &'r RuleSet,
    ) {
        let FileOutcome::Text { text, .. } = &f.outcome else {
            return;
        };
        self.texts.push((&f.path, text));
        let reading = match clarified(text, clarifications, rules) {
            Some((rule, reason)) => TextReading {
                candidates: vec![Candidate::new(
                    SourceKind::LicenseFile,
                    Some(f.path.clone()),
                    Some(rule),
                    1.0,
                    Evidence {
                        file: Some(f.path.clone()),
                        line: None,
                        quote: format!("clarified by the policy: {reason}"),
                        rule: Some(rule.facts.id.clone()),
                    },
                )],
                ..TextReading::default()
            },
            None => identify::from_text(SourceKind::LicenseFile, &f.path, text, rules),
        };
        // A NOTICE nothing names is no risk, unless it limits commercial use.
        let restricts = clauses::restrictive(&reading.clauses).next().is_some();
        if reading.unrecognized() && (!is_notice(&f.path) || restricts) {
            self.unrecognized.push(terms::Unrecognized {
                path: f.path.clone(),
                evidence: first_line(&f.path, text),
                clauses: reading.clauses,
                lookalikes: reading.lookalikes,
            });
        }
        if !f.path.contains('/') {
            self.candidates.extend(reading.candidates);
            return;
        }
        // A license file in a folder covers a part of the repository: it can add
        // restrictions, but it cannot grant what the top level does not.
        for c in reading.candidates {
            if c.verdict() == Some(Verdict::Allowed) {
                self.notes.push(format!(
                    "{} is {}, a license for part of the repository; it does not by itself allow commercial use of the model",
                    f.path,
                    c.id()
                ));
            } else {
                self.candidates.push(c);
            }
        }
    }

    /// A GGUF header's `general.license` and `general.license.name`, read through the same
    /// aliases as the card's metadata.
    pub fn gguf(&mut self, head: Option<&crate::snapshot::GgufHead>, rules: &'r RuleSet) {
        let Some(g) = head else { return };
        let license = g.header.str("general.license");
        let name = g.header.str("general.license.name");
        self.candidates
            .extend(identify::from_gguf(&g.path, license, name, rules));
        if let Some(link) = g.header.str("general.license.link") {
            self.notes.push(format!(
                "the GGUF header of {} links its license: {}",
                g.path,
                identify::clip(link.trim(), 200)
            ));
        }
    }

    /// Do sources other than a GGUF header name terms a rule knows?
    pub fn terms_established(&self) -> bool {
        self.candidates
            .iter()
            .any(|c| c.rule.is_some() && c.kind != SourceKind::GgufMetadata)
    }

    /// The gate prompt (identified, else read for license names) and the gate form's fields.
    pub fn gate(&mut self, meta: &'a CardMeta, rules: &'r RuleSet) {
        if let Some(prompt) = &meta.extra_gated_prompt {
            let mut found =
                identify::from_text(SourceKind::GatePrompt, "extra_gated_prompt", prompt, rules)
                    .candidates;
            if found.is_empty() {
                found = prose::mentions(
                    SourceKind::GatePrompt,
                    "extra_gated_prompt",
                    prompt,
                    0,
                    rules,
                );
            }
            self.texts.push(("extra_gated_prompt", prompt));
            self.candidates.extend(found);
            self.signals.extend(prose::signals(
                SourceKind::GatePrompt,
                "extra_gated_prompt",
                prompt,
                0,
            ));
        }
        let gate_fields = meta.extra_gated_text.join("\n");
        self.signals.extend(prose::signals(
            SourceKind::GatePrompt,
            "extra_gated_fields",
            &gate_fields,
            0,
        ));
    }

    /// The card's body: restrictive sentences anywhere, and in its license sections the
    /// licenses named, the clauses stated, and what is said of other models or the data.
    pub fn body(&mut self, card: &Card, rules: &'r RuleSet) {
        let sections = prose::license_sections(&card.body, card.body_line);
        self.signals.extend(prose::body_signals(
            "README.md",
            &card.body,
            card.body_line,
            &sections,
        ));
        for (line, section) in sections {
            self.candidates.extend(prose::mentions(
                SourceKind::CardText,
                "README.md",
                &section,
                line,
                rules,
            ));
            self.signals.extend(prose::signals(
                SourceKind::CardText,
                "README.md",
                &section,
                line,
            ));
            self.elsewhere
                .extend(prose::restrictions_elsewhere("README.md", &section, line));
            for (subject, at, quote, id) in prose::mentions_elsewhere(&section, line, rules) {
                self.notes.push(format!(
                    "README.md line {at}: the license {id} is named for {}, not this model: \"{quote}\"",
                    match subject {
                        prose::Subject::Data => "the data",
                        _ => "another model or variant",
                    }
                ));
            }
        }
    }

    /// A name isopen does not know is no longer a mystery when the file it links to was
    /// identified: `license_name: acme-terms` + `license_link: LICENSE` + a named LICENSE.
    pub fn named_by_link(&mut self, meta: &CardMeta) {
        let (Some(name), Some(link)) = (&meta.license_name, &meta.license_link) else {
            return;
        };
        let link = link.trim().trim_start_matches("./");
        let linked = link
            .rsplit("/blob/")
            .next()
            .map(|p| p.split_once('/').map_or(p, |(_, rest)| rest));
        let named_file = self.candidates.iter().find(|c| {
            c.kind == SourceKind::LicenseFile
                && c.rule.is_some()
                && c.file
                    .as_deref()
                    .is_some_and(|f| f == link || Some(f) == linked)
        });
        let Some(found) = named_file else {
            return;
        };
        self.notes.push(format!(
            "the card's license name {name:?} is the license in {}, identified as {}",
            found.file.as_deref().unwrap_or("?"),
            found.id()
        ));
        self.candidates.retain(|c| {
            !(c.kind == SourceKind::CardMetadata
                && c.rule.is_none()
                && c.stated.as_deref() == Some(name.as_str()))
        });
    }
}
