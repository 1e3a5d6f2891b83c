//! Photos over HTTP: uploaded from a phone, stripped of metadata, served only to those who may
//! see the person, never cached.

use crate::support::*;
use homeward_app::photos::test_images;
use homeward_domain::role::Role;

pub(crate) const BOUNDARY: &str = "----homeward-test-boundary";

pub(crate) fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, data) in parts {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
        );
        if let Some(f) = filename {
            body.extend(format!("; filename=\"{f}\"\r\nContent-Type: image/jpeg").as_bytes());
        }
        body.extend(b"\r\n\r\n");
        body.extend(*data);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(t: &TestApp, s: &Session, person: &str, body: Vec<u8>, csrf: &str) -> Reply {
    req(
        "POST",
        &format!(
            "/people/{person}/photos?csrf_token={}",
            homeward_web::guard::encode(csrf)
        ),
    )
    .session(s)
    .body(&format!("multipart/form-data; boundary={BOUNDARY}"), body)
    .send(t)
    .await
}

pub async fn ffion(t: &TestApp) -> String {
    for o in t.app.store.list_organisations().await.unwrap() {
        let people = t
            .app
            .store
            .list_people(o.id, None, &test_event(o.id))
            .await
            .unwrap();
        if let Some(p) = people.into_iter().find(|p| p.given_name == "Ffion") {
            return p.id.to_string();
        }
    }
    panic!("no Ffion");
}

#[tokio::test]
async fn a_photo_with_gps_is_stored_without_it_and_served_privately() {
    let img_src = regex::Regex::new(r#"src="(/people/[^"]+/photos/[^"]+)""#).unwrap();
    for t in engines().await {
        let demo = seed(&t).await;
        let s = session_for(&t, demo.own(Role::CareWorker)).await;
        let id = ffion(&t).await;
        let photo = test_images::jpeg_with_gps_and_orientation(80, 40);
        assert!(photo.windows(4).any(|w| w == b"Exif"));
        let body = multipart(&[
            ("photo", Some("IMG_0001.jpg"), &photo),
            ("taken_on-day", None, b"20"),
            ("taken_on-month", None, b"11"),
            ("taken_on-year", None, b"2026"),
        ]);
        let reply = upload(&t, &s, &id, body, &s.csrf).await;
        assert_eq!(reply.status, 303, "[{}] {}", t.engine, reply.body);

        let page = req("GET", &format!("/people/{id}"))
            .session(&s)
            .send(&t)
            .await;
        assert!(page.body.contains("Taken on 20 November 2026"));
        assert!(!page.body.contains("There is no photo."));
        let src = img_src.captures(&page.body).unwrap()[1].to_string();
        let image = req("GET", &src).session(&s).send(&t).await;
        assert_eq!(image.status, 200);
        assert_eq!(image.header("content-type"), Some("image/jpeg"));
        assert!(image.header("cache-control").unwrap().contains("no-store"));
        let stored = image.bytes.as_slice();
        assert!(
            !stored.windows(4).any(|w| w == b"Exif"),
            "no metadata survives"
        );

        // Only those who may see the person get the photo.
        let other = session_for(&t, demo.other(Role::Manager)).await;
        assert_eq!(req("GET", &src).session(&other).send(&t).await.status, 404);
        assert_eq!(
            req("GET", &src).send(&t).await.status,
            303,
            "signed out: sign in first"
        );
    }
}

#[tokio::test]
async fn bad_uploads_get_a_clear_message_and_store_nothing() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let s = session_for(&t, demo.own(Role::Manager)).await;
    let id = ffion(&t).await;
    let org = demo.own(Role::Manager).org_id;
    let photos_before = t
        .app
        .store
        .photos(org, id.parse().unwrap())
        .await
        .unwrap()
        .0
        .len();
    let before = audit_count(&t).await;
    let pdf = upload(
        &t,
        &s,
        &id,
        multipart(&[("photo", Some("report.pdf"), b"%PDF-1.7 not a photo")]),
        &s.csrf,
    )
    .await;
    assert_eq!(pdf.status, 422);
    assert!(
        pdf.body
            .contains("The file must be a photo: a JPEG, PNG or WebP")
    );
    let empty = upload(&t, &s, &id, multipart(&[("photo", Some(""), b"")]), &s.csrf).await;
    assert!(empty.body.contains("Choose a photo to add"));
    let future = upload(
        &t,
        &s,
        &id,
        multipart(&[
            ("photo", Some("a.jpg"), &test_images::jpeg(20, 20)),
            ("taken_on-day", None, b"1"),
            ("taken_on-month", None, b"1"),
            ("taken_on-year", None, b"2030"),
        ]),
        &s.csrf,
    )
    .await;
    assert!(
        future
            .body
            .contains("This date must be today or in the past")
    );
    let forged = upload(
        &t,
        &s,
        &id,
        multipart(&[("photo", Some("a.jpg"), &test_images::jpeg(20, 20))]),
        "wrong",
    )
    .await;
    assert_eq!(forged.status, 400);
    // A 40 MB upload is refused before anyone decodes it.
    let huge = upload(
        &t,
        &s,
        &id,
        multipart(&[("photo", Some("big.jpg"), &vec![0u8; 40 * 1024 * 1024])]),
        &s.csrf,
    )
    .await;
    assert_eq!(huge.status, 413);
    let records = t.app.store.audit_page(0, 1_000_000).await.unwrap();
    assert!(
        records[before..]
            .iter()
            .all(|r| r.event.action == "person.view"),
        "only the pages shown were recorded, nothing was stored"
    );
    let (photos, _) = t.app.store.photos(org, id.parse().unwrap()).await.unwrap();
    assert_eq!(photos.len(), photos_before, "no photo was added");
}

#[tokio::test]
async fn an_earlier_photo_can_be_made_current_again() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let s = session_for(&t, demo.own(Role::ShiftLead)).await;
    let id = ffion(&t).await;
    for _ in 0..2 {
        let reply = upload(
            &t,
            &s,
            &id,
            multipart(&[("photo", Some("a.jpg"), &test_images::jpeg(30, 30))]),
            &s.csrf,
        )
        .await;
        assert_eq!(reply.status, 303);
    }
    let page = req("GET", &format!("/people/{id}/photos"))
        .session(&s)
        .send(&t)
        .await;
    assert_eq!(page.body.matches("Current photo").count(), 1);
    let action = regex::Regex::new(r#"action="(/people/[^"]+/current\?csrf_token=[^"]+)""#)
        .unwrap()
        .captures(&page.body)
        .unwrap()[1]
        .replace("&amp;", "&");
    let chosen = req("POST", &action).session(&s).send(&t).await;
    assert_eq!(chosen.status, 303);
    let (photos, current) = t
        .app
        .store
        .photos(demo.own(Role::ShiftLead).org_id, id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(current, Some(photos[1].id), "the older one is current now");
}
