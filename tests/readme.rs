//! The README stays true: every risk code with its default severity and description, and every
//! option of every command.

use isopen::assess::risks::RiskCode;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn every_risk_code_is_documented() {
    let readme = readme();
    for c in RiskCode::ALL {
        let row = format!(
            "| `{}` | {} | {} |",
            c.code(),
            c.default_severity().as_str(),
            c.description()
        );
        assert!(readme.contains(&row), "README lacks the row:\n{row}");
    }
}

#[test]
fn every_option_is_documented() {
    let readme = readme();
    for cmd in [
        vec!["audit", "--help"],
        vec!["batch", "--help"],
        vec!["scan", "--help"],
        vec!["census", "--help"],
        vec!["census", "escalate", "--help"],
        vec!["census", "report", "--help"],
        vec!["policy", "init", "--help"],
        vec!["policy", "check", "--help"],
        vec!["license", "identify", "--help"],
        vec!["license", "list", "--help"],
        vec!["license", "show", "--help"],
    ] {
        let out = assert_cmd::Command::cargo_bin("isopen")
            .unwrap()
            .args(&cmd)
            .output()
            .unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        for word in help.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']') {
            if let Some(opt) = word.strip_prefix("--")
                && !opt.is_empty()
                && opt != "help"
                && opt != "version"
            {
                let flag = format!("--{}", opt.trim_end_matches(".").split('=').next().unwrap());
                assert!(
                    readme.contains(&flag),
                    "README does not document {flag} ({cmd:?})"
                );
            }
        }
    }
}
