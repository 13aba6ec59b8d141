//! Ollama models: a manifest (Docker v2 JSON) naming content-addressed layers, read from an
//! Ollama registry (`GET {base}/v2/{namespace}/{model}/manifests/{tag}`, blobs at
//! `…/blobs/sha256:<hex>`) or from the local Ollama store (`$OLLAMA_MODELS`, else
//! `~/.ollama/models`: `manifests[-v2]/<host>/<namespace>/<model>/<tag>` and
//! `blobs/sha256-<hex>`). Either way the model becomes the same `Snapshot` as a Hub repository:
//! each license layer is a license file of its own (a license and its use policy are identified
//! apart, never concatenated), the model layer's GGUF header is read from its first bytes (one
//! range request, never the weights), the config, params, template and system layers are read
//! bounded, and a cloud model (`:cloud`, `-cloud`, or a config naming a remote host) has no
//! weights.
//!
//! Everything here is untrusted: the manifest is bounded in bytes and its layers in number
//! (at most `MAX_LICENSE_LAYERS` license layers are fetched, the rest are evidence unread), a
//! digest is used only when it is exactly `sha256:<64 lowercase hex>` (so `../` can never reach
//! a path or a URL), media types are compared by prefix with their `;` parameters dropped, the
//! `Content-Type` of an answer is never trusted, every small blob read whole must match its
//! digest, and store reads open regular files only, never through a link out of the store.

use std::path::{Path, PathBuf};

use futures_util::future::join_all;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::cache::Key;
use super::client::{BodyRead, HubClient};
use super::error::SourceError;
use super::fetch::{GGUF_HEAD_BYTES, gguf_outcome, text_outcome};
use super::local::read_inside;
use crate::model_ref::OllamaName;
use crate::snapshot::{FetchedFile, FileOutcome, ModelInfo, Sibling, Snapshot, Source};

/// The registry isopen asks by default (`OLLAMA_REGISTRY` or `--ollama-endpoint` override it).
pub const DEFAULT_REGISTRY: &str = "https://registry.ollama.ai";
/// The media type a manifest is asked for in.
pub const MANIFEST_ACCEPT: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// A manifest is a few hundred bytes; a tensor-per-layer model's a few hundred KiB.
const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;
/// The config, params, template and system layers are a few KiB at most.
const MAX_SMALL_LAYER_BYTES: usize = 64 * 1024;
/// License layers fetched per model (real models carry one or two: a license and its use
/// policy); the rest are evidence unread.
pub const MAX_LICENSE_LAYERS: usize = 8;

const MODEL: &str = "application/vnd.ollama.image.model";
const ADAPTER: &str = "application/vnd.ollama.image.adapter";
const PROJECTOR: &str = "application/vnd.ollama.image.projector";
const TENSOR: &str = "application/vnd.ollama.image.tensor";
const LICENSE: &str = "application/vnd.ollama.image.license";
const PARAMS: &str = "application/vnd.ollama.image.params";
const TEMPLATE: &str = "application/vnd.ollama.image.template";
const PROMPT: &str = "application/vnd.ollama.image.prompt";
const SYSTEM: &str = "application/vnd.ollama.image.system";

