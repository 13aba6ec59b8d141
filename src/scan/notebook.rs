//! Model references in Jupyter notebooks (`.ipynb`): the code cells' source, read as Python,
//! each reference placed at the notebook file's own line and column. Read line by line as
//! nbformat writes a notebook (a `"source": [` array, one JSON string a line, after the
//! cell's `"cell_type"`), so a notebook cut short still yields the cells before the cut;
//! Markdown cells and outputs are never read.

use super::Found;
use super::code;
use super::lexer::Syntax;

/// One line of a code cell: its text, and where its JSON string sits in the file.
struct SourceLine {
    text: String,
    /// The JSON string's content as written (escapes included).
    raw: String,
    /// 1-based file line, and 1-based column of the content's first character.
    line: usize,
    column: usize,
}

/// References in the code cells of a notebook.
pub fn find(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut code_cell = false;
    let mut cell: Option<Vec<SourceLine>> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(mut lines) = cell.take() {
            if trimmed.starts_with(']') {
                out.extend(cell_refs(&lines));
                continue;
            }
            let value = trimmed.trim_end_matches(',');
            if let Ok(decoded) = serde_json::from_str::<String>(value) {
                let start = line.len() - line.trim_start().len();
                lines.push(SourceLine {
                    text: decoded,
                    raw: value[1..value.len().saturating_sub(1).max(1)].to_string(),
                    line: i + 1,
                    column: line[..start].chars().count() + 2,
                });
            }
            cell = Some(lines);
            continue;
        }
        if trimmed.starts_with("\"cell_type\"") {
            code_cell = trimmed.contains("\"code\"");
        } else if code_cell && trimmed.starts_with("\"source\"") && trimmed.ends_with('[') {
            cell = Some(Vec::new());
        }
    }
    out
}

/// The references of one cell, placed in the file.
fn cell_refs(lines: &[SourceLine]) -> Vec<Found> {
    let source: String = lines.iter().map(|l| l.text.as_str()).collect();
    // The cell's lines as the lexer counts them: a JSON string may hold several.
    let mut starts = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        let mut at = 0;
        for piece in l.text.split_inclusive('\n') {
            starts.push((k, at));
            at += piece.chars().count();
        }
        if l.text.is_empty() {
            starts.push((k, 0));
        }
    }
    code::find(&source, Syntax::Python)
        .into_iter()
        .filter_map(|mut f| {
            let &(k, offset) = starts.get(f.line - 1)?;
            let l = &lines[k];
            f.line = l.line;
            f.column = l.column + raw_index(&l.raw, offset + f.column - 1);
            Some(f)
        })
        .collect()
}

/// The index in `raw` (a JSON string's content, escapes included) of the decoded character at
/// `decoded`.
fn raw_index(raw: &str, decoded: usize) -> usize {
    let chars: Vec<char> = raw.chars().collect();
    let (mut r, mut d) = (0, 0);
    while d < decoded && r < chars.len() {
        r += match chars[r] {
            '\\' if chars.get(r + 1) == Some(&'u') => 6,
            '\\' => 2,
            _ => 1,
        };
        d += 1;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Form;

    #[test]
    fn code_cells_only_at_the_file_line() {
        let nb = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "tok = AutoTokenizer.from_pretrained(\"org/in-markdown\")"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [],
   "source": [
    "from transformers import AutoModel\n",
    "# AutoModel.from_pretrained(\"org/commented\")\n",
    "m = AutoModel.from_pretrained(\"org/real\")"
   ]
  }
 ]
}"##;
        let found: Vec<(String, usize, usize, Form)> = find(nb)
            .into_iter()
            .map(|f| (f.model, f.line, f.column, f.form))
            .collect();
        assert_eq!(found, [("org/real".into(), 18, 36, Form::FromPretrained)]);
    }
}
