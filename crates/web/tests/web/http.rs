//! Behaviour over HTTP, in process: signing in and out, sessions, CSRF, throttling, language,
//! errors, headers and auditing. Each test runs on every engine available.

use crate::support::*;
use homeward_domain::audit::Outcome;
use homeward_domain::role::Role;
use jiff::SignedDuration;

/// Signs in through the real forms (the password, then the code from the account's
/// authenticator app when it has one) and returns the last reply.
async fn sign_in(t: &TestApp, email: &str, password: &str, ip: &str) -> Reply {
    let (reply, csrf) = password_step(t, email, password, ip).await;
    match reply.location() {
        Some(to) if to.starts_with("/sign-in/code") => {
            let challenge = reply.cookie("__Host-homeward_challenge").unwrap();
            let code = authenticator_code(t, email).await;
            code_step(t, &csrf, &challenge, &code, ip).await
        }
        _ => reply,
    }
}

/// The password form alone: its reply, and the CSRF token the next form needs.
async fn password_step(t: &TestApp, email: &str, password: &str, ip: &str) -> (Reply, String) {
    let page = req("GET", "/sign-in").sent_from(ip).send(t).await;
    let csrf = page
        .cookie("__Host-homeward_csrf")
        .expect("the sign-in page sets a CSRF cookie");
    let reply = req("POST", "/sign-in")
        .sent_from(ip)
        .header("cookie", &format!("__Host-homeward_csrf={csrf}"))
        .form(&format!(
            "csrf_token={csrf}&email={}&password={}&next=%2Fpeople",
            email.replace('@', "%40"),
            password.replace(' ', "+")
        ))
        .send(t)
        .await;
    (reply, csrf)
}

async fn code_step(t: &TestApp, csrf: &str, challenge: &str, code: &str, ip: &str) -> Reply {
    req("POST", "/sign-in/code")
        .sent_from(ip)
        .header(
            "cookie",
            &format!("__Host-homeward_csrf={csrf}; __Host-homeward_challenge={challenge}"),
        )
        .form(&format!(
            "csrf_token={csrf}&code={}&next=%2Fpeople",
            code.replace(' ', "+")
        ))
        .send(t)
        .await
}

fn cookie_session(token: &str) -> Session {
    Session {
        token: token.to_string(),
        csrf: String::new(),
    }
}

#[tokio::test]
async fn sign_in_and_out() {
    let csrf_field = regex::Regex::new(r#"name="csrf_token" value="([^"]+)""#).unwrap();
    for t in engines().await {
        seed(&t).await;
        let reply = sign_in(&t, "manager@cartrefi-ffug.example", PASSWORD, "10.1.1.1").await;
        assert_eq!(reply.status, 303, "[{}] {}", t.engine, reply.body);
        assert_eq!(reply.location(), Some("/people"));
        let raw = reply
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect::<Vec<_>>();
        let session_cookie = raw
            .iter()
            .find(|c| c.starts_with("__Host-homeward_session="))
            .unwrap();
        for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(session_cookie.contains(attribute), "{session_cookie}");
        }
        let token = reply.cookie("__Host-homeward_session").unwrap();
        let home = req("GET", "/")
            .session(&cookie_session(&token))
            .send(&t)
            .await;
        assert_eq!(home.status, 200);
        assert!(home.body.contains("Hello, Demo Manager"));
        // Sign out with the page's CSRF token.
        let csrf = csrf_field.captures(&home.body).unwrap()[1].to_string();
        let out = req("POST", "/sign-out")
            .session(&cookie_session(&token))
            .form(&format!("csrf_token={csrf}"))
            .send(&t)
            .await;
        assert_eq!(out.status, 303);
        assert_eq!(out.location(), Some("/sign-in?signed_out=1"));
        let after = req("GET", "/")
            .session(&cookie_session(&token))
            .send(&t)
            .await;
        assert_eq!(after.status, 303, "the session has ended");
    }
}

#[tokio::test]
async fn signing_in_again_ends_the_previous_session() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let old = session_for(&t, demo.own(Role::Manager)).await;
    let page = req("GET", "/sign-in").session(&old).send(&t).await;
    assert_eq!(page.status, 303, "already signed in");
    let reply = req("POST", "/sign-in")
        .session(&old)
        .form(&format!(
            "csrf_token={}&email=shift-lead%40cartrefi-ffug.example&password={}",
            old.csrf,
            PASSWORD.replace(' ', "+")
        ))
        .send(&t)
        .await;
    assert_eq!(reply.status, 303);
    // The password was right; the code from the app comes next, in the same browser.
    let challenge = reply.cookie("__Host-homeward_challenge").unwrap();
    let code = authenticator_code(&t, "shift-lead@cartrefi-ffug.example").await;
    let reply = req("POST", "/sign-in/code")
        .session(&old)
        .header("cookie", &format!("__Host-homeward_challenge={challenge}"))
        .form(&format!("csrf_token={}&code={code}", old.csrf))
        .send(&t)
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let new = reply.cookie("__Host-homeward_session").unwrap();
    assert_ne!(new, old.token);
    assert_eq!(
        req("GET", "/").session(&old).send(&t).await.status,
        303,
        "the old session is over"
    );
    let home = req("GET", "/")
        .session(&Session {
            token: new,
            csrf: String::new(),
        })
        .send(&t)
        .await;
    assert!(home.body.contains("Demo Shift Lead"));
}

