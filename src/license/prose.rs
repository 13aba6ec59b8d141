//! Terms stated in prose rather than in a license file: the card's "License" sections (names of
//! licenses, "non-commercial", "research only") and the gate form (`extra_gated_prompt` and the
//! labels of `extra_gated_fields`). Mentions of a license name become candidates; restrictive
//! phrases become signals that can only make the verdict more restrictive.

use crate::license::clauses::{self};
use crate::license::identify::{Candidate, SourceKind, quote_span};
use crate::normalize::{Normalized, normalize, normalize_phrase};
use crate::rules::{Rule, RuleKind, RuleSet};
use crate::vocab::Evidence;
use crate::vocab::{Clause, ClauseKind, Effect, LicenseScope};

/// A clause in the card's prose or the gate form that limits commercial use, where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub kind: SourceKind,
    pub clause: Clause,
}

impl Signal {
    pub fn evidence(&self) -> &Evidence {
        &self.clause.evidence
    }

    /// Does it forbid commercial use (rather than set a condition on it)?
    pub fn prohibits(&self) -> bool {
        self.clause.kind.effect() == Effect::Prohibits
    }
}

/// At most this much of a card's license sections is read.
const MAX_SECTION_BYTES: usize = 16 * 1024;

/// The text of the card's sections whose heading speaks of a license or terms of use, with the
/// 1-based line (in README.md) each section starts on.
pub fn license_sections(body: &str, first_line: usize) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut current: Option<(usize, usize, String)> = None; // (line, heading level, text)
    for (i, line) in body.lines().enumerate() {
        let level = heading_level(line);
        if let Some(level) = level {
            if let Some((_, open_level, _)) = &current
                && level <= *open_level
                && let Some((l, _, t)) = current.take()
            {
                out.push((l, t));
            }
            let title = line
                .trim_start_matches(['#', ' ', '*'])
                .to_ascii_lowercase();
            if current.is_none() && is_terms_heading(&title) {
                current = Some((first_line + i, level, String::new()));
                continue;
            }
        }
        if let Some((_, _, text)) = &mut current
            && text.len() < MAX_SECTION_BYTES
        {
            text.push_str(line);
            text.push('\n');
        }
    }
    if let Some((l, _, t)) = current {
        out.push((l, t));
    }
    out
}

/// `#`-headings by their level; a bold line alone (`**License**`) counts as level 6.
fn heading_level(line: &str) -> Option<usize> {
    let t = line.trim_end();
    let hashes = t.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
        return Some(hashes);
    }
    let bold = t.trim();
    (bold.len() > 4 && bold.starts_with("**") && bold.ends_with("**") && bold.len() < 60)
        .then_some(6)
}

fn is_terms_heading(title: &str) -> bool {
    [
        "licen",
        "terms of use",
        "terms and conditions",
        "usage restriction",
        "use restriction",
        "commercial use",
    ]
    .iter()
    .any(|w| title.contains(w))
}

/// Clauses that limit commercial use in a text of the card or the gate form, each cited at its
/// source line.
pub fn signals(kind: SourceKind, file: &str, text: &str, line_offset: usize) -> Vec<Signal> {
    clauses::read(file, text, line_offset)
        .into_iter()
        .filter(|c| c.kind.restricts() && about(&c.sentence) == Subject::ThisModel)
        .map(|clause| Signal { kind, clause })
        .collect()
}

