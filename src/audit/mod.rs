//! The library's entry point: audit one ref end to end — parse, fetch (Hub, HF cache, local
//! folder, `.gguf` file, Ollama registry or store, ModelScope or its cache), follow the lineage
//! and the datasets the card names, assess. Each source has its own client (its own endpoint,
//! token and cache folder), so a token is only ever sent to its own host. Ancestors and datasets
//! are looked up once per auditor, however many models share them, and at most
//! `MAX_ANCESTORS` and `MAX_DATASETS` a model (a card can name thousands; the rest are not
//! looked up, and an ancestor not looked up is a gap that keeps the verdict from `allowed`).
//! A local folder's look-ups send no request unless the auditor was built `with_lookups` (the
//! user's `--lookups`): they are answered from the caches alone, as offline. A model that
//! cannot be audited becomes an error report; nothing here panics or stops a batch.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use futures_util::future::join_all;
use tokio::sync::OnceCell;

use crate::assess::datasets::{DatasetLookup, NOT_LOOKED_UP};
use crate::assess::lineage::{Ancestor, Outcome};
use crate::assess::{self, Context};
use crate::audit_links::source_config;
use crate::catalog::{Catalog, CatalogError};
use crate::hub::local::{
    cache_snapshot, snapshot_from_cache_folder, snapshot_from_dir, snapshot_from_gguf,
};
use crate::hub::ollama::{self, LocalStore};
use crate::hub::token::Token;
use crate::hub::{ClientConfig, HubClient, SourceError, fetch, modelscope};
use crate::license::Clarification;
use crate::model_ref::{ModelRef, OllamaName};
use crate::report::{ErrorKind, LineageEntry, ModelReport};
use crate::rules::RuleSet;
use crate::snapshot::{DatasetInfo, Snapshot, Source};
use crate::vocab::Date;

mod walk;

type Shared<T> = Arc<OnceCell<Arc<T>>>;

/// The most ancestors looked up for one model.
pub const MAX_ANCESTORS: usize = 32;
/// The most datasets looked up for one model.
pub const MAX_DATASETS: usize = 64;

/// Why a local folder's look-ups were not made.
const LOCAL_NO_REQUEST: &str = "not looked up: a local audit sends no request without --lookups";

/// The key of a shared look-up: one made from the caches alone is kept apart from one that
/// could ask the hub, so neither answers for the other.
fn lookup_key(id: &str, net: bool) -> String {
    if net {
        id.to_string()
    } else {
        format!("cache-only:{id}")
    }
}

/// Look-ups shared by every model an auditor audits.
#[derive(Debug, Default)]
struct Lookups {
    /// Ancestors assessed on their own terms, by Hub id.
    models: Mutex<HashMap<String, Shared<ModelReport>>>,
    datasets: Mutex<HashMap<String, Shared<Result<DatasetInfo, String>>>>,
}

fn cell<T>(map: &Mutex<HashMap<String, Shared<T>>>, key: &str) -> Shared<T> {
    let mut m = map.lock().unwrap_or_else(|p| p.into_inner());
    m.entry(key.to_string()).or_default().clone()
}

/// Audits refs with one HTTP client, one rule set and shared look-ups.
#[derive(Debug, Clone)]
pub struct Auditor {
    client: HubClient,
    /// The same client answering from the cache only: look-ups that may send no request.
    cache_client: HubClient,
    /// A local folder's base models and datasets may be looked up on the hub (`--lookups`).
    hub_lookups: bool,
    rules: Arc<RuleSet>,
    /// No network: Hub ids are read from the Hugging Face cache.
    offline: bool,
    /// `HF_HUB_CACHE`, for offline look-ups.
    hf_cache: Option<PathBuf>,
    lookups: Arc<Lookups>,
    /// License texts pinned by the user's policy.
    clarifications: Arc<Vec<Clarification>>,
    /// An Ollama registry (no token: Ollama's registry signs requests with a key isopen does
    /// not hold, and public models need none).
    ollama: HubClient,
    /// The local Ollama store, read first when it holds the model.
    ollama_store: Option<LocalStore>,
    /// ModelScope, with its own token.
    modelscope: HubClient,
    /// The local ModelScope cache, for offline audits.
    modelscope_cache: Option<PathBuf>,
    /// The catalog of closed API models (`api:` refs), loaded once.
    catalog: Arc<Result<Catalog, CatalogError>>,
    /// The audit's date, against which a catalog entry's age is judged (today by default).
    today: Option<Date>,
    /// The openness look-ups behind a card (`--links`); None: not made.
    links: Option<Arc<crate::audit_links::Links>>,
}

