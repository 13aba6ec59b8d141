//! The public openness indexes' data: the Model Openness Tool's `models/*.yml` records and the
//! European Open Source AI Index's `*.yaml` records, fetched from a configurable URL and kept in
//! the cache folder with the day they were fetched. By default the URL is a GitHub archive of the
//! index's repository (`.tar.gz`): one request for the whole index, which keeps `--links` far
//! under GitHub's 60 unauthenticated requests an hour (see `archive` for how it is read). A GitHub
//! contents listing still works (one request for the listing, then one per record's
//! `download_url`, as the index's own website does). Fetched at most once a run and once a week;
//! `--offline` reads the cached copy whatever its age. A record file is bounded, and a listing or
//! an archive is bounded in records and bytes; a `download_url` must be http(s).

use std::path::PathBuf;
use std::sync::Arc;

use futures_util::future::join_all;
use serde::{Deserialize, Serialize};

use super::cache::Key;
use super::client::{BodyRead, ClientConfig, HubClient};
use super::error::SourceError;
use crate::linked::{IndexData, IndexName, IndexRecord};
use crate::vocab::Date;

mod archive;

/// The Model Openness Tool's records: its repository's archive at the default branch (no
/// branch name to go stale; GitHub redirects it to codeload.github.com), whose `models/`
/// folder holds them.
pub const MOT_URL: &str = "https://api.github.com/repos/lfai/model_openness_tool/tarball";
/// The European Open Source AI Index's records: its repository's archive at the default
/// branch, whose top-level `*.yaml` files they are.
pub const OSAI_URL: &str =
    "https://api.github.com/repos/Language-Technology-Assessment/main-database/tarball";

/// Days a cached copy is used before it is fetched again.
pub const MAX_AGE_DAYS: i64 = 7;
/// The most records read from one index.
pub const MAX_RECORDS: usize = 2_000;
/// The largest record read.
const MAX_RECORD_BYTES: usize = 256 * 1024;
/// The most bytes of records kept from one index (the real ones hold about 2 MB).
const MAX_INDEX_BYTES: usize = 64 * 1024 * 1024;
/// The largest archive downloaded, compressed (a whole repository, not only its records).
const MAX_ARCHIVE_BYTES: usize = 32 * 1024 * 1024;
/// The most bytes an archive may unpack to: far above a repository of YAML records, far below
/// what a gzip bomb of `MAX_ARCHIVE_BYTES` would make.
const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Deserialize)]
struct Listed {
    #[serde(default)]
    name: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    download_url: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Cached {
    url: String,
    date: String,
    records: Vec<(String, String)>,
}

fn today_days() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    (secs / 86_400) as i64
}

/// Today, UTC.
pub fn today() -> String {
    Date::from_days(today_days()).to_string()
}

/// `scheme://host[:port]` and the rest of an http(s) URL.
fn split_url(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty() {
        return None;
    }
    let path = if path.is_empty() { "/" } else { path };
    Some((format!("{scheme}://{host}"), path.to_string()))
}

/// Is the URL path (query left out) a GitHub-style archive rather than a contents listing: a
/// `.tar.gz`/`.tgz` file, codeload's `/OWNER/REPO/tar.gz/REF`, or the API's
/// `/repos/OWNER/REPO/tarball[/REF]`?
fn is_archive(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let parts: Vec<&str> = path.split('/').collect();
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".tar.gz")
        || lower.ends_with(".tgz")
        || parts.contains(&"tar.gz")
        || parts
            .iter()
            .enumerate()
            .any(|(i, p)| *p == "tarball" && i >= 3 && parts[i - 3] == "repos")
}

/// Is this file a record of the index?
fn is_record(index: IndexName, name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    match index {
        IndexName::ModelOpennessTool => lower.ends_with(".yml") || lower.ends_with(".yaml"),
        IndexName::OsaiIndex => {
            lower.ends_with(".yaml")
                && !lower.starts_with('_')
                && !lower.starts_with("a_submission")
        }
    }
}

/// Where an index's data is kept.
fn cache_file(cfg: &ClientConfig, index: IndexName) -> Option<PathBuf> {
    let dir = cfg.cache.as_ref()?.dir().parent()?.to_path_buf();
    Some(dir.join("indexes").join(format!("{}.json", index.as_str())))
}

/// Was this copy fetched in the last `MAX_AGE_DAYS` days?
fn recent(date: &str) -> bool {
    let today = today_days();
    Date::parse(date)
        .is_some_and(|d| d <= Date::from_days(today) && d > Date::from_days(today - MAX_AGE_DAYS))
}