/// Where Ollama models are read from.
#[derive(Debug, Clone)]
pub enum Store<'a> {
    /// A registry, through a client whose endpoint is its base URL.
    Registry(&'a HubClient),
    /// The local store (its root folder), read without any request.
    Local(&'a LocalStore),
}

/// The local Ollama store: its root, and the registry hosts its manifests are filed under.
#[derive(Debug, Clone)]
pub struct LocalStore {
    pub root: PathBuf,
    /// Host folders to look in, first first (`registry.ollama.ai`, `ollama.com`).
    pub hosts: Vec<String>,
}

impl LocalStore {
    /// The store at `root`. `ollama pull NAME` files a name without a host under Ollama's own
    /// registry (`registry.ollama.ai`, or `ollama.com` in the newer layout), whatever isopen's
    /// registry is; a model pulled from the registry at `base` is filed under its host (with
    /// its port, as Ollama files it), looked in first.
    pub fn new(root: PathBuf, base: &str) -> LocalStore {
        let host = base
            .split_once("://")
            .map_or(base, |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let mut hosts = vec![host];
        for own in ["registry.ollama.ai", "ollama.com"] {
            if !hosts.iter().any(|h| h == own) {
                hosts.push(own.to_string());
            }
        }
        LocalStore { root, hosts }
    }

    /// The manifest file of a name, when the store has one: `manifests/` first, then
    /// `manifests-v2/`, each host in turn, the name as given then in lower case. Every part
    /// was validated (no separators, no `..`), so the path stays inside the store.
    pub fn manifest_path(&self, name: &OllamaName) -> Option<PathBuf> {
        let spellings = [
            (name.namespace.clone(), name.model.clone(), name.tag.clone()),
            (
                name.namespace.to_ascii_lowercase(),
                name.model.to_ascii_lowercase(),
                name.tag.to_ascii_lowercase(),
            ),
        ];
        for dir in ["manifests", "manifests-v2"] {
            for host in &self.hosts {
                if !safe_host(host) {
                    continue;
                }
                for (ns, model, tag) in &spellings {
                    let p = self
                        .root
                        .join(dir)
                        .join(host)
                        .join(ns)
                        .join(model)
                        .join(tag);
                    if p.symlink_metadata().is_ok() {
                        return Some(p);
                    }
                }
            }
        }
        None
    }

    fn blob_path(&self, hex: &str) -> PathBuf {
        self.root.join("blobs").join(format!("sha256-{hex}"))
    }
}

/// A host folder name: letters, digits, `.`, `-`, `_` and a port's `:`, never `..`.
fn safe_host(host: &str) -> bool {
    !host.is_empty()
        && !host.contains("..")
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
}

/// The manifest, as Ollama writes it (`manifest/manifest.go`): every field optional, so one
/// odd field never loses the rest.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Manifest {
    #[serde(rename = "schemaVersion")]
    pub schema_version: Option<i64>,
    #[serde(rename = "mediaType")]
    pub media_type: Option<String>,
    pub config: Option<Layer>,
    pub layers: Vec<Layer>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Layer {
    #[serde(rename = "mediaType")]
    pub media_type: String,
    pub digest: String,
    pub size: Option<i64>,
    pub from: Option<String>,
    pub name: Option<String>,
}

impl Layer {
    /// The media type without its `;` parameters, in lower case.
    pub fn kind(&self) -> String {
        media_kind(&self.media_type)
    }

    /// The digest's hex, when the digest is exactly `sha256:<64 lowercase hex>`.
    pub fn hex(&self) -> Option<&str> {
        digest_hex(&self.digest)
    }

    fn size(&self) -> Option<u64> {
        self.size.and_then(|s| u64::try_from(s).ok())
    }

    /// A short name for the layer in reports: its kind and the digest's first 12 hex digits.
    fn label(&self, kind: &str) -> String {
        match self.hex() {
            Some(hex) => format!("{kind}-{}", &hex[..12]),
            None => format!("{kind}-(invalid digest)"),
        }
    }
}

/// A media type compared by prefix: parameters (`; type=gguf`) dropped, case folded.
pub fn media_kind(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The hex of a `sha256:<64 lowercase hex>` digest; anything else is refused before it can
/// become part of a path or a URL.
pub fn digest_hex(digest: &str) -> Option<&str> {
    let hex = digest.strip_prefix("sha256:")?;
    (hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))).then_some(hex)
}

/// Parses a manifest body; a body that is not one is a bad response.
pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, SourceError> {
    serde_json::from_slice::<Manifest>(bytes).map_err(|e| {
        SourceError::BadResponse(format!("the Ollama manifest is not valid JSON: {e}"))
    })
}

/// The layers of a manifest, sorted by what they hold.
#[derive(Debug, Default)]
struct Plan<'m> {
    model: Option<&'m Layer>,
    weights: Vec<(&'m Layer, &'static str)>,
    licenses: Vec<&'m Layer>,
    params: Option<&'m Layer>,
    template: Option<&'m Layer>,
    system: Option<&'m Layer>,
}

