//! `isopen audit MODEL...`: audit every model (several at once, reported in input order),
//! print the report, and turn errors and `--fail-on` into the exit code.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};

use super::args::{AuditArgs, CommonArgs, FailOn, Format};
use super::run;
use super::{EXIT_ERROR, EXIT_GATE, EXIT_INTERRUPTED, EXIT_OK};
use isopen::audit::Auditor;
use isopen::batch::Job;
use isopen::hub::cache::Cache;
use isopen::hub::{ClientConfig, modelscope, ollama, token};
use isopen::policy::{Action, Policy};
use isopen::redact::Redactor;
use isopen::report::{self, Report, Severity, Status, View, gate, sanitize};
use isopen::rules::RuleSet;

pub fn run(args: AuditArgs) -> Result<u8> {
    let (auditor, policy, redactor) = build_auditor(&args.common)?;
    let jobs: Vec<Job> = args.models.iter().map(|m| Job::named(m)).collect();
    let outcome = run::run(
        &auditor,
        &jobs,
        Vec::new(),
        usize::from(args.common.jobs),
        None,
        run::gate(policy.as_ref(), &redactor),
    )?;
    if outcome.cancelled {
        super::say("isopen: interrupted");
        return Ok(EXIT_INTERRUPTED);
    }
    let report = Report::new(outcome.reports.into_iter().flatten().collect());
    conclude(&report, &args.common, false, &redactor)
}

/// Prints a report of many audits (`many`: a batch's matrix) in the chosen format, explains a
/// failed gate, and says the exit code.
pub fn conclude(
    report: &Report,
    common: &CommonArgs,
    many: bool,
    redactor: &Redactor,
) -> Result<u8> {
    print_report(report, common.format, many, common.fail_on, redactor)?;
    explain(report, common.fail_on);
    Ok(exit_code(report, common.fail_on))
}

