//! ModelScope models: the model info (license, tags, gating), the file list, the README and
//! the license files, turned into the same `Snapshot` as a Hub repository. ModelScope has two
//! APIs and isopen reads both shapes: the OpenAPI (`GET {ep}/openapi/v1/models/{owner}/{name}`,
//! `{success, data: {license, tags, gated, private, …}}`) is asked first, and the legacy API
//! (`GET {ep}/api/v1/models/{owner}/{name}?Revision=`, `{Code, Success, Data: {License, Tags,
//! ApprovalMode, ReadMeContent, …}}`) when the OpenAPI does not answer for the model. Files are
//! listed with `…/repo/files?Revision=&Recursive=true` (a listing of 3,000 entries may have been
//! cut there by the server, so license files may be missing from it: evidence unread) and
//! downloaded with `…/repo?Revision=&FilePath=`. ModelScope's license field is free text
//! (`Apache License 2.0`), read through the rules' aliases like a card's `license_name`, and it
//! counts beside the card's own metadata (the most restrictive wins). The local caches
//! (`$MODELSCOPE_CACHE`, else `~/.cache/modelscope`: `models/{owner}--{name}/snapshots/{rev}/`,
//! the older `hub/models/{owner}/{name with . as ___}` and `models/{owner}/{name___}`) serve
//! `--offline`; their pickled index files (`.msc`, `.mdl`, `.mv`) are never read.

use std::path::{Path, PathBuf};

use futures_util::future::join_all;
use serde_json::Value;

use super::cache::Key;
use super::client::{BodyRead, HubClient, encode};
use super::error::{SourceError, clean_message};
use super::fetch::{files_to_fetch, outcome, text_outcome};
use crate::model_ref::MODELSCOPE_REVISION;
use crate::snapshot::{FetchedFile, FileOutcome, Gating, ModelInfo, Sibling, Snapshot, Source};

/// The endpoint isopen asks by default (`MODELSCOPE_DOMAIN` or `--modelscope-endpoint`).
pub const DEFAULT_ENDPOINT: &str = "https://www.modelscope.cn";
/// The most entries the file list holds before the server cuts it (the SDK's
/// `REPO_FILES_TRUNCATION_LIMIT`).
pub const LISTING_LIMIT: usize = 3000;

/// What the model info says, from either API.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Info {
    pub license: Option<String>,
    pub tags: Vec<String>,
    pub gated: Gating,
    pub private: Option<bool>,
    /// The README, when the legacy API sent it inline.
    pub readme: Option<String>,
    pub downloads: Option<u64>,
    pub likes: Option<u64>,
    pub last_modified: Option<String>,
    /// The legacy API's `ApprovalMode`, whose values are not documented.
    pub approval_mode: Option<String>,
    /// Which API answered (`openapi` or `legacy`).
    pub api: &'static str,
}

/// Reads a model-info answer of either shape; an envelope that says it failed is an error
/// (ModelScope answers some failures with 200 and `Success: false`).
pub fn parse_info(bytes: &[u8]) -> Result<Info, SourceError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        SourceError::BadResponse(format!("the ModelScope model info is not valid JSON: {e}"))
    })?;
    if let Some(data) = v.get("Data").filter(|d| d.is_object()) {
        envelope_ok(&v, "Success", "Code", "Message")?;
        return Ok(legacy_info(data));
    }
    if let Some(data) = v.get("data").filter(|d| d.is_object()) {
        envelope_ok(&v, "success", "code", "message")?;
        return Ok(openapi_info(data));
    }
    envelope_ok(&v, "Success", "Code", "Message")?;
    envelope_ok(&v, "success", "code", "message")?;
    Err(SourceError::BadResponse(
        "the ModelScope model info has neither `Data` nor `data`".into(),
    ))
}

/// An envelope's verdict: `Success: false` (or a `Code` other than 200) is an error, typed by
/// its code or message where they say what it is.
fn envelope_ok(v: &Value, success: &str, code: &str, message: &str) -> Result<(), SourceError> {
    let failed = v.get(success).and_then(Value::as_bool) == Some(false)
        || v.get(code)
            .and_then(Value::as_i64)
            .is_some_and(|c| c != 200 && c != 0);
    if !failed {
        return Ok(());
    }
    let code_text = match v.get(code) {
        Some(Value::String(s)) => s.clone(),
        Some(other) if !other.is_null() => other.to_string(),
        _ => String::new(),
    };
    let msg = v
        .get(message)
        .and_then(Value::as_str)
        .map(clean_message)
        .unwrap_or_default();
    let text = format!("{code_text} {msg}").trim().to_string();
    let lower = text.to_lowercase();
    Err(
        if lower.contains("ratelimit") || lower.contains("rate limit") {
            SourceError::RateLimited(format!("ModelScope: {text}"))
        } else if lower.contains("authentication") || lower.contains("permission") {
            SourceError::Unauthorized(format!("ModelScope: {text}"))
        } else if lower.contains("not exist")
            || lower.contains("not found")
            || lower.contains("notfound")
            || text.contains("不存在")
            || code_text == "404"
        {
            SourceError::NotFound(format!("ModelScope: {text}"))
        } else {
            SourceError::BadResponse(format!("ModelScope answered: {text}"))
        },
    )
}

