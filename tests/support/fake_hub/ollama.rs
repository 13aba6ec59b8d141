//! The Ollama registry protocol (`/v2/{ns}/{model}/manifests/{tag}`, `/blobs/{digest}`) over a
//! store in Ollama's own layout.

use super::*;

/// `/v2/{ns}/{model}/manifests/{tag}` and `/v2/{ns}/{model}/blobs/sha256:{hex}` from the
/// store. Manifests go out as `text/plain`, as the real registry has been seen to answer
/// (ollama/ollama#6470): a client must not trust the type.
pub(super) fn ollama_registry(state: &HubState, rest: &str, range: Option<usize>) -> Response {
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
pub(super) fn blob_file(state: &HubState, digest: &str) -> Option<PathBuf> {
    let hex = digest.strip_prefix("sha256:")?;
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let file = state.ollama.join("blobs").join(format!("sha256-{hex}"));
    file.is_file().then_some(file)
}

/// A Docker registry error body.
pub(super) fn ollama_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"errors": [{"code": code, "message": message}]}).to_string(),
    )
        .into_response()
}
