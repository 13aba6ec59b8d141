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

/// Tokens the fake hub knows.
pub const TOKEN_APPROVED: &str = "hf_fake_approved_0123456789";
pub const TOKEN_PENDING: &str = "hf_fake_pending_0123456789";

/// A fault to inject on requests whose path starts with a prefix.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status (and a JSON error body).
    Status(u16),
    /// 429 with `Retry-After: secs`.
    RateLimit { retry_after: u64 },
    /// Start the body, then drop the connection.
    Truncate,
    /// Wait before answering (then answer normally).
    Latency(Duration),
    /// A body of this many bytes (a README that never ends), streamed.
    Huge(usize),
    /// 307 to another location.
    Redirect(String),
    /// An error (`status`, `X-Error-Code: code`) whose message is `message` with `{token}`
    /// replaced by the bearer token the request carried, as a careless hub or proxy echoes
    /// it: in `X-Error-Message` and the JSON body, or (`header: false`) in the body alone.
    Echo {
        status: u16,
        code: Option<&'static str>,
        message: String,
        header: bool,
    },
    /// A blob that claims to be this many bytes: 200 whatever the `Range`, the file's bytes
    /// then zeros, streamed (a server that ignores ranges, in front of a 4 GB model layer).
    Sparse(u64),
}

/// `_hub.yaml`: what a fixture folder cannot say by its files alone.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct HubMeta {
    sha: Option<String>,
    gated: Option<Value>,
    private: bool,
    downloads: u64,
    likes: u64,
    last_modified: Option<String>,
    safetensors_total: Option<u64>,
    config: Option<Value>,
    card_data: Option<Value>,
    pipeline_tag: Option<String>,
    library_name: Option<String>,
    files: Vec<ExtraFile>,
    renamed_from: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtraFile {
    path: String,
    size: u64,
}

#[derive(Debug)]
struct Injected {
    prefix: String,
    fault: Fault,
    remaining: usize,
}

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

    pub fn requests(&self) -> Vec<Logged> {
        self.state.log.lock().unwrap().clone()
    }
}

