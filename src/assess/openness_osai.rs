//! The European Open Source AI Index's records (one YAML file a system: `system`, `org`, and 12
//! parameters each `{class: open|partial|closed, link, notes}`): parsing, and matching a record
//! to a Hub model. The index judges a family by its newest, largest member, so a record is
//! matched to a model only when it names that very model (its link, or its end or base model
//! name), never to a sibling checkpoint.

use serde::Deserialize;

use super::openness_mot::hub_id_of_url;

/// The index's 12 parameters, in its order (`_parameters.yml`).
pub const PARAMETERS: &[&str] = &[
    "datasources_basemodel",
    "datasources_endmodel",
    "weights_basemodel",
    "weights_endmodel",
    "trainingcode",
    "code",
    "hardware_architecture",
    "preprint",
    "paper",
    "modelcard",
    "datasheet",
    "licenses",
];

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct System {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub basemodelname: Option<String>,
    #[serde(default)]
    pub endmodelname: Option<String>,
}

/// A record: its system and its parameters' classes (`open`, `partial`, `closed`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub system: System,
    /// (parameter, class, notes) in the index's order; a parameter the record leaves out is
    /// absent.
    pub parameters: Vec<(String, String, String)>,
}

impl Record {
    pub fn class(&self, parameter: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(p, ..)| p == parameter)
            .map(|(_, c, _)| c.as_str())
    }
}

/// Parses a record; one that does not parse is reported by the caller.
pub fn parse(text: &str) -> Result<Record, String> {
    let value: serde_json::Value = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
    let system: System = value
        .get("system")
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| format!("system: {e}"))?
        .ok_or("no `system` section")?;
    let parameters = PARAMETERS
        .iter()
        .filter_map(|p| {
            let v = value.get(*p)?;
            let class = v.get("class")?.as_str()?.trim().to_ascii_lowercase();
            if !matches!(class.as_str(), "open" | "partial" | "closed") {
                return None;
            }
            let notes = v
                .get("notes")
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .trim()
                .to_string();
            Some((p.to_string(), class, notes))
        })
        .collect();
    Ok(Record { system, parameters })
}

/// How a record names a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The record judges this model (its link or its end model).
    End,
    /// The record judges a model built on this one: only its `*_basemodel` parameters speak
    /// for this model.
    Base,
}

/// Does this record name this very Hub model, and as what?
pub fn matches(record: &Record, model_id: &str) -> Option<Role> {
    let id = model_id.to_ascii_lowercase();
    let repo = id.rsplit('/').next().unwrap_or(&id);
    let named = |n: &Option<String>| {
        n.as_deref()
            .is_some_and(|n| n.trim().to_ascii_lowercase() == repo)
    };
    let linked = record
        .system
        .link
        .as_deref()
        .and_then(hub_id_of_url)
        .is_some_and(|l| l == id);
    if linked || named(&record.system.endmodelname) {
        Some(Role::End)
    } else if named(&record.system.basemodelname) {
        Some(Role::Base)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The shape of a real record (main-database, e.g. Pythia.yaml), with our own notes.
    const RECORD: &str = "system:\n    name: Pythia\n    link: https://huggingface.co/EleutherAI/pythia-12b\n    \
        type: text\n    basemodelname: pythia-12b\n    endmodelname: pythia-12b\n\
        org:\n    name: EleutherAI\n\
        trainingcode:\n    class: open\n    link: https://github.com/EleutherAI/pythia\n    notes: code is public\n\
        datasources_basemodel:\n    class: Partial\n    notes: mostly\n\
        licenses:\n    class: maybe\n";

    #[test]
    fn reads_classes_and_matches_the_named_model_only() {
        let r = parse(RECORD).unwrap();
        assert_eq!(r.class("trainingcode"), Some("open"));
        assert_eq!(r.class("datasources_basemodel"), Some("partial"));
        assert_eq!(r.class("licenses"), None);
        assert_eq!(matches(&r, "EleutherAI/pythia-12b"), Some(Role::End));
        assert_eq!(matches(&r, "EleutherAI/pythia-70m"), None);
        let tuned = parse(
            "system:\n    name: Tuned\n    basemodelname: pythia-12b\n    endmodelname: tuned-chat\n",
        )
        .unwrap();
        assert_eq!(matches(&tuned, "EleutherAI/pythia-12b"), Some(Role::Base));
        assert!(parse("a: [").is_err());
        assert!(parse("org: {}").is_err());
    }
}