/// ModelScope's client: a file download may be redirected to its storage host (not
/// confirmed, so allowed for): followed, and reqwest drops the Authorization header when the
/// host changes, so the token stays with ModelScope.
fn modelscope_client(
    base: &ClientConfig,
    endpoint: &str,
    token: Option<Token>,
) -> Result<HubClient, SourceError> {
    let mut cfg = source_config(base, endpoint, token);
    cfg.redirect_any_host = true;
    HubClient::new(cfg)
}

/// An Ollama registry's client: manifests asked for in their media type, and blob
/// redirects followed to the storage host they point to.
fn ollama_client(base: &ClientConfig, endpoint: &str) -> Result<HubClient, SourceError> {
    let mut cfg = source_config(base, endpoint, None);
    cfg.accept = Some(ollama::MANIFEST_ACCEPT.to_string());
    cfg.redirect_any_host = true;
    HubClient::new(cfg)
}

impl Auditor {
    pub fn new(
        cfg: ClientConfig,
        rules: Arc<RuleSet>,
        offline: bool,
        hf_cache: Option<PathBuf>,
    ) -> Result<Auditor, SourceError> {
        let ollama = ollama_client(&cfg, ollama::DEFAULT_REGISTRY)?;
        let modelscope = modelscope_client(&cfg, modelscope::DEFAULT_ENDPOINT, None)?;
        let client = HubClient::new(cfg)?;
        Ok(Auditor {
            cache_client: client.offline(),
            client,
            hub_lookups: false,
            rules,
            offline,
            hf_cache,
            lookups: Arc::default(),
            clarifications: Arc::default(),
            ollama,
            ollama_store: None,
            modelscope,
            modelscope_cache: None,
            catalog: Arc::new(Catalog::builtin()),
            today: None,
            links: None,
        })
    }

    /// Follows the links behind each card (code repositories, papers) and matches the public
    /// openness indexes' records (`--links`), with these endpoints.
    pub fn with_links(
        mut self,
        cfg: crate::audit_links::LinkConfig,
    ) -> Result<Auditor, SourceError> {
        let links = crate::audit_links::Links::new(self.client.config(), cfg)?;
        self.links = Some(Arc::new(links));
        Ok(self)
    }

    /// Why an openness index could not be loaded this run, for one warning each.
    pub fn index_errors(&self) -> Vec<String> {
        self.links
            .as_ref()
            .map(|l| l.index_errors())
            .unwrap_or_default()
    }

    /// The Ollama registry at `endpoint`, and the local store at `store` (`OLLAMA_MODELS`).
    pub fn with_ollama(
        mut self,
        endpoint: &str,
        store: Option<PathBuf>,
    ) -> Result<Auditor, SourceError> {
        self.ollama = ollama_client(self.client.config(), endpoint)?;
        self.ollama_store = store.map(|root| LocalStore::new(root, endpoint));
        Ok(self)
    }

    /// ModelScope at `endpoint` with its own token, and the local cache at `cache`
    /// (`MODELSCOPE_CACHE`).
    pub fn with_modelscope(
        mut self,
        endpoint: &str,
        token: Option<Token>,
        cache: Option<PathBuf>,
    ) -> Result<Auditor, SourceError> {
        self.modelscope = modelscope_client(self.client.config(), endpoint, token)?;
        self.modelscope_cache = cache;
        Ok(self)
    }

    /// Lets a local folder's base models and datasets be looked up on the hub (`--lookups`);
    /// without it a local audit sends no request. Offline, nothing is sent either way.
    pub fn with_lookups(mut self, lookups: bool) -> Auditor {
        self.hub_lookups = lookups;
        self
    }

