//! A dataset card's body, read for the Open Source AI Definition's "data information": the
//! sections that say where the data comes from (provenance: source data, collection, creation)
//! and how it was made into a training set (processing: cleaning, filtering, deduplication,
//! curation, annotation), and the card's own licensing section. A section counts only when it
//! says something: the Hub's card template leaves "[More Information Needed]" under every
//! heading, and a heading with nothing real under it is no information. The licensing sections
//! are read for their terms: the licenses they name, the restrictions they state, and the
//! other terms (the sources' own, a crawl's terms of use) they send the reader to.

use std::sync::OnceLock;

use regex::Regex;

use crate::license::identify::quote_span;
use crate::license::{clauses, prose};
pub use crate::linked::{DataCard, DataTerm, Section, TermKind, Topic};
use crate::normalize::normalize;
use crate::rules::RuleSet;
use crate::vocab::{Effect, Verdict};

/// Fewer words than this under a heading say nothing a reader could rebuild data from.
pub const MIN_WORDS: usize = 25;

const PROVENANCE: [&str; 9] = [
    "source data",
    "data source",
    "data collection",
    "dataset creation",
    "who are the source",
    "data origin",
    "provenance",
    "composition",
    "sources",
];

const PROCESSING: [&str; 12] = [
    "preprocessing",
    "pre-processing",
    "processing",
    "curation",
    "filtering",
    "deduplication",
    "cleaning",
    "annotation",
    "labeling",
    "labelling",
    "normalization",
    "pipeline",
];

fn topic(heading: &str) -> Option<Topic> {
    let h = heading.to_ascii_lowercase();
    if h.contains("licens") {
        Some(Topic::Licensing)
    } else if PROCESSING.iter().any(|k| h.contains(k)) {
        Some(Topic::Processing)
    } else if PROVENANCE.iter().any(|k| h.contains(k)) {
        Some(Topic::Provenance)
    } else {
        None
    }
}

/// A Markdown ATX heading: its level and text.
fn heading(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start();
    let level = t.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &t[level..];
    (rest.starts_with(' ') || rest.is_empty())
        .then(|| (level, rest.trim().trim_end_matches('#').trim()))
}

/// Words in a line, the template's placeholders and Markdown punctuation left out.
fn words(line: &str) -> usize {
    let cleaned = line.replace("[More Information Needed]", " ");
    cleaned
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// A heading and the lines under it (up to the next heading of the same or a higher level).
struct Span<'a> {
    topic: Option<Topic>,
    heading: &'a str,
    /// 0-based index of the heading's line.
    at: usize,
    /// 0-based index of the first line past the section.
    end: usize,
}

/// Every heading of `lines` outside the front matter and fenced code, with its section.
fn spans<'a>(lines: &[&'a str]) -> Vec<Span<'a>> {
    let mut start = 0;
    if lines.first().is_some_and(|l| l.trim() == "---")
        && let Some(end) = lines.iter().skip(1).position(|l| l.trim() == "---")
    {
        start = end + 2;
    }
    // (index, level, text) of every heading outside fenced code.
    let mut heads = Vec::new();
    let mut fenced = false;
    for (i, l) in lines.iter().enumerate().skip(start) {
        if l.trim_start().starts_with("```") || l.trim_start().starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if !fenced && let Some((level, text)) = heading(l) {
            heads.push((i, level, text));
        }
    }
    heads
        .iter()
        .enumerate()
        .map(|(n, &(at, level, text))| Span {
            topic: topic(text),
            heading: text,
            at,
            end: heads[n + 1..]
                .iter()
                .find(|&&(_, l, _)| l <= level)
                .map_or(lines.len(), |&(j, _, _)| j),
        })
        .collect()
}

/// The sections of `readme` (front matter skipped, code blocks not headings) that speak to a
/// topic and say something.
pub fn sections(readme: &str) -> Vec<Section> {
    let lines: Vec<&str> = readme.lines().collect();
    spans(&lines)
        .into_iter()
        .filter_map(|s| {
            let topic = s.topic?;
            let count: usize = lines[s.at + 1..s.end]
                .iter()
                .filter(|l| heading(l).is_none())
                .map(|l| words(l))
                .sum();
            (count >= MIN_WORDS).then(|| Section {
                topic,
                heading: s.heading.chars().take(120).collect(),
                line: s.at + 1,
                words: count,
            })
        })
        .collect()
}

