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
    /// Why front matter that is there could not be read (broken YAML, never closed, over the
    /// size limit, not a mapping): evidence that exists but was not read.
    pub unread: Option<String>,
}

/// The card keys the audit reads, normalised from whatever shape the card used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CardMeta {
    /// Keys the audit reads whose value has a shape it cannot read (`license: {id: …}`): the
    /// strings inside were still taken, and the key is reported as not read completely.
    pub unread: Vec<String>,
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

/// Splits and parses a README. Never fails: problems become warnings, and front matter that
/// is there but cannot be read is marked `unread`.
pub fn parse(readme: &str) -> Card {
    let text = readme.strip_prefix('\u{feff}').unwrap_or(readme);
    let (yaml, body, body_line) = match split_front_matter(text) {
        Fence::None => {
            return Card {
                body: text.to_string(),
                body_line: 1,
                ..Card::default()
            };
        }
        Fence::Unclosed => {
            return Card {
                body: text.to_string(),
                body_line: 1,
                unread: Some(
                    "README.md opens front matter with `---` but never closes it".to_string(),
                ),
                ..Card::default()
            };
        }
        Fence::Closed(yaml, body, line) => (yaml, body, line),
    };
    let mut card = Card {
        body: body.to_string(),
        body_line,
        ..Card::default()
    };
    if yaml.len() > MAX_FRONT_MATTER_BYTES {
        card.unread = Some(format!(
            "README.md front matter is {} bytes, over the {} byte limit; it was not parsed",
            yaml.len(),
            MAX_FRONT_MATTER_BYTES
        ));
        return card;
    }
    match parse_yaml(yaml) {
        Ok(Value::Null) => {}
        Ok(v @ Value::Object(_)) => {
            card.metadata = Some(merge_duplicates(yaml, v, &mut card.warnings))
        }
        Ok(_) => card.unread = Some("README.md front matter is not a mapping".into()),
        Err(e) => {
            card.unread = Some(format!(
                "README.md front matter is not valid YAML ({})",
                first_line(&e)
            ))
        }
    }
    card
}

/// Keys the audit reads that a card may set twice: the parser keeps the last value, so the
/// first is read too and both count (the stricter terms win later).
const READ_KEYS: [&str; 6] = [
    "license",
    "license_name",
    "license_link",
    "base_model",
    "datasets",
    "extra_gated_prompt",
];

fn merge_duplicates(yaml: &str, last: Value, warnings: &mut Vec<String>) -> Value {
    let mut seen = std::collections::HashSet::new();
    let repeated: Vec<&str> = yaml
        .lines()
        .filter_map(|l| {
            let key = l.split_once(':')?.0;
            (!key.starts_with([' ', '\t', '-', '#'])).then_some(key.trim_matches(['"', '\'']))
        })
        .filter(|k| !seen.insert(*k) && READ_KEYS.contains(k))
        .collect();
    if repeated.is_empty() {
        return last;
    }
    let Ok(first) = parse_yaml_with::<Value>(yaml, serde_saphyr::DuplicateKeyPolicy::FirstWins)
    else {
        return last;
    };
    let mut merged = last;
    for key in READ_KEYS {
        let (Some(a), Some(b)) = (first.get(key), merged.get(key)) else {
            continue;
        };
        if a == b {
            continue;
        }
        warnings.push(format!(
            "README.md front matter sets `{key}` more than once; every value is read"
        ));
        let mut both = as_list(a);
        both.extend(as_list(b));
        merged[key] = Value::Array(both);
    }
    merged
}

fn as_list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
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
    parse_yaml_with(yaml, serde_saphyr::DuplicateKeyPolicy::LastWins).map_err(|e| e.to_string())
}

/// As [`parse_yaml_as`], keeping the parser's error (and its location) for diagnostics. A key
/// written twice is an error here: in a file the user writes it is a mistake, not a choice.
pub fn parse_config_yaml<'de, T: serde::Deserialize<'de>>(
    yaml: &'de str,
) -> Result<T, serde_saphyr::Error> {
    parse_yaml_with(yaml, serde_saphyr::DuplicateKeyPolicy::Error)
}

fn parse_yaml_with<'de, T: serde::Deserialize<'de>>(
    yaml: &'de str,
    duplicates: serde_saphyr::DuplicateKeyPolicy,
) -> Result<T, serde_saphyr::Error> {
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
    options.duplicate_keys = duplicates;
    options.with_snippet = false;
    serde_saphyr::from_str_with_options::<T>(yaml, options)
}

