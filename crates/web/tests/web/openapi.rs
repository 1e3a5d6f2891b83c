//! The OpenAPI document: snapshot-tested, so every change to the API shows in review, and
//! complete: every API route in the table is in it.

use homeward_web::routes::{Kind, table};
use utoipa::OpenApi;

#[test]
fn openapi_document_is_unchanged() {
    let doc = serde_json::to_value(homeward_web::api::ApiDoc::openapi()).unwrap();
    insta::assert_json_snapshot!("openapi", doc);
}

#[test]
fn every_api_route_is_documented() {
    let doc = serde_json::to_value(homeward_web::api::ApiDoc::openapi()).unwrap();
    for route in table() {
        let spec = route.spec;
        if spec.kind != Kind::Api || spec.path == "/api/v1/openapi.json" {
            continue;
        }
        let op = &doc["paths"][spec.path][spec.method.to_lowercase()];
        assert!(
            op.is_object(),
            "{} {} is not in the OpenAPI document",
            spec.method,
            spec.path
        );
    }
}

/// Operation ids name operations across the whole document: a client generator makes one
/// method per id, and a link (or a fuzzer's inferred link) names its target by id, so two
/// operations called `show` would send a client to the wrong one.
#[test]
fn every_operation_has_an_id_of_its_own() {
    let doc = serde_json::to_value(homeward_web::api::ApiDoc::openapi()).unwrap();
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"))
                .to_string();
            let here = format!("{method} {path}");
            if let Some(other) = seen.insert(id.clone(), here.clone()) {
                panic!("operationId {id} names both {other} and {here}");
            }
        }
    }
    assert!(seen.len() > 50, "only {} operations found", seen.len());
}

/// The document names each schema by its type's name alone: two types of one name in
/// different modules would silently become one schema, and responses would be checked
/// against the wrong one. Every schema type in the API's source has a name of its own.
#[test]
fn every_schema_has_a_name_of_its_own() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut derives_schema = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[derive(") && line.contains("ToSchema") {
                derives_schema = true;
            } else if derives_schema
                && let Some(rest) = line
                    .strip_prefix("pub struct ")
                    .or_else(|| line.strip_prefix("pub enum "))
            {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let file = path.file_name().unwrap().to_string_lossy().to_string();
                if let Some(other) = seen.insert(name.clone(), file.clone()) {
                    panic!("{name} is a schema in both {other} and {file}");
                }
                count += 1;
                derives_schema = false;
            }
        }
    }
    assert!(count > 50, "only {count} schema types found");
}

#[tokio::test]
async fn the_document_is_served() {
    let t = crate::support::sqlite().await;
    let r = crate::support::req("GET", "/api/v1/openapi.json")
        .send(&t)
        .await;
    assert_eq!(r.status, 200);
    let doc: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
}
