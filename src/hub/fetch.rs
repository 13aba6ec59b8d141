//! Turning a Hub id into a snapshot: the model info first (it stays readable for gated repos),
//! then README.md and the license-like files, fetched concurrently at the commit the info
//! names. A refused or failed file is recorded in the snapshot, never fatal. For a model that
//! declares no base, its adapter config and the first bytes of one GGUF file are read too.

use futures_util::future::join_all;

use super::client::HubClient;
use super::error::SourceError;
use crate::snapshot::{
    FetchedFile, FileOutcome, GgufHead, GgufUnread, ModelInfo, Sibling, Snapshot, Source,
    is_license_file,
};

/// Fetches one model.
pub async fn fetch_model(
    client: &HubClient,
    id: &str,
    revision: Option<&str>,
    display: &str,
) -> Result<Snapshot, SourceError> {
    let info = client.model_info(id, revision).await?;
    Ok(fetch_files(client, info, id, revision, display).await)
}

/// README.md and the license-like files of a model whose info is in hand.
pub async fn fetch_files(
    client: &HubClient,
    info: ModelInfo,
    id: &str,
    revision: Option<&str>,
    display: &str,
) -> Snapshot {
    fetch_files_with(client, info, id, revision, display, None).await
}

/// `fetch_files`, reading the header of the `.gguf` file of this quantisation (an Ollama
/// `hf.co/ORG/REPO:QUANT` name) whatever the card declares.
pub async fn fetch_files_with(
    client: &HubClient,
    info: ModelInfo,
    id: &str,
    revision: Option<&str>,
    display: &str,
    quant: Option<&str>,
) -> Snapshot {
    let mut notes = Vec::new();
    if !info.id.is_empty() && info.id != id {
        notes.push(format!("the Hub answers for {id} as {}", info.id));
    }
    let repo = if info.id.is_empty() {
        id.to_string()
    } else {
        info.id.clone()
    };
    let rev = info
        .sha
        .clone()
        .or_else(|| revision.map(str::to_string))
        .unwrap_or_else(|| "main".to_string());
    let max_files = client.config().max_files;
    let plan = files_to_fetch(&info, max_files);
    notes.extend(plan.notes.iter().cloned());
    let paths = &plan.paths;
    // An adapter's config and a GGUF header name the base; read them only when nothing declares
    // one, so a model that declares its base costs no extra request. A GGUF header also states
    // a license (`general.license`): it is read too when the card declares none (the header
    // may be the only statement of terms), or when the user named the quantisation. A card
    // that declares both base and license costs no GGUF request: the converter copies the
    // card's license into the header, so it would almost always repeat it.
    let undeclared = !declares_base(&info);
    let read_gguf = undeclared || !declares_license(&info) || quant.is_some();
    let mut gguf_pick = None;
    if read_gguf {
        gguf_pick = gguf_for(&info.siblings, quant);
        if let (Some(q), Some(p)) = (quant, &gguf_pick)
            && !matches_quant(p, q)
        {
            notes.push(format!(
                "no .gguf file of the repository is of the quantisation {q}; the header of {p} was read instead"
            ));
        }
    }
    let adapter = async {
        if undeclared && listed(&info, ADAPTER_CONFIG) {
            match client.file(&repo, &rev, ADAPTER_CONFIG).await {
                Ok(body) => serde_json::from_slice(&body.bytes).ok(),
                Err(_) => None,
            }
        } else {
            None
        }
    };
    let gguf = async {
        let path = gguf_pick.clone()?;
        let body = client
            .file_head(&repo, &rev, &path, GGUF_HEAD_BYTES)
            .await
            .map(|b| b.bytes)
            .map_err(|e| format!("{}: {e}", e.kind()));
        Some(gguf_outcome(&path, body.as_deref().map_err(Clone::clone)))
    };
    let (fetched, adapter_config, gguf) = tokio::join!(
        join_all(paths.iter().map(|p| client.file(&repo, &rev, p))),
        adapter,
        gguf
    );
    let mut info = info;
    info.adapter_config = adapter_config;
    match gguf {
        Some(Ok(head)) => info.gguf = Some(head),
        Some(Err(unread)) => info.gguf_unread = Some(unread),
        None => {}
    }
    let mut files: Vec<FetchedFile> = paths
        .iter()
        .cloned()
        .zip(fetched)
        // A README asked for without a listing that names it may simply not exist.
        .filter(|(path, result)| {
            !matches!(result, Err(SourceError::NotFound(_))) || listed(&info, path)
        })
        .map(|(path, result)| FetchedFile {
            outcome: outcome(result),
            path,
        })
        .collect();
    files.extend(plan.skipped_file(max_files));
    Snapshot {
        model: display.to_string(),
        source: Source::Huggingface,
        revision: info.sha.clone(),
        info,
        files,
        notes,
    }
}