/// What a README starts with.
enum Fence<'a> {
    None,
    /// An opening fence and no closing one.
    Unclosed,
    /// The YAML, the body, and the body's 1-based line.
    Closed(&'a str, &'a str, usize),
}

/// Finds `---\n...\n---` at the start (after blank lines).
fn split_front_matter(text: &str) -> Fence<'_> {
    // The Hub's own reader accepts blank lines and spaces before the opening fence.
    let Some((skipped, start)) = opening_fence(text) else {
        return Fence::None;
    };
    let Some(first_end) = text[start..].find('\n').map(|n| start + n) else {
        return Fence::Unclosed;
    };
    let rest = &text[first_end + 1..];
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            // After the skipped lines: the opening fence, i lines of YAML, the closing fence.
            return Fence::Closed(yaml, body, skipped + i + 3);
        }
        offset += line.len();
    }
    Fence::Unclosed
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
        let mut unread = Vec::new();
        let mut read = |k: &'static str| {
            let (found, complete) = strings(v.get(k));
            if !complete {
                unread.push(k.to_string());
            }
            found
        };
        let license = read("license");
        let license_name = read("license_name").into_iter().next();
        let license_link = read("license_link").into_iter().next();
        let base_model = read("base_model");
        let datasets = read("datasets");
        let extra_gated_prompt = read("extra_gated_prompt").into_iter().next();
        CardMeta {
            unread,
            license,
            license_name,
            license_link,
            base_model,
            base_model_relation: one_string(v.get("base_model_relation")),
            datasets,
            extra_gated_prompt,
            extra_gated_text: gated_fields(v.get("extra_gated_fields")),
        }
    }
}

/// A string, or the strings of a list; numbers are kept as text. Any other shape (a mapping, a
/// nested list) gives the strings inside it and `false`: the value was not read as meant.
fn strings(v: Option<&Value>) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut complete = true;
    match v {
        Some(Value::Array(items)) => {
            for item in items {
                complete &= scalar(item, &mut out);
            }
        }
        Some(other) => complete = scalar(other, &mut out),
        None => {}
    }
    (out, complete)
}

/// Pushes a scalar's text; for anything else, the strings inside it, and `false`.
fn scalar(v: &Value, out: &mut Vec<String>) -> bool {
    match v {
        Value::String(s) => {
            if !s.trim().is_empty() {
                out.push(s.trim().to_string());
            }
            true
        }
        Value::Number(n) => {
            out.push(n.to_string());
            true
        }
        Value::Null => true,
        Value::Bool(_) => false,
        Value::Array(items) => {
            for i in items.iter().take(64) {
                scalar(i, out);
            }
            false
        }
        Value::Object(map) => {
            for i in map.values().take(64) {
                scalar(i, out);
            }
            false
        }
    }
}

fn one_string(v: Option<&Value>) -> Option<String> {
    strings(v).0.into_iter().next()
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
        assert!(card.unread.as_deref().unwrap().contains("not valid YAML"));
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
        assert!(card.unread.is_some());
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
        assert!(card.unread.is_some());
    }

    #[test]
    fn front_matter_never_closed_is_unread() {
        let card = parse("---\nlicense: cc-by-nc-4.0\n# Model\n");
        assert!(card.metadata.is_none());
        assert!(card.unread.as_deref().unwrap().contains("never closes"));
    }

    #[test]
    fn a_key_set_twice_keeps_both_values() {
        let card = parse("---\nlicense: cc-by-nc-4.0\ntags: [a]\nlicense: apache-2.0\n---\n");
        let meta = CardMeta::from_value(card.metadata.as_ref().unwrap());
        assert_eq!(meta.license, ["cc-by-nc-4.0", "apache-2.0"]);
        assert_eq!(card.warnings.len(), 1, "{:?}", card.warnings);
    }

    #[test]
    fn a_value_of_an_unexpected_shape_is_read_and_marked() {
        let v: Value = serde_json::json!({"license": {"id": "cc-by-nc-4.0"}, "datasets": ["a/b"]});
        let meta = CardMeta::from_value(&v);
        assert_eq!(meta.license, ["cc-by-nc-4.0"]);
        assert_eq!(meta.unread, ["license"]);
        assert_eq!(meta.datasets, ["a/b"]);
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
