//! Shortlists: the models a team is weighing, as a text file (one ref a line, `#` comments), a
//! YAML file (a list of refs or of entries with notes and owners, or a mapping), or a CSV file
//! (a `model` column). Parsing is pure; errors name the file and the line or entry.

use serde_json::Value;
use thiserror::Error;

/// One model on the shortlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub model: String,
    pub note: Option<String>,
    pub owner: Option<String>,
    /// 1-based line (text, CSV) or entry number (YAML) it came from.
    pub line: usize,
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("{file}:{line}: {message}")]
pub struct ShortlistError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Parses a shortlist by its extension (`.txt` or none, `.yaml`/`.yml`, `.csv`).
pub fn parse(file: &str, text: &str) -> Result<Vec<Entry>, ShortlistError> {
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

fn parse_yaml(file: &str, text: &str) -> Result<Vec<Entry>, ShortlistError> {
    let err = |line: usize, message: String| ShortlistError {
        file: file.to_string(),
        line,
        message,
    };
    let v: Value = crate::card::parse_yaml(text).map_err(|e| err(0, e))?;
    let items: Vec<(Option<String>, Value)> = match v {
        Value::Array(a) => a.into_iter().map(|x| (None, x)).collect(),
        Value::Object(mut m) => match m.remove("models") {
            Some(Value::Array(a)) => a.into_iter().map(|x| (None, x)).collect(),
            Some(_) => return Err(err(0, "`models` must be a list".into())),
            None => m.into_iter().map(|(k, v)| (Some(k), v)).collect(),
        },
        Value::Null => Vec::new(),
        _ => {
            return Err(err(
                0,
                "a shortlist is a list of models or a mapping".into(),
            ));
        }
    };
    let text_of = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    items
        .into_iter()
        .enumerate()
        .map(|(i, (key, item))| {
            let n = i + 1;
            let (model, fields) = match (key, item) {
                (None, Value::String(s)) => (s, None),
                (None, Value::Object(o)) => match o.get("model").and_then(Value::as_str) {
                    Some(m) => (m.to_string(), Some(o)),
                    None => return Err(err(n, format!("entry {n} has no `model`"))),
                },
                (Some(k), Value::Object(o)) => (k, Some(o)),
                (Some(k), Value::Null) => (k, None),
                (Some(k), Value::String(note)) => {
                    return Ok(Entry {
                        model: k,
                        note: Some(note),
                        owner: None,
                        line: n,
                    });
                }
                _ => {
                    return Err(err(
                        n,
                        format!("entry {n} is neither a model id nor a mapping"),
                    ));
                }
            };
            Ok(Entry {
                model: model.trim().to_string(),
                note: text_of(fields.as_ref().and_then(|f| f.get("note"))),
                owner: text_of(fields.as_ref().and_then(|f| f.get("owner"))),
                line: n,
            })
        })
        .collect()
}

fn parse_csv(file: &str, text: &str) -> Result<Vec<Entry>, ShortlistError> {
    let err = |line: usize, message: String| ShortlistError {
        file: file.to_string(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| err(1, e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let model = col("model").ok_or_else(|| err(1, "the header has no `model` column".into()))?;
    let (note, owner) = (col("note"), col("owner"));
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record
            .map_err(|e| err(e.position().map_or(0, |p| p.line() as usize), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
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
            None => return Err(err(line, "the `model` column is empty".into())),
        }
    }
    Ok(out)
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
        assert_eq!(bad.to_string(), "s.yaml:1: entry 1 has no `model`");
        assert!(parse("s.yaml", "- [unclosed\n").is_err());
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
        assert_eq!(parse("s.csv", "name\norg/a\n").unwrap_err().line, 1);
    }
}
