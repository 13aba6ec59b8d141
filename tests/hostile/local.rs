//! Local reads and the shell around them (items 7, 8, 10, 11, 12 and 13): a model folder never
//! leads isopen out of itself or into a read that never ends, a local audit sends nothing to a
//! hub unless asked, the cache keeps endpoints apart and says when it cannot be written, and a
//! token that cannot be sent is a usage error that never shows the token.

use std::time::Duration;

use crate::support::isopen;

const SECRET: &str = "hf_abc\u{1}def_s3cr3t";

/// Item 13: a token with a control character (or a newline inside) is a usage error (exit 2)
/// before any request, from every source, and the message never shows the token.
#[test]
fn item13_a_token_with_a_control_character() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("token");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/local/plain-folder");
    for (how, value) in [
        ("--token", SECRET),
        ("HF_TOKEN", SECRET),
        ("HF_TOKEN", "hf_abc\ndef_s3cr3t"),
        ("HF_TOKEN_PATH", file.to_str().unwrap()),
    ] {
        let (mut cmd, _home) = isopen("http://127.0.0.1:9");
        cmd.args(["audit", "acme/plain-apache", folder, "--format", "json"]);
        match how {
            "--token" => cmd.args(["--token", value]),
            var => cmd.env(var, value),
        };
        let out = cmd.timeout(Duration::from_secs(60)).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{how}: {stderr}");
        assert!(stderr.contains("not a valid Hub token"), "{how}: {stderr}");
        assert!(
            !stderr.contains("s3cr3t"),
            "{how} leaks the token: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{how}: no report for a usage error");
    }
}
