//! Standard license texts (Apache, MIT, BSD, GPL, CC …) recognised by the spdx crate's text
//! detection, for LICENSE files that no rule in license-rules/ names.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};
use spdx::detection::{Store, TextData};

/// Below this score a detection is not trusted.
pub const MIN_SCORE: f32 = 0.9;

fn store() -> Option<&'static Store> {
    static STORE: OnceLock<Option<Store>> = OnceLock::new();
    STORE.get_or_init(|| Store::load_inline().ok()).as_ref()
}

/// What detection concluded for one text: the SPDX id and score, or nothing.
type Detection = Option<(String, f32)>;

/// The SPDX id of the standard license this text is, with the detection score. Results are
/// remembered by the text's hash: the same LICENSE text recurs across a shortlist, and the
/// comparison against every SPDX text is the costly part of an audit.
pub fn detect(text: &str) -> Option<(String, f32)> {
    static SEEN: OnceLock<Mutex<HashMap<[u8; 32], Detection>>> = OnceLock::new();
    let key: [u8; 32] = Sha256::digest(text.as_bytes()).into();
    let seen = SEEN.get_or_init(Mutex::default);
    if let Some(hit) = seen.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return hit.clone();
    }
    let store = store()?;
    let data = TextData::new(text);
    let m = store.analyze(&data);
    let found = (m.score >= MIN_SCORE).then(|| (m.name.to_string(), m.score));
    seen.lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, found.clone());
    found
}
