//! The HTTP client for the Hub: one reqwest client, the token as a Bearer header, limits on
//! every request (timeout, body size), bounded retries with backoff on 429 (honouring
//! `Retry-After`), 5xx, timeouts and resets, same-host redirects only for API calls, and typed
//! errors from the status and `X-Error-Code`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, ETAG, HeaderMap, IF_NONE_MATCH, RANGE, USER_AGENT};
use reqwest::{Response, StatusCode};
use tracing::debug;

mod failure;

use super::cache::{Cache, Entry, Key};
use super::error::SourceError;
use super::limiter::{self, Bounds, Limiter};
use super::token::Token;
use crate::snapshot::{DatasetInfo, ModelInfo};
use failure::{
    Failure, asked_too_long, root_cause, status_failure, strip_query, transport_failure,
    with_attempts,
};

/// The most times one request is refused with a 429 before it gives up.
const MAX_THROTTLED: u32 = 10;

/// Requests in flight to one host at the start of a run.
pub const DEFAULT_MAX_REQUESTS: usize = 16;

/// Tunables of the client. Defaults suit the real Hub; tests shorten the backoff.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL without a trailing slash, e.g. `https://huggingface.co`.
    pub endpoint: String,
    pub token: Option<Token>,
    /// Per-request timeout (connect + headers + body).
    pub timeout: Duration,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// Total time one request may spend across its retries.
    pub retry_budget: Duration,
    /// First backoff; it doubles per attempt, with jitter.
    pub backoff: Duration,
    /// Requests in flight to one host at the start; the limiter adapts between one and twice
    /// this, halving on 429 and 503.
    pub max_requests: usize,
    /// The largest API JSON body accepted.
    pub max_json_bytes: usize,
    /// Text files are truncated at this size.
    pub max_file_bytes: usize,
    /// License-like files are truncated at this larger size: a restriction may sit at the end
    /// of a long text, and what is cut off is evidence unread.
    pub max_license_bytes: usize,
    /// The most license-like files fetched per model (README excluded); the rest are reported
    /// as not read.
    pub max_files: usize,
    /// Where answers are kept between runs; `None`: no cache.
    pub cache: Option<Cache>,
    /// No network: only the cache answers.
    pub offline: bool,
    /// An `Accept` header sent with every request (an Ollama registry answers a manifest in
    /// the media type asked for).
    pub accept: Option<String>,
    /// Follow redirects to any host for every request, not only file downloads: a registry's
    /// blobs live on a storage host. reqwest drops the Authorization header when the host
    /// changes, so a token never follows.
    pub redirect_any_host: bool,
}

impl ClientConfig {
    pub fn new(endpoint: &str, token: Option<Token>) -> ClientConfig {
        ClientConfig {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            token,
            timeout: Duration::from_secs(30),
            max_attempts: 5,
            retry_budget: Duration::from_secs(90),
            backoff: Duration::from_millis(500),
            max_requests: DEFAULT_MAX_REQUESTS,
            max_json_bytes: 16 * 1024 * 1024,
            max_file_bytes: 1024 * 1024,
            max_license_bytes: 8 * 1024 * 1024,
            max_files: 64,
            cache: None,
            offline: false,
            accept: None,
            redirect_any_host: false,
        }
    }
}

/// What `HubClient::get_path` does with a body over its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRead {
    /// Fail: a partial answer is worthless (JSON).
    Whole,
    /// Keep the first `limit` bytes, marked truncated.
    Truncate,
    /// Ask for the first `limit` bytes only (`Range: bytes=0-…`); a server that ignores the
    /// range is cut off at `limit`.
    Head,
}

/// The bytes of a fetched file.
#[derive(Debug, Clone, Default)]
pub struct FileBody {
    pub bytes: Vec<u8>,
    pub truncated: bool,
    /// The response's ETag, for the cache.
    pub etag: Option<String>,
    /// 304: the cached copy is current (`bytes` is empty).
    pub not_modified: bool,
    /// The paging and rate-limit headers, as sent (`Link`, `RateLimit`, `RateLimit-Policy`):
    /// read by the census, never cached.
    pub paging: Paging,
}

