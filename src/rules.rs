//! License knowledge: the YAML files in `license-rules/` (embedded at build time) and a user's
//! own (`--rules DIR`). Raw files are parsed strictly, then validated into compiled rules —
//! unique ids and aliases, compiled patterns, examples that behave as declared — with errors
//! naming the file and line.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use regex::Regex;
use serde::{Deserialize, Deserializer, Serialize};
use serde_saphyr::Spanned;

use crate::diagnostic::{Code, Collector, Diagnostic, Diagnostics, Pos, pos_of};

use crate::normalize::{Normalized, alias_key, normalize, normalize_phrase};

/// The built-in rule files, `(file name, contents)`, embedded by build.rs.
const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

pub use crate::vocab::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleKind {
    License,
    Policy,
}

/// Whether a kind of reuse (fine-tuning, training other models) is permitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Permission {
    Allowed,
    Conditional,
    Prohibited,
    Unknown,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Allowed => "allowed",
            Permission::Conditional => "conditional",
            Permission::Prohibited => "prohibited",
            Permission::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UseRestrictions {
    pub summary: String,
    #[serde(deserialize_with = "nullable")]
    pub policy: Option<String>,
    pub flow_down: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derivatives {
    pub fine_tune: Permission,
    pub train_other_models: Permission,
    pub summary: String,
}

/// A rule file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    family: String,
    /// License lines with several revisions: a text of the line that matches none of its
    /// revision rules is named as the line, its revision unverified.
    #[serde(default)]
    lines: Vec<Spanned<RawLine>>,
    licenses: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    id: String,
    name: String,
    /// Names that say the line without its revision (`license_name: nvidia-open-model-license`).
    #[serde(default)]
    aliases: Vec<String>,
    detect: RawDetect,
    revisions: Vec<String>,
}

/// What a rule states about a license, as written in its file and as `license show` prints it:
/// one struct for both, so a new fact is added in one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub id: String,
    pub kind: RuleKind,
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub version: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub hub_id: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub spdx: Option<String>,
    pub osi_approved: bool,
    pub aliases: Vec<String>,
    pub verdict: Verdict,
    pub conditions: Vec<String>,
    pub obligations: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    pub use_restrictions: Option<UseRestrictions>,
    pub derivatives: Derivatives,
    #[serde(deserialize_with = "nullable")]
    pub territory: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub osaid_compatible: Option<bool>,
    pub osaid_reason: String,
    pub sources: Vec<String>,
    /// Corpus texts the rule was checked against (not printed).
    #[serde(skip_serializing)]
    pub corpus: Vec<String>,
}