fn read_cache(path: &PathBuf, url: &str) -> Option<IndexData> {
    let text = std::fs::read(path).ok()?;
    let c: Cached = serde_json::from_slice(&text).ok()?;
    (c.url == url).then_some(())?;
    Some(IndexData {
        index: IndexName::ModelOpennessTool,
        url: c.url,
        date: c.date,
        records: c
            .records
            .into_iter()
            .map(|(file, text)| IndexRecord { file, text })
            .collect(),
    })
}

/// An index's data: the cached copy when it is recent (or offline), else fetched and cached.
pub async fn load(
    base: &ClientConfig,
    index: IndexName,
    url: &str,
) -> Result<Arc<IndexData>, SourceError> {
    let file = cache_file(base, index);
    let cached = file.as_ref().and_then(|f| read_cache(f, url)).map(|mut d| {
        d.index = index;
        d
    });
    if let Some(d) = cached
        && (base.offline || recent(&d.date))
    {
        return Ok(Arc::new(d));
    }
    if base.offline {
        return Err(SourceError::Offline(format!(
            "offline, and the {} data is not in the cache",
            index.as_str()
        )));
    }
    let data = fetch(base, index, url).await?;
    if let Some(f) = &file {
        let c = Cached {
            url: data.url.clone(),
            date: data.date.clone(),
            records: data
                .records
                .iter()
                .map(|r| (r.file.clone(), r.text.clone()))
                .collect(),
        };
        if let Some(dir) = f.parent()
            && std::fs::create_dir_all(dir).is_ok()
            && let Ok(bytes) = serde_json::to_vec(&c)
        {
            let tmp = f.with_extension("json.tmp");
            if std::fs::write(&tmp, bytes).is_ok() {
                let _ = std::fs::rename(&tmp, f);
            }
        }
    }
    Ok(Arc::new(data))
}

/// A client for one index host. `any_host`: follow a redirect to another host (GitHub's
/// archive URL answers with one to codeload.github.com); safe since no token is ever sent.
fn client_for(base: &ClientConfig, origin: &str, any_host: bool) -> Result<HubClient, SourceError> {
    let mut cfg = base.clone();
    cfg.endpoint = origin.to_string();
    // The indexes are public: no token is sent to them.
    cfg.token = None;
    cfg.cache = None;
    cfg.accept = None;
    cfg.redirect_any_host = any_host;
    HubClient::new(cfg)
}

async fn fetch(base: &ClientConfig, index: IndexName, url: &str) -> Result<IndexData, SourceError> {
    let (origin, path) = split_url(url)
        .ok_or_else(|| SourceError::InvalidRef(format!("not an http(s) URL: {url}")))?;
    let source = IndexSource {
        index,
        url,
        origin: &origin,
        path: &path,
    };
    let mut records = if is_archive(&path) {
        source.archive(base).await?
    } else {
        source.listing(base).await?
    };
    // In one order whatever the server's (an archive's entry order, a listing's): when several
    // records could speak for a model, the first one matched must not depend on how they came.
    records.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(IndexData {
        index,
        url: url.to_string(),
        date: today(),
        records,
    })
}

/// Where one index's records are fetched from: the URL, and its origin and path for the client.
struct IndexSource<'a> {
    index: IndexName,
    url: &'a str,
    origin: &'a str,
    path: &'a str,
}

/// The body at `path`, whole: over `limit` it is an error, never a part.
async fn whole(client: &HubClient, path: &str, limit: usize) -> Result<Vec<u8>, SourceError> {
    let body = client
        .get_path(&Key::Page { path }, path, limit, BodyRead::Whole)
        .await?;
    Ok(body.bytes)
}

