//! A small tokenizer for Python and JavaScript/TypeScript sources, enough to see calls and
//! their literal arguments: identifiers, string literals (with where they start and whether
//! they are plain text, not interpolated) and punctuation. Comments are dropped, so a model
//! name in a comment is never a reference; a docstring is a string that is no call's argument,
//! so it is never one either. Not a parser: it never fails, whatever the text.

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Ident(String),
    /// A string literal's value. `plain` is false for f-strings, byte strings and template
    /// literals with `${...}`: their value is not the text written.
    Str {
        value: String,
        plain: bool,
    },
    Punct(char),
}

/// A token and where it starts (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Python,
    JavaScript,
}

/// A cursor over the characters that knows its line and column.
struct Cursor<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
    column: usize,
}

impl Cursor<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    /// The next two characters, without consuming them.
    fn peek2(&self) -> (Option<char>, Option<char>) {
        let mut it = self.chars.clone();
        (it.next(), it.next())
    }
}

/// Splits `text` into tokens.
pub fn tokens(text: &str, syntax: Syntax) -> Vec<Token> {
    let mut cur = Cursor {
        chars: text.chars().peekable(),
        line: 1,
        column: 1,
    };
    let mut out = Vec::new();
    while let Some(c) = cur.peek() {
        let (line, column) = (cur.line, cur.column);
        if c.is_whitespace() {
            cur.bump();
            continue;
        }
        match (syntax, c) {
            (Syntax::Python, '#') => {
                skip_line(&mut cur);
                continue;
            }
            (Syntax::JavaScript, '/') => match cur.peek2() {
                (_, Some('/')) => {
                    skip_line(&mut cur);
                    continue;
                }
                (_, Some('*')) => {
                    cur.bump();
                    cur.bump();
                    skip_block_comment(&mut cur);
                    continue;
                }
                _ => {}
            },
            _ => {}
        }
        if c == '"' || c == '\'' || (syntax == Syntax::JavaScript && c == '`') {
            let (value, plain) = string(&mut cur, syntax, "");
            out.push(Token {
                kind: Kind::Str { value, plain },
                line,
                column,
            });
            continue;
        }
        if c.is_alphanumeric() || c == '_' || c == '$' {
            let mut word = String::new();
            while let Some(c) = cur.peek() {
                if c.is_alphanumeric() || c == '_' || c == '$' {
                    word.push(c);
                    cur.bump();
                } else {
                    break;
                }
            }
            // A Python string prefix (`f"..."`, `rb'...'`) belongs to the string.
            if syntax == Syntax::Python
                && word.len() <= 2
                && word.chars().all(|c| "rRbBuUfF".contains(c))
                && matches!(cur.peek(), Some('"' | '\''))
            {
                let (value, plain) = string(&mut cur, syntax, &word);
                out.push(Token {
                    kind: Kind::Str { value, plain },
                    line,
                    column,
                });
                continue;
            }
            out.push(Token {
                kind: Kind::Ident(word),
                line,
                column,
            });
            continue;
        }
        cur.bump();
        out.push(Token {
            kind: Kind::Punct(c),
            line,
            column,
        });
    }
    out
}

fn skip_line(cur: &mut Cursor) {
    while let Some(c) = cur.peek() {
        if c == '\n' {
            return;
        }
        cur.bump();
    }
}

fn skip_block_comment(cur: &mut Cursor) {
    while let Some(c) = cur.bump() {
        if c == '*' && cur.peek() == Some('/') {
            cur.bump();
            return;
        }
    }
}

/// Reads a string literal starting at its opening quote; `prefix` is a Python prefix.
fn string(cur: &mut Cursor, syntax: Syntax, prefix: &str) -> (String, bool) {
    let Some(quote) = cur.bump() else {
        return (String::new(), false);
    };
    let prefix = prefix.to_ascii_lowercase();
    let raw = prefix.contains('r');
    let mut plain = !prefix.contains('f') && !prefix.contains('b');
    let triple = syntax == Syntax::Python && cur.peek2() == (Some(quote), Some(quote));
    if triple {
        cur.bump();
        cur.bump();
    } else if syntax == Syntax::Python && cur.peek() == Some(quote) {
        // `""`: an empty string, not the start of a triple-quoted one.
        cur.bump();
        return (String::new(), plain);
    }
    let mut value = String::new();
    while let Some(c) = cur.bump() {
        if c == '\\' && !raw {
            match cur.bump() {
                Some(e) => value.push(e),
                None => break,
            }
            continue;
        }
        if c == quote {
            if !triple {
                break;
            }
            if cur.peek2() == (Some(quote), Some(quote)) {
                cur.bump();
                cur.bump();
                break;
            }
        }
        // A one-line string ends at the line's end if it is not closed (a broken file).
        if c == '\n' && !triple && quote != '`' {
            break;
        }
        if quote == '`' && c == '$' && cur.peek() == Some('{') {
            plain = false;
        }
        value.push(c);
    }
    (value, plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(text: &str, syntax: Syntax) -> Vec<(String, bool, usize, usize)> {
        tokens(text, syntax)
            .into_iter()
            .filter_map(|t| match t.kind {
                Kind::Str { value, plain } => Some((value, plain, t.line, t.column)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn python_strings_comments_and_prefixes() {
        let s = strings(
            "x = f\"{a}/b\"  # 'org/in-comment'\n\"\"\"doc 'org/x'\n\"\"\" + r'a\\b' + ''",
            Syntax::Python,
        );
        assert_eq!(
            s,
            [
                ("{a}/b".into(), false, 1, 5),
                ("doc 'org/x'\n".into(), true, 2, 1),
                ("a\\b".into(), true, 3, 7),
                (String::new(), true, 3, 16),
            ]
        );
    }

    #[test]
    fn javascript_comments_and_templates() {
        let s = strings(
            "// 'org/a'\n/* \"org/b\" */ f(`org/${x}`, 'org/c')",
            Syntax::JavaScript,
        );
        assert_eq!(
            s,
            [
                ("org/${x}".into(), false, 2, 17),
                ("org/c".into(), true, 2, 29),
            ]
        );
    }

    #[test]
    fn broken_text_never_fails() {
        for t in ["'unclosed", "\"\"\"", "/* open", "`a${", "f'", "\\"] {
            tokens(t, Syntax::Python);
            tokens(t, Syntax::JavaScript);
        }
    }
}