/// A rule as written: its facts, and how to recognise its text. (Serde cannot refuse unknown
/// keys beside a flattened struct, so they are collected and refused by `compile`.)
#[derive(Debug, Deserialize)]
struct RawRule {
    #[serde(flatten)]
    facts: Facts,
    detect: RawDetect,
    evidence: Vec<String>,
    examples: RawExamples,
    #[serde(flatten)]
    unknown: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDetect {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExamples {
    #[serde(rename = "match")]
    matching: Vec<String>,
    no_match: Vec<String>,
}

/// Requires the key to be present while allowing `null` (serde would default a missing Option).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

/// Where a rule was defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub file: String,
    pub line: usize,
    #[serde(skip)]
    pub column: usize,
}

impl Origin {
    fn pos(&self) -> Pos {
        Pos::new(self.line, self.column)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A phrase (substring of normalised text) or a regular expression over it.
#[derive(Debug, Clone)]
pub enum Pattern {
    Phrase(String),
    Regex(Regex),
}

impl Pattern {
    fn compile(raw: &str) -> Result<Pattern, String> {
        match raw.strip_prefix("re:") {
            Some(re) => Regex::new(re)
                .map(Pattern::Regex)
                .map_err(|e| format!("bad regular expression {re:?}: {e}")),
            None => {
                let p = normalize_phrase(raw);
                if p.is_empty() {
                    Err(format!("phrase {raw:?} is empty after normalisation"))
                } else {
                    Ok(Pattern::Phrase(p))
                }
            }
        }
    }

    /// The byte range of the first occurrence in the normalised text.
    pub fn find(&self, text: &str) -> Option<(usize, usize)> {
        match self {
            Pattern::Phrase(p) => text.find(p.as_str()).map(|s| (s, s + p.len())),
            Pattern::Regex(r) => r.find(text).map(|m| (m.start(), m.end())),
        }
    }
}

/// How a rule recognises its text.
#[derive(Debug, Clone)]
pub struct Detector {
    pub all: Vec<Pattern>,
    pub any: Vec<Pattern>,
    pub none: Vec<Pattern>,
}

/// Where a detector matched: the ranges of the phrases that matched, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectorMatch {
    pub spans: Vec<(usize, usize)>,
}

impl Detector {
    pub fn matches(&self, text: &Normalized) -> Option<DetectorMatch> {
        let t = text.text.as_str();
        let mut spans = Vec::with_capacity(self.all.len() + 1);
        for p in &self.all {
            spans.push(p.find(t)?);
        }
        if !self.any.is_empty() {
            spans.push(self.any.iter().find_map(|p| p.find(t))?);
        }
        if self.none.iter().any(|p| p.find(t).is_some()) {
            return None;
        }
        Some(DetectorMatch { spans })
    }
}

/// A license line: the revisions of one license (the NVIDIA Open Model License of April and of
/// October 2025), and phrases every revision carries.
#[derive(Debug, Clone)]
pub struct Line {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub family: String,
    pub detect: Detector,
    /// Rule ids of the known revisions, newest first.
    pub revisions: Vec<String>,
    pub origin: Origin,
}

/// A validated license (or policy) rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub facts: Facts,
    pub family: String,
    pub detect: Detector,
    pub evidence: Vec<Pattern>,
    pub examples_match: Vec<String>,
    pub examples_no_match: Vec<String>,
    pub origin: Origin,
}

/// Problems in rule files are [`Diagnostics`], as for policies and shortlists.
pub type RulesError = Diagnostics;

/// Every rule, with look-ups by id and by alias.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    lines: Vec<Line>,
    by_id: HashMap<String, usize>,
    by_alias: HashMap<String, usize>,
}

impl RuleSet {
    /// The rules embedded in the binary. They are validated by the test suite, so a failure here
    /// is a build defect; it is still reported as an error rather than a panic.
    pub fn builtin() -> Result<RuleSet, RulesError> {
        let mut set = RuleSet::default();
        let mut found = Vec::new();
        for (file, text) in BUILTIN {
            found.extend(set.add(&format!("license-rules/{file}"), text));
        }
        set.finish(found)
    }

    /// The built-in rules plus every `*.yaml`/`*.yml` file in `dir`; a user rule with a
    /// built-in id replaces it. Every problem in every file is reported.
    pub fn builtin_with_dir(dir: &Path) -> Result<RuleSet, RulesError> {
        let mut set = RuleSet::builtin()?;
        let io = |path: &Path, e: std::io::Error| {
            Diagnostics::single(&path.display().to_string(), Code::Io, e.to_string())
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| io(dir, e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
            .collect();
        paths.sort();
        let mut found = Vec::new();
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(text) => found.extend(set.add(&path.display().to_string(), &text)),
                Err(e) => found.extend(io(&path, e).0),
            }
        }
        set.finish(found)
    }

