//! Linked code repositories through their hosts' APIs: GitHub (`GET /repos/{o}/{r}/license`:
//! `license.spdx_id`, else the LICENSE contents identified by our own rules; `GET
//! /repos/{o}/{r}/git/trees/HEAD?recursive=1`: the file tree), GitLab (`GET
//! /api/v4/projects/{path}?license=true`, `…/repository/tree?recursive=true`) and Hugging Face
//! Spaces (`GET /api/spaces/{id}`: `cardData.license`, `siblings`). Two requests a repository;
//! a path is validated before it is put in a URL; every answer is bounded.

use serde::Deserialize;

use super::cache::Key;
use super::client::{BodyRead, HubClient, encode};
use super::error::SourceError;
use crate::license::identify::{SourceKind, from_text};
use crate::linked::{RepoFacts, RepoHost, RepoLink};
use crate::rules::RuleSet;

/// The most tree entries kept from one repository.
pub const MAX_PATHS: usize = 20_000;

/// A repository path safe to put in a URL: `owner/name` (GitLab: groups too), each segment
/// plain characters.
pub fn valid_path(p: &str) -> bool {
    let parts: Vec<&str> = p.split('/').collect();
    (2..=6).contains(&parts.len())
        && parts.iter().all(|s| {
            !s.is_empty()
                && s.len() <= 100
                && !s.starts_with('.')
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

async fn get_json<T: for<'de> Deserialize<'de>>(
    client: &HubClient,
    path: &str,
) -> Result<T, SourceError> {
    let limit = client.config().max_json_bytes;
    let body = client
        .get_path(&Key::Page { path }, path, limit, BodyRead::Whole)
        .await?;
    serde_json::from_slice(&body.bytes)
        .map_err(|e| SourceError::BadResponse(format!("{path}: {e}")))
}

#[derive(Deserialize)]
struct GithubLicense {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    license: Option<GithubLicenseId>,
}

#[derive(Deserialize)]
struct GithubLicenseId {
    #[serde(default)]
    spdx_id: Option<String>,
}

#[derive(Deserialize)]
struct Tree {
    #[serde(default)]
    tree: Vec<TreeEntry>,
    #[serde(default)]
    truncated: bool,
}

#[derive(Deserialize)]
struct TreeEntry {
    #[serde(default)]
    path: String,
    #[serde(rename = "type", default)]
    kind: String,
}

/// Standard base64 (GitHub wraps its lines); None for anything else.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// The license our own rules give a LICENSE text (the strongest candidate's rule id).
fn identify(text: &str, rules: &RuleSet) -> Option<String> {
    let reading = from_text(SourceKind::LicenseFile, "LICENSE", text, rules);
    reading
        .candidates
        .iter()
        .filter_map(|c| c.rule.map(|r| (c.confidence, r)))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, r)| r.facts.spdx.clone().unwrap_or_else(|| r.facts.id.clone()))
}

/// A GitHub repository's license and tree.
pub async fn github(
    client: &HubClient,
    path: &str,
    rules: &RuleSet,
) -> Result<RepoFacts, SourceError> {
    if !valid_path(path) {
        return Err(SourceError::InvalidRef(format!(
            "not a repository path: {path}"
        )));
    }
    let mut facts = RepoFacts::default();
    match get_json::<GithubLicense>(client, &format!("/repos/{path}/license")).await {
        Ok(l) => {
            let spdx = l
                .license
                .and_then(|x| x.spdx_id)
                .filter(|s| !s.is_empty() && s != "NOASSERTION");
            if let Some(id) = spdx {
                facts.license = Some(id);
                facts.license_source = Some("GitHub license API (spdx_id)".into());
            } else if l.encoding.as_deref() == Some("base64")
                && let Some(text) = l.content.as_deref().and_then(base64_decode)
            {
                let text = String::from_utf8_lossy(&text);
                facts.license = identify(&text, rules);
                facts.license_source = Some("LICENSE text, identified by isopen's rules".into());
            }
        }
        // No license file: the repository states no license (all rights reserved).
        Err(SourceError::NotFound(_)) => {}
        Err(e) => return Err(e),
    }
    let tree: Tree = get_json(client, &format!("/repos/{path}/git/trees/HEAD?recursive=1")).await?;
    facts.tree_truncated = tree.truncated || tree.tree.len() > MAX_PATHS;
    facts.paths = tree
        .tree
        .into_iter()
        .filter(|e| e.kind == "blob")
        .map(|e| e.path)
        .take(MAX_PATHS)
        .collect();
    Ok(facts)
}

#[derive(Deserialize)]
struct GitlabProject {
    #[serde(default)]
    license: Option<GitlabLicense>,
}

#[derive(Deserialize)]
struct GitlabLicense {
    #[serde(default)]
    key: Option<String>,
}

/// A GitLab project's license (its key, as GitLab names it) and tree (first page of 100).
pub async fn gitlab(client: &HubClient, path: &str) -> Result<RepoFacts, SourceError> {
    if !valid_path(path) {
        return Err(SourceError::InvalidRef(format!(
            "not a repository path: {path}"
        )));
    }
    let id = encode(path);
    let project: GitlabProject =
        get_json(client, &format!("/api/v4/projects/{id}?license=true")).await?;
    let entries: Vec<TreeEntry> = get_json(
        client,
        &format!("/api/v4/projects/{id}/repository/tree?recursive=true&per_page=100"),
    )
    .await?;
    Ok(RepoFacts {
        license: project.license.and_then(|l| l.key),
        license_source: Some("GitLab project API (license key)".into()),
        tree_truncated: entries.len() >= 100,
        paths: entries
            .into_iter()
            .filter(|e| e.kind == "blob")
            .map(|e| e.path)
            .collect(),
    })
}

#[derive(Deserialize)]
struct SpaceInfo {
    #[serde(rename = "cardData", default)]
    card_data: Option<serde_json::Value>,
    #[serde(default)]
    siblings: Vec<crate::snapshot::Sibling>,
}

/// A Hugging Face Space's license (its card's) and file list, from the Hub's API.
pub async fn space(client: &HubClient, path: &str) -> Result<RepoFacts, SourceError> {
    if !valid_path(path) || path.split('/').count() != 2 {
        return Err(SourceError::InvalidRef(format!("not a Space id: {path}")));
    }
    let info: SpaceInfo = get_json(client, &format!("/api/spaces/{path}")).await?;
    Ok(RepoFacts {
        license: info
            .card_data
            .as_ref()
            .and_then(|c| c.get("license"))
            .and_then(|l| l.as_str())
            .map(str::to_string),
        license_source: Some("the Space's card metadata".into()),
        tree_truncated: false,
        paths: info.siblings.into_iter().map(|s| s.rfilename).collect(),
    })
}

/// A linked repository through its host's client.
pub async fn repo(
    link: &RepoLink,
    github_client: &HubClient,
    gitlab_client: &HubClient,
    hub: &HubClient,
    rules: &RuleSet,
) -> Result<RepoFacts, SourceError> {
    match link.host {
        RepoHost::Github => github(github_client, &link.path, rules).await,
        RepoHost::Gitlab => gitlab(gitlab_client, &link.path).await,
        RepoHost::Space => space(hub, &link.path).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_base64() {
        assert!(valid_path("EleutherAI/pythia"));
        assert!(valid_path("group/sub/project"));
        assert!(!valid_path("../x"));
        assert!(!valid_path("a/b?c"));
        assert!(!valid_path("a"));
        assert_eq!(base64_decode("TUlU\nIExp").unwrap(), b"MIT Li");
        assert!(base64_decode("*").is_none());
    }
}
