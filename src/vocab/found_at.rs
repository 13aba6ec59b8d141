//! Where a scanned codebase references a model (`found_at[]` in `scan` reports): the file
//! relative to the scanned root, the 1-based line and column of the reference, and the form
//! it was written in.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The way a codebase names a model: the API call, configuration key, command or file that
/// the reference was read from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// Python `X.from_pretrained("org/name")` (transformers Auto classes, PEFT).
    FromPretrained,
    /// Python `pipeline(task, model="org/name")` (transformers).
    Pipeline,
    /// Python `SentenceTransformer("org/name")`, `CrossEncoder`, `SparseEncoder`.
    SentenceTransformers,
    /// Python `XxxPipeline.from_pretrained("org/name")` (diffusers).
    Diffusers,
    /// Python `hf_hub_download(repo_id=...)`.
    HfHubDownload,
    /// Python `snapshot_download(repo_id=...)`.
    SnapshotDownload,
    /// Python vLLM `LLM(model=...)`, `EngineArgs(model=...)`.
    Vllm,
    /// Python LangChain Hugging Face wrappers (`HuggingFaceEmbeddings`, `HuggingFaceEndpoint`).
    Langchain,
    /// Python LlamaIndex Hugging Face wrappers (`HuggingFaceEmbedding`, `HuggingFaceLLM`).
    LlamaIndex,
    /// `InferenceClient(model=...)` (Python) or `@huggingface/inference` calls `{model: ...}`.
    HfInference,
    /// transformers.js `pipeline("task", "org/name")`, `X.from_pretrained("org/name")`.
    TransformersJs,
    /// A YAML, JSON or TOML key (`model`, `model_id`, `base_model`, ...).
    ConfigKey,
    /// A `.env` variable whose name says it holds a model (`MODEL_ID=org/name`).
    Dotenv,
    /// `ollama pull NAME` / `ollama run NAME` in a script, Dockerfile or compose file.
    OllamaCli,
    /// `FROM NAME` in an Ollama Modelfile.
    ModelfileFrom,
    /// llama.cpp `-hf org/name` / `--hf-repo org/name`.
    LlamaCpp,
    /// vLLM `vllm serve org/name` or `--model org/name`.
    VllmCli,
    /// Text Generation Inference `--model-id org/name`.
    TgiCli,
    /// A `.gguf` file in the tree.
    GgufFile,
    /// A folder in the tree holding safetensors weights, or a config and a model card.
    ModelFolder,
}

impl Form {
    pub const ALL: [Form; 20] = [
        Form::FromPretrained,
        Form::Pipeline,
        Form::SentenceTransformers,
        Form::Diffusers,
        Form::HfHubDownload,
        Form::SnapshotDownload,
        Form::Vllm,
        Form::Langchain,
        Form::LlamaIndex,
        Form::HfInference,
        Form::TransformersJs,
        Form::ConfigKey,
        Form::Dotenv,
        Form::OllamaCli,
        Form::ModelfileFrom,
        Form::LlamaCpp,
        Form::VllmCli,
        Form::TgiCli,
        Form::GgufFile,
        Form::ModelFolder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Form::FromPretrained => "from-pretrained",
            Form::Pipeline => "pipeline",
            Form::SentenceTransformers => "sentence-transformers",
            Form::Diffusers => "diffusers",
            Form::HfHubDownload => "hf-hub-download",
            Form::SnapshotDownload => "snapshot-download",
            Form::Vllm => "vllm",
            Form::Langchain => "langchain",
            Form::LlamaIndex => "llama-index",
            Form::HfInference => "hf-inference",
            Form::TransformersJs => "transformers-js",
            Form::ConfigKey => "config-key",
            Form::Dotenv => "dotenv",
            Form::OllamaCli => "ollama-cli",
            Form::ModelfileFrom => "modelfile-from",
            Form::LlamaCpp => "llama-cpp",
            Form::VllmCli => "vllm-cli",
            Form::TgiCli => "tgi-cli",
            Form::GgufFile => "gguf-file",
            Form::ModelFolder => "model-folder",
        }
    }
}

/// One place a model is referenced (`found_at[]`).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct FoundAt {
    /// Relative to the scanned root, with `/` separators.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub form: Form,
}
