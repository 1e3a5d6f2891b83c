//! People through the JSON API: create, read, update with versions, photos and the pack, with
//! the same checks and the same audit trail as the pages.

use crate::support::*;
use homeward_app::photos::test_images;
use homeward_domain::role::Role;
use serde_json::{Value, json};

/// The home the demo's scoped care worker works in.
async fn home_id(t: &TestApp, demo: &Demo) -> String {
    let org = demo.own(Role::CareWorker).org_id;
    let services = t.app.store.list_services(org).await.unwrap();
    services
        .iter()
        .find(|s| s.name == "Tŷ Enghraifft")
        .unwrap()
        .id
        .to_string()
}

fn api(method: &str, path: &str, s: &Session) -> Req {
    req(method, path).session(s).header("x-csrf-token", &s.csrf)
}

fn parse(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{e}: {}", reply.body))
}

fn error_fields(reply: &Reply) -> Vec<String> {
    parse(reply)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

async fn people_count(t: &TestApp, s: &Session) -> usize {
    let list = api("GET", "/api/v1/people", s).send(t).await;
    parse(&list).as_array().unwrap().len()
}

fn new_child(service: &str) -> Value {
    json!({
        "service_id": service,
        "profile": {
            "about": {"fields": {
                "given_name": "Mali", "family_name": "Prawf", "kind": "child",
                "date_of_birth": "2011-03-27", "preferred_language": "welsh"
            }},
            "health": {
                "fields": {"conditions": "Asthma"},
                "groups": {"medication": [
                    {"name": "Salbutamol inhaler", "dose": "2 puffs", "missed_dose_effect": "Breathless within hours"}
                ]}
            }
        }
    })
}

#[tokio::test]
async fn a_person_is_created_read_and_updated_in_versions() {
    for t in engines().await {
        let demo = seed(&t).await;
        let s = session_for(&t, demo.own(Role::CareWorker)).await;
        let service = home_id(&t, &demo).await;

        let created = api("POST", "/api/v1/people", &s)
            .json(&new_child(&service).to_string())
            .send(&t)
            .await;
        assert_eq!(created.status, 201, "[{}] {}", t.engine, created.body);
        let id = parse(&created)["id"].as_str().unwrap().to_string();
        assert_eq!(
            created.location(),
            Some(format!("/api/v1/people/{id}").as_str())
        );

        let before = audit_count(&t).await;
        let read = api("GET", &format!("/api/v1/people/{id}"), &s)
            .send(&t)
            .await;
        assert_eq!(read.status, 200);
        assert_eq!(audit_count(&t).await, before + 1, "every view is audited");
        let person = parse(&read);
        assert_eq!(person["person"]["given_name"], "Mali");
        assert_eq!(person["person"]["date_of_birth"], "2011-03-27");
        assert_eq!(person["profile"]["version"], 1);
        assert_eq!(
            person["profile"]["sections"]["health"]["groups"]["medication"][0]["name"],
            "Salbutamol inhaler"
        );
        let codes: Vec<&str> = person["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"no-photo") && codes.contains(&"plan-missing"));

        // An update replaces only the sections sent, as the next version.
        let update = json!({"based_on": 1, "sections": {
            "description": {"fields": {"height_cm": "152", "hair": "Dark brown, shoulder length"}}
        }});
        let saved = api("PUT", &format!("/api/v1/people/{id}"), &s)
            .json(&update.to_string())
            .send(&t)
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        assert_eq!(parse(&saved)["version"], 2);

        // The same change again, based on the version now out of date: a conflict, not an
        // overwrite.
        let stale = api("PUT", &format!("/api/v1/people/{id}"), &s)
            .json(&update.to_string())
            .send(&t)
            .await;
        assert_eq!(stale.status, 409);
        assert_eq!(parse(&stale)["code"], "conflict");

        let versions = api("GET", &format!("/api/v1/people/{id}/versions"), &s)
            .send(&t)
            .await;
        let versions = parse(&versions);
        assert_eq!(versions.as_array().unwrap().len(), 2);
        assert_eq!(versions[0]["changed"], json!(["description"]));
        let first = api("GET", versions[1]["href"].as_str().unwrap(), &s)
            .send(&t)
            .await;
        assert_eq!(first.status, 200);
        let first = parse(&first);
        assert_eq!(first["version"], 1);
        assert!(first["sections"].get("description").is_none());
        assert_eq!(first["recorded_by"], demo.own(Role::CareWorker).email);
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named_and_nothing_saved() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let s = session_for(&t, demo.own(Role::CareWorker)).await;
    let service = home_id(&t, &demo).await;
    let count = people_count(&t, &s).await;

    let mut body = new_child(&service);
    body["profile"]["about"]["fields"]["date_of_birth"] = json!("2031-01-01");
    body["profile"]["description"] = json!({"fields": {"height_cm": "400"}});
    let reply = api("POST", "/api/v1/people", &s)
        .json(&body.to_string())
        .send(&t)
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    let mut fields = error_fields(&reply);
    fields.sort();
    assert_eq!(fields, vec!["about.date_of_birth", "description.height_cm"]);
    assert!(
        reply
            .body
            .contains("This date must be today or in the past")
    );

    // In Welsh for a Welsh speaker.
    body["profile"]["about"]["fields"]["date_of_birth"] = json!("27/03/2011");
    body["profile"]["description"] = json!({"fields": {"eye_colour": "brown"}});
    let reply = api("POST", "/api/v1/people", &s)
        .header("accept-language", "cy")
        .json(&body.to_string())
        .send(&t)
        .await;
    assert_eq!(reply.status, 422);
    let doc = parse(&reply);
    let codes: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["error-date-iso", "error-field-unknown"]);
    assert!(
        reply.body.contains("blwyddyn-mis-diwrnod"),
        "{}",
        reply.body
    );

    // A service the caller does not work in, and a section the form does not have.
    let mut body = new_child(&service);
    body["service_id"] = json!(demo.other(Role::Manager).org_id.to_string());
    body["profile"]["hobbies"] = json!({"fields": {"x": "y"}});
    let reply = api("POST", "/api/v1/people", &s)
        .json(&body.to_string())
        .send(&t)
        .await;
    assert_eq!(error_fields(&reply), vec!["service", "hobbies"]);

    // Bodies that are not what the API takes.
    let malformed = api("POST", "/api/v1/people", &s)
        .json("{\"service_id\": ")
        .send(&t)
        .await;
    assert_eq!(malformed.status, 400);
    let extra = api("POST", "/api/v1/people", &s)
        .json(&json!({"service_id": service, "profile": {}, "admin": true}).to_string())
        .send(&t)
        .await;
    assert_eq!(extra.status, 400);
    assert_eq!(people_count(&t, &s).await, count, "nothing was saved");
}

/// A client that cut a string through the middle of an emoji sends half of it: the person is
/// still saved, with the lost character marked, not refused as a broken body.
#[tokio::test]
async fn a_half_character_in_a_body_is_marked_as_lost_not_refused() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let s = session_for(&t, demo.own(Role::CareWorker)).await;
    let service = home_id(&t, &demo).await;
    let body = new_child(&service)
        .to_string()
        .replace("\"Asthma\"", "\"Asthma \\ud83d\"");
    assert!(body.contains(r"\ud83d"), "{body}");
    let created = api("POST", "/api/v1/people", &s).json(&body).send(&t).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = parse(&created)["id"].as_str().unwrap().to_string();
    let read = api("GET", &format!("/api/v1/people/{id}"), &s)
        .send(&t)
        .await;
    assert_eq!(
        parse(&read)["profile"]["sections"]["health"]["fields"]["conditions"],
        "Asthma \u{fffd}"
    );
}

#[tokio::test]
async fn the_risk_assessment_and_plan_are_versioned_and_the_plan_agreed_by_a_manager() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let worker = session_for(&t, demo.own(Role::CareWorker)).await;
    let manager = session_for(&t, demo.own(Role::Manager)).await;
    let service = home_id(&t, &demo).await;
    let created = api("POST", "/api/v1/people", &worker)
        .json(&new_child(&service).to_string())
        .send(&t)
        .await;
    let id = parse(&created)["id"].as_str().unwrap().to_string();

    let risk = json!({"based_on": 0, "sections": {"assessment": {"fields": {
        "likelihood": "high", "triggers": "Contact from an older man she met online",
        "review_date": "2020-01-01"
    }}}});
    let past = api(
        "POST",
        &format!("/api/v1/people/{id}/risk-assessments"),
        &worker,
    )
    .json(&risk.to_string())
    .send(&t)
    .await;
    assert_eq!(past.status, 422, "a review date in the past");
    assert_eq!(error_fields(&past), vec!["assessment.review_date"]);
    let mut risk = risk;
    risk["sections"]["assessment"]["fields"]["review_date"] = json!("2027-02-23");
    let saved = api(
        "POST",
        &format!("/api/v1/people/{id}/risk-assessments"),
        &worker,
    )
    .json(&risk.to_string())
    .send(&t)
    .await;
    assert_eq!(parse(&saved)["version"], 1, "{}", saved.body);

    let plan = json!({"based_on": 0, "sections": {
        "when_missing": {"fields": {"what_counts": "30 minutes past the agreed time"}},
        "steps": {"groups": {"step": [{"what": "Ring her mobile"}, {"what": "Ring her friend Seren"}]}},
        "police": {"fields": {"number": "101", "report_at_once_if": "She is seen with an adult we do not know"}},
        "review": {"fields": {"review_date": "2027-02-23"}}
    }});
    let saved = api(
        "POST",
        &format!("/api/v1/people/{id}/missing-plans"),
        &worker,
    )
    .json(&plan.to_string())
    .send(&t)
    .await;
    assert_eq!(parse(&saved)["version"], 1, "{}", saved.body);

    let agree = |s: &Session, n: i64| {
        api(
            "POST",
            &format!("/api/v1/people/{id}/missing-plans/{n}/agree"),
            s,
        )
    };
    assert_eq!(agree(&worker, 1).send(&t).await.status, 403);
    assert_eq!(agree(&manager, 0).send(&t).await.status, 409);
    let agreed = agree(&manager, 1).send(&t).await;
    assert_eq!(agreed.status, 200, "{}", agreed.body);
    assert_eq!(parse(&agreed)["version"], 2);

    let plans = api(
        "GET",
        &format!("/api/v1/people/{id}/missing-plans"),
        &worker,
    )
    .send(&t)
    .await;
    let plans = parse(&plans);
    assert_eq!(plans.as_array().unwrap().len(), 2);
    assert_eq!(plans[0]["changed"], json!(["agreed"]));
    assert_eq!(
        plans[0]["agreed_by"],
        demo.own(Role::Manager).display_name.as_str()
    );
    let risks = api(
        "GET",
        &format!("/api/v1/people/{id}/risk-assessments"),
        &worker,
    )
    .send(&t)
    .await;
    assert_eq!(parse(&risks).as_array().unwrap().len(), 1);
    let person = parse(
        &api("GET", &format!("/api/v1/people/{id}"), &worker)
            .send(&t)
            .await,
    );
    assert_eq!(
        person["missing_plan"]["sections"]["steps"]["groups"]["step"][1]["what"],
        "Ring her friend Seren"
    );
    assert_eq!(person["risk_assessment"]["review_date"], "2027-02-23");
}

