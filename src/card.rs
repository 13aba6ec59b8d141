//! Model-card parsing: the README's YAML front matter, read under a budget because cards are
//! untrusted input (no alias bombs, bounded depth, events and size), and tolerant of what real
//! cards do (a license string or list, CRLF, no front matter, keys we do not know). When the
//! front matter is broken we say so and fall back to the Hub's own parse (`cardData`).

use serde_json::Value;

/// Front matter larger than this is not parsed; the Hub's `cardData` is used instead.
pub const MAX_FRONT_MATTER_BYTES: usize = 256 * 1024;

/// A README split into metadata and prose.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Card {
    /// The front matter as parsed (a mapping), or `None` when absent or unreadable.
    pub metadata: Option<Value>,
    /// The markdown after the front matter.
    pub body: String,
    /// 1-based line number in README.md of the first line of `body`.
    pub body_line: usize,
    /// Problems met while parsing, for the report's notes.
    pub warnings: Vec<String>,
}

/// The card keys the audit reads, normalised from whatever shape the card used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CardMeta {
    pub license: Vec<String>,
    pub license_name: Option<String>,
    pub license_link: Option<String>,
    pub base_model: Vec<String>,
    pub base_model_relation: Option<String>,
    pub datasets: Vec<String>,
    pub extra_gated_prompt: Option<String>,
    /// The gate form's field labels and values, flattened into lines of text.
    pub extra_gated_text: Vec<String>,
}

/// Splits and parses a README. Never fails: problems become warnings.
pub fn parse(readme: &str) -> Card {
    let text = readme.strip_prefix('\u{feff}').unwrap_or(readme);
    let Some((yaml, body, body_line)) = split_front_matter(text) else {
        return Card {
            metadata: None,
            body: text.to_string(),
            body_line: 1,
            warnings: Vec::new(),
        };
    };
    let mut card = Card {
        metadata: None,
        body: body.to_string(),
        body_line,
        warnings: Vec::new(),
    };
    if yaml.len() > MAX_FRONT_MATTER_BYTES {
        card.warnings.push(format!(
            "README.md front matter is {} bytes, over the {} byte limit; it was not parsed",
            yaml.len(),
            MAX_FRONT_MATTER_BYTES
        ));
        return card;
    }
    match parse_yaml(yaml) {
        Ok(Value::Null) => {}
        Ok(v @ Value::Object(_)) => card.metadata = Some(v),
        Ok(_) => card
            .warnings
            .push("README.md front matter is not a mapping; it was ignored".into()),
        Err(e) => card.warnings.push(format!(
            "README.md front matter is not valid YAML ({}); it was ignored",
            first_line(&e)
        )),
    }
    card
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Parses untrusted YAML into a JSON value under a strict budget.
pub fn parse_yaml(yaml: &str) -> Result<Value, String> {
    parse_yaml_as(yaml)
}

/// Parses untrusted YAML into any type under a strict budget (no alias bombs, bounded depth,
/// events and size). Errors are one-line messages with the location when the parser knows it.
pub fn parse_yaml_as<'de, T: serde::Deserialize<'de>>(yaml: &'de str) -> Result<T, String> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    budget.max_nodes = 200_000;
    budget.max_total_scalar_bytes = 4 * MAX_FRONT_MATTER_BYTES;
    budget.max_documents = 1;
    budget.max_recorded_anchor_events = 100_000;
    budget.max_recorded_anchor_bytes = 4 * MAX_FRONT_MATTER_BYTES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::LastWins;
    options.with_snippet = false;
    serde_saphyr::from_str_with_options::<T>(yaml, options).map_err(|e| e.to_string())
}

/// Finds `---\n...\n---` at the very start. Returns the YAML, the body and the body's line.
fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    // The Hub's own reader accepts blank lines and spaces before the opening fence.
    let (skipped, start) = opening_fence(text)?;
    let first_end = start + text[start..].find('\n')?;
    let rest = &text[first_end + 1..];
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            // After the skipped lines: the opening fence, i lines of YAML, the closing fence.
            return Some((yaml, body, skipped + i + 3));
        }
        offset += line.len();
    }
    None
}

/// The opening `---` fence after any blank lines: how many lines came before it, and the byte
/// offset it starts at.
pub fn opening_fence(text: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let t = line.trim();
        if t == "---" {
            return Some((i, offset));
        }
        if !t.is_empty() {
            return None;
        }
        offset += line.len();
    }
    None
}

