//! An in-process fake of the hosts behind a card, in their real response shapes: a GitHub-style
//! API (`/repos/{o}/{r}/license` with `license.spdx_id` and base64 `content`, `/repos/{o}/{r}/
//! git/trees/HEAD?recursive=1` with `tree[].{path,type}` and `truncated`), arXiv's Atom query
//! API (`/api/query?id_list=`), Crossref's works API (`/works/DOI`: `message.title[]` and
//! `message.license[].{URL,content-version}`; a plain-text 404 for a DOI it does not hold), and
//! the two openness indexes' repositories, whose records are
//! read from ../shared/corpus at run time: as GitHub archives (`/repos/{o}/{r}/tarball`
//! redirecting to another host name, as api.github.com does to codeload.github.com, which serves
//! the `.tar.gz` built here from the corpus folder under GitHub's `REPO-REF/` prefix) and as
//! GitHub contents listings (`[{name, type, download_url}]`). Every request is logged (with
//! ` [auth]` when it carried a token, never the token), to count the requests the look-ups add.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A repository the fake GitHub knows: its SPDX id (None: a license file GitHub could not
/// name) and its file paths. Facts about the real repositories, reduced.
pub const REPOS: &[(&str, Option<&str>, &[&str])] = &[
    (
        "EleutherAI/gpt-neox",
        Some("Apache-2.0"),
        &[
            "train.py",
            "eval.py",
            "generate.py",
            "configs/pythia/70M.yml",
            "tools/datasets/preprocess_data.py",
            "megatron/training.py",
        ],
    ),
    (
        "EleutherAI/pythia",
        Some("Apache-2.0"),
        &[
            "README.md",
            "models/70M/pythia-70m.yml",
            "evals/pythia-v1/README.md",
        ],
    ),
    (
        "allenai/OLMo",
        Some("Apache-2.0"),
        &[
            "scripts/train.py",
            "configs/official/OLMo-7B.yaml",
            "scripts/prepare_memmap_dataset.py",
            "olmo/eval/evaluator.py",
        ],
    ),
    (
        "LLM360/amber-train",
        Some("Apache-2.0"),
        &["train.py", "configs/amber.yaml"],
    ),
    (
        "LLM360/amber-data-prep",
        Some("Apache-2.0"),
        &["preprocess/tokenize.py"],
    ),
    (
        "google-research/text-to-text-transfer-transformer",
        Some("Apache-2.0"),
        &[
            "t5/data/preprocessors.py",
            "t5/models/mesh_transformer_main.py",
        ],
    ),
    (
        "xai-org/grok-1",
        Some("Apache-2.0"),
        &[
            "run.py",
            "model.py",
            "checkpoint.py",
            "runners.py",
            "requirements.txt",
        ],
    ),
    (
        "bigcode-project/starcoder2",
        Some("Apache-2.0"),
        &["finetune.py", "requirements.txt", "README.md"],
    ),
    // A repository whose LICENSE GitHub cannot name: isopen reads the text itself.
    ("acme/unnamed", None, &["train.py"]),
];

/// A work: DOI, title, and its license entries as (content version, URL).
type Work = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The works the fake Crossref holds: DOI, title, and license entries (content version, URL).
/// The first is the UNI paper as Crossref records a Springer Nature subscription article (the
/// publisher's text-and-data-mining terms for both versions); the second is under Crossref's
/// test prefix 10.5555, an open-access article's shape.
const WORKS: &[Work] = &[
    (
        "10.1038/s41591-024-02857-3",
        "Towards a general-purpose foundation model for computational pathology",
        &[
            (
                "tdm",
                "https://www.springernature.com/gp/researchers/text-and-data-mining",
            ),
            (
                "vor",
                "https://www.springernature.com/gp/researchers/text-and-data-mining",
            ),
        ],
    ),
    (
        "10.5555/isopen.open-paper",
        "An openly licensed technical report",
        &[
            ("tdm", "https://creativecommons.org/licenses/by/4.0"),
            ("vor", "https://creativecommons.org/licenses/by/4.0"),
        ],
    ),
];

/// The indexes' repositories and their folders in the corpus (under `openness/`).
const INDEXES: &[(&str, &str)] = &[
    ("lfai/model_openness_tool", "model_openness_tool"),
    ("Language-Technology-Assessment/main-database", "osai-index"),
];

pub struct LinksState {
    corpus: PathBuf,
    base: Mutex<String>,
    pub log: Mutex<Vec<String>>,
}

pub struct FakeLinks {
    pub url: String,
    pub state: Arc<LinksState>,
}

