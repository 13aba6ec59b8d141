//! Model folders on disk: a download, or a snapshot in the Hugging Face cache
//! (`models--org--name/snapshots/<sha>/`, files symlinked into `blobs/`). They go through the
//! same pipeline as the Hub, with no network: the file list stands in for `siblings`.
//!
//! A folder is untrusted input, and reading it never leaves it: a symbolic link is followed
//! only when its target stays inside the folder (for a cache snapshot, inside its repository
//! folder, whose `blobs/` hold the files), so `LICENSE -> ~/.cache/huggingface/token` is never
//! read nor quoted. Only regular files are opened (a FIFO would block, a device never ends), and
//! always with a size bound. The walk is breadth-first, visits each real folder once (links
//! between folders cannot loop), and is bounded in the entries it examines. A license-like file
//! or README that exists but cannot be read this way, and any part of the folder the walk did
//! not reach, is a source not read: `Unavailable`, which the assessment turns into
//! `evidence-unread`, so it can never let `allowed` through.

use std::collections::{HashSet, VecDeque};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::SourceError;
use super::fetch::{GGUF_HEAD_BYTES, files_to_fetch, gguf_outcome, gguf_to_read, text_outcome};
use crate::snapshot::{
    FetchedFile, FileOutcome, GgufHead, GgufUnread, ModelInfo, Sibling, Snapshot, Source,
    is_license_file,
};

/// How much of a folder is walked.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Files listed (README and license-like files are always listed, within `examined`).
    entries: usize,
    /// Folders deeper than this have only their README and license-like files listed.
    depth: usize,
    /// Folder entries looked at in all; past it the walk stops, and what it did not reach is
    /// a source not read.
    examined: usize,
}

const LIMITS: Limits = Limits {
    entries: 20_000,
    depth: 8,
    examined: 200_000,
};

/// The most of `refs/<branch>` read: a commit hash and a newline.
const MAX_REF_BYTES: usize = 1024;

/// Why a file that is there was not read (the reason never quotes the file).
const LINKED_OUT: &str = "a symbolic link out of the model folder; not followed";
const NOT_REGULAR: &str = "not a regular file (a FIFO, a device or a socket); not read";

/// A model folder: where it is, and how far its links may lead.
#[derive(Debug, Clone)]
struct Folder {
    /// The folder itself, canonical.
    dir: PathBuf,
    /// Links are followed only to targets inside this: the folder, or for a cache snapshot,
    /// its repository folder (`models--org--name`, whose `blobs/` hold the files). Canonical.
    root: PathBuf,
}

impl Folder {
    /// The canonical target of `path`, when it stays inside the root.
    fn resolve(&self, path: &Path) -> Result<PathBuf, String> {
        let target = path.canonicalize().map_err(|e| {
            if path.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
                format!("a symbolic link whose target cannot be reached ({e})")
            } else {
                format!("cannot open: {e}")
            }
        })?;
        if !target.starts_with(&self.root) {
            return Err(LINKED_OUT.into());
        }
        Ok(target)
    }

    /// At most `limit` bytes of the file at `rel`, when it is a regular file inside the root.
    fn read(&self, rel: &str, limit: usize) -> Result<(Vec<u8>, bool), String> {
        read_regular(&self.resolve(&self.dir.join(rel))?, limit)
    }
}

/// Reads a local model folder (or a cache repo folder, resolved through `refs/main`).
pub fn snapshot_from_dir(
    path: &Path,
    display: &str,
    max_file_bytes: usize,
    max_license_bytes: usize,
    max_files: usize,
) -> Result<Snapshot, SourceError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        SourceError::NotFound(format!("cannot read the folder {}: {e}", path.display()))
    })?;
    if !meta.is_dir() {
        return Err(SourceError::InvalidRef(format!(
            "{} is not a folder",
            path.display()
        )));
    }
    let (folder, cache) = resolve_cache_repo(path)?;
    Ok(snapshot_of(
        &folder,
        cache,
        display,
        max_file_bytes,
        max_license_bytes,
        max_files,
    ))
}