/// A PEFT adapter's configuration file.
pub const ADAPTER_CONFIG: &str = "adapter_config.json";

/// How much of a GGUF file is read: the converters write the `general.*` keys first, well
/// inside this; the token list that follows them can run to megabytes and is not needed.
pub const GGUF_HEAD_BYTES: usize = 256 * 1024;

/// A GGUF header from the first bytes of a file (or why it could not be read).
pub fn gguf_outcome(path: &str, bytes: Result<&[u8], String>) -> Result<GgufHead, GgufUnread> {
    let unread = |reason: String| GgufUnread {
        path: path.to_string(),
        reason,
    };
    let header =
        crate::gguf::read_header(bytes.map_err(unread)?).map_err(|e| unread(e.to_string()))?;
    Ok(GgufHead {
        path: path.to_string(),
        header,
    })
}

/// Does the Hub's info declare a base model (card data or a `base_model:` tag)?
fn declares_base(info: &ModelInfo) -> bool {
    info.tags.iter().any(|t| t.starts_with("base_model:"))
        || info
            .card_data
            .as_ref()
            .and_then(|c| c.get("base_model"))
            .is_some_and(|b| !b.is_null())
}

/// Does the Hub's info declare a license (card data or a `license:` tag)?
fn declares_license(info: &ModelInfo) -> bool {
    info.tags.iter().any(|t| t.starts_with("license:"))
        || info
            .card_data
            .as_ref()
            .and_then(|c| c.get("license"))
            .is_some_and(|l| !l.is_null())
}

/// The `.gguf` file of a quantisation (`Q4_K_M`, or a whole file name, compared without
/// regard to case, as Hugging Face's Ollama bridge does), else the one `gguf_to_read` picks.
pub fn gguf_for(siblings: &[Sibling], quant: Option<&str>) -> Option<String> {
    if let Some(q) = quant {
        let found = siblings
            .iter()
            .filter(|s| s.rfilename.to_ascii_lowercase().ends_with(".gguf"))
            .filter(|s| matches_quant(&s.rfilename, q))
            .min_by_key(|s| (s.bytes().unwrap_or(u64::MAX), s.rfilename.clone()));
        if let Some(s) = found {
            return Some(s.rfilename.clone());
        }
    }
    gguf_to_read(siblings)
}

/// Is this `.gguf` file of that quantisation: its name, or a `-`/`.`-separated part of it?
fn matches_quant(path: &str, quant: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let q = quant.to_ascii_lowercase();
    let lower = name.to_ascii_lowercase();
    lower == q
        || lower
            .trim_end_matches(".gguf")
            .split(['-', '.'])
            .any(|part| part == q)
}

fn listed(info: &ModelInfo, path: &str) -> bool {
    info.siblings.iter().any(|s| s.rfilename == path)
}

/// The GGUF file whose header to read: the smallest model file (every quantisation of one
/// model carries the same keys), never a vision projector or an importance matrix, whose
/// headers describe another network.
pub fn gguf_to_read(siblings: &[Sibling]) -> Option<String> {
    siblings
        .iter()
        .filter(|s| {
            let name = s.rfilename.to_ascii_lowercase();
            name.ends_with(".gguf") && !name.contains("mmproj") && !name.contains("imatrix")
        })
        .min_by_key(|s| (s.bytes().unwrap_or(u64::MAX), s.rfilename.clone()))
        .map(|s| s.rfilename.clone())
}

