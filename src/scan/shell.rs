//! Model references in commands (shell scripts, Dockerfiles, Makefiles, compose files, CI
//! workflows) and in Ollama Modelfiles: `ollama pull|run NAME`, llama.cpp `-hf`/`--hf-repo`,
//! `vllm serve NAME`, vLLM's `--model` and TGI's `--model-id`. A command continued with `\`
//! is read as one. Flags other tools share (`--model`, `--hf-repo`) count only in a file
//! that runs the tool they belong to, so `--hf-repo user/dataset` of some upload script is
//! not a model.

use std::sync::LazyLock;

use regex::Regex;

use super::{Found, Strictness, accept};
use crate::vocab::Form;

/// A value after a flag: `--flag VALUE`, `--flag=VALUE`, or `"--flag", "VALUE"` in a list.
const VALUE: &str = r#"(?:\s*=\s*|["']?\s*,\s*|\s+)["']?([^\s"',\]\)]+)"#;

static OLLAMA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bollama["']?(?:\s*,\s*["']?|\s+)(?:pull|run)["']?(?:\s*,\s*["']?|\s+["']?)([^\s"',;&|\]\)]+)"#)
        .expect("valid regex")
});
static LLAMA_CPP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r#"(?:^|[\s"'\[,])(?:-hf|-hfr|--hf-repo){VALUE}"#)).expect("valid regex")
});
static VLLM_SERVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bvllm["']?(?:\s*,\s*["']?|\s+)serve["']?(?:\s*,\s*["']?|\s+["']?)([^\s"',\]\)-][^\s"',\]\)]*)"#)
        .expect("valid regex")
});
static MODEL_FLAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r#"(?:^|[\s"'\[,])--model{VALUE}"#)).expect("valid regex")
});
static MODEL_ID_FLAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r#"(?:^|[\s"'\[,])--model-id{VALUE}"#)).expect("valid regex")
});
static FROM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(\s*FROM\s+)(\S+)").expect("valid regex"));

/// A command as read: one or more physical lines joined where a line ends in `\`.
struct Logical {
    text: String,
    /// (offset in `text`, 1-based physical line) of each physical line's start.
    starts: Vec<(usize, usize)>,
}

impl Logical {
    /// The physical line and column of a byte offset in `text`.
    fn position(&self, at: usize) -> (usize, usize) {
        let i = self.starts.partition_point(|&(s, _)| s <= at) - 1;
        let (start, line) = self.starts[i];
        (line, self.text[start..at].chars().count() + 1)
    }
}

/// The commands of a text, comment lines left out, a trailing ` #` comment cut.
fn logical_lines(text: &str) -> Vec<Logical> {
    let mut out = Vec::new();
    let mut cur: Option<Logical> = None;
    for (i, raw) in text.lines().enumerate() {
        if raw.trim_start().starts_with('#') {
            continue;
        }
        let line = match raw.find(" #") {
            Some(c) => &raw[..c],
            None => raw,
        };
        let trimmed = line.trim_end();
        let (body, continues) = match trimmed.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (line, false),
        };
        let l = cur.get_or_insert_with(|| Logical {
            text: String::new(),
            starts: Vec::new(),
        });
        if !l.text.is_empty() {
            l.text.push(' ');
        }
        l.starts.push((l.text.len(), i + 1));
        l.text.push_str(body);
        if !continues && let Some(done) = cur.take() {
            out.push(done);
        }
    }
    out.extend(cur);
    out
}