fn take_fault(state: &HubState, path: &str) -> Option<Fault> {
    let mut faults = state.faults.lock().unwrap();
    let i = faults
        .iter()
        .position(|f| f.remaining > 0 && path.starts_with(&f.prefix))?;
    faults[i].remaining -= 1;
    Some(faults[i].fault.clone())
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
    while let Some(fault) = take_fault(&state, &target) {
        match fault {
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

/// A README front matter followed by `size` bytes of prose, streamed in 64 KiB chunks.
fn huge_readme(size: usize) -> Response {
    let head = Bytes::from_static(b"---\nlicense: mit\n---\n# Huge card\n");
    let chunk = Bytes::from(vec![b'a'; 64 * 1024]);
    let n = size / chunk.len();
    let stream = futures_util::stream::iter(
        std::iter::once(Ok::<_, std::io::Error>(head)).chain(std::iter::repeat_n(chunk, n).map(Ok)),
    );
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(
        "X-Repo-Commit",
        HeaderValue::from_static("0000000000000000000000000000000000000000"),
    );
    r
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

struct Repo {
    id: String,
    dir: PathBuf,
    meta: HubMeta,
}

impl Repo {
    fn sha(&self) -> String {
        self.meta.sha.clone().unwrap_or_else(|| fake_sha(&self.id))
    }
    fn gated(&self) -> bool {
        matches!(
            &self.meta.gated,
            Some(Value::String(_)) | Some(Value::Bool(true))
        )
    }
}

fn fake_sha(id: &str) -> String {
    // Stable and hex: repeat a hash of the id.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}{h:016x}{:08x}", h as u32)
}

/// Finds the fixture folder of a repo id, or the id it was renamed to.
fn find_repo(state: &HubState, id: &str, token: Option<&str>) -> Result<Repo, Option<String>> {
    find_in(state, "models", id, token)
}

/// A repo under `models/` or `datasets/`, as `token` sees it: another user's private repo looks
/// missing.
fn find_in(
    state: &HubState,
    kind: &str,
    id: &str,
    token: Option<&str>,
) -> Result<Repo, Option<String>> {
    if id.split('/').any(|p| p.is_empty() || p == "..") {
        return Err(None);
    }
    let dir = state.root.join(kind).join(id);
    if dir.is_dir() {
        let meta = std::fs::read_to_string(dir.join("_hub.yaml"))
            .ok()
            .map(|t| serde_saphyr::from_str::<HubMeta>(&t).expect("valid _hub.yaml"))
            .unwrap_or_default();
        if meta.private && token != Some(TOKEN_APPROVED) {
            return Err(None);
        }
        return Ok(Repo {
            id: id.to_string(),
            dir,
            meta,
        });
    }
    // Renamed repos: scan fixtures for `renamed_from`.
    for org in std::fs::read_dir(state.root.join("models"))
        .into_iter()
        .flatten()
        .flatten()
    {
        for repo in std::fs::read_dir(org.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if let Ok(t) = std::fs::read_to_string(repo.path().join("_hub.yaml"))
                && let Ok(meta) = serde_saphyr::from_str::<HubMeta>(&t)
                && meta.renamed_from.iter().any(|r| r == id)
            {
                return Err(Some(format!(
                    "{}/{}",
                    org.file_name().to_string_lossy(),
                    repo.file_name().to_string_lossy()
                )));
            }
        }
    }
    Err(None)
}

fn repo_not_found(token: Option<&str>) -> Response {
    match token {
        None => error(
            StatusCode::UNAUTHORIZED,
            Some("RepoNotFound"),
            "Invalid username or password.",
        ),
        Some(_) => error(
            StatusCode::NOT_FOUND,
            Some("RepoNotFound"),
            "Repository not found",
        ),
    }
}

fn model_info(
    state: &HubState,
    rest: &str,
    query: Option<&str>,
    token: Option<&str>,
    if_none_match: Option<&str>,
) -> Response {
    let (id, revision) = match rest.split_once("/revision/") {
        Some((id, rev)) => (id.to_string(), Some(decode(rev))),
        None => (rest.to_string(), None),
    };
    let repo = match find_repo(state, &id, token) {
        Ok(r) => r,
        Err(Some(new_id)) => {
            let suffix = rest.strip_prefix(id.as_str()).unwrap_or("");
            let location = match query {
                Some(q) => format!("/api/models/{new_id}{suffix}?{q}"),
                None => format!("/api/models/{new_id}{suffix}"),
            };
            return (
                StatusCode::TEMPORARY_REDIRECT,
                [(header::LOCATION, location.clone())],
                format!("Temporary Redirect. Redirecting to {location}"),
            )
                .into_response();
        }
        Err(None) => return repo_not_found(token),
    };
    if let Some(rev) = &revision
        && rev != "main"
        && *rev != repo.sha()
    {
        return error(
            StatusCode::NOT_FOUND,
            Some("RevisionNotFound"),
            &format!("Invalid rev id: {rev}"),
        );
    }
    let raw = repo.dir.join("api.json");
    let body = if raw.is_file() {
        std::fs::read(raw).expect("read api.json")
    } else {
        derive_info(&repo).to_string().into_bytes()
    };
    json_with_etag(body, if_none_match)
}

/// A JSON answer with a weak ETag derived from its content, as the Hub sends; a request whose
/// `If-None-Match` carries that ETag gets a 304.
fn json_with_etag(body: Vec<u8>, if_none_match: Option<&str>) -> Response {
    let etag = format!("W/\"{}\"", fake_sha(&String::from_utf8_lossy(&body)));
    if if_none_match == Some(etag.as_str()) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut()
            .insert(header::ETAG, HeaderValue::from_str(&etag).unwrap());
        return r;
    }
    let mut r = Response::new(Body::from(body));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    h.insert("X-Request-Id", HeaderValue::from_static("Root=1-fake"));
    h.insert(header::ETAG, HeaderValue::from_str(&etag).unwrap());
    r
}

/// Dataset info: id, gating and the card's front matter as `cardData` with `license:` tags.
fn dataset_info(
    state: &HubState,
    id: &str,
    token: Option<&str>,
    if_none_match: Option<&str>,
) -> Response {
    let Ok(repo) = find_in(state, "datasets", id, token) else {
        return repo_not_found(token);
    };
    let readme = std::fs::read_to_string(repo.dir.join("README.md")).unwrap_or_default();
    let card = repo
        .meta
        .card_data
        .clone()
        .or_else(|| front_matter(&readme));
    let mut tags = Vec::new();
    if let Some(l) = card.as_ref().and_then(|c| c.get("license")) {
        match l {
            Value::String(s) => tags.push(format!("license:{s}")),
            Value::Array(a) => tags.extend(
                a.iter()
                    .filter_map(|x| x.as_str())
                    .map(|x| format!("license:{x}")),
            ),
            _ => {}
        }
    }
    let mut info = json!({
        "_id": format!("{:0>24}", &repo.sha()[..12]),
        "id": id,
        "author": id.split_once('/').map_or("", |(a, _)| a),
        "sha": repo.sha(),
        "private": repo.meta.private,
        "gated": repo.meta.gated.clone().unwrap_or(Value::Bool(false)),
        "disabled": false,
        "downloads": repo.meta.downloads,
        "likes": repo.meta.likes,
        "tags": tags,
    });
    if let Some(c) = card {
        info["cardData"] = c;
    }
    json_with_etag(info.to_string().into_bytes(), if_none_match)
}

/// Model info as the Hub derives it from the repo's files.
fn derive_info(repo: &Repo) -> Value {
    let readme = std::fs::read_to_string(repo.dir.join("README.md")).unwrap_or_default();
    let card = repo
        .meta
        .card_data
        .clone()
        .or_else(|| front_matter(&readme));
    let mut tags: Vec<String> = Vec::new();
    if let Some(lib) = &repo.meta.library_name {
        tags.push(lib.clone());
    }
    let list = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    if let Some(c) = &card {
        tags.extend(list(c.get("tags")));
        for l in list(c.get("license")) {
            tags.push(format!("license:{l}"));
        }
        for d in list(c.get("datasets")) {
            tags.push(format!("dataset:{d}"));
        }
        let bases = list(c.get("base_model"));
        let relation = c
            .get("base_model_relation")
            .and_then(|r| r.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| {
                if bases.len() > 1 {
                    "merge".into()
                } else {
                    "finetune".into()
                }
            });
        for b in bases {
            tags.push(format!("base_model:{b}"));
            tags.push(format!("base_model:{relation}:{b}"));
        }
    }
    // The Hub tags the arXiv papers a card links.
    let mut rest = readme.as_str();
    while let Some(i) = rest.find("arxiv.org/") {
        rest = &rest[i + "arxiv.org/".len()..];
        let Some(after) = rest
            .strip_prefix("abs/")
            .or_else(|| rest.strip_prefix("pdf/"))
        else {
            continue;
        };
        rest = after;
        let id: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let id = id.trim_end_matches('.');
        if !id.is_empty() && !tags.contains(&format!("arxiv:{id}")) {
            tags.push(format!("arxiv:{id}"));
        }
    }
    tags.push("region:us".into());
    let mut siblings: Vec<Value> = Vec::new();
    let mut names: Vec<(String, u64)> = Vec::new();
    collect_files(&repo.dir, &repo.dir, &mut names);
    for f in &repo.meta.files {
        names.push((f.path.clone(), f.size));
    }
    names.sort();
    for (name, size) in names {
        let mut s = json!({"rfilename": name, "size": size, "blobId": "0".repeat(40)});
        if size > 10 * 1024 * 1024 {
            s["lfs"] = json!({"size": size, "sha256": "0".repeat(64), "pointerSize": 134});
        }
        siblings.push(s);
    }
    let (author, _) = repo.id.split_once('/').unwrap_or(("", &repo.id));
    let mut info = json!({
        "_id": format!("{:0>24}", &repo.sha()[..12]),
        "id": repo.id,
        "modelId": repo.id,
        "author": author,
        "sha": repo.sha(),
        "lastModified": repo.meta.last_modified.clone().unwrap_or_else(|| "2025-01-01T00:00:00.000Z".into()),
        "private": repo.meta.private,
        "gated": repo.meta.gated.clone().unwrap_or(Value::Bool(false)),
        "disabled": false,
        "downloads": repo.meta.downloads,
        "likes": repo.meta.likes,
        "tags": tags,
        "siblings": siblings,
        "createdAt": "2024-01-01T00:00:00.000Z",
    });
    if let Some(c) = card {
        info["cardData"] = c;
    }
    if let Some(p) = &repo.meta.pipeline_tag {
        info["pipeline_tag"] = json!(p);
    }
    if let Some(l) = &repo.meta.library_name {
        info["library_name"] = json!(l);
    }
    if let Some(c) = &repo.meta.config {
        info["config"] = c.clone();
    }
    if let Some(t) = repo.meta.safetensors_total {
        info["safetensors"] = json!({"parameters": {"BF16": t}, "total": t});
    }
    info
}

fn front_matter(readme: &str) -> Option<Value> {
    let rest = readme
        .strip_prefix("---\n")
        .or_else(|| readme.strip_prefix("---\r\n"))?;
    let end = rest.find("\n---")?;
    serde_saphyr::from_str::<Value>(&rest[..end])
        .ok()
        .filter(Value::is_object)
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(String, u64)>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "_hub.yaml" || name == "api.json" || name == "_modelscope.yaml" {
            continue;
        }
        if p.is_dir() {
            collect_files(root, &p, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
            out.push((rel.to_string_lossy().into_owned(), size));
        }
    }
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
    let repo = match find_repo(state, id, token) {
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

/// `/v2/{ns}/{model}/manifests/{tag}` and `/v2/{ns}/{model}/blobs/sha256:{hex}` from the
/// store. Manifests go out as `text/plain`, as the real registry has been seen to answer
/// (ollama/ollama#6470): a client must not trust the type.
fn ollama_registry(state: &HubState, rest: &str, range: Option<usize>) -> Response {
    let parts: Vec<&str> = rest.split('/').collect();
    let safe = |p: &str| !p.is_empty() && p != "." && p != ".." && !p.contains('\\');
    match parts.as_slice() {
        [ns, model, "manifests", tag] if [ns, model, tag].iter().all(|p| safe(p)) => {
            let file = state
                .ollama
                .join("manifests/registry.ollama.ai")
                .join(ns)
                .join(model)
                .join(tag);
            match std::fs::read(&file) {
                Ok(bytes) => (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    bytes,
                )
                    .into_response(),
                Err(_) => ollama_error(
                    StatusCode::NOT_FOUND,
                    "MANIFEST_UNKNOWN",
                    "manifest unknown",
                ),
            }
        }
        [_, _, "blobs", digest] => match blob_file(state, digest) {
            Some(file) => {
                let mut bytes = std::fs::read(file).unwrap();
                let total = bytes.len();
                let partial = range.filter(|&end| end < total);
                let mut r = if let Some(end) = partial {
                    bytes.truncate(end);
                    let mut r = Response::new(Body::from(bytes));
                    *r.status_mut() = StatusCode::PARTIAL_CONTENT;
                    r.headers_mut().insert(
                        header::CONTENT_RANGE,
                        HeaderValue::from_str(&format!("bytes 0-{}/{total}", end - 1)).unwrap(),
                    );
                    r
                } else {
                    Response::new(Body::from(bytes))
                };
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/octet-stream"),
                );
                r
            }
            None => ollama_error(
                StatusCode::NOT_FOUND,
                "BLOB_UNKNOWN",
                "blob unknown to registry",
            ),
        },
        _ => ollama_error(
            StatusCode::NOT_FOUND,
            "NAME_UNKNOWN",
            "repository name not known to registry",
        ),
    }
}

/// The store's file for a digest, when it is a well-formed one the store holds.
fn blob_file(state: &HubState, digest: &str) -> Option<PathBuf> {
    let hex = digest.strip_prefix("sha256:")?;
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let file = state.ollama.join("blobs").join(format!("sha256-{hex}"));
    file.is_file().then_some(file)
}

/// A Docker registry error body.
fn ollama_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"errors": [{"code": code, "message": message}]}).to_string(),
    )
        .into_response()
}

