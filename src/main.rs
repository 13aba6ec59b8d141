//! The `isopen` binary: everything happens in `cli`; this only hands back the exit code.

fn main() -> std::process::ExitCode {
    isopen_cli::main()
}

#[path = "cli/mod.rs"]
mod isopen_cli;
