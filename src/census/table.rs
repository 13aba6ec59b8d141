//! The census on disk, as Parquet any engine reads (DuckDB, Spark, DataFusion, pandas): one
//! row a model with flat columns (`models/part-NNNNN.parquet`), the full metadata report of
//! each model beside it (`reports/part-NNNNN.jsonl.gz`), and after the join the lineage of every
//! model that names a base (`lineage.parquet`). A part is written to a temporary name and
//! renamed, so a stopped census leaves only whole parts. Counts are signed 64-bit integers and
//! lists are lists of strings: the types every engine maps the same way (Spark cannot read
//! unsigned 64-bit columns).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{Array, ArrayRef, Int64Array, ListArray, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::escalate::Candidate;
use super::judge::Row;
use super::lineage::{LineageRow, Node};
use crate::vocab::Verdict;

/// Why the census could not write or read its tables.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{path}: not a census part: {message}")]
    Format { path: String, message: String },
}

fn io(path: &Path, e: impl std::fmt::Display) -> TableError {
    TableError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn list() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

/// The columns of `models/part-*.parquet`, in order.
pub fn models_schema() -> SchemaRef {
    let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
    let i = |n: &str| Field::new(n, DataType::Int64, true);
    let l = |n: &str| Field::new(n, list(), false);
    Arc::new(Schema::new(vec![
        s("model", false),
        s("author", true),
        s("sha", true),
        s("last_modified", true),
        i("downloads"),
        i("likes"),
        s("gated", true),
        i("parameters"),
        s("license_declared", true),
        s("license", false),
        s("license_spdx", true),
        s("declared_verdict", true),
        s("verdict", false),
        s("depth", false),
        l("base_models"),
        l("base_relations"),
        l("datasets"),
        l("risks"),
        l("unread"),
    ]))
}

/// The columns of `lineage.parquet`.
pub fn lineage_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("model", DataType::Utf8, false),
        Field::new("own_verdict", DataType::Utf8, false),
        Field::new("verdict", DataType::Utf8, false),
        Field::new("ancestors", list(), false),
        Field::new("generations", DataType::Int64, false),
        Field::new("missing", list(), false),
        Field::new("cycle", DataType::Boolean, false),
        Field::new("too_deep", DataType::Boolean, false),
        Field::new("conflict_with", DataType::Utf8, true),
        Field::new("conflict_verdict", DataType::Utf8, true),
    ]))
}

fn strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    let mut b = StringBuilder::new();
    for v in values {
        b.append_option(v);
    }
    Arc::new(b.finish())
}

fn ints(values: impl Iterator<Item = Option<i64>>) -> ArrayRef {
    let mut b = Int64Builder::new();
    for v in values {
        b.append_option(v);
    }
    Arc::new(b.finish())
}

fn bools(values: impl Iterator<Item = bool>) -> ArrayRef {
    let mut b = BooleanBuilder::new();
    for v in values {
        b.append_value(v);
    }
    Arc::new(b.finish())
}

fn lists<'a>(values: impl Iterator<Item = &'a [String]>) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for v in values {
        for s in v {
            b.values().append_value(s);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

fn count(n: Option<u64>) -> Option<i64> {
    n.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

/// The rows as one record batch.
pub fn models_batch(rows: &[Row]) -> RecordBatch {
    let verdict = |v: Option<Verdict>| v.map(Verdict::as_str);
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|r| Some(r.model.as_str()))),
        strings(rows.iter().map(|r| r.author.as_deref())),
        strings(rows.iter().map(|r| r.sha.as_deref())),
        strings(rows.iter().map(|r| r.last_modified.as_deref())),
        ints(rows.iter().map(|r| count(r.downloads))),
        ints(rows.iter().map(|r| count(r.likes))),
        strings(rows.iter().map(|r| r.gated.as_deref())),
        ints(rows.iter().map(|r| count(r.parameters))),
        strings(rows.iter().map(|r| r.license_declared.as_deref())),
        strings(rows.iter().map(|r| Some(r.license.as_str()))),
        strings(rows.iter().map(|r| r.license_spdx.as_deref())),
        strings(rows.iter().map(|r| verdict(r.declared_verdict))),
        strings(rows.iter().map(|r| Some(r.verdict.as_str()))),
        strings(rows.iter().map(|r| Some(r.depth.as_str()))),
        lists(rows.iter().map(|r| r.base_models.as_slice())),
        lists(rows.iter().map(|r| r.base_relations.as_slice())),
        lists(rows.iter().map(|r| r.datasets.as_slice())),
        lists(rows.iter().map(|r| r.risks.as_slice())),
        lists(rows.iter().map(|r| r.unread.as_slice())),
    ];
    // The columns are built from the schema's own list: a mismatch is a bug here, not input.
    RecordBatch::try_new(models_schema(), columns).expect("the models columns fit their schema")
}

