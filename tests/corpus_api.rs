//! The client parses every real `api.json` capture in the corpus, served by the fake hub
//! byte for byte.

mod support;

use isopen::hub::{ClientConfig, HubClient};
use support::fake_hub::FakeHub;

#[test]
fn every_real_model_info_capture_parses() {
    let Some(corpus) = support::corpus() else {
        return;
    };
    let hub = FakeHub::start(corpus.join("hub"));
    let client = HubClient::new(ClientConfig::new(&hub.url, None)).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut parsed = 0;
    for org in std::fs::read_dir(corpus.join("hub/models"))
        .unwrap()
        .flatten()
    {
        for repo in std::fs::read_dir(org.path()).unwrap().flatten() {
            if !repo.path().join("api.json").is_file() {
                continue;
            }
            let id = format!(
                "{}/{}",
                org.file_name().to_string_lossy(),
                repo.file_name().to_string_lossy()
            );
            let info = rt
                .block_on(client.model_info(&id, None))
                .unwrap_or_else(|e| panic!("{id}: {e}"));
            assert!(!info.id.is_empty(), "{id}");
            parsed += 1;
        }
    }
    // Also the dated captures, straight from disk.
    for org in std::fs::read_dir(corpus.join("hub/models"))
        .unwrap()
        .flatten()
    {
        for repo in std::fs::read_dir(org.path()).unwrap().flatten() {
            for f in std::fs::read_dir(repo.path()).unwrap().flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                if name.starts_with("api.") && name.ends_with(".json") && !name.contains("capture")
                {
                    let bytes = std::fs::read(f.path()).unwrap();
                    serde_json::from_slice::<isopen::snapshot::ModelInfo>(&bytes)
                        .unwrap_or_else(|e| panic!("{}: {e}", f.path().display()));
                    parsed += 1;
                }
            }
        }
    }
    assert!(parsed >= 20, "only {parsed} captures found");
}