/// Bytes to text: lossy UTF-8, with binary files (NUL bytes early on) refused.
pub fn outcome(result: Result<super::client::FileBody, SourceError>) -> FileOutcome {
    match result {
        Ok(body) => text_outcome(&body.bytes, body.truncated),
        Err(SourceError::Gated(_)) => FileOutcome::Unavailable {
            reason: "gated: the hub refused it without approved access".into(),
        },
        Err(e) => FileOutcome::Unavailable {
            reason: format!("{}: {e}", e.kind()),
        },
    }
}

pub fn text_outcome(bytes: &[u8], truncated: bool) -> FileOutcome {
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return FileOutcome::Unavailable {
            reason: "binary file (not text)".into(),
        };
    }
    FileOutcome::Text {
        text: String::from_utf8_lossy(bytes).into_owned(),
        truncated,
    }
}

/// What to read of a repository.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadPlan {
    /// README.md, then the license-like files to read.
    pub paths: Vec<String>,
    /// License-like files over the budget: listed as not read, never dropped.
    pub skipped: Vec<String>,
    pub notes: Vec<String>,
}

impl ReadPlan {
    /// The skipped files as one unread source (a hostile repository can list thousands).
    pub fn skipped_file(&self, max_files: usize) -> Option<FetchedFile> {
        let first = self.skipped.first()?;
        let more = self.skipped.len() - 1;
        Some(FetchedFile {
            path: first.clone(),
            outcome: FileOutcome::Unavailable {
                reason: format!(
                    "not read: over the budget of {max_files} license-like files a model{}",
                    if more > 0 {
                        format!(" ({more} more were not read either)")
                    } else {
                        String::new()
                    }
                ),
            },
        })
    }
}

/// README.md, every license-like file at any depth (the top level first, a relative
/// `license_link` before all), at most `max_files` of them; the rest are skipped, not dropped.
pub fn files_to_fetch(info: &ModelInfo, max_files: usize) -> ReadPlan {
    let mut plan = ReadPlan::default();
    let listed = |p: &str| info.siblings.iter().any(|s| s.rfilename == p);
    if info.siblings.is_empty() || listed("README.md") {
        plan.paths.push("README.md".to_string());
    }
    let mut license_files: Vec<String> = info
        .siblings
        .iter()
        .map(|s| s.rfilename.as_str())
        .filter(|p| is_license_file(p))
        .map(str::to_string)
        .collect();
    license_files.sort_by(|a, b| (a.matches('/').count(), a).cmp(&(b.matches('/').count(), b)));
    if let Some(link) = info
        .card_data
        .as_ref()
        .and_then(|c| c.get("license_link"))
        .and_then(|l| l.as_str())
    {
        match relative_link(link, &info.id) {
            Some(path) if listed(&path) => {
                license_files.retain(|p| *p != path);
                license_files.insert(0, path)
            }
            Some(_) => {}
            None => plan.notes.push(format!(
                "license_link points outside the repository ({link}); it was not fetched"
            )),
        }
    }
    if license_files.len() > max_files {
        plan.skipped = license_files.split_off(max_files);
    }
    plan.paths.extend(license_files);
    plan
}

/// A `license_link` that names a file of this repository: `LICENSE`, `./LICENSE.md`, or a Hub
/// URL `…/{id}/blob/{rev}/{path}`.
fn relative_link(link: &str, id: &str) -> Option<String> {
    let link = link.trim();
    if let Some(rest) = link.split_once("://").map(|(_, r)| r) {
        let marker = format!("/{id}/blob/");
        let after = rest.split_once(&marker)?.1;
        return after
            .split_once('/')
            .map(|(_, p)| p.to_string())
            .filter(|p| safe_path(p));
    }
    let p = link.trim_start_matches("./");
    safe_path(p).then(|| p.to_string())
}

