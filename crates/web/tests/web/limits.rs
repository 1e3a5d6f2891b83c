//! One rule for free text everywhere: the same limits and the same refusal of hidden control
//! characters, whether through a form or the API, on both engines, and nothing half-written.

use crate::support::*;
use homeward_domain::role::Role;

#[tokio::test]
async fn a_hidden_character_is_refused_everywhere_and_nothing_is_written() {
    for t in engines().await {
        let demo = seed(&t).await;
        let admin = session_for(&t, demo.own(Role::OrgAdmin)).await;
        let worker = session_for(&t, demo.own(Role::ShiftLead)).await;
        let org = demo.own(Role::OrgAdmin).org_id;
        let users = || async {
            let q = homeward_store::UsersQuery {
                limit: 500,
                ..Default::default()
            };
            t.app.store.users_page(org, &q, None).await.unwrap().len()
        };
        let users_before = users().await;

        // A NUL in a new user's name, through the admin's form: a clear page, no account.
        let page = req("POST", "/admin/users")
            .session(&admin)
            .form(&form(
                &admin,
                &[
                    ("display_name", "Ada\u{0}Lovelace"),
                    ("email", "ada.nul@cartrefi-ffug.example"),
                    ("password", "kettle orbit lantern"),
                    ("roles", "care_worker"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(page.status, 400, "[{}] {}", t.engine, page.body);
        assert!(page.body.contains("hidden character"), "{}", page.body);
        assert!(!page.body.contains('\u{0}'));

        // The same through the API, in Welsh: a problem document naming the field.
        let api = req("POST", "/api/v1/users")
            .session(&admin)
            .header("x-csrf-token", &admin.csrf)
            .header("accept-language", "cy")
            .json(r#"{"display_name":"Ada\u0000Lovelace","email":"ada.nul2@cartrefi-ffug.example","password":"kettle orbit lantern","roles":[{"role":"care_worker"}]}"#)
            .send(&t)
            .await;
        assert_eq!(api.status, 422, "[{}] {}", t.engine, api.body);
        assert_eq!(api.header("content-type"), Some("application/problem+json"));
        let doc: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(doc["errors"][0]["field"], "display_name");
        assert!(
            doc["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("nod cudd")
        );
        assert_eq!(users_before, users().await, "no account was made");

        // A bell in a chronology note, and a note longer than any account needs.
        let child = missing_child(&t, org).await;
        let episode = t
            .app
            .store
            .open_episode_of(org, child.id)
            .await
            .unwrap()
            .unwrap();
        let path = format!("/api/v1/episodes/{episode}/events");
        let entries = || async {
            t.app
                .store
                .episode(org, episode)
                .await
                .unwrap()
                .unwrap()
                .1
                .len()
        };
        let before = entries().await;
        for (body, field) in [
            (
                r#"{"event":{"kind":"note","text":"Rang\u0007 her phone"}}"#.to_string(),
                "text",
            ),
            (
                format!(
                    r#"{{"event":{{"kind":"note","text":"{}"}}}}"#,
                    "a".repeat(10_001)
                ),
                "text",
            ),
        ] {
            let refused = req("POST", &path)
                .session(&worker)
                .header("x-csrf-token", &worker.csrf)
                .json(&body)
                .send(&t)
                .await;
            assert_eq!(refused.status, 422, "[{}] {}", t.engine, refused.body);
            let doc: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
            assert_eq!(doc["errors"][0]["field"], field, "{}", refused.body);
        }
        // Line breaks and tabs are writing, and Welsh and emoji are text.
        let fine = req("POST", &path)
            .session(&worker)
            .header("x-csrf-token", &worker.csrf)
            .json(r#"{"event":{"kind":"note","text":"Rang her phone.\n\tNo answer — ‘dim ateb’ 🙁"}}"#)
            .send(&t)
            .await;
        assert_eq!(fine.status, 201, "[{}] {}", t.engine, fine.body);
        assert_eq!(
            entries().await,
            before + 1,
            "only the good note was written"
        );

        // A filter on a list, too.
        let list = req("GET", "/audit?who=%00").session(&admin).send(&t).await;
        assert_eq!(list.status, 400);
    }
}

/// A filter naming another organisation's person is refused as reading them would be (not
/// found), and the audit trail never records it as an allowed read.
#[tokio::test]
async fn a_filter_on_another_organisations_person_is_not_found_and_not_recorded() {
    for t in engines().await {
        let demo = seed(&t).await;
        let manager = session_for(&t, demo.own(Role::Manager)).await;
        let theirs = people_of(&t, demo.other(Role::Manager).org_id).await[0].id;
        let org = demo.own(Role::Manager).org_id;
        let before = t.app.store.recent_audit(org, 1).await.unwrap()[0].seq;
        for path in [
            format!("/api/v1/episodes?person={theirs}"),
            format!("/api/v1/patterns?person={theirs}"),
            format!("/patterns?person={theirs}"),
            format!("/patterns/episodes?person={theirs}"),
            format!("/people/{theirs}"),
        ] {
            let reply = req("GET", &path).session(&manager).send(&t).await;
            assert_eq!(reply.status, 404, "[{}] {path}: {}", t.engine, reply.body);
        }
        let trail = t.app.store.audit_page(before, 1000).await.unwrap();
        assert!(
            !trail.iter().any(
                |r| r.event.outcome == homeward_domain::audit::Outcome::Allowed
                    && r.event.resource_id.as_deref() == Some(theirs.to_string().as_str())
            ),
            "no allowed read of someone else's person is recorded"
        );
    }
}
