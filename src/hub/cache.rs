//! The on-disk cache of Hub answers, so a second audit (or `--offline`) need not ask again.
//! Versioned (`<dir>/v1/`), then keyed by endpoint (`<dir>/v1/<endpoint>/`: two hubs may hold
//! different repositories under one id and commit, so one hub's answers are never served for
//! another), by repository and, for files, by commit: a file read at a commit never changes, so
//! it is served without a request; model and dataset info can change, so they are revalidated
//! with `If-None-Match` and the ETag the Hub sent. Writes go to a temporary file renamed into
//! place, and each entry carries its body's SHA-256, checked when read: a crash never leaves
//! half an entry that is served as a whole one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// What a cache entry is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key<'a> {
    ModelInfo {
        id: &'a str,
        revision: Option<&'a str>,
    },
    DatasetInfo {
        id: &'a str,
    },
    /// A file at a commit (only 40-hex commits are cached: branch names move).
    File {
        id: &'a str,
        commit: &'a str,
        path: &'a str,
    },
    /// The first bytes of a file at a commit (a GGUF header), kept apart from the whole file.
    Head {
        id: &'a str,
        commit: &'a str,
        path: &'a str,
    },
    /// A content-addressed blob (an Ollama layer, `sha256:<64 hex>`), whole or only its first
    /// bytes (`head`): it never changes, so it is served without a request.
    Blob {
        digest: &'a str,
        head: bool,
    },
    /// Any other registry answer (an Ollama manifest, ModelScope's info, file list and files at
    /// a branch), by its request path and query: it can change, so it is revalidated.
    Page {
        path: &'a str,
    },
}

/// A `sha256:<64 lowercase hex>` digest's hex part.
fn sha256_hex(digest: &str) -> Option<&str> {
    let hex = digest.strip_prefix("sha256:")?;
    (hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))).then_some(hex)
}

/// A file name for any string: `safe`, and when that is too long for a file system, its start
/// and a hash of the whole.
fn safe_name(s: &str) -> String {
    let name = safe(s);
    if name.len() <= 150 {
        return name;
    }
    use sha2::Digest;
    let hash = sha2::Sha256::digest(s.as_bytes());
    let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    // `safe` writes ASCII only, so any byte index is a char boundary.
    format!("{}-{hex}", &name[..100])
}

/// A cached answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub etag: Option<String>,
    pub truncated: bool,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
    /// The first failed write, shared by every clone (one warning a run).
    failure: Arc<OnceLock<String>>,
}

/// Percent-encodes everything but `[A-Za-z0-9._-]`, so any path or revision is one safe name.
fn safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_') || (b == b'.' && !out.is_empty()) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The folder name of an endpoint: its URL without `https://` and without trailing slashes,
/// percent-encoded (`huggingface.co`, `http%3A%2F%2F127.0.0.1%3A8080`), so distinct endpoints
/// get distinct folders. A name too long for a file system keeps its start and a hash of the
/// whole.
fn endpoint_dir(endpoint: &str) -> String {
    let trimmed = endpoint.trim_end_matches('/');
    let name = safe(trimmed.strip_prefix("https://").unwrap_or(trimmed));
    if name.len() <= 120 {
        return name;
    }
    use sha2::Digest;
    let hash = sha2::Sha256::digest(trimmed.as_bytes());
    let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
    // `safe` writes ASCII only, so any byte index is a char boundary.
    format!("{}-{hex}", &name[..80])
}

impl Cache {
    /// The cache in `dir` for the hub at `endpoint`.
    pub fn new(dir: &Path, endpoint: &str) -> Cache {
        Cache {
            root: dir.join("v1").join(endpoint_dir(endpoint)),
            failure: Arc::default(),
        }
    }