#[tokio::test]
async fn unknown_account_and_wrong_password_get_the_same_answer() {
    let t = sqlite().await;
    seed(&t).await;
    let wrong = sign_in(
        &t,
        "manager@cartrefi-ffug.example",
        "not the password",
        "10.2.2.2",
    )
    .await;
    let unknown = sign_in(
        &t,
        "nobody@cartrefi-ffug.example",
        "not the password",
        "10.2.2.3",
    )
    .await;
    assert_eq!(wrong.status, 422);
    assert_eq!(unknown.status, 422);
    let message = "The email address or password is not right";
    assert!(wrong.body.contains(message) && unknown.body.contains(message));
    assert!(
        wrong.body.contains("There is a problem"),
        "GOV.UK error summary"
    );
    assert!(
        wrong.body.contains("<title>Error: Sign in"),
        "the title says there is an error"
    );
    let failed = t.app.store.audit_page(0, 1_000_000).await.unwrap();
    assert_eq!(
        failed
            .iter()
            .filter(|r| r.event.outcome == Outcome::Failed)
            .count(),
        2
    );
}

#[tokio::test]
async fn a_long_pasted_password_works() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let admin = session_for(&t, demo.own(Role::OrgAdmin)).await;
    let long = "correct kettle orbit lantern meadow violin quartz harbour pebble 99";
    assert!(long.len() >= 64);
    let reply = req("POST", "/admin/users")
        .session(&admin)
        .form(&format!(
            "csrf_token={}&display_name=Long+Password&email=long%40cartrefi-ffug.example&password={}&roles=care_worker",
            admin.csrf,
            long.replace(' ', "+")
        ))
        .send(&t)
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let signed = sign_in(&t, "long@cartrefi-ffug.example", long, "10.3.3.3").await;
    assert_eq!(signed.status, 303);
}

#[tokio::test]
async fn repeated_failures_are_throttled_without_locking_out_the_users_own_browser() {
    let t = sqlite().await;
    seed(&t).await;
    let email = "manager@cartrefi-ffug.example";
    // The user signs in once from their usual browser, which is then trusted.
    let (first, _) = password_step(&t, email, PASSWORD, "10.9.9.9").await;
    let device = first
        .cookie("__Host-homeward_device")
        .expect("a trusted-browser cookie");
    // An attacker guesses from one machine: stopped after five tries.
    for _ in 0..5 {
        assert_eq!(
            sign_in(&t, email, "guess guess guess", "203.0.113.5")
                .await
                .status,
            422
        );
    }
    let blocked = sign_in(&t, email, PASSWORD, "203.0.113.5").await;
    assert!(
        blocked.body.contains("too many attempts"),
        "even the right password is refused there"
    );
    // Then from many machines: the account is refused to unknown browsers…
    for i in 0..10 {
        sign_in(&t, email, "guess guess guess", &format!("198.51.100.{i}")).await;
    }
    let stranger = sign_in(&t, email, PASSWORD, "192.0.2.77").await;
    assert!(stranger.body.contains("too many attempts"));
    // …but the user's own browser still gets in.
    let page = req("GET", "/sign-in").sent_from("10.9.9.9").send(&t).await;
    let csrf = page.cookie("__Host-homeward_csrf").unwrap();
    let own = req("POST", "/sign-in")
        .sent_from("10.9.9.9")
        .header(
            "cookie",
            &format!("__Host-homeward_csrf={csrf}; __Host-homeward_device={device}"),
        )
        .form(&format!(
            "csrf_token={csrf}&email=manager%40cartrefi-ffug.example&password={}",
            PASSWORD.replace(' ', "+")
        ))
        .send(&t)
        .await;
    assert_eq!(own.status, 303, "{}", own.body);
    assert!(
        own.location().unwrap().starts_with("/sign-in/code"),
        "on to the code"
    );
}

/// A care home shares one address: someone there guessing at the manager's account (and at
/// others) slows guessing from that address, but the manager's own browser, at the same
/// address, still gets in; someone at the manager's own browser is stopped there.
#[tokio::test]
async fn guessing_from_a_shared_address_never_locks_the_users_own_browser_out() {
    for t in engines().await {
        seed(&t).await;
        let home = "192.0.2.10";
        let email = "manager@cartrefi-ffug.example";
        let (first, _) = password_step(&t, email, PASSWORD, home).await;
        let device = first.cookie("__Host-homeward_device").unwrap();
        // Someone at the same address guesses at this account and then at many others.
        for _ in 0..6 {
            sign_in(&t, email, "guess guess guess", home).await;
        }
        for i in 0..50 {
            sign_in(
                &t,
                &format!("nobody{i}@cartrefi-ffug.example"),
                "guess guess guess",
                home,
            )
            .await;
        }
        let stranger = sign_in(&t, email, PASSWORD, home).await;
        assert!(
            stranger.body.contains("too many attempts"),
            "[{}] a new browser at that address is slowed",
            t.engine
        );
        let own_browser = |password: &'static str| {
            let t = &t;
            let device = device.clone();
            async move {
                let page = req("GET", "/sign-in").sent_from(home).send(t).await;
                let csrf = page.cookie("__Host-homeward_csrf").unwrap();
                req("POST", "/sign-in")
                    .sent_from(home)
                    .header(
                        "cookie",
                        &format!("__Host-homeward_csrf={csrf}; __Host-homeward_device={device}"),
                    )
                    .form(&format!(
                        "csrf_token={csrf}&email=manager%40cartrefi-ffug.example&password={}",
                        password.replace(' ', "+")
                    ))
                    .send(t)
                    .await
            }
        };
        let own = own_browser(PASSWORD).await;
        assert_eq!(own.status, 303, "[{}] {}", t.engine, own.body);
        assert!(own.location().unwrap().starts_with("/sign-in/code"));
        // Someone at the manager's own desk, with their browser, is stopped after ten tries.
        for _ in 0..10 {
            assert_eq!(own_browser("guess guess guess").await.status, 422);
        }
        let blocked = own_browser(PASSWORD).await;
        assert!(blocked.body.contains("too many attempts"), "[{}]", t.engine);
    }
}