impl FakeLinks {
    pub fn start(corpus: PathBuf) -> FakeLinks {
        let state = Arc::new(LinksState {
            corpus,
            base: Mutex::new(String::new()),
            log: Mutex::new(Vec::new()),
        });
        let (tx, rx) = std::sync::mpsc::channel();
        let served = state.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                tx.send(listener.local_addr().expect("addr")).expect("send");
                let app = Router::new().fallback(handle).with_state(served);
                axum::serve(listener, app).await.expect("serve");
            });
        });
        let addr = rx.recv().expect("fake links started");
        let url = format!("http://{addr}");
        *state.base.lock().unwrap() = url.clone();
        FakeLinks { url, state }
    }

    /// The flags that point `--links` at this server, the indexes read from their
    /// repositories' archives (as by default).
    pub fn args(&self) -> Vec<String> {
        self.args_with(
            &format!("{}/repos/{}/tarball", self.url, INDEXES[0].0),
            &format!("{}/repos/{}/tarball", self.url, INDEXES[1].0),
        )
    }

    /// The same, the indexes read through GitHub contents listings (a request per record).
    pub fn listing_args(&self) -> Vec<String> {
        self.args_with(
            &format!("{}/mot/contents", self.url),
            &format!("{}/osai/contents", self.url),
        )
    }

    fn args_with(&self, mot: &str, osai: &str) -> Vec<String> {
        [
            "--links",
            "--github-endpoint",
            &self.url,
            "--gitlab-endpoint",
            &self.url,
            "--arxiv-endpoint",
            &self.url,
            "--crossref-endpoint",
            &self.url,
            "--mot-url",
            mot,
            "--osai-index-url",
            osai,
        ]
        .map(String::from)
        .to_vec()
    }

    pub fn requests(&self) -> Vec<String> {
        self.state.log.lock().unwrap().clone()
    }
}

fn json(v: serde_json::Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [("content-type", "application/json")],
        r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}"#,
    )
        .into_response()
}

fn b64(bytes: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

fn listing(state: &LinksState, index: &str, dir: &str, ext: &str) -> Response {
    let base = state.base.lock().unwrap().clone();
    let mut names: Vec<String> = std::fs::read_dir(state.corpus.join("openness").join(dir))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(ext))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    json(serde_json::Value::Array(
        names
            .iter()
            .map(|n| {
                serde_json::json!({
                    "name": n,
                    "path": format!("{dir}/{n}"),
                    "sha": "0000000000000000000000000000000000000000",
                    "size": 1,
                    "type": "file",
                    "download_url": format!("{base}/raw/{index}/{}", n.replace(' ', "%20")),
                })
            })
            .collect(),
    ))
}

/// The paths below `dir`, folders included, relative to it.
fn walk(dir: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("the corpus folder").flatten() {
        let rel = rel.join(e.file_name());
        if e.path().is_dir() {
            walk(&e.path(), &rel, out);
        }
        out.push(rel);
    }
}

/// A repository's archive as GitHub makes it: a pax global header with the commit, then the
/// folder's entries under `REPO-REF/`, here in reverse order of name (GitHub's is the tree's),
/// since the records read must not depend on the order they come in.
fn tar_gz(dir: &Path, root: &str) -> Vec<u8> {
    use flate2::{Compression, write::GzEncoder};
    let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
    let comment = b"52 comment=0000000000000000000000000000000000000000\n";
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(tar::EntryType::XGlobalHeader);
    h.set_size(comment.len() as u64);
    h.set_mode(0o666);
    b.append_data(&mut h, "pax_global_header", &comment[..])
        .expect("pax header");
    let mut paths = Vec::new();
    walk(dir, Path::new(""), &mut paths);
    paths.sort_by(|a, b| b.cmp(a));
    for rel in paths {
        b.append_path_with_name(dir.join(&rel), Path::new(root).join(&rel))
            .expect("a corpus file");
    }
    b.into_inner().expect("tar").finish().expect("gzip")
}

/// `/repos/{o}/{r}/tarball[/ref]` of an index repository: GitHub's redirect to codeload, on
/// another host name (`localhost` for `127.0.0.1`), so that the client's cross-host rule shows.
fn tarball_redirect(state: &LinksState, repo: &str, reference: Option<&str>) -> Response {
    let other_host = state.base.lock().unwrap().replace("127.0.0.1", "localhost");
    let reference = reference.unwrap_or("refs/heads/main");
    (
        StatusCode::FOUND,
        [(
            "location",
            format!("{other_host}/codeload/{repo}/tar.gz/{reference}"),
        )],
    )
        .into_response()
}

/// codeload's `/{o}/{r}/tar.gz/{ref}`: the archive of the repository's corpus folder.
fn codeload(state: &LinksState, rest: &str) -> Response {
    let Some((repo, reference)) = rest.split_once("/tar.gz/") else {
        return not_found();
    };
    let Some((_, dir)) = INDEXES.iter().find(|(r, _)| *r == repo) else {
        return not_found();
    };
    let name = repo.rsplit('/').next().unwrap_or(repo);
    let root = format!("{name}-{}", reference.rsplit('/').next().unwrap_or("main"));
    let mut bytes = tar_gz(&state.corpus.join("openness").join(dir), &root);
    // The ref `cut`: a download cut off half way, as a dropped connection leaves it.
    if reference == "cut" {
        bytes.truncate(bytes.len() / 2);
    }
    (
        StatusCode::OK,
        [("content-type", "application/x-gzip")],
        bytes,
    )
        .into_response()
}

