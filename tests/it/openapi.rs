//! `/api/v1/openapi.json`: every route under `/api/v1/` (from the router's own table) has
//! its path and method in the document, and nothing else is there; and the document is
//! valid OpenAPI 3.1 by `openapi-spec-validator` (Python), which CI installs
//! (`.ci/run`); elsewhere the validation is skipped with a note unless
//! `CONCORD_REQUIRE_OPENAPI_VALIDATOR` is set.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::TestApp;

async fn document(app: &TestApp) -> Value {
    let response = reqwest::get(format!("{}/api/v1/openapi.json", app.address))
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    response.json().await.expect("JSON")
}

#[tokio::test]
async fn every_api_route_has_a_path_in_the_document_and_nothing_else_does() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(|method| (method.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let routed: BTreeSet<(String, String)> = concord::router::route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let missing: Vec<_> = routed.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&routed).collect();
    assert!(
        missing.is_empty(),
        "routes without a path in the document: {missing:?}"
    );
    assert!(extra.is_empty(), "paths no route serves: {extra:?}");
    // Writes say which scope they need; reads may be made without a token.
    for (method, path) in &documented {
        let op = &doc["paths"][path][method.to_lowercase()];
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path}"
        );
    }
    assert_eq!(
        doc["paths"]["/api/v1/rfcs/{id}/feedback"]["post"]["security"][0]["bearer"][0],
        "feedback:write"
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[tokio::test]
async fn the_document_is_valid_openapi_3_1() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let file = std::env::temp_dir().join(format!("concord-openapi-{}.json", std::process::id()));
    std::fs::write(&file, doc.to_string()).expect("write");
    let run = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, json\nfrom openapi_spec_validator import validate\nfrom openapi_spec_validator.validation import OpenAPIV31SpecValidator\nvalidate(json.load(open(sys.argv[1])), cls=OpenAPIV31SpecValidator)\nprint('valid')",
        ])
        .arg(&file)
        .output();
    let _ = std::fs::remove_file(&file);
    let required = std::env::var_os("CONCORD_REQUIRE_OPENAPI_VALIDATOR").is_some();
    match run {
        Ok(out) if out.status.success() => {
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "valid");
        }
        Ok(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            if stderr.contains("ModuleNotFoundError") && !required {
                eprintln!(
                    "skipped: openapi-spec-validator is not installed (pip install 'openapi-spec-validator>=0.7,<0.8')"
                );
                return;
            }
            panic!("the OpenAPI document does not validate:\n{stderr}");
        }
        Err(e) if !required => eprintln!("skipped: no python3 ({e})"),
        Err(e) => panic!("python3: {e}"),
    }
}