    /// Parses one rule file and adds its rules (replacing rules with the same id).
    pub fn add_file(&mut self, file: &str, text: &str) -> Result<(), RulesError> {
        let found = self.add(file, text);
        if found.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics(found))
        }
    }

    /// Adds what compiles of one file; returns every problem in it, in file order.
    fn add(&mut self, file: &str, text: &str) -> Vec<Diagnostic> {
        let mut found = Collector::new(file, text);
        let raw: RawFile = match crate::card::parse_config_yaml(text) {
            Ok(raw) => raw,
            Err(e) => {
                found.yaml_error(&e);
                return found.into_vec();
            }
        };
        let origin = |s: Pos| Origin {
            file: file.to_string(),
            line: s.line,
            column: s.column,
        };
        let mut compiled = Vec::with_capacity(raw.licenses.len());
        for spanned in raw.licenses {
            let at = pos_of(&spanned);
            let id = spanned.value.facts.id.clone();
            match compile(spanned.value, &raw.family, origin(at)) {
                Ok(rule) => compiled.push(rule),
                Err(problems) => {
                    for m in problems {
                        found.push(at, Code::InvalidRule, format!("rule {id}: {m}"));
                    }
                }
            }
        }
        for rule in compiled {
            let (at, id) = (rule.origin.pos(), rule.facts.id.clone());
            if let Err(m) = self.insert(rule) {
                found.push(at, Code::Duplicate, format!("rule {id}: {m}"));
            }
        }
        for spanned in raw.lines {
            let at = pos_of(&spanned);
            let id = spanned.value.id.clone();
            match compile_line(spanned.value, &raw.family, origin(at)) {
                Ok(line) => {
                    self.lines.retain(|l| l.id != line.id);
                    self.lines.push(line);
                }
                Err(m) => found.push(at, Code::InvalidRule, format!("line {id}: {m}")),
            }
        }
        let mut list = found.into_vec();
        list.sort_by_key(|d| d.pos);
        list
    }

    /// The set, once every file is in and the references between rules hold.
    fn finish(self, mut found: Vec<Diagnostic>) -> Result<RuleSet, RulesError> {
        if found.is_empty() {
            found = self.check_references();
        }
        if found.is_empty() {
            Ok(self)
        } else {
            Err(Diagnostics(found))
        }
    }

    fn insert(&mut self, rule: Rule) -> Result<(), String> {
        if let Some(&old) = self.by_id.get(&rule.facts.id) {
            if self.rules[old].origin.file == rule.origin.file {
                return Err(format!("id {:?} is defined twice", rule.facts.id));
            }
            // A later file overrides: drop the old rule's aliases before re-indexing.
            self.by_alias.retain(|_, idx| *idx != old);
            self.rules[old] = rule;
            return self.index_aliases(old);
        }
        let idx = self.rules.len();
        self.rules.push(rule);
        self.by_id.insert(self.rules[idx].facts.id.clone(), idx);
        self.index_aliases(idx)
    }

    fn index_aliases(&mut self, idx: usize) -> Result<(), String> {
        let rule = &self.rules[idx];
        let keys = rule
            .facts
            .aliases
            .iter()
            .chain([&rule.facts.id])
            .chain(rule.facts.hub_id.iter())
            .map(|a| alias_key(a));
        let mut problems = Vec::new();
        for key in keys {
            if let Some(&other) = self.by_alias.get(&key)
                && other != idx
            {
                problems.push(format!(
                    "alias {key:?} is already used by rule {} ({})",
                    self.rules[other].facts.id, self.rules[other].origin
                ));
                continue;
            }
            self.by_alias.insert(key, idx);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }

    /// Cross-file checks: lines name real revisions, policies are policy rules.
    fn check_references(&self) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        let mut push = |origin: &Origin, what: String| {
            found.push(Diagnostic {
                file: origin.file.clone(),
                pos: origin.pos(),
                code: Code::InvalidRule,
                message: crate::diagnostic::one_line(&what),
                snippet: None,
            });
        };
        for line in &self.lines {
            let say = |m: String| format!("line {}: {m}", line.id);
            if self.by_id.contains_key(&line.id) {
                push(
                    &line.origin,
                    say("a line's id must differ from every rule id".into()),
                );
            }
            for alias in line.aliases.iter().chain([&line.id]) {
                if let Some(rule) = self.by_alias(alias) {
                    push(
                        &line.origin,
                        say(format!(
                            "alias {alias:?} is already used by rule {} ({})",
                            rule.facts.id, rule.origin
                        )),
                    );
                }
            }
            for rev in &line.revisions {
                let Some(rule) = self.get(rev) else {
                    push(&line.origin, say(format!("revision {rev:?} is not a rule")));
                    continue;
                };
                // The line's phrases must be common to every revision it names.
                for ex in &rule.examples_match {
                    if line.detect.matches(&normalize(ex)).is_none() {
                        push(
                            &line.origin,
                            say(format!(
                                "the line's detector does not match {rev}'s example {ex:?}"
                            )),
                        );
                    }
                }
            }
        }
        for rule in &self.rules {
            let Some(policy) = rule
                .facts
                .use_restrictions
                .as_ref()
                .and_then(|u| u.policy.as_ref())
            else {
                continue;
            };
            if !matches!(self.get(policy), Some(p) if p.facts.kind == RuleKind::Policy) {
                push(
                    &rule.origin,
                    format!(
                        "rule {}: use_restrictions.policy {policy:?} is not a policy rule",
                        rule.facts.id
                    ),
                );
            }
        }
        found.sort_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)));
        found
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The line a name says without a revision: its id or one of its aliases, compared loosely.
    pub fn line_by_alias(&self, name: &str) -> Option<&Line> {
        let key = alias_key(name);
        if key.is_empty() {
            return None;
        }
        self.lines
            .iter()
            .find(|l| alias_key(&l.id) == key || l.aliases.iter().any(|a| alias_key(a) == key))
    }

    /// The line a rule is a revision of.
    pub fn line_of(&self, rule_id: &str) -> Option<&Line> {
        self.lines
            .iter()
            .find(|l| l.revisions.iter().any(|r| r == rule_id))
    }

    /// The revision whose facts stand for a text of the line no revision rule names: the most
    /// restrictive one (the first listed among equals), so an unverified revision is never
    /// read more permissively than a known one.
    pub fn strictest_revision(&self, line: &Line) -> Option<&Rule> {
        line.revisions
            .iter()
            .filter_map(|id| self.get(id))
            .fold(None, |best: Option<&Rule>, r| match best {
                Some(b)
                    if b.facts.verdict.restrictiveness() >= r.facts.verdict.restrictiveness() =>
                {
                    Some(b)
                }
                _ => Some(r),
            })
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.by_id.get(id).map(|&i| &self.rules[i])
    }

    /// The rule a name refers to: its id, Hub id or one of its aliases, compared loosely.
    pub fn by_alias(&self, name: &str) -> Option<&Rule> {
        let key = alias_key(name);
        if key.is_empty() {
            return None;
        }
        self.by_alias.get(&key).map(|&i| &self.rules[i])
    }

    /// The rule whose Hub id this is.
    pub fn by_hub_id(&self, hub_id: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.facts.hub_id.as_deref() == Some(hub_id))
    }

    /// Every rule whose detector matches the normalised text.
    pub fn detect<'a>(&'a self, text: &Normalized) -> Vec<(&'a Rule, DetectorMatch)> {
        self.rules
            .iter()
            .filter_map(|r| r.detect.matches(text).map(|m| (r, m)))
            .collect()
    }
}