#[tokio::test]
async fn sessions_end_after_30_idle_minutes_and_12_hours_in_all() {
    for t in engines().await {
        let demo = seed(&t).await;
        let s = session_for(&t, demo.own(Role::Manager)).await;
        t.clock.advance(SignedDuration::from_mins(29));
        assert_eq!(req("GET", "/").session(&s).send(&t).await.status, 200);
        t.clock.advance(SignedDuration::from_mins(31));
        let idle = req("GET", "/people").session(&s).send(&t).await;
        assert_eq!(idle.status, 303, "[{}] idle for 31 minutes", t.engine);
        assert_eq!(idle.location(), Some("/sign-in?expired=1&next=%2Fpeople"));
        assert_eq!(
            idle.cookie("__Host-homeward_session").as_deref(),
            Some(""),
            "the dead cookie is dropped"
        );
        let page = req("GET", idle.location().unwrap()).send(&t).await;
        assert!(page.body.contains("Your session has ended"));

        let s = session_for(&t, demo.own(Role::Manager)).await;
        for _ in 0..35 {
            t.clock.advance(SignedDuration::from_mins(20));
            assert_eq!(req("GET", "/").session(&s).send(&t).await.status, 200);
        }
        t.clock.advance(SignedDuration::from_mins(20));
        assert_eq!(
            req("GET", "/").session(&s).send(&t).await.status,
            303,
            "12 hours is the limit, however busy"
        );
    }
}

#[tokio::test]
async fn deactivating_a_user_ends_their_sessions_at_once() {
    for t in engines().await {
        let demo = seed(&t).await;
        let victim = session_for(&t, demo.own(Role::CareWorker)).await;
        assert_eq!(req("GET", "/").session(&victim).send(&t).await.status, 200);
        let admin = session_for(&t, demo.own(Role::OrgAdmin)).await;
        let path = format!("/admin/users/{}/deactivate", demo.own(Role::CareWorker).id);
        let reply = req("POST", &path)
            .session(&admin)
            .form(&format!("csrf_token={}", admin.csrf))
            .send(&t)
            .await;
        assert_eq!(reply.status, 303);
        assert_eq!(req("GET", "/").session(&victim).send(&t).await.status, 303);
        let again = sign_in(
            &t,
            "care-worker@cartrefi-ffug.example",
            PASSWORD,
            "10.4.4.4",
        )
        .await;
        assert_eq!(again.status, 422, "a deactivated account cannot sign in");
        // The admin cannot deactivate themselves.
        let own = format!("/admin/users/{}/deactivate", demo.own(Role::OrgAdmin).id);
        let reply = req("POST", &own)
            .session(&admin)
            .form(&format!("csrf_token={}", admin.csrf))
            .send(&t)
            .await;
        assert_eq!(reply.status, 422);
        assert!(
            reply
                .body
                .contains("You cannot deactivate your own account")
        );
    }
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_or_from_another_site_change_nothing() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let admin = session_for(&t, demo.own(Role::OrgAdmin)).await;
    let before = audit_count(&t).await;
    let body = "display_name=Forged&email=forged%40example.org&password=kettle+orbit+lantern&roles=org_admin";
    let missing = req("POST", "/admin/users")
        .session(&admin)
        .form(body)
        .send(&t)
        .await;
    assert_eq!(missing.status, 400);
    assert!(missing.body.contains("This form was open too long"));
    let wrong = req("POST", "/admin/users")
        .session(&admin)
        .form(&format!("{body}&csrf_token=guess"))
        .send(&t)
        .await;
    assert_eq!(wrong.status, 400);
    let cross = req("POST", "/admin/users")
        .session(&admin)
        .header("sec-fetch-site", "cross-site")
        .form(&format!("{body}&csrf_token={}", admin.csrf))
        .send(&t)
        .await;
    assert_eq!(cross.status, 400);
    assert_eq!(audit_count(&t).await, before, "nothing was written");
    assert!(
        t.app
            .store
            .find_credentials("forged@example.org")
            .await
            .unwrap()
            .is_none()
    );
    // The same form from another organisation's admin cannot reach this organisation's users.
    let other_admin = session_for(&t, demo.other(Role::OrgAdmin)).await;
    let path = format!("/admin/users/{}/roles", demo.own(Role::CareWorker).id);
    let forged = req("POST", &path)
        .session(&other_admin)
        .form(&format!("csrf_token={}&roles=org_admin", other_admin.csrf))
        .send(&t)
        .await;
    assert_eq!(forged.status, 404);
}

