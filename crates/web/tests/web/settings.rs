//! The organisation's settings: how old a photo may get before the person's page asks for a
//! new one. Versioned, changed by admins only, and used at once.

use crate::support::*;
use homeward_app::photos::test_images;
use homeward_domain::role::Role;

/// Gives Ffion a current photo taken four months before the tests' today.
async fn photo_four_months_old(t: &TestApp, s: &Session) -> String {
    let id = crate::photos::ffion(t).await;
    let reply = req(
        "POST",
        &format!("/api/v1/people/{id}/photos?taken_on=2026-07-20"),
    )
    .session(s)
    .header("x-csrf-token", &s.csrf)
    .body("image/jpeg", test_images::jpeg(30, 40))
    .send(t)
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    id
}

#[tokio::test]
async fn an_admin_sets_how_old_a_photo_may_get_and_the_warning_follows() {
    for t in engines().await {
        let demo = seed(&t).await;
        let worker = session_for(&t, demo.own(Role::CareWorker)).await;
        let admin = session_for(&t, demo.own(Role::OrgAdmin)).await;
        let id = photo_four_months_old(&t, &worker).await;
        let warned = |body: &str| body.contains("needs replacing");
        let person = req("GET", &format!("/people/{id}"))
            .session(&worker)
            .send(&t)
            .await;
        assert!(warned(&person.body), "3 months is the standard for a child");

        let page = req("GET", "/admin/settings").session(&admin).send(&t).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("nobody has changed them yet"));

        // Wrong: nothing saved, and the admin is told what to fix.
        let form = |child: &str, adult: &str, version: &str| {
            format!(
                "csrf_token={}&photo_age_child_months={child}&photo_age_adult_months={adult}&_version={version}",
                homeward_web::guard::encode(&admin.csrf)
            )
        };
        let wrong = req("POST", "/admin/settings")
            .session(&admin)
            .form(&form("0", "a+year", "0"))
            .send(&t)
            .await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains("There is a problem"));
        assert!(wrong.body.contains("Enter a number of months from 1 to 36"));
        assert!(wrong.body.contains("Enter a whole number, like 14"));
        assert!(
            wrong.body.contains("value=\"a year\""),
            "what was typed stays"
        );

        let saved = req("POST", "/admin/settings")
            .session(&admin)
            .form(&form("6", "12", "0"))
            .send(&t)
            .await;
        assert_eq!(saved.status, 303, "[{}] {}", t.engine, saved.body);
        // The same again (a double click) is not an error.
        let again = req("POST", "/admin/settings")
            .session(&admin)
            .form(&form("6", "12", "0"))
            .send(&t)
            .await;
        assert_eq!(again.status, 303);
        // A different change based on the old version is: someone saved meanwhile.
        let stale = req("POST", "/admin/settings")
            .session(&admin)
            .form(&form("9", "12", "0"))
            .send(&t)
            .await;
        assert_eq!(stale.status, 422);
        assert!(stale.body.contains("while you were working"));

        let page = req("GET", "/admin/settings?saved=1")
            .session(&admin)
            .send(&t)
            .await;
        assert!(page.body.contains("The settings have been saved."));
        assert!(
            page.body
                .contains("Last changed by org-admin@cartrefi-ffug.example")
        );
        let person = req("GET", &format!("/people/{id}"))
            .session(&worker)
            .send(&t)
            .await;
        assert!(!warned(&person.body), "six months now");

        // A manager sees the settings but cannot change them; another organisation is
        // unaffected.
        let manager = session_for(&t, demo.own(Role::Manager)).await;
        let page = req("GET", "/admin/settings")
            .session(&manager)
            .send(&t)
            .await;
        assert!(
            page.body.contains("6 months")
                && !page
                    .body
                    .contains("<form method=\"post\" action=\"/admin/settings\"")
        );
        let other = session_for(&t, demo.other(Role::OrgAdmin)).await;
        let theirs = req("GET", "/api/v1/settings")
            .session(&other)
            .send(&t)
            .await;
        assert!(theirs.body.contains("\"photo_age_child_months\":3"));

        let records = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        assert_eq!(
            records
                .iter()
                .filter(|r| r.event.action == "settings.update")
                .count(),
            1
        );
    }
}

#[tokio::test]
async fn the_api_reads_and_changes_settings_with_clear_problems() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let admin = session_for(&t, demo.own(Role::OrgAdmin)).await;
    let put = |body: &str| {
        req("PUT", "/api/v1/settings")
            .session(&admin)
            .header("x-csrf-token", &admin.csrf)
            .header("accept-language", "cy")
            .json(body)
    };
    let read = req("GET", "/api/v1/settings")
        .session(&admin)
        .send(&t)
        .await;
    assert!(read.body.contains("\"version\":0"));
    let wrong = put(r#"{"based_on":0,"photo_age_child_months":40,"photo_age_adult_months":12}"#)
        .send(&t)
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("\"field\":\"photo_age_child_months\""));
    assert!(wrong.body.contains("Rhowch nifer o fisoedd o 1 i 36"));
    let saved = put(r#"{"based_on":0,"photo_age_child_months":2,"photo_age_adult_months":18}"#)
        .send(&t)
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("\"version\":1"));
    assert!(saved.body.contains("\"photo_age_adult_months\":18"));
    let stale = put(r#"{"based_on":0,"photo_age_child_months":4,"photo_age_adult_months":18}"#)
        .send(&t)
        .await;
    assert_eq!(stale.status, 409);
}

