//! API tokens: made by their owner (shown once), named, 90 days at most, listed, and revoked
//! by their owner or an admin, after which they stop working at once.

use crate::support::*;
use homeward_domain::role::Role;

fn secret_on(page: &str) -> String {
    let at = page.find("id=\"token-secret\">").unwrap() + 18;
    page[at..].split('<').next().unwrap().trim().to_string()
}

#[tokio::test]
async fn a_token_is_made_shown_once_used_and_revoked_by_its_owner_or_an_admin() {
    for t in engines().await {
        let demo = seed(&t).await;
        let worker = demo.own(Role::ShiftLead);
        let s = session_for(&t, worker).await;
        let admin = session_for(&t, demo.own(Role::OrgAdmin)).await;

        let empty = req("GET", "/account/tokens").session(&s).send(&t).await;
        assert_eq!(empty.status, 200);
        assert!(empty.body.contains("There are no API tokens."));
        assert!(
            empty.body.contains("href=\"/account/tokens\""),
            "linked from the header"
        );

        // Wrong: no name, and longer than 90 days.
        let wrong = req("POST", "/account/tokens")
            .session(&s)
            .form(&form(&s, &[("label", " "), ("days", "365")]))
            .send(&t)
            .await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains("Enter a name for the token"));
        assert!(wrong.body.contains("Choose how long the token works for"));

        let made = req("POST", "/account/tokens")
            .session(&s)
            .form(&form(&s, &[("label", "Office tablet"), ("days", "30")]))
            .send(&t)
            .await;
        assert_eq!(made.status, 200, "[{}] {}", t.engine, made.body);
        assert_eq!(made.header("cache-control"), Some("no-store"));
        let secret = secret_on(&made.body);
        assert!(secret.len() >= 40);
        let bearer = format!("Bearer {secret}");
        let me = req("GET", "/api/v1/me")
            .header("authorization", &bearer)
            .send(&t)
            .await;
        assert_eq!(me.status, 200);

        let listed = req("GET", "/account/tokens").session(&s).send(&t).await;
        assert!(listed.body.contains("Office tablet"));
        assert!(listed.body.contains("In use"));
        assert!(!listed.body.contains(&secret), "shown once only");

        // The admin sees it on the user's page and revokes it.
        let user_page = format!("/admin/users/{}", worker.id);
        let theirs = req("GET", &user_page).session(&admin).send(&t).await;
        assert!(theirs.body.contains("Office tablet"));
        let hash = homeward_app::secrets::token_hash(&secret);
        let revoke = format!("{user_page}/tokens/{hash}/revoke");
        assert!(theirs.body.contains(&revoke));
        let revoked = req("POST", &revoke)
            .session(&admin)
            .form(&form(&admin, &[]))
            .send(&t)
            .await;
        assert_eq!(revoked.status, 303);
        let me = req("GET", "/api/v1/me")
            .header("authorization", &bearer)
            .send(&t)
            .await;
        assert_eq!(me.status, 401, "a revoked token stops working at once");
        let listed = req("GET", "/account/tokens").session(&s).send(&t).await;
        assert!(
            listed.body.contains("Revoked on")
                && listed.body.contains("org-admin@cartrefi-ffug.example"),
            "{}",
            listed.body
        );

        // Through the API: 90 days unless said, listed, revoked by its owner, twice harmlessly.
        let made = req("POST", "/api/v1/me/tokens")
            .session(&s)
            .header("x-csrf-token", &s.csrf)
            .json(r#"{"label":"Report tool"}"#)
            .send(&t)
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
        let doc: serde_json::Value = serde_json::from_str(&made.body).unwrap();
        let expires: jiff::Timestamp = doc["expires_at"].as_str().unwrap().parse().unwrap();
        let days = expires.duration_since(t.app.clock.now()).as_hours() / 24;
        assert_eq!(days, 90);
        let id = doc["id"].as_str().unwrap().to_string();
        let api_bearer = format!("Bearer {}", doc["token"].as_str().unwrap());
        let list = req("GET", "/api/v1/me/tokens")
            .header("authorization", &api_bearer)
            .send(&t)
            .await;
        let list: serde_json::Value = serde_json::from_str(&list.body).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 2);
        assert!(!list.to_string().contains(doc["token"].as_str().unwrap()));
        let too_long = req("POST", "/api/v1/me/tokens")
            .header("authorization", &api_bearer)
            .json(r#"{"label":"Forever","days":366}"#)
            .send(&t)
            .await;
        assert_eq!(too_long.status, 422);
        // `30.0` is the whole number 30 to JSON and to the API's document.
        let whole = req("POST", "/api/v1/me/tokens")
            .header("authorization", &api_bearer)
            .json(r#"{"label":"Rota screen","days":30.0}"#)
            .send(&t)
            .await;
        assert_eq!(whole.status, 201, "{}", whole.body);
        let half = req("POST", "/api/v1/me/tokens")
            .header("authorization", &api_bearer)
            .json(r#"{"label":"Rota screen","days":30.5}"#)
            .send(&t)
            .await;
        assert_eq!(half.status, 400, "{}", half.body);
        // Someone else's token is not theirs to revoke.
        let others = req("POST", &format!("/api/v1/me/tokens/{id}/revoke"))
            .session(&admin)
            .header("x-csrf-token", &admin.csrf)
            .send(&t)
            .await;
        assert_eq!(others.status, 404);
        for _ in 0..2 {
            let gone = req("POST", &format!("/api/v1/me/tokens/{id}/revoke"))
                .session(&s)
                .header("x-csrf-token", &s.csrf)
                .send(&t)
                .await;
            assert_eq!(gone.status, 204);
        }
        let me = req("GET", "/api/v1/me")
            .header("authorization", &api_bearer)
            .send(&t)
            .await;
        assert_eq!(me.status, 401);
        let trail = t.app.store.recent_audit(worker.org_id, 50).await.unwrap();
        assert_eq!(
            trail
                .iter()
                .filter(|r| r.event.action == "api_token.revoke")
                .count(),
            2,
            "each revocation once in the audit trail"
        );
    }
}