    /// The platform's cache folder: `$XDG_CACHE_HOME/isopen` or `~/.cache/isopen` (Linux and
    /// other Unix), `~/Library/Caches/isopen` (macOS), `%LOCALAPPDATA%\isopen\cache` (Windows).
    pub fn default_dir() -> Option<PathBuf> {
        if cfg!(windows) {
            return std::env::var_os("LOCALAPPDATA")
                .map(|d| PathBuf::from(d).join("isopen").join("cache"));
        }
        let home = std::env::var_os("HOME").map(PathBuf::from);
        if cfg!(target_os = "macos") {
            return home.map(|h| h.join("Library/Caches/isopen"));
        }
        std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(|x| PathBuf::from(x).join("isopen"))
            .or_else(|| home.map(|h| h.join(".cache/isopen")))
    }

    pub fn dir(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &Key) -> Option<PathBuf> {
        // One folder a repository (its id one escaped name) and one file an entry: every
        // folder made is an inode the file system must allocate, and in a large batch that
        // cost more than the audits themselves.
        let repo = |kind: &str, id: &str| self.root.join(kind).join(safe(id));
        Some(match key {
            Key::ModelInfo { id, revision } => {
                repo("models", id).join(format!("info@{}", safe(revision.unwrap_or("main"))))
            }
            Key::DatasetInfo { id } => repo("datasets", id).join("info@main"),
            Key::File { id, commit, path } if is_commit(commit) => {
                repo("models", id).join(format!("{commit}@{}", safe(path)))
            }
            Key::Head { id, commit, path } if is_commit(commit) => {
                repo("models", id).join(format!("{commit}@{}@head", safe(path)))
            }
            Key::File { .. } | Key::Head { .. } => return None,
            Key::Blob { digest, head } => {
                let hex = sha256_hex(digest)?;
                self.root.join("blobs").join(if *head {
                    format!("sha256-{hex}@head")
                } else {
                    format!("sha256-{hex}")
                })
            }
            Key::Page { path } => self.root.join("pages").join(safe_name(path)),
        })
    }

    /// The same cache folder for another endpoint (another registry): its answers are kept
    /// apart, and a failed write is still one warning a run.
    pub fn for_endpoint(&self, endpoint: &str) -> Cache {
        let base = self.root.parent().unwrap_or(&self.root);
        Cache {
            root: base.join(endpoint_dir(endpoint)),
            failure: self.failure.clone(),
        }
    }

    /// Is this key cached for good (a file at a commit, a blob by its digest), so no request
    /// is needed?
    pub fn immutable(key: &Key) -> bool {
        match key {
            Key::File { commit, .. } | Key::Head { commit, .. } => is_commit(commit),
            Key::Blob { digest, .. } => sha256_hex(digest).is_some(),
            _ => false,
        }
    }

    pub fn get(&self, key: &Key) -> Option<Entry> {
        read_entry(&self.path(key)?)
    }

    /// As `get`, with the file I/O on a blocking thread, never on the async runtime's workers.
    pub async fn load(&self, key: &Key<'_>) -> Option<Entry> {
        let path = self.path(key)?;
        tokio::task::spawn_blocking(move || read_entry(&path))
            .await
            .ok()
            .flatten()
    }

    /// As `put`, with the file I/O on a blocking thread.
    pub async fn store(&self, key: &Key<'_>, entry: Entry) -> std::io::Result<()> {
        let Some(path) = self.path(key) else {
            return Ok(());
        };
        let cache = self.clone();
        tokio::task::spawn_blocking(move || cache.put_at(&path, &entry))
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }

    /// Stores an entry atomically (write a temporary file, then rename it into place). The
    /// temporary file is removed on every failure (a full disk, a read-only folder), and the
    /// first failure is kept for `failure`: one warning a run, not one a file.
    pub fn put(&self, key: &Key, entry: &Entry) -> std::io::Result<()> {
        match self.path(key) {
            Some(path) => self.put_at(&path, entry),
            None => Ok(()),
        }
    }

    fn put_at(&self, path: &Path, entry: &Entry) -> std::io::Result<()> {
        let written = self.write(path, entry);
        if let Err(e) = &written {
            let _ = self.failure.set(format!(
                "cannot write the cache in {}: {e}",
                self.root.display()
            ));
        }
        written
    }