fn safe_path(p: &str) -> bool {
    !p.is_empty() && !p.starts_with('/') && p.split('/').all(|s| !s.is_empty() && s != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(files: &[&str], link: Option<&str>) -> ModelInfo {
        ModelInfo {
            id: "org/m".into(),
            siblings: files
                .iter()
                .map(|f| Sibling {
                    rfilename: f.to_string(),
                    ..Sibling::default()
                })
                .collect(),
            card_data: link.map(|l| serde_json::json!({ "license_link": l })),
            ..ModelInfo::default()
        }
    }

    #[test]
    fn picks_readme_and_license_files() {
        let p = files_to_fetch(
            &info(
                &[
                    "README.md",
                    "sub/LICENSE",
                    "LICENSE",
                    "USE_POLICY.md",
                    "config.json",
                ],
                None,
            ),
            12,
        )
        .paths;
        assert_eq!(p, ["README.md", "LICENSE", "USE_POLICY.md", "sub/LICENSE"]);
    }

    #[test]
    fn follows_relative_license_links() {
        let p = files_to_fetch(&info(&["README.md", "terms.txt"], Some("./terms.txt")), 12).paths;
        assert_eq!(p, ["README.md", "terms.txt"]);
        let p = files_to_fetch(
            &info(
                &["terms.txt"],
                Some("https://huggingface.co/org/m/blob/main/terms.txt"),
            ),
            12,
        )
        .paths;
        assert_eq!(p, ["terms.txt"]);
        let plan = files_to_fetch(&info(&["README.md"], Some("https://example.com/terms")), 12);
        assert_eq!(plan.paths, ["README.md"]);
        assert_eq!(plan.notes.len(), 1);
        let p = files_to_fetch(&info(&["README.md"], Some("../../etc/passwd")), 12).paths;
        assert_eq!(p, ["README.md"]);
    }

    #[test]
    fn bounds_the_number_of_files() {
        let names: Vec<String> = (0..30).map(|i| format!("LICENSE-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let plan = files_to_fetch(&info(&refs, None), 4);
        assert_eq!(
            plan.paths.len(),
            4,
            "no README is listed, so only the 4 license files"
        );
        assert_eq!(plan.skipped.len(), 26);
        let unread = plan.skipped_file(4).unwrap();
        assert!(matches!(unread.outcome, FileOutcome::Unavailable { .. }));
    }

    #[test]
    fn quantisations_pick_their_file() {
        let files: Vec<Sibling> = [
            ("Llama-3.2-1B-Instruct-Q4_K_M.gguf", 800),
            ("Llama-3.2-1B-Instruct-Q4_K_S.gguf", 700),
            ("Llama-3.2-1B-Instruct-Q8_0.gguf", 1300),
            ("mmproj-f16.gguf", 10),
        ]
        .iter()
        .map(|(n, size)| Sibling {
            rfilename: n.to_string(),
            size: Some(*size),
            lfs: None,
        })
        .collect();
        let pick = |q: Option<&str>| gguf_for(&files, q);
        assert_eq!(
            pick(Some("Q8_0")).unwrap(),
            "Llama-3.2-1B-Instruct-Q8_0.gguf"
        );
        assert_eq!(
            pick(Some("q4_k_m")).unwrap(),
            "Llama-3.2-1B-Instruct-Q4_K_M.gguf"
        );
        assert_eq!(
            pick(Some("Llama-3.2-1B-Instruct-Q8_0.gguf")).unwrap(),
            "Llama-3.2-1B-Instruct-Q8_0.gguf"
        );
        assert_eq!(
            pick(Some("Q4_K")).unwrap(),
            "Llama-3.2-1B-Instruct-Q4_K_S.gguf"
        );
        assert_eq!(pick(None).unwrap(), "Llama-3.2-1B-Instruct-Q4_K_S.gguf");
    }

    #[test]
    fn binary_files_are_refused() {
        assert!(matches!(
            text_outcome(b"PK\0\0", false),
            FileOutcome::Unavailable { .. }
        ));
        assert!(matches!(
            text_outcome(b"MIT License", false),
            FileOutcome::Text { .. }
        ));
    }
}