impl IndexSource<'_> {
    /// The records in the index repository's archive: one request.
    async fn archive(&self, base: &ClientConfig) -> Result<Vec<IndexRecord>, SourceError> {
        let (index, url) = (self.index, self.url);
        let client = client_for(base, self.origin, true)?;
        let bytes = whole(&client, self.path, MAX_ARCHIVE_BYTES)
            .await
            .map_err(|e| match e {
                // The client's message does not name the URL; the note should.
                SourceError::BadResponse(m) => SourceError::BadResponse(format!("{url}: {m}")),
                e => e,
            })?;
        let limits = archive::Limits {
            unpacked: MAX_UNPACKED_BYTES,
            records: MAX_RECORDS,
            record_bytes: MAX_RECORD_BYTES,
            total_bytes: MAX_INDEX_BYTES,
        };
        // Unpacking is CPU-bound: kept off the I/O threads.
        let owned_url = url.to_string();
        let records = tokio::task::spawn_blocking(move || {
            archive::records(index, &owned_url, &bytes, &limits)
        })
        .await
        .map_err(|e| {
            SourceError::Internal(format!(
                "isopen failed reading the {} archive (a bug; please report it): {e}",
                index.as_str()
            ))
        })??;
        // A repository with no record in the expected place is not the index (a wrong URL, or a
        // layout that changed): caching it as an empty index would hide that for a week.
        if records.is_empty() {
            return Err(SourceError::BadResponse(format!(
                "{url}: the archive holds no {} records ({})",
                index.as_str(),
                match index {
                    IndexName::ModelOpennessTool => "models/*.yml",
                    IndexName::OsaiIndex => "top-level *.yaml",
                }
            )));
        }
        Ok(records)
    }

    /// The records named by a GitHub contents listing: one request for it, one per record.
    async fn listing(&self, base: &ClientConfig) -> Result<Vec<IndexRecord>, SourceError> {
        let (index, url) = (self.index, self.url);
        let listing_client = client_for(base, self.origin, false)?;
        let body = whole(&listing_client, self.path, base.max_json_bytes).await?;
        let listed: Vec<Listed> = serde_json::from_slice(&body)
            .map_err(|e| SourceError::BadResponse(format!("{url}: not a contents listing: {e}")))?;
        let mut clients: Vec<(String, HubClient)> = vec![(self.origin.to_string(), listing_client)];
        let mut wanted = Vec::new();
        for l in listed
            .into_iter()
            .filter(|l| l.kind == "file" && is_record(index, &l.name))
            .take(MAX_RECORDS)
        {
            let Some((origin, path)) = l.download_url.as_deref().and_then(split_url) else {
                continue;
            };
            let client = match clients.iter().find(|(o, _)| *o == origin) {
                Some((_, c)) => c.clone(),
                None => {
                    let c = client_for(base, &origin, false)?;
                    clients.push((origin, c.clone()));
                    c
                }
            };
            wanted.push((l.name, path, client));
        }
        // Fetched together: each host's request limiter bounds what is in flight.
        let bodies = join_all(wanted.iter().map(|(_, path, client)| async move {
            client
                .get_path(
                    &Key::Page { path },
                    path,
                    MAX_RECORD_BYTES,
                    BodyRead::Truncate,
                )
                .await
        }))
        .await;
        let mut records = Vec::new();
        let mut total = 0usize;
        for ((name, ..), body) in wanted.into_iter().zip(bodies) {
            let body = body?;
            // A cut-off record is not read: half a record could drop a component.
            if body.truncated {
                continue;
            }
            total += body.bytes.len();
            if total > MAX_INDEX_BYTES {
                return Err(SourceError::BadResponse(format!(
                    "{url}: the records exceed {} MiB",
                    MAX_INDEX_BYTES / (1024 * 1024)
                )));
            }
            records.push(IndexRecord {
                file: name,
                text: String::from_utf8_lossy(&body.bytes).into_owned(),
            });
        }
        Ok(records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_record_names() {
        assert_eq!(
            split_url("https://raw.githubusercontent.com/a/b/main/x.yml"),
            Some((
                "https://raw.githubusercontent.com".into(),
                "/a/b/main/x.yml".into()
            ))
        );
        assert_eq!(split_url("file:///etc/passwd"), None);
        assert!(is_record(IndexName::OsaiIndex, "OLMo.yaml"));
        assert!(!is_record(IndexName::OsaiIndex, "_parameters.yml"));
        assert!(!is_record(
            IndexName::OsaiIndex,
            "a_submission_template.yaml"
        ));
        assert_eq!(today().len(), 10);
    }

    #[test]
    fn archive_urls_are_told_from_listings() {
        for url in [
            MOT_URL,
            OSAI_URL,
            "https://api.github.com/repos/o/r/tarball",
            "https://codeload.github.com/lfai/model_openness_tool/tar.gz/refs/heads/main",
            "https://example.org/mirror/index.tar.gz?x=1",
            "http://127.0.0.1:8080/files/mot.TGZ",
        ] {
            let (_, path) = split_url(url).unwrap();
            assert!(is_archive(&path), "{url}");
        }
        for url in [
            "https://api.github.com/repos/lfai/model_openness_tool/contents/models",
            "https://api.github.com/repos/o/r/contents/",
            "https://api.github.com/repos/o/tarball/contents/",
            "http://127.0.0.1:8080/mot/contents?ref=tar.gz",
        ] {
            let (_, path) = split_url(url).unwrap();
            assert!(!is_archive(&path), "{url}");
        }
    }
}