/// The blob at `path` claimed to be `size` bytes: its bytes, then zeros, in 64 KiB chunks.
fn sparse_blob(state: &HubState, path: &str, size: u64) -> Response {
    let digest = path.rsplit('/').next().unwrap_or_default();
    let head = blob_file(state, digest)
        .and_then(|f| std::fs::read(f).ok())
        .unwrap_or_default();
    let head_len = head.len() as u64;
    let chunk = Bytes::from(vec![0u8; 64 * 1024]);
    let zeros = size.saturating_sub(head_len);
    let full = zeros / chunk.len() as u64;
    let tail = (zeros % chunk.len() as u64) as usize;
    let stream = futures_util::stream::iter(
        std::iter::once(Bytes::from(head))
            .chain(std::iter::repeat_n(chunk.clone(), full as usize))
            .chain(std::iter::once(chunk.slice(..tail)))
            .map(Ok::<_, std::io::Error>),
    );
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    r
}

/// `_modelscope.yaml`: what a ModelScope fixture cannot say by its files alone.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ModelScopeMeta {
    /// ModelScope's free-text `License`.
    license: Option<String>,
    tags: Vec<String>,
    gated: bool,
    private: bool,
    /// Which API answers: `both` (default), `openapi` or `legacy`.
    api: Option<String>,
    /// The commit the file list names.
    revision: Option<String>,
    /// Files listed beyond those stored (a listing the server cuts at 3,000 entries).
    extra_files: usize,
}