fn string(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Tags as strings: a list of strings, or of objects with a `Name`/`name`.
fn tags(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| match t {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(_) => string(t, "Name").or_else(|| string(t, "name")),
                    _ => None,
                })
                .take(512)
                .collect()
        })
        .unwrap_or_default()
}

fn legacy_info(d: &Value) -> Info {
    Info {
        license: string(d, "License"),
        tags: tags(d, "Tags"),
        // `ApprovalMode`'s values are not documented: gating stays unknown.
        gated: Gating::Unknown,
        private: d.get("Visibility").and_then(Value::as_i64).map(|v| v == 1),
        readme: d
            .get("ReadMeContent")
            .and_then(Value::as_str)
            .map(str::to_string),
        downloads: d.get("Downloads").and_then(Value::as_u64),
        likes: d
            .get("Stars")
            .or_else(|| d.get("Likes"))
            .and_then(Value::as_u64),
        last_modified: string(d, "LastUpdatedTime"),
        approval_mode: string(d, "ApprovalMode"),
        api: "legacy",
    }
}

fn openapi_info(d: &Value) -> Info {
    Info {
        license: string(d, "license"),
        tags: tags(d, "tags"),
        gated: d
            .get("gated")
            .cloned()
            .and_then(|g| serde_json::from_value(g).ok())
            .unwrap_or_default(),
        private: d.get("private").and_then(Value::as_bool),
        readme: None,
        downloads: d.get("downloads").and_then(Value::as_u64),
        likes: d.get("likes").and_then(Value::as_u64),
        last_modified: string(d, "last_modified"),
        approval_mode: None,
        api: "openapi",
    }
}

/// The file list: each file's path and size (folders dropped), the revision the entries name,
/// and whether the list may have been cut at `LISTING_LIMIT`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    pub files: Vec<Sibling>,
    pub revision: Option<String>,
    pub maybe_cut: bool,
}

pub fn parse_files(bytes: &[u8]) -> Result<Listing, SourceError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        SourceError::BadResponse(format!("the ModelScope file list is not valid JSON: {e}"))
    })?;
    envelope_ok(&v, "Success", "Code", "Message")?;
    let entries = v
        .get("Data")
        .and_then(|d| d.get("Files"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            SourceError::BadResponse("the ModelScope file list has no `Data.Files`".into())
        })?;
    let mut listing = Listing {
        maybe_cut: entries.len() >= LISTING_LIMIT,
        ..Listing::default()
    };
    for e in entries {
        if string(e, "Type").is_some_and(|t| t == "tree") {
            continue;
        }
        let Some(path) = string(e, "Path").filter(|p| safe_path(p)) else {
            continue;
        };
        if listing.revision.is_none() {
            listing.revision = string(e, "Revision").filter(|r| is_commit(r));
        }
        listing.files.push(Sibling {
            rfilename: path,
            size: e.get("Size").and_then(Value::as_u64),
            lfs: None,
        });
    }
    Ok(listing)
}