/// The lineage rows as one record batch.
pub fn lineage_batch(rows: &[LineageRow]) -> RecordBatch {
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|r| Some(r.model.as_str()))),
        strings(rows.iter().map(|r| Some(r.own_verdict.as_str()))),
        strings(rows.iter().map(|r| Some(r.verdict.as_str()))),
        lists(rows.iter().map(|r| r.ancestors.as_slice())),
        ints(rows.iter().map(|r| Some(i64::from(r.generations)))),
        lists(rows.iter().map(|r| r.missing.as_slice())),
        bools(rows.iter().map(|r| r.cycle)),
        bools(rows.iter().map(|r| r.too_deep)),
        strings(rows.iter().map(|r| r.conflict_with.as_deref())),
        strings(rows.iter().map(|r| r.conflict_verdict.map(Verdict::as_str))),
    ];
    RecordBatch::try_new(lineage_schema(), columns).expect("the lineage columns fit their schema")
}

/// A Parquet file being written under a temporary name, renamed into place by `finish`.
pub struct ParquetOut {
    tmp: PathBuf,
    path: PathBuf,
    writer: ArrowWriter<File>,
}

impl ParquetOut {
    pub fn create(path: &Path, schema: SchemaRef) -> Result<ParquetOut, TableError> {
        let tmp = path.with_extension("parquet.tmp");
        let file = File::create(&tmp).map_err(|e| io(&tmp, e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer = ArrowWriter::try_new(file, schema, Some(props)).map_err(|e| io(&tmp, e))?;
        Ok(ParquetOut {
            tmp,
            path: path.to_path_buf(),
            writer,
        })
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), TableError> {
        self.writer.write(batch).map_err(|e| io(&self.tmp, e))
    }

    pub fn finish(self) -> Result<(), TableError> {
        self.writer.close().map_err(|e| io(&self.tmp, e))?;
        std::fs::rename(&self.tmp, &self.path).map_err(|e| io(&self.path, e))
    }
}

/// Writes text gzip-compressed, atomically.
pub fn write_gz_atomic(path: &Path, text: &[u8]) -> Result<(), TableError> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text).map_err(|e| io(path, e))?;
    let bytes = gz.finish().map_err(|e| io(path, e))?;
    write_atomic(path, &bytes)
}

/// Writes a whole file atomically (a temporary name, then a rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), TableError> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp).map_err(|e| io(&tmp, e))?;
    f.write_all(bytes).map_err(|e| io(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))
}

/// Part `n`'s two files: the rows and the reports (gzip JSON Lines, about a tenth of the size;
/// DuckDB, Spark and `zcat` read it as it is).
pub fn part_paths(dir: &Path, n: u32) -> (PathBuf, PathBuf) {
    (
        dir.join("models").join(format!("part-{n:05}.parquet")),
        dir.join("reports").join(format!("part-{n:05}.jsonl.gz")),
    )
}

fn column<'a, T: 'static>(
    batch: &'a RecordBatch,
    path: &Path,
    name: &str,
) -> Result<&'a T, TableError> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .ok_or_else(|| TableError::Format {
            path: path.display().to_string(),
            message: format!("no column `{name}` of the expected type"),
        })
}

/// One model as read back from a part: what the join needs, the license concluded and the
/// license declared.
pub type PartRow = (Node, String, Option<String>);

/// The record batches of `columns` of a Parquet file.
fn batches(path: &Path, columns: &[&str]) -> Result<Vec<RecordBatch>, TableError> {
    let file = File::open(path).map_err(|e| io(path, e))?;
    let format = |e: &dyn std::fmt::Display| TableError::Format {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| format(&e))?;
    let mask = ProjectionMask::columns(builder.parquet_schema(), columns.iter().copied());
    let reader = builder
        .with_projection(mask)
        .build()
        .map_err(|e| format(&e))?;
    reader
        .map(|b| b.map_err(|e| format(&e)))
        .collect::<Result<Vec<_>, _>>()
}

/// Row `i` of a list-of-strings column.
fn strings_at(path: &Path, list: &ListArray, i: usize) -> Result<Vec<String>, TableError> {
    let values = list.value(i);
    let strings = values
        .as_any()
        .downcast_ref::<StringArray>()
        .ok_or_else(|| TableError::Format {
            path: path.display().to_string(),
            message: "a list column is not a list of strings".into(),
        })?;
    Ok(strings.iter().flatten().map(str::to_string).collect())
}

fn verdict_at(a: &StringArray, i: usize) -> Option<Verdict> {
    (!a.is_null(i))
        .then(|| Verdict::parse(a.value(i)))
        .flatten()
}

/// Reads what the lineage join and the summary need from one models part.
pub fn read_part(path: &Path, out: &mut Vec<PartRow>) -> Result<(), TableError> {
    let columns = [
        "model",
        "verdict",
        "declared_verdict",
        "base_models",
        "license",
        "license_declared",
    ];
    for batch in batches(path, &columns)? {
        let model: &StringArray = column(&batch, path, "model")?;
        let verdict: &StringArray = column(&batch, path, "verdict")?;
        let declared: &StringArray = column(&batch, path, "declared_verdict")?;
        let bases: &ListArray = column(&batch, path, "base_models")?;
        let license: &StringArray = column(&batch, path, "license")?;
        let license_declared: &StringArray = column(&batch, path, "license_declared")?;
        for i in 0..batch.num_rows() {
            let node = Node {
                model: model.value(i).to_string(),
                verdict: verdict_at(verdict, i).unwrap_or(Verdict::Unknown),
                declared: verdict_at(declared, i),
                bases: strings_at(path, bases, i)?,
            };
            let declared_license =
                (!license_declared.is_null(i)).then(|| license_declared.value(i).to_string());
            out.push((node, license.value(i).to_string(), declared_license));
        }
    }
    Ok(())
}

