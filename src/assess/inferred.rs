//! Inferred lineage: the base a card does not declare, read from the other signals — base
//! sentences in the card's prose ("fine-tuned from …", "based on …", "a LoRA for …"), the
//! adapter and model configs, a GGUF header's `general.base_model.*` and `general.source.*`, the
//! model's architecture when it names one family only, and the model's name and tags
//! (`llama-2`, `gemma`, `flux-dev`, `stable-diffusion` …). A base found with a Hub id is looked
//! up like a declared one; a base known only by its family carries that family's terms, or, for
//! a family whose members are under different terms (Qwen, Mistral), is a gap that keeps the
//! verdict from `allowed`. Inference only ever restricts: it adds terms, it never removes any.
//! Pure: names and text in, inferred bases out.

use std::sync::OnceLock;

use regex::Regex;

use crate::license::identify::clip;
use crate::snapshot::GgufHead;
use crate::vocab::{Evidence, Relation};

/// A model family a name can reveal, and the license its members carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// How the report names it (`Llama 2`).
    pub name: &'static str,
    /// The rule whose terms every member carries, or `None` when members differ (a gap).
    pub rule: Option<&'static str>,
    /// Organisations that publish the family's own models: their names reveal no base.
    pub owners: &'static [&'static str],
}

/// Families by the pattern that reveals them in a lowercase name, id or sentence, most specific
/// first. Only versioned names count for Llama: the bare architecture name is shared by many
/// models under other terms (TinyLlama, OpenLLaMA).
fn families() -> &'static [(Regex, Family)] {
    static F: OnceLock<Vec<(Regex, Family)>> = OnceLock::new();
    F.get_or_init(|| {
        let f = |re: &str, name: &'static str, rule: Option<&'static str>| {
            let owners: &'static [&'static str] = match name {
                n if n.starts_with("Llama") => &["meta-llama", "facebook", "codellama"],
                "Gemma" => &["google"],
                n if n.starts_with("FLUX") => &["black-forest-labs"],
                n if n.starts_with("Stable Diffusion") => &["stabilityai", "runwayml", "CompVis"],
                "Cohere Command R" => &["CohereForAI", "CohereLabs", "Cohere"],
                "Yi" => &["01-ai"],
                "Qwen" => &["Qwen"],
                "Mistral" => &["mistralai"],
                "DeepSeek" => &["deepseek-ai"],
                "Falcon" => &["tiiuae"],
                _ => &[],
            };
            (
                Regex::new(re).expect("family patterns are valid"),
                Family { name, rule, owners },
            )
        };
        vec![
            f(r"\bllama[- _]?4\b", "Llama 4", Some("llama4")),
            f(r"\bllama[- _]?3[._]3\b", "Llama 3.3", Some("llama3.3")),
            f(r"\bllama[- _]?3[._]2\b", "Llama 3.2", Some("llama3.2")),
            f(r"\bllama[- _]?3[._]1\b", "Llama 3.1", Some("llama3.1")),
            f(r"\bllama[- _]?3\b", "Llama 3", Some("llama3")),
            f(r"\b(llama[- _]?2|code[- _]?llama)\b", "Llama 2", Some("llama2")),
            f(r"\bgemma\b|\bgemma[- _]?[123]\b", "Gemma", Some("gemma")),
            f(
                r"\bflux(\.1)?[- _]?(\[)?dev\b",
                "FLUX.1 [dev]",
                Some("flux-1-dev-nc"),
            ),
            f(
                r"\b(sd[- _]?3(\.5)?|stable[- _]diffusion[- _]3(\.5)?)\b",
                "Stable Diffusion 3",
                Some("stabilityai-community"),
            ),
            f(
                r"\b(sdxl|stable[- _]diffusion[- _]xl|sd[- _]?2(\.1)?|stable[- _]diffusion[- _]2(\.1)?)\b",
                "Stable Diffusion XL / 2",
                Some("openrail++"),
            ),
            f(
                r"\b(stable[- _]diffusion|sd[- _]?1\.[45])\b",
                "Stable Diffusion",
                Some("creativeml-openrail-m"),
            ),
            f(r"\b(command[- _]r|c4ai)\b", "Cohere Command R", Some("cc-by-nc-4.0")),
            f(r"\byi[- _](6|9|34)b\b", "Yi", Some("yi-license")),
            f(r"\b(qwen[0-9.]*|qwq)\b", "Qwen", None),
            f(r"\b(mistral|mixtral|codestral|ministral)\b", "Mistral", None),
            f(r"\bdeepseek\b", "DeepSeek", None),
            f(r"\bfalcon\b", "Falcon", None),
            f(r"\bflux\b", "FLUX", None),
        ]
    })
}