    /// The first write that failed in this run, if any: the cache folder and the error.
    pub fn failure(&self) -> Option<&str> {
        self.failure.get().map(String::as_str)
    }

    fn write(&self, path: &Path, entry: &Entry) -> std::io::Result<()> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir)?;
        // Unique within the process too: several audits write at once.
        let tmp = TempFile(dir.join(format!(
            ".tmp-{}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
            NEXT.fetch_add(1, Ordering::Relaxed)
        )));
        let mut f = std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&tmp.0)?;
        let mut head = String::new();
        if let Some(e) = &entry.etag {
            // An ETag is one line; anything else is not worth caching.
            if !e.contains('\n') {
                head.push_str(&format!("etag: {e}\n"));
            }
        }
        head.push_str(&format!("truncated: {}\n", u8::from(entry.truncated)));
        // The body's digest, checked on every read: an entry torn by a crash (the rename can
        // reach the disk before the data does) is a miss, never a shorter text. That check is
        // what keeps entries whole, so no write waits for the disk (`sync_all` cost more than
        // the audit itself in a large batch).
        head.push_str(&format!("sha256: {}\n\n", digest(&entry.body)));
        f.write_all(head.as_bytes())?;
        f.write_all(&entry.body)?;
        drop(f);
        std::fs::rename(&tmp.0, path)?;
        // Renamed: nothing left to remove.
        std::mem::forget(tmp);
        Ok(())
    }
}

