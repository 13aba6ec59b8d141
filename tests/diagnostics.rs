//! What a user sees when a file they wrote is wrong: every problem in a policy, a shortlist or a
//! rules folder, in file order, as `file:line:col: code: message` with the line and a caret.

mod support;

use std::path::Path;

use support::isopen;

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/diagnostics")
        .join(rel)
        .display()
        .to_string()
}

/// Runs isopen (no hub is reached: the files are refused first) and returns its exit code and
/// its stderr with the fixture folder's absolute path made relative.
fn refused(args: &[&str]) -> (i32, String) {
    let (mut cmd, _home) = isopen("http://127.0.0.1:9");
    let out = cmd.args(args).output().unwrap();
    let root = fixture("");
    let err = String::from_utf8_lossy(&out.stderr).replace(&root, "");
    (out.status.code().unwrap(), err)
}

#[test]
fn a_policy_with_several_mistakes() {
    let (code, err) = refused(&["policy", "check", &fixture("policy.yaml")]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(err);
}

#[test]
fn a_shortlist_with_several_mistakes() {
    let (code, err) = refused(&["batch", &fixture("shortlist.yaml"), "--offline"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(err);
}

#[test]
fn a_rules_folder_with_several_mistakes() {
    let (code, err) = refused(&["license", "list", "--rules", &fixture("rules")]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(err);
}