async fn handle(State(state): State<Arc<LinksState>>, req: Request) -> Response {
    let uri = req.uri().clone();
    let path = uri.path().to_string();
    let query = uri.query().unwrap_or("").to_string();
    // Whether a token came with the request (never its value).
    let auth = if req.headers().contains_key("authorization") {
        " [auth]"
    } else {
        ""
    };
    state.log.lock().unwrap().push(format!(
        "{path}{}{query}{auth}",
        if query.is_empty() { "" } else { "?" }
    ));
    let path = path.replace("%20", " ");
    if path == "/mot/contents" {
        return listing(&state, "mot", "model_openness_tool/models", ".yml");
    }
    if path == "/osai/contents" {
        return listing(&state, "osai", "osai-index", ".yaml");
    }
    if let Some(rest) = path.strip_prefix("/raw/") {
        let (index, file) = rest.split_once('/').unwrap_or(("", ""));
        let dir = match index {
            "mot" => "model_openness_tool/models",
            "osai" => "osai-index",
            _ => return not_found(),
        };
        if file.contains("..") || file.contains('/') {
            return not_found();
        }
        return match std::fs::read(state.corpus.join("openness").join(dir).join(file)) {
            Ok(b) => (StatusCode::OK, b).into_response(),
            Err(_) => not_found(),
        };
    }
    if path == "/api/query" {
        let id = query.strip_prefix("id_list=").unwrap_or("");
        return (
            StatusCode::OK,
            [("content-type", "application/atom+xml; charset=UTF-8")],
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\
                 <id>https://arxiv.org/api/q</id><title>arXiv Query: id_list={id}</title>\
                 <entry><id>http://arxiv.org/abs/{id}v1</id><title>Paper {id}</title>\
                 <published>2023-04-03T17:58:10Z</published>\
                 <arxiv:primary_category term=\"cs.CL\"/></entry></feed>"
            ),
        )
            .into_response();
    }
    if let Some(doi) = path.strip_prefix("/works/") {
        let doi = doi
            .replace("%28", "(")
            .replace("%29", ")")
            .to_ascii_lowercase();
        let Some((doi, title, licenses)) = WORKS.iter().find(|(d, ..)| *d == doi) else {
            return (
                StatusCode::NOT_FOUND,
                [("content-type", "text/plain")],
                "Resource not found.",
            )
                .into_response();
        };
        return json(serde_json::json!({
            "status": "ok", "message-type": "work", "message-version": "1.0.0",
            "message": {
                "DOI": doi, "type": "journal-article", "title": [title],
                "license": licenses.iter().map(|(version, url)| serde_json::json!({
                    "start": {"date-parts": [[2024, 3, 19]]},
                    "content-version": version, "delay-in-days": 0, "URL": url
                })).collect::<Vec<_>>()
            }
        }));
    }
    if let Some(rest) = path.strip_prefix("/codeload/") {
        return codeload(&state, rest);
    }
    if let Some(rest) = path.strip_prefix("/repos/") {
        let parts: Vec<&str> = rest.split('/').collect();
        if parts.len() < 3 {
            return not_found();
        }
        let name = format!("{}/{}", parts[0], parts[1]);
        if parts[2] == "tarball" && INDEXES.iter().any(|(r, _)| *r == name) {
            let reference = (parts.len() > 3).then(|| parts[3..].join("/"));
            return tarball_redirect(&state, &name, reference.as_deref());
        }
        let Some((_, spdx, paths)) = REPOS.iter().find(|(n, ..)| *n == name) else {
            return not_found();
        };
        if parts[2] == "license" {
            // GitHub's answer for a license it cannot name: key `other`, name `Other`, spdx_id
            // `NOASSERTION`.
            let (spdx_id, name, key, text) = match spdx {
                Some(id) => (*id, *id, id.to_ascii_lowercase(), format!("{id} license text")),
                None => (
                    "NOASSERTION",
                    "Other",
                    "other".to_string(),
                    "Licensed under the Apache License, Version 2.0 (the \"License\"); you may not use \
                     this file except in compliance with the License."
                        .to_string(),
                ),
            };
            return json(serde_json::json!({
                "name": "LICENSE", "path": "LICENSE", "sha": "0", "size": text.len(),
                "type": "file", "content": b64(text.as_bytes()), "encoding": "base64",
                "license": {"key": key, "name": name, "spdx_id": spdx_id,
                            "url": null, "node_id": "MDc6TGljZW5zZTA="}
            }));
        }
        if parts[2] == "git" && parts.get(3) == Some(&"trees") {
            return json(serde_json::json!({
                "sha": "0", "url": "",
                "tree": paths.iter().map(|p| serde_json::json!({
                    "path": p, "mode": "100644", "type": "blob", "sha": "0", "size": 1
                })).collect::<Vec<_>>(),
                "truncated": false
            }));
        }
    }
    not_found()
}
