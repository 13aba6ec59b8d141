//! Standard license texts (Apache, MIT, BSD, GPL, CC …) recognised by the spdx crate's text
//! detection, for LICENSE files that no rule in license-rules/ names.

use std::sync::OnceLock;

use spdx::detection::{Store, TextData};

/// Below this score a detection is not trusted.
pub const MIN_SCORE: f32 = 0.9;

fn store() -> Option<&'static Store> {
    static STORE: OnceLock<Option<Store>> = OnceLock::new();
    STORE.get_or_init(|| Store::load_inline().ok()).as_ref()
}

/// The SPDX id of the standard license this text is, with the detection score.
pub fn detect(text: &str) -> Option<(String, f32)> {
    let store = store()?;
    let data = TextData::new(text);
    let m = store.analyze(&data);
    (m.score >= MIN_SCORE).then(|| (m.name.to_string(), m.score))
}
