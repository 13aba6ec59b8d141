//! Model folders on disk: a download, or a snapshot in the Hugging Face cache
//! (`models--org--name/snapshots/<sha>/`, files symlinked into `blobs/`). They go through the
//! same pipeline as the Hub, with no network: the file list stands in for `siblings`.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::HubError;
use super::fetch::{GGUF_HEAD_BYTES, files_to_fetch, gguf_to_read, text_outcome};
use crate::snapshot::{
    FetchedFile, FileOutcome, GgufHead, ModelInfo, Sibling, Snapshot, Source, is_license_file,
};

const MAX_ENTRIES: usize = 20_000;
const MAX_DEPTH: usize = 8;

/// Reads a local model folder (or a cache repo folder, resolved through `refs/main`).
pub fn snapshot_from_dir(
    path: &Path,
    display: &str,
    max_file_bytes: usize,
    max_license_bytes: usize,
    max_files: usize,
) -> Result<Snapshot, HubError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        HubError::NotFound(format!("cannot read the folder {}: {e}", path.display()))
    })?;
    if !meta.is_dir() {
        return Err(HubError::InvalidRef(format!(
            "{} is not a folder",
            path.display()
        )));
    }
    let (dir, cache) = resolve_cache_repo(path)?;
    let mut notes = Vec::new();
    let mut siblings = Vec::new();
    list_files(&dir, &dir, 0, &mut siblings, &mut notes);
    siblings.sort_by(|a, b| a.rfilename.cmp(&b.rfilename));
    let config = read_limited(&dir.join("config.json"), max_file_bytes)
        .ok()
        .and_then(|(b, _)| serde_json::from_slice(&b).ok());
    let adapter_config = read_limited(&dir.join(super::fetch::ADAPTER_CONFIG), max_file_bytes)
        .ok()
        .and_then(|(b, _)| serde_json::from_slice(&b).ok());
    let gguf = gguf_head(&dir, &siblings);
    let info = ModelInfo {
        id: cache
            .as_ref()
            .map_or_else(|| display.to_string(), |c| c.0.clone()),
        sha: cache.as_ref().map(|c| c.1.clone()),
        siblings,
        config,
        adapter_config,
        gguf,
        ..ModelInfo::default()
    };
    let plan = files_to_fetch(&info, max_files);
    notes.extend(plan.notes.iter().cloned());
    let mut files: Vec<FetchedFile> = plan
        .paths
        .iter()
        .filter(|p| *p != "README.md" || dir.join(p).exists())
        .map(|p| {
            let limit = if is_license_file(p) {
                max_license_bytes
            } else {
                max_file_bytes
            };
            let outcome = match read_limited(&dir.join(p), limit) {
                Ok((bytes, truncated)) => text_outcome(&bytes, truncated),
                Err(e) => FileOutcome::Unavailable { reason: e },
            };
            FetchedFile {
                path: p.clone(),
                outcome,
            }
        })
        .collect();
    files.extend(plan.skipped_file(max_files));
    Ok(Snapshot {
        model: display.to_string(),
        source: Source::Local,
        revision: info.sha.clone(),
        info,
        files,
        notes,
    })
}

/// The header of the folder's GGUF file, when it holds one (read from its first bytes).
fn gguf_head(dir: &Path, siblings: &[Sibling]) -> Option<GgufHead> {
    let path = gguf_to_read(siblings)?;
    let (bytes, _) = read_limited(&dir.join(&path), GGUF_HEAD_BYTES).ok()?;
    let header = crate::gguf::read_header(&bytes).ok()?;
    Some(GgufHead { path, header })
}

/// For a cache snapshot, `(org/name, sha)`; a repo folder (`models--org--name`) is resolved to
/// its `refs/main` snapshot.
fn resolve_cache_repo(path: &Path) -> Result<(PathBuf, Option<(String, String)>), HubError> {
    let name_of = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let repo_id = |folder: &str| {
        folder
            .strip_prefix("models--")
            .map(|rest| rest.replace("--", "/"))
    };
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if let Some(id) = repo_id(&name_of(&canonical)) {
        let refs = canonical.join("refs").join("main");
        let sha = std::fs::read_to_string(&refs)
            .map_err(|e| HubError::NotFound(format!("{} has no refs/main ({e})", path.display())))?
            .trim()
            .to_string();
        if !is_commit(&sha) {
            return Err(HubError::BadResponse(format!(
                "{} does not hold a commit hash",
                refs.display()
            )));
        }
        return Ok((canonical.join("snapshots").join(&sha), Some((id, sha))));
    }
    let parent = canonical.parent();
    let grand = parent.and_then(Path::parent);
    if let (Some(p), Some(g)) = (parent, grand)
        && name_of(p) == "snapshots"
        && let Some(id) = repo_id(&name_of(g))
    {
        return Ok((canonical.clone(), Some((id, name_of(&canonical)))));
    }
    Ok((path.to_path_buf(), None))
}

fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Lists files below `dir` (following symlinks into `blobs/`), bounded in depth and count.
fn list_files(
    root: &Path,
    dir: &Path,
    depth: usize,
    out: &mut Vec<Sibling>,
    notes: &mut Vec<String>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if out.len() >= MAX_ENTRIES {
            notes.push(format!(
                "the folder has more than {MAX_ENTRIES} files; the rest were not listed"
            ));
            return;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == ".git" || name == ".cache" {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = std::fs::metadata(&path) else {
            continue; // a dangling symlink: the blob was never downloaded
        };
        if meta.is_dir() {
            list_files(root, &path, depth + 1, out, notes);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(Sibling {
                rfilename: rel.to_string_lossy().replace('\\', "/"),
                size: Some(meta.len()),
                lfs: None,
            });
        }
    }
}

/// Reads at most `limit` bytes of a file.
fn read_limited(path: &Path, limit: usize) -> Result<(Vec<u8>, bool), String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    let truncated = bytes.len() > limit;
    bytes.truncate(limit);
    Ok((bytes, truncated))
}

/// The cache snapshot folder of a Hub id, when it is in the cache (`--offline`).
pub fn cache_snapshot(cache_dir: &Path, id: &str, revision: Option<&str>) -> Option<PathBuf> {
    let repo = cache_dir.join(format!("models--{}", id.replace('/', "--")));
    let rev = revision.unwrap_or("main");
    let sha = if is_commit(rev) {
        rev.to_string()
    } else {
        std::fs::read_to_string(repo.join("refs").join(rev))
            .ok()?
            .trim()
            .to_string()
    };
    let dir = repo.join("snapshots").join(sha);
    dir.is_dir().then_some(dir)
}