/// The first family a text reveals.
pub fn family_in(text: &str) -> Option<Family> {
    let t = text.to_lowercase();
    families()
        .iter()
        .find(|(re, _)| re.is_match(&t))
        .map(|(_, f)| *f)
}

/// Architectures that name one family only (the Hub's `config.architectures`).
fn family_of_architecture(arch: &str) -> Option<Family> {
    let name = match arch {
        a if a.starts_with("Gemma") => "gemma",
        a if a.starts_with("Cohere") => "command-r",
        _ => return None,
    };
    family_in(name)
}

/// Where an inferred base was read.
#[derive(Debug, Clone, PartialEq)]
pub struct InferredBase {
    /// The Hub id, when the signal names one.
    pub model: Option<String>,
    /// The family, when the signal reveals one.
    pub family: Option<Family>,
    pub relation: Relation,
    /// `adapter_config.json`, `config.json`, `prose`, `name`, `tag`.
    pub found_in: &'static str,
    pub evidence: Evidence,
}

impl InferredBase {
    /// How the lineage lists it: its Hub id, else its family.
    pub fn label(&self) -> String {
        match (&self.model, &self.family) {
            (Some(m), _) => m.clone(),
            (None, Some(f)) => format!("{} (family)", f.name),
            (None, None) => "unknown".into(),
        }
    }
}

/// Base sentences: a relation phrase, then what follows it on the line.
fn base_sentences() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(fine[- ]?tuned (?:version )?(?:from|of|on)|finetuned (?:from|of|on)|further trained (?:from|on)|trained on top of|based on|built (?:on|upon|around|on top of)|derived from|a lora (?:for|of|on)|lora adapter (?:for|of|on)|adapter for|merge of|merged from|distilled from|a distillation of|quantized version of|quantization of|quantised version of|gguf (?:version|conversion|quants?) of|continued pre-?training (?:from|of|on))\b(.{0,160})")
            .expect("valid regex")
    })
}

/// Sentences that put the model under another model's terms ("you must comply with the Qwen and
/// Llama 2 licenses", "use is subject to the Llama 3 terms").
fn governing_sentences() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:must|should|shall|need to|needs to|have to|has to|are required to|is required to|agree to)\s+(?:also\s+)?(?:comply with|follow|abide by|adhere to|respect|observe|honou?r)\b(.{0,160})|\b(?:subject to|governed by|bound by)\s+(?:the\s+)?(.{0,120}?\b(?:licen[cs]es?|terms|agreements?)\b)")
            .expect("valid regex")
    })
}

/// A Hub id in text: a huggingface.co link or a bare `org/name`.
fn hub_id() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:https?://(?:www\.)?(?:huggingface\.co|hf\.co)/)?\b([A-Za-z0-9][A-Za-z0-9_.\-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.\-]{0,95})")
            .expect("valid regex")
    })
}

fn relation_of(phrase: &str) -> Relation {
    let p = phrase.to_ascii_lowercase();
    if p.contains("lora") || p.contains("adapter") {
        Relation::Adapter
    } else if p.contains("merge") {
        Relation::Merge
    } else if p.contains("quant") || p.contains("gguf") {
        Relation::Quantized
    } else if p.contains("distil") {
        Relation::Distillation
    } else {
        Relation::Finetune
    }
}

/// A plausible model id from a match: not a URL path of another site, not a file path.
fn plausible_id(candidate: &str, own: &str) -> Option<String> {
    let id = candidate.trim_end_matches(['.', ',', ')', ']']);
    let (org, name) = id.split_once('/')?;
    let bad_org = [
        "blob", "tree", "resolve", "datasets", "spaces", "docs", "api", "models",
    ];
    if org.is_empty()
        || name.is_empty()
        || bad_org.contains(&org)
        || name.contains('/')
        || org.contains('.')
    {
        return None;
    }
    if id.eq_ignore_ascii_case(own) || org.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(id.to_string())
}

