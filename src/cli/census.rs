//! `isopen census --out DIR` (or `--from DUMP.parquet`): streams the Hub's model listing page by page (the cursor in each
//! `Link: rel="next"`), judges every model from its metadata, writes each page as a part the
//! moment it is judged, and checkpoints the cursor after each part, so a census stopped by an
//! error, a limit or Ctrl-C resumes where it stopped and memory stays flat however many models
//! pass. The next page is fetched while the current one is judged. The `RateLimit` header is
//! read after every call: with `--reserve` calls or fewer left in the window, the census waits
//! for the window to reset instead of running into 429s. When the listing ends, the lineage is
//! joined over every part and a summary printed.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use isopen::census::dump::Dump;
use isopen::census::judge::{Row, judge};
use isopen::census::lineage::GraphBuilder;
use isopen::census::listing::{Page, next_link, parse_page, quota};
use isopen::census::table::{self, ParquetOut};
use isopen::census::{Checkpoint, Summary, first_query};
use isopen::hub::client::FileBody;
use isopen::hub::{ClientConfig, HubClient, SourceError, token};
use isopen::rules::RuleSet;

use super::args::{CensusArgs, CensusFormat};
use super::{EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, say};

/// The largest listing page read (500 models with their card data run to a few megabytes).
const MAX_PAGE_BYTES: usize = 64 * 1024 * 1024;
/// How long a listing call may keep retrying, 429s included: longer than the Hub's 5-minute
/// rate-limit window, so a census outlasts a window rather than stopping in it.
const RETRY_BUDGET: Duration = Duration::from_secs(420);

