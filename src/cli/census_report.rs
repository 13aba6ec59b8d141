//! `isopen census report DIR`: the census folder's Parquet registered with DataFusion as two
//! tables, `models` (a listing table over `DIR/models/`, every part) and `lineage`
//! (`DIR/lineage.parquet`), and each question of `census::report::sql` run against them.
//! DataFusion rather than DuckDB: it is pure Rust (no C++ toolchain; DuckDB's bundled build
//! takes far longer to compile on CI's 2 cores), it reads the Parquet with the same arrow-rs
//! that wrote it, and it speaks SQL, which a reader can extend. This file is the shell: the
//! files are checked and the answers rendered by the library (`census::report`).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int32Type, Int64Type, UInt64Type};
use datafusion::arrow::util::display::array_value_to_string;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use isopen::census::report::inputs::{self, Inputs};
use isopen::census::report::{Cell, CensusReport, Section, html, sql};
use isopen::census::table;

use super::EXIT_OK;
use super::args::{CensusReportArgs, CensusReportFormat};

pub fn run(args: CensusReportArgs) -> Result<u8> {
    let inputs = inputs::open(&args.dir)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let report = runtime.block_on(query(&inputs, args.top))?;
    let text = match args.format {
        CensusReportFormat::Table => report.render_text(),
        CensusReportFormat::Json => report.render_json(),
        CensusReportFormat::Html => html::render(&report, env!("CARGO_PKG_VERSION")),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write the report")?;
    Ok(EXIT_OK)
}

/// Registers the tables and asks every question the files can answer.
async fn query(inputs: &Inputs, top: usize) -> Result<CensusReport> {
    let ctx = SessionContext::new();
    let models_schema = table::models_schema();
    // A directory path with a trailing `/` makes a listing table over every `.parquet` in it;
    // the schema is given, since every part was checked against it.
    let folder = format!("{}/", table_path(&inputs.models)?);
    ctx.register_parquet(
        "models",
        &folder,
        ParquetReadOptions::default().schema(&models_schema),
    )
    .await
    .with_context(|| format!("{folder}: cannot read the parts"))?;
    let mut notes = Vec::new();
    match &inputs.lineage {
        Some(path) => {
            let lineage_schema = table::lineage_schema();
            let path = table_path(path)?;
            ctx.register_parquet(
                "lineage",
                &path,
                ParquetReadOptions::default().schema(&lineage_schema),
            )
            .await
            .with_context(|| format!("{path}: cannot read the lineage"))?;
        }
        None => notes.push(
            "no lineage.parquet: the census stopped before its lineage join (finish it with \
             `isopen census --out DIR --resume`), so the lineage sections are left out"
                .to_string(),
        ),
    }
    let mut sections = Vec::new();
    for q in sql::QUERIES
        .iter()
        .filter(|q| !q.lineage || inputs.lineage.is_some())
    {
        let text = sql::text(q, top);
        let frame = ctx
            .sql(&text)
            .await
            .with_context(|| format!("{}: the query cannot be planned", q.title))?;
        // The columns from the plan, so an empty answer still names them.
        let columns = frame
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let batches = frame
            .collect()
            .await
            .with_context(|| format!("{}: the query failed", q.title))?;
        let rows = rows_of(&batches)?;
        sections.push(Section {
            title: q.title.to_string(),
            sql: text,
            note: q.note.map(str::to_string),
            columns,
            rows,
        });
    }
    Ok(CensusReport {
        checkpoint: inputs.checkpoint.clone(),
        notes,
        sections,
    })
}

/// A path as DataFusion takes it: absolute, and free of the characters it would read as a
/// glob (which would select other files than the ones checked).
fn table_path(path: &Path) -> Result<String> {
    let abs = std::path::absolute(path).with_context(|| path.display().to_string())?;
    let text = abs.display().to_string();
    if text.contains(['*', '?', '[']) {
        bail!(
            "{text}: the engine would read `*`, `?` or `[` in this path as a pattern; move the census to a path without them"
        );
    }
    Ok(text)
}

/// An answer's rows.
fn rows_of(batches: &[RecordBatch]) -> Result<Vec<Vec<Cell>>> {
    let mut rows = Vec::new();
    for b in batches {
        for i in 0..b.num_rows() {
            rows.push(
                b.columns()
                    .iter()
                    .map(|c| cell(c.as_ref(), i))
                    .collect::<Result<Vec<_>>>()?,
            );
        }
    }
    Ok(rows)
}

/// One value as a report cell: the types the questions return, anything else as text.
fn cell(col: &dyn Array, i: usize) -> Result<Cell> {
    if col.is_null(i) {
        return Ok(Cell::Null);
    }
    Ok(match col.data_type() {
        DataType::Utf8 => Cell::Text(col.as_string::<i32>().value(i).to_string()),
        DataType::LargeUtf8 => Cell::Text(col.as_string::<i64>().value(i).to_string()),
        DataType::Utf8View => Cell::Text(col.as_string_view().value(i).to_string()),
        DataType::Boolean => Cell::Bool(col.as_boolean().value(i)),
        DataType::Int64 => Cell::Int(col.as_primitive::<Int64Type>().value(i)),
        DataType::Int32 => Cell::Int(i64::from(col.as_primitive::<Int32Type>().value(i))),
        DataType::UInt64 => {
            Cell::Int(i64::try_from(col.as_primitive::<UInt64Type>().value(i)).unwrap_or(i64::MAX))
        }
        DataType::Float64 => Cell::Float(col.as_primitive::<Float64Type>().value(i)),
        _ => Cell::Text(array_value_to_string(col, i).context("cannot show a value")?),
    })
}