/// Bases the card's prose names: each base sentence's Hub id (a link or `org/name`), else the
/// family it names.
pub fn from_prose(body: &str, body_line: usize, own_id: &str) -> Vec<InferredBase> {
    let mut out: Vec<InferredBase> = Vec::new();
    let lines: Vec<&str> = body.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        // Terms of other models the card says apply: each family named, at its line (a
        // sentence may wrap onto the next line).
        let window = format!("{line} {}", lines.get(i + 1).copied().unwrap_or(""));
        for caps in governing_sentences().captures_iter(&window) {
            let Some(tail) = caps.get(1).or_else(|| caps.get(2)) else {
                continue;
            };
            let t = tail.as_str().to_lowercase();
            for (re, family) in families() {
                let Some(m) = re.find(&t) else { continue };
                // A more specific family already matched this span ("llama 3.1" over "llama 3").
                let dup = out.iter().any(|b| b.family == Some(*family));
                let shadowed = families()
                    .iter()
                    .take_while(|(r, _)| !std::ptr::eq(r, re))
                    .any(|(r, f)| {
                        r.find(&t)
                            .is_some_and(|o| o.start() <= m.start() && m.end() <= o.end())
                            && f != family
                    });
                if dup || shadowed {
                    continue;
                }
                out.push(InferredBase {
                    model: None,
                    family: Some(*family),
                    relation: Relation::Unknown,
                    found_in: "prose",
                    evidence: Evidence {
                        file: Some("README.md".into()),
                        line: Some(body_line + i),
                        quote: clip(line.trim(), 200),
                        rule: None,
                    },
                });
            }
        }
        for caps in base_sentences().captures_iter(line) {
            let (Some(phrase), Some(rest)) = (caps.get(1), caps.get(2)) else {
                continue;
            };
            // The text after the phrase, up to the end of its sentence (a dot in an id or a
            // version number is not an end).
            let tail = rest.as_str();
            let end = tail
                .char_indices()
                .find(|&(j, c)| {
                    matches!(c, '!' | '?' | ';') || (c == '.' && tail[j + 1..].starts_with(' '))
                })
                .map_or(tail.len(), |(j, _)| j);
            let tail = &tail[..end];
            let model = hub_id()
                .captures_iter(tail)
                .filter(|c| {
                    // A path of another site (`github.com/org/repo`) is not a Hub id.
                    let whole = c.get(0).map_or(0, |m| m.start());
                    let linked = c.get(0).is_some_and(|m| m.as_str().contains("://"));
                    linked || !tail[..whole].ends_with(['/', '.', '@', ':'])
                })
                .filter_map(|c| c.get(1))
                .find_map(|m| plausible_id(m.as_str(), own_id));
            let family = if model.is_some() {
                None
            } else {
                family_in(tail)
            };
            if model.is_none() && family.is_none() {
                continue;
            }
            let line_no = body_line + i;
            let evidence = Evidence {
                file: Some("README.md".into()),
                line: Some(line_no),
                quote: clip(line.trim(), 200),
                rule: None,
            };
            let relation = relation_of(phrase.as_str());
            let dup = out.iter().any(|b| b.model == model && b.family == family);
            if !dup {
                out.push(InferredBase {
                    model,
                    family,
                    relation,
                    found_in: "prose",
                    evidence,
                });
            }
        }
    }
    out
}

/// The base a configuration names: an adapter's `base_model_name_or_path`, else the model
/// config's `_name_or_path` when it is a Hub id other than the model's own.
pub fn from_configs(
    own_id: &str,
    adapter: Option<&serde_json::Value>,
    config: Option<&serde_json::Value>,
) -> Option<InferredBase> {
    let read = |v: Option<&serde_json::Value>, key: &str| -> Option<String> {
        v?.get(key)?.as_str().map(|s| s.trim().to_string())
    };
    let candidates: [(Option<String>, &'static str, &'static str, Relation); 2] = [
        (
            read(adapter, "base_model_name_or_path"),
            "adapter_config.json",
            "base_model_name_or_path",
            Relation::Adapter,
        ),
        (
            read(config, "_name_or_path"),
            "config.json",
            "_name_or_path",
            Relation::Unknown,
        ),
    ];
    candidates
        .into_iter()
        .find_map(|(value, file, key, relation)| {
            let value = value?;
            if value.is_empty() || value.eq_ignore_ascii_case(own_id) {
                return None;
            }
            // A trainer's local checkpoint path reveals at most a family.
            let local = is_local_path(&value) || !value.contains('/');
            let model = if local {
                None
            } else {
                Some(plausible_id(&value, own_id)?)
            };
            let family = if local {
                Some(family_in(&value)?)
            } else {
                None
            };
            Some(InferredBase {
                model,
                family,
                relation,
                found_in: file,
                evidence: Evidence {
                    file: Some(file.into()),
                    line: None,
                    quote: clip(&format!("{key}: {value}"), 200),
                    rule: None,
                },
            })
        })
}