impl CardMeta {
    /// Reads the keys the audit needs from card metadata (front matter or the Hub's cardData).
    pub fn from_value(v: &Value) -> CardMeta {
        let get = |k: &str| v.get(k);
        CardMeta {
            license: strings(get("license")),
            license_name: one_string(get("license_name")),
            license_link: one_string(get("license_link")),
            base_model: strings(get("base_model")),
            base_model_relation: one_string(get("base_model_relation")),
            datasets: strings(get("datasets")),
            extra_gated_prompt: one_string(get("extra_gated_prompt")),
            extra_gated_text: gated_fields(get("extra_gated_fields")),
        }
    }
}

/// A string, or the strings of a list; numbers are kept as text, other shapes ignored.
fn strings(v: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |v: &Value| match v {
        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
        Value::Number(n) => out.push(n.to_string()),
        _ => {}
    };
    match v {
        Some(Value::Array(items)) => items.iter().for_each(&mut push),
        Some(other) => push(other),
        None => {}
    }
    out
}

fn one_string(v: Option<&Value>) -> Option<String> {
    strings(v).into_iter().next()
}

fn gated_fields(v: Option<&Value>) -> Vec<String> {
    let Some(Value::Object(map)) = v else {
        return Vec::new();
    };
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => format!("{k}: {s}"),
            _ => k.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_front_matter_and_body_line() {
        let card = parse("---\nlicense: mit\ndatasets:\n- a/b\n---\n# Title\nText\n");
        let meta = CardMeta::from_value(card.metadata.as_ref().unwrap());
        assert_eq!(meta.license, ["mit"]);
        assert_eq!(meta.datasets, ["a/b"]);
        assert_eq!(card.body_line, 6);
        assert!(card.body.starts_with("# Title"));
        assert!(card.warnings.is_empty());
    }

    #[test]
    fn license_may_be_a_list_and_crlf_is_fine() {
        let card =
            parse("---\r\nlicense:\r\n- apache-2.0\r\n- mit\r\nbase_model: x/y\r\n---\r\nbody");
        let meta = CardMeta::from_value(card.metadata.as_ref().unwrap());
        assert_eq!(meta.license, ["apache-2.0", "mit"]);
        assert_eq!(meta.base_model, ["x/y"]);
    }

    #[test]
    fn front_matter_after_blank_lines_and_a_bom_as_the_hub_reads_it() {
        for text in [
            "\n\n---\nlicense: cc-by-nc-4.0\n---\n# Model\n",
            "\u{feff}  \r\n\r\n---\r\nlicense: cc-by-nc-4.0\r\n---\r\n# Model\r\n",
        ] {
            let card = parse(text);
            let meta = CardMeta::from_value(card.metadata.as_ref().unwrap());
            assert_eq!(meta.license, ["cc-by-nc-4.0"], "{text:?}");
            assert_eq!(card.body_line, 6, "{text:?}");
        }
        // Text before the fence means there is no front matter.
        assert!(
            parse("# Title\n---\nlicense: mit\n---\n")
                .metadata
                .is_none()
        );
    }

    #[test]
    fn broken_yaml_is_a_warning() {
        let card = parse("---\nlicense: [mit\n---\nbody\n");
        assert!(card.metadata.is_none());
        assert_eq!(card.warnings.len(), 1);
        assert!(card.warnings[0].contains("not valid YAML"));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut y = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            y.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let card = parse(&format!("---\n{y}---\nbody"));
        assert!(card.metadata.is_none());
        assert!(!card.warnings.is_empty());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let y = format!("a: {}{}\n", "[".repeat(500), "]".repeat(500));
        assert!(parse_yaml(&y).is_err());
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let card = parse("# Model\n\nNo metadata.");
        assert!(card.metadata.is_none() && card.warnings.is_empty());
        assert_eq!(card.body_line, 1);
    }

    #[test]
    fn non_mapping_front_matter_is_ignored() {
        let card = parse("---\n- a\n- b\n---\nbody");
        assert!(card.metadata.is_none());
        assert_eq!(card.warnings.len(), 1);
    }

    #[test]
    fn gate_fields_become_text() {
        let v: Value = serde_json::json!({"extra_gated_fields": {"I agree to use it for non-commercial use only": "checkbox", "Country": "country"}});
        let meta = CardMeta::from_value(&v);
        assert!(
            meta.extra_gated_text
                .iter()
                .any(|t| t.contains("non-commercial"))
        );
    }
}