/// A temporary file removed when dropped: whichever step of a write fails, and however it
/// fails, no `.tmp-*` file is left behind.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// An entry from its file: header lines, a blank line, then the body.
fn digest(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn read_entry(path: &Path) -> Option<Entry> {
    let bytes = std::fs::read(path).ok()?;
    let mut etag = None;
    let mut truncated = false;
    let mut sha256 = None;
    let mut rest = &bytes[..];
    loop {
        let nl = rest.iter().position(|&b| b == b'\n')?;
        let line = std::str::from_utf8(&rest[..nl]).ok()?;
        rest = &rest[nl + 1..];
        if line.is_empty() {
            break;
        }
        match line.split_once(": ") {
            Some(("etag", v)) => etag = Some(v.to_string()),
            Some(("truncated", v)) => truncated = v == "1",
            Some(("sha256", v)) => sha256 = Some(v.to_string()),
            _ => return None, // not an entry this version wrote
        }
    }
    // Entries without a digest were written (with `sync_all`) by earlier versions.
    if sha256.is_some_and(|d| d != digest(rest)) {
        return None;
    }
    Some(Entry {
        etag,
        truncated,
        body: rest.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crash can leave an entry whose rename reached the disk before all of its data: the
    /// text is then shorter, or zeros. Either is a miss (asked for again), never a text.
    #[test]
    fn a_torn_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), "https://huggingface.co");
        let key = Key::File {
            id: "org/m",
            commit: &"b".repeat(40),
            path: "LICENSE",
        };
        let body = b"Permission is granted for non-commercial use only.\n".to_vec();
        cache
            .put(
                &key,
                &Entry {
                    etag: None,
                    truncated: false,
                    body: body.clone(),
                },
            )
            .unwrap();
        let path = cache.path(&key).unwrap();
        let whole = std::fs::read(&path).unwrap();
        assert_eq!(cache.get(&key).unwrap().body, body);
        // Cut before "non-commercial": a permissive-looking prefix.
        let cut = whole.len() - body.len() + 25;
        std::fs::write(&path, &whole[..cut]).unwrap();
        assert_eq!(cache.get(&key), None);
        let mut zeros = whole.clone();
        let n = zeros.len();
        zeros[n - 10..].fill(0);
        std::fs::write(&path, &zeros).unwrap();
        assert_eq!(cache.get(&key), None);
        // An entry from before digests (no `sha256:` line) is still read.
        std::fs::write(&path, [b"truncated: 0\n\n".as_slice(), &body].concat()).unwrap();
        assert_eq!(cache.get(&key).unwrap().body, body);
    }

    #[test]
    fn round_trip_and_keys() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), "https://huggingface.co");
        let key = Key::ModelInfo {
            id: "org/m",
            revision: None,
        };
        let entry = Entry {
            etag: Some("W/\"abc\"".into()),
            truncated: false,
            body: b"{\"id\":\"org/m\"}\n\nx".to_vec(),
        };
        cache.put(&key, &entry).unwrap();
        assert_eq!(cache.get(&key), Some(entry));
        let file = Key::File {
            id: "org/m",
            commit: &"a".repeat(40),
            path: "../../etc/passwd",
        };
        cache
            .put(
                &file,
                &Entry {
                    etag: None,
                    truncated: true,
                    body: b"x".to_vec(),
                },
            )
            .unwrap();
        assert!(cache.get(&file).unwrap().truncated);
        // A file's first bytes are kept apart from the whole file.
        let head = Key::Head {
            id: "org/m",
            commit: &"a".repeat(40),
            path: "../../etc/passwd",
        };
        assert_eq!(cache.get(&head), None);
        assert!(Cache::immutable(&head));
        // Paths cannot escape the cache.
        let leaked: Vec<_> = walk(dir.path());
        assert!(leaked.iter().all(|p| p.starts_with(dir.path().join("v1"))));
        // Branch names move: not cached.
        let moving = Key::File {
            id: "org/m",
            commit: "main",
            path: "README.md",
        };
        cache
            .put(
                &moving,
                &Entry {
                    etag: None,
                    truncated: false,
                    body: vec![],
                },
            )
            .unwrap();
        assert_eq!(cache.get(&moving), None);
    }

    #[test]
    fn endpoints_never_share_entries() {
        let dir = tempfile::tempdir().unwrap();
        let key = Key::DatasetInfo { id: "org/d" };
        let entry = |b: &[u8]| Entry {
            etag: None,
            truncated: false,
            body: b.to_vec(),
        };
        let a = Cache::new(dir.path(), "http://127.0.0.1:8080");
        let b = Cache::new(dir.path(), "http://127.0.0.1:8081/");
        a.put(&key, &entry(b"a")).unwrap();
        assert_eq!(b.get(&key), None);
        b.put(&key, &entry(b"b")).unwrap();
        assert_eq!(a.get(&key).unwrap().body, b"a");
        // A trailing slash is the same endpoint.
        let b2 = Cache::new(dir.path(), "http://127.0.0.1:8081");
        assert_eq!(b2.get(&key).unwrap().body, b"b");
        assert_eq!(endpoint_dir("https://huggingface.co/"), "huggingface.co");
        let long = format!("https://hub.example/{}", "x".repeat(300));
        let name = endpoint_dir(&long);
        assert!(name.len() < 120, "{name}");
        assert_ne!(name, endpoint_dir(&format!("{long}y")));
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file_and_is_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), "https://huggingface.co");
        let entry = Entry {
            etag: None,
            truncated: false,
            body: b"x".to_vec(),
        };
        // The entry's place is taken by a folder: the rename fails after the write.
        let key = Key::DatasetInfo { id: "org/d" };
        let blocked = cache.path(&key).unwrap();
        std::fs::create_dir_all(blocked.join("sub")).unwrap();
        assert!(cache.put(&key, &entry).is_err());
        let first = cache.failure().unwrap().to_string();
        assert!(
            first.contains(&cache.dir().display().to_string()),
            "{first}"
        );
        let other = Key::DatasetInfo { id: "org/e" };
        std::fs::create_dir_all(cache.path(&other).unwrap().join("sub")).unwrap();
        assert!(cache.clone().put(&other, &entry).is_err());
        assert_eq!(
            cache.failure(),
            Some(first.as_str()),
            "the first failure is kept"
        );
        let left: Vec<_> = walk(dir.path())
            .into_iter()
            .filter(|p| p.to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    fn walk(p: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(p).unwrap().flatten() {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
        out
    }
}
