//! Shortlists: the models a team is weighing, as a text file (one ref a line, `#` comments), a
//! YAML file (a list of refs or of entries with notes and owners, or a mapping), or a CSV file
//! (a `model` column). Parsing is pure; every problem is reported with its line (and column
//! where YAML gives one).

use std::fmt;

use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::diagnostic::{Code, Collector, Diagnostics, Pos, pos_of};

/// One model on the shortlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub model: String,
    pub note: Option<String>,
    pub owner: Option<String>,
    /// 1-based line it came from.
    pub line: usize,
}

/// Parses a shortlist by its extension (`.txt` or none, `.yaml`/`.yml`, `.csv`).
pub fn parse(file: &str, text: &str) -> Result<Vec<Entry>, Diagnostics> {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        parse_yaml(file, text)
    } else if lower.ends_with(".csv") {
        parse_csv(file, text)
    } else {
        Ok(parse_text(text))
    }
}

fn parse_text(text: &str) -> Vec<Entry> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let content = match line.find(" #") {
                Some(at) => &line[..at],
                None => line,
            };
            let t = content.trim();
            (!t.is_empty() && !t.starts_with('#')).then(|| Entry {
                model: t.to_string(),
                note: None,
                owner: None,
                line: i + 1,
            })
        })
        .collect()
}

/// One YAML entry as written: a model id, a mapping of fields, or something else (reported,
/// not fatal, so every bad entry is named in one pass).
#[derive(Debug)]
enum Item {
    Model(String),
    Fields(Fields),
    Empty,
    Other,
}