    /// Pins license texts by hash, as a policy's `clarifications` say.
    pub fn with_clarifications(mut self, clarifications: Vec<Clarification>) -> Auditor {
        self.clarifications = Arc::new(clarifications);
        self
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// What each host's request limiter has seen (for benchmarks and tests).
    pub fn limiter_stats(&self) -> Vec<(String, crate::hub::limiter::Stats)> {
        self.client.limiter_stats()
    }

    /// The first cache write that failed during this auditor's audits (the cache folder and
    /// the error), for one warning a run.
    pub fn cache_failure(&self) -> Option<String> {
        self.client
            .config()
            .cache
            .as_ref()
            .and_then(|c| c.failure().map(str::to_string))
    }

    /// Judges catalog entries' ages against this date instead of today's.
    pub fn with_today(mut self, today: Date) -> Auditor {
        self.today = Some(today);
        self
    }

    /// A closed API model, answered from the catalog: no request is sent.
    fn api(&self, provider: &str, model: &str, input: &str) -> ModelReport {
        let today = self.today.unwrap_or_else(|| {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
        });
        let found = match self.catalog.as_ref() {
            Ok(catalog) => catalog.find(provider, model),
            Err(e) => {
                let message = format!("the API model catalog cannot be read: {e}");
                return ModelReport::failed(input, Source::Api, ErrorKind::Internal, message);
            }
        };
        match found {
            Ok((p, m)) => crate::catalog::report::report(p, m, today),
            Err(e) => ModelReport::failed(input, Source::Api, ErrorKind::NotFound, e.to_string()),
        }
    }

    /// Audits one ref as the user typed it.
    pub async fn audit(&self, input: &str) -> ModelReport {
        let model_ref = match ModelRef::parse(input) {
            Ok(r) => r,
            Err(e) => {
                let source = match input.split_once(':') {
                    Some(("ollama", _)) => Source::Ollama,
                    Some(("modelscope", _)) => Source::Modelscope,
                    Some(("api", _)) => Source::Api,
                    _ => Source::Huggingface,
                };
                return ModelReport::failed(input, source, ErrorKind::InvalidRef, e.to_string());
            }
        };
        if let ModelRef::Api { provider, model } = &model_ref {
            return self.api(provider, model, input);
        }
        let source = model_ref.source();
        // May this model's look-ups ask the hub? A remote model online, yes; a local folder
        // or file only when the user asked; offline, never.
        let net = !self.offline
            && match model_ref {
                ModelRef::Local(_) | ModelRef::GgufFile(_) => self.hub_lookups,
                _ => true,
            };
        // An Ollama `hf.co/ORG/REPO:QUANT` name is the Hub repository (its quantisation names
        // the `.gguf` file whose header is read).
        let (hub_id, hub_revision, quant) = match &model_ref {
            ModelRef::Hub { id, revision } => (Some(id), revision.as_deref(), None),
            ModelRef::OllamaHf { id, quant } => (Some(id), None, quant.as_deref()),
            _ => (None, None, None),
        };
        // Online, the Hub's info already names the base models and datasets: look them up
        // while README and license files download, instead of after.
        let early = match hub_id {
            Some(id) if !self.offline => {
                let revision = hub_revision;
                match self.client.model_info(id, revision).await {
                    Ok(info) => {
                        let (bases, datasets) = assess::linked_in_info(&info);
                        let root = id.clone();
                        let (snap, ancestors, datasets) = tokio::join!(
                            fetch::fetch_files_with(&self.client, info, id, revision, input, quant),
                            self.ancestors(&root, &bases, true),
                            self.datasets(&datasets, true),
                        );
                        Some((snap, bases, ancestors, datasets))
                    }
                    Err(e) => return ModelReport::failed(input, source, e.kind(), e.to_string()),
                }
            }
            _ => None,
        };
        let (snap, ancestors, datasets) = match early {
            Some((snap, early_bases, ancestors, datasets)) => {
                let (bases, dataset_ids) = assess::declared_links(&snap);
                // The README has the final say; when it names other links (its front matter
                // differs from the Hub's parse), look those up too (shared look-ups make the
                // overlap free).
                let same_bases = bases
                    .iter()
                    .map(|b| &b.model)
                    .eq(early_bases.iter().map(|b| &b.model));
                let ancestors = if same_bases {
                    ancestors
                } else {
                    self.ancestors(&snap.info.id, &bases, true).await
                };
                let datasets = if datasets.iter().map(|d| &d.id).eq(dataset_ids.iter()) {
                    datasets
                } else {
                    self.datasets(&dataset_ids, true).await
                };
                (snap, ancestors, datasets)
            }
            None => {
                let mut snap = match self.snapshot(&model_ref, input, net).await {
                    Ok(s) => s,
                    Err(e) => return ModelReport::failed(input, source, e.kind(), e.to_string()),
                };
                let (bases, dataset_ids) = assess::declared_links(&snap);
                let root = match &model_ref {
                    ModelRef::Hub { id, .. } | ModelRef::OllamaHf { id, .. } => id.clone(),
                    _ => snap.info.id.clone(),
                };
                if !net && !self.offline && (!bases.is_empty() || !dataset_ids.is_empty()) {
                    snap.notes.push(
                        "base models and datasets were read only from the caches: a local audit \
                         sends no request without --lookups"
                            .into(),
                    );
                }
                let (ancestors, datasets) = tokio::join!(
                    self.ancestors(&root, &bases, net),
                    self.datasets(&dataset_ids, net)
                );
                (snap, ancestors, datasets)
            }
        };
        let mut snap = snap;
        let unlooked = ancestors
            .iter()
            .filter(|a| {
                matches!(
                    a.outcome,
                    Outcome::Failed {
                        kind: NOT_LOOKED_UP,
                        ..
                    }
                )
            })
            .count();
        if unlooked > 0 {
            snap.notes.push(format!(
                "the lineage names more than {MAX_ANCESTORS} models; {unlooked} were not looked \
                 up, and their terms count as unknown"
            ));
        }
        if datasets.len() > MAX_DATASETS {
            snap.notes.push(format!(
                "the card names {} datasets; only the first {MAX_DATASETS} were looked up",
                datasets.len()
            ));
        }
        let linked = match &self.links {
            Some(links) => {
                let body = snap.file("README.md").and_then(|f| f.text());
                links
                    .gather(&snap, body, &datasets, &self.client, &self.rules, net)
                    .await
            }
            None => crate::linked::LinkedEvidence::default(),
        };
        let ctx = Context {
            ancestors,
            datasets,
            clarifications: self.clarifications.to_vec(),
            own_terms_only: false,
            linked,
        };
        self.assess(snap, ctx, input, source).await
    }

    /// Identification is CPU-bound: keep it off the I/O threads.
    async fn assess(
        &self,
        snap: Snapshot,
        ctx: Context,
        input: &str,
        source: Source,
    ) -> ModelReport {
        let rules = self.rules.clone();
        tokio::task::spawn_blocking(move || assess::assess(&snap, &rules, &ctx))
            .await
            .unwrap_or_else(|e| {
                ModelReport::failed(
                    input,
                    source,
                    ErrorKind::Internal,
                    format!("isopen failed assessing this model (a bug; please report it): {e}"),
                )
            })
    }

    /// The lineage above `root`, each ancestor looked up once per auditor (see `walk`).
    async fn ancestors(&self, root: &str, parents: &[LineageEntry], net: bool) -> Vec<Ancestor> {
        walk::ancestors(
            root,
            parents,
            |id| async move { self.ancestor(&id, net).await },
        )
        .await
    }

    /// One ancestor on its own terms (its own lineage listed, not followed), once per auditor.
    async fn ancestor(&self, id: &str, net: bool) -> Arc<ModelReport> {
        let cell = cell(&self.lookups.models, &lookup_key(id, net));
        cell.get_or_init(|| async {
            let r = match ModelRef::parse(&format!("hf:{id}")) {
                Err(e) => ModelReport::failed(
                    id,
                    Source::Huggingface,
                    ErrorKind::InvalidRef,
                    e.to_string(),
                ),
                Ok(model_ref) => match self.snapshot(&model_ref, id, net).await {
                    Ok(snap) => {
                        let own = Context {
                            own_terms_only: true,
                            ..Context::default()
                        };
                        self.assess(snap, own, id, Source::Huggingface).await
                    }
                    Err(e) => ModelReport::failed(id, Source::Huggingface, e.kind(), e.to_string()),
                },
            };
            Arc::new(r)
        })
        .await
        .clone()
    }

    /// The Hub's answer for each declared dataset, once per auditor; at most `MAX_DATASETS`
    /// a model are looked up, the rest are reported as not looked up.
    async fn datasets(&self, ids: &[String], net: bool) -> Vec<DatasetLookup> {
        let (looked, over) = ids.split_at(ids.len().min(MAX_DATASETS));
        let mut out = join_all(looked.iter().map(|id| async move {
            let cell = cell(&self.lookups.datasets, &lookup_key(id, net));
            let r = cell
                .get_or_init(|| async {
                    Arc::new(
                        self.dataset(id, net)
                            .await
                            .map_err(|e| format!("{}: {e}", e.kind())),
                    )
                })
                .await
                .clone();
            DatasetLookup {
                id: id.clone(),
                result: (*r).clone(),
            }
        }))
        .await;
        out.extend(over.iter().map(|id| DatasetLookup {
            id: id.clone(),
            result: Err(format!(
                "{NOT_LOOKED_UP}: over the budget of {MAX_DATASETS} datasets a model"
            )),
        }));
        out
    }

    async fn dataset(&self, id: &str, net: bool) -> Result<DatasetInfo, SourceError> {
        if let Err(e) = ModelRef::parse(&format!("hf:{id}")) {
            return Err(SourceError::InvalidRef(e.to_string()));
        }
        if self.offline {
            return Err(SourceError::Offline(
                "offline: datasets are not looked up".into(),
            ));
        }
        if !net {
            return Err(SourceError::Offline(LOCAL_NO_REQUEST.into()));
        }
        self.client.dataset_info(id).await
    }

    /// A model's snapshot: a local folder read, or a Hub id fetched — from the caches alone
    /// when `net` is false (offline, or a local folder's look-ups without `--lookups`).
    async fn snapshot(
        &self,
        model_ref: &ModelRef,
        display: &str,
        net: bool,
    ) -> Result<Snapshot, SourceError> {
        let cfg = self.client.config();
        let (max_bytes, max_license_bytes, max_files) =
            (cfg.max_file_bytes, cfg.max_license_bytes, cfg.max_files);
        let local = |path: PathBuf, display: String| async move {
            tokio::task::spawn_blocking(move || {
                snapshot_from_dir(&path, &display, max_bytes, max_license_bytes, max_files)
            })
            .await
            .map_err(|e| SourceError::Internal(format!("reading the folder failed: {e}")))?
        };
        let hub = match model_ref {
            ModelRef::Local(path) => return local(path.clone(), display.to_string()).await,
            ModelRef::GgufFile(path) => {
                let (path, display) = (path.clone(), display.to_string());
                return tokio::task::spawn_blocking(move || {
                    snapshot_from_gguf(&path, &display, fetch::GGUF_HEAD_BYTES)
                })
                .await
                .map_err(|e| SourceError::Internal(format!("reading the file failed: {e}")))?;
            }
            ModelRef::Ollama(name) => return self.ollama_snapshot(name, display).await,
            ModelRef::ModelScope { id, revision } => {
                return self
                    .modelscope_snapshot(id, revision.as_deref(), display)
                    .await;
            }
            ModelRef::Hub { id, revision } => (id, revision.as_deref()),
            ModelRef::OllamaHf { id, .. } => (id, None),
            // Answered from the catalog before any snapshot is asked for.
            ModelRef::Api { provider, model } => {
                return Err(SourceError::Internal(format!(
                    "api:{provider}/{model} has no snapshot: it is answered from the catalog"
                )));
            }
        };
        match hub {
            (id, revision) if self.offline || !net => {
                // isopen's own cache first, then the Hugging Face cache.
                let from_cache =
                    fetch::fetch_model(&self.cache_client, id, revision, display).await;
                match from_cache {
                    Err(SourceError::Offline(own)) => {
                        let dir = self
                            .hf_cache
                            .as_deref()
                            .and_then(|c| cache_snapshot(c, id, revision))
                            .ok_or_else(|| {
                                let hf_cache = self
                                    .hf_cache
                                    .as_ref()
                                    .map(|c| format!(" ({})", c.display()))
                                    .unwrap_or_default();
                                SourceError::Offline(if self.offline {
                                    format!("{own}, nor in the Hugging Face cache{hf_cache}")
                                } else {
                                    format!(
                                        "{LOCAL_NO_REQUEST}, and {id} is in neither isopen's \
                                         cache nor the Hugging Face cache{hf_cache}"
                                    )
                                })
                            })?;
                        let mut snap = local(dir, display.to_string()).await?;
                        snap.notes
                            .push("read offline from the Hugging Face cache".into());
                        Ok(snap)
                    }
                    other => other,
                }
            }
            (id, revision) => fetch::fetch_model(&self.client, id, revision, display).await,
        }
    }

    /// An Ollama model: from the local store when it holds the manifest (what was pulled is
    /// what runs, and reading it sends nothing), else from the registry; offline, from the
    /// store or isopen's cache of the registry's answers only.
    async fn ollama_snapshot(
        &self,
        name: &OllamaName,
        display: &str,
    ) -> Result<Snapshot, SourceError> {
        let max_license = self.client.config().max_license_bytes;
        if let Some(store) = &self.ollama_store
            && store.manifest_path(name).is_some()
        {
            let mut snap =
                ollama::snapshot(ollama::Store::Local(store), name, display, max_license).await?;
            snap.notes.push(
                "the local Ollama store holds this model: it was read there, and the registry \
                 was not asked (a newer push of the tag would not show)"
                    .into(),
            );
            return Ok(snap);
        }
        if self.offline {
            let cached = self.ollama.offline();
            return ollama::snapshot(ollama::Store::Registry(&cached), name, display, max_license)
                .await
                .map_err(|e| match e {
                    SourceError::Offline(own) => SourceError::Offline(format!(
                        "{own}, nor in the Ollama store{}",
                        self.ollama_store
                            .as_ref()
                            .map(|s| format!(" ({})", s.root.display()))
                            .unwrap_or_default()
                    )),
                    other => other,
                });
        }
        ollama::snapshot(
            ollama::Store::Registry(&self.ollama),
            name,
            display,
            max_license,
        )
        .await
    }

    /// A ModelScope model: from ModelScope; offline, from isopen's cache of its answers, then
    /// the local ModelScope cache.
    async fn modelscope_snapshot(
        &self,
        id: &str,
        revision: Option<&str>,
        display: &str,
    ) -> Result<Snapshot, SourceError> {
        if !self.offline {
            return modelscope::snapshot(&self.modelscope, id, revision, display).await;
        }
        let cached = self.modelscope.offline();
        match modelscope::snapshot(&cached, id, revision, display).await {
            Err(SourceError::Offline(own)) => {
                let cfg = self.client.config();
                let (max_bytes, max_license_bytes, max_files) =
                    (cfg.max_file_bytes, cfg.max_license_bytes, cfg.max_files);
                let found = self
                    .modelscope_cache
                    .as_deref()
                    .and_then(|root| modelscope::cache_folder(root, id, revision));
                let Some((dir, root)) = found else {
                    return Err(SourceError::Offline(format!(
                        "{own}, nor in the ModelScope cache{}",
                        self.modelscope_cache
                            .as_ref()
                            .map(|c| format!(" ({})", c.display()))
                            .unwrap_or_default()
                    )));
                };
                let (id, display) = (id.to_string(), display.to_string());
                let mut snap = tokio::task::spawn_blocking(move || {
                    snapshot_from_cache_folder(
                        &dir,
                        &root,
                        &id,
                        &display,
                        max_bytes,
                        max_license_bytes,
                        max_files,
                    )
                })
                .await
                .map_err(|e| SourceError::Internal(format!("reading the folder failed: {e}")))??;
                snap.source = crate::snapshot::Source::Modelscope;
                snap.notes
                    .push("read offline from the ModelScope cache".into());
                Ok(snap)
            }
            other => other,
        }
    }
}