/// Prohibitions stated anywhere in the card's body outside its license sections (those are
/// read whole by [`signals`]): `**License:** research and non-commercial use only` under a
/// "Model details" heading, `**Important: commercial use is prohibited.**`. The body is full of
/// prose about other things, so only explicit non-commercial clauses about using this model
/// count here: not "intended for research purposes" (an intended use, not a term), not code
/// blocks or tables, not sentences about another model or the data.
pub fn body_signals(
    file: &str,
    body: &str,
    body_line: usize,
    sections: &[(usize, String)],
) -> Vec<Signal> {
    // A section's text starts after its heading; the heading itself (a bold line such as
    // `**Important: commercial use is prohibited.**` counts as one) is read here.
    let in_section = |line: usize| {
        sections
            .iter()
            .any(|(start, text)| line > *start && line <= start + text.lines().count())
    };
    // Markdown blocks (paragraphs, list items, headings, table rows) are read one at a time: a
    // line break between blocks ends a sentence even without a full stop.
    let mut out = Vec::new();
    let mut block = String::new();
    let mut block_line = 0;
    let mut read_bytes = 0;
    let flush = |block: &mut String, at: usize, out: &mut Vec<Signal>| {
        if !block.trim().is_empty() {
            out.extend(
                clauses::read(file, block, at.saturating_sub(1))
                    .into_iter()
                    .filter(|c| {
                        c.kind == ClauseKind::NonCommercial
                            && speaks_of_use(&c.sentence)
                            && about(&c.sentence) == Subject::ThisModel
                    })
                    .map(|clause| Signal {
                        kind: SourceKind::CardText,
                        clause,
                    }),
            );
        }
        block.clear();
    };
    let mut fence: Option<&str> = None;
    for (i, line) in body.lines().enumerate() {
        read_bytes += line.len();
        if read_bytes > MAX_BODY_BYTES {
            break;
        }
        let at = body_line + i;
        let t = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| t.starts_with(m));
        // Tables list datasets and benchmarks with their licenses: never this model's terms.
        if t.starts_with('|') {
            flush(&mut block, block_line, &mut out);
            continue;
        }
        let starts_block = t.is_empty()
            || t.starts_with(['#', '-', '*', '+', '|', '>', '<'])
            || t.split_once(". ")
                .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()));
        match (fence, marker) {
            (None, Some(m)) => {
                flush(&mut block, block_line, &mut out);
                fence = Some(m);
                continue;
            }
            (Some(open), Some(m)) if open == m => {
                fence = None;
                continue;
            }
            (Some(_), _) => continue,
            (None, None) => {}
        }
        if starts_block || in_section(at) {
            flush(&mut block, block_line, &mut out);
        }
        if in_section(at) || t.is_empty() {
            continue;
        }
        if block.is_empty() {
            block_line = at;
        }
        block.push_str(line);
        block.push('\n');
    }
    flush(&mut block, block_line, &mut out);
    out
}

/// Does a sentence speak of using the model (rather than name a license or a kind of user)?
/// "Non-commercial entities" and a bare "CC-BY-NC-SA-4.0" do not; "for non-commercial use
/// only" and "commercial use is prohibited" do.
fn speaks_of_use(sentence: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(?i)\b(use|used|usage|uses|using|purposes?|prohibited|forbidden|permitted|allowed|not for|commercially)\b")
            .expect("valid regex")
    })
    .is_match(sentence)
}

/// At most this much of a card's body is read for prohibitions outside its license sections.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What a sentence of the card is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    ThisModel,
    /// Another model or variant ("the separate Instruct model is CC BY-NC").
    OtherModel,
    /// The training data ("the training data is licensed CC BY-NC").
    Data,
}

/// Who a sentence's terms apply to. A sentence whose subject is another variant or the data
/// ("the separate Instruct model is …", "the training data is licensed …") is not this model's
/// license; a sentence that only mentions data in passing still is.
pub fn about(sentence: &str) -> Subject {
    static RE: std::sync::OnceLock<(regex::Regex, regex::Regex)> = std::sync::OnceLock::new();
    let (other, data) = RE.get_or_init(|| {
        (
            regex::Regex::new(r"(?i)\b(the|our|a|its) (separate |other )?(instruct|chat|other|separate|previous|earlier|larger|smaller|sibling|companion)[- ](model|variant|version|checkpoint|release)s? (is|are|was|were|remains?|will be)\b")
                .expect("valid regex"),
            regex::Regex::new(r"(?i)\b(training data|training set|dataset|data set|datasets|data|corpus|corpora|annotations) (is|are|was|were|remains?) (licensed|released|available|provided|distributed|under|for|subject|restricted|limited)\b")
                .expect("valid regex"),
        )
    });
    if other.is_match(sentence) {
        Subject::OtherModel
    } else if data.is_match(sentence) {
        Subject::Data
    } else {
        Subject::ThisModel
    }
}

/// Restrictions in a card text that are about another model or about the data: what the
/// reviewer should see, but not this model's license.
pub fn restrictions_elsewhere(
    file: &str,
    text: &str,
    line_offset: usize,
) -> Vec<(Subject, Clause)> {
    clauses::read(file, text, line_offset)
        .into_iter()
        .filter(|c| c.kind.effect() == Effect::Prohibits)
        .filter_map(|c| match about(&c.sentence) {
            Subject::ThisModel => None,
            subject => Some((subject, c)),
        })
        .collect()
}

