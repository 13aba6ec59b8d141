//! Text normalisation for matching license texts regardless of layout: NFKC, straight quotes and
//! dashes, markdown characters removed, lowercase, whitespace collapsed. Each output byte
//! remembers its source line so a match can be cited as `file:line`.

use unicode_normalization::UnicodeNormalization;

/// A normalised text with a map back to the original's 1-based line numbers.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    pub text: String,
    /// `lines[i]` is the source line of byte `i` of `text`.
    lines: Vec<u32>,
}

impl Normalized {
    /// The source line of a byte offset in the normalised text.
    pub fn line_at(&self, offset: usize) -> usize {
        self.lines
            .get(offset)
            .or(self.lines.last())
            .map_or(1, |&l| l as usize)
    }
}

/// Characters dropped before matching: markdown emphasis, headings, quotes, tables, escapes.
fn is_dropped(c: char) -> bool {
    matches!(c, '*' | '#' | '>' | '\\' | '|' | '_' | '`')
}

fn map_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        other => other,
    }
}

/// Normalises a text for matching (see license-rules/README.md, "Matching").
pub fn normalize(input: &str) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(input.len()),
        lines: Vec::with_capacity(input.len()),
    };
    let mut pending_space = false;
    for (idx, line) in input.lines().enumerate() {
        let line_no = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        for c in line.nfkc() {
            let c = map_char(c);
            if is_dropped(c) {
                continue;
            }
            if c.is_whitespace() {
                pending_space = true;
                continue;
            }
            if pending_space && !out.text.is_empty() {
                out.text.push(' ');
                out.lines.push(line_no);
            }
            pending_space = false;
            for lc in c.to_lowercase() {
                let before = out.text.len();
                out.text.push(lc);
                out.lines
                    .extend(std::iter::repeat_n(line_no, out.text.len() - before));
            }
        }
        pending_space = true;
    }
    out
}

/// Normalises a short phrase (no line map needed).
pub fn normalize_phrase(phrase: &str) -> String {
    normalize(phrase).text
}

/// The key used to compare license names and aliases: lowercase, only `a-z`, `0-9`, `.`, `+`.
pub fn alias_key(name: &str) -> String {
    name.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_does_not_matter() {
        let a = normalize("**LLAMA 3.1** Community\r\nLicense  Agreement");
        let b = normalize("llama 3.1 community license agreement");
        assert_eq!(a.text, b.text);
        assert_eq!(a.line_at(a.text.find("license").unwrap()), 2);
    }

    #[test]
    fn quotes_and_dashes_are_straightened() {
        assert_eq!(
            normalize_phrase("\u{201C}Built with\u{201D} \u{2014} it\u{2019}s"),
            "\"built with\" - it's"
        );
    }

    #[test]
    fn alias_keys_ignore_punctuation() {
        assert_eq!(alias_key("Llama-3.1 Community"), "llama3.1community");
        assert_eq!(alias_key("llama 3.1 community"), "llama3.1community");
    }
}
