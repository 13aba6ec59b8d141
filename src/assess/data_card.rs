//! A dataset card's body, read for the Open Source AI Definition's "data information": the
//! sections that say where the data comes from (provenance: source data, collection, creation)
//! and how it was made into a training set (processing: cleaning, filtering, deduplication,
//! curation, annotation), and the card's own licensing section. A section counts only when it
//! says something: the Hub's card template leaves "[More Information Needed]" under every
//! heading, and a heading with nothing real under it is no information.

pub use crate::linked::{Section, Topic};

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

/// The sections of `readme` (front matter skipped, code blocks not headings) that speak to a
/// topic and say something.
pub fn sections(readme: &str) -> Vec<Section> {
    let lines: Vec<&str> = readme.lines().collect();
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
    let mut out = Vec::new();
    for (n, &(i, level, text)) in heads.iter().enumerate() {
        let Some(topic) = topic(text) else { continue };
        // Under the heading until the next one of the same or a higher level.
        let end = heads[n + 1..]
            .iter()
            .find(|&&(_, l, _)| l <= level)
            .map_or(lines.len(), |&(j, _, _)| j);
        let count: usize = lines[i + 1..end]
            .iter()
            .filter(|l| heading(l).is_none())
            .map(|l| words(l))
            .sum();
        if count >= MIN_WORDS {
            out.push(Section {
                topic,
                heading: text.chars().take(120).collect(),
                line: i + 1,
                words: count,
            });
        }
    }
    out
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
}