/// Reads a model folder of another hub's cache (ModelScope's `models/{owner}--{name}/
/// snapshots/{rev}/`): links are followed only inside `root`, the repository folder that
/// holds it. `id` is the repository's id.
pub fn snapshot_from_cache_folder(
    dir: &Path,
    root: &Path,
    id: &str,
    display: &str,
    max_file_bytes: usize,
    max_license_bytes: usize,
    max_files: usize,
) -> Result<Snapshot, SourceError> {
    let canonical = |p: &Path| {
        p.canonicalize().map_err(|e| {
            SourceError::NotFound(format!("cannot read the folder {}: {e}", p.display()))
        })
    };
    let folder = Folder {
        dir: canonical(dir)?,
        root: canonical(root)?,
    };
    if !folder.dir.starts_with(&folder.root) || !folder.dir.is_dir() {
        return Err(SourceError::NotFound(format!(
            "{} is not a folder inside {}",
            dir.display(),
            root.display()
        )));
    }
    let mut snap = snapshot_of(
        &folder,
        None,
        display,
        max_file_bytes,
        max_license_bytes,
        max_files,
    );
    snap.info.id = id.to_string();
    Ok(snap)
}

/// At most `limit` bytes of the regular file at `path`, when it resolves (links followed) to
/// a place inside `root`: for stores whose layout isopen builds the path into (the Ollama
/// store), so that a link in them never leads a read out.
pub fn read_inside(root: &Path, path: &Path, limit: usize) -> Result<(Vec<u8>, bool), String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("cannot open {}: {e}", root.display()))?;
    let folder = Folder {
        dir: root.clone(),
        root,
    };
    read_regular(&folder.resolve(path)?, limit)
}

