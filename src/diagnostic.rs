//! Diagnostics for the files people write for isopen: policies, shortlists and license rules.
//! One type for all three, in the style of a compiler: `file:line:col: code: message`, then the
//! offending line with a caret under the column. Files are parsed first and validated second,
//! and validation collects every problem it finds, so a user fixes a file in one pass; the list
//! is sorted into file order because validation visits keys in its own order.

use std::fmt;

use serde::Deserialize;
use serde_saphyr::Spanned;
use thiserror::Error;

/// What kind of problem, as a stable kebab-case code (scripts may match on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// Not YAML (or CSV), or YAML of the wrong shape (a list where a mapping belongs, an
    /// unknown key, a missing field): the parser stops at the first.
    Syntax,
    /// A value outside its vocabulary (`maybe` where pass, warn or deny belongs).
    InvalidValue,
    UnknownLicense,
    UnknownRisk,
    InvalidDate,
    InvalidModelRef,
    MissingField,
    Duplicate,
    UnsupportedVersion,
    /// A license rule that does not compile or contradicts its own examples.
    InvalidRule,
    /// The file could not be read.
    Io,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::InvalidValue => "invalid-value",
            Code::UnknownLicense => "unknown-license",
            Code::UnknownRisk => "unknown-risk",
            Code::InvalidDate => "invalid-date",
            Code::InvalidModelRef => "invalid-model-ref",
            Code::MissingField => "missing-field",
            Code::Duplicate => "duplicate",
            Code::UnsupportedVersion => "unsupported-version",
            Code::InvalidRule => "invalid-rule",
            Code::Io => "io",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line and column (0 when the problem is the whole file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub fn new(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }
}

impl From<serde_saphyr::Location> for Pos {
    fn from(l: serde_saphyr::Location) -> Pos {
        Pos {
            line: usize::try_from(l.line()).unwrap_or(0),
            column: usize::try_from(l.column()).unwrap_or(0),
        }
    }
}

/// Where a spanned YAML value was written.
pub fn pos_of<T>(s: &serde_saphyr::Spanned<T>) -> Pos {
    Pos::from(s.referenced)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub pos: Pos,
    pub code: Code,
    pub message: String,
    /// The source line the problem is on, control characters made visible.
    pub snippet: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Pos { line: 0, .. } => write!(f, "{}: {}: {}", self.file, self.code, self.message)?,
            Pos { line, column: 0 } => {
                write!(f, "{}:{line}: {}: {}", self.file, self.code, self.message)?
            }
            Pos { line, column } => write!(
                f,
                "{}:{line}:{column}: {}: {}",
                self.file, self.code, self.message
            )?,
        }
        if let Some(snippet) = &self.snippet {
            let gutter = self.pos.line.to_string();
            let pad = " ".repeat(gutter.len());
            write!(f, "\n {gutter} | {snippet}")?;
            if self.pos.column > 0 {
                let indent: String = snippet
                    .chars()
                    .take(self.pos.column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n {pad} | {indent}^")?;
            }
        }
        Ok(())
    }
}

/// Every problem found in one or more files, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn single(file: &str, code: Code, message: impl Into<String>) -> Diagnostics {
        Diagnostics(vec![Diagnostic {
            file: file.to_string(),
            pos: Pos::default(),
            code,
            message: message.into(),
            snippet: None,
        }])
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            // Several problems at one place: the snippet once, under the last of them.
            let same_place_next = self
                .0
                .get(i + 1)
                .is_some_and(|n| n.file == d.file && n.pos == d.pos);
            if same_place_next {
                let bare = Diagnostic {
                    snippet: None,
                    ..d.clone()
                };
                write!(f, "{bare}")?;
            } else {
                write!(f, "{d}")?;
            }
        }
        if self.0.len() > 1 {
            write!(f, "\n{} problems", self.0.len())?;
        }
        Ok(())
    }
}

/// Collects the diagnostics of one file.
pub struct Collector<'a> {
    file: &'a str,
    text: &'a str,
    found: Vec<Diagnostic>,
}

impl<'a> Collector<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Collector<'a> {
        Collector {
            file,
            text,
            found: Vec::new(),
        }
    }

    pub fn push(&mut self, pos: Pos, code: Code, message: impl Into<String>) {
        let snippet = (pos.line > 0)
            .then(|| self.text.lines().nth(pos.line - 1))
            .flatten()
            .map(visible);
        self.found.push(Diagnostic {
            file: self.file.to_string(),
            pos,
            code,
            message: one_line(&message.into()),
            snippet,
        });
    }

    /// A parser's error: its location moves out of the message into the position.
    pub fn yaml_error(&mut self, e: &serde_saphyr::Error) {
        let pos = e.location().map(Pos::from).unwrap_or_default();
        let text = e.without_snippet().to_string();
        let message = match text.rfind(" at line ") {
            Some(at) if pos.line > 0 => text[..at].to_string(),
            _ => text,
        };
        self.push(pos, Code::Syntax, message);
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// `Ok` when nothing was found; else every diagnostic in file order.
    pub fn finish(mut self) -> Result<(), Diagnostics> {
        if self.found.is_empty() {
            return Ok(());
        }
        // Stable: two problems at one place keep the order they were found in.
        self.found.sort_by_key(|d| d.pos);
        Err(Diagnostics(self.found))
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.found
    }
}

/// A message on one line: some come from other libraries (a regex error draws its own caret
/// over several lines), and a diagnostic is one line and its snippet.
pub fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A YAML mapping of strings in file order, with where each key and value was written: serde's
/// maps lose both the order and the places a diagnostic must point at.
#[derive(Debug, Default)]
pub struct SpannedMap(pub Vec<(Spanned<String>, Spanned<String>)>);

impl<'de> Deserialize<'de> for SpannedMap {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SpannedMap, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = SpannedMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping of names to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<SpannedMap, A::Error> {
                let mut pairs = Vec::new();
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    pairs.push((k, map.next_value::<Spanned<String>>()?));
                }
                Ok(SpannedMap(pairs))
            }
        }
        d.deserialize_map(Pairs)
    }
}

/// The line as it can be shown on a terminal: a policy file is the user's own, but a shortlist
/// may come from anywhere, and an escape sequence in an error message would be obeyed.
fn visible(line: &str) -> String {
    let line = line.trim_end();
    let mut out = String::with_capacity(line.len());
    for c in line.chars().take(200) {
        if c.is_control() && c != '\t' {
            out.push_str(&c.escape_default().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_rendered_with_a_caret() {
        let text = "a: 1\nbb: \u{1b}[2J\n";
        let mut c = Collector::new("f.yaml", text);
        c.push(Pos::new(2, 5), Code::InvalidValue, "bad");
        c.push(Pos::new(1, 4), Code::InvalidValue, "worse");
        let d = c.finish().unwrap_err();
        assert_eq!(d.len(), 2);
        let shown = d.to_string();
        assert!(shown.starts_with("f.yaml:1:4: invalid-value: worse\n 1 | a: 1\n   |    ^"));
        assert!(shown.contains("f.yaml:2:5: invalid-value: bad"));
        assert!(!shown.contains('\u{1b}'), "{shown}");
        assert!(shown.ends_with("2 problems"));
    }

    #[test]
    fn a_whole_file_problem_has_no_position() {
        let d = Diagnostics::single("x.yaml", Code::Io, "not found");
        assert_eq!(d.to_string(), "x.yaml: io: not found");
    }
}
