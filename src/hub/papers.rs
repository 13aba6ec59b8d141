//! Papers a card cites, through arXiv's API (`GET {endpoint}/api/query?id_list=ID`, an Atom
//! feed): the paper exists when the feed holds an entry whose `<id>` is that paper, and its
//! license is the entry's `<arxiv:license>` where arXiv gives one. One request a paper; the
//! feed is read with a few bounded text searches, not an XML parser (only three elements are
//! read, and nothing in the feed is followed).

use super::cache::Key;
use super::client::{BodyRead, HubClient};
use super::error::SourceError;
use crate::linked::PaperFacts;

/// arXiv's API.
pub const DEFAULT_ENDPOINT: &str = "https://export.arxiv.org";

/// The largest feed read (one entry is a few kilobytes).
const MAX_FEED: usize = 256 * 1024;

/// A new-style arXiv id (`2304.01373`), the only kind the links give.
pub fn valid_id(id: &str) -> bool {
    let (a, b) = id.split_once('.').unwrap_or(("", ""));
    a.len() == 4
        && (4..=5).contains(&b.len())
        && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
}

/// The text of the first `<tag …>…</tag>` in `xml`, entities for `&amp;`, `&lt;`, `&gt;` undone
/// and whitespace collapsed.
fn element(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}");
    let start = xml.find(&open)?;
    let after = &xml[start + open.len()..];
    // `<id>` must not match `<idx>`: the tag ends at `>` or a space.
    if !after.starts_with(['>', ' ']) {
        return element(&xml[start + open.len()..], tag);
    }
    let body_start = after.find('>')? + 1;
    let body = &after[body_start..];
    let end = body.find(&format!("</{tag}>"))?;
    let text = body[..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Reads arXiv's feed for one paper.
pub fn read_feed(xml: &str, id: &str) -> Result<PaperFacts, String> {
    let entry = xml
        .split("<entry")
        .skip(1)
        .find(|e| {
            element(e, "id").is_some_and(|i| {
                let tail = i.rsplit("/abs/").next().unwrap_or("");
                tail == id || tail.strip_prefix(id).is_some_and(|v| v.starts_with('v'))
            })
        })
        .ok_or_else(|| format!("arXiv has no paper {id}"))?;
    let title = element(entry, "title").unwrap_or_default();
    let title: String = title.chars().take(300).collect();
    Ok(PaperFacts {
        title,
        license_url: element(entry, "arxiv:license").filter(|l| l.starts_with("http")),
    })
}

/// Looks one paper up.
pub async fn arxiv(client: &HubClient, id: &str) -> Result<PaperFacts, SourceError> {
    if !valid_id(id) {
        return Err(SourceError::InvalidRef(format!("not an arXiv id: {id}")));
    }
    let path = format!("/api/query?id_list={id}");
    let body = client
        .get_path(&Key::Page { path: &path }, &path, MAX_FEED, BodyRead::Whole)
        .await?;
    read_feed(&String::from_utf8_lossy(&body.bytes), id).map_err(SourceError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_entry_and_its_license() {
        // The shape of arXiv's Atom answer, with our own title.
        let feed = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>https://arxiv.org/api/x</id><title>arXiv Query</title>
<entry><id>http://arxiv.org/abs/2304.01373v2</id><title>A Suite
  for &amp; Analysis</title><arxiv:license>http://creativecommons.org/licenses/by/4.0/</arxiv:license></entry></feed>"#;
        let p = read_feed(feed, "2304.01373").unwrap();
        assert_eq!(p.title, "A Suite for & Analysis");
        assert_eq!(
            p.license_url.as_deref(),
            Some("http://creativecommons.org/licenses/by/4.0/")
        );
        assert!(read_feed(feed, "2304.0137").is_err());
        assert!(read_feed("<feed></feed>", "2304.01373").is_err());
        assert!(valid_id("2101.00027"));
        assert!(!valid_id("../etc"));
    }
}