/// The headers a paged listing is driven by, verbatim (the census parses them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paging {
    pub link: Option<String>,
    pub ratelimit: Option<String>,
    pub ratelimit_policy: Option<String>,
}

/// What to do with a body larger than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// Fail: a partial API answer is worthless.
    Refuse,
    /// Keep the first `limit` bytes.
    Truncate,
    /// Ask for the first `limit` bytes only (`Range: bytes=0-…`), keep at most that.
    Head,
}

#[derive(Clone)]
pub struct HubClient {
    http: reqwest::Client,
    cfg: ClientConfig,
    /// One limiter per host, shared by every clone of the client (every model of a run).
    limiters: Arc<Mutex<HashMap<String, Arc<Limiter>>>>,
}

impl std::fmt::Debug for HubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubClient").field("cfg", &self.cfg).finish()
    }
}

impl HubClient {
    pub fn new(cfg: ClientConfig) -> Result<HubClient, SourceError> {
        if !(cfg.endpoint.starts_with("http://") || cfg.endpoint.starts_with("https://")) {
            return Err(SourceError::InvalidRef(format!(
                "the endpoint {:?} is not an http(s) URL",
                cfg.endpoint
            )));
        }
        let any_host = cfg.redirect_any_host;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            let first = &attempt.previous()[0];
            let same_host = attempt.url().host_str() == first.host_str()
                && attempt.url().port_or_known_default() == first.port_or_known_default();
            if attempt.previous().len() > 5 {
                attempt.error("too many redirects")
            } else if same_host || any_host || first.path().contains("/resolve/") {
                // Renamed repos answer with a relative redirect; file bytes may live on a CDN
                // (reqwest drops the Authorization header when the host changes).
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let mut headers = HeaderMap::new();
        if let Some(accept) = &cfg.accept {
            let value = reqwest::header::HeaderValue::from_str(accept).map_err(|_| {
                SourceError::InvalidRef(format!("the Accept header {accept:?} is not valid"))
            })?;
            headers.insert(reqwest::header::ACCEPT, value);
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(policy)
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| SourceError::Network(format!("cannot build the HTTP client: {e}")))?;
        Ok(HubClient {
            http,
            cfg,
            limiters: Arc::default(),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.cfg
    }

    /// The same client answering from the cache only: for look-ups that must send no request.
    pub fn offline(&self) -> HubClient {
        let mut copy = self.clone();
        copy.cfg.offline = true;
        copy
    }

    /// `GET /api/models/{id}[/revision/{rev}]?blobs=true`.
    pub async fn model_info(
        &self,
        id: &str,
        revision: Option<&str>,
    ) -> Result<ModelInfo, SourceError> {
        let path = match revision {
            Some(rev) => format!("/api/models/{id}/revision/{}?blobs=true", encode(rev)),
            None => format!("/api/models/{id}?blobs=true"),
        };
        let key = Key::ModelInfo { id, revision };
        let body = self
            .cached_get(&key, &path, self.cfg.max_json_bytes, Fit::Refuse)
            .await?;
        if body.truncated {
            return Err(SourceError::BadResponse(format!(
                "the model info for {id} is larger than {} bytes",
                self.cfg.max_json_bytes
            )));
        }
        serde_json::from_slice::<ModelInfo>(&body.bytes).map_err(|e| {
            SourceError::BadResponse(format!("the model info for {id} is not valid JSON: {e}"))
        })
    }

    /// `GET /api/datasets/{id}`.
    pub async fn dataset_info(&self, id: &str) -> Result<DatasetInfo, SourceError> {
        let key = Key::DatasetInfo { id };
        let path = format!("/api/datasets/{id}");
        let body = self
            .cached_get(&key, &path, self.cfg.max_json_bytes, Fit::Refuse)
            .await?;
        if body.truncated {
            return Err(SourceError::BadResponse(format!(
                "the dataset info for {id} is too large"
            )));
        }
        serde_json::from_slice::<DatasetInfo>(&body.bytes).map_err(|e| {
            SourceError::BadResponse(format!("the dataset info for {id} is not valid JSON: {e}"))
        })
    }

    /// `GET /{id}/resolve/{rev}/{path}`, truncated at the size limit (a larger one for license
    /// files).
    pub async fn file(
        &self,
        id: &str,
        revision: &str,
        path: &str,
    ) -> Result<FileBody, SourceError> {
        let url = resolve_path(id, revision, path);
        let key = Key::File {
            id,
            commit: revision,
            path,
        };
        let limit = if crate::snapshot::is_license_file(path) {
            self.cfg.max_license_bytes
        } else {
            self.cfg.max_file_bytes
        };
        self.cached_get(&key, &url, limit, Fit::Truncate).await
    }

    /// A file of a dataset repository at `main` (its card), through the resolver; cached and
    /// revalidated, as a branch moves. Cut at the license-file limit.
    pub async fn dataset_file(&self, id: &str, path: &str) -> Result<FileBody, SourceError> {
        let url = resolve_path(&format!("datasets/{id}"), "main", path);
        let key = Key::Page { path: &url };
        self.cached_get(&key, &url, self.cfg.max_license_bytes, Fit::Truncate)
            .await
    }

    /// The first `bytes` bytes of a file, with a range request: a GGUF header without its
    /// gigabytes of tensors. A server that ignores the range is cut off at `bytes`.
    pub async fn file_head(
        &self,
        id: &str,
        revision: &str,
        path: &str,
        bytes: usize,
    ) -> Result<FileBody, SourceError> {
        let key = Key::Head {
            id,
            commit: revision,
            path,
        };
        self.cached_get(&key, &resolve_path(id, revision, path), bytes, Fit::Head)
            .await
    }

    /// A GET of `path` (with its query) on this client's own endpoint, through the cache under
    /// `key`: for other registries' protocols (Ollama, ModelScope), with the same retries,
    /// limits, token rule (the token of this client's own endpoint) and cache as the Hub's
    /// requests. The caller builds `path` from validated parts only.
    pub async fn get_path(
        &self,
        key: &Key<'_>,
        path: &str,
        limit: usize,
        read: BodyRead,
    ) -> Result<FileBody, SourceError> {
        let fit = match read {
            BodyRead::Whole => Fit::Refuse,
            BodyRead::Truncate => Fit::Truncate,
            BodyRead::Head => Fit::Head,
        };
        self.cached_get(key, path, limit, fit).await
    }

    /// One page of a paged listing (`/api/models?…`), never cached (a listing changes by the
    /// minute and a page can be tens of megabytes): the body, refused over `limit`, with the
    /// paging and rate-limit headers. The same retries and per-host limits as every request.
    pub async fn get_page(&self, path: &str, limit: usize) -> Result<FileBody, SourceError> {
        self.get(path, limit, Fit::Refuse, None).await
    }

    /// A GET through the cache: files at a commit are served from it without a request; info
    /// is revalidated with its ETag; offline, only the cache answers.
    async fn cached_get(
        &self,
        key: &Key<'_>,
        path: &str,
        limit: usize,
        fit: Fit,
    ) -> Result<FileBody, SourceError> {
        let cached = match &self.cfg.cache {
            Some(c) => c.load(key).await,
            None => None,
        };
        let from_cache = |e: Entry| FileBody {
            bytes: e.body,
            truncated: e.truncated,
            etag: e.etag,
            ..FileBody::default()
        };
        if let Some(entry) = &cached
            && (self.cfg.offline || Cache::immutable(key))
        {
            return Ok(from_cache(entry.clone()));
        }
        if self.cfg.offline {
            return Err(SourceError::Offline(format!(
                "offline, and {} is not in the cache{}",
                strip_query(path),
                self.cfg
                    .cache
                    .as_ref()
                    .map(|c| format!(" ({})", c.dir().display()))
                    .unwrap_or_default()
            )));
        }
        let etag = cached.as_ref().and_then(|e| e.etag.clone());
        let body = self.get(path, limit, fit, etag.as_deref()).await?;
        if body.not_modified
            && let Some(entry) = cached
        {
            return Ok(from_cache(entry));
        }
        if let Some(cache) = &self.cfg.cache {
            let entry = Entry {
                etag: body.etag.clone(),
                truncated: body.truncated,
                body: body.bytes.clone(),
            };
            if let Err(e) = cache.store(key, entry).await {
                // A cache that cannot be written costs speed, never the audit; the first
                // failure is kept by the cache and shown once a run (`Cache::failure`).
                debug!("cannot write the cache: {e}");
            }
        }
        Ok(body)
    }

    /// One GET with retries; `fit` says what to do with a body over `limit` bytes.
    async fn get(
        &self,
        path: &str,
        limit: usize,
        fit: Fit,
        etag: Option<&str>,
    ) -> Result<FileBody, SourceError> {
        let url = format!("{}{path}", self.cfg.endpoint);
        let limiter = self.limiter_for(&url);
        let start = Instant::now();
        let (mut attempt, mut throttled) = (0, 0);
        loop {
            attempt += 1;
            let permit = limiter.acquire().await;
            let failure = match self.attempt(&url, limit, fit, attempt, etag).await {
                Ok(body) => {
                    permit.succeeded();
                    return Ok(body);
                }
                Err(f) => f,
            };
            // A 429 says "later", not "broken": it has its own, larger allowance of attempts.
            // A 503 slows every request to the host down too, but a server that keeps failing
            // is out of attempts as usual.
            let rate_limited = matches!(failure.error, SourceError::RateLimited(_));
            let attempts_left = if rate_limited {
                throttled += 1;
                throttled < MAX_THROTTLED
            } else {
                attempt - throttled < self.cfg.max_attempts
            };
            // This request's own wait: exponential in the failures of its kind, jittered, so
            // that workers refused together do not come back together.
            let step = if rate_limited {
                throttled
            } else {
                attempt - throttled
            };
            let backoff = limiter::backoff(self.cfg.backoff, step);
            let elapsed = start.elapsed();
            let left = self.cfg.retry_budget.saturating_sub(elapsed);
            // What the server asked for holds every request to the host, never past this
            // request's budget (a bad path must not freeze the host).
            let asked = failure.wait.unwrap_or(Duration::ZERO);
            let hold = asked.min(left);
            // A server that asks for longer than the budget leaves is not asked again early:
            // the request gives up now, and says why.
            let too_long = asked > left;
            let retry = failure.retry && attempts_left && !too_long && backoff <= left;
            if failure.throttle {
                permit.throttled(hold);
            } else {
                drop(permit);
            }
            if !retry {
                let error = if failure.retry && too_long {
                    asked_too_long(failure.error, asked, left)
                } else {
                    failure.error
                };
                if failure.retry && attempt > 1 {
                    return Err(with_attempts(error, attempt));
                }
                return Err(error);
            }
            let wait = hold.max(backoff);
            debug!(
                path,
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retrying: {}",
                failure.error
            );
            // The hold is waited for in `acquire`; the rest of the backoff here.
            tokio::time::sleep(backoff).await;
        }
    }

    /// The limiter of the host `url` names, shared by every request to it from this client
    /// and its clones.
    fn limiter_for(&self, url: &str) -> Arc<Limiter> {
        let host = reqwest::Url::parse(url)
            .ok()
            .map(|u| {
                format!(
                    "{}:{}",
                    u.host_str().unwrap_or(""),
                    u.port_or_known_default().unwrap_or(0)
                )
            })
            .unwrap_or_default();
        let mut hosts = self.limiters.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(host)
            .or_insert_with(|| Arc::new(Limiter::new(Bounds::around(self.cfg.max_requests))))
            .clone()
    }

    /// What the limiters have seen, by host (for benchmarks and tests).
    pub fn limiter_stats(&self) -> Vec<(String, limiter::Stats)> {
        let hosts = self.limiters.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<_> = hosts.iter().map(|(h, l)| (h.clone(), l.stats())).collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    async fn attempt(
        &self,
        url: &str,
        limit: usize,
        fit: Fit,
        attempt: u32,
        etag: Option<&str>,
    ) -> Result<FileBody, Failure> {
        let mut req = self
            .http
            .get(url)
            .header(USER_AGENT, concat!("isopen/", env!("CARGO_PKG_VERSION")));
        if let Some(t) = &self.cfg.token {
            req = req.header(AUTHORIZATION, format!("Bearer {}", t.secret()));
        }
        if let Some(e) = etag {
            req = req.header(IF_NONE_MATCH, e);
        }
        if fit == Fit::Head {
            req = req.header(RANGE, format!("bytes=0-{}", limit.saturating_sub(1)));
        }
        let resp = req
            .send()
            .await
            .map_err(|e| transport_failure(&e, attempt))?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(FileBody {
                not_modified: true,
                ..FileBody::default()
            });
        }
        let response_etag = resp
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if status.is_redirection() {
            return Err(Failure {
                error: SourceError::BadResponse(format!(
                    "the hub redirected {} to another host",
                    strip_query(url)
                )),
                retry: false,
                wait: None,
                throttle: false,
            });
        }
        if !status.is_success() {
            let headers = resp.headers().clone();
            let text = read_body(resp, 64 * 1024, true)
                .await
                .map(|b| b.bytes)
                .unwrap_or_default();
            return Err(status_failure(
                status,
                &headers,
                &text,
                self.cfg.token.as_ref(),
                url,
            ));
        }
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let paging = Paging {
            link: header("link"),
            ratelimit: header("ratelimit"),
            ratelimit_policy: header("ratelimit-policy"),
        };
        let mut body = read_body(resp, limit, fit != Fit::Refuse).await?;
        body.etag = response_etag;
        body.paging = paging;
        Ok(body)
    }
}

/// Reads a body up to `limit` bytes. Over the limit: truncated, or a bad response.
async fn read_body(mut resp: Response, limit: usize, truncate: bool) -> Result<FileBody, Failure> {
    let mut bytes = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit.saturating_sub(bytes.len());
                if chunk.len() > room {
                    bytes.extend_from_slice(&chunk[..room]);
                    if truncate {
                        return Ok(FileBody {
                            bytes,
                            truncated: true,
                            ..FileBody::default()
                        });
                    }
                    return Err(Failure {
                        error: SourceError::BadResponse(format!(
                            "the response is larger than {limit} bytes"
                        )),
                        retry: false,
                        wait: None,
                        throttle: false,
                    });
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => {
                return Ok(FileBody {
                    bytes,
                    ..FileBody::default()
                });
            }
            Err(e) => {
                return Err(Failure {
                    error: SourceError::Network(format!(
                        "the response was cut short: {}",
                        root_cause(&e)
                    )),
                    retry: true,
                    wait: None,
                    throttle: false,
                });
            }
        }
    }
}

/// Percent-encodes one path segment (revisions are fully encoded, as the official clients do).
/// `/{id}/resolve/{rev}/{path}`, each part percent-encoded.
fn resolve_path(id: &str, revision: &str, path: &str) -> String {
    let encoded_path: Vec<String> = path.split('/').map(encode).collect();
    format!(
        "/{id}/resolve/{}/{}",
        encode(revision),
        encoded_path.join("/")
    )
}

pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_are_fully_encoded() {
        assert_eq!(encode("refs/pr/1"), "refs%2Fpr%2F1");
        assert_eq!(encode("main"), "main");
    }
}