/// License names mentioned in prose, through the rules' aliases (only multi-character names
/// specific enough to be a license: at least 6 characters after normalisation).
pub fn mentions<'r>(
    kind: SourceKind,
    file: &str,
    text: &str,
    line_offset: usize,
    rules: &'r RuleSet,
) -> Vec<Candidate<'r>> {
    let norm = normalize(text);
    mention_spans(&norm, rules)
        .into_iter()
        .filter(|&(s, e, _)| {
            kind != SourceKind::CardText
                || about(clauses::sentence_around(&norm.text, s, e)) == Subject::ThisModel
        })
        .map(|(s, e, rule)| {
            let mut ev = quote_span(file, text, &norm, (s, e), Some(&rule.facts.id));
            ev.line = ev.line.map(|l| l + line_offset);
            Candidate {
                scope: scope_of(&norm.text, s, e),
                ..Candidate::new(kind, Some(file.to_string()), Some(rule), 0.6, ev)
            }
        })
        .collect()
}

/// What a license named in prose covers, from the words just before it in its sentence ("the
/// weights are under CC BY-NC, the code under Apache-2.0"), else just after it: `weights`,
/// `code`, `data` or `outputs`; `None` when the sentence does not say.
pub fn scope_of(text: &str, start: usize, end: usize) -> Option<LicenseScope> {
    let from = text[..start]
        .rfind(['.', ';', '!', '?', ','])
        .map_or(0, |i| i + 1);
    let to = text[end..]
        .find(['.', ';', '!', '?', ','])
        .map_or(text.len(), |i| end + i);
    let scope = |t: &str| -> Option<(usize, LicenseScope)> {
        use LicenseScope::*;
        [
            ("weights", Weights),
            ("checkpoint", Weights),
            ("parameters", Weights),
            ("model", Weights),
            ("source code", Code),
            ("code", Code),
            ("scripts", Code),
            ("dataset", Data),
            ("data", Data),
            ("outputs", Outputs),
            ("generated", Outputs),
        ]
        .iter()
        .filter_map(|(w, s)| t.rfind(w).map(|i| (i, *s)))
        .max_by_key(|(i, _)| *i)
    };
    scope(&text[from..start])
        .or_else(|| scope(&text[end..to]))
        .map(|(_, s)| s)
}

/// License names in a card text that sit in a sentence about another model or the data: each
/// as `(subject, line, quote, rule id)`, for the reviewer's notes.
pub fn mentions_elsewhere(
    text: &str,
    line_offset: usize,
    rules: &RuleSet,
) -> Vec<(Subject, usize, String, String)> {
    let norm = normalize(text);
    mention_spans(&norm, rules)
        .into_iter()
        .filter_map(|(s, e, rule)| {
            let subject = about(clauses::sentence_around(&norm.text, s, e));
            (subject != Subject::ThisModel).then(|| {
                let ev = quote_span("README.md", text, &norm, (s, e), None);
                (
                    subject,
                    ev.line.unwrap_or(1) + line_offset,
                    ev.quote,
                    rule.facts.id.clone(),
                )
            })
        })
        .collect()
}

