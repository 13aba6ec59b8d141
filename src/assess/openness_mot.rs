//! The Model Openness Framework's class rule, as the Model Openness Tool applies it to a record:
//! 17 components, each in a class (III, II, I) and of a content type (code, data, document); a
//! component counts when it is included and its license (its own, else the record's license for
//! its content type, else the distribution license) is open — an exact SPDX id that is
//! OSI-approved or FSF-libre, an open-data license, or OpenMDW. Classes are cumulative: III needs
//! its 6 required components, II those and 4 more, I all 14; a research paper stands in for a
//! missing technical report. The same rule judges isopen's own evidence and the index's records.
//! Also reads the Tool's `models/*.yml` records and matches one to a Hub id.

use serde::Deserialize;

use crate::vocab::MofClass;

/// A component's content type, for the record's per-type licenses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Code,
    Data,
    Document,
}

/// The 17 MOF components: name as records spell it, class, required, content type.
pub const COMPONENTS: &[(&str, MofClass, bool, Content)] = &[
    (
        "Model architecture",
        MofClass::ClassIII,
        true,
        Content::Code,
    ),
    (
        "Model parameters (Final)",
        MofClass::ClassIII,
        true,
        Content::Data,
    ),
    ("Model card", MofClass::ClassIII, true, Content::Document),
    ("Data card", MofClass::ClassIII, true, Content::Document),
    (
        "Technical report",
        MofClass::ClassIII,
        true,
        Content::Document,
    ),
    (
        "Evaluation results",
        MofClass::ClassIII,
        true,
        Content::Document,
    ),
    (
        "Sample model outputs",
        MofClass::ClassIII,
        false,
        Content::Document,
    ),
    ("Training code", MofClass::ClassII, true, Content::Code),
    ("Inference code", MofClass::ClassII, true, Content::Code),
    ("Evaluation code", MofClass::ClassII, true, Content::Code),
    ("Evaluation data", MofClass::ClassII, true, Content::Data),
    (
        "Supporting libraries and tools",
        MofClass::ClassII,
        false,
        Content::Code,
    ),
    (
        "Data preprocessing code",
        MofClass::ClassI,
        true,
        Content::Code,
    ),
    (
        "Model parameters (Intermediate)",
        MofClass::ClassI,
        true,
        Content::Data,
    ),
    ("Datasets", MofClass::ClassI, true, Content::Data),
    ("Research paper", MofClass::ClassI, true, Content::Document),
    ("Model metadata", MofClass::ClassI, false, Content::Data),
];

/// Open-data licenses the Tool counts as open besides the OSI/FSF lists (exact ids).
const OPEN_DATA: &[&str] = &[
    "CC0-1.0",
    "CC-BY-1.0",
    "CC-BY-2.0",
    "CC-BY-2.5",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-1.0",
    "CC-BY-SA-2.0",
    "CC-BY-SA-2.5",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CDLA-Permissive-1.0",
    "CDLA-Permissive-2.0",
    "CDLA-Sharing-1.0",
    "ODC-PDDL-1.0",
    "ODC-By-1.0",
    "ODbL-1.0",
    "GFDL-1.3",
    "OGL-Canada-2.0",
    "OGL-UK-2.0",
    "OGL-UK-3.0",
    "OpenMDW-1.0",
];

/// Is this license id open as the Tool counts it? Exact and case-sensitive, as the Tool
/// matches: "Apache 2.0" is not open, "Apache-2.0" is.
pub fn is_open_license(id: &str) -> bool {
    if OPEN_DATA.contains(&id)
        || (id.starts_with("CC-BY-") && !id.contains("-NC") && !id.contains("-ND"))
    {
        return true;
    }
    spdx::license_id(id)
        .is_some_and(|l| l.name == id && (l.is_osi_approved() || l.is_fsf_free_libre()))
}

