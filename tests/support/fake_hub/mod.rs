//! An in-process fake of the Hugging Face Hub serving `fixtures/hub` in the Hub's shape, and
//! of the other sources isopen reads: an Ollama registry (`/v2/…`) serving a store in Ollama's
//! layout (`fixtures/ollama/`), and ModelScope's two APIs (`/openapi/v1/…`, `/api/v1/…`)
//! serving `fixtures/modelscope/models/<owner>/<name>/` with a `_modelscope.yaml`.
//!
//! Model info is derived from a fixture folder the way the Hub derives it: `cardData` from the
//! README front matter, `license:`/`dataset:`/`base_model:` tags, `siblings` with sizes (plus
//! the weight files a `_hub.yaml` lists without storing them). A folder holding `api.json`
//! is served verbatim (real captures). Gating (401/403 `GatedRepo`), private and missing repos
//! (401/404 `RepoNotFound`), renamed repos (307 with a relative Location) and injectable faults
//! (5xx, 429 with `Retry-After`, latency, a cut-off body, a huge body) follow the captures in
//! `../shared/corpus/hub/captures/`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};

mod faults;
mod info;
mod listing;
mod modelscope;
mod ollama;

pub use faults::Fault;
use faults::*;
use info::*;
use listing::*;
pub use listing::{Generated, Quota};
use modelscope::*;
use ollama::*;

/// Tokens the fake hub knows.
pub const TOKEN_APPROVED: &str = "hf_fake_approved_0123456789";
pub const TOKEN_PENDING: &str = "hf_fake_pending_0123456789";

/// One request as the hub saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub path: String,
    pub authorization: Option<String>,
    pub if_none_match: Option<String>,
    /// The `Range` header, as sent.
    pub range: Option<String>,
    /// The status the hub answered with (0 until known).
    pub status: u16,
    /// The query string, as sent.
    pub query: Option<String>,
    /// Body bytes handed to the connection so far (counted for `/v2/` answers only).
    pub sent: Arc<AtomicU64>,
}

impl Logged {
    pub fn bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }
}

pub struct HubState {
    root: PathBuf,
    /// An Ollama store served as a registry.
    ollama: PathBuf,
    /// ModelScope's repositories: `models/<owner>/<name>/`.
    modelscope: PathBuf,
    faults: Mutex<Vec<Injected>>,
    log: Mutex<Vec<Logged>>,
    latency: Mutex<Duration>,
    /// The listing (`/api/models`): generated instead of the fixtures, its window, its calls.
    generated: Mutex<Option<Generated>>,
    quota: Mutex<Quota>,
    listing_calls: AtomicU64,
}

/// A running fake hub; it stops when the test process ends.
pub struct FakeHub {
    pub url: String,
    state: Arc<HubState>,
}

impl FakeHub {
    /// Serves `root` (a folder with `models/<org>/<name>/`) on a free loopback port, with
    /// the fixture Ollama store and ModelScope repositories.
    pub fn start(root: impl AsRef<Path>) -> FakeHub {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        FakeHub::start_sources(root, fixtures.join("ollama"), fixtures.join("modelscope"))
    }

    /// Serves `root` as the Hub, `ollama` (a store in Ollama's layout) as an Ollama registry
    /// and `modelscope` (`models/<owner>/<name>/`) as ModelScope.
    pub fn start_sources(
        root: impl AsRef<Path>,
        ollama: impl AsRef<Path>,
        modelscope: impl AsRef<Path>,
    ) -> FakeHub {
        let state = Arc::new(HubState {
            ollama: ollama.as_ref().to_path_buf(),
            modelscope: modelscope.as_ref().to_path_buf(),
            root: root.as_ref().to_path_buf(),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            latency: Mutex::new(Duration::ZERO),
            generated: Mutex::new(None),
            quota: Mutex::new(Quota {
                quota: 1000,
                reset: 0,
            }),
            listing_calls: AtomicU64::new(0),
        });
        let (tx, rx) = std::sync::mpsc::channel();
        let served = state.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                tx.send(listener.local_addr().expect("addr"))
                    .expect("send addr");
                let app = Router::new().fallback(handle).with_state(served);
                axum::serve(listener, app).await.expect("serve");
            });
        });
        let addr = rx.recv().expect("fake hub started");
        FakeHub {
            url: format!("http://{addr}"),
            state,
        }
    }

    /// The fixtures of this repository.
    pub fn fixtures() -> FakeHub {
        FakeHub::start(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hub"))
    }

    /// Injects `fault` on the next `times` requests whose path (with its query) starts with
    /// `prefix`.
    pub fn fault(&self, prefix: &str, fault: Fault, times: usize) {
        self.state.faults.lock().unwrap().push(Injected {
            prefix: prefix.to_string(),
            fault,
            remaining: times,
        });
    }

    /// Latency added to every request.
    pub fn set_latency(&self, d: Duration) {
        *self.state.latency.lock().unwrap() = d;
    }

    /// Serves a generated listing instead of the fixtures' at `/api/models`.
    pub fn set_listing(&self, listing: Generated) {
        *self.state.generated.lock().unwrap() = Some(listing);
    }

    /// The rate-limit window the listing reports.
    pub fn set_quota(&self, quota: Quota) {
        *self.state.quota.lock().unwrap() = quota;
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.state.log.lock().unwrap().clone()
    }
}

