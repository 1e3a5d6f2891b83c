//! Inspections: a manager lets an inspectorate in for a time; an inspector opens the
//! inspection and reads the provider's records, changing nothing, each page they open listed
//! for the provider; ending it takes effect on the inspector's next request; an inspector of
//! another inspectorate never sees it; and under an inspection every route that is not a
//! read is refused.

use crate::support::*;
use homeward_app::policy::{Action, inspection_allows};
use homeward_domain::role::Role;
use homeward_web::routes::{Access, Kind, table};

/// The form's end time: `days` from the test clock's day, at five in the afternoon.
fn ends_in(t: &TestApp, days: i64) -> (String, String, String) {
    let day =
        homeward_domain::time::in_london(t.clock.now_ts()).date() + jiff::Span::new().days(days);
    (
        day.day().to_string(),
        day.month().to_string(),
        day.year().to_string(),
    )
}

async fn open_as(
    t: &TestApp,
    manager: &Session,
    inspectorate: &str,
    service: &str,
    reference: &str,
    days: i64,
) -> Reply {
    let (d, m, y) = ends_in(t, days);
    req("POST", "/access/inspections")
        .session(manager)
        .form(&form(
            manager,
            &[
                ("inspectorate", inspectorate),
                ("service", service),
                ("reference", reference),
                ("ends-day", &d),
                ("ends-month", &m),
                ("ends-year", &y),
                ("ends-time", "17:00"),
            ],
        ))
        .send(t)
        .await
}

/// The id of the one live inspection an inspector's list offers.
fn offered(page: &Reply) -> String {
    let at = page
        .body
        .find("/inspections/")
        .expect("an inspection is offered");
    page.body[at + "/inspections/".len()..at + "/inspections/".len() + 36].to_string()
}