#[tokio::test]
async fn adding_a_user_validates_in_the_users_language_and_saves_nothing_on_error() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let admin = session_for(&t, demo.own(Role::OrgAdmin)).await;
    let before = audit_count(&t).await;
    // Browsers may send cookies in several headers; both are read.
    let reply = req("POST", "/admin/users")
        .session(&admin)
        .header("cookie", "__Host-homeward_lang=cy")
        .form(&format!(
            "csrf_token={}&display_name=&email=not-an-email&password=short",
            admin.csrf
        ))
        .send(&t)
        .await;
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("lang=\"cy\""));
    assert!(reply.body.contains("Mae problem"));
    assert!(reply.body.contains("Rhowch enw llawn y defnyddiwr"));
    assert!(
        reply
            .body
            .contains("Rhaid i’r cyfrinair fod yn 12 nod o leiaf")
    );
    assert!(reply.body.contains("Dewiswch o leiaf un rôl"));
    assert_eq!(audit_count(&t).await, before, "nothing saved");
    // A duplicate email is a field error too.
    let reply = req("POST", "/admin/users")
        .session(&admin)
        .form(&format!(
            "csrf_token={}&display_name=Again&email=manager%40cartrefi-ffug.example&password=kettle+orbit+lantern&roles=manager",
            admin.csrf
        ))
        .send(&t)
        .await;
    assert_eq!(reply.status, 422);
    let same_org = "This email address cannot be used for a new account";
    assert!(reply.body.contains(same_org));
    // Another organisation's address gets the very same words: nothing says it exists, or
    // where.
    let reply = req("POST", "/admin/users")
        .session(&admin)
        .form(&format!(
            "csrf_token={}&display_name=Again&email={}&password=kettle+orbit+lantern&roles=manager",
            admin.csrf,
            homeward_web::guard::encode(&demo.other(Role::Manager).email)
        ))
        .send(&t)
        .await;
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains(same_org));
    let other_org = t
        .app
        .store
        .get_organisation(demo.other(Role::Manager).org_id)
        .await
        .unwrap()
        .unwrap();
    assert!(!reply.body.contains(&other_org.name));
}

#[tokio::test]
async fn roles_can_be_changed_and_scoped_to_a_service() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let admin = session_for(&t, demo.own(Role::OrgAdmin)).await;
    let (_, services) = {
        let actor_user = demo.own(Role::OrgAdmin).clone();
        let found = t
            .app
            .store
            .get_user(actor_user.org_id, actor_user.id)
            .await
            .unwrap()
            .unwrap();
        let actor = homeward_app::Actor::new(found, homeward_app::actor::Via::ApiToken);
        t.app.organisation_overview(&actor).await.unwrap()
    };
    let target = demo.own(Role::Auditor);
    let reply = req("POST", &format!("/admin/users/{}/roles", target.id))
        .session(&admin)
        .form(&format!(
            "csrf_token={}&roles=shift_lead&roles=care_worker&service={}",
            admin.csrf, services[1].id
        ))
        .send(&t)
        .await;
    assert_eq!(reply.status, 303);
    let updated = t
        .app
        .store
        .get_user(target.org_id, target.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.memberships.len(), 2);
    assert!(
        updated
            .memberships
            .iter()
            .all(|m| m.service_id == Some(services[1].id))
    );
    // Someone scoped to one home sees only that home's people.
    let s = session_for(&t, target).await;
    let people = req("GET", "/people").session(&s).send(&t).await;
    assert!(people.body.contains("2 people"), "{}", people.body);
}

#[tokio::test]
async fn language_follows_the_switch_then_the_browser() {
    let t = sqlite().await;
    let welsh_browser = req("GET", "/sign-in")
        .header("accept-language", "cy,en;q=0.5")
        .send(&t)
        .await;
    assert!(welsh_browser.body.contains("<html lang=\"cy\">"));
    assert!(welsh_browser.body.contains("Mewngofnodi"));
    let switch = req("GET", "/language?to=en&next=%2Fsign-in").send(&t).await;
    assert_eq!(switch.status, 303);
    assert_eq!(switch.location(), Some("/sign-in"));
    assert_eq!(switch.cookie("__Host-homeward_lang").as_deref(), Some("en"));
    let chosen = req("GET", "/sign-in")
        .header("accept-language", "cy")
        .header("cookie", "__Host-homeward_lang=en")
        .send(&t)
        .await;
    assert!(
        chosen.body.contains("<html lang=\"en-GB\">"),
        "the remembered choice wins"
    );
    let open_redirect = req("GET", "/language?to=cy&next=https%3A%2F%2Fevil.example")
        .send(&t)
        .await;
    assert_eq!(open_redirect.location(), Some("/"));
}

