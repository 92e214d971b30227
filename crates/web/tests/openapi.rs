//! The OpenAPI document is a valid OpenAPI 3.1 document: every `$ref` resolves, a real validator
//! (openapi-spec-validator, from PyPI; `scripts/test` installs it) accepts it, request bodies
//! list their required fields and operations the answers they can give.

mod common;

use common::TestApp;
use rectify_store::Backend;
use rectify_store::on_both;
use serde_json::Value;
use std::process::Command;

/// The `$ref`s of `doc` that point nowhere.
fn unresolved_refs(doc: &Value) -> Vec<String> {
    fn walk(doc: &Value, v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let resolves = r.strip_prefix('#').is_some_and(|pointer| doc.pointer(pointer).is_some());
                    if !resolves && !out.contains(r) {
                        out.push(r.clone());
                    }
                }
                map.values().for_each(|v| walk(doc, v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(doc, v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, doc, &mut out);
    out
}

/// Runs openapi-spec-validator over `doc`; fails the test when it is not installed, so a run
/// without it cannot pass unchecked.
fn validate(doc: &Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, serde_json::to_vec(doc).unwrap()).unwrap();
    let out = Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&path)
        .output()
        .expect("python3 runs (the OpenAPI validator is a Python package)");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(
        !text.contains("No module named"),
        "openapi-spec-validator is missing: python3 -m pip install openapi-spec-validator (scripts/test does)"
    );
    assert!(out.status.success(), "the OpenAPI document is invalid:\n{text}");
}

async fn document_is_valid(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let doc: Value =
        reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().error_for_status().unwrap().json().await.unwrap();

    let missing = unresolved_refs(&doc);
    assert!(missing.is_empty(), "$refs that resolve to nothing: {missing:?}");
    validate(&doc);

    // A body's required fields are the ones its validation requires (CONTRACT.md's problem).
    let required = |schema: &str| -> Vec<String> {
        doc["components"]["schemas"][schema]["required"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    assert_eq!(required("NewProblem"), ["description", "unit_id"]);
    assert_eq!(required("NewUnit"), ["name"]);
    assert_eq!(doc["components"]["schemas"]["NewProblem"]["properties"]["description"]["type"], "string");

    // What reading a request can answer, on every operation that reads one.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let answers = op["responses"].as_object().unwrap();
            assert!(answers.values().all(|a| a["description"].is_string()), "{method} {path}: a description each");
            if op.get("requestBody").is_some() {
                for status in ["400", "413"] {
                    assert!(answers.contains_key(status), "{method} {path} documents {status}");
                }
            }
        }
    }
    let answers = |method: &str, path: &str| doc["paths"][path][method]["responses"].clone();
    assert!(answers("post", "/api/v1/attachments")["413"]["description"].as_str().unwrap().contains("10 MB"));
    for (method, path) in [
        ("post", "/api/v1/session"),
        ("post", "/api/v1/cases"),
        ("get", "/api/v1/track/{tracking_code}"),
        ("post", "/api/v1/track/{tracking_code}/rating"),
    ] {
        assert!(answers(method, path).get("429").is_some(), "{method} {path} documents 429");
    }
    // The re-inspection check's body names its own route.
    let outcome = doc["components"]["schemas"]["OutcomeRequest"]["description"].as_str().unwrap_or_default();
    assert!(outcome.contains("/reinspections/{id}/checks"), "{outcome}");
    assert!(doc["paths"].get("/api/v1/reinspections/{id}/checks").is_some());
}

on_both!(document_is_valid);
