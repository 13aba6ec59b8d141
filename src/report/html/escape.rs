//! Text for HTML: every string a report holds was written by someone else (a card can hold
//! `<script>`, a license name `"` or `</style>`), so everything the page shows goes through
//! [`text`], in element content and in double-quoted attributes alike. Control, bidi and
//! invisible format characters become visible escapes, as in the terminal outputs, so a value
//! cannot hide or reorder words on the page either.

use crate::report::sanitize;

/// `s` escaped for HTML text and double-quoted attribute values.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if sanitize::is_unsafe(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn markup_quotes_and_invisible_characters_are_escaped() {
        assert_eq!(
            text("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(text("a\" onmouseover=\"x"), "a&quot; onmouseover=&quot;x");
        assert_eq!(text("</style>&amp;"), "&lt;/style&gt;&amp;amp;");
        assert_eq!(
            text("left\u{202e}right\u{1b}[2J"),
            "left\\u{202e}right\\u{1b}[2J"
        );
        assert_eq!(text("two\nlines"), "two lines");
    }
}