#[tokio::test]
async fn errors_are_friendly_in_both_languages_and_leak_nothing() {
    let t = sqlite().await;
    let en = req("GET", "/no/such/page").send(&t).await;
    assert_eq!(en.status, 404);
    assert!(en.body.contains("Page not found"));
    let cy = req("GET", "/no/such/page")
        .header("accept-language", "cy")
        .send(&t)
        .await;
    assert!(cy.body.contains("Heb ddod o hyd i’r dudalen"));
    assert!(cy.body.contains("<html lang=\"cy\">"));
    let api = req("GET", "/api/v1/nothing").send(&t).await;
    assert_eq!(api.status, 404);
    assert_eq!(api.header("content-type"), Some("application/problem+json"));
    let bad_id = req("GET", "/admin/users/not-a-uuid").send(&t).await;
    assert_eq!(
        bad_id.status, 303,
        "anonymous: sign in first, without saying whether it exists"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let t = sqlite().await;
    for path in [
        "/sign-in",
        "/no/such/page",
        "/api/v1/openapi.json",
        "/healthz",
        &homeward_web::assets::css_url(),
    ] {
        let r = req("GET", path).send(&t).await;
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert!(r.header("referrer-policy").is_some(), "{path}");
    }
    let asset = req("GET", &homeward_web::assets::css_url()).send(&t).await;
    assert!(asset.header("cache-control").unwrap().contains("immutable"));
    assert_eq!(
        req("GET", "/sign-in")
            .send(&t)
            .await
            .header("cache-control"),
        Some("no-store")
    );
    assert_eq!(
        req("GET", "/assets/app.0000.css").send(&t).await.status,
        404
    );
}

#[tokio::test]
async fn hsts_is_sent_behind_tls() {
    let t = sqlite().await;
    let router = homeward_web::router(
        t.app.clone(),
        homeward_web::WebConfig {
            https: true,
            trust_proxy: false,
        },
    );
    let t = TestApp { router, ..t };
    let r = req("GET", "/sign-in").send(&t).await;
    assert!(
        r.header("strict-transport-security")
            .unwrap()
            .contains("max-age=31536000")
    );
}

#[tokio::test]
async fn reading_people_is_audited_once_per_view() {
    for t in engines().await {
        let demo = seed(&t).await;
        let s = session_for(&t, demo.own(Role::Manager)).await;
        let before = audit_count(&t).await;
        let page = req("GET", "/people").session(&s).send(&t).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Ffion Ffug"));
        assert!(
            !page.body.contains("Teddy"),
            "[{}] another organisation's child",
            t.engine
        );
        let records = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        assert_eq!(records.len(), before + 1);
        let r = records.last().unwrap();
        assert_eq!(r.event.action, "person.list");
        assert_eq!(r.event.actor, Some(demo.own(Role::Manager).id));
        assert!(matches!(
            t.app.verify_audit_chain(&[]).await.unwrap(),
            homeward_app::audit::Verification::Intact { .. }
        ));
    }
}

#[tokio::test]
async fn the_api_answers_with_problem_documents() {
    for t in engines().await {
        let demo = seed(&t).await;
        let token = t
            .app
            .issue_api_token("org-admin@cartrefi-ffug.example", "test", 1)
            .await
            .unwrap();
        let bearer = format!("Bearer {token}");
        let me = req("GET", "/api/v1/me")
            .header("authorization", &bearer)
            .send(&t)
            .await;
        assert_eq!(me.status, 200);
        assert!(me.body.contains("org-admin@cartrefi-ffug.example"));
        let bad = req("GET", "/api/v1/me")
            .header("authorization", "Bearer nonsense")
            .send(&t)
            .await;
        assert_eq!(bad.status, 401);
        assert_eq!(bad.header("content-type"), Some("application/problem+json"));
        let malformed = req("POST", "/api/v1/users")
            .header("authorization", &bearer)
            .json("{not json")
            .send(&t)
            .await;
        assert_eq!(malformed.status, 400);
        assert_eq!(
            malformed.header("content-type"),
            Some("application/problem+json")
        );
        let wrong_type = req("POST", "/api/v1/users")
            .header("authorization", &bearer)
            .form("a=b")
            .send(&t)
            .await;
        assert_eq!(wrong_type.status, 415);
        let invalid = req("POST", "/api/v1/users")
            .header("authorization", &bearer)
            .header("accept-language", "cy")
            .json(r#"{"display_name":"X","email":"x","password":"password1234","roles":[{"role":"wizard"}]}"#)
            .send(&t)
            .await;
        assert_eq!(invalid.status, 422);
        let doc: serde_json::Value = serde_json::from_str(&invalid.body).unwrap();
        assert_eq!(doc["code"], "invalid");
        assert_eq!(doc["title"], "Nid yw peth o’r wybodaeth yn gywir");
        let fields: Vec<&str> = doc["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&"email") && fields.contains(&"password") && fields.contains(&"roles"),
            "{fields:?}"
        );
        let created = req("POST", "/api/v1/users")
            .header("authorization", &bearer)
            .json(r#"{"display_name":"Api Person","email":"api@cartrefi-ffug.example","password":"kettle orbit lantern","roles":[{"role":"care_worker"}]}"#)
            .send(&t)
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        // A session-authenticated unsafe API call needs the CSRF header.
        let s = session_for(&t, demo.own(Role::OrgAdmin)).await;
        let path = format!("/api/v1/users/{}/deactivate", demo.own(Role::ShiftLead).id);
        assert_eq!(req("POST", &path).session(&s).send(&t).await.status, 422);
        assert_eq!(
            req("POST", &path)
                .session(&s)
                .header("x-csrf-token", &s.csrf)
                .send(&t)
                .await
                .status,
            204
        );
        // An expired token is refused.
        t.clock.advance(SignedDuration::from_hours(25));
        assert_eq!(
            req("GET", "/api/v1/me")
                .header("authorization", &bearer)
                .send(&t)
                .await
                .status,
            401
        );
    }
}

#[tokio::test]
async fn health_and_readiness_and_a_lost_database() {
    for t in engines().await {
        let demo = seed(&t).await;
        let s = session_for(&t, demo.own(Role::Manager)).await;
        assert_eq!(req("GET", "/healthz").send(&t).await.status, 200);
        assert_eq!(req("GET", "/readyz").send(&t).await.status, 200);
        t.app.store.close().await;
        let ready = req("GET", "/readyz").send(&t).await;
        assert_eq!(ready.status, 503);
        assert_eq!(
            ready.header("content-type"),
            Some("application/problem+json")
        );
        let page = req("GET", "/")
            .session(&s)
            .header("accept-language", "cy")
            .send(&t)
            .await;
        assert_eq!(page.status, 503, "[{}]", t.engine);
        assert!(
            page.body
                .contains("Ni all Homeward gyrraedd ei gronfa ddata")
        );
        assert_eq!(
            req("GET", "/healthz").send(&t).await.status,
            200,
            "the process itself is alive"
        );
    }
}

/// A manager proves it is them with a code after the password: a wrong code is counted and
/// said plainly, five end the attempt, a code works once, a remembered browser is not asked
/// again for 30 days, and every step is audited.
#[tokio::test]
async fn the_second_factor_is_asked_for_after_the_password_and_each_code_works_once() {
    for t in engines().await {
        seed(&t).await;
        let email = "manager@cartrefi-ffug.example";
        let ip = "10.4.4.4";
        let (reply, csrf) = password_step(&t, email, PASSWORD, ip).await;
        assert_eq!(reply.status, 303);
        assert!(
            reply
                .location()
                .unwrap()
                .starts_with("/sign-in/code?next=/people")
        );
        assert!(
            reply.cookie("__Host-homeward_session").is_none(),
            "not signed in yet"
        );
        let challenge = reply.cookie("__Host-homeward_challenge").unwrap();
        // The code page needs the challenge; without it, back to the start.
        let lost = req("GET", "/sign-in/code").sent_from(ip).send(&t).await;
        assert_eq!(lost.location(), Some("/sign-in?again=1&next=/"));
        let page = req("GET", "/sign-in/code")
            .sent_from(ip)
            .header("cookie", &format!("__Host-homeward_challenge={challenge}"))
            .send(&t)
            .await;
        assert_eq!(page.status, 200);
        assert!(
            page.body
                .contains("Enter the code from your authenticator app")
        );
        let wrong = code_step(&t, &csrf, &challenge, "123 45", ip).await;
        assert_eq!(wrong.status, 422);
        assert!(
            wrong
                .body
                .contains("Enter the 6-digit code from your authenticator app")
        );
        let code = authenticator_code(&t, email).await;
        let not_it = if code == "000000" { "111111" } else { "000000" };
        let wrong = code_step(&t, &csrf, &challenge, not_it, ip).await;
        assert_eq!(wrong.status, 422);
        assert!(
            wrong.body.contains("You can try 4 more times"),
            "{}",
            wrong.body
        );
        // The right code, typed as the app shows it, remembering this browser.
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        let signed = req("POST", "/sign-in/code")
            .sent_from(ip)
            .header(
                "cookie",
                &format!("__Host-homeward_csrf={csrf}; __Host-homeward_challenge={challenge}"),
            )
            .form(&format!(
                "csrf_token={csrf}&code={}&remember=yes&next=%2Fpeople",
                spaced.replace(' ', "+")
            ))
            .send(&t)
            .await;
        assert_eq!(signed.status, 303, "{}", signed.body);
        assert_eq!(signed.location(), Some("/people"));
        assert!(signed.cookie("__Host-homeward_session").is_some());
        let remembered = signed.cookie("__Host-homeward_remember").unwrap();
        let raw: Vec<String> = signed
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let remember_cookie = raw
            .iter()
            .find(|c| c.starts_with("__Host-homeward_remember="))
            .unwrap();
        assert!(
            remember_cookie.contains("Max-Age=2592000"),
            "{remember_cookie}"
        );
        // The challenge is spent: the same code again, on a new sign-in, is refused.
        let (again, csrf2) = password_step(&t, email, PASSWORD, ip).await;
        let challenge2 = again.cookie("__Host-homeward_challenge").unwrap();
        let replayed = code_step(&t, &csrf2, &challenge2, &code, ip).await;
        assert_eq!(replayed.status, 422, "a code works once");
        // Five wrong codes end the attempt.
        for _ in 0..4 {
            code_step(&t, &csrf2, &challenge2, not_it, ip).await;
        }
        let ended = code_step(
            &t,
            &csrf2,
            &challenge2,
            &authenticator_code(&t, email).await,
            ip,
        )
        .await;
        assert_eq!(ended.status, 303);
        assert!(ended.location().unwrap().starts_with("/sign-in?again=1"));
        // The remembered browser goes straight in.
        let page = req("GET", "/sign-in").sent_from(ip).send(&t).await;
        let csrf3 = page.cookie("__Host-homeward_csrf").unwrap();
        let straight = req("POST", "/sign-in")
            .sent_from(ip)
            .header(
                "cookie",
                &format!("__Host-homeward_csrf={csrf3}; __Host-homeward_remember={remembered}"),
            )
            .form(&format!(
                "csrf_token={csrf3}&email=manager%40cartrefi-ffug.example&password={}&next=%2Fpeople",
                PASSWORD.replace(' ', "+")
            ))
            .send(&t)
            .await;
        assert_eq!(straight.location(), Some("/people"));
        assert!(straight.cookie("__Host-homeward_session").is_some());
        // …for 30 days.
        t.clock.advance(SignedDuration::from_hours(24 * 30));
        let (later, _) = password_step(&t, email, PASSWORD, ip).await;
        assert!(later.location().unwrap().starts_with("/sign-in/code"));
        let trail = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        let wrong_codes = trail
            .iter()
            .filter(|r| {
                r.event.action == "session.second_factor" && r.event.outcome == Outcome::Failed
            })
            .count();
        // One on the first sign-in; the replayed code and four more on the second.
        assert_eq!(wrong_codes, 1 + 1 + 4, "{}", t.engine);
    }
}

/// Someone whose role needs a second factor and who has none sets one up at sign-in, keeps
/// recovery codes (each works once), and an administrator can reset it when a phone is lost.
#[tokio::test]
async fn a_second_factor_is_set_up_at_sign_in_and_reset_by_an_administrator() {
    for t in engines().await {
        let demo = seed(&t).await;
        let admin = session_for(&t, demo.own(Role::OrgAdmin)).await;
        let email = "new-lead@cartrefi-ffug.example";
        let made = req("POST", "/admin/users")
            .session(&admin)
            .form(&format!(
                "csrf_token={}&display_name=Nia+Newydd&email={}&password={}&roles=safeguarding_lead",
                admin.csrf,
                email.replace('@', "%40"),
                PASSWORD.replace(' ', "+")
            ))
            .send(&t)
            .await;
        assert_eq!(made.status, 303, "{}", made.body);
        let ip = "10.5.5.5";
        let (reply, csrf) = password_step(&t, email, PASSWORD, ip).await;
        assert!(
            reply.location().unwrap().starts_with("/sign-in/set-up"),
            "{:?}",
            reply.location()
        );
        let challenge = reply.cookie("__Host-homeward_challenge").unwrap();
        let cookies = format!("__Host-homeward_csrf={csrf}; __Host-homeward_challenge={challenge}");
        let page = req("GET", "/sign-in/set-up")
            .sent_from(ip)
            .header("cookie", &cookies)
            .send(&t)
            .await;
        assert_eq!(page.status, 200);
        assert!(
            page.body
                .contains("otpauth://totp/Homeward:new-lead@cartrefi-ffug.example?secret=")
        );
        let secret_text = page
            .body
            .split("id=\"secret\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string();
        let secret = homeward_domain::totp::secret_from_text(&secret_text).unwrap();
        let set_up = |code: String| {
            let (t, cookies, csrf) = (&t, cookies.clone(), csrf.clone());
            async move {
                req("POST", "/sign-in/set-up")
                    .sent_from(ip)
                    .header("cookie", &cookies)
                    .form(&format!("csrf_token={csrf}&code={code}&next=%2F"))
                    .send(t)
                    .await
            }
        };
        let code = code_after(&t, &secret, None);
        let not_it = if code == "000000" { "111111" } else { "000000" };
        let wrong = set_up(not_it.into()).await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains("That code is not right"));
        assert!(wrong.body.contains(&secret_text), "the same key again");
        let done = set_up(code).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.body.contains("Keep your recovery codes"));
        assert!(
            done.cookie("__Host-homeward_session").is_some(),
            "signed in"
        );
        let recovery: Vec<String> = done
            .body
            .split("<li><code>")
            .skip(1)
            .map(|c| c.split('<').next().unwrap().to_string())
            .collect();
        assert_eq!(recovery.len(), 10);
        // Next time: a recovery code instead of the app; once only.
        let (next, csrf) = password_step(&t, email, PASSWORD, ip).await;
        assert!(next.location().unwrap().starts_with("/sign-in/code"));
        let challenge = next.cookie("__Host-homeward_challenge").unwrap();
        let with_recovery = |code: String, challenge: String| {
            let (t, csrf) = (&t, csrf.clone());
            async move {
                req("POST", "/sign-in/code")
                    .sent_from(ip)
                    .header(
                        "cookie",
                        &format!(
                            "__Host-homeward_csrf={csrf}; __Host-homeward_challenge={challenge}"
                        ),
                    )
                    .form(&format!(
                        "csrf_token={csrf}&code={code}&recovery=yes&next=%2F"
                    ))
                    .send(t)
                    .await
            }
        };
        let used = with_recovery(recovery[3].to_uppercase(), challenge.clone()).await;
        assert_eq!(used.status, 303, "{}", used.body);
        let (again, _) = password_step(&t, email, PASSWORD, ip).await;
        let challenge = again.cookie("__Host-homeward_challenge").unwrap();
        let reused = with_recovery(recovery[3].clone(), challenge).await;
        assert_eq!(reused.status, 422);
        assert!(
            reused
                .body
                .contains("That recovery code is not right or has been used")
        );
        // The phone is lost: an administrator resets it; the session ends and set-up comes
        // again at the next sign-in.
        let session = Session {
            token: used.cookie("__Host-homeward_session").unwrap(),
            csrf: String::new(),
        };
        assert_eq!(req("GET", "/").session(&session).send(&t).await.status, 200);
        let user = t
            .app
            .store
            .find_credentials(email)
            .await
            .unwrap()
            .unwrap()
            .user;
        let shown = req("GET", &format!("/admin/users/{}", user.id))
            .session(&admin)
            .send(&t)
            .await;
        assert!(
            shown.body.contains("Set up (9 recovery codes left)"),
            "{}",
            shown.body
        );
        let reset = req(
            "POST",
            &format!("/admin/users/{}/second-factor/reset", user.id),
        )
        .session(&admin)
        .form(&format!("csrf_token={}", admin.csrf))
        .send(&t)
        .await;
        assert_eq!(reset.status, 303);
        assert_eq!(
            req("GET", "/").session(&session).send(&t).await.status,
            303,
            "signed out"
        );
        let (fresh, _) = password_step(&t, email, PASSWORD, ip).await;
        assert!(fresh.location().unwrap().starts_with("/sign-in/set-up"));
        let trail = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        for action in [
            "second_factor.enrol",
            "second_factor.recovery_code",
            "second_factor.remove",
        ] {
            assert!(trail.iter().any(|r| r.event.action == action), "{action}");
        }
    }
}

/// Pages are compressed for a client that accepts it, and each carries its CSRF token masked
/// afresh, so the compressed size says nothing about the token; the masked token works.
#[tokio::test]
async fn pages_are_compressed_and_their_csrf_token_is_masked_each_time() {
    use std::io::Read as _;
    let t = sqlite().await;
    let demo = seed(&t).await;
    let s = session_for(&t, demo.own(Role::OrgAdmin)).await;
    let page = req("GET", "/admin/settings")
        .session(&s)
        .header("accept-encoding", "gzip")
        .send(&t)
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-encoding"), Some("gzip"));
    let mut html = String::new();
    flate2::read::GzDecoder::new(&page.bytes[..])
        .read_to_string(&mut html)
        .unwrap();
    assert!(html.contains("<html lang=\"en-GB\">"));
    let plain = req("GET", "/admin/settings").session(&s).send(&t).await;
    assert_eq!(
        plain.header("content-encoding"),
        None,
        "only when asked for"
    );

    let token_in = |html: &str| {
        let at = html.find("name=\"csrf_token\" value=\"").unwrap() + 25;
        html[at..].split('"').next().unwrap().to_string()
    };
    let (first, second) = (token_in(&html), token_in(&plain.body));
    assert_ne!(first, second, "masked afresh on every page");
    assert!(
        !html.contains(&s.csrf),
        "the token itself is never on the page"
    );
    let saved = req("POST", "/admin/settings")
        .session(&s)
        .form(&format!(
            "csrf_token={first}&photo_age_child_months=3&photo_age_adult_months=12&_version=0"
        ))
        .send(&t)
        .await;
    assert_eq!(
        saved.status, 303,
        "the masked token is accepted: {}",
        saved.body
    );
    let forged = req("POST", "/admin/settings")
        .session(&s)
        .form("csrf_token=m0011&photo_age_child_months=3&photo_age_adult_months=12&_version=1")
        .send(&t)
        .await;
    assert_eq!(forged.status, 400);
}

/// Every response names its request; an error page shows the name; `/metrics` counts each
/// route by its pattern (no ids), the paging pass and the outbox, and answers this machine
/// only.
#[tokio::test]
async fn requests_are_named_counted_and_measured_for_this_machine_only() {
    for t in engines().await {
        let demo = seed(&t).await;
        let s = session_for(&t, demo.own(Role::Manager)).await;
        let person = people_of(&t, demo.own(Role::Manager).org_id).await[0].id;
        let page = req("GET", &format!("/people/{person}"))
            .session(&s)
            .send(&t)
            .await;
        let id = page.header("x-request-id").unwrap().to_string();
        assert_eq!(id.len(), 16);
        let again = req("GET", "/").session(&s).send(&t).await;
        assert_ne!(
            again.header("x-request-id").unwrap(),
            id,
            "each request its own"
        );
        let missing = req("GET", "/people/not-a-person")
            .session(&s)
            .send(&t)
            .await;
        assert_eq!(missing.status, 404);
        let reference = missing.header("x-request-id").unwrap();
        assert!(
            missing
                .body
                .contains(&format!("give them this reference: {reference}")),
            "{}",
            missing.body
        );

        t.app.metrics.observe_pass(0.02, false);
        let metrics = req("GET", "/metrics").sent_from("127.0.0.1").send(&t).await;
        assert_eq!(metrics.status, 200, "[{}] {}", t.engine, metrics.body);
        let text = &metrics.body;
        assert!(
            text.contains(r#"homeward_http_request_duration_seconds_count{method="GET",route="/people/{id}",status="2xx"} 1"#),
            "{text}"
        );
        assert!(text.contains(r#"route="/people/{id}",status="4xx"} 1"#));
        assert!(
            !text.contains(&person.to_string()),
            "ids never become labels"
        );
        assert!(text.contains("homeward_paging_pass_duration_seconds_count 1"));
        assert!(text.contains("homeward_outbox_waiting "));
        assert!(text.contains("homeward_outbox_dead_letters "));
        assert!(text.trim_end().ends_with("# EOF"));

        let elsewhere = req("GET", "/metrics")
            .sent_from("203.0.113.9")
            .send(&t)
            .await;
        assert_eq!(elsewhere.status, 404);
        let proxied = req("GET", "/metrics")
            .sent_from("127.0.0.1")
            .header("x-forwarded-for", "203.0.113.9")
            .send(&t)
            .await;
        assert_eq!(
            proxied.status, 404,
            "a proxy on this machine does not make the world local"
        );
    }
}
