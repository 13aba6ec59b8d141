//! The Hub's model listing (`GET /api/models`), as the census reads it: pages of `limit`
//! models (the fixtures' derived info, or a generated listing of any size for benchmarks),
//! an opaque cursor in a `Link: <…>; rel="next"` header, and the `RateLimit` /
//! `RateLimit-Policy` headers of the Hub's 5-minute windows. Filters (`author`, `search`,
//! `filter` as a tag) apply to the fixtures. A `NextCursor` fault makes a page's link point
//! at any cursor (a listing that loops).

use super::*;

/// A listing generated on the fly: `total` models, the `i`-th one made by `make(i)`.
#[derive(Clone)]
pub struct Generated {
    pub total: usize,
    pub make: Arc<dyn Fn(usize) -> Value + Send + Sync>,
}

/// The rate-limit window the listing reports: `quota` calls, `reset` seconds to go.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub quota: u64,
    pub reset: u64,
}

fn param<'a>(query: &'a str, name: &str) -> impl Iterator<Item = String> + 'a {
    let prefix = format!("{name}=");
    query
        .split('&')
        .filter_map(move |p| p.strip_prefix(prefix.as_str()).map(decode))
}

/// Every fixture model as the listing shows it (private ones left out), in id order.
fn fixture_models(state: &HubState, query: &str) -> Vec<Value> {
    let mut ids = Vec::new();
    let models = state.root.join("models");
    for org in std::fs::read_dir(&models).into_iter().flatten().flatten() {
        for name in std::fs::read_dir(org.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            ids.push(format!(
                "{}/{}",
                org.file_name().to_string_lossy(),
                name.file_name().to_string_lossy()
            ));
        }
    }
    ids.sort();
    let filters: Vec<String> = param(query, "filter").collect();
    let author = param(query, "author").next();
    let search = param(query, "search").next();
    ids.into_iter()
        .filter_map(|id| find_repo(state, &id, None).ok())
        .map(|repo| derive_info(&repo))
        .filter(|info| {
            let id = info["id"].as_str().unwrap_or("");
            let tags: Vec<&str> = info["tags"]
                .as_array()
                .map(|t| t.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            filters.iter().all(|f| tags.contains(&f.as_str()))
                && author
                    .as_ref()
                    .is_none_or(|a| id.starts_with(&format!("{a}/")))
                && search.as_ref().is_none_or(|s| id.contains(s.as_str()))
        })
        .collect()
}

/// One page of the listing.
pub(super) fn listing(
    state: &HubState,
    host: &str,
    query: Option<&str>,
    next_override: Option<String>,
) -> Response {
    let query = query.unwrap_or("");
    let limit: usize = param(query, "limit")
        .next()
        .and_then(|l| l.parse().ok())
        .unwrap_or(1000)
        .clamp(1, 1000);
    let start: usize = param(query, "cursor")
        .next()
        .and_then(|c| c.strip_prefix('c').and_then(|n| n.parse().ok()))
        .unwrap_or(0);
    let generated = state.generated.lock().unwrap().clone();
    let (page, total): (Vec<Value>, usize) = match generated {
        Some(g) => (
            (start..(start + limit).min(g.total))
                .map(|i| (g.make)(i))
                .collect(),
            g.total,
        ),
        None => {
            let all = fixture_models(state, query);
            let total = all.len();
            (all.into_iter().skip(start).take(limit).collect(), total)
        }
    };
    let mut r = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_vec(&page).unwrap(),
    )
        .into_response();
    let h = r.headers_mut();
    let next =
        next_override.or_else(|| (start + limit < total).then(|| format!("c{}", start + limit)));
    if let Some(cursor) = next {
        // The cursor first, then the query as sent (the Hub keeps the caller's parameters).
        let rest: Vec<&str> = query
            .split('&')
            .filter(|p| !p.starts_with("cursor=") && !p.is_empty())
            .collect();
        let link = format!(
            "<http://{host}/api/models?cursor={cursor}&{}>; rel=\"next\"",
            rest.join("&")
        );
        h.insert(header::LINK, HeaderValue::from_str(&link).unwrap());
    }
    let calls = state.listing_calls.fetch_add(1, Ordering::SeqCst) + 1;
    let quota = *state.quota.lock().unwrap();
    let left = quota.quota.saturating_sub(calls);
    h.insert(
        "RateLimit",
        HeaderValue::from_str(&format!("\"api\";r={left};t={}", quota.reset)).unwrap(),
    );
    h.insert(
        "RateLimit-Policy",
        HeaderValue::from_str(&format!("\"fixed window\";\"api\";q={};w=300", quota.quota))
            .unwrap(),
    );
    r
}