/// Where license names occur in a normalised text: `(start, end, rule)`, in text order, a
/// longer name hiding the shorter ones inside it, each rule once.
pub fn mention_spans<'r>(norm: &Normalized, rules: &'r RuleSet) -> Vec<(usize, usize, &'r Rule)> {
    // Hyphens count as spaces, so "CC BY-NC 4.0" meets the alias "cc-by-nc-4.0" (same length,
    // so offsets still map to lines).
    let loose = norm.text.replace('-', " ");
    let mut found: Vec<(usize, usize, &'r Rule)> = Vec::new();
    for rule in rules
        .rules()
        .iter()
        .filter(|r| r.facts.kind == RuleKind::License)
    {
        for alias in rule.facts.aliases.iter().chain([&rule.facts.name]) {
            let phrase = normalize_phrase(alias).replace('-', " ");
            if phrase.len() < 6 || !phrase.contains(' ') {
                continue;
            }
            if let Some(start) = find_word(&loose, &phrase) {
                found.push((start, start + phrase.len(), rule));
            }
        }
    }
    // A longer mention hides the shorter ones inside it ("cc-by-nc-4.0" over "cc-by").
    found.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let mut kept: Vec<(usize, usize, &'r Rule)> = Vec::new();
    for f in found {
        if kept.iter().any(|k| k.0 <= f.0 && f.1 <= k.1) {
            continue;
        }
        if !kept.iter().any(|k| std::ptr::eq(k.2, f.2)) {
            kept.push(f);
        }
    }
    kept
}

/// A phrase at word boundaries.
fn find_word(t: &str, phrase: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = t[from..].find(phrase) {
        let start = from + i;
        let end = start + phrase.len();
        let before = t[..start].chars().next_back();
        let after = t[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return Some(start);
        }
        from = start + 1;
        while !t.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_license_sections() {
        let body = "# Model\nintro non-commercial dataset\n## License\nReleased under the Llama 3 Community License.\n### Details\nmore\n## Usage\nother\n";
        let s = license_sections(body, 10);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].0, 12);
        assert!(s[0].1.contains("Llama 3") && s[0].1.contains("more") && !s[0].1.contains("other"));
    }

    #[test]
    fn restrictive_sentences_but_not_passing_mentions() {
        let s = signals(
            SourceKind::CardText,
            "README.md",
            "Weights are for non-commercial use only.\nFree for commercial and non-commercial use.",
            4,
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].evidence().line, Some(5));
        assert!(
            signals(
                SourceKind::CardText,
                "README.md",
                "Use it for commercial or non-commercial purposes.",
                0
            )
            .is_empty()
        );
        assert_eq!(
            signals(
                SourceKind::GatePrompt,
                "extra_gated_fields",
                "I agree to use this model for research purposes only: checkbox",
                0
            )
            .len(),
            1
        );
    }

    #[test]
    fn prohibitions_anywhere_in_the_body_but_not_in_code() {
        let body = "# Model\n**License:** research and non-commercial use only\n```\n# commercial use is prohibited\n```\nThe training data is licensed for non-commercial use only.\n";
        let s = body_signals("README.md", body, 5, &[]);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].evidence().line, Some(6));
        // Inside a license section, the section reader has it already.
        assert!(body_signals("README.md", body, 5, &[(5, "x\n".into())]).is_empty());
        // Shapes of real cards that are not this model's terms: an intended use, a kind of
        // user, a dataset table, a bare license name.
        let real = "The model is intended for research purposes only. Possible research areas and tasks include\n\n- Non-commercial entities\n\n| [TED-LIUM](https://huggingface.co/datasets/LIUM/tedlium) | 450 | TED talks | CC-BY-NC-ND 3.0 |\n";
        assert!(body_signals("README.md", real, 1, &[]).is_empty());
        let important = "Some text.\n\n**Important: commercial use is prohibited.**\n";
        assert_eq!(body_signals("README.md", important, 1, &[]).len(), 1);
    }

    #[test]
    fn sentences_about_another_model_or_the_data() {
        assert_eq!(
            about("The separate Instruct model is released under CC BY-NC 4.0."),
            Subject::OtherModel
        );
        assert_eq!(
            about("The training data is licensed for non-commercial use only."),
            Subject::Data
        );
        assert_eq!(
            about("This model is for research purposes only and was trained on our dataset."),
            Subject::ThisModel
        );
    }

    #[test]
    fn the_scope_of_a_license_named_in_prose() {
        let rules = RuleSet::builtin().unwrap();
        let c = mentions(
            SourceKind::CardText,
            "README.md",
            "The weights are released under CC BY-NC 4.0, the code under the MIT License.",
            0,
            &rules,
        );
        let scopes: Vec<(&str, Option<LicenseScope>)> = c
            .iter()
            .map(|c| (c.rule.unwrap().facts.id.as_str(), c.scope))
            .collect();
        assert_eq!(
            scopes,
            [
                ("cc-by-nc-4.0", Some(LicenseScope::Weights)),
                ("mit", Some(LicenseScope::Code))
            ]
        );
    }

    #[test]
    fn license_names_in_prose() {
        let rules = RuleSet::builtin().unwrap();
        let c = mentions(
            SourceKind::CardText,
            "README.md",
            "This model is licensed under CC BY-NC 4.0.",
            0,
            &rules,
        );
        let ids: Vec<&str> = c
            .iter()
            .map(|c| c.rule.unwrap().facts.id.as_str())
            .collect();
        assert_eq!(ids, ["cc-by-nc-4.0"]);
    }
}
