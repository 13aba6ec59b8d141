//! Model references in Python and JavaScript/TypeScript code: a known call (`from_pretrained`,
//! `pipeline`, `SentenceTransformer`, `snapshot_download`, vLLM's `LLM`, the LangChain and
//! LlamaIndex Hugging Face wrappers, transformers.js, `@huggingface/inference`) whose model
//! argument is a plain string literal. A variable, an f-string or an expression is not read:
//! what it holds is known only when the program runs.

use std::collections::HashMap;

use super::lexer::{self, Kind, Syntax, Token};
use super::{Found, Strictness, accept};
use crate::vocab::Form;

/// Which argument of a call names the model.
struct Call {
    /// Positional indexes (0-based) that name the model.
    positional: &'static [usize],
    /// Keyword arguments that name the model.
    keywords: &'static [&'static str],
    form: Form,
    strictness: Strictness,
}

const HUB_KEYWORDS: &[&str] = &["repo_id"];

/// The Python call `name` (with `qualifier` before a dot, if any) that takes a model.
fn python_call(name: &str, qualifier: Option<&str>) -> Option<Call> {
    let q = qualifier.unwrap_or("");
    let call = |positional, keywords, form, strictness| {
        Some(Call {
            positional,
            keywords,
            form,
            strictness,
        })
    };
    match name {
        "from_pretrained" if q.ends_with("Pipeline") => call(
            &[0],
            &["pretrained_model_name_or_path"],
            Form::Diffusers,
            Strictness::BareAllowed,
        ),
        // PEFT: `PeftModel.from_pretrained(base_model, "org/adapter")`.
        "from_pretrained" if q.starts_with("Peft") || q.starts_with("AutoPeft") => call(
            &[1],
            &["model_id"],
            Form::FromPretrained,
            Strictness::BareAllowed,
        ),
        "from_pretrained" => call(
            &[0],
            &["pretrained_model_name_or_path"],
            Form::FromPretrained,
            Strictness::BareAllowed,
        ),
        "pipeline" => call(&[1], &["model"], Form::Pipeline, Strictness::BareAllowed),
        "SentenceTransformer" | "CrossEncoder" | "SparseEncoder" => call(
            &[0],
            &["model_name_or_path", "model_name"],
            Form::SentenceTransformers,
            Strictness::SentenceTransformers,
        ),
        "hf_hub_download" => call(&[0], HUB_KEYWORDS, Form::HfHubDownload, Strictness::Slash),
        "snapshot_download" => call(
            &[0],
            HUB_KEYWORDS,
            Form::SnapshotDownload,
            Strictness::Slash,
        ),
        "LLM" | "EngineArgs" | "AsyncEngineArgs" => {
            call(&[0], &["model"], Form::Vllm, Strictness::Slash)
        }
        "HuggingFaceEmbeddings"
        | "HuggingFaceBgeEmbeddings"
        | "HuggingFaceInstructEmbeddings"
        | "HuggingFaceInferenceAPIEmbeddings"
        | "HuggingFaceEndpointEmbeddings"
        | "HuggingFaceEndpoint"
        | "HuggingFaceHub"
        | "ChatHuggingFace" => call(
            &[],
            &["model_name", "model", "repo_id", "model_id"],
            Form::Langchain,
            Strictness::Slash,
        ),
        "from_model_id" if q == "HuggingFacePipeline" => {
            call(&[0], &["model_id"], Form::Langchain, Strictness::Slash)
        }
        "HuggingFaceEmbedding"
        | "HuggingFaceLLM"
        | "HuggingFaceInferenceAPI"
        | "HuggingFaceInferenceAPIEmbedding" => call(
            &[],
            &["model_name", "tokenizer_name", "model"],
            Form::LlamaIndex,
            Strictness::Slash,
        ),
        "InferenceClient" | "AsyncInferenceClient" => {
            call(&[0], &["model"], Form::HfInference, Strictness::Slash)
        }
        _ => None,
    }
}

/// The JavaScript call `name` that takes a model (transformers.js).
fn javascript_call(name: &str) -> Option<Call> {
    match name {
        "pipeline" => Some(Call {
            positional: &[1],
            keywords: &[],
            form: Form::TransformersJs,
            strictness: Strictness::Slash,
        }),
        "from_pretrained" => Some(Call {
            positional: &[0],
            keywords: &[],
            form: Form::TransformersJs,
            strictness: Strictness::Slash,
        }),
        _ => None,
    }
}

/// One argument of a call: its keyword (Python `k=v`) and its tokens.
struct Arg<'t> {
    keyword: Option<&'t str>,
    value: &'t [Token],
}