#[tokio::test]
async fn photos_go_in_without_metadata_and_come_out_privately() {
    for t in engines().await {
        let demo = seed(&t).await;
        let s = session_for(&t, demo.own(Role::CareWorker)).await;
        let id = crate::photos::ffion(&t).await;
        let upload = |body: Vec<u8>, query: &str| {
            api("POST", &format!("/api/v1/people/{id}/photos{query}"), &s).body("image/jpeg", body)
        };
        let photo = test_images::jpeg_with_gps_and_orientation(80, 40);
        assert!(photo.windows(4).any(|w| w == b"Exif"));
        let added = upload(photo, "?taken_on=2026-11-20").send(&t).await;
        assert_eq!(added.status, 201, "[{}] {}", t.engine, added.body);
        let location = added.location().unwrap().to_string();

        let image = api("GET", &location, &s).send(&t).await;
        assert_eq!(image.status, 200);
        assert_eq!(image.header("content-type"), Some("image/jpeg"));
        assert!(image.header("cache-control").unwrap().contains("no-store"));
        assert!(!image.bytes.windows(4).any(|w| w == b"Exif"));

        let list = parse(
            &api("GET", &format!("/api/v1/people/{id}/photos"), &s)
                .send(&t)
                .await,
        );
        let list = list.as_array().unwrap();
        let newest = list
            .iter()
            .find(|p| p["href"] == location.as_str())
            .unwrap();
        assert_eq!(newest["current"], true);
        assert_eq!(newest["taken_on"], "2026-11-20");
        assert_eq!(newest["width"], 40, "turned the right way up");

        // An earlier photo can be made current again.
        let earlier = list.iter().find(|p| p["current"] == false).unwrap();
        let chosen = api(
            "POST",
            &format!("{}/current", earlier["href"].as_str().unwrap()),
            &s,
        )
        .send(&t)
        .await;
        assert_eq!(chosen.status, 204);

        // Not a photo, a date in the future, nothing at all, or far too big: refused.
        let not_image = upload(b"%PDF-1.7".to_vec(), "").send(&t).await;
        assert_eq!(not_image.status, 422);
        assert!(not_image.body.contains("The file must be a photo"));
        let future = upload(test_images::jpeg(20, 20), "?taken_on=2030-01-01")
            .send(&t)
            .await;
        assert_eq!(error_fields(&future), vec!["taken_on"]);
        let empty = upload(Vec::new(), "").send(&t).await;
        assert_eq!(error_fields(&empty), vec!["photo"]);
        let huge = upload(vec![0xff; 21 * 1024 * 1024], "").send(&t).await;
        assert_eq!(huge.status, 413);
        assert_eq!(
            huge.header("content-type"),
            Some("application/problem+json")
        );
        let after = parse(
            &api("GET", &format!("/api/v1/people/{id}/photos"), &s)
                .send(&t)
                .await,
        );
        assert_eq!(after.as_array().unwrap().len(), list.len());

        // Someone in another organisation cannot see that the photo exists.
        let other = session_for(&t, demo.other(Role::Manager)).await;
        assert_eq!(api("GET", &location, &other).send(&t).await.status, 404);
    }
}

