//! ModelScope's two APIs (`/openapi/v1/…`, `/api/v1/…`) over fixture folders with a
//! `_modelscope.yaml`.

use super::*;

/// `_modelscope.yaml`: what a ModelScope fixture cannot say by its files alone.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct ModelScopeMeta {
    /// ModelScope's free-text `License`.
    pub(super) license: Option<String>,
    pub(super) tags: Vec<String>,
    pub(super) gated: bool,
    pub(super) private: bool,
    /// Which API answers: `both` (default), `openapi` or `legacy`.
    pub(super) api: Option<String>,
    /// The commit the file list names.
    pub(super) revision: Option<String>,
    /// Files listed beyond those stored (a listing the server cuts at 3,000 entries).
    pub(super) extra_files: usize,
}

/// ModelScope's OpenAPI and legacy API over `modelscope/models/<owner>/<name>/`.
pub(super) fn modelscope(
    state: &HubState,
    path: &str,
    query: Option<&str>,
    auth: Option<&str>,
) -> Response {
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