pub fn run(args: CensusArgs) -> Result<u8> {
    let Some(out) = args.out.clone() else {
        bail!(
            "isopen census needs --out DIR (or a subcommand: isopen census report DIR, isopen census escalate DIR)"
        );
    };
    let rules = match &args.rules {
        Some(dir) => RuleSet::builtin_with_dir(dir),
        None => RuleSet::builtin(),
    }
    .context("cannot load the license rules")?;
    let rules = Arc::new(rules);
    let endpoint = super::audit::hub_endpoint(args.endpoint.as_deref());
    let resolved = token::resolve(args.token.as_deref())?;
    super::keep_secret(&token::Token::redactor(resolved.token.as_ref()));
    if let Some(w) = &resolved.warning {
        say(&format!("isopen: warning: {w}"));
    }
    let mut cfg = ClientConfig::new(&endpoint, resolved.token);
    cfg.timeout = Duration::from_secs(args.timeout);
    cfg.retry_budget = RETRY_BUDGET;
    cfg.max_requests = 1;
    super::audit::backoff_from_env(&mut cfg);
    let client = HubClient::new(cfg)?;
    let checkpoint = open(&args)?;
    let started = std::time::Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (checkpoint, interrupted) = match &args.from {
        Some(dump) => (from_dump(&args, &out, dump, &rules, checkpoint)?, false),
        None => runtime.block_on(crawl(&args, &out, &client, &endpoint, &rules, checkpoint))?,
    };
    let listed = started.elapsed();
    let listing_peak = peak_mib();
    let joined = std::time::Instant::now();
    let summary = finish(&out, &checkpoint)?;
    let timings = serde_json::json!({
        "listing_s": listed.as_secs_f64(),
        "join_s": joined.elapsed().as_secs_f64(),
        "listing_peak_mib": listing_peak,
        "peak_mib": peak_mib(),
    });
    print(&summary, &checkpoint, args.format, &timings);
    Ok(if interrupted {
        EXIT_INTERRUPTED
    } else if checkpoint.stopped.is_some() {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}

/// The census's checkpoint: a new one in an empty folder, the folder's with --resume.
fn open(args: &CensusArgs) -> Result<Checkpoint> {
    let Some(dir) = &args.out else {
        bail!("isopen census needs --out DIR");
    };
    let path = dir.join("checkpoint.json");
    // A dump's census is keyed by the file it reads, a crawl's by its first page.
    let query = match &args.from {
        Some(f) => format!(
            "dump:{}?limit={}",
            std::fs::canonicalize(f)
                .with_context(|| format!("cannot read the dump {}", f.display()))?
                .display(),
            args.page_size
        ),
        None => first_query(
            args.page_size as usize,
            &args.filter,
            args.author.as_deref(),
            args.search.as_deref(),
        ),
    };
    for sub in ["models", "reports"] {
        std::fs::create_dir_all(dir.join(sub))
            .with_context(|| format!("cannot create {}", dir.join(sub).display()))?;
    }
    if !path.exists() {
        if args.resume {
            bail!(
                "{}: no census to resume (no checkpoint.json)",
                dir.display()
            );
        }
        return Ok(Checkpoint::new(query));
    }
    if !args.resume {
        bail!(
            "{} already holds a census: --resume continues it, or choose another folder",
            dir.display()
        );
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut ck: Checkpoint = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a census checkpoint", path.display()))?;
    if ck.query != query {
        bail!(
            "{}: the census was started with other filters or page size ({}); resume it with the same ones",
            dir.display(),
            ck.query
        );
    }
    ck.stopped = None;
    Ok(ck)
}

/// The path and query of a `Link` target on the census's own hub; anything else is refused
/// (a listing never sends the census to another host).
fn same_hub(url: &str, endpoint: &str) -> Result<String, String> {
    let origin = endpoint.trim_end_matches('/');
    match url.strip_prefix(origin) {
        Some(rest) if rest.starts_with("/api/models?") => Ok(rest.to_string()),
        Some(rest) if rest.starts_with('/') => Err(format!(
            "the hub's next-page link leaves the model listing ({rest}); stopped"
        )),
        _ => Err(format!(
            "the hub's next-page link points to another host ({url}); stopped"
        )),
    }
}

async fn fetch(client: HubClient, path: String) -> Result<FileBody, SourceError> {
    client.get_page(&path, MAX_PAGE_BYTES).await
}

/// Lists page after page until the listing ends, `--max-models` is reached, an error stops
/// it, or Ctrl-C; the checkpoint after each part says where.
async fn crawl(
    args: &CensusArgs,
    out: &Path,
    client: &HubClient,
    endpoint: &str,
    rules: &Arc<RuleSet>,
    mut ck: Checkpoint,
) -> Result<(Checkpoint, bool)> {
    if ck.complete {
        return Ok((ck, false));
    }
    let Some(first) = ck.next.clone() else {
        ck.stopped = Some("the listing stopped without a next page to resume from".into());
        return Ok((ck, false));
    };
    let started = ck.models;
    let mut seen: HashSet<String> = HashSet::from([first.clone()]);
    // The first model of every page of this run (a few thousand ids for the whole Hub).
    let mut firsts: HashSet<String> = HashSet::new();
    let mut pending = tokio::spawn(fetch(client.clone(), first));
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    loop {
        let fetched = tokio::select! {
            r = &mut pending => r.unwrap_or_else(|e| Err(SourceError::Internal(e.to_string()))),
            _ = &mut interrupt => return Ok((ck, true)),
        };
        ck.calls += 1;
        let body = match fetched {
            Ok(b) => b,
            Err(e) => {
                ck.stopped = Some(format!("listing page {}: {e}", ck.pages + 1));
                save(out, &ck)?;
                return Ok((ck, false));
            }
        };
        let page = match parse_page(&body.bytes) {
            Ok(p) => p,
            Err(e) => {
                ck.stopped = Some(format!("listing page {}: {e}", ck.pages + 1));
                save(out, &ck)?;
                return Ok((ck, false));
            }
        };
        // A cursor is opaque, so a listing that comes round again under a new cursor shows
        // in its models: a page that starts where an earlier page started is a loop.
        if let Some(first) = page.models.first()
            && !firsts.insert(first.info.id.clone())
        {
            ck.stopped = Some(format!(
                "the hub's listing came back to a page it had sent ({} first): the listing loops; stopped after {} models",
                first.info.id, ck.models
            ));
            save(out, &ck)?;
            return Ok((ck, false));
        }
        // The next page is known from the headers: ask for it while this one is judged.
        let next = match body.paging.link.as_deref().and_then(next_link) {
            None => None,
            Some(url) => match same_hub(&url, endpoint) {
                Ok(path) if !seen.insert(path.clone()) => {
                    ck.stopped = Some(format!(
                        "the hub's listing sent a cursor it had sent before ({path}): the listing loops; stopped after {} models",
                        ck.models
                    ));
                    None
                }
                Ok(path) => Some(path),
                Err(e) => {
                    ck.stopped = Some(e);
                    None
                }
            },
        };
        let wait = quota(
            body.paging.ratelimit.as_deref(),
            body.paging.ratelimit_policy.as_deref(),
        )
        .filter(|q| q.remaining <= args.reserve)
        .map(|q| Duration::from_secs(q.reset_secs));
        let more = next.is_some()
            && ck.stopped.is_none()
            && args
                .max_models
                .is_none_or(|m| ck.models + page.models.len() as u64 - started < m);
        if let (Some(path), true) = (&next, more) {
            if let Some(w) = wait {
                say(&format!(
                    "isopen: census: the rate-limit window has {} calls or fewer left; waiting {} s for it to reset",
                    args.reserve,
                    w.as_secs()
                ));
            }
            let (client, path) = (client.clone(), path.clone());
            pending = tokio::spawn(async move {
                if let Some(w) = wait {
                    tokio::time::sleep(w).await;
                }
                fetch(client, path).await
            });
        }
        let n = page.models.len() as u64;
        let skipped = page.skipped as u64;
        let (dir, part) = (out.to_path_buf(), ck.parts);
        let rules = rules.clone();
        tokio::task::spawn_blocking(move || write_part(&dir, part, &page, &rules))
            .await
            .context("judging a page failed")??;
        ck.add_part(n, skipped);
        ck.next = next.clone();
        ck.complete = next.is_none() && ck.stopped.is_none();
        save(out, &ck)?;
        if ck.pages.is_multiple_of(20) {
            say(&format!(
                "isopen: census: {} models, {} pages",
                ck.models, ck.pages
            ));
        }
        if !more {
            return Ok((ck, false));
        }
    }
}

/// The census of a dump: its rows in pages of `--page-size`, judged and written as a crawl's
/// are; a resumed one skips the rows its parts already hold.
fn from_dump(
    args: &CensusArgs,
    out: &Path,
    dump: &Path,
    rules: &RuleSet,
    mut ck: Checkpoint,
) -> Result<Checkpoint> {
    if ck.complete {
        return Ok(ck);
    }
    let started = ck.models;
    let mut rows = Dump::open(dump, ck.models + ck.skipped, args.page_size as usize)?;
    while let Some(page) = rows.next_page() {
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                ck.stopped = Some(e.to_string());
                save(out, &ck)?;
                return Ok(ck);
            }
        };
        write_part(out, ck.parts, &page, rules)?;
        ck.add_part(page.models.len() as u64, page.skipped as u64);
        save(out, &ck)?;
        if args.max_models.is_some_and(|m| ck.models - started >= m) {
            return Ok(ck);
        }
    }
    ck.next = None;
    ck.complete = true;
    save(out, &ck)?;
    Ok(ck)
}

fn save(dir: &Path, ck: &Checkpoint) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(ck)?;
    table::write_atomic(&dir.join("checkpoint.json"), &bytes)?;
    Ok(())
}