fn is_rule_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '+'))
        && !id.starts_with(['-', '.'])
}

fn check_id(id: &str) -> Result<(), String> {
    if is_rule_id(id) {
        Ok(())
    } else {
        Err("id must be lowercase letters, digits, '-', '.' or '+'".into())
    }
}

fn compile_line(raw: RawLine, family: &str, origin: Origin) -> Result<Line, String> {
    check_id(&raw.id)?;
    let detect = compile_detector(&raw.detect)?;
    if raw.revisions.is_empty() {
        return Err("a line lists at least one revision".into());
    }
    Ok(Line {
        id: raw.id,
        name: raw.name,
        aliases: raw.aliases,
        family: family.to_string(),
        detect,
        revisions: raw.revisions,
        origin,
    })
}

fn compile_detector(raw: &RawDetect) -> Result<Detector, String> {
    let patterns = |list: &[String], what: &str| {
        list.iter()
            .map(|p| Pattern::compile(p).map_err(|e| format!("{what}: {e}")))
            .collect::<Result<Vec<_>, _>>()
    };
    let detect = Detector {
        all: patterns(&raw.all, "detect.all")?,
        any: patterns(&raw.any, "detect.any")?,
        none: patterns(&raw.none, "detect.none")?,
    };
    if detect.all.is_empty() && detect.any.is_empty() {
        return Err("detect.all or detect.any must list a phrase".into());
    }
    Ok(detect)
}

/// A rule, or every problem found in it (not only the first).
fn compile(raw: RawRule, family: &str, origin: Origin) -> Result<Rule, Vec<String>> {
    let mut problems: Vec<String> = raw
        .unknown
        .keys()
        .map(|k| format!("unknown field `{k}`"))
        .collect();
    if let Err(m) = check_id(&raw.facts.id) {
        problems.push(m);
    }
    if raw.facts.name.trim().is_empty() {
        problems.push("name is empty".into());
    }
    let evidence = raw
        .evidence
        .iter()
        .filter_map(|p| {
            Pattern::compile(p)
                .map_err(|e| problems.push(format!("evidence: {e}")))
                .ok()
        })
        .collect();
    let detect = compile_detector(&raw.detect)
        .map_err(|m| problems.push(m))
        .ok();
    if raw.examples.matching.is_empty() || raw.examples.no_match.is_empty() {
        problems.push("examples need at least one `match` and one `no_match`".into());
    }
    if let Some(detect) = &detect {
        for ex in &raw.examples.matching {
            if detect.matches(&normalize(ex)).is_none() {
                problems.push(format!("example {ex:?} should match but does not"));
            }
        }
        for ex in &raw.examples.no_match {
            if detect.matches(&normalize(ex)).is_some() {
                problems.push(format!("example {ex:?} should not match but does"));
            }
        }
    }
    if raw.facts.kind == RuleKind::Policy
        && raw
            .facts
            .use_restrictions
            .as_ref()
            .is_some_and(|u| u.policy.is_some())
    {
        problems.push("a policy cannot name another policy".into());
    }
    let Some(detect) = detect.filter(|_| problems.is_empty()) else {
        return Err(problems);
    };
    Ok(Rule {
        facts: raw.facts,
        family: family.to_string(),
        detect,
        evidence,
        examples_match: raw.examples.matching,
        examples_no_match: raw.examples.no_match,
        origin,
    })
}

