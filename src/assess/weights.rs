//! Weights: are they in the repository, can they be downloaded without an access request, in
//! which formats, how many parameters and bytes — read from the file list (for an Ollama
//! model, its manifest's layers), the Hub's `safetensors` summary, and a GGUF header's
//! `general.size_label`.

use crate::report::{Availability, ServingMemory, Weights};
use crate::snapshot::{Gating, ModelInfo, Sibling, Source};

/// A weight format and the file-name suffixes that carry it.
struct Format {
    name: &'static str,
    suffixes: &'static [&'static str],
    /// Pickle-based: loading it can execute arbitrary code.
    pickle: bool,
}

const FORMATS: &[Format] = &[
    Format {
        name: "safetensors",
        suffixes: &[".safetensors"],
        pickle: false,
    },
    Format {
        name: "gguf",
        suffixes: &[".gguf"],
        pickle: false,
    },
    Format {
        name: "onnx",
        suffixes: &[".onnx"],
        pickle: false,
    },
    Format {
        name: "pytorch",
        suffixes: &[".bin", ".pt", ".pth"],
        pickle: true,
    },
    Format {
        name: "ckpt",
        suffixes: &[".ckpt"],
        pickle: true,
    },
    Format {
        name: "tensorflow",
        suffixes: &[".h5", ".tflite"],
        pickle: false,
    },
    Format {
        name: "keras",
        suffixes: &[".keras"],
        pickle: false,
    },
    Format {
        name: "flax",
        suffixes: &[".msgpack"],
        pickle: false,
    },
    Format {
        name: "nemo",
        suffixes: &[".nemo"],
        pickle: true,
    },
    Format {
        name: "coreml",
        suffixes: &[".mlmodel"],
        pickle: false,
    },
];

/// `.bin` files that are not weights.
const NOT_WEIGHTS: &[&str] = &["training_args.bin", "optimizer.bin", "scheduler.bin"];

/// Large files of no known format without an extension (Grok-1's `ckpt-0/tensor00000_000`)
/// are weights in a format of their own.
const UNNAMED: Format = Format {
    name: "other",
    suffixes: &[],
    pickle: false,
};
const LARGE: u64 = 50 * 1024 * 1024;

fn format_of(path: &str, size: Option<u64>) -> Option<&'static Format> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if NOT_WEIGHTS.contains(&name.as_str()) || name.ends_with(".index.json") {
        return None;
    }
    if let Some(f) = FORMATS
        .iter()
        .find(|f| f.suffixes.iter().any(|s| name.ends_with(s)))
    {
        return Some(f);
    }
    (!name.contains('.') && size.is_some_and(|s| s >= LARGE)).then_some(&UNNAMED)
}

/// What the file list says about the weights.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightFacts {
    pub weights: Weights,
    /// Weights exist, and every one of them is in a pickle-based format.
    pub pickle_only: bool,
    /// Paths of the pickle-based weight files (for evidence).
    pub pickle_files: Vec<String>,
}

