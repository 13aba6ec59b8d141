//! The Hub token: from `--token`, `HF_TOKEN`, or the token file (`HF_TOKEN_PATH`, else
//! `$HF_HOME/token`, `HF_HOME` defaulting to `~/.cache/huggingface`). The type never prints
//! its value: Debug and Display are redacted. A token is checked when it is resolved: one with
//! a control character, a space or a non-ASCII character can never be a Hub token, and sending
//! it would only fail as a network error after every retry, so it is a usage error, named by
//! where it came from and never by its value. The token file is read only when it is a regular
//! file, and only its first few KiB (`HF_TOKEN_PATH=/dev/zero` must not read forever).

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A token from a string; blank means none.
    pub fn new(s: &str) -> Option<Token> {
        let t = s.trim();
        (!t.is_empty()).then(|| Token(t.to_string()))
    }

    /// What removes this token (and every token-shaped string) from text, without handing the
    /// value out.
    pub fn redactor(token: Option<&Token>) -> crate::redact::Redactor {
        crate::redact::Redactor::new(token.map(Token::secret))
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

/// The most of a token file read: a Hub token is under a hundred bytes.
const MAX_TOKEN_FILE_BYTES: u64 = 4 * 1024;

/// A token that cannot be sent: where it came from, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the token from {0} is not a valid Hub token: it holds a control character, a space or a \
     non-ASCII character (a Hub token is printable ASCII)"
)]
pub struct BadToken(pub String);

/// The token in effect, and a warning when a token file was there but was not read.
#[derive(Debug, Default)]
pub struct Resolved {
    pub token: Option<Token>,
    pub warning: Option<String>,
}

/// A token is printable ASCII without spaces (`!` to `~`).
fn valid(t: &Token) -> bool {
    t.0.bytes().all(|b| b.is_ascii_graphic())
}

/// The token in effect: the flag, then `HF_TOKEN`, then the token file. A token that is not
/// printable ASCII is an error naming its source; a token file that is not a regular file or
/// is too large to be a token file is ignored with a warning.
pub fn resolve(flag: Option<&str>) -> Result<Resolved, BadToken> {
    let checked = |t: Token, from: &str| {
        if valid(&t) {
            Ok(Resolved {
                token: Some(t),
                warning: None,
            })
        } else {
            Err(BadToken(from.to_string()))
        }
    };
    if let Some(t) = flag.and_then(Token::new) {
        return checked(t, "--token");
    }
    if let Some(t) = std::env::var_os("HF_TOKEN")
        .map(|v| v.to_string_lossy().into_owned())
        .as_deref()
        .and_then(Token::new)
    {
        return checked(t, "HF_TOKEN");
    }
    let Some(path) = std::env::var_os("HF_TOKEN_PATH")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| hf_home().map(|h| h.join("token")))
    else {
        return Ok(Resolved::default());
    };
    match read_token_file(&path) {
        Ok(None) => Ok(Resolved::default()),
        Ok(Some(text)) => match Token::new(text.lines().next().unwrap_or("")) {
            Some(t) => checked(t, &format!("the token file {}", path.display())),
            None => Ok(Resolved::default()),
        },
        Err(why) => Ok(Resolved {
            token: None,
            warning: Some(format!(
                "the token file {} was not read: {why}; no token is sent",
                path.display()
            )),
        }),
    }
}

/// The ModelScope token in effect: the flag, then `MODELSCOPE_API_TOKEN` (the variable the
/// ModelScope SDK logs in with). Checked as a Hub token is; sent only to ModelScope.
pub fn resolve_modelscope(flag: Option<&str>) -> Result<Option<Token>, BadToken> {
    let (token, from) = match flag.and_then(Token::new) {
        Some(t) => (Some(t), "--modelscope-token"),
        None => (
            std::env::var_os("MODELSCOPE_API_TOKEN")
                .map(|v| v.to_string_lossy().into_owned())
                .as_deref()
                .and_then(Token::new),
            "MODELSCOPE_API_TOKEN",
        ),
    };
    match token {
        Some(t) if !valid(&t) => Err(BadToken(from.to_string())),
        other => Ok(other),
    }
}

/// The token file's text: `None` when there is no file, an error saying why when it is not a
/// file a token could be in (a FIFO, a device, a folder, over 4 KiB).
fn read_token_file(path: &Path) -> Result<Option<String>, String> {
    // Checked before opening: opening a FIFO blocks, and a device can be read forever.
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read it ({e})")),
    };
    if !meta.is_file() {
        return Err("it is not a regular file".into());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open it ({e})"))?;
    let mut bytes = Vec::new();
    file.take(MAX_TOKEN_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read it ({e})"))?;
    if bytes.len() as u64 > MAX_TOKEN_FILE_BYTES {
        return Err(format!(
            "it is larger than {MAX_TOKEN_FILE_BYTES} bytes, too large for a token"
        ));
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
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

    #[test]
    fn only_printable_ascii_is_a_token() {
        for good in ["hf_abc", "hf_A-b.c_~!"] {
            assert!(valid(&Token::new(good).unwrap()), "{good}");
        }
        for bad in [
            "hf_abc\x01def",
            "hf_abc\ndef",
            "hf abc",
            "hf_é",
            "hf_\u{7f}",
        ] {
            assert!(!valid(&Token::new(bad).unwrap()), "{bad:?}");
        }
        let e = BadToken("HF_TOKEN".into()).to_string();
        assert!(e.contains("HF_TOKEN"), "{e}");
    }

    #[test]
    fn the_token_file_is_read_only_when_regular_and_small() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_token_file(&dir.path().join("none")), Ok(None));
        assert!(read_token_file(dir.path()).is_err());
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 5000]).unwrap();
        assert!(read_token_file(&big).is_err());
        let ok = dir.path().join("token");
        std::fs::write(&ok, "hf_x\n").unwrap();
        assert_eq!(read_token_file(&ok), Ok(Some("hf_x\n".into())));
        #[cfg(unix)]
        assert!(read_token_file(Path::new("/dev/zero")).is_err());
    }
}