#[tokio::test]
async fn a_manager_lets_an_inspector_read_and_ends_it() {
    for t in engines().await {
        let demo = seed(&t).await;
        let org = demo.own(Role::Manager).org_id;
        let manager = session_for(&t, demo.own(Role::Manager)).await;
        let (inspectorate, inspector) = partner(
            &t,
            "Care Inspectorate Wales",
            "inspectorate",
            "inspector",
            "inspector@ciw.example",
        )
        .await;
        let (_, stranger) = partner(
            &t,
            "Another Inspectorate",
            "inspectorate",
            "inspector",
            "inspector@another.example",
        )
        .await;

        // Before: the inspector reads nothing of the provider's.
        let people = req("GET", "/people").session(&inspector).send(&t).await;
        assert_eq!(people.status, 403, "[{}] no inspection yet", t.engine);

        let page = req("GET", "/access/inspections")
            .session(&manager)
            .send(&t)
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Care Inspectorate Wales"));

        // Wrong: no reference, and longer than two weeks.
        let before = t
            .app
            .store
            .inspections_of(org, None, None, 10)
            .await
            .unwrap()
            .len();
        let wrong = open_as(&t, &manager, &inspectorate, "", " ", 20).await;
        assert_eq!(wrong.status, 422, "[{}] {}", t.engine, wrong.body);
        assert!(wrong.body.contains("Enter the inspection reference"));
        assert!(wrong.body.contains("two weeks at most"));
        assert_eq!(
            t.app
                .store
                .inspections_of(org, None, None, 10)
                .await
                .unwrap()
                .len(),
            before,
            "nothing half-written"
        );

        let opened = open_as(&t, &manager, &inspectorate, "", "SIN-2026-118", 4).await;
        assert_eq!(opened.status, 303, "[{}] {}", t.engine, opened.body);
        assert_eq!(opened.location(), Some("/access/inspections?done=opened"));

        // The inspector sees it, and the other inspectorate does not.
        let list = req("GET", "/inspections")
            .session(&inspector)
            .send(&t)
            .await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains("SIN-2026-118"), "{}", list.body);
        let id = offered(&list);
        let theirs = req("GET", "/inspections").session(&stranger).send(&t).await;
        assert!(!theirs.body.contains("SIN-2026-118"));
        let sneak = req("POST", &format!("/inspections/{id}/open"))
            .session(&stranger)
            .form(&form(&stranger, &[]))
            .send(&t)
            .await;
        assert_eq!(sneak.status, 404, "another inspectorate cannot open it");

        let enter = req("POST", &format!("/inspections/{id}/open"))
            .session(&inspector)
            .form(&form(&inspector, &[]))
            .send(&t)
            .await;
        assert_eq!(enter.status, 303);
        assert_eq!(enter.location(), Some("/people"));

        // Reading: the provider's people, with the banner that says whose and until when.
        let child = missing_child(&t, org).await;
        let people = req("GET", "/people").session(&inspector).send(&t).await;
        assert_eq!(people.status, 200, "{}", people.body);
        assert!(people.body.contains(&child.given_name));
        assert!(people.body.contains("for an inspection"));
        let record = req("GET", &format!("/people/{}", child.id))
            .session(&inspector)
            .send(&t)
            .await;
        assert_eq!(record.status, 200);
        let patterns = req("GET", "/patterns").session(&inspector).send(&t).await;
        assert_eq!(patterns.status, 200);
        // Changing nothing, and not the provider's staff or audit trail.
        for (method, path) in [
            ("GET", "/people/new".to_string()),
            ("POST", format!("/people/{}/disclosures", child.id)),
            ("GET", "/admin/users".to_string()),
            ("GET", "/audit".to_string()),
            ("GET", "/access/emergency".to_string()),
        ] {
            let mut r = req(method, &path).session(&inspector);
            if method == "POST" {
                r = r.form(&form(&inspector, &[("recipient", "x")]));
            }
            let reply = r.send(&t).await;
            if path == "/access/emergency" {
                assert_eq!(reply.status, 200, "who was let in is theirs to read");
            } else {
                assert_eq!(reply.status, 403, "[{}] {method} {path}", t.engine);
            }
        }

        // The provider sees each page the inspector opened, with their inspectorate named.
        let views = req("GET", &format!("/access/inspections/{id}"))
            .session(&manager)
            .send(&t)
            .await;
        assert_eq!(views.status, 200);
        assert!(
            views
                .body
                .contains("inspector@ciw.example (inspection SIN-2026-118)"),
            "{}",
            views.body
        );
        assert!(
            views.body.contains(&child.id.to_string()),
            "the record read"
        );
        assert!(views.body.contains("Legal obligation"), "on what basis");

        // Ending it needs a reason, and then takes effect on the next request.
        let no_reason = req("POST", &format!("/access/inspections/{id}/end"))
            .session(&manager)
            .form(&form(&manager, &[("reason", " ")]))
            .send(&t)
            .await;
        assert_eq!(no_reason.status, 422);
        let ended = req("POST", &format!("/access/inspections/{id}/end"))
            .session(&manager)
            .form(&form(&manager, &[("reason", "The visit is over")]))
            .send(&t)
            .await;
        assert_eq!(ended.status, 303);
        let after = req("GET", "/people").session(&inspector).send(&t).await;
        assert_eq!(after.status, 403, "[{}] ended means ended", t.engine);
        let list = req("GET", "/inspections")
            .session(&inspector)
            .send(&t)
            .await;
        assert!(!list.body.contains("SIN-2026-118"));
        let page = req("GET", "/access/inspections")
            .session(&manager)
            .send(&t)
            .await;
        assert!(page.body.contains("The visit is over"));
    }
}

