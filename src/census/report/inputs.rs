//! The files a census report reads, found and checked before any query runs: every
//! `models/*.parquet` part (each must have a census part's columns), `lineage.parquet` if the
//! census got as far as its join, and `checkpoint.json` for how far the listing went. A
//! problem names its file, so a folder that is not a census, or a part from elsewhere, is
//! said plainly instead of surfacing as an engine's error.

use std::path::{Path, PathBuf};

use super::super::Checkpoint;
use super::super::table::{self, TableError};

/// Why a folder cannot be reported on.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{0}: no such folder")]
    NoFolder(String),
    #[error("{0}: no census parts (models/*.parquet); `isopen census --out DIR` writes them")]
    NoParts(String),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("{path}: not a census checkpoint: {message}")]
    Checkpoint { path: String, message: String },
}

/// A census folder's files, checked.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// `DIR/models`: the engine reads every `.parquet` file in it.
    pub models: PathBuf,
    pub parts: Vec<PathBuf>,
    /// `DIR/lineage.parquet`, absent when the census stopped before its join.
    pub lineage: Option<PathBuf>,
    pub checkpoint: Option<Checkpoint>,
}

/// Finds and checks the files of the census in `dir`.
pub fn open(dir: &Path) -> Result<Inputs, InputError> {
    if !dir.is_dir() {
        return Err(InputError::NoFolder(dir.display().to_string()));
    }
    let models = dir.join("models");
    let mut parts: Vec<PathBuf> = match std::fs::read_dir(&models) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            // The same files the engine's listing takes: a `.parquet.tmp` left by a stopped
            // census is not one of them.
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "parquet"))
            .collect(),
        Err(_) => Vec::new(),
    };
    if parts.is_empty() {
        return Err(InputError::NoParts(dir.display().to_string()));
    }
    parts.sort();
    let schema = table::models_schema();
    for p in &parts {
        table::check_columns(p, &schema)?;
    }
    let lineage = dir.join("lineage.parquet");
    let lineage = match lineage.is_file() {
        true => {
            table::check_columns(&lineage, &table::lineage_schema())?;
            Some(lineage)
        }
        false => None,
    };
    Ok(Inputs {
        models,
        parts,
        lineage,
        checkpoint: checkpoint(&dir.join("checkpoint.json"))?,
    })
}

fn checkpoint(path: &Path) -> Result<Option<Checkpoint>, InputError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(InputError::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            });
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| InputError::Checkpoint {
            path: path.display().to_string(),
            message: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_parts_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let e = open(dir.path()).unwrap_err().to_string();
        assert!(e.contains("no census parts"), "{e}");
        assert!(e.starts_with(&dir.path().display().to_string()), "{e}");
        let missing = dir.path().join("nope");
        assert!(
            open(&missing)
                .unwrap_err()
                .to_string()
                .contains("no such folder")
        );
    }

    #[test]
    fn a_part_that_is_not_parquet_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("models")).unwrap();
        let part = dir.path().join("models/part-00000.parquet");
        std::fs::write(&part, b"not parquet").unwrap();
        let e = open(dir.path()).unwrap_err().to_string();
        assert!(e.contains("part-00000.parquet: not a census part"), "{e}");
    }
}