/// A repository path as ModelScope lists it: relative, no `..`, no empty segment.
fn safe_path(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 1024
        && !p.starts_with('/')
        && !p.chars().any(char::is_control)
        && p.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A GET of a ModelScope answer through the client and its cache.
async fn get(
    client: &HubClient,
    path: &str,
    limit: usize,
    read: BodyRead,
) -> Result<super::client::FileBody, SourceError> {
    client
        .get_path(&Key::Page { path }, path, limit, read)
        .await
}

/// The model info: the OpenAPI's, else the legacy API's.
async fn info(client: &HubClient, id: &str, revision: &str) -> Result<Info, SourceError> {
    let limit = client.config().max_json_bytes;
    let open = get(
        client,
        &format!("/openapi/v1/models/{id}"),
        limit,
        BodyRead::Whole,
    )
    .await
    .and_then(|b| parse_info(&b.bytes));
    match open {
        Ok(info) => Ok(info),
        // The model is missing there, the route is, or the answer is not one isopen reads:
        // the legacy API may still answer.
        Err(first @ (SourceError::NotFound(_) | SourceError::BadResponse(_))) => {
            let path = format!("/api/v1/models/{id}?Revision={}", encode(revision));
            match get(client, &path, limit, BodyRead::Whole)
                .await
                .and_then(|b| parse_info(&b.bytes))
            {
                Ok(info) => Ok(info),
                Err(SourceError::BadResponse(_)) => Err(first),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// Fetches one ModelScope model.
pub async fn snapshot(
    client: &HubClient,
    id: &str,
    revision: Option<&str>,
    display: &str,
) -> Result<Snapshot, SourceError> {
    let rev = revision.unwrap_or(MODELSCOPE_REVISION);
    let cfg = client.config();
    let info = info(client, id, rev).await?;
    let files_path = format!(
        "/api/v1/models/{id}/repo/files?Revision={}&Recursive=true",
        encode(rev)
    );
    let listing = get(client, &files_path, cfg.max_json_bytes, BodyRead::Whole)
        .await
        .and_then(|b| parse_files(&b.bytes))?;
    let mut notes = vec![format!(
        "read from ModelScope ({}, the {} API)",
        cfg.endpoint, info.api
    )];
    if let Some(mode) = &info.approval_mode {
        notes.push(format!(
            "ModelScope's ApprovalMode is {mode}; its meaning is not documented, so the gating is unknown"
        ));
    }
    let mut model_info = ModelInfo {
        id: id.to_string(),
        private: info.private,
        gated: info.gated,
        downloads: info.downloads,
        likes: info.likes,
        last_modified: info.last_modified.clone(),
        tags: info.tags.clone(),
        siblings: listing.files.clone(),
        listed_license: info.license.clone(),
        ..ModelInfo::default()
    };
    let plan = files_to_fetch(&model_info, cfg.max_files);
    notes.extend(plan.notes.iter().cloned());
    let inline = info.readme.as_ref().filter(|_| {
        listing.files.is_empty() || listing.files.iter().any(|f| f.rfilename == "README.md")
    });
    let to_download: Vec<&String> = plan
        .paths
        .iter()
        .filter(|p| !(p.as_str() == "README.md" && inline.is_some()))
        .collect();
    let downloads = join_all(to_download.iter().map(|p| {
        let path = format!(
            "/api/v1/models/{id}/repo?Revision={}&FilePath={}",
            encode(rev),
            encode(p)
        );
        let limit = if crate::snapshot::is_license_file(p) {
            cfg.max_license_bytes
        } else {
            cfg.max_file_bytes
        };
        async move { get(client, &path, limit, BodyRead::Truncate).await }
    }))
    .await;
    let mut files: Vec<FetchedFile> = Vec::new();
    if let Some(text) = inline {
        let bytes = text.as_bytes();
        let cut = bytes.len() > cfg.max_file_bytes;
        files.push(FetchedFile {
            path: "README.md".into(),
            outcome: text_outcome(&bytes[..bytes.len().min(cfg.max_file_bytes)], cut),
        });
    }
    for (path, result) in to_download.into_iter().zip(downloads) {
        let listed = listing.files.iter().any(|f| &f.rfilename == path);
        if matches!(result, Err(SourceError::NotFound(_))) && !listed {
            continue;
        }
        files.push(FetchedFile {
            path: path.clone(),
            outcome: outcome(result),
        });
    }
    files.extend(plan.skipped_file(cfg.max_files));
    if listing.maybe_cut {
        files.push(FetchedFile {
            path: "(file list)".into(),
            outcome: FileOutcome::Unavailable {
                reason: format!(
                    "ModelScope's file list stops at {LISTING_LIMIT} entries; license files past them may not be listed"
                ),
            },
        });
    }
    let revision = listing.revision.clone().or_else(|| Some(rev.to_string()));
    model_info.sha = listing.revision;
    Ok(Snapshot {
        model: display.to_string(),
        source: Source::Modelscope,
        revision,
        info: model_info,
        files,
        notes,
    })
}

/// The local ModelScope cache's root: `MODELSCOPE_CACHE`, else `~/.cache/modelscope`.
pub fn default_cache_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("MODELSCOPE_CACHE").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache").join("modelscope"))
}

/// The folder of a model in the local cache, and the folder its links may lead into: the
/// new layout (`models/{owner}--{name}/snapshots/{rev}/`, inside `models/{owner}--{name}`),
/// else the older ones (`hub/models/{owner}/{name___}`, `models/{owner}/{name___}`, with each
/// `.` of the name written `___`; the folder itself). `id` was validated (two parts, no `..`).
pub fn cache_folder(root: &Path, id: &str, revision: Option<&str>) -> Option<(PathBuf, PathBuf)> {
    let (owner, name) = id.split_once('/')?;
    let repo = root.join("models").join(format!("{owner}--{name}"));
    let snapshot = repo
        .join("snapshots")
        .join(revision.unwrap_or(MODELSCOPE_REVISION));
    if snapshot.is_dir() {
        return Some((snapshot, repo));
    }
    // The older layouts keep one copy, of whatever revision was downloaded last.
    if revision.is_some_and(|r| r != MODELSCOPE_REVISION) {
        return None;
    }
    let masked = name.replace('.', "___");
    [
        root.join("hub").join("models").join(owner).join(&masked),
        root.join("models").join(owner).join(&masked),
    ]
    .into_iter()
    .find(|d| d.is_dir())
    .map(|d| (d.clone(), d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_info_shapes() {
        let open = parse_info(
            br#"{"success":true,"data":{"id":"a/b","license":"Apache License 2.0","tags":["llm"],"gated":true,"private":false,"downloads":12}}"#,
        )
        .unwrap();
        assert_eq!(open.license.as_deref(), Some("Apache License 2.0"));
        assert_eq!(open.gated, Gating::Auto);
        assert_eq!(open.api, "openapi");
        let legacy = parse_info(
            br#"{"Code":200,"Success":true,"Data":{"License":"cc-by-nc-4.0","Tags":[{"Name":"nlp"}],"ApprovalMode":2,"ReadMeContent":"---\nlicense: mit\n---\n"},"Message":"success"}"#,
        )
        .unwrap();
        assert_eq!(legacy.license.as_deref(), Some("cc-by-nc-4.0"));
        assert_eq!(legacy.tags, ["nlp"]);
        assert_eq!(legacy.gated, Gating::Unknown);
        assert_eq!(legacy.approval_mode.as_deref(), Some("2"));
        assert!(legacy.readme.unwrap().contains("license: mit"));
    }

    #[test]
    fn failed_envelopes_are_errors() {
        let e = parse_info(br#"{"Code":10010205001,"Success":false,"Message":"model not exist"}"#)
            .unwrap_err();
        assert_eq!(e.kind(), crate::vocab::ErrorKind::NotFound);
        let e = parse_info(br#"{"success":false,"code":"RateLimitExceed","message":"slow"}"#)
            .unwrap_err();
        assert_eq!(e.kind(), crate::vocab::ErrorKind::RateLimited);
        assert_eq!(
            parse_info(b"[]").unwrap_err().kind(),
            crate::vocab::ErrorKind::BadResponse
        );
    }

    #[test]
    fn listings_drop_folders_and_hostile_paths() {
        let l = parse_files(
            br#"{"Code":200,"Success":true,"Data":{"Files":[
              {"Path":"README.md","Size":10,"Type":"blob","Revision":"0123456789abcdef0123456789abcdef01234567"},
              {"Path":"sub","Type":"tree"},
              {"Path":"../../etc/passwd","Size":1,"Type":"blob"},
              {"Path":"/abs","Size":1,"Type":"blob"},
              {"Path":"LICENSE","Size":11357,"Type":"blob"}]}}"#,
        )
        .unwrap();
        let names: Vec<&str> = l.files.iter().map(|f| f.rfilename.as_str()).collect();
        assert_eq!(names, ["README.md", "LICENSE"]);
        assert_eq!(
            l.revision.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert!(!l.maybe_cut);
    }

    #[test]
    fn cache_layouts() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        assert_eq!(cache_folder(root, "Qwen/Qwen2.5-0.5B", None), None);
        let old = root.join("hub/models/Qwen/Qwen2___5-0___5B");
        std::fs::create_dir_all(&old).unwrap();
        assert_eq!(
            cache_folder(root, "Qwen/Qwen2.5-0.5B", None),
            Some((old.clone(), old))
        );
        let new = root.join("models/Qwen--Qwen2.5-0.5B/snapshots/master");
        std::fs::create_dir_all(&new).unwrap();
        assert_eq!(
            cache_folder(root, "Qwen/Qwen2.5-0.5B", None),
            Some((new, root.join("models/Qwen--Qwen2.5-0.5B")))
        );
        assert_eq!(cache_folder(root, "Qwen/Qwen2.5-0.5B", Some("v2")), None);
    }
}
