//! The Hub token: from `--token`, `HF_TOKEN`, or the token file (`HF_TOKEN_PATH`, else
//! `$HF_HOME/token`, `HF_HOME` defaulting to `~/.cache/huggingface`). The type never prints
//! its value: Debug and Display are redacted.

use std::fmt;
use std::path::PathBuf;

#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A token from a string; blank means none.
    pub fn new(s: &str) -> Option<Token> {
        let t = s.trim();
        (!t.is_empty()).then(|| Token(t.to_string()))
    }

    /// The value, only for building the Authorization header.
    pub(crate) fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`.
pub fn hf_home() -> Option<PathBuf> {
    if let Some(h) = std::env::var_os("HF_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(h));
    }
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(x).join("huggingface"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("huggingface"))
}

/// The token in effect: the flag, then `HF_TOKEN`, then the token file.
pub fn resolve(flag: Option<&str>) -> Option<Token> {
    if let Some(t) = flag.and_then(Token::new) {
        return Some(t);
    }
    if let Some(t) = std::env::var("HF_TOKEN")
        .ok()
        .as_deref()
        .and_then(Token::new)
    {
        return Some(t);
    }
    let path = std::env::var_os("HF_TOKEN_PATH")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| hf_home().map(|h| h.join("token")))?;
    let text = std::fs::read_to_string(path).ok()?;
    Token::new(text.lines().next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let t = Token::new(" hf_secret \n").unwrap();
        assert_eq!(t.secret(), "hf_secret");
        assert!(!format!("{t:?} {t}").contains("hf_secret"));
        assert!(Token::new("  ").is_none());
    }
}