pub fn assess(info: &ModelInfo, source: Source) -> WeightFacts {
    let files: Vec<(&Sibling, &Format)> = info
        .siblings
        .iter()
        .filter_map(|s| format_of(&s.rfilename, s.bytes()).map(|f| (s, f)))
        .collect();
    let mut formats: Vec<String> = Vec::new();
    for (_, f) in &files {
        if !formats.iter().any(|n| n == f.name) {
            formats.push(f.name.to_string());
        }
    }
    // Bytes of the format one would download: safetensors when present, else everything.
    let primary: Vec<&Sibling> = if formats.iter().any(|f| f == "safetensors") {
        files
            .iter()
            .filter(|(_, f)| f.name == "safetensors")
            .map(|(s, _)| *s)
            .collect()
    } else {
        files.iter().map(|(s, _)| *s).collect()
    };
    let bytes = primary
        .iter()
        .map(|s| s.bytes())
        .sum::<Option<u64>>()
        .filter(|&b| b > 0);
    let availability = match (files.is_empty(), source, info.gated) {
        (true, Source::Huggingface | Source::Modelscope, _) if !info.siblings.is_empty() => {
            Availability::Absent
        }
        // A manifest lists every layer: none holding a model is no weights (a cloud model).
        (true, Source::Ollama, _) => Availability::Absent,
        (true, _, _) => Availability::Unknown,
        (false, _, g) if g.is_gated() => Availability::Gated,
        (false, Source::Huggingface | Source::Modelscope, Gating::Open) => Availability::Open,
        (false, Source::Local | Source::Gguf, _) => Availability::Open,
        // Ollama's registry serves public manifests and blobs without an access request.
        (false, Source::Ollama, _) => Availability::Open,
        (false, _, _) => Availability::Unknown,
    };
    let pickle_files: Vec<String> = files
        .iter()
        .filter(|(_, f)| f.pickle)
        .map(|(s, _)| s.rfilename.clone())
        .collect();
    let pickle_only = !files.is_empty() && files.iter().all(|(_, f)| f.pickle);
    let counted = info
        .safetensors
        .as_ref()
        .and_then(|s| s.total)
        .filter(|&n| n > 0);
    // Without the Hub's count, estimate from unquantised weight files at 2 bytes a parameter
    // (bf16/fp16, how nearly all checkpoints ship); quantised formats would mislead.
    let estimated = match (counted, bytes) {
        (None, Some(b)) if formats.iter().any(|f| f == "safetensors" || f == "pytorch") => {
            Some(b / 2)
        }
        _ => None,
    };
    // A GGUF header's size label (`8B`, `8x7B`, `270M`) says the size class in the model's
    // own words: rounded, so an estimate.
    let labelled = info
        .gguf
        .as_ref()
        .and_then(|g| g.header.str("general.size_label"))
        .and_then(parse_size_label);
    let parameters = counted.or(estimated).or(labelled);
    WeightFacts {
        weights: Weights {
            availability,
            gating: info.gated.report(),
            formats,
            parameters,
            bytes,
            parameters_estimated: counted.is_none() && parameters.is_some(),
            serving_memory: parameters.map(serving_memory),
        },
        pickle_only,
        pickle_files,
    }
}

/// Parameters from a size label: `8B`, `1.5B`, `270M`, `1T`, `8x7B` (experts times size);
/// for `30B-A3B` (total, then active) the total. Anything else: none.
pub fn parse_size_label(label: &str) -> Option<u64> {
    let first = label.trim().split(['-', ' ', '_']).next()?;
    let (count, size) = match first.split_once(['x', 'X']) {
        Some((n, rest)) => (n.parse::<u64>().ok()?, rest),
        None => (1, first),
    };
    let unit = size.chars().last()?;
    let scale: f64 = match unit.to_ascii_uppercase() {
        'K' => 1e3,
        'M' => 1e6,
        'B' => 1e9,
        'T' => 1e12,
        _ => return None,
    };
    let number: f64 = size[..size.len() - 1].parse().ok()?;
    if !number.is_finite() || number <= 0.0 || count == 0 || count > 4096 {
        return None;
    }
    let total = number * scale * count as f64;
    (total < 1e15).then(|| total.round() as u64)
}

/// Memory to serve: the weights at 2 bytes (bf16) or half a byte (4-bit) a parameter, plus
/// 20% for activations and the KV cache at a modest context length.
pub fn serving_memory(parameters: u64) -> ServingMemory {
    let with_overhead =
        |bytes_per_param: f64| (parameters as f64 * bytes_per_param * 1.2).round() as u64;
    ServingMemory {
        bf16_bytes: with_overhead(2.0),
        int4_bytes: with_overhead(0.5),
    }
}

