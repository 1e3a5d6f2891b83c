//! People over HTTP: adding a person in steps, each save a new version, validation in both
//! languages, the history, scoping to services, agreeing a plan, the review list.

use crate::support::*;
use homeward_domain::role::Role;
use jiff::SignedDuration;

fn form(s: &Session, pairs: &[(&str, &str)]) -> String {
    let mut out = format!("csrf_token={}", s.csrf);
    for (k, v) in pairs {
        out.push('&');
        out.push_str(k);
        out.push('=');
        out.push_str(&homeward_web::guard::encode(v));
    }
    out
}

async fn person_id(t: &TestApp, given: &str) -> String {
    let org = t.app.store.list_organisations().await.unwrap();
    for o in org {
        let people = t
            .app
            .store
            .list_people(o.id, None, &test_event(o.id))
            .await
            .unwrap();
        if let Some(p) = people.into_iter().find(|p| p.given_name == given) {
            return p.id.to_string();
        }
    }
    panic!("no {given}");
}

/// The home the demo care worker works in (their role is scoped to it).
async fn first_service(t: &TestApp, demo: &Demo) -> String {
    let services = t
        .app
        .store
        .list_services(demo.own(Role::CareWorker).org_id)
        .await
        .unwrap();
    services
        .iter()
        .find(|s| s.name == "Tŷ Enghraifft")
        .unwrap()
        .id
        .to_string()
}

