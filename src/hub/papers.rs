//! Papers a card cites, through arXiv's API (`GET {endpoint}/api/query?id_list=ID`, an Atom
//! feed): the paper exists when the feed holds an entry whose `<id>` is that paper, and its
//! license is the entry's `<arxiv:license>` where arXiv gives one. The feed is read with a few
//! bounded text searches, not an XML parser (only three elements are read, and nothing in the
//! feed is followed). Papers cited by DOI go to Crossref's API (`GET {endpoint}/works/DOI`, JSON):
//! the paper exists when Crossref holds the work, and its license is the one Crossref records
//! for the version of record (or the accepted manuscript); a text-and-data-mining license is
//! not the paper's license. One request a paper.

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

/// Crossref's REST API.
pub const CROSSREF_ENDPOINT: &str = "https://api.crossref.org";

/// The largest Crossref record read (a work with its references is tens of kilobytes).
const MAX_WORK: usize = 1024 * 1024;

/// Reads Crossref's answer for one work.
pub fn read_work(json: &[u8], doi: &str) -> Result<PaperFacts, String> {
    let v: serde_json::Value = serde_json::from_slice(json)
        .map_err(|e| format!("Crossref's answer for {doi} is not JSON: {e}"))?;
    let work = v
        .get("message")
        .filter(|m| m.is_object())
        .ok_or_else(|| format!("Crossref's answer for {doi} holds no work"))?;
    let title = work
        .get("title")
        .and_then(|t| t.as_array())
        .and_then(|t| t.first())
        .and_then(|t| t.as_str())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let licenses: Vec<(&str, &str)> = work
        .get("license")
        .and_then(|l| l.as_array())
        .map(|a| {
            a.iter()
                .take(20)
                .filter_map(|l| {
                    Some((
                        l.get("content-version")
                            .and_then(|c| c.as_str())
                            .unwrap_or("unspecified"),
                        l.get("URL")?.as_str()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let license_url = ["vor", "am", "unspecified"].iter().find_map(|want| {
        licenses
            .iter()
            .find(|(version, url)| version == want && url.starts_with("http"))
            .map(|(_, url)| url.chars().take(300).collect::<String>())
    });
    Ok(PaperFacts {
        title: if title.is_empty() {
            format!("DOI {doi}")
        } else {
            title.chars().take(300).collect()
        },
        license_url,
    })
}

/// Percent-encodes the DOI's characters that are not plain in a URL path.
fn path_of(doi: &str) -> String {
    doi.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._/:".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Looks one paper up by its DOI.
pub async fn crossref(client: &HubClient, doi: &str) -> Result<PaperFacts, SourceError> {
    if !crate::linked::valid_doi(doi) {
        return Err(SourceError::InvalidRef(format!("not a DOI: {doi}")));
    }
    let path = format!("/works/{}", path_of(doi));
    let body = client
        .get_path(&Key::Page { path: &path }, &path, MAX_WORK, BodyRead::Whole)
        .await
        .map_err(|e| match e {
            SourceError::NotFound(_) => SourceError::NotFound(format!(
                "Crossref has no record of DOI {doi} (it may be registered elsewhere)"
            )),
            e => e,
        })?;
    read_work(&body.bytes, doi).map_err(SourceError::BadResponse)
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

    /// The shape of Crossref's `/works/DOI` answer (fields reduced; our own title): a
    /// text-mining license and the version of record's license, in that order.
    #[test]
    fn reads_a_work_and_the_license_of_its_version_of_record() {
        let json = br#"{"status":"ok","message-type":"work","message-version":"1.0.0","message":{"publisher":"Springer Science and Business Media LLC","license":[{"start":{"date-parts":[[2024,3,19]]},"content-version":"tdm","delay-in-days":0,"URL":"https://www.springernature.com/gp/researchers/text-and-data-mining"},{"start":{"date-parts":[[2024,3,19]]},"content-version":"vor","delay-in-days":0,"URL":"https://creativecommons.org/licenses/by/4.0"}],"DOI":"10.1038/x","type":"journal-article","title":["A  foundation\n model"]}}"#;
        let w = read_work(json, "10.1038/x").unwrap();
        assert_eq!(w.title, "A foundation model");
        assert_eq!(
            w.license_url.as_deref(),
            Some("https://creativecommons.org/licenses/by/4.0")
        );
        // Only a text-mining license: the paper's own license is not stated.
        let tdm = br#"{"status":"ok","message":{"license":[{"content-version":"tdm","URL":"https://www.elsevier.com/tdm/userlicense/1.0/"}],"title":["T"]}}"#;
        assert_eq!(read_work(tdm, "10.1016/x").unwrap().license_url, None);
        assert!(read_work(b"Resource not found.", "10.1/x").is_err());
        assert!(read_work(br#"{"status":"ok"}"#, "10.1/x").is_err());
        assert_eq!(
            path_of("10.1002/(sici)1097;x"),
            "10.1002/%28sici%291097%3Bx"
        );
    }
}