fn plan(m: &Manifest) -> Plan<'_> {
    let mut p = Plan::default();
    for layer in &m.layers {
        match layer.kind().as_str() {
            MODEL => {
                p.model.get_or_insert(layer);
                p.weights.push((layer, "model"));
            }
            ADAPTER => p.weights.push((layer, "adapter")),
            PROJECTOR => p.weights.push((layer, "projector")),
            TENSOR => p.weights.push((layer, "tensor")),
            LICENSE => p.licenses.push(layer),
            PARAMS => {
                p.params.get_or_insert(layer);
            }
            TEMPLATE | PROMPT => {
                p.template.get_or_insert(layer);
            }
            SYSTEM => {
                p.system.get_or_insert(layer);
            }
            _ => {}
        }
    }
    p
}

/// A blob read: its bytes, and whether it was cut at the limit.
type BlobRead = Result<(Vec<u8>, bool), String>;

impl Store<'_> {
    /// The manifest's bytes, and where they were read (for a note).
    async fn manifest(&self, name: &OllamaName) -> Result<(Vec<u8>, String), SourceError> {
        match self {
            Store::Registry(client) => {
                let path = format!(
                    "/v2/{}/{}/manifests/{}",
                    name.namespace, name.model, name.tag
                );
                let body = client
                    .get_path(
                        &Key::Page { path: &path },
                        &path,
                        MAX_MANIFEST_BYTES,
                        BodyRead::Whole,
                    )
                    .await
                    .map_err(|e| match e {
                        SourceError::NotFound(_) => SourceError::NotFound(format!(
                            "the Ollama registry has no model {name}"
                        )),
                        other => other,
                    })?;
                Ok((
                    body.bytes,
                    format!("the Ollama registry {}", client.config().endpoint),
                ))
            }
            Store::Local(store) => {
                let path = store.manifest_path(name).ok_or_else(|| {
                    SourceError::Offline(format!(
                        "the Ollama store {} has no model {name}",
                        store.root.display()
                    ))
                })?;
                let (bytes, cut) = read_inside(&store.root, &path, MAX_MANIFEST_BYTES)
                    .map_err(|e| SourceError::BadResponse(format!("{}: {e}", path.display())))?;
                if cut {
                    return Err(SourceError::BadResponse(format!(
                        "the manifest {} is larger than {MAX_MANIFEST_BYTES} bytes",
                        path.display()
                    )));
                }
                // A content-addressed manifest (`manifests-v2/`) may hold only the digest of
                // the manifest blob.
                let text = String::from_utf8_lossy(&bytes);
                if let Some(hex) = digest_hex(text.trim()) {
                    let (blob, cut) =
                        read_inside(&store.root, &store.blob_path(hex), MAX_MANIFEST_BYTES)
                            .map_err(|e| {
                                SourceError::BadResponse(format!("the manifest blob: {e}"))
                            })?;
                    if cut || !matches_digest(&blob, hex) {
                        return Err(SourceError::BadResponse(
                            "the manifest blob does not match its digest".into(),
                        ));
                    }
                    return Ok((blob, format!("the Ollama store {}", store.root.display())));
                }
                Ok((bytes, format!("the Ollama store {}", store.root.display())))
            }
        }
    }

    /// A blob, whole up to `limit` bytes, or only its first `limit` bytes (`head`).
    async fn blob(&self, name: &OllamaName, layer: &Layer, limit: usize, head: bool) -> BlobRead {
        let Some(hex) = layer.hex() else {
            return Err(format!(
                "its digest {:?} is not sha256:<64 hex>; not fetched",
                clip(&layer.digest)
            ));
        };
        match self {
            Store::Registry(client) => {
                let path = format!(
                    "/v2/{}/{}/blobs/{}",
                    name.namespace, name.model, layer.digest
                );
                let read = if head {
                    BodyRead::Head
                } else {
                    BodyRead::Truncate
                };
                client
                    .get_path(
                        &Key::Blob {
                            digest: &layer.digest,
                            head,
                        },
                        &path,
                        limit,
                        read,
                    )
                    .await
                    .map(|b| (b.bytes, b.truncated))
                    .map_err(|e| format!("{}: {e}", e.kind()))
            }
            Store::Local(store) => read_inside(&store.root, &store.blob_path(hex), limit),
        }
    }
}

fn clip(s: &str) -> String {
    crate::license::identify::clip(s, 80)
}

fn matches_digest(bytes: &[u8], hex: &str) -> bool {
    let sum: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    sum == hex
}

