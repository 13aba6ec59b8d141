//! Embeds every license-rules/*.yaml and api-catalog/*.yaml file in the binary, in a stable
//! order.

use std::env;
use std::fs;
use std::path::Path;

fn main() {
    embed("license-rules", "builtin_rules.rs");
    embed("api-catalog", "builtin_catalog.rs");
}

/// Writes `OUT_DIR/out_name` as a slice of (file name, contents) for every YAML file in `folder`.
fn embed(folder: &str, out_name: &str) {
    println!("cargo:rerun-if-changed={folder}");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{folder}/ cannot be read: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push(']');
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join(out_name);
    fs::write(dest, out).unwrap_or_else(|e| panic!("cannot write {out_name}: {e}"));
}