/// Logs the request, answers it, and logs the answer's status (and, for the Ollama registry,
/// the body bytes handed to the connection, which stop when the client hangs up).
async fn handle(State(state): State<Arc<HubState>>, req: Request) -> Response {
    let sent = Arc::new(AtomicU64::new(0));
    // (A block, so no borrow of the request — whose body is not Sync — lives across an await.)
    let index = {
        let header_of = |name: header::HeaderName| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let entry = Logged {
            path: req.uri().path().to_string(),
            authorization: header_of(header::AUTHORIZATION),
            if_none_match: header_of(header::IF_NONE_MATCH),
            range: header_of(header::RANGE),
            status: 0,
            query: req.uri().query().map(str::to_string),
            sent: sent.clone(),
        };
        let mut log = state.log.lock().unwrap();
        log.push(entry);
        log.len() - 1
    };
    let counted = req.uri().path().starts_with("/v2/");
    let response = respond(state.clone(), req).await;
    state.log.lock().unwrap()[index].status = response.status().as_u16();
    if !counted {
        return response;
    }
    let (parts, body) = response.into_parts();
    let stream = body.into_data_stream().map(move |chunk| {
        if let Ok(c) = &chunk {
            sent.fetch_add(c.len() as u64, Ordering::SeqCst);
        }
        chunk
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

async fn respond(state: Arc<HubState>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let auth = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let latency = *state.latency.lock().unwrap();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    // A fault's prefix may include the query (`/repo?Revision=master&FilePath=LICENSE`).
    let target = match &query {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let mut next_override = None;
    while let Some(fault) = take_fault(&state, &target) {
        match fault {
            Fault::NextCursor(c) => next_override = Some(c),
            Fault::Latency(d) => tokio::time::sleep(d).await,
            Fault::Status(code) => {
                let status =
                    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return (
                    status,
                    [(header::CONTENT_TYPE, "application/json")],
                    json!({"error": "Internal Error"}).to_string(),
                )
                    .into_response();
            }
            Fault::RateLimit { retry_after } => {
                let mut r = (
                    StatusCode::TOO_MANY_REQUESTS,
                    json!({"error": "Too Many Requests"}).to_string(),
                )
                    .into_response();
                let h = r.headers_mut();
                h.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                h.insert(
                    "RateLimit",
                    HeaderValue::from_str(&format!("\"api\";r=0;t={retry_after}")).unwrap(),
                );
                h.insert(
                    "RateLimit-Policy",
                    HeaderValue::from_static("\"fixed window\";\"api\";q=500;w=300"),
                );
                return r;
            }
            Fault::Truncate => {
                let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                    Ok(Bytes::from_static(b"{\"id\": \"cut")),
                    Err(std::io::Error::new(
                        std::io::ErrorKind::ConnectionReset,
                        "cut",
                    )),
                ];
                return Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
            }
            Fault::Huge(size) => return huge_readme(size),
            Fault::Echo {
                status,
                code,
                message,
                header,
            } => {
                let token = auth
                    .as_deref()
                    .and_then(|a| a.strip_prefix("Bearer "))
                    .unwrap_or("");
                let message = message.replace("{token}", token);
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
                let mut r = error(status, code, &message);
                if !header {
                    r.headers_mut().remove("X-Error-Message");
                }
                return r;
            }
            Fault::Redirect(to) => {
                return (
                    StatusCode::TEMPORARY_REDIRECT,
                    [(header::LOCATION, to)],
                    "Temporary Redirect",
                )
                    .into_response();
            }
            Fault::Sparse(size) => return sparse_blob(&state, &path, size),
        }
    }
    if let Some(rest) = path.strip_prefix("/v2/") {
        let range = req
            .headers()
            .get(header::RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(first_bytes);
        return ollama_registry(&state, rest, range);
    }
    if path.starts_with("/openapi/v1/models/") || path.starts_with("/api/v1/models/") {
        return modelscope(&state, &path, query.as_deref(), auth.as_deref());
    }
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let token = auth.as_deref().and_then(|a| a.strip_prefix("Bearer "));
    if let Some(t) = token
        && t != TOKEN_APPROVED
        && t != TOKEN_PENDING
    {
        return error(
            StatusCode::UNAUTHORIZED,
            None,
            "Invalid credentials in Authorization header",
        );
    }
    if path == "/api/models" {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("127.0.0.1")
            .to_string();
        return listing(&state, &host, query.as_deref(), next_override);
    }
    if let Some(id) = path.strip_prefix("/api/datasets/") {
        return dataset_info(&state, id, token, if_none_match.as_deref());
    }
    if let Some(rest) = path.strip_prefix("/api/models/") {
        return model_info(
            &state,
            rest,
            query.as_deref(),
            token,
            if_none_match.as_deref(),
        );
    }
    if let Some((repo, rev, file)) = split_resolve(&path) {
        let range = req
            .headers()
            .get(header::RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(first_bytes);
        return resolve(&state, &repo, &rev, &file, token, range);
    }
    error(StatusCode::NOT_FOUND, None, "Not Found")
}

fn error(status: StatusCode, code: Option<&str>, message: &str) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        json!({"error": message}).to_string(),
    )
        .into_response();
    let h = r.headers_mut();
    if let Some(code) = code {
        h.insert("X-Error-Code", HeaderValue::from_str(code).unwrap());
    }
    h.insert("X-Error-Message", HeaderValue::from_str(message).unwrap());
    h.insert("X-Request-Id", HeaderValue::from_static("Root=1-fake"));
    r
}

/// `/{org}/{name}/resolve/{rev}/{path}` (or a legacy `/{name}/resolve/...`).
fn split_resolve(path: &str) -> Option<(String, String, String)> {
    let (repo, rest) = path.trim_start_matches('/').split_once("/resolve/")?;
    let (rev, file) = rest.split_once('/')?;
    Some((repo.to_string(), decode(rev), decode(file)))
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The end of a `Range: bytes=0-N` header (the only form the client sends), exclusive.
fn first_bytes(range: &str) -> Option<usize> {
    let end = range.strip_prefix("bytes=0-")?.parse::<usize>().ok()?;
    end.checked_add(1)
}

fn resolve(
    state: &HubState,
    id: &str,
    rev: &str,
    file: &str,
    token: Option<&str>,
    range: Option<usize>,
) -> Response {
    // A dataset's files (its card) live under `datasets/`, as on the Hub.
    let found = match id.strip_prefix("datasets/") {
        Some(dataset) => find_in(state, "datasets", dataset, token),
        None => find_repo(state, id, token),
    };
    let repo = match found {
        Ok(r) => r,
        Err(Some(new_id)) => {
            let location = format!("/{new_id}/resolve/{rev}/{file}");
            return (
                StatusCode::TEMPORARY_REDIRECT,
                [(header::LOCATION, location)],
                "",
            )
                .into_response();
        }
        Err(None) => return repo_not_found(token),
    };
    if repo.gated() {
        match token {
            None => {
                return error(
                    StatusCode::UNAUTHORIZED,
                    Some("GatedRepo"),
                    &format!(
                        "Access to model {id} is restricted. You must have access to it and be authenticated to access it. Please log in."
                    ),
                );
            }
            Some(TOKEN_PENDING) => {
                return error(
                    StatusCode::FORBIDDEN,
                    Some("GatedRepo"),
                    &format!(
                        "Access to model {id} is restricted and you are not in the authorized list. Visit https://huggingface.co/{id} to ask for access."
                    ),
                );
            }
            Some(_) => {}
        }
    }
    if rev != "main" && rev != repo.sha() {
        return error(
            StatusCode::NOT_FOUND,
            Some("RevisionNotFound"),
            &format!("Invalid rev id: {rev}"),
        );
    }
    let path = repo.dir.join(file);
    let inside = file.split('/').all(|s| !s.is_empty() && s != "..");
    let mut headers = HeaderMap::new();
    headers.insert("X-Repo-Commit", HeaderValue::from_str(&repo.sha()).unwrap());
    if !inside || !path.is_file() || file == "_hub.yaml" || file == "api.json" {
        let mut r = error(
            StatusCode::NOT_FOUND,
            Some("EntryNotFound"),
            "Entry not found",
        );
        r.headers_mut().extend(headers);
        return r;
    }
    let mut bytes = std::fs::read(&path).expect("read fixture file");
    // The git blob's hash in the real Hub; a content hash here, so clients that key their cache
    // by ETag keep files apart.
    let etag = format!("\"{}\"", fake_sha(&String::from_utf8_lossy(&bytes)));
    headers.insert(header::ETAG, HeaderValue::from_str(&etag).unwrap());
    let total = bytes.len();
    let partial = range.filter(|&end| end < total);
    if let Some(end) = partial {
        bytes.truncate(end);
        headers.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&format!("bytes 0-{}/{total}", end - 1)).unwrap(),
        );
    }
    let mut r = Response::new(Body::from(bytes));
    if partial.is_some() {
        *r.status_mut() = StatusCode::PARTIAL_CONTENT;
    }
    r.headers_mut().extend(headers);
    r
}

/// Requests in a log whose path starts with a prefix.
pub fn count(log: &[Logged], prefix: &str) -> usize {
    log.iter().filter(|l| l.path.starts_with(prefix)).count()
}
