//! Every route × every role × own and other organisation, allowed and denied.
//!
//! The expected access below is written out by hand, independently of the policy code. A route
//! added to the table without a row here fails `every_route_has_a_row`.

use crate::support::*;
use homeward_domain::role::Role;
use homeward_web::routes::{Access, Kind, table};

#[derive(Clone, Copy, Debug)]
enum Expect {
    Public,
    AnySignedIn,
    Only(&'static [Role]),
}

use Role::*;
const CARE: &[Role] = &[CareWorker, ShiftLead, Manager, SafeguardingLead, Auditor];
const USER_VIEWERS: &[Role] = &[OrgAdmin, Manager, Auditor];
const ADMINS: &[Role] = &[OrgAdmin];
const EDITORS: &[Role] = &[CareWorker, ShiftLead, Manager, SafeguardingLead];
const PLAN_AGREERS: &[Role] = &[Manager, SafeguardingLead];
const AUDIT_READERS: &[Role] = &[OrgAdmin, Auditor, SafeguardingLead];
const PATTERN_READERS: &[Role] = &[ShiftLead, Manager, SafeguardingLead, Auditor];
const SETTINGS_READERS: &[Role] = &[OrgAdmin, Manager, SafeguardingLead, Auditor];
const MAIL_FIXERS: &[Role] = &[Manager, SafeguardingLead, OrgAdmin];
const DISCLOSURE_READERS: &[Role] = &[Manager, SafeguardingLead, Auditor];
const PARTNERS: &[Role] = &[Police, SocialWorker, ReturnInterviewWorker];
const INSPECTORS: &[Role] = &[Inspector];
const POLICY_READERS: &[Role] = &[
    CareWorker,
    ShiftLead,
    Manager,
    SafeguardingLead,
    OrgAdmin,
    Auditor,
];
const POLICY_KEEPERS: &[Role] = &[OrgAdmin, Manager, SafeguardingLead];
const TOKEN_OWNERS: &[Role] = &[
    CareWorker,
    ShiftLead,
    Manager,
    SafeguardingLead,
    OrgAdmin,
    Auditor,
    Police,
    SocialWorker,
    ReturnInterviewWorker,
];

fn expectation(method: &str, path: &str) -> Option<Expect> {
    use Expect::*;
    Some(match (method, path) {
        ("GET", "/healthz") | ("GET", "/readyz") | ("GET", "/assets/{name}") => Public,
        ("GET", "/sign-in") | ("POST", "/sign-in") | ("GET", "/language") => Public,
        ("GET", "/sign-in/code")
        | ("POST", "/sign-in/code")
        | ("GET", "/sign-in/set-up")
        | ("POST", "/sign-in/set-up") => Public,
        ("GET", "/api/v1/openapi.json") => Public,
        // Answered only to this machine (every request here comes from 127.0.0.1).
        ("GET", "/metrics") => Public,
        ("POST", "/sign-out") | ("GET", "/") | ("GET", "/api/v1/me") => AnySignedIn,
        ("GET", "/sign-in/confirm") | ("POST", "/sign-in/confirm") => AnySignedIn,
        ("GET", "/people") | ("GET", "/api/v1/people") => Only(CARE),
        ("GET", "/admin/users") | ("GET", "/api/v1/users") => Only(USER_VIEWERS),
        ("GET", "/admin/users/{id}") | ("GET", "/api/v1/users/{id}") => Only(USER_VIEWERS),
        ("POST", "/admin/users") | ("GET", "/admin/users/new") | ("POST", "/api/v1/users") => {
            Only(ADMINS)
        }
        ("POST", "/admin/users/{id}/roles") | ("PUT", "/api/v1/users/{id}/roles") => Only(ADMINS),
        ("POST", "/admin/users/{id}/deactivate") | ("POST", "/api/v1/users/{id}/deactivate") => {
            Only(ADMINS)
        }
        ("POST", "/admin/users/{id}/details") | ("PUT", "/api/v1/users/{id}") => Only(ADMINS),
        ("POST", "/admin/users/{id}/second-factor/reset") => Only(ADMINS),
        ("GET", "/audit") | ("GET", "/audit.csv") | ("GET", "/api/v1/audit") => Only(AUDIT_READERS),
        ("POST", "/admin/users/{id}/tokens/{token}/revoke")
        | ("POST", "/api/v1/users/{id}/tokens/{token}/revoke") => Only(ADMINS),
        ("GET", "/api/v1/users/{id}/tokens") => Only(USER_VIEWERS),
        ("GET", "/account/tokens")
        | ("POST", "/account/tokens")
        | ("POST", "/account/tokens/{token}/revoke")
        | ("GET", "/api/v1/me/tokens")
        | ("POST", "/api/v1/me/tokens")
        | ("POST", "/api/v1/me/tokens/{token}/revoke") => Only(TOKEN_OWNERS),
        ("GET", "/disclosures") | ("GET", "/disclosures.csv") => Only(DISCLOSURE_READERS),
        ("GET", "/people/{id}/disclosures") => Only(CARE),
        ("GET", "/people/{id}/access") | ("GET", "/api/v1/people/{id}/access") => {
            Only(DISCLOSURE_READERS)
        }
        ("GET", "/api/v1/shared") => Only(PARTNERS),
        ("GET", "/people/{id}/placing-authority") | ("POST", "/people/{id}/placing-authority") => {
            Only(PLAN_AGREERS)
        }
        ("POST", "/people/{id}/access") | ("POST", "/people/{id}/access/{grant}/revoke") => {
            Only(PLAN_AGREERS)
        }
        ("GET", "/shared") | ("GET", "/shared/{grant}") => Only(PARTNERS),
        ("GET", "/shared/{grant}/police-pack.pdf") => Only(PARTNERS),
        ("GET", "/emergency-access") | ("POST", "/emergency-access") => Only(&[Police]),
        ("GET", "/people/{id}/pack-link") | ("POST", "/people/{id}/pack-link") => Only(EDITORS),
        ("GET", "/pack/{token}") | ("POST", "/pack/{token}") => Public,
        ("GET", "/access/emergency") => Only(DISCLOSURE_READERS),
        ("POST", "/access/emergency/{grant}/review") => Only(PLAN_AGREERS),
        ("GET", "/access/inspections") | ("GET", "/access/inspections/{inspection}") => {
            Only(DISCLOSURE_READERS)
        }
        ("POST", "/access/inspections") | ("POST", "/access/inspections/{inspection}/end") => {
            Only(PLAN_AGREERS)
        }
        ("GET", "/inspections")
        | ("POST", "/inspections/{inspection}/open")
        | ("POST", "/inspections/leave") => Only(INSPECTORS),
        ("GET", "/shared/{grant}/add/{kind}") | ("POST", "/shared/{grant}/add/{kind}") => {
            Only(PARTNERS)
        }
        ("GET", "/people/{id}/disclosures/new") | ("POST", "/people/{id}/disclosures") => {
            Only(EDITORS)
        }
        ("GET", "/patterns") | ("GET", "/patterns/episodes") => Only(PATTERN_READERS),
        ("GET", "/api/v1/patterns") | ("GET", "/api/v1/patterns/episodes") => Only(PATTERN_READERS),
        ("GET", "/patterns/report.pdf")
        | ("GET", "/patterns/report.csv")
        | ("GET", "/patterns/inspection.pdf")
        | ("GET", "/patterns/summary")
        | ("GET", "/patterns/summary.pdf")
        | ("GET", "/patterns/reports")
        | ("POST", "/patterns/reports") => Only(PATTERN_READERS),
        // Naming people to partners is a disclosure: those who lead only.
        ("POST", "/patterns/summary.pdf") => Only(PLAN_AGREERS),
        ("GET", "/admin/settings") | ("GET", "/api/v1/settings") => Only(SETTINGS_READERS),
        ("POST", "/admin/settings") | ("PUT", "/api/v1/settings") => Only(ADMINS),
        ("POST", "/admin/settings/duties") | ("PUT", "/api/v1/settings/duties") => Only(ADMINS),
        ("GET", "/people/due") | ("GET", "/people/{id}") | ("GET", "/people/{id}/history") => {
            Only(CARE)
        }
        ("GET", "/people/{id}/{doc}/versions/{n}") => Only(CARE),
        ("POST", "/people") | ("GET", "/people/new") => Only(EDITORS),
        ("GET", "/people/{id}/{doc}/{section}") | ("POST", "/people/{id}/{doc}/{section}") => {
            Only(EDITORS)
        }
        ("POST", "/people/{id}/missing-plan/agree") => Only(PLAN_AGREERS),
        ("GET", "/people/{id}/photos") | ("GET", "/people/{id}/photos/{photo}") => Only(CARE),
        ("GET", "/people/{id}/police-pack") => Only(CARE),
        ("POST", "/people/{id}/photos") | ("POST", "/people/{id}/photos/{photo}/current") => {
            Only(EDITORS)
        }
        ("POST", "/api/v1/people") | ("PUT", "/api/v1/people/{id}") => Only(EDITORS),
        ("GET", "/api/v1/people/due") | ("GET", "/api/v1/people/{id}") => Only(CARE),
        ("GET", "/api/v1/people/{id}/versions") => Only(CARE),
        ("GET", "/api/v1/people/{id}/versions/{document}/{version}") => Only(CARE),
        ("GET", "/api/v1/people/{id}/risk-assessments") => Only(CARE),
        ("GET", "/api/v1/people/{id}/missing-plans") => Only(CARE),
        ("POST", "/api/v1/people/{id}/risk-assessments") => Only(EDITORS),
        ("POST", "/api/v1/people/{id}/missing-plans") => Only(EDITORS),
        ("POST", "/api/v1/people/{id}/missing-plans/{version}/agree") => Only(PLAN_AGREERS),
        ("GET", "/api/v1/people/{id}/photos") => Only(CARE),
        ("GET", "/api/v1/people/{id}/photos/{photo}") => Only(CARE),
        ("GET", "/api/v1/people/{id}/police-pack") => Only(CARE),
        ("POST", "/api/v1/people/{id}/photos") => Only(EDITORS),
        ("POST", "/api/v1/people/{id}/photos/{photo}/current") => Only(EDITORS),
        ("GET", "/episodes") | ("GET", "/episodes/{id}") => Only(CARE),
        ("GET", "/episodes/{id}/chronology.pdf") | ("GET", "/episodes/{id}/police-pack") => {
            Only(CARE)
        }
        ("GET", "/people/{id}/episodes/new") | ("POST", "/people/{id}/episodes") => Only(EDITORS),
        ("GET", "/episodes/{id}/add/{kind}") | ("POST", "/episodes/{id}/add/{kind}") => {
            Only(EDITORS)
        }
        ("GET", "/api/v1/episodes") | ("GET", "/api/v1/episodes/{id}") => Only(CARE),
        ("GET", "/api/v1/episodes/{id}/events") => Only(CARE),
        ("GET", "/api/v1/episodes/{id}/chronology.pdf") => Only(CARE),
        ("GET", "/api/v1/episodes/{id}/duties") => Only(CARE),
        ("GET", "/api/v1/services/{id}/on-call") | ("GET", "/services/{id}/on-call") => Only(CARE),
        ("POST", "/services/{id}/on-call") => Only(PLAN_AGREERS),
        ("PUT", "/api/v1/services/{id}/on-call") => Only(PLAN_AGREERS),
        ("GET", "/api/v1/board/stream") => Only(CARE),
        ("GET", "/episodes/all") => Only(CARE),
        ("GET", "/api/v1/services") => AnySignedIn,
        ("GET", "/mail/undelivered") | ("GET", "/api/v1/mail/undelivered") => Only(MAIL_FIXERS),
        ("POST", "/mail/undelivered/{id}/resend") => Only(MAIL_FIXERS),
        ("POST", "/api/v1/mail/undelivered/{id}/resend") => Only(MAIL_FIXERS),
        ("POST", "/api/v1/episodes") | ("POST", "/api/v1/episodes/{id}/events") => Only(EDITORS),
        ("GET", "/policies")
        | ("GET", "/policies/logo")
        | ("GET", "/policies/{id}")
        | ("GET", "/policies/{id}/draft.pdf")
        | ("GET", "/policies/{id}/versions/{n}")
        | ("GET", "/policies/{id}/versions/{n}/policy.pdf")
        | ("GET", "/api/v1/policies")
        | ("GET", "/api/v1/policies/{id}")
        | ("GET", "/api/v1/policies/{id}/published/{version}") => Only(POLICY_READERS),
        ("POST", "/policies")
        | ("POST", "/policies/logo")
        | ("POST", "/policies/{id}/details")
        | ("POST", "/api/v1/policies")
        | ("PUT", "/api/v1/policies/{id}/details")
        | ("GET", "/api/v1/policies/{id}/signatures") => Only(POLICY_KEEPERS),
        ("POST", "/policies/{id}/publish") | ("POST", "/api/v1/policies/{id}/publish") => {
            Only(PLAN_AGREERS)
        }
        ("POST", "/policies/{id}/versions/{n}/sign")
        | ("POST", "/api/v1/policies/{id}/published/{version}/sign") => Only(EDITORS),
        _ => return None,
    })
}

#[test]
fn every_route_has_a_row() {
    let missing: Vec<String> = table()
        .iter()
        .filter(|r| expectation(r.spec.method, r.spec.path).is_none())
        .map(|r| format!("{} {}", r.spec.method, r.spec.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix: {missing:?}"
    );
}

#[test]
fn the_expectations_agree_with_the_declared_access() {
    for route in table() {
        let expect = expectation(route.spec.method, route.spec.path).unwrap();
        let public = matches!(expect, Expect::Public);
        assert_eq!(
            public,
            route.spec.access == Access::Public,
            "{} {}",
            route.spec.method,
            route.spec.path
        );
    }
}

/// A body that gets past parsing for each unsafe route (the content may still be invalid).
fn body_for(method: &str, path: &str, csrf: &str) -> Option<(bool, String)> {
    match (method, path) {
        ("POST", p) if !p.starts_with("/api/") => {
            Some((false, format!("csrf_token={csrf}&roles=care_worker")))
        }
        ("POST", "/api/v1/users") => Some((
            true,
            r#"{"display_name":"","email":"","password":"","roles":[]}"#.into(),
        )),
        ("POST", "/api/v1/people") => Some((true, r#"{"service_id":"","profile":{}}"#.into())),
        ("PUT" | "POST", p)
            if p.starts_with("/api/v1/people/")
                && (method == "PUT"
                    || p.ends_with("/risk-assessments")
                    || p.ends_with("/missing-plans")) =>
        {
            Some((true, r#"{"based_on":0,"sections":{}}"#.into()))
        }
        ("PUT", "/api/v1/settings/duties") => Some((
            true,
            r#"{"based_on":0,"immediately_minutes":15,"promptly_minutes":60,"report_after_minutes":60,"plan_review_days":7,"return_discussion_days":7,"wales_interview_from_episode":3}"#.into(),
        )),
        ("POST", "/api/v1/policies") => Some((true, r#"{"kind":"castle"}"#.into())),
        ("PUT", p) if p.starts_with("/api/v1/policies/") && p.ends_with("/details") => Some((
            true,
            r#"{"based_on":0,"local_authority":"","local_protocol":"","emergency_duty_team":"","police_force":"","review_months":0}"#.into(),
        )),
        ("POST", p) if p.ends_with("/publish") => {
            Some((true, r#"{"material":true,"change_note":""}"#.into()))
        }
        ("PUT", "/api/v1/settings") => Some((
            true,
            r#"{"based_on":0,"photo_age_child_months":0,"photo_age_adult_months":0}"#.into(),
        )),
        ("POST", p) if p.ends_with("/events") => Some((
            true,
            r#"{"event":{"kind":"note","text":"Rang her phone again"}}"#.into(),
        )),
        ("PUT", p) if p.ends_with("/on-call") => Some((
            true,
            r#"{"based_on":0,"shifts":[],"default_user_id":null,"escalate_after_minutes":15}"#
                .into(),
        )),
        ("POST", p) if p.ends_with("/resend") => {
            Some((true, r#"{"address":"right@example.org"}"#.into()))
        }
        ("PUT", p) if p.starts_with("/api/v1/users/") && !p.ends_with("/roles") => {
            Some((true, r#"{"display_name":"","email":""}"#.into()))
        }
        ("PUT", _) => Some((true, r#"{"roles":[{"role":"care_worker"}]}"#.into())),
        ("POST", _) => Some((true, String::new())),
        _ => None,
    }
}

/// A real address for a route: `{id}` is a person on people routes, an episode on episode
/// routes and a user elsewhere.
fn concrete(
    path: &str,
    user: &str,
    person: &(String, String, String, String, String, String),
    grant: &str,
    inspection: &str,
) -> String {
    let (person, photo, episode, service, mail, policy) = person;
    let asset = homeward_web::assets::css_url();
    let asset_name = asset.trim_start_matches("/assets/");
    let id = if path.contains("/people/") {
        person
    } else if path.contains("/episodes/") {
        episode
    } else if path.contains("/services/") {
        service
    } else if path.contains("/mail/") {
        mail
    } else if path.contains("/policies/") {
        policy
    } else {
        user
    };
    path.replace("{id}", id)
        .replace("{name}", asset_name)
        .replace("{doc}", "profile")
        .replace("{section}", "about")
        .replace("{n}", "1")
        .replace("{document}", "profile")
        .replace("{version}", "1")
        .replace("{photo}", photo)
        .replace("{kind}", "note")
        .replace("{grant}", grant)
        .replace("{inspection}", inspection)
        .replace("{token}", "no-such-link")
}

async fn call(t: &TestApp, method: &str, path: &str, session: Option<&Session>) -> Reply {
    let mut r = req(method, path).sent_from("127.0.0.1");
    let csrf = session
        .map(|s| s.csrf.clone())
        .unwrap_or_else(|| "anon-token".into());
    if let Some(s) = session {
        r = r.session(s);
    } else {
        r = r.header("cookie", "__Host-homeward_csrf=anon-token");
    }
    match body_for(method, path, &csrf) {
        Some((true, body)) => {
            r = r.json(&body);
            if session.is_some() {
                r = r.header("x-csrf-token", &csrf);
            }
        }
        Some((false, body)) => r = r.form(&body),
        None => {}
    }
    r.send(t).await
}

fn refused_as_anonymous(kind: Kind, reply: &Reply) -> bool {
    match kind {
        Kind::Api => reply.status == 401,
        Kind::Html => {
            reply.status == 303 && reply.location().is_some_and(|l| l.starts_with("/sign-in"))
        }
    }
}

fn got_through(reply: &Reply) -> bool {
    ![401, 403, 404].contains(&reply.status)
        && !reply
            .location()
            .is_some_and(|l| l.starts_with("/sign-in?next"))
}

async fn run_matrix(t: &TestApp) {
    let demo = seed(t).await;
    // The target of routes with an {id}: a user who is never an actor here (deactivating an
    // actor would end the sessions the rest of the matrix uses), in this organisation or another.
    let target = |_: (), email: &str| homeward_app::users::NewUserInput {
        display_name: "Target User".into(),
        email: email.into(),
        password: "kettle orbit lantern".into(),
        roles: vec![("care_worker".into(), None)],
    };
    let own_target = t
        .app
        .add_user_as_system(
            demo.own(CareWorker).org_id,
            target((), "target@cartrefi-ffug.example"),
        )
        .await
        .unwrap()
        .to_string();
    let other_target = t
        .app
        .add_user_as_system(
            demo.other(CareWorker).org_id,
            target((), "target@sample-shire.example"),
        )
        .await
        .unwrap()
        .to_string();
    // A person in the first home, which the scoped care worker also works in, with a photo.
    let person_in = |org| async move {
        let people = t
            .app
            .store
            .list_people(org, None, &test_event(org))
            .await
            .unwrap();
        let person = people
            .into_iter()
            .find(|p| p.given_name == "Ffion" || p.given_name == "Teddy")
            .unwrap();
        let photo = homeward_store::PhotoMeta {
            id: homeward_domain::ids::PhotoId::new_random(),
            person_id: person.id,
            taken_on: jiff::civil::date(2026, 11, 1),
            width: 1,
            height: 1,
            uploaded_by_label: "test".into(),
            uploaded_at: start_time(),
        };
        t.app
            .store
            .add_photo(org, &photo, b"jpeg", &test_event(org))
            .await
            .unwrap();
        // And missing now: the episode routes' record.
        let episode = open_episode_for(t, &person).await;
        // And an email about it that could not be delivered.
        let mail = dead_letter(t, org, episode).await;
        // And the missing policy for its kind of service, published, with a logo.
        let policy = published_policy(t, org, person.service_id).await;
        (
            person.id.to_string(),
            photo.id.to_string(),
            episode.to_string(),
            person.service_id.to_string(),
            mail.to_string(),
            policy.to_string(),
        )
    };
    let own_person = person_in(demo.own(CareWorker).org_id).await;
    let other_person = person_in(demo.other(CareWorker).org_id).await;
    // Something the other organisation shares with each partner, for the partners' routes.
    let mut grants = std::collections::HashMap::new();
    for role in PARTNERS {
        let grant = share(
            t,
            demo.other(CareWorker).org_id,
            demo.own(*role).org_id,
            &other_person.0,
        )
        .await;
        grants.insert(*role, grant);
    }
    let grant = grants[&Police].clone();
    // An inspection the other organisation opened to the inspectors (theirs to read), and
    // one this organisation opened (its managers' to list and end).
    let inbound = inspect(t, demo.other(CareWorker).org_id, demo.own(Inspector).org_id).await;
    let outbound = inspect(t, demo.own(CareWorker).org_id, demo.own(Inspector).org_id).await;
    let mut checked = 0;
    // Allowed and refused, for the closing note's count.
    let (mut allow, mut deny) = (0, 0);
    for route in table() {
        let spec = route.spec;
        let expect = expectation(spec.method, spec.path).unwrap();
        let inspection = if spec.path.starts_with("/access/") {
            &outbound
        } else {
            &inbound
        };
        let own_path = concrete(spec.path, &own_target, &own_person, &grant, inspection);
        let context = format!("[{}] {} {}", t.engine, spec.method, spec.path);

        let anon = call(t, spec.method, &own_path, None).await;
        match expect {
            Expect::Public => assert!(got_through(&anon), "{context} anonymous: {}", anon.status),
            _ => assert!(
                refused_as_anonymous(spec.kind, &anon),
                "{context} anonymous got {}",
                anon.status
            ),
        }

        for role in Role::ALL {
            let allowed = match expect {
                Expect::Public | Expect::AnySignedIn => true,
                Expect::Only(roles) => roles.contains(&role),
            };
            let session = session_for(t, demo.own(role)).await;
            // A partner adds only their own kinds of entry to a shared chronology.
            let own_path = if spec.path.starts_with("/shared/") {
                let kind = match role {
                    SocialWorker => "referral",
                    ReturnInterviewWorker => "return_interview_held",
                    _ => "located",
                };
                let theirs = grants.get(&role).unwrap_or(&grant);
                concrete(spec.path, &own_target, &own_person, theirs, inspection)
                    .replace("/add/note", &format!("/add/{kind}"))
            } else if spec.path.contains("tokens/{token}") {
                // A live token to revoke: the target's on a user's page, else the actor's own.
                // (Written to the store: the target may have been deactivated by then.)
                let owner = if spec.path.contains("/users/{id}/") {
                    own_target.parse().unwrap()
                } else {
                    demo.own(role).id
                };
                let hash = format!("matrix-{}", uuid::Uuid::new_v4());
                let token = homeward_store::ApiToken {
                    token_hash: hash.clone(),
                    user_id: owner,
                    label: "matrix".into(),
                    created_at: start_time(),
                    expires_at: start_time()
                        .checked_add(jiff::SignedDuration::from_hours(24))
                        .unwrap(),
                };
                let org = demo.own(role).org_id;
                t.app
                    .store
                    .create_api_token(&token, &test_event(org))
                    .await
                    .unwrap();
                own_path.replace("no-such-link", &hash)
            } else {
                own_path.clone()
            };
            let reply = call(t, spec.method, &own_path, Some(&session)).await;
            if allowed {
                assert!(
                    got_through(&reply),
                    "{context} as {role:?} should be allowed, got {}: {}",
                    reply.status,
                    reply.body
                );
            } else {
                assert_eq!(reply.status, 403, "{context} as {role:?} should be refused");
            }
            if allowed {
                allow += 1;
            } else {
                deny += 1;
            }
            checked += 1;

            // The same request aimed at another organisation's record is never found.
            if spec.path.contains("{id}") {
                let other_path =
                    concrete(spec.path, &other_target, &other_person, &grant, inspection);
                let session = session_for(t, demo.own(role)).await;
                let reply = call(t, spec.method, &other_path, Some(&session)).await;
                let expected = if allowed { 404 } else { 403 };
                assert_eq!(
                    reply.status, expected,
                    "{context} as {role:?} on another organisation's record"
                );
                // Another organisation's record is refused either way.
                deny += 1;
                checked += 1;
            }
        }
    }
    eprintln!(
        "[{}] {} routes: {allow} allowed and {deny} refused as a signed-in role ({checked} in all), besides one anonymous request to each",
        t.engine,
        table().len()
    );
    assert!(checked > 200, "only {checked} checks ran");
}

/// The organisation's missing policy for a service's kind, with version 1 published and a
/// logo: written straight to the store.
async fn published_policy(
    t: &TestApp,
    org: homeward_domain::ids::OrgId,
    service: homeward_domain::ids::ServiceId,
) -> homeward_domain::ids::PolicyId {
    use homeward_store::policies::{Logo, Policy, PublishedPolicy};
    let kind = t
        .app
        .store
        .get_service(org, service)
        .await
        .unwrap()
        .unwrap()
        .kind;
    let policy = Policy {
        id: homeward_domain::ids::PolicyId::new_random(),
        org_id: org,
        kind,
        created_at: start_time(),
    };
    t.app
        .store
        .create_policy(&policy, &test_event(org))
        .await
        .unwrap();
    let approver = t
        .app
        .store
        .users_page(
            org,
            &homeward_store::UsersQuery {
                limit: 1,
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap()
        .remove(0)
        .user
        .id;
    let published = PublishedPolicy {
        policy_id: policy.id,
        version: 1,
        text_en: "1. Purpose\n\nWhy.\n\n".into(),
        text_cy: "1. Diben\n\nPam.\n\n".into(),
        content_hash: "0".repeat(64),
        material: true,
        change_note: String::new(),
        approved_by: approver,
        approved_by_label: "test".into(),
        approved_at: start_time(),
        review_by: jiff::civil::date(2027, 11, 1),
    };
    assert!(
        t.app
            .store
            .publish_policy(org, &published, &test_event(org))
            .await
            .unwrap()
    );
    if t.app.store.latest_logo(org).await.unwrap().is_none() {
        let logo = Logo {
            org_id: org,
            version: 1,
            png: homeward_app::missing_policies::process_logo(
                &homeward_app::photos::demo_portrait(1),
            )
            .unwrap()
            .0,
            width: 1,
            height: 1,
            uploaded_by_label: "test".into(),
            uploaded_at: start_time(),
        };
        t.app.store.add_logo(&logo, &test_event(org)).await.unwrap();
    }
    policy.id
}

/// A live grant from one organisation to another for a person: written straight to the store.
async fn share(
    t: &TestApp,
    from: homeward_domain::ids::OrgId,
    to: homeward_domain::ids::OrgId,
    person: &str,
) -> String {
    let person: homeward_domain::ids::PersonId =
        homeward_domain::ids::PersonId(person.parse().unwrap());
    let found = t.app.store.get_person(from, person).await.unwrap().unwrap();
    let now = start_time();
    let disclosure = homeward_store::DisclosureRecord {
        id: uuid::Uuid::new_v4(),
        org_id: from,
        service_id: found.service_id,
        person_id: person,
        shared: homeward_domain::episode::Occurred::in_london(now),
        recorded_at: now,
        decided_by: None,
        decided_by_label: "test".into(),
        kind: "grant".into(),
        disclosure: homeward_domain::disclosure::Disclosure {
            what: "Access".into(),
            recipient: "Partner".into(),
            purpose: "To find them".into(),
            lawful_basis: "vital_interests".into(),
            condition: "safeguarding".into(),
            consent: "not_asked".into(),
            ..Default::default()
        },
    };
    let grant = homeward_store::Grant {
        id: uuid::Uuid::new_v4(),
        org_id: from,
        partner_org_id: to,
        person_id: person,
        episode_id: None,
        purpose: "find".into(),
        reason: "To find them".into(),
        sections: vec!["police_pack".into(), "chronology".into()],
        granted_by: None,
        granted_by_label: "test".into(),
        granted_at: now,
        ends_at: now + jiff::SignedDuration::from_hours(24 * 365),
        disclosure_id: disclosure.id,
        ended: None,
    };
    t.app
        .store
        .give_access(&grant, &disclosure, &test_event(from))
        .await
        .unwrap();
    grant.id.to_string()
}

/// An inspection one organisation opens to another, live for a year: written to the store.
async fn inspect(
    t: &TestApp,
    from: homeward_domain::ids::OrgId,
    to: homeward_domain::ids::OrgId,
) -> String {
    let now = start_time();
    let inspection = homeward_store::Inspection {
        id: uuid::Uuid::new_v4(),
        org_id: from,
        inspectorate_id: to,
        service_id: None,
        reference: "Matrix".into(),
        granted_by: None,
        granted_by_label: "test".into(),
        granted_at: now,
        ends_at: now + jiff::SignedDuration::from_hours(24 * 365),
        ended: None,
    };
    t.app
        .store
        .open_inspection(&inspection, &test_event(from))
        .await
        .unwrap();
    inspection.id.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_for_every_role_on_every_engine() {
    for t in engines().await {
        run_matrix(&t).await;
    }
}

#[tokio::test]
async fn refusals_are_audited() {
    let t = sqlite().await;
    let demo = seed(&t).await;
    let session = session_for(&t, demo.own(CareWorker)).await;
    let before = audit_count(&t).await;
    let reply = req("GET", "/audit").session(&session).send(&t).await;
    assert_eq!(reply.status, 403);
    let records = t.app.store.audit_page(0, 1_000_000).await.unwrap();
    assert_eq!(records.len(), before + 1);
    let last = records.last().unwrap();
    assert_eq!(last.event.outcome, homeward_domain::audit::Outcome::Denied);
    assert_eq!(last.event.actor, Some(demo.own(CareWorker).id));
}