#[tokio::test]
async fn the_duty_clocks_are_settings_and_the_duties_follow_them() {
    for t in engines().await {
        let demo = seed(&t).await;
        let admin = session_for(&t, demo.own(homeward_domain::role::Role::OrgAdmin)).await;
        let put = |body: &'static str| {
            req("PUT", "/api/v1/settings/duties")
                .session(&admin)
                .header("x-csrf-token", &admin.csrf)
                .json(body)
        };
        let bad = put(r#"{"based_on":0,"immediately_minutes":0,"promptly_minutes":30,"report_after_minutes":60,"plan_review_days":7,"return_discussion_days":7,"wales_interview_from_episode":3}"#)
            .send(&t)
            .await;
        assert_eq!(bad.status, 422, "{}", t.engine);
        assert!(bad.body.contains(r#""field":"immediately_minutes""#));
        let ok = put(r#"{"based_on":0,"immediately_minutes":10,"promptly_minutes":30,"report_after_minutes":45,"plan_review_days":5,"return_discussion_days":7,"wales_interview_from_episode":2}"#)
            .send(&t)
            .await;
        assert_eq!(ok.status, 200, "{}: {}", t.engine, ok.body);
        let v: serde_json::Value = serde_json::from_str(&ok.body).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["duties"]["promptly_minutes"], 30);
        // The photo ages are untouched by it.
        assert_eq!(v["photo_age_child_months"], 3);
        // The settings page shows them, and an admin can change them there too.
        let page = req("GET", "/admin/settings").session(&admin).send(&t).await;
        assert!(page.body.contains("Duty clocks"));
        assert!(page.body.contains(r#"id="promptly_minutes" name="promptly_minutes" type="text" inputmode="numeric" autocomplete="off" value="30""#));
        let form = format!(
            "csrf_token={}&_version=1&immediately_minutes=10&promptly_minutes=abc&report_after_minutes=45&plan_review_days=5&return_discussion_days=7&wales_interview_from_episode=2",
            admin.csrf
        );
        let bad = req("POST", "/admin/settings/duties")
            .session(&admin)
            .form(&form)
            .send(&t)
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains(r##"href="#promptly_minutes""##));
    }
}

/// The admin is told when the last good backup was taken, and loudly when the newest failed;
/// others who may read the settings are not shown the installation's backups.
#[tokio::test]
async fn the_admin_sees_the_last_good_backup_and_a_failing_one() {
    for t in engines().await {
        let demo = seed(&t).await;
        let admin = session_for(&t, demo.own(Role::OrgAdmin)).await;
        let manager = session_for(&t, demo.own(Role::Manager)).await;
        let page = req("GET", "/admin/settings").session(&admin).send(&t).await;
        assert!(
            page.body.contains("has not taken a backup yet"),
            "{}",
            page.body
        );

        let at: jiff::Timestamp = "2026-11-20T02:00:00Z".parse().unwrap();
        let good = homeward_store::BackupRecord {
            started_at: at,
            finished_at: at,
            file_name: "homeward-backup-20261120T020000Z".into(),
            bytes: 5_200_000,
            audit_seq: 10,
            problem: None,
        };
        t.app.record_backup(&good).await.unwrap();
        let page = req("GET", "/admin/settings").session(&admin).send(&t).await;
        assert!(
            page.body
                .contains("The last good backup was taken on 20 November 2026, 02:00 (5.2 MB)"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("failed:"));

        for hours in [24, 25] {
            let later = at
                .checked_add(jiff::SignedDuration::from_hours(hours))
                .unwrap();
            t.app
                .record_backup(&homeward_store::BackupRecord {
                    finished_at: later,
                    problem: Some("the backup folder is full".into()),
                    ..good.clone()
                })
                .await
                .unwrap();
        }
        let page = req("GET", "/admin/settings").session(&admin).send(&t).await;
        assert!(
            page.body.contains("failed: the backup folder is full"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("That is 2 failures since the last good backup.")
        );
        assert!(
            page.body.contains("20 November 2026, 02:00"),
            "the last good one is still named"
        );

        // The audit checkpoint: a write that fails is said, from when it began, until one
        // succeeds; a trail found shorter than its checkpoint is said until restarted.
        assert!(!page.body.contains("audit trail"));
        t.app.checkpoint_kept(Some("the disk is full".into()));
        t.app.checkpoint_kept(Some("permission denied".into()));
        t.app.trail_shorter_than_checkpoint(120, 117);
        let page = req("GET", "/admin/settings").session(&admin).send(&t).await;
        assert!(
            page.body.contains(
                "cannot write its note of where the audit trail has got to: permission denied"
            ),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("The audit trail now holds 117 records, but the server noted 120 before")
        );
        let welsh = req("GET", "/admin/settings")
            .session(&admin)
            .header("accept-language", "cy")
            .send(&t)
            .await;
        assert!(
            welsh.body.contains("nododd y gweinydd 120 o’r blaen"),
            "{}",
            welsh.body
        );
        t.app.checkpoint_kept(None);
        let page = req("GET", "/admin/settings").session(&admin).send(&t).await;
        assert!(!page.body.contains("cannot write its note"));
        assert!(page.body.contains("but the server noted 120 before"));

        let theirs = req("GET", "/admin/settings")
            .session(&manager)
            .send(&t)
            .await;
        assert_eq!(theirs.status, 200);
        assert!(
            !theirs.body.contains("backup"),
            "a manager is not shown the installation's backups"
        );
    }
}