/// A single `.gguf` file: its header, read from its first `head_bytes` bytes, is all there is
/// to read. The file must be a regular file (a link to one is followed: the user named it).
pub fn snapshot_from_gguf(
    path: &Path,
    display: &str,
    head_bytes: usize,
) -> Result<Snapshot, SourceError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| SourceError::NotFound(format!("cannot read {}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(SourceError::InvalidRef(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| display.to_string());
    let bytes = read_regular(path, head_bytes).map(|(b, _)| b);
    let (gguf, gguf_unread) = match gguf_outcome(&name, bytes.as_deref().map_err(Clone::clone)) {
        Ok(head) => (Some(head), None),
        Err(unread) => (None, Some(unread)),
    };
    let info = ModelInfo {
        id: display.to_string(),
        siblings: vec![Sibling {
            rfilename: name,
            size: Some(meta.len()),
            lfs: None,
        }],
        gguf,
        gguf_unread,
        ..ModelInfo::default()
    };
    Ok(Snapshot {
        model: display.to_string(),
        source: Source::Gguf,
        revision: None,
        info,
        files: Vec::new(),
        notes: Vec::new(),
    })
}

/// A folder's snapshot: its listing, its README and license-like files, its configs and GGUF
/// header.
fn snapshot_of(
    folder: &Folder,
    cache: Option<(String, String)>,
    display: &str,
    max_file_bytes: usize,
    max_license_bytes: usize,
    max_files: usize,
) -> Snapshot {
    let listing = list_files(folder, LIMITS);
    let mut notes = listing.notes;
    let mut siblings = listing.siblings;
    siblings.sort_by(|a, b| a.rfilename.cmp(&b.rfilename));
    let json = |name: &str| {
        folder
            .read(name, max_file_bytes)
            .ok()
            .and_then(|(b, _)| serde_json::from_slice(&b).ok())
    };
    let config = json("config.json");
    let adapter_config = json(super::fetch::ADAPTER_CONFIG);
    let (gguf, gguf_unread) = match gguf_head(folder, &siblings) {
        Some(Ok(head)) => (Some(head), None),
        Some(Err(unread)) => (None, Some(unread)),
        None => (None, None),
    };
    let info = ModelInfo {
        id: cache
            .as_ref()
            .map_or_else(|| display.to_string(), |c| c.0.clone()),
        sha: cache.as_ref().map(|c| c.1.clone()),
        siblings,
        config,
        adapter_config,
        gguf,
        gguf_unread,
        ..ModelInfo::default()
    };
    let plan = files_to_fetch(&info, max_files);
    notes.extend(plan.notes.iter().cloned());
    let listed = |p: &str| info.siblings.iter().any(|s| s.rfilename == p);
    let mut files: Vec<FetchedFile> = plan
        .paths
        .iter()
        // README.md is asked for even when the folder shows none.
        .filter(|p| *p != "README.md" || listed(p))
        .map(|p| {
            let limit = if is_license_file(p) {
                max_license_bytes
            } else {
                max_file_bytes
            };
            let outcome = match folder.read(p, limit) {
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
    files.extend(listing.unread);
    Snapshot {
        model: display.to_string(),
        source: Source::Local,
        revision: info.sha.clone(),
        info,
        files,
        notes,
    }
}

/// The header of the folder's GGUF file, when it holds one (read from its first bytes).
fn gguf_head(folder: &Folder, siblings: &[Sibling]) -> Option<Result<GgufHead, GgufUnread>> {
    let path = gguf_to_read(siblings)?;
    let bytes = folder.read(&path, GGUF_HEAD_BYTES).map(|(b, _)| b);
    Some(gguf_outcome(&path, bytes.as_deref().map_err(Clone::clone)))
}

/// The folder to read and, for a cache snapshot, `(org/name, sha)`; a repo folder
/// (`models--org--name`) is resolved to its `refs/main` snapshot. A snapshot's links may lead
/// anywhere in its repository folder (into `blobs/`), and nowhere else.
fn resolve_cache_repo(path: &Path) -> Result<(Folder, Option<(String, String)>), SourceError> {
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
    let canonical = path.canonicalize().map_err(|e| {
        SourceError::NotFound(format!("cannot read the folder {}: {e}", path.display()))
    })?;
    if let Some(id) = repo_id(&name_of(&canonical)) {
        let refs = canonical.join("refs").join("main");
        let sha = read_ref(&refs).map_err(|e| {
            SourceError::NotFound(format!("{} has no refs/main ({e})", path.display()))
        })?;
        if !is_commit(&sha) {
            return Err(SourceError::BadResponse(format!(
                "{} does not hold a commit hash",
                refs.display()
            )));
        }
        let snapshot = canonical.join("snapshots").join(&sha);
        // A snapshot folder that is itself a link out of the repository leads nowhere: every
        // file in it resolves outside the root and is refused.
        let dir = snapshot.canonicalize().unwrap_or(snapshot);
        let folder = Folder {
            dir,
            root: canonical,
        };
        return Ok((folder, Some((id, sha))));
    }
    let parent = canonical.parent();
    let grand = parent.and_then(Path::parent);
    if let (Some(p), Some(g)) = (parent, grand)
        && name_of(p) == "snapshots"
        && let Some(id) = repo_id(&name_of(g))
    {
        let folder = Folder {
            dir: canonical.clone(),
            root: g.to_path_buf(),
        };
        return Ok((folder, Some((id, name_of(&canonical)))));
    }
    let folder = Folder {
        dir: canonical.clone(),
        root: canonical,
    };
    Ok((folder, None))
}

fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A cache ref (`refs/main`): a commit hash, read only from a small regular file.
fn read_ref(path: &Path) -> Result<String, String> {
    let (bytes, _) = read_regular(path, MAX_REF_BYTES)?;
    Ok(String::from_utf8_lossy(&bytes).trim().to_string())
}

/// What a walk found.
#[derive(Debug, Default)]
struct Listing {
    siblings: Vec<Sibling>,
    notes: Vec<String>,
    /// Parts of the folder not read: folders that could not be listed, and where the walk
    /// stopped.
    unread: Vec<FetchedFile>,
}

/// Lists the files below the folder, breadth-first: each real folder once (a link to a folder
/// already seen is not walked again, so links cannot loop), links followed only inside the
/// root, `.git` and `.cache` skipped. README.md and license-like files are listed whatever the
/// file budget and depth; other files up to `limits.entries` and `limits.depth`.
fn list_files(folder: &Folder, limits: Limits) -> Listing {
    let mut out = Listing::default();
    let mut queue: VecDeque<(PathBuf, String, usize)> =
        VecDeque::from([(folder.dir.clone(), String::new(), 0)]);
    let mut visited: HashSet<PathBuf> = HashSet::from([folder.dir.clone()]);
    let mut examined = 0usize;
    let mut unlisted = 0usize;
    let mut linked_out: Vec<String> = Vec::new();
    let shown = |rel: &str| {
        if rel.is_empty() {
            ".".to_string()
        } else {
            format!("{rel}/")
        }
    };
    while let Some((dir, rel, depth)) = queue.pop_front() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                out.unread.push(FetchedFile {
                    path: shown(&rel),
                    outcome: FileOutcome::Unavailable {
                        reason: format!(
                            "the folder could not be listed ({e}); license files in it were not read"
                        ),
                    },
                });
                continue;
            }
        };
        let mut names = Vec::new();
        let mut cut = false;
        for entry in entries {
            if examined >= limits.examined {
                cut = true;
                break;
            }
            examined += 1;
            if let Ok(entry) = entry {
                names.push(entry.file_name());
            }
        }
        names.sort();
        for name in names {
            let name = name.to_string_lossy().into_owned();
            if name == ".git" || name == ".cache" {
                continue;
            }
            let child = dir.join(&name);
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            // Terms are looked for in every README and license-like file, whatever the budget.
            let terms = (rel.is_empty() && name == "README.md") || is_license_file(&child_rel);
            let room = out.siblings.len() < limits.entries && depth <= limits.depth;
            let mut list = |size: Option<u64>, out: &mut Listing| {
                if terms || room {
                    out.siblings.push(Sibling {
                        rfilename: child_rel.clone(),
                        size,
                        lfs: None,
                    });
                } else {
                    unlisted += 1;
                }
            };
            let Ok(lmeta) = child.symlink_metadata() else {
                continue;
            };
            let (target, meta) = if lmeta.is_symlink() {
                match child.canonicalize() {
                    // A dangling link: in the cache, a blob never downloaded. One named like
                    // a license is listed, and reading it says it could not be.
                    Err(_) => {
                        if terms {
                            list(None, &mut out);
                        }
                        continue;
                    }
                    Ok(t) if !t.starts_with(&folder.root) => {
                        linked_out.push(child_rel.clone());
                        // Only its kind is looked at: a folder out there is not walked, a file
                        // is listed (never read, and its size not reported).
                        if !t.is_dir() {
                            list(None, &mut out);
                        }
                        continue;
                    }
                    Ok(t) => match std::fs::metadata(&t) {
                        Ok(m) => (t, m),
                        Err(_) => continue,
                    },
                }
            } else {
                (child.clone(), lmeta)
            };
            if meta.is_dir() {
                let canonical = target.canonicalize().unwrap_or(target);
                if visited.insert(canonical) {
                    queue.push_back((child, child_rel, depth + 1));
                }
            } else if meta.is_file() {
                list(Some(meta.len()), &mut out);
            } else if terms {
                // A FIFO, a device or a socket: listed only when it stands for terms, so that
                // it is reported as not read.
                list(None, &mut out);
            }
        }
        if cut {
            let mut rest: Vec<String> = vec![shown(&rel)];
            rest.extend(queue.iter().map(|(_, r, _)| shown(r)));
            out.unread.push(FetchedFile {
                path: rest[0].clone(),
                outcome: FileOutcome::Unavailable {
                    reason: format!(
                        "not read: the walk stopped after {} entries of the folder{}; license \
                         files past that point were not listed or read",
                        limits.examined,
                        if rest.len() > 1 {
                            format!(" ({} more folders were not walked either)", rest.len() - 1)
                        } else {
                            String::new()
                        }
                    ),
                },
            });
            break;
        }
    }
    if unlisted > 0 {
        out.notes.push(format!(
            "the folder has more than {} files (or folders deeper than {}); {unlisted} other \
             files were not listed (README and license-like files all were)",
            limits.entries, limits.depth
        ));
    }
    if !linked_out.is_empty() {
        let n = linked_out.len();
        let mut names: Vec<&str> = linked_out.iter().map(String::as_str).take(5).collect();
        if n > 5 {
            names.push("…");
        }
        out.notes.push(format!(
            "{n} entr{} link out of the model folder and {} not read or followed: {}",
            if n == 1 { "y" } else { "ies" },
            if n == 1 { "was" } else { "were" },
            names.join(", ")
        ));
    }
    out
}

/// Reads at most `limit` bytes of a regular file. Anything else is refused before it is
/// opened: opening a FIFO blocks until a writer comes, and a device can be read forever.
fn read_regular(path: &Path, limit: usize) -> Result<(Vec<u8>, bool), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot open: {e}"))?;
    if !meta.is_file() {
        return Err(NOT_REGULAR.into());
    }
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    // What was opened may not be what was checked (the folder can change meanwhile).
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(NOT_REGULAR.into());
    }
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
        read_ref(&repo.join("refs").join(rev)).ok()?
    };
    let dir = repo.join("snapshots").join(sha);
    dir.is_dir().then_some(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(dir: &Path) -> Folder {
        let dir = dir.canonicalize().unwrap();
        Folder {
            root: dir.clone(),
            dir,
        }
    }

    fn names(l: &Listing) -> Vec<&str> {
        l.siblings.iter().map(|s| s.rfilename.as_str()).collect()
    }

    #[test]
    fn license_files_past_the_budget_are_listed() {
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..10 {
            std::fs::write(tmp.path().join(format!("a{i:02}.bin")), "x").unwrap();
        }
        std::fs::create_dir_all(tmp.path().join("d/e/f")).unwrap();
        std::fs::write(tmp.path().join("d/e/f/LICENSE"), "x").unwrap();
        std::fs::write(tmp.path().join("z-LICENSE"), "x").unwrap();
        let limits = Limits {
            entries: 3,
            depth: 1,
            examined: 1000,
        };
        let l = list_files(&folder(tmp.path()), limits);
        let n = names(&l);
        assert!(
            n.contains(&"z-LICENSE") && n.contains(&"d/e/f/LICENSE"),
            "{n:?}"
        );
        assert_eq!(n.len(), 5, "{n:?}");
        assert!(l.unread.is_empty());
        assert!(l.notes[0].contains("7 other files"), "{:?}", l.notes);
    }

    #[test]
    fn a_walk_cut_short_is_a_source_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..10 {
            std::fs::write(tmp.path().join(format!("a{i:02}.bin")), "x").unwrap();
        }
        std::fs::create_dir(tmp.path().join("sub")).unwrap();
        let limits = Limits {
            entries: 100,
            depth: 8,
            examined: 5,
        };
        let l = list_files(&folder(tmp.path()), limits);
        assert_eq!(l.unread.len(), 1);
        assert!(matches!(
            &l.unread[0].outcome,
            FileOutcome::Unavailable { reason } if reason.contains("stopped after 5")
        ));
    }

    #[cfg(unix)]
    #[test]
    fn links_stay_inside_and_never_loop() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("secret"), "s3cr3t").unwrap();
        let model = tmp.path().join("model");
        std::fs::create_dir_all(model.join("sub")).unwrap();
        std::fs::write(model.join("sub/weights.bin"), "w").unwrap();
        symlink(outside.join("secret"), model.join("LICENSE")).unwrap();
        symlink(&outside, model.join("linked-dir")).unwrap();
        for i in 0..12 {
            symlink("..", model.join("sub").join(format!("up{i}"))).unwrap();
            symlink(".", model.join(format!("self{i}"))).unwrap();
        }
        let f = folder(&model);
        let l = list_files(&f, LIMITS);
        assert_eq!(names(&l), ["LICENSE", "sub/weights.bin"]);
        assert!(
            l.notes.iter().any(|n| n.contains("link out")),
            "{:?}",
            l.notes
        );
        let e = f.read("LICENSE", 100).unwrap_err();
        assert_eq!(e, LINKED_OUT);
        assert!(f.read("sub/up3/sub/weights.bin", 100).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read() {
        assert_eq!(
            read_regular(Path::new("/dev/zero"), 10).unwrap_err(),
            NOT_REGULAR
        );
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(read_regular(tmp.path(), 10).unwrap_err(), NOT_REGULAR);
        let f = tmp.path().join("f");
        std::fs::write(&f, "hello").unwrap();
        assert_eq!(read_regular(&f, 4).unwrap(), (b"hell".to_vec(), true));
    }
}