/// ModelScope's OpenAPI and legacy API over `modelscope/models/<owner>/<name>/`.
fn modelscope(state: &HubState, path: &str, query: Option<&str>, auth: Option<&str>) -> Response {
    let param = |name: &str| {
        query.unwrap_or_default().split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| decode(v))
        })
    };
    let (openapi, rest) = match path.strip_prefix("/openapi/v1/models/") {
        Some(rest) => (true, rest),
        None => (
            false,
            path.strip_prefix("/api/v1/models/").unwrap_or_default(),
        ),
    };
    let mut parts = rest.splitn(3, '/');
    let (owner, name, tail) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next(),
    );
    let dir = state.modelscope.join("models").join(owner).join(name);
    let valid = [owner, name]
        .iter()
        .all(|p| !p.is_empty() && *p != "." && *p != "..");
    let meta: Option<ModelScopeMeta> = (valid && dir.is_dir()).then(|| {
        std::fs::read_to_string(dir.join("_modelscope.yaml"))
            .ok()
            .map(|t| serde_saphyr::from_str(&t).expect("valid _modelscope.yaml"))
            .unwrap_or_default()
    });
    let legacy_missing = || {
        (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            json!({"Code": 10010205001u64, "Success": false, "Message": "model not exist", "Data": null}).to_string(),
        )
            .into_response()
    };
    let Some(meta) = meta else {
        if openapi {
            return (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "application/json")],
                json!({"success": false, "code": "NotFound", "message": "model not found"})
                    .to_string(),
            )
                .into_response();
        }
        return legacy_missing();
    };
    let api = meta.api.as_deref().unwrap_or("both");
    let readme = std::fs::read_to_string(dir.join("README.md")).ok();
    let sha = meta
        .revision
        .clone()
        .unwrap_or_else(|| fake_sha(&format!("{owner}/{name}")));
    let ok = |body: Value| {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    };
    match (openapi, tail) {
        (true, None) if api != "legacy" => ok(json!({
            "success": true,
            "request_id": "fake",
            "data": {
                "id": format!("{owner}/{name}"),
                "display_name": name,
                "license": meta.license,
                "tags": meta.tags,
                "gated": meta.gated,
                "private": meta.private,
                "downloads": 1234,
                "likes": 5,
                "last_modified": "2025-03-01T00:00:00Z",
            }
        })),
        (true, _) => StatusCode::NOT_FOUND.into_response(),
        (false, None) if api != "openapi" => ok(json!({
            "Code": 200,
            "Success": true,
            "Message": "success",
            "Data": {
                "Id": 1,
                "Name": name,
                "Path": owner,
                "License": meta.license,
                "Tags": meta.tags,
                "ApprovalMode": if meta.gated { 2 } else { 1 },
                "Visibility": if meta.private { 1 } else { 5 },
                "ReadMeContent": readme,
                "Downloads": 1234,
                "Stars": 5,
                "LastUpdatedTime": 1_740_787_200,
            }
        })),
        (false, None) => legacy_missing(),
        (false, Some("repo/files")) => {
            let mut names = Vec::new();
            collect_files(&dir, &dir, &mut names);
            names.sort();
            let mut files: Vec<Value> = names
                .iter()
                .map(|(p, size)| {
                    json!({"Name": p.rsplit('/').next(), "Path": p, "Size": size, "Type": "blob",
                           "Revision": sha, "Sha256": "0".repeat(64), "CommittedDate": 1_740_787_200})
                })
                .collect();
            for i in 0..meta.extra_files {
                files.push(json!({"Name": format!("shard-{i:05}.bin"), "Path": format!("shards/shard-{i:05}.bin"),
                                  "Size": 1, "Type": "blob", "Revision": sha}));
            }
            files.truncate(3000);
            ok(
                json!({"Code": 200, "Success": true, "Message": "success", "Data": {"Files": files}}),
            )
        }
        (false, Some("repo")) => {
            if meta.gated && auth.is_none() {
                return (
                    StatusCode::UNAUTHORIZED,
                    [(header::CONTENT_TYPE, "application/json")],
                    json!({"Code": 10010101004u64, "Success": false, "Message": "login required"})
                        .to_string(),
                )
                    .into_response();
            }
            let file = param("FilePath").unwrap_or_default();
            let inside = file.split('/').all(|s| !s.is_empty() && s != "..");
            let p = dir.join(&file);
            if !inside || !p.is_file() || file == "_modelscope.yaml" {
                return legacy_missing();
            }
            Response::new(Body::from(std::fs::read(p).unwrap()))
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Requests in a log whose path starts with a prefix.
pub fn count(log: &[Logged], prefix: &str) -> usize {
    log.iter().filter(|l| l.path.starts_with(prefix)).count()
}