/// The arguments of the call whose `(` is at `open`, split at the top-level commas.
fn arguments(tokens: &[Token], open: usize) -> Vec<Arg<'_>> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = open + 1;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.kind {
            Kind::Punct('(' | '[' | '{') => depth += 1,
            Kind::Punct(c @ (')' | ']' | '}')) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if c == ')' && i > start {
                        args.push(arg(&tokens[start..i]));
                    }
                    break;
                }
            }
            Kind::Punct(',') if depth == 1 => {
                args.push(arg(&tokens[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    args
}

fn arg(tokens: &[Token]) -> Arg<'_> {
    match tokens {
        [
            Token {
                kind: Kind::Ident(k),
                ..
            },
            Token {
                kind: Kind::Punct('='),
                ..
            },
            rest @ ..,
        ] if !matches!(rest.first().map(|t| &t.kind), Some(Kind::Punct('='))) => Arg {
            keyword: Some(k),
            value: rest,
        },
        _ => Arg {
            keyword: None,
            value: tokens,
        },
    }
}

/// The plain string literal an argument is, alone.
fn literal(value: &[Token]) -> Option<&Token> {
    match value {
        [
            t @ Token {
                kind: Kind::Str { plain: true, .. },
                ..
            },
        ] => Some(t),
        _ => None,
    }
}

fn ident(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.kind) {
        Some(Kind::Ident(s)) => Some(s),
        _ => None,
    }
}

/// A `repo_type="dataset"` (or `"space"`) argument: the repository is no model.
fn not_a_model_repo(args: &[Arg]) -> bool {
    args.iter().any(|a| {
        a.keyword == Some("repo_type")
            && literal(a.value).is_some_and(|t| match &t.kind {
                Kind::Str { value, .. } => value != "model",
                _ => false,
            })
    })
}

/// References in a Python or JavaScript/TypeScript source.
pub fn find(text: &str, syntax: Syntax) -> Vec<Found> {
    let tokens = lexer::tokens(text, syntax);
    let constants = constants(&tokens);
    let mut out = Vec::new();
    for i in 0..tokens.len() {
        let Some(name) = ident(tokens.get(i)) else {
            continue;
        };
        if !matches!(tokens.get(i + 1).map(|t| &t.kind), Some(Kind::Punct('('))) {
            continue;
        }
        let dotted = i >= 2 && matches!(tokens[i - 1].kind, Kind::Punct('.'));
        let qualifier = if dotted {
            ident(tokens.get(i - 2))
        } else {
            None
        };
        let call = match syntax {
            Syntax::Python => python_call(name, qualifier),
            Syntax::JavaScript => javascript_call(name),
        };
        let Some(call) = call else { continue };
        let args = arguments(&tokens, i + 1);
        if matches!(call.form, Form::HfHubDownload | Form::SnapshotDownload)
            && not_a_model_repo(&args)
        {
            continue;
        }
        let mut positional = 0;
        for a in &args {
            let wanted = match a.keyword {
                Some(k) => call.keywords.contains(&k),
                None => {
                    positional += 1;
                    call.positional.contains(&(positional - 1))
                }
            };
            if !wanted {
                continue;
            }
            let t = literal(a.value).or_else(|| match a.value {
                [
                    Token {
                        kind: Kind::Ident(name),
                        ..
                    },
                ] => constants.get(name.as_str()).copied(),
                _ => None,
            });
            if let Some(t) = t
                && let Kind::Str { value, .. } = &t.kind
                && let Some(model) = accept(value, call.strictness)
            {
                out.push(Found {
                    model,
                    line: t.line,
                    column: t.column,
                    form: call.form,
                });
            }
        }
    }
    if syntax == Syntax::JavaScript && text.contains("@huggingface/inference") {
        out.extend(inference_objects(&tokens));
    }
    out
}

/// Names assigned once in the file, at the start of a statement, to a plain string literal
/// alone (`MODEL_ID = "org/x"`, `const MODEL = "org/x"`): a call that passes the name passes
/// that literal. A name assigned twice, or to anything else, is not resolved: which value a
/// call sees is then known only when the program runs.
fn constants(tokens: &[Token]) -> HashMap<&str, &Token> {
    let mut assigned: HashMap<&str, Option<&Token>> = HashMap::new();
    // Inside `(...)` or `[...]` a `name=` is a keyword argument, not an assignment.
    let mut depth = 0usize;
    for i in 0..tokens.len() {
        match tokens[i].kind {
            Kind::Punct('(' | '[') => depth += 1,
            Kind::Punct(')' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > 0 {
            continue;
        }
        let Some(name) = ident(tokens.get(i)) else {
            continue;
        };
        let starts_statement = match i.checked_sub(1).map(|p| &tokens[p]) {
            None => true,
            Some(prev) => {
                prev.line < tokens[i].line
                    || matches!(prev.kind, Kind::Punct(';'))
                    || matches!(&prev.kind, Kind::Ident(k) if matches!(k.as_str(), "const" | "let" | "var"))
            }
        };
        let is_assignment = matches!(tokens.get(i + 1).map(|t| &t.kind), Some(Kind::Punct('=')))
            && !matches!(tokens.get(i + 2).map(|t| &t.kind), Some(Kind::Punct('=')));
        if !starts_statement || !is_assignment {
            continue;
        }
        let value = tokens.get(i + 2).filter(|t| {
            matches!(t.kind, Kind::Str { plain: true, .. })
                // The literal alone: not `"org/" + name`, `"a".join(...)`, `"x"[0]`.
                && tokens.get(i + 3).is_none_or(|n| {
                    n.line > t.line || matches!(n.kind, Kind::Punct(';'))
                })
        });
        assigned
            .entry(name)
            .and_modify(|v| *v = None)
            .or_insert(value);
    }
    assigned
        .into_iter()
        .filter_map(|(k, v)| v.map(|t| (k, t)))
        .collect()
}

/// `{ model: "org/name" }` in a file that uses `@huggingface/inference`: every task method
/// of its client takes the model in its options object.
fn inference_objects(tokens: &[Token]) -> Vec<Found> {
    let mut out = Vec::new();
    for w in tokens.windows(3) {
        let key = match &w[0].kind {
            Kind::Ident(k) => k.as_str(),
            Kind::Str { value, plain: true } => value.as_str(),
            _ => continue,
        };
        if key != "model" || w[1].kind != Kind::Punct(':') {
            continue;
        }
        if let Kind::Str { value, plain: true } = &w[2].kind
            && let Some(model) = accept(value, Strictness::Slash)
        {
            out.push(Found {
                model,
                line: w[2].line,
                column: w[2].column,
                form: Form::HfInference,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, syntax: Syntax) -> Vec<(String, usize, usize, Form)> {
        find(text, syntax)
            .into_iter()
            .map(|f| (f.model, f.line, f.column, f.form))
            .collect()
    }

    #[test]
    fn python_calls() {
        let text = "tok = AutoTokenizer.from_pretrained(\"org/a\", revision=\"v1\")\n\
                    p = pipeline(\"text-generation\", model='org/b', device=0)\n\
                    m = AutoModel.from_pretrained(model_name)\n\
                    d = snapshot_download(repo_id=\"org/data\", repo_type=\"dataset\")\n\
                    e = PeftModel.from_pretrained(base, \"org/adapter\")\n";
        assert_eq!(
            found(text, Syntax::Python),
            [
                ("org/a".into(), 1, 37, Form::FromPretrained),
                ("org/b".into(), 2, 39, Form::Pipeline),
                ("org/adapter".into(), 5, 37, Form::FromPretrained),
            ]
        );
    }

    #[test]
    fn a_name_assigned_once_to_a_literal() {
        let text = "MODEL_ID = \"org/const\"\nTWICE = \"org/one\"\nTWICE = \"org/two\"\n\
                    BUILT = \"org/\" + suffix\n\
                    def f(model_name):\n    a = AutoModel.from_pretrained(MODEL_ID)\n\
                    \x20   b = AutoModel.from_pretrained(TWICE)\n    c = AutoModel.from_pretrained(BUILT)\n\
                    \x20   d = AutoModel.from_pretrained(model_name)\n    e = f(MODEL_ID=\"org/kw\")\n\
                    g(\n    model_name=\"org/kwarg\",\n)\n";
        assert_eq!(
            found(text, Syntax::Python),
            [("org/const".into(), 1, 12, Form::FromPretrained)]
        );
    }

    #[test]
    fn keyword_equality_is_not_a_keyword_argument() {
        assert!(found("LLM(model == \"org/x\")", Syntax::Python).is_empty());
    }

    #[test]
    fn javascript_calls() {
        let text = "import { HfInference } from '@huggingface/inference'\n\
                    const p = await pipeline('feature-extraction', 'Xenova/all-MiniLM-L6-v2');\n\
                    await hf.textGeneration({ model: 'org/gen', inputs: 'hi' })\n";
        assert_eq!(
            found(text, Syntax::JavaScript),
            [
                (
                    "Xenova/all-MiniLM-L6-v2".into(),
                    2,
                    48,
                    Form::TransformersJs
                ),
                ("org/gen".into(), 3, 34, Form::HfInference),
            ]
        );
    }
}
