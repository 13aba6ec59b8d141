//! One page of the Hub's model listing (`GET /api/models?expand=…`) as the census reads it:
//! each entry is the model info `audit` reads (the same fields, under the same names) plus the
//! `baseModels` the Hub derived, in either of the two shapes seen in the wild. The `Link`
//! header's `rel="next"` gives the following page, and the `RateLimit` / `RateLimit-Policy`
//! headers how much of the current window is left. Everything here is untrusted input: a page
//! that is not a JSON array is an error naming the page, an entry without an id is skipped and
//! counted, and nothing is followed to another host.

use serde::Deserialize;

use crate::snapshot::ModelInfo;
use crate::vocab::Relation;

/// The fields the census asks for, so one page carries what a metadata verdict needs.
pub const EXPAND: [&str; 10] = [
    "cardData",
    "gated",
    "baseModels",
    "siblings",
    "safetensors",
    "tags",
    "downloads",
    "likes",
    "lastModified",
    "sha",
];

/// One model of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub info: ModelInfo,
    /// What the Hub's `baseModels` field says (not the card): each base and its relation.
    pub base_models: Vec<(String, Relation)>,
}

/// A page, parsed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub models: Vec<Listed>,
    /// Entries that were not a model (no `id`, not an object): counted, never guessed at.
    pub skipped: usize,
}

/// Why a page could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PageError {
    #[error("the listing page is not a JSON array of models: {0}")]
    NotAList(String),
}

/// `baseModels` as huggingface_hub types it (a list of ids) or as the Hub has been seen to
/// send it (`{"relation": "finetune", "models": [{"id": "org/base"}]}`).
#[derive(Deserialize)]
#[serde(untagged)]
enum BaseModels {
    Ids(Vec<String>),
    Related {
        #[serde(default)]
        relation: Option<String>,
        #[serde(default)]
        models: Vec<BaseRef>,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BaseRef {
    Id(String),
    Object { id: String },
}

impl BaseRef {
    fn id(self) -> String {
        match self {
            BaseRef::Id(s) | BaseRef::Object { id: s } => s,
        }
    }
}

/// Parses one page. An entry that does not read as a model is skipped and counted; a field
/// of the wrong type inside an entry takes its default (as `audit` reads model info).
pub fn parse_page(body: &[u8]) -> Result<Page, PageError> {
    let values: Vec<serde_json::Value> =
        serde_json::from_slice(body).map_err(|e| PageError::NotAList(e.to_string()))?;
    let mut page = Page::default();
    for v in values {
        match entry(v) {
            Some(m) => page.models.push(m),
            None => page.skipped += 1,
        }
    }
    Ok(page)
}

/// One listing entry (a JSON object with an `id`) as a listed model; `None` when it is not one.
pub fn entry(mut v: serde_json::Value) -> Option<Listed> {
    let obj = v.as_object_mut()?;
    let id = obj.get("id").and_then(|i| i.as_str())?.trim().to_string();
    if id.is_empty() {
        return None;
    }
    let bases = obj.remove("baseModels");
    // A field of an unexpected type: keep the id alone, so the verdict can only be stricter
    // (a license tag that was not read is no license).
    let mut info: ModelInfo = serde_json::from_value(v).unwrap_or_default();
    info.id = id;
    let base_models = bases
        .and_then(|b| serde_json::from_value::<BaseModels>(b).ok())
        .map(|b| match b {
            BaseModels::Ids(ids) => ids.into_iter().map(|i| (i, Relation::Unknown)).collect(),
            BaseModels::Related { relation, models } => {
                let r = relation
                    .as_deref()
                    .map_or(Relation::Unknown, Relation::parse);
                models.into_iter().map(|m| (m.id(), r)).collect()
            }
        })
        .unwrap_or_default();
    Some(Listed { info, base_models })
}

/// The `rel="next"` target of a `Link` header, if any.
pub fn next_link(header: &str) -> Option<String> {
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let target = pieces.next()?.trim();
        let is_next = pieces.any(|p| {
            let p = p.trim();
            p.eq_ignore_ascii_case("rel=\"next\"") || p.eq_ignore_ascii_case("rel=next")
        });
        if is_next {
            let url = target.strip_prefix('<')?.strip_suffix('>')?;
            return Some(url.to_string());
        }
    }
    None
}

/// What the `RateLimit` header says of the current window (`"api";r=12;t=55`), with the
/// `RateLimit-Policy` quota (`"fixed window";"api";q=1000;w=300`) when sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Requests left in the window.
    pub remaining: u64,
    /// Seconds until the window resets.
    pub reset_secs: u64,
    /// Requests a window allows, and the window's length in seconds.
    pub limit: Option<u64>,
    pub window_secs: Option<u64>,
}

fn param(value: &str, name: &str) -> Option<u64> {
    value.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim() == name).then(|| v.trim().parse().ok())?
    })
}

/// Reads the two headers (their values, as sent). `None` when `RateLimit` is absent or does
/// not carry both `r` and `t`.
pub fn quota(ratelimit: Option<&str>, policy: Option<&str>) -> Option<Quota> {
    let rl = ratelimit?;
    Some(Quota {
        remaining: param(rl, "r")?,
        reset_secs: param(rl, "t")?,
        limit: policy.and_then(|p| param(p, "q")),
        window_secs: policy.and_then(|p| param(p, "w")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_of_base_models() {
        let body = br#"[
          {"id": "a/ids", "baseModels": ["meta-llama/Llama-3.1-8B"]},
          {"id": "a/rel", "baseModels": {"relation": "quantized", "models": [{"id": "org/base"}]}},
          {"id": "a/none"},
          {"no": "id"},
          7
        ]"#;
        let page = parse_page(body).unwrap();
        assert_eq!(page.skipped, 2);
        assert_eq!(
            page.models[0].base_models,
            vec![("meta-llama/Llama-3.1-8B".to_string(), Relation::Unknown)]
        );
        assert_eq!(
            page.models[1].base_models,
            vec![("org/base".to_string(), Relation::Quantized)]
        );
        assert!(page.models[2].base_models.is_empty());
    }

    #[test]
    fn a_field_of_the_wrong_type_keeps_the_model() {
        let page = parse_page(br#"[{"id": "a/b", "tags": "not-a-list"}]"#).unwrap();
        assert_eq!(page.models[0].info.id, "a/b");
        assert!(page.models[0].info.tags.is_empty());
    }

    #[test]
    fn not_a_list_is_an_error() {
        assert!(parse_page(b"{\"error\": \"x\"}").is_err());
        assert!(parse_page(b"[{\"id\": \"cut").is_err());
    }

    #[test]
    fn link_and_quota_headers() {
        let link = "<https://huggingface.co/api/models?limit=500&cursor=eyJ9>; rel=\"next\"";
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://huggingface.co/api/models?limit=500&cursor=eyJ9")
        );
        assert_eq!(next_link("<https://x/a>; rel=\"prev\""), None);
        let q = quota(
            Some("\"api\";r=12;t=55"),
            Some("\"fixed window\";\"api\";q=1000;w=300"),
        )
        .unwrap();
        assert_eq!(
            q,
            Quota {
                remaining: 12,
                reset_secs: 55,
                limit: Some(1000),
                window_secs: Some(300)
            }
        );
        assert_eq!(quota(Some("\"api\";r=1"), None), None);
    }
}