/// The auditor, the policy (when `--policy` names one), and what to redact from everything
/// printed or written (the token in effect) for an auditing command.
pub fn build_auditor(common: &CommonArgs) -> Result<(Auditor, Option<Policy>, Redactor)> {
    let rules = match &common.rules {
        Some(dir) => RuleSet::builtin_with_dir(dir),
        None => RuleSet::builtin(),
    }
    .context("cannot load the license rules")?;
    let _ = KNOWLEDGE.set(format!(
        "{}{}, {}",
        isopen::rules::builtin_version(),
        common
            .rules
            .as_ref()
            .map_or(String::new(), |d| format!(" + {}", d.display())),
        isopen::catalog::builtin_version()
    ));
    let policy = match &common.policy {
        Some(path) => Some(super::policy::load(path, &rules)?),
        None => None,
    };
    let endpoint = hub_endpoint(common.endpoint.as_deref());
    // A token that cannot be a Hub token fails here, before any request: sent, it would only
    // come back as a network error after every retry.
    let resolved = token::resolve(common.token.as_deref())?;
    let redactor = token::Token::redactor(resolved.token.as_ref());
    super::keep_secret(&redactor);
    if let Some(w) = &resolved.warning {
        super::say(&format!("isopen: warning: {w}"));
    }
    let mut cfg = ClientConfig::new(&endpoint, resolved.token);
    cfg.timeout = Duration::from_secs(common.timeout);
    cfg.max_requests = usize::from(common.requests);
    backoff_from_env(&mut cfg);
    let offline = common.offline || env_flag("HF_HUB_OFFLINE");
    if offline && common.lookups {
        eprintln!("isopen: warning: --lookups is ignored: HF_HUB_OFFLINE says no network");
    }
    cfg.offline = offline;
    cfg.cache = common
        .cache_dir
        .clone()
        .or_else(Cache::default_dir)
        .map(|d| Cache::new(&d, &endpoint));
    let hf_cache = std::env::var_os("HF_HUB_CACHE")
        .filter(|v| !v.is_empty())
        .map(Into::into)
        .or_else(|| token::hf_home().map(|h| h.join("hub")));
    // The other sources: each its own endpoint, token and cache folder.
    let ollama_endpoint = endpoint_from(
        common.ollama_endpoint.as_deref(),
        &["OLLAMA_REGISTRY"],
        ollama::DEFAULT_REGISTRY,
    );
    let modelscope_endpoint = endpoint_from(
        common.modelscope_endpoint.as_deref(),
        &["MODELSCOPE_DOMAIN", "MODELSCOPE_ENDPOINT"],
        modelscope::DEFAULT_ENDPOINT,
    );
    let modelscope_token = token::resolve_modelscope(common.modelscope_token.as_deref())?;
    let auditor = Auditor::new(cfg, Arc::new(rules), offline, hf_cache)
        .context("cannot set up the hub client")?
        .with_ollama(&ollama_endpoint, ollama::default_store_root())
        .context("cannot set up the Ollama client")?
        .with_modelscope(
            &modelscope_endpoint,
            modelscope_token,
            modelscope::default_cache_root(),
        )
        .context("cannot set up the ModelScope client")?
        .with_lookups(common.lookups)
        .with_today(super::policy::today())
        .with_clarifications(
            policy
                .as_ref()
                .map(|p| p.clarifications.clone())
                .unwrap_or_default(),
        );
    let auditor = if common.links {
        let defaults = isopen::audit_links::LinkConfig::default();
        let github_token = common
            .github_token
            .clone()
            .or_else(|| std::env::var("GITHUB_TOKEN").ok())
            .as_deref()
            .and_then(token::Token::new);
        auditor
            .with_links(isopen::audit_links::LinkConfig {
                github_endpoint: common
                    .github_endpoint
                    .clone()
                    .unwrap_or(defaults.github_endpoint),
                github_token,
                gitlab_endpoint: common
                    .gitlab_endpoint
                    .clone()
                    .unwrap_or(defaults.gitlab_endpoint),
                arxiv_endpoint: common
                    .arxiv_endpoint
                    .clone()
                    .unwrap_or(defaults.arxiv_endpoint),
                crossref_endpoint: common
                    .crossref_endpoint
                    .clone()
                    .unwrap_or(defaults.crossref_endpoint),
                mot_url: common.mot_url.clone().or(defaults.mot_url),
                osai_url: common.osai_index_url.clone().or(defaults.osai_url),
            })
            .context("cannot set up the clients for --links")?
    } else {
        auditor
    };
    Ok((auditor, policy, redactor))
}

/// A source's base URL: the flag, else the first environment variable set, else the
/// default. A bare host name (`MODELSCOPE_DOMAIN=www.modelscope.ai`, as the ModelScope SDK
/// takes it) gets `https://`.
/// The Hub's base URL: `--endpoint`, else `HF_ENDPOINT`, else huggingface.co.
pub(super) fn hub_endpoint(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| {
            std::env::var("HF_ENDPOINT")
                .ok()
                .filter(|s| !s.trim().is_empty())
        })
        .unwrap_or_else(|| "https://huggingface.co".to_string())
}

/// For tests and impatient users: `ISOPEN_BACKOFF_MS`, the first retry's wait, doubled per
/// attempt.
pub(super) fn backoff_from_env(cfg: &mut ClientConfig) {
    if let Some(ms) = std::env::var("ISOPEN_BACKOFF_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        cfg.backoff = Duration::from_millis(ms);
    }
}

fn endpoint_from(flag: Option<&str>, vars: &[&str], default: &str) -> String {
    let value = flag
        .map(str::to_string)
        .or_else(|| {
            vars.iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        })
        .unwrap_or_else(|| default.to_string());
    let value = value.trim();
    if value.contains("://") {
        value.to_string()
    } else {
        format!("https://{value}")
    }
}

/// `1`, `ON`, `YES`, `TRUE` (any case), as huggingface_hub reads its boolean variables.
fn env_flag(name: &str) -> bool {
    std::env::var(name)
        .map(|v| {
            matches!(
                v.trim().to_ascii_uppercase().as_str(),
                "1" | "ON" | "YES" | "TRUE"
            )
        })
        .unwrap_or(false)
}

