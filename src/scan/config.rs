//! Model references in configuration: YAML, JSON and TOML keys that name a model (`model`,
//! `model_id`, `model_name_or_path`, `base_model`, `pretrained_model_name_or_path`, ...) and
//! `.env` variables whose name says they hold one. Read line by line (JSON by pattern), so a
//! broken file still yields what it states, and every reference keeps its line and column.
//! A value must be `org/name` or a prefixed ref: `model: gpt-4o` names no Hub repository.

use std::sync::LazyLock;

use regex::Regex;

use super::{Found, Strictness, accept};
use crate::vocab::Form;

/// Keys that hold the model a program loads.
const KEYS: &str = r"model|model_name|model_id|model_name_or_path|base_model|base_model_name_or_path|pretrained_model_name_or_path|tokenizer_name|tokenizer_name_or_path|embedding_model|embed_model";

static YAML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"^(\s*(?:-\s+)?)["']?({KEYS})["']?\s*:(?:[ \t]+(.*))?$"#
    ))
    .expect("valid regex")
});
static YAML_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\s*-\s+)(.*)$").expect("valid regex"));
static JSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r#""({KEYS})"\s*:\s*"([^"\\\n]*)""#)).expect("valid regex")
});
static TOML: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"^(\s*["']?(?:{KEYS})["']?\s*=\s*)("[^"\n]*"|'[^'\n]*')"#
    ))
    .expect("valid regex")
});
static DOTENV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*)(.*)$").expect("valid regex")
});

/// A scalar as written after a key: quoted (the quotes are not part of it) or plain (up to a
/// ` #` comment). Returns the value and its offset in `raw`, in bytes.
fn scalar(raw: &str) -> Option<(&str, usize)> {
    let quote = raw.chars().next()?;
    if quote == '"' || quote == '\'' {
        let end = raw[1..].find(quote)?;
        return Some((&raw[1..1 + end], 0));
    }
    let end = raw.find(" #").unwrap_or(raw.len());
    let v = raw[..end].trim_end();
    (!v.is_empty()).then_some((v, 0))
}

fn column(line: &str, byte: usize) -> usize {
    line[..byte].chars().count() + 1
}

/// YAML keys, including a block list under the key (`base_model:` then `- org/x`).
pub fn yaml(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    // The indent of a key with no value on its line, whose list items name models.
    let mut list_under: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(indent) = list_under {
            if let Some(c) = YAML_ITEM.captures(line)
                && c.get(1)
                    .map_or(0, |m| m.as_str().len() - m.as_str().trim_start().len())
                    >= indent
            {
                let at = c.get(2).map_or(0, |m| m.start());
                if let Some((v, off)) = scalar(&line[at..]) {
                    push(&mut out, v, i, column(line, at + off), Form::ConfigKey);
                }
                continue;
            }
            if !line.trim().is_empty() {
                list_under = None;
            }
        }
        let Some(c) = YAML.captures(line) else {
            continue;
        };
        match c.get(3) {
            Some(value) if !value.as_str().trim().is_empty() => {
                if let Some((v, off)) = scalar(value.as_str()) {
                    push(
                        &mut out,
                        v,
                        i,
                        column(line, value.start() + off),
                        Form::ConfigKey,
                    );
                }
            }
            _ => list_under = Some(c.get(1).map_or(0, |m| m.as_str().len())),
        }
    }
    out
}

/// JSON string values of the keys, anywhere in the document.
pub fn json(text: &str) -> Vec<Found> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut out = Vec::new();
    for c in JSON.captures_iter(text) {
        let Some(value) = c.get(2) else { continue };
        // The opening quote of the value.
        let at = value.start() - 1;
        let line = starts.partition_point(|&s| s <= at) - 1;
        let col = text[starts[line]..at].chars().count() + 1;
        if let Some(model) = accept(value.as_str(), Strictness::Slash) {
            out.push(Found {
                model,
                line: line + 1,
                column: col,
                form: Form::ConfigKey,
            });
        }
    }
    out
}

/// TOML `key = "value"` lines.
pub fn toml(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(c) = TOML.captures(line)
            && let Some(value) = c.get(2)
        {
            let v = &value.as_str()[1..value.as_str().len() - 1];
            push(&mut out, v, i, column(line, value.start()), Form::ConfigKey);
        }
    }
    out
}

/// `.env` variables whose name holds `MODEL` (`MODEL_ID`, `EMBEDDING_MODEL`, `HF_MODEL`).
pub fn dotenv(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(c) = DOTENV.captures(line) else {
            continue;
        };
        let name = c.get(2).map_or("", |m| m.as_str()).to_ascii_uppercase();
        if !name.contains("MODEL") {
            continue;
        }
        if let Some(value) = c.get(3)
            && let Some((v, off)) = scalar(value.as_str())
        {
            push(
                &mut out,
                v,
                i,
                column(line, value.start() + off),
                Form::Dotenv,
            );
        }
    }
    out
}

fn push(out: &mut Vec<Found>, value: &str, line_index: usize, column: usize, form: Form) {
    if let Some(model) = accept(value, Strictness::Slash) {
        out.push(Found {
            model,
            line: line_index + 1,
            column,
            form,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(found: Vec<Found>) -> Vec<(String, usize, usize)> {
        found
            .into_iter()
            .map(|f| (f.model, f.line, f.column))
            .collect()
    }

    #[test]
    fn yaml_keys_and_lists() {
        let text = "model_name_or_path: org/a  # the base\n\
                    # model: org/commented\n\
                    train:\n  model: \"org/b\"\n  output: org/not-a-key\n\
                    base_model:\n  - org/c\n  - ./local\nother: 1\n  - org/after\n";
        assert_eq!(
            at(yaml(text)),
            [
                ("org/a".into(), 1, 21),
                ("org/b".into(), 4, 10),
                ("org/c".into(), 7, 5),
            ]
        );
    }

    #[test]
    fn json_toml_and_dotenv() {
        assert_eq!(
            at(json(
                "{\n  \"model_id\": \"org/j\",\n  \"name\": \"org/no\"\n}"
            )),
            [("org/j".into(), 2, 15)]
        );
        assert_eq!(
            at(toml("[m]\nbase_model = \"org/t\"\nother = \"org/no\"\n")),
            [("org/t".into(), 2, 14)]
        );
        assert_eq!(
            at(dotenv(
                "export EMBEDDING_MODEL='org/e'\nDATA_DIR=org/no\nMODEL=gpt-4o\n"
            )),
            [("org/e".into(), 1, 24)]
        );
    }
}
