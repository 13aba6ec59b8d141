//! A published Hub metadata dump (a Parquet file such as the `models.parquet` of the
//! `cfahlgren1/hub-stats` dataset) read instead of crawling: each row becomes the listing
//! entry the census judges, so a dump and a crawl give the same rows. Columns are matched by
//! the list API's names (`id`, `cardData`, `tags`, `gated`, `siblings`, `baseModels`,
//! `downloads`, `likes`, `lastModified`, `sha`, `safetensors`, …) or their snake_case
//! spellings; a nested column stored as a JSON string is parsed. A dump without `id`, or
//! without anything that carries a license (`cardData` or `tags`), does not fit and is refused
//! with the columns it has. Rows are read in batches, so memory stays flat.

use std::fs::File;
use std::path::Path;

use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use serde_json::Value;

use super::listing::{Page, entry};

/// Why a dump cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
    #[error(
        "{path}: the dump's columns do not fit: {missing} (its columns: {found}); isopen reads the list API's fields (id, cardData, tags, gated, siblings, baseModels, downloads, likes, lastModified, sha)"
    )]
    Columns {
        path: String,
        missing: String,
        found: String,
    },
}

/// The list API's name for a dump column, when the dump spells it another way.
fn api_name(column: &str) -> &str {
    match column {
        "card_data" | "carddata" => "cardData",
        "base_models" | "basemodels" => "baseModels",
        "last_modified" | "lastmodified" => "lastModified",
        "model_id" | "modelId" => "id",
        other => other,
    }
}

/// Columns that hold JSON in the API and may be stored as text in a dump.
const NESTED: [&str; 7] = [
    "cardData",
    "gated",
    "siblings",
    "baseModels",
    "safetensors",
    "tags",
    "config",
];

/// A dump opened for reading, batch by batch.
pub struct Dump {
    path: String,
    reader: ParquetRecordBatchReader,
    /// Rows to skip before the first page (a resumed census).
    skip: u64,
    pub rows: u64,
}

impl Dump {
    /// Opens `path`, checks its columns, and positions it `skip` rows in.
    pub fn open(path: &Path, skip: u64, batch: usize) -> Result<Dump, DumpError> {
        let shown = path.display().to_string();
        let bad = |e: &dyn std::fmt::Display| DumpError::Unreadable {
            path: shown.clone(),
            message: e.to_string(),
        };
        let file = File::open(path).map_err(|e| bad(&e))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| bad(&e))?;
        let names: Vec<String> = builder
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let has = |n: &str| names.iter().any(|c| api_name(c) == n);
        let mut missing = Vec::new();
        if !has("id") {
            missing.push("no `id` column");
        }
        if !has("cardData") && !has("tags") {
            missing.push("no `cardData` or `tags` column (nothing states a license)");
        }
        if !missing.is_empty() {
            return Err(DumpError::Columns {
                path: shown,
                missing: missing.join("; "),
                found: names.join(", "),
            });
        }
        let rows = builder.metadata().file_metadata().num_rows().max(0) as u64;
        let reader = builder
            .with_batch_size(batch)
            .build()
            .map_err(|e| bad(&e))?;
        Ok(Dump {
            path: shown,
            reader,
            skip,
            rows,
        })
    }

    /// The next page of models (`None` at the end).
    pub fn next_page(&mut self) -> Option<Result<Page, DumpError>> {
        loop {
            let batch = match self.reader.next()? {
                Ok(b) => b,
                Err(e) => {
                    return Some(Err(DumpError::Unreadable {
                        path: self.path.clone(),
                        message: e.to_string(),
                    }));
                }
            };
            let n = batch.num_rows() as u64;
            if self.skip >= n {
                self.skip -= n;
                continue;
            }
            let batch = batch.slice(self.skip as usize, (n - self.skip) as usize);
            self.skip = 0;
            return Some(page(&self.path, &batch));
        }
    }
}

/// A batch's rows as listing entries.
fn page(path: &str, batch: &RecordBatch) -> Result<Page, DumpError> {
    let mut buf = Vec::new();
    let mut writer = arrow_json::LineDelimitedWriter::new(&mut buf);
    writer
        .write(batch)
        .and_then(|()| writer.finish())
        .map_err(|e| DumpError::Unreadable {
            path: path.to_string(),
            message: e.to_string(),
        })?;
    let mut page = Page::default();
    for line in buf.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let Ok(Value::Object(row)) = serde_json::from_slice::<Value>(line) else {
            page.skipped += 1;
            continue;
        };
        let mut fields = serde_json::Map::new();
        for (k, v) in row {
            let k = api_name(&k).to_string();
            let v = match v {
                Value::String(s) if NESTED.contains(&k.as_str()) => {
                    serde_json::from_str(&s).unwrap_or(Value::String(s))
                }
                other => other,
            };
            fields.insert(k, v);
        }
        match entry(Value::Object(fields)) {
            Some(m) => page.models.push(m),
            None => page.skipped += 1,
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{ArrayRef, Int64Array, StringArray};
    use std::sync::Arc;

    fn write(path: &Path, columns: Vec<(&str, ArrayRef)>) {
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let file = File::create(path).unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }

    #[test]
    fn a_dump_in_the_api_shape_reads_as_a_listing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("models.parquet");
        let mut tags = ListBuilder::new(StringBuilder::new());
        for t in [&["license:mit"][..], &["license:cc-by-nc-4.0"][..], &[][..]] {
            for s in t {
                tags.values().append_value(s);
            }
            tags.append(true);
        }
        write(
            &path,
            vec![
                (
                    "id",
                    Arc::new(StringArray::from(vec!["a/one", "b/two", "c/three"])) as ArrayRef,
                ),
                ("tags", Arc::new(tags.finish())),
                (
                    "card_data",
                    Arc::new(StringArray::from(vec![
                        Some(r#"{"license": "mit", "base_model": "x/base"}"#),
                        Some(r#"{"license": "cc-by-nc-4.0"}"#),
                        None,
                    ])),
                ),
                ("downloads", Arc::new(Int64Array::from(vec![10, 20, 30]))),
            ],
        );
        let mut dump = Dump::open(&path, 1, 500).unwrap();
        assert_eq!(dump.rows, 3);
        let page = dump.next_page().unwrap().unwrap();
        assert_eq!(page.models.len(), 2, "one row skipped for --resume");
        assert_eq!(page.models[0].info.id, "b/two");
        assert_eq!(page.models[0].info.downloads, Some(20));
        let card = page.models[0].info.card_data.as_ref().unwrap();
        assert_eq!(card["license"], "cc-by-nc-4.0");
        assert!(dump.next_page().is_none());
    }

    #[test]
    fn a_dump_whose_columns_do_not_fit_is_refused_with_its_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.parquet");
        write(
            &path,
            vec![("name", Arc::new(StringArray::from(vec!["x"])) as ArrayRef)],
        );
        let err = Dump::open(&path, 0, 500).err().unwrap().to_string();
        assert!(err.contains("no `id` column"), "{err}");
        assert!(err.contains("its columns: name"), "{err}");
        let not_parquet = dir.path().join("x.parquet");
        std::fs::write(&not_parquet, b"not parquet").unwrap();
        assert!(Dump::open(&not_parquet, 0, 500).is_err());
    }
}