/// At most this much of each licensing section is read for terms.
const MAX_TERMS_BYTES: usize = 16 * 1024;

/// The phrases by which a licensing section sends its reader to other terms, over normalised
/// text: the sources' or subsets' own licenses, a crawl's terms of use the user is "also bound
/// by". Those terms were not read, so they leave the dataset's commercial use `unknown`.
fn defers() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"refer to the (?:specific |respective |individual |original )?licen[cs]es?\b",
            r"|\b(?:original|respective|underlying|individual|upstream) (?:licen[cs]es|licen[cs]e|terms)\b",
            r"|\b(?:its|their) own (?:licen[cs]es?|terms)\b",
            r"|\b(?:various|multiple|different|mixed) licen[cs]es\b",
            r"|\blicen[cs]es? (?:of|for) (?:the |each )?(?:data )?(?:subsets?|sources?|components?)\b",
            r"|\b(?:bound by|abide (?:by|to)|subject to|comply with|adhere to)\b[^.;]{0,80}\b(?:terms (?:of use|of service|and conditions)|tou|tos)\b",
        ))
        .expect("the deferral pattern is valid")
    })
}

/// The terms one licensing section states: licenses it names (through the rules' aliases),
/// restrictions (the clause reader), and a deferral to other terms. `offset` is the README
/// line before the section's text.
fn terms(file: &str, text: &str, offset: usize, rules: &RuleSet) -> Vec<DataTerm> {
    let text = clip_bytes(text, MAX_TERMS_BYTES);
    let norm = normalize(text);
    let at = |span: (usize, usize), rule: Option<&str>| {
        let mut ev = quote_span(file, text, &norm, span, rule);
        ev.line = ev.line.map(|l| l + offset);
        ev
    };
    let mut out: Vec<DataTerm> = prose::mention_spans(&norm, rules)
        .into_iter()
        .map(|(s, e, rule)| DataTerm {
            kind: TermKind::License,
            verdict: rule.facts.verdict,
            evidence: at((s, e), Some(&rule.facts.id)),
        })
        .collect();
    out.extend(
        clauses::read_normalized(file, text, &norm, offset)
            .into_iter()
            .filter(|c| c.kind.restricts())
            .map(|c| DataTerm {
                kind: TermKind::Restriction,
                verdict: match c.kind.effect() {
                    Effect::Prohibits => Verdict::Prohibited,
                    _ => Verdict::Conditional,
                },
                evidence: c.evidence,
            }),
    );
    if let Some(m) = defers().find(&norm.text) {
        out.push(DataTerm {
            kind: TermKind::Defers,
            verdict: Verdict::Unknown,
            evidence: at((m.start(), m.end()), None),
        });
    }
    out
}