/// References in a file of commands (or a compose file or CI workflow).
pub fn commands(text: &str) -> Vec<Found> {
    let lower = text.to_ascii_lowercase();
    let llama_cpp = [
        "llama-cli",
        "llama-server",
        "llama-run",
        "llama.cpp",
        "llama-mtmd-cli",
    ]
    .iter()
    .any(|t| lower.contains(t));
    let vllm = lower.contains("vllm");
    let tgi =
        lower.contains("text-generation-inference") || lower.contains("text-generation-launcher");
    let mut out = Vec::new();
    for l in logical_lines(text) {
        let mut take = |re: &Regex, form: Form, ollama: bool| {
            for c in re.captures_iter(&l.text) {
                let Some(v) = c.get(1) else { continue };
                let value = v.as_str();
                if value.starts_with(['$', '-', '{', '<']) {
                    continue;
                }
                let model = if ollama {
                    accept(&format!("ollama:{value}"), Strictness::Slash)
                } else if form == Form::LlamaCpp {
                    // `org/repo:Q4_K_M`: the quantisation picks a file of the repository.
                    accept(value.split(':').next().unwrap_or(value), Strictness::Slash)
                } else {
                    accept(value, Strictness::Slash)
                };
                if let Some(model) = model {
                    // A quoted value starts at its opening quote, as in code.
                    let quoted = l.text[..v.start()].ends_with(['"', '\'']);
                    let (line, column) = l.position(v.start() - usize::from(quoted));
                    out.push(Found {
                        model,
                        line,
                        column,
                        form,
                    });
                }
            }
        };
        take(&OLLAMA, Form::OllamaCli, true);
        if llama_cpp {
            take(&LLAMA_CPP, Form::LlamaCpp, false);
        }
        if vllm {
            take(&VLLM_SERVE, Form::VllmCli, false);
            take(&MODEL_FLAG, Form::VllmCli, false);
        }
        if tgi {
            take(&MODEL_ID_FLAG, Form::TgiCli, false);
        }
    }
    out.sort_by_key(|f| (f.line, f.column));
    out
}

/// `FROM NAME` in an Ollama Modelfile. A path (`FROM ./model.gguf`) is a file of the tree,
/// found as one when it is in it.
pub fn modelfile(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(c) = FROM.captures(line) else {
            continue;
        };
        let Some(v) = c.get(2) else { continue };
        if let Some(model) = accept(&format!("ollama:{}", v.as_str()), Strictness::Slash)
            && !v.as_str().starts_with(['.', '/', '~'])
        {
            out.push(Found {
                model,
                line: i + 1,
                column: line[..v.start()].chars().count() + 1,
                form: Form::ModelfileFrom,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(found: Vec<Found>) -> Vec<(String, usize, usize, Form)> {
        found
            .into_iter()
            .map(|f| (f.model, f.line, f.column, f.form))
            .collect()
    }

    #[test]
    fn ollama_llama_cpp_vllm_tgi() {
        let text = "#!/bin/sh\n# ollama pull commented\nollama pull llama3.2:3b && ollama run \"$MODEL\"\n\
                    llama-server -hf ggml-org/gemma-3-1b-it-GGUF:Q4_K_M --port 8080\n\
                    vllm serve Qwen/Qwen2.5-7B-Instruct \\\n  --dtype auto\n\
                    python -m vllm.entrypoints.openai.api_server \\\n    --model=mistralai/Mistral-7B-v0.1\n";
        assert_eq!(
            at(commands(text)),
            [
                ("ollama:library/llama3.2:3b".into(), 3, 13, Form::OllamaCli),
                ("ggml-org/gemma-3-1b-it-GGUF".into(), 4, 18, Form::LlamaCpp),
                ("Qwen/Qwen2.5-7B-Instruct".into(), 5, 12, Form::VllmCli),
                ("mistralai/Mistral-7B-v0.1".into(), 8, 13, Form::VllmCli),
            ]
        );
    }

    #[test]
    fn flags_of_other_tools_are_not_models() {
        assert!(commands("upload --hf-repo user/data\ntrain --model org/x\n").is_empty());
    }

    #[test]
    fn compose_command_lists() {
        let text = "services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:2.4\n\
                    \x20   command: [\"--model-id\", \"bigscience/bloom-560m\"]\n";
        assert_eq!(
            at(commands(text)),
            [("bigscience/bloom-560m".into(), 4, 29, Form::TgiCli)]
        );
    }

    #[test]
    fn modelfile_from() {
        let text = "# FROM commented\nFROM llama3.1:8b\nPARAMETER temperature 0\n";
        assert_eq!(
            at(modelfile(text)),
            [(
                "ollama:library/llama3.1:8b".into(),
                2,
                6,
                Form::ModelfileFrom
            )]
        );
        assert!(modelfile("FROM ./tiny.gguf\n").is_empty());
    }
}