/// The bases a GGUF header names: the model it was converted from (`general.source.*`, a
/// quantisation of it) and the base models its converter copied from the original card
/// (`general.base_model.{i}.*`). A Hugging Face URL gives a Hub id; a name alone, a family.
pub fn from_gguf(own_id: &str, gguf: &GgufHead) -> Vec<InferredBase> {
    let h = &gguf.header;
    let cite = |key: &str, value: &str| Evidence {
        file: Some(gguf.path.clone()),
        line: None,
        quote: clip(&format!("{key} = {value}"), 200),
        rule: None,
    };
    let mut out: Vec<InferredBase> = Vec::new();
    let mut push = |b: InferredBase| {
        let dup = out.iter().any(|o| {
            (o.model.is_some() && o.model == b.model)
                || (o.model.is_none() && b.model.is_none() && o.family == b.family)
        });
        if !dup {
            out.push(b);
        }
    };
    for key in [
        "general.source.repo_url",
        "general.source.huggingface.repository",
        "general.source.url",
    ] {
        if let Some(model) = h.str(key).and_then(|v| hub_repo(v, own_id)) {
            push(InferredBase {
                evidence: cite(key, h.str(key).unwrap_or_default()),
                model: Some(model),
                family: None,
                relation: Relation::Quantized,
                found_in: "GGUF header",
            });
            break;
        }
    }
    for base in h.base_models() {
        let prefix = format!("general.base_model.{}", base.index);
        let model = base.repo_url.as_deref().and_then(|u| hub_repo(u, own_id));
        let named = [base.organization.as_deref(), base.name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let family = if model.is_some() {
            None
        } else {
            family_in(&named)
        };
        let evidence = match (&model, &base.repo_url) {
            (Some(_), Some(url)) => cite(&format!("{prefix}.repo_url"), url),
            _ => cite(&format!("{prefix}.name"), &named),
        };
        if model.is_some() || family.is_some() {
            push(InferredBase {
                model,
                family,
                relation: Relation::Unknown,
                found_in: "GGUF header",
                evidence,
            });
        }
    }
    out
}

/// The Hub id in a header value: `https://huggingface.co/org/name[/…]` or a bare `org/name`;
/// never the model's own id, never another site's path.
fn hub_repo(value: &str, own_id: &str) -> Option<String> {
    let v = value.trim();
    let rest = match v.split_once("://") {
        Some((_, r)) => r
            .strip_prefix("huggingface.co/")
            .or_else(|| r.strip_prefix("www.huggingface.co/"))
            .or_else(|| r.strip_prefix("hf.co/"))?,
        None => v,
    };
    let mut parts = rest.split('/');
    let (org, name) = (parts.next()?, parts.next()?);
    // A one-segment URL names a user or an organisation, not a model.
    plausible_id(&format!("{org}/{name}"), own_id)
}

/// The Hub dataset id in a GGUF header value: `https://huggingface.co/datasets/org/name`,
/// `https://huggingface.co/org/name` (as converters write it) or a bare `org/name`.
pub fn hub_dataset(value: &str) -> Option<String> {
    let v = value.trim();
    let rest = match v.split_once("://") {
        Some((_, r)) => {
            let r = r
                .strip_prefix("huggingface.co/")
                .or_else(|| r.strip_prefix("www.huggingface.co/"))
                .or_else(|| r.strip_prefix("hf.co/"))?;
            r.strip_prefix("datasets/").unwrap_or(r)
        }
        None => v,
    };
    let mut parts = rest.split('/');
    let (org, name) = (parts.next()?, parts.next()?);
    plausible_id(&format!("{org}/{name}"), "")
}

/// A base family the model's own name, tags or architecture reveal.
pub fn from_name_and_tags(
    id: &str,
    tags: &[String],
    architectures: &[String],
) -> Option<InferredBase> {
    let name = id.rsplit('/').next().unwrap_or(id);
    let org = id.split_once('/').map_or("", |(o, _)| o);
    let owned = |f: &Family| f.owners.iter().any(|o| o.eq_ignore_ascii_case(org));
    let cite = |quote: String| Evidence {
        file: None,
        line: None,
        quote,
        rule: None,
    };
    if let Some(family) = family_in(name).filter(|f| !owned(f)) {
        return Some(InferredBase {
            model: None,
            family: Some(family),
            relation: Relation::Unknown,
            found_in: "name",
            evidence: cite(format!("model name: {name}")),
        });
    }
    // Tags the Hub derives from the architecture (`llama`) say nothing of the terms; tags a
    // person wrote (`llama-2`, `gemma`, `stable-diffusion`) do.
    for t in tags.iter().filter(|t| !t.contains(':')) {
        if let Some(family) = family_in(t).filter(|f| !owned(f)) {
            return Some(InferredBase {
                model: None,
                family: Some(family),
                relation: Relation::Unknown,
                found_in: "tag",
                evidence: cite(format!("tag: {t}")),
            });
        }
    }
    architectures.iter().find_map(|a| {
        family_of_architecture(a)
            .filter(|f| !owned(f))
            .map(|family| InferredBase {
                model: None,
                family: Some(family),
                relation: Relation::Unknown,
                found_in: "config.json",
                evidence: cite(format!("architectures: {a}")),
            })
    })
}

/// A base given as a local path (`../models/gemma-3-1b-pt`): it cannot be looked up on a hub.
pub fn is_local_path(base: &str) -> bool {
    base.starts_with(['.', '/', '~'])
        || base.contains('\\')
        || base.split('/').count() > 2
        || !base.contains('/') && base.contains(['.', ' '])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_from_names() {
        let rule = |s: &str| family_in(s).and_then(|f| f.rule);
        assert_eq!(rule("Llama-2-70b-chat-mit"), Some("llama2"));
        assert_eq!(rule("Meta-Llama-3.1-8B-Instruct"), Some("llama3.1"));
        assert_eq!(rule("llama3-8b-sft"), Some("llama3"));
        assert_eq!(rule("CodeLlama-7b"), Some("llama2"));
        assert_eq!(rule("my-sdxl-lora"), Some("openrail++"));
        assert_eq!(rule("flux-dev-anime"), Some("flux-1-dev-nc"));
        assert_eq!(family_in("Qwen2.5-14B-merge").map(|f| f.name), Some("Qwen"));
        assert_eq!(family_in("Qwen2.5-14B-merge").and_then(|f| f.rule), None);
        // A bare architecture name and look-alike names reveal nothing.
        assert_eq!(family_in("TinyLlama-1.1B"), None);
        assert_eq!(family_in("open_llama_7b"), None);
        assert_eq!(family_in("phi-2"), None);
    }

    #[test]
    fn bases_from_prose() {
        let body = "# Model\nThis model is a fine-tuned version of [meta-llama/Llama-3.1-8B-Instruct](https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct) on our data.\nIt is built around Llama 3.1 8B Instruct.\n";
        let b = from_prose(body, 5, "acme/speech");
        assert_eq!(
            b[0].model.as_deref(),
            Some("meta-llama/Llama-3.1-8B-Instruct")
        );
        assert_eq!(b[0].relation, Relation::Finetune);
        assert_eq!(b[0].evidence.line, Some(6));
        assert_eq!(b[1].family.and_then(|f| f.rule), Some("llama3.1"));
        assert!(from_prose("Trained on our own data.", 1, "a/b").is_empty());
        let terms = from_prose(
            "Please note: you must comply with the Qwen and Llama 2 licenses for commercial use.",
            3,
            "a/b",
        );
        let names: Vec<&str> = terms
            .iter()
            .filter_map(|b| b.family.map(|f| f.name))
            .collect();
        assert_eq!(names, ["Llama 2", "Qwen"]);
        let lora = from_prose(
            "A LoRA for stabilityai/stable-diffusion-xl-base-1.0.",
            1,
            "a/b",
        );
        assert_eq!(lora[0].relation, Relation::Adapter);
        assert_eq!(
            lora[0].model.as_deref(),
            Some("stabilityai/stable-diffusion-xl-base-1.0")
        );
    }

    #[test]
    fn local_paths_are_not_hub_ids() {
        assert!(is_local_path("../models/gemma-3-1b-pt"));
        assert!(is_local_path("/data/ckpt"));
        assert!(!is_local_path("google/gemma-3-1b-pt"));
    }
}