/// A short fingerprint of a set of knowledge files (name and contents): the first 12 hex
/// digits of their SHA-256, so a report can say which knowledge judged it.
pub fn fingerprint(files: &[(&str, &str)]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (name, text) in files {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    h.finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The built-in license rules' fingerprint and file count (`rules 50 files 3f2a…`).
pub fn builtin_version() -> String {
    format!("rules {} files {}", BUILTIN.len(), fingerprint(BUILTIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = r#"family: test
licenses:
  - id: demo-1.0
    kind: license
    name: Demo License 1.0
    version: "1.0"
    hub_id: null
    spdx: null
    osi_approved: false
    aliases: [demo license one]
    verdict: conditional
    conditions: [a cap]
    obligations: []
    use_restrictions: null
    derivatives: {fine_tune: allowed, train_other_models: unknown, summary: ok}
    territory: null
    osaid_compatible: null
    osaid_reason: unknown
    sources: []
    corpus: []
    detect: {all: ["demo license version 1.0"], any: [], none: ["version 1.1"]}
    evidence: []
    examples:
      match: ["The **DEMO** License\nVersion 1.0"]
      no_match: ["Demo License version 1.0 and version 1.1"]
"#;

    #[test]
    fn a_valid_file_compiles() {
        let mut set = RuleSet::default();
        set.add_file("demo.yaml", RULE).unwrap();
        let r = set.by_alias("Demo-License One").unwrap();
        assert_eq!(r.facts.id, "demo-1.0");
        assert_eq!(r.origin.line, 3);
    }

    #[test]
    fn errors_name_file_and_line() {
        let bad = RULE.replace("match: [\"The", "match: [\"Not the demo\", \"The");
        let err = RuleSet::default().add_file("demo.yaml", &bad).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("demo.yaml:3:5: invalid-rule: rule demo-1.0: example"),
            "{err}"
        );
        let missing = RULE.replace("    territory: null\n", "");
        let err = RuleSet::default()
            .add_file("demo.yaml", &missing)
            .unwrap_err();
        assert!(err.to_string().contains("territory"), "{err}");
        let unknown = RULE.replace(
            "    territory: null\n",
            "    territory: null\n    colour: red\n",
        );
        let err = RuleSet::default()
            .add_file("demo.yaml", &unknown)
            .unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
        let bad_re = RULE.replace("none: [\"version 1.1\"]", "none: [\"re:(\"]");
        let err = RuleSet::default()
            .add_file("demo.yaml", &bad_re)
            .unwrap_err();
        assert!(err.to_string().contains("regular expression"), "{err}");
    }

    #[test]
    fn duplicate_aliases_are_refused() {
        let mut set = RuleSet::default();
        set.add_file("a.yaml", RULE).unwrap();
        let twin = RULE.replace("id: demo-1.0", "id: demo-twin");
        let err = set.add_file("b.yaml", &twin).unwrap_err();
        assert!(err.to_string().contains("already used"), "{err}");
    }

    #[test]
    fn a_later_file_overrides_an_id() {
        let mut set = RuleSet::default();
        set.add_file("a.yaml", RULE).unwrap();
        let over = RULE.replace("verdict: conditional", "verdict: prohibited");
        set.add_file("user.yaml", &over).unwrap();
        assert_eq!(
            set.get("demo-1.0").unwrap().facts.verdict,
            Verdict::Prohibited
        );
        assert_eq!(set.rules().len(), 1);
    }
}