/// A prefix of `s` of at most `max` bytes, cut at a character boundary.
fn clip_bytes(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Reads a dataset's card: the sections that describe its data, and the terms its licensing
/// sections state (each cited in `datasets/{dataset}/README.md`).
pub fn read(dataset: &str, readme: &str, rules: &RuleSet) -> DataCard {
    let lines: Vec<&str> = readme.lines().collect();
    let file = format!("datasets/{dataset}/README.md");
    let mut found: Vec<DataTerm> = Vec::new();
    for s in spans(&lines) {
        if s.topic != Some(Topic::Licensing) {
            continue;
        }
        let text = lines[s.at + 1..s.end].join("\n");
        for t in terms(&file, &text, s.at + 1, rules) {
            // A licensing section nested in another is read twice: each term once.
            if !found
                .iter()
                .any(|f| f.kind == t.kind && f.evidence.line == t.evidence.line)
            {
                found.push(t);
            }
        }
    }
    DataCard {
        sections: sections(readme),
        terms: found,
    }
}

/// Does the card describe both where its data comes from and how it was processed?
pub fn describes_data(sections: &[Section]) -> bool {
    [Topic::Provenance, Topic::Processing]
        .iter()
        .all(|t| sections.iter().any(|s| s.topic == *t))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of a real web-corpus data card (front matter, summary, creation with source
    /// data and processing subsections, licensing), in our words.
    const DOCUMENTED: &str = "---\nlicense: odc-by\n---\n# A web corpus\n\n## Dataset Summary\nA few words.\n\n## Dataset Creation\n\n### Source Data\nThe text was taken from ninety monthly snapshots of a public web crawl published between 2013 and 2023, together with openly licensed books, encyclopedia pages, scientific abstracts and source code from public repositories, as described in the technical report.\n\n### Data Processing\nDocuments were identified by language with a fastText classifier and kept when English scored above one half; near-duplicates were removed with a Bloom filter over paragraphs; a list of quality rules dropped pages with too little prose, and personal data such as e-mail addresses was masked.\n\n```\n# not a heading\n```\n\n## Licensing Information\nThe corpus is released under the Open Data Commons Attribution License; each source keeps its own terms, listed in the appendix of the report together with the crawl dates.\n";

    #[test]
    fn a_documented_card_describes_its_data() {
        let s = sections(DOCUMENTED);
        let topics: Vec<(Topic, &str, usize)> = s
            .iter()
            .map(|x| (x.topic, x.heading.as_str(), x.line))
            .collect();
        assert_eq!(
            topics,
            vec![
                (Topic::Provenance, "Dataset Creation", 9),
                (Topic::Provenance, "Source Data", 11),
                (Topic::Processing, "Data Processing", 14),
                (Topic::Licensing, "Licensing Information", 21),
            ]
        );
        assert!(describes_data(&s));
    }

    #[test]
    fn the_template_says_nothing() {
        let template = "# Dataset Card\n\n## Dataset Creation\n\n### Source Data\n\n#### Data Collection and Processing\n\n[More Information Needed]\n\n#### Who are the source data producers?\n\n[More Information Needed]\n\n### Annotations\n\n[More Information Needed]\n";
        assert!(sections(template).is_empty());
        assert!(!describes_data(&sections(template)));
        assert!(!describes_data(&sections("no headings at all, only prose")));
    }

    fn terms_of(readme: &str) -> Vec<(TermKind, Verdict, Option<usize>, Option<String>)> {
        let rules = RuleSet::builtin().unwrap();
        read("org/data", readme, &rules)
            .terms
            .into_iter()
            .map(|t| (t.kind, t.verdict, t.evidence.line, t.evidence.rule))
            .collect()
    }

    /// MuST-C's shape: a licensing section that names a non-commercial Creative Commons license
    /// by its 3.0-style name, in a bulleted list wrapped over lines.
    #[test]
    fn a_licensing_section_names_a_non_commercial_license() {
        let card = "---\nlicense: apache-2.0\n---\n# Talks\n\n## Additional Information\n\n### Licensing Information\n\n- The talks belong to their publisher and are licensed under a\n  Creative Commons Attribution-NonCommercial-NoDerivs 4.0\n\n- this corpus is released under that same license.\n### Citation Information\n\nSee the paper.\n";
        let t = terms_of(card);
        assert!(
            t.contains(&(
                TermKind::License,
                Verdict::Prohibited,
                Some(11),
                Some("cc-by-nc-nd-4.0".into())
            )),
            "{t:?}"
        );
        let file = read("org/data", card, &RuleSet::builtin().unwrap()).terms[0]
            .evidence
            .file
            .clone();
        assert_eq!(file.as_deref(), Some("datasets/org/data/README.md"));
    }

    /// SlimPajama's and The Pile's shape: the section sends the reader to each subset's terms;
    /// RefinedWeb's and C4's: an open data license, and a crawl's terms of use besides.
    #[test]
    fn a_licensing_section_that_defers_to_other_terms() {
        let subsets = "# Corpus\n\n## License\nFor the data itself, see the licenses of each subset you use.\n\n- Crawl terms of use\n- code under MIT, BSD or Apache licenses only\n";
        assert_eq!(
            terms_of(subsets),
            vec![(TermKind::Defers, Verdict::Unknown, Some(4), None)]
        );
        let crawl = "# Web\n\n## License Information\n\nThis extract is made available under the Open Data Commons Attribution License; users must also abide by the crawl's ToU.\n";
        let t = terms_of(crawl);
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(
            t[0],
            (
                TermKind::License,
                Verdict::Allowed,
                Some(5),
                Some("odc-by".into())
            )
        );
        assert_eq!(t[1].0, TermKind::Defers);
        // A licensing heading with nothing under it states no terms; neither does prose
        // elsewhere in the card.
        assert!(terms_of("# A\n\n## Licensing Information\n\n[More Information Needed]\n\n## Uses\nSee the licenses of each subset.\n").is_empty());
    }
}