/// Which knowledge judged this run (the rules, a `--rules` folder, the API catalog), for the
/// outputs that say so; set once by `build_auditor`.
static KNOWLEDGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// What the decision page says besides the report.
fn html_meta(fail_on: Option<Severity>) -> report::html::HtmlMeta {
    report::html::HtmlMeta {
        version: env!("CARGO_PKG_VERSION").to_string(),
        rules_version: KNOWLEDGE.get().cloned().unwrap_or_else(|| {
            format!(
                "{}, {}",
                isopen::rules::builtin_version(),
                isopen::catalog::builtin_version()
            )
        }),
        date: super::policy::today().to_string(),
        title: None,
        fail_on,
    }
}

/// Prints the report; `summary_only` tables show the matrix, not every model's details.
pub fn print_report(
    report: &Report,
    format: Option<Format>,
    summary_only: bool,
    fail_on: Option<FailOn>,
    redactor: &Redactor,
) -> Result<()> {
    let format = format.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let view = View {
        width: terminal_width(),
        fail_on: fail_on.map(severity),
    };
    let text = match format {
        Format::Table if summary_only => report::summary::render(report, &view),
        Format::Table => report::table::render(report, &view),
        Format::Json => report::json::render(report),
        Format::Markdown => report::markdown::render(report, &view),
        Format::Sarif => report::sarif::render(report),
        Format::Cyclonedx => report::cyclonedx::render(report),
        Format::Html => report::html::render(report, &html_meta(view.fail_on)),
    };
    // A last pass over the whole text, whatever a renderer missed: no secret, and nothing a
    // card or a server wrote reaches the terminal as a control sequence.
    let text = redactor.text(&text);
    let text = match format {
        Format::Table | Format::Markdown => sanitize::block(&text),
        Format::Json | Format::Sarif | Format::Cyclonedx => sanitize::json(&text),
        // Every value was escaped for HTML, invisible characters included.
        Format::Html => std::borrow::Cow::Borrowed(&*text),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .context("cannot write the report")?;
    out.flush().context("cannot write the report")?;
    Ok(())
}

/// The width tables are fitted to: `COLUMNS` when set, else the terminal's when standard
/// output is one, else 100.
fn terminal_width() -> usize {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return c;
    }
    // comfy-table asks the terminal only when standard output is one.
    comfy_table::Table::new()
        .width()
        .map_or(View::default().width, usize::from)
}

/// When the gate fails, one line per failing model on standard error saying why, so a CI log
/// shows what failed (which rule denied, which risk is at or above `--fail-on`) without the
/// report. Nothing when no gate was asked for, or when it passed.
pub fn explain(report: &Report, fail_on: Option<FailOn>) {
    for m in &report.models {
        if let Some(g) = gate::judge(m, fail_on.map(severity)).filter(|g| g.fails()) {
            super::say(&format!(
                "isopen: failing: {}: {}",
                sanitize::line(&m.model),
                sanitize::line(&g.why())
            ));
        }
    }
}

fn severity(f: FailOn) -> Severity {
    match f {
        FailOn::High => Severity::High,
        FailOn::Medium => Severity::Medium,
        FailOn::Low => Severity::Low,
    }
}

/// 2 when any model could not be audited (its policy outcome is `error`: a gate never passes a
/// model nobody could assess, whatever the policy or `--fail-on` say), else 1 when the gate
/// fails (a policy denial, or a risk at or above `--fail-on`), else 0.
pub fn exit_code(report: &Report, fail_on: Option<FailOn>) -> u8 {
    if report.models.iter().any(|m| {
        m.status == Status::Error
            || m.policy
                .as_ref()
                .is_some_and(|p| p.outcome == Action::Error)
    }) {
        return EXIT_ERROR;
    }
    if report
        .models
        .iter()
        .any(|m| m.policy.as_ref().is_some_and(|p| p.outcome == Action::Deny))
    {
        return EXIT_GATE;
    }
    let failed = fail_on.map(severity).is_some_and(|t| {
        report
            .models
            .iter()
            .flat_map(|m| &m.risks)
            .any(|r| r.severity >= t)
    });
    if failed { EXIT_GATE } else { EXIT_OK }
}