#[tokio::test]
async fn the_police_pack_comes_as_a_pdf_in_either_language_and_is_audited() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let s = session_for(&t, demo.own(Role::ShiftLead)).await;
    let id = crate::photos::ffion(&t).await;
    for lang in ["en", "cy"] {
        let before = audit_count(&t).await;
        let pack = api(
            "GET",
            &format!("/api/v1/people/{id}/police-pack?lang={lang}"),
            &s,
        )
        .send(&t)
        .await;
        assert_eq!(pack.status, 200, "{}", pack.body);
        assert_eq!(pack.header("content-type"), Some("application/pdf"));
        assert!(pack.header("cache-control").unwrap().contains("no-store"));
        assert!(pack.bytes.starts_with(b"%PDF"));
        let records = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        assert!(
            records[before..]
                .iter()
                .any(|r| r.event.action == "person.police_pack"),
            "{:?}",
            records[before..]
                .iter()
                .map(|r| &r.event.action)
                .collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn the_review_list_names_what_is_out_of_date() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let s = session_for(&t, demo.own(Role::Manager)).await;
    let due = api("GET", "/api/v1/people/due", &s).send(&t).await;
    assert_eq!(due.status, 200);
    for entry in parse(&due).as_array().unwrap() {
        let warnings = entry["warnings"].as_array().unwrap();
        assert!(!warnings.is_empty());
        assert!(
            warnings
                .iter()
                .all(|w| !w["message"].as_str().unwrap().is_empty())
        );
    }
}
