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