/// Does loading the model run code from the repository? (`auto_map` in config, `.py` files.)
pub fn remote_code_files(info: &ModelInfo) -> Vec<String> {
    let mut out: Vec<String> = info
        .siblings
        .iter()
        .filter(|s| s.rfilename.ends_with(".py"))
        .map(|s| s.rfilename.clone())
        .collect();
    if info
        .config
        .as_ref()
        .is_some_and(|c| c.get("auto_map").is_some())
    {
        out.insert(0, "config.json (auto_map)".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(files: &[(&str, u64)], gated: Gating) -> ModelInfo {
        ModelInfo {
            gated,
            siblings: files
                .iter()
                .map(|(n, s)| Sibling {
                    rfilename: n.to_string(),
                    size: Some(*s),
                    lfs: None,
                })
                .collect(),
            ..ModelInfo::default()
        }
    }

    #[test]
    fn open_safetensors() {
        let f = assess(
            &info(
                &[
                    ("README.md", 1),
                    ("model.safetensors", 10),
                    ("pytorch_model.bin", 12),
                ],
                Gating::Open,
            ),
            Source::Huggingface,
        );
        assert_eq!(f.weights.availability, Availability::Open);
        assert_eq!(f.weights.formats, ["safetensors", "pytorch"]);
        assert_eq!(f.weights.bytes, Some(10));
        assert_eq!(f.weights.parameters, Some(5));
        assert!(f.weights.parameters_estimated);
        assert!(!f.pickle_only);
    }

    #[test]
    fn large_files_without_an_extension_are_weights() {
        let f = assess(
            &info(
                &[
                    ("ckpt-0/tensor00000_000", 3_000_000_000),
                    ("LICENSE", 11_000),
                ],
                Gating::Open,
            ),
            Source::Huggingface,
        );
        assert_eq!(f.weights.availability, Availability::Open);
        assert_eq!(f.weights.formats, ["other"]);
    }

    #[test]
    fn gated_pickle_only() {
        let f = assess(
            &info(
                &[("pytorch_model.bin", 5), ("training_args.bin", 1)],
                Gating::Manual,
            ),
            Source::Huggingface,
        );
        assert_eq!(f.weights.availability, Availability::Gated);
        assert_eq!(f.weights.gating, Some(crate::vocab::Gating::Manual));
        assert!(f.pickle_only);
        assert_eq!(f.pickle_files, ["pytorch_model.bin"]);
    }

    #[test]
    fn size_labels() {
        assert_eq!(parse_size_label("8B"), Some(8_000_000_000));
        assert_eq!(parse_size_label("1.5B"), Some(1_500_000_000));
        assert_eq!(parse_size_label("270M"), Some(270_000_000));
        assert_eq!(parse_size_label("8x7B"), Some(56_000_000_000));
        assert_eq!(parse_size_label("30B-A3B"), Some(30_000_000_000));
        for bad in ["", "B", "big", "NaNB", "-3B", "1e300B", "0x7B"] {
            assert_eq!(parse_size_label(bad), None, "{bad}");
        }
    }

    #[test]
    fn ollama_manifests_without_a_model_layer_have_no_weights() {
        assert_eq!(
            assess(&info(&[], Gating::Open), Source::Ollama)
                .weights
                .availability,
            Availability::Absent
        );
        assert_eq!(
            assess(&info(&[("model.gguf", 9)], Gating::Open), Source::Ollama)
                .weights
                .availability,
            Availability::Open
        );
    }

    #[test]
    fn absent_only_when_the_list_is_known() {
        assert_eq!(
            assess(
                &info(&[("README.md", 1)], Gating::Open),
                Source::Huggingface
            )
            .weights
            .availability,
            Availability::Absent
        );
        assert_eq!(
            assess(&info(&[], Gating::Open), Source::Huggingface)
                .weights
                .availability,
            Availability::Unknown
        );
        assert_eq!(
            assess(&info(&[("README.md", 1)], Gating::Unknown), Source::Local)
                .weights
                .availability,
            Availability::Unknown
        );
    }
}