/// A small layer read whole: its text, or why not. A whole read that does not match its
/// digest is not the layer the manifest names.
fn small_layer(layer: &Layer, read: BlobRead) -> FileOutcome {
    match read {
        Ok((bytes, truncated)) => {
            if !truncated
                && let Some(hex) = layer.hex()
                && !matches_digest(&bytes, hex)
            {
                return FileOutcome::Unavailable {
                    reason: "its content does not match its digest; not read".into(),
                };
            }
            text_outcome(&bytes, truncated)
        }
        Err(reason) => FileOutcome::Unavailable { reason },
    }
}

/// The Ollama config blob's fields isopen reads (`types/model/config.go`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Config {
    model_format: Option<String>,
    model_family: Option<String>,
    model_type: Option<String>,
    file_type: Option<String>,
    remote_host: Option<String>,
    remote_model: Option<String>,
}

/// Reads one Ollama model into a snapshot.
pub async fn snapshot(
    store: Store<'_>,
    name: &OllamaName,
    display: &str,
    max_license_bytes: usize,
) -> Result<Snapshot, SourceError> {
    let (bytes, from) = store.manifest(name).await?;
    let manifest = parse_manifest(&bytes)?;
    let revision = format!(
        "sha256:{}",
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let mut notes = vec![format!("read from {from}")];
    let p = plan(&manifest);
    let (licenses, over) = p
        .licenses
        .split_at(p.licenses.len().min(MAX_LICENSE_LAYERS));
    let small = |layer: Option<&Layer>| {
        let layer = layer.cloned();
        let store = store.clone();
        async move {
            match layer {
                Some(l) => Some((
                    l.clone(),
                    store.blob(name, &l, MAX_SMALL_LAYER_BYTES, false).await,
                )),
                None => None,
            }
        }
    };
    let model_head = async {
        let layer = p.model?;
        // The converters write the `general.*` keys first: the first bytes hold them.
        let read = store.blob(name, layer, GGUF_HEAD_BYTES, true).await;
        Some((layer.label("model") + ".gguf", read))
    };
    let (license_reads, config, params, template, system, head) = tokio::join!(
        join_all(
            licenses
                .iter()
                .map(|l| store.blob(name, l, max_license_bytes, false))
        ),
        small(manifest.config.as_ref()),
        small(p.params),
        small(p.template),
        small(p.system),
        model_head,
    );

    let mut files: Vec<FetchedFile> = licenses
        .iter()
        .zip(license_reads)
        .map(|(layer, read)| FetchedFile {
            path: layer.label("license"),
            outcome: small_layer(layer, read),
        })
        .collect();
    if let Some(first) = over.first() {
        files.push(FetchedFile {
            path: first.label("license"),
            outcome: FileOutcome::Unavailable {
                reason: format!(
                    "not read: the manifest lists {} license layers; at most {MAX_LICENSE_LAYERS} are read{}",
                    p.licenses.len(),
                    if over.len() > 1 {
                        format!(" ({} more were not read either)", over.len() - 1)
                    } else {
                        String::new()
                    }
                ),
            },
        });
    }

    let config: Option<Config> = config.and_then(|(layer, read)| match small_layer(&layer, read) {
        FileOutcome::Text {
            text,
            truncated: false,
        } => serde_json::from_str(&text).ok(),
        _ => {
            notes.push("the Ollama config layer could not be read".into());
            None
        }
    });
    for (what, read) in [
        ("params", params),
        ("template", template),
        ("system", system),
    ] {
        if let Some((layer, read)) = read
            && let FileOutcome::Unavailable { reason } = small_layer(&layer, read)
        {
            notes.push(format!("the {what} layer could not be read: {reason}"));
        }
    }

    let remote = config
        .as_ref()
        .and_then(|c| c.remote_host.clone().or(c.remote_model.clone()));
    let cloud = name.is_cloud() || remote.is_some();
    if cloud {
        notes.push(format!(
            "a hosted Ollama cloud model{}: it runs on Ollama's servers, and its weights are not downloadable",
            remote.map(|r| format!(" ({})", clip(&r))).unwrap_or_default()
        ));
    }
    if let Some(c) = &config {
        let facts: Vec<String> = [
            ("family", &c.model_family),
            ("parameters", &c.model_type),
            ("quantization", &c.file_type),
            ("format", &c.model_format),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {}", clip(v))))
        .collect();
        if !facts.is_empty() {
            notes.push(format!("Ollama's config says: {}", facts.join(", ")));
        }
    }

    let siblings: Vec<Sibling> = if cloud {
        Vec::new()
    } else {
        p.weights
            .iter()
            .map(|(layer, kind)| Sibling {
                rfilename: layer.label(kind)
                    + if *kind == "tensor" {
                        ".safetensors"
                    } else {
                        ".gguf"
                    },
                size: layer.size(),
                lfs: None,
            })
            .collect()
    };
    let mut info = ModelInfo {
        id: format!("{}/{}:{}", name.namespace, name.model, name.tag),
        siblings,
        ..ModelInfo::default()
    };
    match head {
        Some((path, read)) => match gguf_outcome(
            &path,
            read.as_ref().map(|(b, _)| &b[..]).map_err(Clone::clone),
        ) {
            Ok(h) => info.gguf = Some(h),
            Err(u) => info.gguf_unread = Some(u),
        },
        None if !cloud && !p.weights.is_empty() => notes.push(
            "the model's weights are not in a GGUF model layer; no GGUF header was read".into(),
        ),
        None => {}
    }
    Ok(Snapshot {
        model: display.to_string(),
        source: Source::Ollama,
        revision: Some(revision),
        info,
        files,
        notes,
    })
}

/// The local store's root: `OLLAMA_MODELS`, else `~/.ollama/models`.
pub fn default_store_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("OLLAMA_MODELS").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    std::env::var_os("HOME").map(|h| Path::new(&h).join(".ollama").join("models"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "fcc5a6bec9daf9b561a68827b67ab6088e1dba9d1fa2a50d7bbcc8384e0a265d";

    #[test]
    fn digests_are_strict() {
        assert_eq!(digest_hex(&format!("sha256:{HEX}")), Some(HEX));
        for bad in [
            "sha256:../../etc/passwd".to_string(),
            format!("sha256:{}", HEX.to_uppercase()),
            format!("sha256-{HEX}"),
            format!("sha256:{HEX}0"),
            format!("sha512:{HEX}"),
            format!("sha256:{}/..", &HEX[..61]),
            String::new(),
        ] {
            assert_eq!(digest_hex(&bad), None, "{bad}");
        }
    }

    #[test]
    fn media_types_by_prefix() {
        assert_eq!(
            media_kind("application/vnd.ollama.image.license; charset=utf-8"),
            LICENSE
        );
        assert_eq!(media_kind("Application/VND.ollama.image.MODEL"), MODEL);
        let m: Manifest = serde_json::from_str(&format!(
            r#"{{"schemaVersion":2,"layers":[
                {{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:{HEX}","size":2019377376}},
                {{"mediaType":"application/vnd.ollama.image.license","digest":"sha256:{HEX}","size":7711}},
                {{"mediaType":"application/vnd.ollama.image.license; x=y","digest":"sha256:{HEX}","size":6016}},
                {{"mediaType":"application/vnd.ollama.image.params","digest":"sha256:{HEX}","size":-5}},
                {{"mediaType":"something/else","digest":"x"}}]}}"#
        ))
        .unwrap();
        let p = plan(&m);
        assert!(p.model.is_some());
        assert_eq!(p.licenses.len(), 2);
        assert!(p.params.is_some());
        assert_eq!(p.params.unwrap().size(), None);
    }

    #[test]
    fn store_paths_stay_in_the_store() {
        let tmp = tempfile::tempdir().unwrap();
        let store = LocalStore::new(tmp.path().to_path_buf(), DEFAULT_REGISTRY);
        assert_eq!(store.hosts, ["registry.ollama.ai", "ollama.com"]);
        let name = OllamaName {
            namespace: "library".into(),
            model: "Llama3.2".into(),
            tag: "3b".into(),
        };
        assert_eq!(store.manifest_path(&name), None);
        let dir = tmp.path().join("manifests-v2/ollama.com/library/llama3.2");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("3b"), "{}").unwrap();
        assert_eq!(store.manifest_path(&name), Some(dir.join("3b")));
        let custom = LocalStore::new(tmp.path().to_path_buf(), "http://127.0.0.1:8080/");
        assert_eq!(
            custom.hosts,
            ["127.0.0.1:8080", "registry.ollama.ai", "ollama.com"]
        );
        assert!(!safe_host(".."));
        assert!(!safe_host("a/b"));
    }
}
