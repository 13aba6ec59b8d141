//! The auditor in process, as a library user drives it: the same report as the binary, one
//! look-up per ancestor and dataset however many models share them, a local folder audited
//! with no request, and a hub failure that is one model's error, not the others'.

mod support;

use isopen::report::Status;
use support::fake_hub::Fault;
use support::scenario::{Scenario, verdict};

/// The library and the binary give the same report for the same model.
#[test]
fn the_library_reports_what_the_binary_prints() {
    let s = Scenario::fixtures();
    let models = [
        "acme/plain-apache",
        "acme/llama-finetune-apache",
        "acme/merge-model",
    ];
    let in_process = s.audit_in_process(&models);
    for (model, report) in models.iter().zip(&in_process) {
        let printed = s.audit(model);
        assert_eq!(
            serde_json::to_value(report).unwrap(),
            printed,
            "{model}: the library and the binary disagree"
        );
    }
}

/// Two fine-tunes of one base, and two models naming one dataset, audited together: the base
/// and the dataset are each asked for once.
#[test]
fn shared_ancestors_and_datasets_are_looked_up_once() {
    let s = Scenario::fixtures();
    let reports = s.audit_in_process(&[
        "acme/apache-tag-llama-base",
        "acme/gated-llama",
        "acme/llama-finetune-apache",
    ]);
    assert!(reports.iter().all(|r| r.status == Status::Ok));
    let log = s.hub.requests();
    let asked = |path: &str| log.iter().filter(|r| r.path == path).count();
    let paths: Vec<&String> = log.iter().map(|r| &r.path).collect();
    assert_eq!(asked("/api/models/meta-llama/Llama-3.1-8B"), 1, "{paths:?}");
    assert_eq!(asked("/api/datasets/acme/chat-mix"), 1, "{paths:?}");
}

/// A model folder on disk: audited from its files alone, no request to any host.
#[test]
fn a_local_folder_sends_no_request() {
    let s = Scenario::fixtures();
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/local/plain-folder");
    let reports = s.audit_in_process(&[folder]);
    assert_eq!(reports[0].status, Status::Ok);
    assert!(s.hub.requests().is_empty(), "{:?}", s.hub.requests());
}

/// One model the hub keeps failing is an error report; the model beside it is audited.
#[test]
fn one_models_failure_is_its_own() {
    let s = Scenario::fixtures().fault("/api/models/acme/plain-apache", Fault::Status(500), 100);
    let reports = s.audit_in_process(&["acme/plain-apache", "acme/merge-model"]);
    assert_eq!(reports[0].status, Status::Error);
    assert_eq!(reports[1].status, Status::Ok);
    let merge = serde_json::to_value(&reports[1]).unwrap();
    // Its base acme/plain-apache could not be fetched: a gap, never `allowed`.
    assert_ne!(verdict(&merge), "allowed", "{merge:#}");
}
