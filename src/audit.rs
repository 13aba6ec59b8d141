//! The library's entry point: audit one ref end to end — parse, fetch (Hub, HF cache or local
//! folder), assess. A model that cannot be audited becomes an error report; nothing here
//! panics or stops a batch.

use std::path::PathBuf;
use std::sync::Arc;

use crate::assess;
use crate::hub::local::{cache_snapshot, snapshot_from_dir};
use crate::hub::{ClientConfig, HubClient, HubError, fetch};
use crate::model_ref::ModelRef;
use crate::report::ModelReport;
use crate::rules::RuleSet;
use crate::snapshot::Snapshot;

/// Audits refs with one HTTP client and one rule set.
#[derive(Debug, Clone)]
pub struct Auditor {
    client: HubClient,
    rules: Arc<RuleSet>,
    /// No network: Hub ids are read from the Hugging Face cache.
    offline: bool,
    /// `HF_HUB_CACHE`, for offline look-ups.
    hf_cache: Option<PathBuf>,
}

impl Auditor {
    pub fn new(
        cfg: ClientConfig,
        rules: Arc<RuleSet>,
        offline: bool,
        hf_cache: Option<PathBuf>,
    ) -> Result<Auditor, HubError> {
        Ok(Auditor {
            client: HubClient::new(cfg)?,
            rules,
            offline,
            hf_cache,
        })
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Audits one ref as the user typed it.
    pub async fn audit(&self, input: &str) -> ModelReport {
        let model_ref = match ModelRef::parse(input) {
            Ok(r) => r,
            Err(e) => {
                return ModelReport::failed(input, "huggingface", "invalid-ref", e.to_string());
            }
        };
        let source = match model_ref {
            ModelRef::Local(_) => "local",
            ModelRef::Hub { .. } => "huggingface",
        };
        match self.snapshot(&model_ref, input).await {
            Ok(snap) => {
                let rules = self.rules.clone();
                // Identification is CPU-bound: keep it off the I/O threads.
                tokio::task::spawn_blocking(move || assess::assess(&snap, &rules))
                    .await
                    .unwrap_or_else(|e| {
                        ModelReport::failed(
                            input,
                            source,
                            "bad-response",
                            format!("the assessment failed: {e}"),
                        )
                    })
            }
            Err(e) => ModelReport::failed(input, source, e.kind(), e.to_string()),
        }
    }

    async fn snapshot(&self, model_ref: &ModelRef, display: &str) -> Result<Snapshot, HubError> {
        let cfg = self.client.config();
        let (max_bytes, max_files) = (cfg.max_file_bytes, cfg.max_files);
        let local = |path: PathBuf, display: String| async move {
            tokio::task::spawn_blocking(move || {
                snapshot_from_dir(&path, &display, max_bytes, max_files)
            })
            .await
            .map_err(|e| HubError::BadResponse(format!("reading the folder failed: {e}")))?
        };
        match model_ref {
            ModelRef::Local(path) => local(path.clone(), display.to_string()).await,
            ModelRef::Hub { id, revision } if self.offline => {
                let dir = self
                    .hf_cache
                    .as_deref()
                    .and_then(|c| cache_snapshot(c, id, revision.as_deref()))
                    .ok_or_else(|| {
                        HubError::Offline(format!(
                            "offline, and {display} is not in the Hugging Face cache{}",
                            self.hf_cache
                                .as_ref()
                                .map(|c| format!(" ({})", c.display()))
                                .unwrap_or_default()
                        ))
                    })?;
                let mut snap = local(dir, display.to_string()).await?;
                snap.notes
                    .push("read offline from the Hugging Face cache".into());
                Ok(snap)
            }
            ModelRef::Hub { id, revision } => {
                fetch::fetch_model(&self.client, id, revision.as_deref(), display).await
            }
        }
    }
}