#[derive(Debug, Default)]
struct Fields {
    model: Option<String>,
    note: Option<String>,
    owner: Option<String>,
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Item, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a model id or a mapping")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Item, E> {
                Ok(Item::Model(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Item, E> {
                Ok(Item::Empty)
            }
            fn visit_none<E>(self) -> Result<Item, E> {
                Ok(Item::Empty)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Item, E> {
                Ok(Item::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Item, E> {
                Ok(Item::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Item, E> {
                Ok(Item::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Item, E> {
                Ok(Item::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Item, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Item::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                let mut f = Fields::default();
                while let Some(k) = map.next_key::<String>()? {
                    let v = map.next_value::<Value>()?;
                    let text = v.as_str().map(|s| s.trim().to_string());
                    match k.as_str() {
                        "model" => f.model = text,
                        "note" => f.note = text,
                        "owner" => f.owner = text,
                        _ => {}
                    }
                }
                Ok(Item::Fields(f))
            }
        }
        d.deserialize_any(V)
    }
}

/// The whole YAML file: a list of entries, `models:` and a list, or a mapping of model ids.
#[derive(Debug, Default)]
struct Raw {
    /// `(key, value)`: the key is the model id in the mapping form.
    entries: Vec<(Option<Spanned<String>>, Spanned<Item>)>,
    /// Where the file is neither form.
    wrong_shape: Option<&'static str>,
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of models or a mapping")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw::default())
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut raw = Raw::default();
                while let Some(item) = seq.next_element::<Spanned<Item>>()? {
                    raw.entries.push((None, item));
                }
                Ok(raw)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                let mut raw = Raw::default();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    if k.value == "models" {
                        let list = map.next_value::<Option<Vec<Spanned<Item>>>>()?;
                        raw.entries
                            .extend(list.into_iter().flatten().map(|item| (None, item)));
                    } else {
                        let v = map.next_value::<Spanned<Item>>()?;
                        raw.entries.push((Some(k), v));
                    }
                }
                Ok(raw)
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Raw, E> {
                Ok(Raw {
                    wrong_shape: Some("a shortlist is a list of models or a mapping"),
                    ..Raw::default()
                })
            }
        }
        d.deserialize_any(V)
    }
}

fn parse_yaml(file: &str, text: &str) -> Result<Vec<Entry>, Diagnostics> {
    let mut found = Collector::new(file, text);
    let raw: Raw = match crate::card::parse_config_yaml(text) {
        Ok(raw) => raw,
        Err(e) => {
            found.yaml_error(&e);
            return Err(found.finish().unwrap_err());
        }
    };
    if let Some(message) = raw.wrong_shape {
        found.push(Pos::new(1, 1), Code::Syntax, message);
    }
    let mut out = Vec::new();
    for (n, (key, item)) in raw.entries.into_iter().enumerate() {
        let n = n + 1;
        let at = key.as_ref().map_or_else(|| pos_of(&item), pos_of);
        let entry = |model: String, f: Fields| Entry {
            model: model.trim().to_string(),
            note: f.note,
            owner: f.owner,
            line: at.line,
        };
        match (key, item.value) {
            (None, Item::Model(m)) => out.push(entry(m, Fields::default())),
            (None, Item::Fields(f)) => match f.model.clone().filter(|m| !m.is_empty()) {
                Some(m) => out.push(entry(m, f)),
                None => found.push(at, Code::MissingField, format!("entry {n} has no `model`")),
            },
            (Some(k), Item::Fields(f)) if f.model.is_none() => out.push(entry(k.value, f)),
            (Some(k), Item::Fields(_)) => found.push(
                at,
                Code::InvalidValue,
                format!(
                    "{:?}: the model is the key; a `model` field is not allowed",
                    k.value
                ),
            ),
            (Some(k), Item::Empty) => out.push(entry(k.value, Fields::default())),
            (Some(k), Item::Model(note)) => out.push(entry(
                k.value,
                Fields {
                    note: Some(note),
                    ..Fields::default()
                },
            )),
            (_, Item::Empty | Item::Other) => found.push(
                at,
                Code::InvalidValue,
                format!("entry {n} is neither a model id nor a mapping"),
            ),
        }
    }
    found.finish().map(|()| out)
}

fn parse_csv(file: &str, text: &str) -> Result<Vec<Entry>, Diagnostics> {
    let mut found = Collector::new(file, text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let line_of = |p: Option<&csv::Position>| p.map_or(0, |p| p.line() as usize);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            found.push(Pos::new(1, 0), Code::Syntax, e.to_string());
            return Err(found.finish().unwrap_err());
        }
    };
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let Some(model) = col("model") else {
        found.push(
            Pos::new(1, 0),
            Code::MissingField,
            "the header has no `model` column",
        );
        return Err(found.finish().unwrap_err());
    };
    let (note, owner) = (col("note"), col("owner"));
    let mut out = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                found.push(
                    Pos::new(line_of(e.position()), 0),
                    Code::Syntax,
                    e.to_string(),
                );
                continue;
            }
        };
        let line = line_of(record.position());
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        match get(Some(model)) {
            Some(m) => out.push(Entry {
                model: m,
                note: get(note),
                owner: get(owner),
                line,
            }),
            None => found.push(
                Pos::new(line, 0),
                Code::MissingField,
                "the `model` column is empty",
            ),
        }
    }
    found.finish().map(|()| out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_comments() {
        let e = parse("list.txt", "# shortlist\norg/a\n\n org/b  # the big one\n").unwrap();
        assert_eq!(
            e.iter()
                .map(|e| (e.model.as_str(), e.line))
                .collect::<Vec<_>>(),
            [("org/a", 2), ("org/b", 4)]
        );
    }

    #[test]
    fn yaml_forms() {
        let list = parse(
            "s.yaml",
            "- org/a\n- model: org/b\n  note: chat\n  owner: team-x\n",
        )
        .unwrap();
        assert_eq!(list[1].owner.as_deref(), Some("team-x"));
        let models = parse("s.yml", "models:\n  - org/a\n").unwrap();
        assert_eq!(models[0].model, "org/a");
        let map = parse("s.yaml", "org/a: {note: n1}\norg/b:\n").unwrap();
        assert_eq!(
            (map[0].note.as_deref(), map[1].model.as_str()),
            (Some("n1"), "org/b")
        );
        let bad = parse("s.yaml", "- {note: x}\n").unwrap_err();
        assert!(
            bad.to_string()
                .starts_with("s.yaml:1:3: missing-field: entry 1 has no `model`"),
            "{bad}"
        );
        assert!(parse("s.yaml", "- [unclosed\n").is_err());
    }

    #[test]
    fn yaml_lines_are_lines_and_every_bad_entry_is_named() {
        let list = parse("s.yaml", "# team picks\n\n- org/a\n- model: org/b\n").unwrap();
        assert_eq!((list[0].line, list[1].line), (3, 4));
        let bad = parse("s.yaml", "- org/a\n- 42\n- {note: x}\n- [a, b]\n").unwrap_err();
        let lines: Vec<_> = bad.iter().map(|d| (d.pos.line, d.code.as_str())).collect();
        assert_eq!(
            lines,
            [
                (2, "invalid-value"),
                (3, "missing-field"),
                (4, "invalid-value")
            ]
        );
        let map = parse("s.yaml", "models:\n  - org/a\n  - org/b\n").unwrap();
        assert_eq!(map[1].line, 3);
    }

    #[test]
    fn csv_with_a_model_column() {
        let e = parse(
            "s.csv",
            "owner,model,note\nteam,org/a,\"chat, large\"\n,org/b,\n",
        )
        .unwrap();
        assert_eq!(e[0].note.as_deref(), Some("chat, large"));
        assert_eq!((e[1].model.as_str(), e[1].line), ("org/b", 3));
        let bad = parse("s.csv", "name\norg/a\n").unwrap_err();
        assert_eq!(bad.0[0].pos.line, 1);
    }
}
