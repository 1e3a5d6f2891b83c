//! The missing policy through the application: drafted from the settings, refused while a
//! field is missing, published by a manager, signed by a care worker, and asked for again
//! when a setting changes it materially.

use crate::support::*;
use homeward_app::AppError;
use homeward_app::actor::{Actor, RequestMeta};
use homeward_app::missing_policies::has_signed;
use homeward_domain::missing_policy::{Field, LocalDetails};
use homeward_domain::role::Role;
use homeward_store::policies::{PolicyDetails, Signing};

async fn actor(t: &TestApp, user: &homeward_store::User) -> Actor {
    let session = session_for(t, user).await;
    t.app
        .resolve_session(&session.token)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_follows_the_settings_and_is_signed_again_when_it_changes() {
    for t in engines().await {
        let demo = seed(&t).await;
        let admin = actor(&t, demo.own(Role::OrgAdmin)).await;
        let manager = actor(&t, demo.own(Role::Manager)).await;
        let carer = actor(&t, demo.own(Role::CareWorker)).await;
        let meta = RequestMeta::default();
        let services = t.app.store.list_services(admin.org_id()).await.unwrap();
        let kind = services[0].kind;

        let id = t
            .app
            .create_missing_policy(&admin, &meta, kind)
            .await
            .unwrap();
        assert_eq!(
            t.app
                .create_missing_policy(&admin, &meta, kind)
                .await
                .unwrap(),
            id,
            "one policy per kind of service"
        );
        assert!(matches!(
            t.app.create_missing_policy(&carer, &meta, kind).await,
            Err(AppError::Forbidden)
        ));

        // The draft names what is missing, and cannot be published until it is there.
        let draft = t.app.missing_policy(&carer, id).await.unwrap();
        for f in [
            Field::LocalAuthority,
            Field::EmergencyDutyTeam,
            Field::PoliceForce,
        ] {
            assert!(draft.composed.missing.contains(&f), "{}: {f:?}", t.engine);
        }
        let refused = t
            .app
            .publish_missing_policy(&manager, &meta, id, false, "")
            .await;
        let Err(AppError::Invalid(fields)) = refused else {
            panic!("{}: {refused:?}", t.engine);
        };
        assert!(fields.iter().any(|f| f.field == "emergency_duty_team"));

        let details = PolicyDetails {
            local: LocalDetails {
                local_authority: "Cardiff Council".into(),
                local_protocol: "The Cardiff missing persons protocol".into(),
                emergency_duty_team: "029 2078 8570".into(),
                police_force: "South Wales Police".into(),
                has_logo: true,
            },
            own: Vec::new(),
            review_months: 12,
        };
        t.app
            .save_policy_details(&admin, &meta, id, 1, details.clone())
            .await
            .unwrap();
        // A second save of version 1 (a double click) changes nothing; a different one
        // based on an old version is refused.
        t.app
            .save_policy_details(&admin, &meta, id, 1, details.clone())
            .await
            .unwrap();
        let mut stale = details;
        stale.review_months = 6;
        assert!(matches!(
            t.app.save_policy_details(&admin, &meta, id, 1, stale).await,
            Err(AppError::Invalid(f)) if f[0].field == "version"
        ));
        // The logo is the organisation's, uploaded once for all its policies.
        let draft = t.app.missing_policy(&manager, id).await.unwrap();
        assert_eq!(draft.composed.missing, vec![Field::Logo], "{}", t.engine);
        assert!(matches!(
            t.app.upload_policy_logo(&admin, &meta, b"not an image".to_vec()).await,
            Err(AppError::Invalid(f)) if f[0].field == "logo"
        ));
        assert!(matches!(
            t.app
                .upload_policy_logo(&carer, &meta, homeward_app::photos::demo_portrait(1))
                .await,
            Err(AppError::Forbidden)
        ));
        assert_eq!(
            t.app
                .upload_policy_logo(&admin, &meta, homeward_app::photos::demo_portrait(1))
                .await
                .unwrap(),
            1
        );
        let logo = t.app.policy_logo(&carer).await.unwrap().unwrap();
        assert!(logo.png.starts_with(b"\x89PNG"));
        let draft = t.app.missing_policy(&manager, id).await.unwrap();
        assert!(
            draft.composed.missing.is_empty(),
            "{:?}",
            draft.composed.missing
        );
        assert!(
            draft
                .text_en
                .contains("within 60 minutes, staff call South Wales Police")
        );
        assert!(
            draft
                .text_cy
                .contains("o fewn 60 munud, mae staff yn ffonio South Wales Police")
        );
        assert!(matches!(
            t.app
                .publish_missing_policy(&carer, &meta, id, false, "")
                .await,
            Err(AppError::Forbidden)
        ));
        assert_eq!(
            t.app
                .publish_missing_policy(&manager, &meta, id, false, "First version")
                .await
                .unwrap(),
            1
        );
        // Published and unchanged: nothing to publish again.
        assert!(
            t.app
                .publish_missing_policy(&manager, &meta, id, false, "")
                .await
                .is_err()
        );
        let standing = |list: Vec<homeward_app::missing_policies::PolicyStanding>| {
            list.into_iter().find(|p| p.policy.id == id).unwrap()
        };
        let mine = standing(t.app.policy_standings(&carer).await.unwrap());
        assert_eq!(mine.to_sign, Some(1), "{}", t.engine);
        assert_eq!(mine.draft_changed, None, "a carer does not keep the policy");
        let shares = t.app.policy_signing(&manager, id).await.unwrap();
        let home = shares
            .iter()
            .find(|s| {
                carer
                    .memberships
                    .iter()
                    .any(|m| m.service_id == Some(s.service.id))
            })
            .unwrap();
        assert!(home.staff >= 2, "{}: {}", t.engine, home.staff);
        assert_eq!(home.signed, 0);
        assert!(matches!(
            t.app.policy_signing(&carer, id).await,
            Err(AppError::Forbidden)
        ));
        assert_eq!(
            t.app
                .sign_missing_policy(&carer, &meta, id, 1)
                .await
                .unwrap(),
            Signing::Signed
        );
        assert_eq!(
            standing(t.app.policy_standings(&carer).await.unwrap()).to_sign,
            None
        );
        let after = t.app.policy_signing(&manager, id).await.unwrap();
        let home = after
            .iter()
            .find(|s| {
                carer
                    .memberships
                    .iter()
                    .any(|m| m.service_id == Some(s.service.id))
            })
            .unwrap();
        assert_eq!(home.signed, 1, "{}", t.engine);
        assert!(!home.not_signed.contains(&carer.user.display_name));
        assert_eq!(
            t.app
                .sign_missing_policy(&carer, &meta, id, 1)
                .await
                .unwrap(),
            Signing::AlreadySigned
        );

        // The admin changes when the police are called: a new draft, different from the
        // version in force.
        let session = session_for(&t, demo.own(Role::OrgAdmin)).await;
        let put = req("PUT", "/api/v1/settings/duties")
            .session(&session)
            .header("x-csrf-token", &session.csrf)
            .json(r#"{"based_on":0,"immediately_minutes":15,"promptly_minutes":60,"report_after_minutes":45,"plan_review_days":7,"return_discussion_days":7,"wales_interview_from_episode":3}"#)
            .send(&t)
            .await;
        assert_eq!(put.status, 200, "{}: {}", t.engine, put.body);
        let draft = t.app.missing_policy(&carer, id).await.unwrap();
        assert!(draft.changed_since_published());
        assert!(
            draft
                .text_en
                .contains("within 45 minutes, staff call South Wales Police")
        );
        assert_eq!(
            t.app
                .publish_missing_policy(&manager, &meta, id, true, "Police after 45 minutes")
                .await
                .unwrap(),
            2
        );
        let published = t.app.missing_policy(&carer, id).await.unwrap().published;
        assert_eq!(published.len(), 2);
        assert_eq!(published[0].content_hash.len(), 64);
        assert_ne!(published[0].content_hash, published[1].content_hash);
        // Signed version 1 only: asked to sign again.
        assert!(!has_signed(&published, &[1]));
        assert_eq!(
            standing(t.app.policy_standings(&carer).await.unwrap()).to_sign,
            Some(2)
        );
        t.app
            .sign_missing_policy(&carer, &meta, id, 2)
            .await
            .unwrap();
        assert!(has_signed(&published, &[1, 2]));
        assert!(matches!(
            t.app.sign_missing_policy(&carer, &meta, id, 7).await,
            Err(AppError::NotFound)
        ));

        // A new logo later on: the draft takes it, but version 2 is printed as it was
        // approved, under the logo of the time.
        let pdf = |version| {
            t.app.missing_policy_pdf(
                &carer,
                id,
                version,
                homeward_domain::locale::Locale::English,
            )
        };
        let (v2_before, draft_before) = (pdf(Some(2)).await.unwrap(), pdf(None).await.unwrap());
        t.clock.advance(jiff::SignedDuration::from_hours(1));
        t.app
            .upload_policy_logo(&admin, &meta, homeward_app::photos::demo_portrait(3))
            .await
            .unwrap();
        assert_eq!(pdf(Some(2)).await.unwrap(), v2_before, "{}", t.engine);
        assert_ne!(pdf(None).await.unwrap(), draft_before, "{}", t.engine);
    }
}

async fn account(t: &TestApp, email: &str) -> homeward_store::User {
    t.app
        .store
        .find_credentials(email)
        .await
        .unwrap()
        .unwrap()
        .user
}

fn upload_logo(session: &Session, next: &str, image: &[u8]) -> Req {
    let body = crate::photos::multipart(&[
        ("next", None, next.as_bytes()),
        ("logo", Some("logo.png"), image),
    ]);
    req(
        "POST",
        &format!(
            "/policies/logo?csrf_token={}",
            homeward_web::guard::encode(&session.csrf)
        ),
    )
    .session(session)
    .body(
        &format!("multipart/form-data; boundary={}", crate::photos::BOUNDARY),
        body,
    )
}

/// The whole loop through the pages, as a home-care provider in Wales would use it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_pages_draft_publish_sign_and_ask_again_after_a_setting_changes() {
    for t in engines().await {
        seed(&t).await;
        let admin = session_for(&t, &account(&t, "org-admin@gofal-dychmygol.example").await).await;
        let manager = session_for(&t, &account(&t, "manager@gofal-dychmygol.example").await).await;
        let carer_user = account(&t, "care-worker@gofal-dychmygol.example").await;
        let carer = session_for(&t, &carer_user).await;
        let e = t.engine;

        // The admin starts the home-care policy; a double click lands on the same one.
        let list = req("GET", "/policies").session(&admin).send(&t).await;
        assert_eq!(list.status, 200, "{e}");
        assert!(
            list.body.contains("value=\"home_care\""),
            "{e}: {}",
            list.body
        );
        let made = req("POST", "/policies")
            .session(&admin)
            .form(&form(&admin, &[("kind", "home_care")]))
            .send(&t)
            .await;
        assert_eq!(made.status, 303, "{e}: {}", made.body);
        let page = made
            .location()
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let again = req("POST", "/policies")
            .session(&admin)
            .form(&form(&admin, &[("kind", "home_care")]))
            .send(&t)
            .await;
        assert!(again.location().unwrap().starts_with(&page), "{e}");
        let bad_kind = req("POST", "/policies")
            .session(&admin)
            .form(&form(&admin, &[("kind", "castle")]))
            .send(&t)
            .await;
        assert_eq!(bad_kind.status, 422, "{e}");
        assert!(bad_kind.body.contains("href=\"#kind\""), "{e}");

        // The draft names what is missing, each linked to where it is filled.
        let draft = req("GET", &page).session(&admin).send(&t).await;
        assert_eq!(draft.status, 200, "{e}");
        for field in [
            "local_authority",
            "local_protocol",
            "emergency_duty_team",
            "police_force",
            "logo",
        ] {
            assert!(
                draft.body.contains(&format!("href=\"#{field}\"")),
                "{e}: {field}"
            );
            assert!(
                draft.body.contains(&format!("id=\"{field}\"")),
                "{e}: {field}"
            );
        }
        // A wrong number and a half-written section of their own: nothing is saved, the
        // error summary links to each, and what was typed is kept.
        let bad = req("POST", &format!("{page}/details"))
            .session(&admin)
            .form(&form(
                &admin,
                &[
                    ("_version", "0"),
                    ("local_authority", "Conwy County Borough Council"),
                    ("review_months", "13"),
                    ("own_after_0", "immediate"),
                    ("own_heading_0", "Keys and key safes"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(bad.status, 422, "{e}");
        assert!(bad.body.contains("href=\"#review_months\""), "{e}");
        assert!(bad.body.contains("href=\"#own_text_0\""), "{e}");
        assert!(
            bad.body.contains("value=\"Conwy County Borough Council\""),
            "{e}"
        );
        let saved = req("POST", &format!("{page}/details"))
            .session(&admin)
            .form(&form(
                &admin,
                &[
                    ("_version", "0"),
                    ("local_authority", "Conwy County Borough Council"),
                    (
                        "local_protocol",
                        "The North Wales missing persons protocol, on the shared drive",
                    ),
                    ("emergency_duty_team", "0300 123 3079"),
                    ("police_force", "North Wales Police"),
                    ("review_months", "12"),
                    ("own_after_0", "immediate"),
                    ("own_heading_0", "Keys and key safes"),
                    ("own_text_0", "The coordinator keeps the key safe codes."),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(saved.status, 303, "{e}: {}", saved.body);
        // Not an image: refused on the logo field.
        let not_image = upload_logo(&admin, &page, b"%PDF-1.7").send(&t).await;
        assert_eq!(not_image.status, 422, "{e}");
        assert!(not_image.body.contains("href=\"#logo\""), "{e}");
        let logo = upload_logo(&admin, &page, &homeward_app::photos::demo_portrait(2))
            .send(&t)
            .await;
        assert_eq!(logo.status, 303, "{e}: {}", logo.body);
        assert!(logo.location().unwrap().starts_with(&page), "{e}");
        let png = req("GET", "/policies/logo").session(&carer).send(&t).await;
        assert!(png.bytes.starts_with(b"\x89PNG"), "{e}");

        // The manager publishes it; a second click finds it published.
        let ready = req("GET", &page).session(&manager).send(&t).await;
        assert!(!ready.body.contains("id=\"missing\""), "{e}");
        assert!(ready.body.contains("Publish version 1"), "{e}");
        assert!(ready.body.contains("Keys and key safes"), "{e}");
        let publish = |note: &'static str, version: &'static str| {
            req("POST", &format!("{page}/publish"))
                .session(&manager)
                .form(&form(
                    &manager,
                    &[
                        ("change_note", note),
                        ("material", "yes"),
                        ("version", version),
                    ],
                ))
        };
        let published = publish("First version", "1").send(&t).await;
        assert_eq!(published.status, 303, "{e}: {}", published.body);
        let v1 = format!("{page}/versions/1");
        assert!(published.location().unwrap().starts_with(&v1), "{e}");
        let twice = publish("First version", "1").send(&t).await;
        assert_eq!(twice.location(), Some(v1.as_str()), "{e}");

        // The care worker is asked to read it, reads it and signs it.
        let home = req("GET", "/").session(&carer).send(&t).await;
        assert!(
            home.body.contains("Policies for you to read and sign"),
            "{e}"
        );
        assert!(home.body.contains(&format!("href=\"{v1}\"")), "{e}");
        let reading = req("GET", &v1).session(&carer).send(&t).await;
        assert!(
            reading
                .body
                .contains("I have read this policy and will follow it"),
            "{e}"
        );
        let signed = req("POST", &format!("{v1}/sign"))
            .session(&carer)
            .form(&form(&carer, &[]))
            .send(&t)
            .await;
        assert_eq!(signed.status, 303, "{e}");
        let read = req("GET", &v1).session(&carer).send(&t).await;
        assert!(read.body.contains("You signed this version on"), "{e}");
        assert!(!read.body.contains("I have read this policy"), "{e}");
        let home = req("GET", "/").session(&carer).send(&t).await;
        assert!(
            !home.body.contains("Policies for you to read and sign"),
            "{e}"
        );
        let shares = req("GET", &page).session(&manager).send(&t).await;
        assert!(
            shares.body.contains("Who has signed the version in force"),
            "{e}"
        );

        // The PDF, in both languages, from the settings.
        for (lang, timeline) in [("en", "within 60 minutes"), ("cy", "o fewn 60 munud")] {
            let pdf = req("GET", &format!("{v1}/policy.pdf?lang={lang}"))
                .session(&carer)
                .send(&t)
                .await;
            assert_eq!(pdf.status, 200, "{e}");
            if let Some(text) = crate::pack::pdf_text(&pdf.bytes) {
                for wanted in [
                    "Gofal Cartref Dychmygol",
                    "Eleri Esiampl",
                    timeline,
                    "North Wales Police",
                ] {
                    assert!(text.contains(wanted), "{e} {lang}: {wanted} in {text}");
                }
            }
        }

        // The admin calls the police sooner: the draft moves on, the difference shows, and the
        // manager's home page says so.
        let put = req("PUT", "/api/v1/settings/duties")
            .session(&admin)
            .header("x-csrf-token", &admin.csrf)
            .json(r#"{"based_on":0,"immediately_minutes":15,"promptly_minutes":60,"report_after_minutes":30,"plan_review_days":7,"return_discussion_days":7,"wales_interview_from_episode":3}"#)
            .send(&t)
            .await;
        assert_eq!(put.status, 200, "{e}: {}", put.body);
        let home = req("GET", "/").session(&manager).send(&t).await;
        assert!(
            home.body
                .contains("the settings have changed since it was published"),
            "{e}"
        );
        let changed = req("GET", &page).session(&manager).send(&t).await;
        assert!(
            changed.body.contains("What has changed since version 1"),
            "{e}"
        );
        let added = changed
            .body
            .split("hw-diff__added")
            .nth(1)
            .unwrap_or_default();
        assert!(added.contains("within 30 minutes"), "{e}: {}", changed.body);
        assert_eq!(
            publish("Police called after 30 minutes", "2")
                .send(&t)
                .await
                .status,
            303,
            "{e}"
        );
        let home = req("GET", "/").session(&carer).send(&t).await;
        assert!(
            home.body.contains(&format!("href=\"{page}/versions/2\"")),
            "{e}"
        );

        // The API says the same, and signs.
        let api = req("GET", "/api/v1/policies")
            .session(&carer)
            .send(&t)
            .await;
        let listed: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(listed[0]["to_sign"], 2, "{e}: {}", api.body);
        let sign = req(
            "POST",
            &format!(
                "/api{}/published/2/sign",
                page.replace("/policies", "/v1/policies")
            ),
        )
        .session(&carer)
        .header("x-csrf-token", &carer.csrf)
        .send(&t)
        .await;
        assert_eq!(sign.status, 200, "{e}: {}", sign.body);
        assert!(sign.body.contains("\"newly_signed\":true"), "{e}");
        let api = req("GET", "/api/v1/policies")
            .session(&carer)
            .send(&t)
            .await;
        let listed: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert!(listed[0]["to_sign"].is_null(), "{e}: {}", api.body);

        // The inspection report names the version in force and who has signed it.
        let lead = session_for(
            &t,
            &account(&t, "safeguarding-lead@gofal-dychmygol.example").await,
        )
        .await;
        let report = req("GET", "/patterns/inspection.pdf?from=2020-01-01")
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(report.status, 200, "{e}: {}", report.body);
        if let Some(text) = crate::pack::pdf_text(&report.bytes) {
            assert!(text.contains("The missing policy in force"), "{e}: {text}");
            assert!(
                text.contains("Version 2, approved by Demo Manager"),
                "{e}: {text}"
            );
            assert!(text.contains("Signed by 1 of 4 staff"), "{e}: {text}");
        }
    }
}

/// A program drafts and publishes a policy through the API; a review left too long shows on
/// the manager's home page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_drafts_and_publishes_and_an_overdue_review_is_shown() {
    for t in engines().await {
        seed(&t).await;
        let e = t.engine;
        let admin = session_for(&t, &account(&t, "org-admin@gofal-dychmygol.example").await).await;
        let manager = session_for(&t, &account(&t, "manager@gofal-dychmygol.example").await).await;
        let carer = session_for(
            &t,
            &account(&t, "care-worker@gofal-dychmygol.example").await,
        )
        .await;
        let api = |method: &str, path: &str, s: &Session, body: &str| {
            let r = req(method, path).session(s).header("x-csrf-token", &s.csrf);
            if body.is_empty() { r } else { r.json(body) }
        };
        let refused = api(
            "POST",
            "/api/v1/policies",
            &carer,
            r#"{"kind":"home_care"}"#,
        )
        .send(&t)
        .await;
        assert_eq!(refused.status, 403, "{e}");
        let bad = api("POST", "/api/v1/policies", &admin, r#"{"kind":"castle"}"#)
            .send(&t)
            .await;
        assert_eq!(bad.status, 422, "{e}: {}", bad.body);
        let made = api(
            "POST",
            "/api/v1/policies",
            &admin,
            r#"{"kind":"home_care"}"#,
        )
        .send(&t)
        .await;
        assert_eq!(made.status, 200, "{e}: {}", made.body);
        let id = serde_json::from_str::<serde_json::Value>(&made.body).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let details = |based_on: i64, months: i64, heading: &str| {
            format!(
                r#"{{"based_on":{based_on},"local_authority":"Conwy County Borough Council","local_protocol":"North Wales protocol","emergency_duty_team":"0300 123 3079","police_force":"North Wales Police","review_months":{months},"own_sections":[{{"after":"immediate","heading":"{heading}","text":"The coordinator keeps the codes."}}]}}"#
            )
        };
        let path = format!("/api/v1/policies/{id}/details");
        let wrong = api("PUT", &path, &admin, &details(0, 13, ""))
            .send(&t)
            .await;
        assert_eq!(wrong.status, 422, "{e}: {}", wrong.body);
        assert!(wrong.body.contains("review_months"), "{e}: {}", wrong.body);
        assert!(wrong.body.contains("own_heading_0"), "{e}: {}", wrong.body);
        let saved = api("PUT", &path, &admin, &details(0, 6, "Keys"))
            .send(&t)
            .await;
        assert_eq!(saved.status, 200, "{e}: {}", saved.body);
        assert!(saved.body.contains("\"version\":1"), "{e}: {}", saved.body);
        // Based on a version someone else has moved past: a conflict, nothing saved.
        let stale = api("PUT", &path, &admin, &details(0, 3, "Keys"))
            .send(&t)
            .await;
        assert_eq!(stale.status, 409, "{e}: {}", stale.body);
        let draft = api("GET", &format!("/api/v1/policies/{id}"), &manager, "")
            .send(&t)
            .await;
        let draft: serde_json::Value = serde_json::from_str(&draft.body).unwrap();
        assert_eq!(draft["missing"][0]["field"], "logo", "{e}: {draft}");
        assert_eq!(draft["missing"][0]["place"], "policy", "{e}");
        assert!(draft["text_en"].as_str().unwrap().contains("Keys"), "{e}");
        let publish = format!("/api/v1/policies/{id}/publish");
        let blocked = api("POST", &publish, &manager, r#"{"material":true}"#)
            .send(&t)
            .await;
        assert_eq!(blocked.status, 422, "{e}: {}", blocked.body);
        assert!(blocked.body.contains("logo"), "{e}: {}", blocked.body);
        let org = account(&t, "manager@gofal-dychmygol.example").await.org_id;
        let keeper = t.app.resolve_session(&admin.token).await.unwrap().unwrap();
        assert_eq!(keeper.org_id(), org);
        t.app
            .upload_policy_logo(
                &keeper,
                &Default::default(),
                homeward_app::photos::demo_portrait(4),
            )
            .await
            .unwrap();
        let by_admin = api("POST", &publish, &admin, r#"{"material":true}"#)
            .send(&t)
            .await;
        assert_eq!(
            by_admin.status, 403,
            "{e}: an admin drafts, a manager publishes"
        );
        let published = api(
            "POST",
            &publish,
            &manager,
            r#"{"material":false,"change_note":"First"}"#,
        )
        .send(&t)
        .await;
        assert_eq!(published.status, 200, "{e}: {}", published.body);
        assert!(published.body.contains("\"version\":1"), "{e}");
        let version = api(
            "GET",
            &format!("/api/v1/policies/{id}/published/1"),
            &carer,
            "",
        )
        .send(&t)
        .await;
        let version: serde_json::Value = serde_json::from_str(&version.body).unwrap();
        assert_eq!(
            version["material"], true,
            "{e}: the first version is always signed by all"
        );
        assert_eq!(version["must_sign"], true, "{e}");
        assert_eq!(version["review_by"].as_str().unwrap().len(), 10, "{e}");

        // Six months on, and a day: the review is overdue, and the manager is told.
        let home = req("GET", "/").session(&manager).send(&t).await;
        assert!(!home.body.contains("the review was due on"), "{e}");
        t.clock.advance(jiff::SignedDuration::from_hours(24 * 186));
        let manager = session_for(&t, &account(&t, "manager@gofal-dychmygol.example").await).await;
        let home = req("GET", "/").session(&manager).send(&t).await;
        assert!(
            home.body.contains("Home care: the review was due on"),
            "{e}: {}",
            home.body
        );
        let listed = api("GET", "/api/v1/policies", &manager, "").send(&t).await;
        assert!(
            listed.body.contains("\"review_overdue\":true"),
            "{e}: {}",
            listed.body
        );
    }
}
