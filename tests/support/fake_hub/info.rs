//! Model and dataset info derived from a fixture folder the way the Hub derives it: `cardData`
//! from the front matter, tags, `siblings` with sizes, gating, private and missing repos, and
//! the `_hub.yaml` overrides; `api.json` captures served verbatim.

use super::*;

/// `_hub.yaml`: what a fixture folder cannot say by its files alone.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct HubMeta {
    pub(super) sha: Option<String>,
    pub(super) gated: Option<Value>,
    pub(super) private: bool,
    pub(super) downloads: u64,
    pub(super) likes: u64,
    pub(super) last_modified: Option<String>,
    pub(super) safetensors_total: Option<u64>,
    pub(super) config: Option<Value>,
    pub(super) card_data: Option<Value>,
    pub(super) pipeline_tag: Option<String>,
    pub(super) library_name: Option<String>,
    pub(super) files: Vec<ExtraFile>,
    pub(super) renamed_from: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExtraFile {
    pub(super) path: String,
    pub(super) size: u64,
}

pub(super) struct Repo {
    pub(super) id: String,
    pub(super) dir: PathBuf,
    pub(super) meta: HubMeta,
}

impl Repo {
    pub(super) fn sha(&self) -> String {
        self.meta.sha.clone().unwrap_or_else(|| fake_sha(&self.id))
    }
    pub(super) fn gated(&self) -> bool {
        matches!(
            &self.meta.gated,
            Some(Value::String(_)) | Some(Value::Bool(true))
        )
    }
}

pub(super) fn fake_sha(id: &str) -> String {
    // Stable and hex: repeat a hash of the id.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in id.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}{h:016x}{:08x}", h as u32)
}

/// Finds the fixture folder of a repo id, or the id it was renamed to.
pub(super) fn find_repo(
    state: &HubState,
    id: &str,
    token: Option<&str>,
) -> Result<Repo, Option<String>> {
    find_in(state, "models", id, token)
}

/// A repo under `models/` or `datasets/`, as `token` sees it: another user's private repo looks
/// missing.
pub(super) fn find_in(
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

pub(super) fn repo_not_found(token: Option<&str>) -> Response {
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

pub(super) fn model_info(
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
pub(super) fn json_with_etag(body: Vec<u8>, if_none_match: Option<&str>) -> Response {
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
pub(super) fn dataset_info(
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
pub(super) fn derive_info(repo: &Repo) -> Value {
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

pub(super) fn front_matter(readme: &str) -> Option<Value> {
    let rest = readme
        .strip_prefix("---\n")
        .or_else(|| readme.strip_prefix("---\r\n"))?;
    let end = rest.find("\n---")?;
    serde_saphyr::from_str::<Value>(&rest[..end])
        .ok()
        .filter(Value::is_object)
}

pub(super) fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(String, u64)>) {
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
