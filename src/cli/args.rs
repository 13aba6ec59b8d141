//! Command-line arguments (clap derive): the subcommands and the options they share.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "isopen",
    version,
    about = "Audit an AI model's license, commercial terms, weights and openness before you adopt it",
    after_help = "Exit codes: 0 audited and the gate passed; 1 the gate failed (--policy, \
                  --fail-on); 2 a usage or configuration error, or some model could not be \
                  audited (it never passes the gate); 130 interrupted."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// More diagnostics on standard error (-v info, -vv debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit one or more models: org/name, org/name@revision, hf:org/name, ollama:NAME[:TAG],
    /// modelscope:OWNER/NAME[@REVISION], api:PROVIDER/MODEL, a local folder or a .gguf file.
    Audit(AuditArgs),
    /// Audit a shortlist: .txt (one ref a line, # comments), .yaml, or .csv (a `model` column).
    Batch(BatchArgs),
    /// Find the models a codebase uses (code, configuration, commands, model files), audit
    /// each, and say where each is referenced.
    Scan(ScanArgs),
    /// The whole Hub (or a filtered part of it) from the list API: a metadata verdict for
    /// every model, lineage joined inside the listing, Parquet parts in --out DIR, resumable.
    Census(Box<CensusCommand>),
    /// Policy files: write a starter policy, or validate one.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// The license knowledge: identify license texts, list and show known licenses.
    #[command(subcommand)]
    License(LicenseCommand),
}

