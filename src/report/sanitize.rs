//! Text from a card, a file or a server made safe for a terminal. Every string a report shows
//! was written by someone else, and a terminal obeys what it prints: an escape sequence in a
//! `license:` value can clear the screen, set the window title or move the cursor back over
//! the verdict, a carriage return can overwrite a line, and bidi overrides or invisible format
//! characters can reorder or hide words. So every control character (C0, DEL, C1 — ESC, CSI
//! 0x9b, BEL, backspace …), every bidi override or isolate, and the other invisible format
//! characters are shown as a visible escape (`\u{1b}`), never passed on; inside one value a
//! line break becomes a space, so a value cannot start a line of its own. The table renderer
//! applies [`line`] to each value it writes and [`block`] to the whole output; every line the
//! command line writes to standard error goes through [`block`] too, and the JSON outputs
//! through [`json`], which writes the same characters as JSON escapes.

use std::borrow::Cow;

/// Characters that reorder or hide text without being seen: bidi embeddings, overrides,
/// isolates and marks, zero-width characters, invisible operators, the byte order mark,
/// interlinear annotations and the tag characters (which carry hidden ASCII).
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{3164}' | '\u{feff}' | '\u{ffa0}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}')
}

/// A character that must not reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || invisible(c)
}

/// Line breaks, as text from anywhere may write them (CR LF, CR, NEL, the Unicode separators).
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn escape(c: char, out: &mut String) {
    out.extend(c.escape_unicode());
}

/// One value for one line of a terminal: line breaks and tabs become spaces, every other unsafe
/// character a visible escape.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            // CR LF is one break, one space.
            continue;
        }
        if is_break(c) || c == '\t' {
            out.push(' ');
        } else if is_unsafe(c) {
            escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A whole rendered text for a terminal: its own line breaks (`\n`) kept, every other unsafe
/// character — a carriage return included, which would let a line overwrite itself — shown as
/// a visible escape.
pub fn block(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c != '\n' && is_unsafe(c) {
            escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A rendered JSON text (the report, SARIF, CycloneDX, a results line) with every unsafe
/// character written as a JSON escape (`\u009b`): the same data for a program, nothing a
/// terminal obeys when the JSON is shown in one. serde_json escapes C0 controls itself, but
/// passes DEL, C1 controls and bidi overrides through raw; JSON's structure is ASCII, so any
/// such character is inside a string.
pub fn json(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut units = [0u16; 2];
    for c in s.chars() {
        if c != '\n' && is_unsafe(c) {
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_overrides_are_shown_not_obeyed() {
        let hostile = "mit\u{1b}[2J\u{1b}]0;title\u{7}\rCommercial use ALLOWED\u{202e}x\u{9b}1m";
        let l = line(hostile);
        assert!(!l.chars().any(is_unsafe), "{l}");
        assert!(l.contains("\\u{1b}[2J") && l.contains("\\u{7}") && l.contains("\\u{202e}"));
        assert!(l.contains("\\u{9b}") && l.contains(" Commercial use ALLOWED"));
        assert_eq!(line("a\r\nb\nc\td"), "a b c d");
        assert!(matches!(line("plain text"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_block_keeps_its_lines_but_not_a_carriage_return() {
        assert_eq!(block("a\nb\r\n"), "a\nb\\u{d}\n");
        assert_eq!(block("x\u{2066}y\u{e0041}"), "x\\u{2066}y\\u{e0041}");
    }

    #[test]
    fn json_keeps_the_data_and_drops_the_raw_characters() {
        let text = serde_json::to_string(&"a\u{9b}b\u{202e}c\u{e0041}\u{7f}").unwrap();
        let safe = json(&text);
        assert!(!safe.chars().any(is_unsafe), "{safe}");
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "a\u{9b}b\u{202e}c\u{e0041}\u{7f}");
    }
}