#[tokio::test]
async fn a_care_worker_adds_a_child_and_fills_in_their_form_in_steps() {
    for t in engines().await {
        let demo = seed(&t).await;
        let s = session_for(&t, demo.own(Role::CareWorker)).await;
        let service = first_service(&t, &demo).await;

        // Mistakes first: no names, a birth date in the future. Nothing is saved.
        let before = audit_count(&t).await;
        let bad = req("POST", "/people")
            .session(&s)
            .form(&form(
                &s,
                &[
                    ("service", &service),
                    ("kind", "child"),
                    ("date_of_birth-day", "1"),
                    ("date_of_birth-month", "1"),
                    ("date_of_birth-year", "2031"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(bad.status, 422, "[{}]", t.engine);
        assert!(bad.body.contains("This date must be today or in the past"));
        assert!(
            bad.body.contains("href=\"#given_name\""),
            "the error summary links to the field"
        );
        assert_eq!(audit_count(&t).await, before);

        let created = req("POST", "/people")
            .session(&s)
            .form(&form(
                &s,
                &[
                    ("service", &service),
                    ("given_name", "Nia"),
                    ("family_name", "Newydd"),
                    ("kind", "child"),
                    ("estimated_age", "14"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(created.status, 303, "{}", created.body);
        let page_path = created
            .location()
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let page = req("GET", &page_path).session(&s).send(&t).await;
        assert!(page.body.contains("Nia Newydd") && page.body.contains("about 14"));
        assert!(page.body.contains("There is no missing plan."));

        // A step: what they look like. An impossible height is refused.
        let description = format!("{page_path}/profile/description");
        let wrong = req("POST", &description)
            .session(&s)
            .form(&form(&s, &[("_version", "1"), ("height_cm", "400")]))
            .send(&t)
            .await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains("This number is not possible"));
        let saved = req("POST", &description)
            .session(&s)
            .form(&form(
                &s,
                &[
                    ("_version", "1"),
                    ("height_cm", "162"),
                    ("hair", "Brown"),
                    ("glasses", "no"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(saved.status, 303);
        let page = req("GET", &page_path).session(&s).send(&t).await;
        assert!(page.body.contains("162 cm"));

        // The same form sent twice (a double tap) saves once; the second is told why.
        let again = req("POST", &description)
            .session(&s)
            .form(&form(&s, &[("_version", "1"), ("height_cm", "163")]))
            .send(&t)
            .await;
        assert_eq!(again.status, 422);
        assert!(
            again
                .body
                .contains("Someone saved this person’s information while you were working on it")
        );

        // Medication, added one at a time.
        let health = format!("{page_path}/profile/health");
        let one = req("POST", &health)
            .session(&s)
            .form(&form(
                &s,
                &[
                    ("_version", "2"),
                    ("medication-1-name", "Sertraline"),
                    ("medication-1-missed_dose_effect", "Low mood"),
                    ("_then", "again"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(
            one.location(),
            Some(health.as_str()),
            "save and add another comes back to the form"
        );
        let form_page = req("GET", &health).session(&s).send(&t).await;
        assert!(
            form_page.body.contains("value=\"Sertraline\"")
                && form_page.body.contains("medication-2-name")
        );
        let removed = req("POST", &health)
            .session(&s)
            .form(&form(
                &s,
                &[
                    ("_version", "3"),
                    ("medication-1-name", "Sertraline"),
                    ("medication-1-_remove", "yes"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(removed.status, 303);

        // The history shows every version: who, when and what changed; any can be opened.
        let history = req("GET", &format!("{page_path}/history"))
            .session(&s)
            .send(&t)
            .await;
        assert_eq!(history.status, 200);
        assert_eq!(history.body.matches("Open version").count(), 4);
        assert!(
            history.body.contains("What they look like")
                && history.body.contains("care-worker@cartrefi-ffug.example")
        );
        let v3 = req("GET", &format!("{page_path}/profile/versions/3"))
            .session(&s)
            .send(&t)
            .await;
        assert!(v3.body.contains("Sertraline"));
        let v4 = req("GET", &format!("{page_path}/profile/versions/4"))
            .session(&s)
            .send(&t)
            .await;
        assert!(
            !v4.body.contains("Sertraline"),
            "removed in version 4, kept in version 3"
        );
    }
}

#[tokio::test]
async fn welsh_errors_and_a_contact_who_must_not_be_told() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let s = session_for(&t, demo.own(Role::ShiftLead)).await;
    let id = person_id(&t, "Ffion").await;
    let path = format!("/people/{id}/profile/contacts");
    let reply = req("POST", &path)
        .session(&s)
        .header("accept-language", "cy")
        .form(&form(
            &s,
            &[
                ("_version", "1"),
                ("contact-1-role", "parent"),
                ("contact-1-name", "Rhiant"),
                ("contact-1-must_not_be_told", "yes"),
            ],
        ))
        .send(&t)
        .await;
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("Mae problem"));
    assert!(
        reply
            .body
            .contains("Dywedwch pam na ddylid dweud wrthyn nhw")
    );
    assert!(reply.body.contains("href=\"#contact-1-not_told_reason\""));
}

#[tokio::test]
async fn people_are_seen_only_within_the_users_services() {
    for t in engines().await {
        let demo = seed(&t).await;
        // The demo care worker works in the first home only; Alys lives in the second.
        let scoped = session_for(&t, demo.own(Role::CareWorker)).await;
        let alys = person_id(&t, "Alys").await;
        assert_eq!(
            req("GET", &format!("/people/{alys}"))
                .session(&scoped)
                .send(&t)
                .await
                .status,
            404
        );
        let list = req("GET", "/people").session(&scoped).send(&t).await;
        assert!(list.body.contains("Ffion") && !list.body.contains("Alys"));
        let manager = session_for(&t, demo.own(Role::Manager)).await;
        assert_eq!(
            req("GET", &format!("/people/{alys}"))
                .session(&manager)
                .send(&t)
                .await
                .status,
            200
        );
        // The auditor reads but cannot change.
        let auditor = session_for(&t, demo.own(Role::Auditor)).await;
        assert_eq!(
            req("GET", &format!("/people/{alys}"))
                .session(&auditor)
                .send(&t)
                .await
                .status,
            200
        );
        let edit = req("GET", &format!("/people/{alys}/profile/about"))
            .session(&auditor)
            .send(&t)
            .await;
        assert_eq!(edit.status, 403);
        // Someone in another organisation learns nothing.
        let other = session_for(&t, demo.other(Role::Manager)).await;
        assert_eq!(
            req("GET", &format!("/people/{alys}"))
                .session(&other)
                .send(&t)
                .await
                .status,
            404
        );
    }
}

#[tokio::test]
async fn a_manager_agrees_the_missing_plan_and_any_change_needs_agreeing_again() {
    for t in engines().await {
        let demo = seed(&t).await;
        // Tomos's plan waits for a manager in the demo.
        let tomos = person_id(&t, "Tomos").await;
        let care = session_for(&t, demo.own(Role::ShiftLead)).await;
        let page = req("GET", &format!("/people/{tomos}"))
            .session(&care)
            .send(&t)
            .await;
        assert!(page.body.contains("Not agreed yet"));
        assert!(
            !page.body.contains("Agree this plan"),
            "only managers see the button"
        );
        let refused = req("POST", &format!("/people/{tomos}/missing-plan/agree"))
            .session(&care)
            .form(&form(&care, &[("_version", "1")]))
            .send(&t)
            .await;
        assert_eq!(refused.status, 403);

        let manager = session_for(&t, demo.own(Role::Manager)).await;
        let page = req("GET", &format!("/people/{tomos}"))
            .session(&manager)
            .send(&t)
            .await;
        assert!(page.body.contains("Agree this plan"));
        let agreed = req("POST", &format!("/people/{tomos}/missing-plan/agree"))
            .session(&manager)
            .form(&form(&manager, &[("_version", "1")]))
            .send(&t)
            .await;
        assert_eq!(agreed.status, 303, "[{}] {}", t.engine, agreed.body);
        let page = req("GET", &format!("/people/{tomos}"))
            .session(&care)
            .send(&t)
            .await;
        assert!(page.body.contains("Agreed by Demo Manager"), "{}", t.engine);
        assert!(
            page.body.contains("Check the bus station and the park"),
            "the steps show on the page"
        );

        // A change to the plan is no longer agreed.
        let changed = req("POST", &format!("/people/{tomos}/missing-plan/police"))
            .session(&care)
            .form(&form(
                &care,
                &[
                    ("_version", "2"),
                    ("number", "999"),
                    ("otherwise_after", "2 hours"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(changed.status, 303);
        let page = req("GET", &format!("/people/{tomos}"))
            .session(&care)
            .send(&t)
            .await;
        assert!(page.body.contains("Not agreed yet"));
    }
}

#[tokio::test]
async fn information_past_its_review_date_is_listed_and_every_view_is_audited() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let s = session_for(&t, demo.own(Role::SafeguardingLead)).await;
    let due = req("GET", "/people/due").session(&s).send(&t).await;
    assert_eq!(due.status, 200);
    assert!(
        due.body.contains("old photo"),
        "one demo person's photo is five months old"
    );
    // Alys's information form is due for review today; tomorrow it is overdue.
    t.clock.advance(SignedDuration::from_hours(24));
    let s = session_for(&t, demo.own(Role::SafeguardingLead)).await;
    let due = req("GET", "/people/due").session(&s).send(&t).await;
    assert!(due.body.contains("information form review"));
    let alys = person_id(&t, "Alys").await;
    let before = audit_count(&t).await;
    let page = req("GET", &format!("/people/{alys}"))
        .session(&s)
        .send(&t)
        .await;
    assert!(
        page.body
            .contains("The information form was due for review on 23 November 2026.")
    );
    // The view, and the list of their episodes the page shows: each read is audited.
    let records = t.app.store.audit_page(0, 1_000_000).await.unwrap();
    let actions: Vec<&str> = records[before..]
        .iter()
        .map(|r| r.event.action.as_str())
        .collect();
    assert_eq!(actions, ["person.view", "episode.list"]);
}