/// Judges a page's models (on every core) and writes them as part `n`.
fn write_part(dir: &Path, n: u32, page: &Page, rules: &RuleSet) -> Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = page.models.len().div_ceil(threads).max(1);
    let judged: Vec<(String, Row)> = std::thread::scope(|s| {
        let handles: Vec<_> = page
            .models
            .chunks(chunk)
            .map(|models| {
                s.spawn(move || {
                    models
                        .iter()
                        .map(|m| {
                            let (report, row) = judge(m, rules);
                            (serde_json::to_string(&report).unwrap_or_default(), row)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let (models_path, reports_path) = table::part_paths(dir, n);
    let mut reports = String::new();
    for (json, _) in &judged {
        reports.push_str(json);
        reports.push('\n');
    }
    table::write_gz_atomic(&reports_path, reports.as_bytes())?;
    let rows: Vec<Row> = judged.into_iter().map(|(_, r)| r).collect();
    let mut out = ParquetOut::create(&models_path, table::models_schema())?;
    out.write(&table::models_batch(&rows))?;
    out.finish()?;
    Ok(())
}

/// Reads every part back, joins the lineage into `lineage.parquet`, and counts.
fn finish(dir: &Path, ck: &Checkpoint) -> Result<Summary> {
    let mut graph = GraphBuilder::default();
    let mut summary = Summary {
        complete: ck.complete,
        calls: ck.calls,
        ..Summary::default()
    };
    for n in 0..ck.parts {
        let (path, _) = table::part_paths(dir, n);
        let mut part = Vec::new();
        table::read_part(&path, &mut part)?;
        for (node, license, declared) in part {
            summary.add_model(node.verdict, &license, declared.as_deref());
            graph.add(node);
        }
    }
    let graph = graph.build();
    let mut out = ParquetOut::create(&dir.join("lineage.parquet"), table::lineage_schema())?;
    // Written as they are walked: the rows are never all in memory.
    let mut rows = graph.rows().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(8192).collect();
        for r in &chunk {
            summary.add_lineage(r);
        }
        out.write(&table::lineage_batch(&chunk))?;
    }
    out.finish()?;
    Ok(summary)
}

/// The process's peak resident memory so far in MiB (Linux's `VmHWM`), for the benchmark.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// The summary on standard output; `timings` (seconds listing and judging, then reading the
/// parts back, joining and writing the lineage) in the JSON only.
fn print(summary: &Summary, ck: &Checkpoint, format: CensusFormat, timings: &serde_json::Value) {
    if let Some(why) = &ck.stopped {
        say(&format!(
            "isopen: census stopped: {why}; --resume continues it"
        ));
    } else if !ck.complete {
        say("isopen: census: stopped before the end of the listing; --resume continues it");
    }
    match format {
        CensusFormat::Json => {
            let value = serde_json::json!({
                "summary": summary,
                "checkpoint": ck,
                "timings": timings,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
        CensusFormat::Table => print!("{}", summary.render(ck)),
    }
}

#[cfg(test)]
mod tests {
    use super::same_hub;

    #[test]
    fn a_next_link_stays_on_the_hub_and_in_the_listing() {
        let hub = "https://huggingface.co";
        assert_eq!(
            same_hub("https://huggingface.co/api/models?cursor=x", hub).as_deref(),
            Ok("/api/models?cursor=x")
        );
        assert!(same_hub("https://evil.example/api/models?cursor=x", hub).is_err());
        assert!(same_hub("https://huggingface.co.evil.example/api/models?x", hub).is_err());
        assert!(same_hub("https://huggingface.co/api/whoami-v2?x", hub).is_err());
    }
}