#[derive(Debug, Subcommand)]
pub enum LicenseCommand {
    /// Name the license of each text file, with confidence and evidence.
    Identify {
        /// License texts (LICENSE files, policies, cards).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        opts: KnowledgeArgs,
    },
    /// Every known license and policy with its commercial verdict.
    List {
        #[command(flatten)]
        opts: KnowledgeArgs,
    },
    /// The facts of one license: conditions, obligations, restrictions, sources.
    Show {
        /// A license id, Hub id or alias (e.g. llama3.1, "Llama 3.1 Community License").
        #[arg(value_name = "ID")]
        id: String,
        #[command(flatten)]
        opts: KnowledgeArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Write a commented starter policy (never overwrites a file).
    Init {
        /// Where to write it.
        #[arg(value_name = "FILE", default_value = "isopen.yaml")]
        file: PathBuf,
    },
    /// Validate a policy file; errors name the file, line and key.
    Check {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Extra license rules the policy's license ids may name.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
}

/// Options of the `license` commands.
#[derive(Debug, Args)]
pub struct KnowledgeArgs {
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Extra license rules: every *.yaml file in DIR (same format as license-rules/).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Sarif,
    Cyclonedx,
    /// The decision page: one self-contained HTML file (`audit` and `batch`).
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    High,
    Medium,
    Low,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Models to audit, reported in this order.
    #[arg(required = true, value_name = "MODEL")]
    pub models: Vec<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// The shortlist file.
    #[arg(value_name = "SHORTLIST")]
    pub shortlist: PathBuf,
    /// Append each audit to this JSON Lines file the moment it completes. The file is locked
    /// for the run; one that already holds results needs --resume to continue it.
    #[arg(long, value_name = "FILE.jsonl")]
    pub out: Option<PathBuf>,
    /// Continue the run in the --out file: skip the models done there (judged again by the
    /// current policy) and audit again those that failed.
    #[arg(long, requires = "out")]
    pub resume: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The folder to scan; SARIF and `found_at` paths are relative to it.
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,
    /// Append each audit to this JSON Lines file the moment it completes (as `batch` does).
    #[arg(long, value_name = "FILE.jsonl")]
    pub out: Option<PathBuf>,
    /// Continue the run in the --out file: skip the models done there and audit again those
    /// that failed.
    #[arg(long, requires = "out")]
    pub resume: bool,
    /// Files larger than this many bytes are not read (listed as unread).
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_file_size: u64,
    /// Files read at most; the rest are listed as unread.
    #[arg(long, value_name = "N", default_value_t = 50_000)]
    pub max_files: usize,
    /// Folders deeper than this below PATH are not entered (listed as unread).
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub max_depth: usize,
    /// Only list the references found (no audit, no network): `found_at` per model.
    #[arg(long)]
    pub list: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Options every auditing command shares.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Output format [default: table on a terminal, json otherwise]; html is the decision page.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// A policy file: which verdicts, licenses and risks pass the gate (see `isopen policy init`).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Fail the gate (exit 1) on any risk of this severity or above.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// Hub base URL [env: HF_ENDPOINT] [default: https://huggingface.co].
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Hub token [default: HF_TOKEN, then $HF_HOME/token]. Never printed or logged.
    #[arg(long, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Ollama registry base URL for `ollama:` refs [env: OLLAMA_REGISTRY] [default:
    /// https://registry.ollama.ai]. The local store is $OLLAMA_MODELS, else ~/.ollama/models.
    #[arg(long, value_name = "URL")]
    pub ollama_endpoint: Option<String>,
    /// ModelScope base URL for `modelscope:` refs [env: MODELSCOPE_DOMAIN] [default:
    /// https://www.modelscope.cn]. The local cache is $MODELSCOPE_CACHE, else ~/.cache/modelscope.
    #[arg(long, value_name = "URL")]
    pub modelscope_endpoint: Option<String>,
    /// ModelScope token [default: MODELSCOPE_API_TOKEN]; sent only to ModelScope. Never
    /// printed or logged.
    #[arg(long, value_name = "TOKEN", hide_env_values = true)]
    pub modelscope_token: Option<String>,
    /// No network: answer from isopen's cache, then the Hugging Face cache [env: HF_HUB_OFFLINE].
    #[arg(long)]
    pub offline: bool,
    /// Look a local folder's base models and datasets up on the hub; without it a local audit
    /// sends no request and reads them from the caches only.
    #[arg(long, conflicts_with = "offline")]
    pub lookups: bool,
    /// Openness evidence behind the card: follow its code-repository links (license, training
    /// code in the file tree) and arXiv papers, and match the public indexes' records (Model
    /// Openness Tool, European Open Source AI Index; cached a week, read from the cache when
    /// offline). At most 4 repositories and 4 papers a model.
    #[arg(long)]
    pub links: bool,
    /// GitHub API base URL for --links [default: https://api.github.com].
    #[arg(long, value_name = "URL")]
    pub github_endpoint: Option<String>,
    /// GitHub token for --links [default: GITHUB_TOKEN]; sent only to the GitHub API. Never
    /// printed or logged.
    #[arg(long, value_name = "TOKEN", hide_env_values = true)]
    pub github_token: Option<String>,
    /// GitLab base URL for --links [default: https://gitlab.com].
    #[arg(long, value_name = "URL")]
    pub gitlab_endpoint: Option<String>,
    /// arXiv API base URL for --links [default: https://export.arxiv.org].
    #[arg(long, value_name = "URL")]
    pub arxiv_endpoint: Option<String>,
    /// Crossref API base URL for --links, for papers cited by DOI [default:
    /// https://api.crossref.org].
    #[arg(long, value_name = "URL")]
    pub crossref_endpoint: Option<String>,
    /// The Model Openness Tool's records for --links: a GitHub archive of its repository
    /// (`/repos/O/R/tarball`, codeload or any .tar.gz URL; one request) or a GitHub contents
    /// listing (a request per record).
    #[arg(long, value_name = "URL")]
    pub mot_url: Option<String>,
    /// The European Open Source AI Index's records for --links: a GitHub archive of its
    /// repository (one request) or a GitHub contents listing (a request per record).
    #[arg(long, value_name = "URL")]
    pub osai_index_url: Option<String>,
    /// isopen's cache of Hub answers [default: the platform's cache folder, e.g. ~/.cache/isopen].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Models audited at once.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Requests in flight to one host at the start: the limiter adapts between 1 and twice
    /// this, halving when the host answers 429 or 503. Shared by every model of the run.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=128))]
    pub requests: u16,
    /// Extra license rules: every *.yaml file in DIR (same format as license-rules/).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Seconds one HTTP request may take.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
}

/// `isopen census --out DIR` lists and judges; its subcommands work on a census folder.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct CensusCommand {
    #[command(subcommand)]
    pub action: Option<CensusAction>,
    #[command(flatten)]
    pub crawl: CensusArgs,
}

#[derive(Debug, Subcommand)]
pub enum CensusAction {
    /// Audit in full the census models whose verdict needs their files: unknown or
    /// disagreeing terms above a number of downloads, or named in a list; within a budget of
    /// Hub API calls, on one shard of the census.
    Escalate(Box<CensusEscalateArgs>),
    /// Summarise a census folder with an embedded query engine: license mix, models without
    /// a license, relabelled fine-tunes by base, restrictive bases by permissive descendants.
    Report(CensusReportArgs),
}

#[derive(Debug, Args)]
pub struct CensusEscalateArgs {
    /// The census folder (what `isopen census --out DIR` wrote).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Escalate models with at least this many downloads whose verdict needs their files.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub min_downloads: u64,
    /// Models to escalate whatever their verdict or downloads: a shortlist (.txt, .yaml, .csv).
    #[arg(long, value_name = "FILE")]
    pub escalate_list: Option<PathBuf>,
    /// Hub API calls the pass may make, each model counted at its most (its info, each base,
    /// each dataset); file downloads are counted apart.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub budget: u64,
    /// This machine's part of the pass: K/N keeps the models whose id hashes to shard K.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Continue this shard's pass (its results file in DIR/escalated/).
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CensusReportArgs {
    /// The census folder (what `isopen census --out DIR` wrote).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The summary's format.
    #[arg(long, value_enum, default_value_t = CensusReportFormat::Table)]
    pub format: CensusReportFormat,
    /// Rows in each ranking.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CensusReportFormat {
    Table,
    Json,
    Html,
}

#[derive(Debug, Args)]
pub struct CensusArgs {
    /// The census folder: models/part-*.parquet, reports/part-*.jsonl.gz, lineage.parquet,
    /// checkpoint.json. A folder that holds a census needs --resume to continue it.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: Option<PathBuf>,
    /// Continue the census in --out from its checkpoint (same filters).
    #[arg(long)]
    pub resume: bool,
    /// Read a published Hub metadata dump (Parquet, the list API's columns) instead of
    /// crawling: no request is made.
    #[arg(long, value_name = "FILE.parquet", conflicts_with_all = ["filter", "author", "search"])]
    pub from: Option<PathBuf>,
    /// Only models with this tag (`license:mit`, `gguf`, `base_model:finetune:org/x`); repeat
    /// for several (all must match, as the Hub's `filter` does).
    #[arg(long, value_name = "TAG")]
    pub filter: Vec<String>,
    /// Only models of this user or organisation.
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// Only models whose id contains this text.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Models a listing call asks for.
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub page_size: u64,
    /// Stop after about this many models (whole pages); --resume continues from there.
    #[arg(long, value_name = "N")]
    pub max_models: Option<u64>,
    /// Calls of the rate-limit window to leave unused: when the Hub's `RateLimit` header
    /// says no more than this many are left, the census waits for the window to reset.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub reserve: u64,
    /// The summary's format.
    #[arg(long, value_enum, default_value_t = CensusFormat::Table)]
    pub format: CensusFormat,
    /// Hub base URL [env: HF_ENDPOINT] [default: https://huggingface.co].
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Hub token [default: HF_TOKEN, then $HF_HOME/token]. Never printed or logged.
    #[arg(long, value_name = "TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Extra license rules: every *.yaml file in DIR (same format as license-rules/).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Seconds one HTTP request may take.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CensusFormat {
    Table,
    Json,
}