/// A component as a record or isopen's evidence lists it: included, under this license (None:
/// the record's global license applies).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Component {
    pub name: String,
    #[serde(default)]
    pub license: Option<String>,
    #[serde(default)]
    pub component_path: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct NamedLicense {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Licenses {
    #[serde(default)]
    pub distribution: Option<NamedLicense>,
    #[serde(default)]
    pub code: Option<NamedLicense>,
    #[serde(default)]
    pub data: Option<NamedLicense>,
    #[serde(default)]
    pub document: Option<NamedLicense>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Release {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub huggingface: Option<String>,
    #[serde(default)]
    pub repository: Option<String>,
    #[serde(default)]
    pub license: Licenses,
    #[serde(default)]
    pub components: Vec<Component>,
}

/// A Model Openness Tool record (`models/*.yml`), the part the class rule reads.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Record {
    #[serde(default)]
    pub release: Release,
}

fn name_of(l: &Option<NamedLicense>) -> Option<&str> {
    l.as_ref()
        .and_then(|l| l.name.as_deref())
        .filter(|n| !n.trim().is_empty())
}

impl Record {
    /// The license a listed component resolves to, as the Tool resolves it.
    pub fn license_of(&self, c: &Component) -> Option<String> {
        if let Some(l) = c.license.as_deref().filter(|l| !l.trim().is_empty()) {
            return Some(l.to_string());
        }
        let content = COMPONENTS
            .iter()
            .find(|(n, ..)| *n == c.name)
            .map(|(.., t)| *t)?;
        let global = &self.release.license;
        let typed = match content {
            Content::Code => name_of(&global.code),
            Content::Data => name_of(&global.data),
            Content::Document => name_of(&global.document),
        };
        typed.or(name_of(&global.distribution)).map(str::to_string)
    }

    /// The components that count (included under an open license), by name.
    pub fn counted(&self) -> Vec<&'static str> {
        COMPONENTS
            .iter()
            .filter(|(name, ..)| {
                self.release.components.iter().any(|c| {
                    c.name == *name
                        && self
                            .license_of(c)
                            .is_some_and(|l| l != "unlicensed" && is_open_license(&l))
                })
            })
            .map(|(n, ..)| *n)
            .collect()
    }

    /// The Hub id the record names (`release.huggingface`), cleaned of a trailing
    /// " · Hugging Face" and of a URL's query, lower-cased.
    pub fn hub_id(&self) -> Option<String> {
        let url = self.release.huggingface.as_deref()?;
        hub_id_of_url(url)
    }
}

/// `org/name` from a Hugging Face model URL, lower-cased.
pub fn hub_id_of_url(url: &str) -> Option<String> {
    let rest = url
        .trim()
        .split(" · ")
        .next()?
        .trim_end_matches('/')
        .split("huggingface.co/")
        .nth(1)?;
    let mut parts = rest.split(['/', '?', '#']);
    let (org, name) = (parts.next()?, parts.next()?);
    if org.is_empty() || name.is_empty() || matches!(org, "datasets" | "spaces" | "papers") {
        return None;
    }
    Some(format!("{org}/{name}").to_ascii_lowercase())
}

/// The class a set of counted components reaches: the best class whose required components
/// (and those of every class below it) all count; a research paper stands in for a missing
/// technical report. None: no class.
pub fn class_of(counted: &[&str]) -> Option<MofClass> {
    let has = |n: &str| counted.contains(&n);
    let paper_for_report = !has("Technical report") && has("Research paper");
    let complete = |class: MofClass| {
        COMPONENTS
            .iter()
            .filter(|(_, c, required, _)| *c == class && *required)
            .all(|(n, ..)| has(n) || (*n == "Technical report" && paper_for_report))
    };
    if !complete(MofClass::ClassIII) {
        return None;
    }
    if !complete(MofClass::ClassII) {
        return Some(MofClass::ClassIII);
    }
    if !complete(MofClass::ClassI) {
        return Some(MofClass::ClassII);
    }
    Some(MofClass::ClassI)
}

/// Parses a record; a record that does not parse is reported by the caller, never trusted.
pub fn parse(text: &str) -> Result<Record, String> {
    serde_saphyr::from_str(text).map_err(|e| e.to_string())
}

/// Does this record describe this Hub model? Its `huggingface` field must name the same repo,
/// and — because about a third of the Tool's `huggingface` fields are missing or point at
/// another model — its release name must share the repository name's leading word.
pub fn matches(record: &Record, model_id: &str) -> bool {
    let Some(id) = record.hub_id() else {
        return false;
    };
    if id != model_id.to_ascii_lowercase() {
        return false;
    }
    let repo = model_id.rsplit('/').next().unwrap_or(model_id);
    let word = |s: &str| {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .find(|w| !w.is_empty())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let name = record.release.name.to_ascii_lowercase();
    let first = word(repo);
    !first.is_empty() && name.contains(&first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_ids_are_matched_exactly() {
        assert!(is_open_license("Apache-2.0"));
        assert!(is_open_license("MIT"));
        assert!(is_open_license("CC-BY-4.0"));
        assert!(is_open_license("CDLA-Permissive-2.0"));
        assert!(!is_open_license("Apache 2.0"));
        assert!(!is_open_license("apache-2.0"));
        assert!(!is_open_license("CC-BY-NC-4.0"));
        assert!(!is_open_license("Llama 2 Community License"));
        assert!(!is_open_license("unlicensed"));
    }

    #[test]
    fn hub_ids_from_messy_urls() {
        assert_eq!(
            hub_id_of_url("https://huggingface.co/EleutherAI/pythia-70m · Hugging Face").as_deref(),
            Some("eleutherai/pythia-70m")
        );
        assert_eq!(hub_id_of_url("https://huggingface.co/datasets/x/y"), None);
        assert_eq!(hub_id_of_url("https://huggingface.co"), None);
    }
}
