//! Reading a codebase for `isopen scan`: walk the tree (honouring `.gitignore`, skipping
//! vendored and virtual-environment folders, never following a symbolic link), read each file
//! whose kind holds references (bounded by a size and a file budget), hand its text to the
//! pure finder (`crate::scan`), and note the model files and folders the tree itself holds.
//! Every file left unread is listed with why: a file skipped for a budget is evidence unread,
//! and the scan says it is incomplete.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::scan::{self, Found, Reference, SkipReason, Skipped};
use crate::vocab::Form;

/// Folders never read: dependencies, virtual environments, build output, version control.
pub const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    ".venv",
    "venv",
    "site-packages",
    "vendor",
    "target",
    ".git",
    "__pycache__",
    ".tox",
    ".mypy_cache",
];

/// Limits on what a scan reads.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Files larger than this are not read.
    pub max_file_bytes: u64,
    /// Files read at most; the rest are listed as unread.
    pub max_files: usize,
    /// Folders deeper than this below the root are not entered.
    pub max_depth: usize,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            max_file_bytes: 1024 * 1024,
            max_files: 50_000,
            max_depth: 32,
        }
    }
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Inventory {
    /// One per model, with every place it is referenced (files relative to the root).
    pub references: Vec<Reference>,
    pub files_read: usize,
    /// Every file or folder not read, in walk order.
    pub skipped: Vec<Skipped>,
    /// The root's license files and manifests, `(name, text)`.
    pub project_files: Vec<(String, String)>,
    /// The root's README, NOTICE and license files, `(name, text)`.
    pub notice_files: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum CodebaseError {
    #[error("{0}: not a folder to scan")]
    NotAFolder(String),
    #[error("{path}: cannot be read: {source}")]
    Root {
        path: String,
        source: std::io::Error,
    },
}

/// The path relative to the root, with `/` separators.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Walks `root` and reads what it holds. Local models found in the tree are referenced by
/// their path (`root` joined with the path in the tree), as `isopen audit` takes them.
pub fn walk(root: &Path, budget: Budget) -> Result<Inventory, CodebaseError> {
    let meta = std::fs::metadata(root).map_err(|source| CodebaseError::Root {
        path: root.display().to_string(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(CodebaseError::NotAFolder(root.display().to_string()));
    }
    let canonical_root = root.canonicalize().map_err(|source| CodebaseError::Root {
        path: root.display().to_string(),
        source,
    })?;
    let mut inv = Inventory::default();
    let too_deep: Arc<Mutex<Vec<Skipped>>> = Arc::default();
    let walker = {
        let too_deep = Arc::clone(&too_deep);
        let root_for_filter = root.to_path_buf();
        let max_depth = budget.max_depth;
        ignore::WalkBuilder::new(root)
            .hidden(false)
            .follow_links(false)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .ignore(true)
            .parents(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .filter_entry(move |e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                if !is_dir {
                    return true;
                }
                let name = e.file_name().to_string_lossy();
                if e.depth() > 0 && SKIPPED_DIRS.contains(&name.as_ref()) {
                    return false;
                }
                if e.depth() > max_depth {
                    if let Ok(mut v) = too_deep.lock() {
                        v.push(Skipped {
                            file: relative(&root_for_filter, e.path()),
                            reason: SkipReason::TooDeep,
                        });
                    }
                    return false;
                }
                true
            })
            .build()
    };
    let mut found: Vec<(String, Found)> = Vec::new();
    // Folders holding model files: folder → (the file that makes it one, form).
    let mut weights_in: BTreeMap<String, String> = BTreeMap::new();
    let mut configs_in: BTreeSet<String> = BTreeSet::new();
    let mut cards_in: BTreeSet<String> = BTreeSet::new();
    for entry in walker {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let rel = relative(root, path);
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if ft.is_symlink() {
            if let Some(s) = outside(&canonical_root, path) {
                inv.skipped.push(Skipped {
                    file: rel,
                    reason: s,
                });
            }
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let folder = rel
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_string());
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".gguf") {
            found.push((
                rel.clone(),
                Found {
                    model: folder_ref(&root.join(&rel)),
                    line: 1,
                    column: 1,
                    form: Form::GgufFile,
                },
            ));
            continue;
        }
        if lower.ends_with(".safetensors") {
            weights_in.entry(folder).or_insert(rel);
            continue;
        }
        if lower == "readme.md" && !folder.is_empty() {
            cards_in.insert(folder.clone());
        }
        let at_root = entry.depth() == 1;
        if at_root
            && (scan::project::wanted(&name) || scan::terms::carries_notices(&name))
            && let Ok(text) = read(path, budget.max_file_bytes)
        {
            if scan::project::wanted(&name) {
                inv.project_files.push((name.clone(), text.clone()));
            }
            if scan::terms::carries_notices(&name) {
                inv.notice_files.push((name.clone(), text));
            }
        }
        let Some(kind) = scan::kind_of(&rel) else {
            continue;
        };
        if inv.files_read >= budget.max_files {
            inv.skipped.push(Skipped {
                file: rel,
                reason: SkipReason::OverFileBudget,
            });
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        if size > budget.max_file_bytes {
            inv.skipped.push(Skipped {
                file: rel,
                reason: SkipReason::TooLarge,
            });
            continue;
        }
        let text = match read(path, budget.max_file_bytes) {
            Ok(t) => t,
            Err(reason) => {
                inv.skipped.push(Skipped { file: rel, reason });
                continue;
            }
        };
        inv.files_read += 1;
        if lower == "config.json"
            && (text.contains("\"architectures\"") || text.contains("\"model_type\""))
        {
            configs_in.insert(folder.clone());
        }
        for f in scan::find(kind, &text) {
            found.push((rel.clone(), f));
        }
    }
    if let Ok(mut v) = too_deep.lock() {
        inv.skipped.append(&mut v);
    }
    // A model folder: safetensors weights, or a model config beside a card.
    let mut folders: BTreeMap<String, String> = weights_in;
    for f in configs_in.intersection(&cards_in) {
        folders
            .entry(f.clone())
            .or_insert_with(|| format!("{f}/config.json"));
    }
    for (folder, file) in folders {
        let path = if folder.is_empty() {
            root.to_path_buf()
        } else {
            root.join(&folder)
        };
        found.push((
            file,
            Found {
                model: folder_ref(&path),
                line: 1,
                column: 1,
                form: Form::ModelFolder,
            },
        ));
    }
    inv.references = scan::collect(found);
    Ok(inv)
}

/// A folder as a ref `isopen audit` reads as a local folder: a relative path gets `./`.
fn folder_ref(path: &Path) -> String {
    let s = path.display().to_string();
    if path.is_absolute() || s.starts_with('.') {
        s
    } else {
        format!("./{s}")
    }
}

/// Why a symbolic link is listed: it leads out of the root (or nowhere). A link inside the
/// root is not listed: what it points at is walked where it is.
fn outside(root: &Path, link: &Path) -> Option<SkipReason> {
    match link.canonicalize() {
        Ok(target) if target.starts_with(root) => None,
        _ => Some(SkipReason::SymlinkOutsideRoot),
    }
}

/// At most `max` bytes of a file, as text (invalid UTF-8 replaced); binary data (a NUL byte)
/// is not text.
fn read(path: &Path, max: u64) -> Result<String, SkipReason> {
    let file = std::fs::File::open(path).map_err(|_| SkipReason::Unreadable)?;
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|_| SkipReason::Unreadable)?;
    if bytes.len() as u64 > max {
        return Err(SkipReason::TooLarge);
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(SkipReason::Binary);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