/// Reads what escalation needs from one models part.
pub fn read_candidates(path: &Path, out: &mut Vec<Candidate>) -> Result<(), TableError> {
    let columns = [
        "model",
        "verdict",
        "downloads",
        "risks",
        "base_models",
        "datasets",
        "unread",
    ];
    for batch in batches(path, &columns)? {
        let model: &StringArray = column(&batch, path, "model")?;
        let verdict: &StringArray = column(&batch, path, "verdict")?;
        let downloads: &Int64Array = column(&batch, path, "downloads")?;
        let risks: &ListArray = column(&batch, path, "risks")?;
        let bases: &ListArray = column(&batch, path, "base_models")?;
        let datasets: &ListArray = column(&batch, path, "datasets")?;
        let unread: &ListArray = column(&batch, path, "unread")?;
        for i in 0..batch.num_rows() {
            out.push(Candidate {
                model: model.value(i).to_string(),
                verdict: verdict_at(verdict, i).unwrap_or(Verdict::Unknown),
                downloads: if downloads.is_null(i) {
                    0
                } else {
                    u64::try_from(downloads.value(i)).unwrap_or(0)
                },
                risks: strings_at(path, risks, i)?,
                bases: strings_at(path, bases, i)?.len(),
                datasets: strings_at(path, datasets, i)?.len(),
                files: strings_at(path, unread, i)?.len(),
            });
        }
    }
    Ok(())
}

/// The columns of `escalated/K-of-N.parquet`: each escalated model's full audit beside its
/// metadata verdict.
pub fn escalated_schema() -> SchemaRef {
    let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
    Arc::new(Schema::new(vec![
        s("model", false),
        s("metadata_verdict", false),
        s("verdict", true),
        s("license", true),
        s("license_spdx", true),
        s("depth", false),
        s("status", false),
        s("error", true),
        Field::new("risks", list(), false),
    ]))
}

/// One escalated model: its metadata verdict and its full report.
pub struct Escalated<'a> {
    pub metadata_verdict: Verdict,
    pub report: &'a crate::report::ModelReport,
}

pub fn escalated_batch(rows: &[Escalated]) -> RecordBatch {
    fn license<'r>(r: &Escalated<'r>) -> Option<&'r crate::report::LicenseReport> {
        r.report.license.as_ref()
    }
    let risks: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.report
                .risks
                .iter()
                .map(|k| k.code.code().to_string())
                .collect()
        })
        .collect();
    let columns: Vec<ArrayRef> = vec![
        strings(rows.iter().map(|r| Some(r.report.model.as_str()))),
        strings(rows.iter().map(|r| Some(r.metadata_verdict.as_str()))),
        strings(
            rows.iter()
                .map(|r| r.report.commercial_use.as_ref().map(|c| c.verdict.as_str())),
        ),
        strings(rows.iter().map(|r| license(r).map(|l| l.id.as_str()))),
        strings(
            rows.iter()
                .map(|r| license(r).and_then(|l| l.spdx.as_deref())),
        ),
        strings(rows.iter().map(|_| Some("full"))),
        strings(rows.iter().map(|r| {
            Some(match r.report.status {
                crate::report::Status::Ok => "ok",
                crate::report::Status::Error => "error",
            })
        })),
        strings(
            rows.iter()
                .map(|r| r.report.error.as_ref().map(|e| e.message.as_str())),
        ),
        lists(risks.iter().map(Vec::as_slice)),
    ];
    RecordBatch::try_new(escalated_schema(), columns)
        .expect("the escalated columns fit their schema")
}

/// Checks that a Parquet file holds `expected`'s columns with their types, before an engine
/// reads it: a file from elsewhere in a census folder is named, not half-read. Extra columns
/// are left alone (an engine reads only the ones it is given).
pub fn check_columns(path: &Path, expected: &Schema) -> Result<(), TableError> {
    let file = File::open(path).map_err(|e| io(path, e))?;
    let format = |message: String| TableError::Format {
        path: path.display().to_string(),
        message,
    };
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| format(e.to_string()))?;
    let found = builder.schema();
    for want in expected.fields() {
        match found.field_with_name(want.name()) {
            Ok(got) if got.data_type().equals_datatype(want.data_type()) => {}
            Ok(got) => {
                return Err(format(format!(
                    "column `{}` is {} where a census writes {}",
                    want.name(),
                    got.data_type(),
                    want.data_type()
                )));
            }
            Err(_) => return Err(format(format!("no column `{}`", want.name()))),
        }
    }
    Ok(())
}