#[tokio::test]
async fn an_inspection_ends_at_its_time_and_a_home_manager_opens_only_their_home() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let org = demo.own(Role::Manager).org_id;
    let (inspectorate, inspector) = partner(
        &t,
        "Ofsted",
        "inspectorate",
        "inspector",
        "inspector@ofsted.example",
    )
    .await;
    let services = t.app.store.list_services(org).await.unwrap();
    let home = services[0].id;
    // A manager of one home only.
    t.app
        .add_user_as_system(
            org,
            homeward_app::users::NewUserInput {
                display_name: "Home Manager".into(),
                email: "home-manager@cartrefi-ffug.example".into(),
                password: "kettle orbit lantern".into(),
                roles: vec![("manager".into(), Some(home.to_string()))],
            },
        )
        .await
        .unwrap();
    let user = t
        .app
        .store
        .find_credentials("home-manager@cartrefi-ffug.example")
        .await
        .unwrap()
        .unwrap()
        .user;
    let home_manager = session_for(&t, &user).await;
    let all = open_as(&t, &home_manager, &inspectorate, "", "ALL", 3).await;
    assert_eq!(all.status, 422, "all homes needs a manager of all of them");
    assert!(all.body.contains("Choose which homes they can read"));
    let one = open_as(
        &t,
        &home_manager,
        &inspectorate,
        &home.to_string(),
        "ONE",
        3,
    )
    .await;
    assert_eq!(one.status, 303, "{}", one.body);

    let list = req("GET", "/inspections")
        .session(&inspector)
        .send(&t)
        .await;
    let id = offered(&list);
    req("POST", &format!("/inspections/{id}/open"))
        .session(&inspector)
        .form(&form(&inspector, &[]))
        .send(&t)
        .await;
    // Only that home's people.
    let people = t
        .app
        .store
        .list_people(org, None, &test_event(org))
        .await
        .unwrap();
    let page = req("GET", "/people").session(&inspector).send(&t).await;
    assert_eq!(page.status, 200);
    for p in &people {
        let shown = page.body.contains(&p.id.to_string());
        assert_eq!(
            shown,
            p.service_id == home,
            "{} {}",
            p.given_name,
            p.family_name
        );
    }
    let elsewhere = people.iter().find(|p| p.service_id != home).unwrap();
    let reply = req("GET", &format!("/people/{}", elsewhere.id))
        .session(&inspector)
        .send(&t)
        .await;
    assert_eq!(reply.status, 404, "another home's record is not found");

    // One that ends in twenty minutes: when its time passes, the inspector is back to their
    // own organisation.
    let now = t.clock.now_ts();
    let short = homeward_store::Inspection {
        id: uuid::Uuid::new_v4(),
        org_id: org,
        inspectorate_id: homeward_domain::ids::OrgId(inspectorate.parse().unwrap()),
        service_id: None,
        reference: "SHORT".into(),
        granted_by: None,
        granted_by_label: "test".into(),
        granted_at: now,
        ends_at: now + jiff::SignedDuration::from_mins(20),
        ended: None,
    };
    t.app
        .store
        .open_inspection(&short, &test_event(org))
        .await
        .unwrap();
    let enter = req("POST", &format!("/inspections/{}/open", short.id))
        .session(&inspector)
        .form(&form(&inspector, &[]))
        .send(&t)
        .await;
    assert_eq!(enter.status, 303);
    let page = req("GET", &format!("/people/{}", elsewhere.id))
        .session(&inspector)
        .send(&t)
        .await;
    assert_eq!(page.status, 200, "all homes, under this one");
    t.clock.advance(jiff::SignedDuration::from_mins(21));
    let page = req("GET", "/people").session(&inspector).send(&t).await;
    assert_eq!(page.status, 403);
}

/// Under an inspection, every page route whose action is not a read the inspection allows is
/// refused, whatever the inspector's roles.
#[tokio::test]
async fn under_an_inspection_every_route_but_the_reads_is_refused() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let org = demo.own(Role::Manager).org_id;
    let manager = session_for(&t, demo.own(Role::Manager)).await;
    let (inspectorate, inspector) = partner(
        &t,
        "Ofsted",
        "inspectorate",
        "inspector",
        "inspector@ofsted.example",
    )
    .await;
    open_as(&t, &manager, &inspectorate, "", "EVERY", 3).await;
    let id = offered(
        &req("GET", "/inspections")
            .session(&inspector)
            .send(&t)
            .await,
    );
    req("POST", &format!("/inspections/{id}/open"))
        .session(&inspector)
        .form(&form(&inspector, &[]))
        .send(&t)
        .await;
    let child = missing_child(&t, org).await;
    let mut refused = 0;
    let mut allowed = 0;
    for route in table() {
        let spec = route.spec;
        let Access::Requires(action) = spec.access else {
            continue;
        };
        // Signing out and leaving would end what is being tested; they are tested above.
        if spec.kind != Kind::Html || ["/sign-out", "/inspections/leave"].contains(&spec.path) {
            continue;
        }
        let path = spec
            .path
            .replace("{id}", &child.id.to_string())
            .replace("{inspection}", &id);
        let mut r = req(spec.method, &path).session(&inspector);
        if spec.method == "POST" {
            r = r.form(&form(&inspector, &[]));
        }
        let reply = r.send(&t).await;
        if inspection_allows(action) {
            allowed += 1;
            assert_ne!(reply.status, 403, "{} {} is a read", spec.method, spec.path);
        } else {
            refused += 1;
            assert_eq!(
                reply.status,
                403,
                "{} {} ({action:?}) under an inspection: {:?}",
                spec.method,
                spec.path,
                reply.location()
            );
        }
    }
    assert!(
        refused > 40 && allowed > 10,
        "{refused} refused, {allowed} allowed"
    );
    assert!(!inspection_allows(Action::EditPeople));
}
