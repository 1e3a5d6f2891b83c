//! Shared set-up: a fresh store per test on each engine, demo data, sessions, requests.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, header};
use homeward_app::App;
use homeward_app::secrets::{Keys, random_token, token_hash};
use homeward_domain::ids::EpisodeId;
use homeward_domain::role::Role;
use homeward_domain::time::ManualClock;
use homeward_store::{SessionRecord, Store, User};
use http_body_util::BodyExt;
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

pub const PASSWORD: &str = "a long demo passphrase";
pub const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

pub struct TestApp {
    pub engine: &'static str,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub router: Router,
    pub _dir: Option<tempfile::TempDir>,
    /// On PostgreSQL, the store itself: a second app server can open its own beside it.
    pub pg: Option<Arc<homeward_store_postgres::PgStore>>,
}

impl TestApp {
    /// A second app server on the same PostgreSQL database, with its own connections, board
    /// feed and router, sharing this one's clock.
    pub async fn second_server(&self) -> TestApp {
        let pg = self.pg.as_ref().expect("a second server needs PostgreSQL");
        let store = Arc::new(pg.another_server().await.unwrap());
        let mut second = build("postgres", store.clone(), None).await;
        second.clock = self.clock.clone();
        second.app.clock = self.clock.clone();
        second.router =
            homeward_web::router(second.app.clone(), homeward_web::WebConfig::default());
        second.pg = Some(store);
        second
    }
}

impl TestApp {
    /// Another app server on the same database, on either engine: its own connections and
    /// memory (on SQLite, as a second process on the same file would be), sharing the clock.
    pub async fn another_server(&self) -> TestApp {
        if self.pg.is_some() {
            return self.second_server().await;
        }
        let dir = self
            ._dir
            .as_ref()
            .expect("a SQLite test app has its folder");
        let url = format!("sqlite://{}", dir.path().join("web.db").display());
        let keys = Keys::from_hex(SECRET).unwrap();
        let store = homeward_store_sqlite::SqliteStore::open(&url, keys.audit_key().to_vec())
            .await
            .unwrap();
        let mut other = build("sqlite", Arc::new(store), None).await;
        other.clock = self.clock.clone();
        other.app.clock = self.clock.clone();
        other.router = homeward_web::router(other.app.clone(), homeward_web::WebConfig::default());
        other
    }
}

pub fn start_time() -> jiff::Timestamp {
    "2026-11-23T09:00:00Z".parse().unwrap()
}

async fn build(
    engine: &'static str,
    store: Arc<dyn Store>,
    dir: Option<tempfile::TempDir>,
) -> TestApp {
    let clock = Arc::new(ManualClock::new(start_time()));
    let app = App::new(store, clock.clone(), Keys::from_hex(SECRET).unwrap());
    app.board.connect(&app.store).await.unwrap();
    let router = homeward_web::router(app.clone(), homeward_web::WebConfig::default());
    TestApp {
        engine,
        app,
        clock,
        router,
        _dir: dir,
        pg: None,
    }
}

pub async fn sqlite() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let keys = Keys::from_hex(SECRET).unwrap();
    let store = homeward_store_sqlite::SqliteStore::open(&url, keys.audit_key().to_vec())
        .await
        .unwrap();
    build("sqlite", Arc::new(store), Some(dir)).await
}

pub async fn postgres() -> Option<TestApp> {
    let keys = Keys::from_hex(SECRET).unwrap();
    match homeward_store_postgres::PgStore::open_fresh_schema(keys.audit_key().to_vec())
        .await
        .unwrap()
    {
        Some(store) => {
            let store = Arc::new(store);
            let mut t = build("postgres", store.clone(), None).await;
            t.pg = Some(store);
            Some(t)
        }
        None => {
            assert!(
                std::env::var_os("HOMEWARD_REQUIRE_POSTGRES").is_none(),
                "HOMEWARD_REQUIRE_POSTGRES is set but no PostgreSQL server is configured (PGHOST)"
            );
            None
        }
    }
}

/// One fresh application per engine available: the same test runs on each.
pub async fn engines() -> Vec<TestApp> {
    let mut all = vec![sqlite().await];
    all.extend(postgres().await);
    all
}

/// Demo data, and the users of the first two organisations by role: (own, other).
pub struct Demo {
    pub own: Vec<(Role, User)>,
    pub other: Vec<(Role, User)>,
}

impl Demo {
    pub fn own(&self, role: Role) -> &User {
        &self.own.iter().find(|(r, _)| *r == role).unwrap().1
    }
    pub fn other(&self, role: Role) -> &User {
        &self.other.iter().find(|(r, _)| *r == role).unwrap().1
    }
}

pub async fn seed(t: &TestApp) -> Demo {
    let accounts = t.app.seed_demo(PASSWORD).await.unwrap();
    let mut own = Vec::new();
    let mut other = Vec::new();
    for a in accounts {
        let user = t
            .app
            .store
            .find_credentials(&a.email)
            .await
            .unwrap()
            .unwrap()
            .user;
        // Partners' accounts are in organisations of their own; a test reaches them as
        // `own(Police)` and so on.
        if a.email.ends_with("@cartrefi-ffug.example") || a.role.is_partner() {
            own.push((a.role, user));
        } else if a.email.ends_with("@sample-shire.example") {
            other.push((a.role, user));
        }
    }
    Demo { own, other }
}

/// A signed-in browser session, made directly in the store (fast: no password hashing).
#[derive(Clone)]
pub struct Session {
    pub token: String,
    pub csrf: String,
}

pub async fn session_for(t: &TestApp, user: &User) -> Session {
    let token = random_token().unwrap();
    let csrf = random_token().unwrap();
    let record = SessionRecord {
        token_hash: token_hash(&token),
        user_id: user.id,
        csrf_token: csrf.clone(),
        created_at: t.clock.now_ts(),
        last_seen_at: t.clock.now_ts(),
        ip: None,
        // As if signed in with the code just now.
        second_factor_at: Some(t.clock.now_ts()),
        inspection_id: None,
    };
    let event = homeward_domain::audit::AuditEvent {
        at: t.clock.now_ts(),
        org_id: Some(user.org_id),
        actor: Some(user.id),
        actor_label: user.email.clone(),
        action: "session.sign_in".into(),
        resource_kind: "session".into(),
        resource_id: None,
        outcome: homeward_domain::audit::Outcome::Allowed,
        ip: None,
    };
    t.app.store.create_session(&record, &event).await.unwrap();
    Session { token, csrf }
}

pub trait ClockExt {
    fn now_ts(&self) -> jiff::Timestamp;
}

impl ClockExt for ManualClock {
    fn now_ts(&self) -> jiff::Timestamp {
        homeward_domain::time::Clock::now(self)
    }
}

pub struct Req {
    builder: axum::http::request::Builder,
    body: Body,
}

pub fn req(method: &str, uri: &str) -> Req {
    Req {
        builder: Request::builder().method(method).uri(uri),
        body: Body::empty(),
    }
}

impl Req {
    pub fn session(mut self, s: &Session) -> Self {
        self.builder = self.builder.header(
            header::COOKIE,
            format!("__Host-homeward_session={}", s.token),
        );
        self
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.builder = self.builder.header(name, value);
        self
    }
    pub fn form(mut self, body: &str) -> Self {
        self.builder = self
            .builder
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.body = Body::from(body.to_string());
        self
    }
    pub fn body(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.builder = self.builder.header(header::CONTENT_TYPE, content_type);
        self.body = Body::from(body);
        self
    }
    pub fn json(mut self, body: &str) -> Self {
        self.builder = self
            .builder
            .header(header::CONTENT_TYPE, "application/json");
        self.body = Body::from(body.to_string());
        self
    }
    pub fn sent_from(mut self, ip: &str) -> Self {
        let addr: SocketAddr = format!("{ip}:40000").parse().unwrap();
        self.builder = self.builder.extension(ConnectInfo(addr));
        self
    }
    pub async fn send(self, t: &TestApp) -> Reply {
        let response = t
            .router
            .clone()
            .oneshot(self.builder.body(self.body).unwrap())
            .await
            .unwrap();
        Reply::read(response).await
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    /// The body as text, for pages and JSON.
    pub body: String,
    /// The body as it came, for PDFs and photos.
    pub bytes: Vec<u8>,
}

impl Reply {
    async fn read(r: Response<Body>) -> Self {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        // A stream of server-sent events never ends: its headers are the answer.
        let streaming = headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        let bytes = match streaming {
            true => Default::default(),
            false => r.into_body().collect().await.unwrap().to_bytes(),
        };
        Self {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
    /// The value of a cookie this response sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .find_map(|v| {
                let v = v.to_str().ok()?;
                let (pair, _) = v.split_once(';').unwrap_or((v, ""));
                let (n, value) = pair.split_once('=')?;
                (n == name).then(|| value.to_string())
            })
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn audit_count(t: &TestApp) -> usize {
    t.app.store.audit_page(0, 1_000_000).await.unwrap().len()
}

/// An audit event for set-up work done directly in the store.
pub fn test_event(org: homeward_domain::ids::OrgId) -> homeward_domain::audit::AuditEvent {
    homeward_domain::audit::AuditEvent {
        at: start_time(),
        org_id: Some(org),
        actor: None,
        actor_label: "test".into(),
        action: "test.setup".into(),
        resource_kind: "test".into(),
        resource_id: None,
        outcome: homeward_domain::audit::Outcome::Allowed,
        ip: None,
    }
}

/// An email about the episode that used every try: a dead letter for its managers.
pub async fn dead_letter(
    t: &TestApp,
    org: homeward_domain::ids::OrgId,
    episode: EpisodeId,
) -> uuid::Uuid {
    dead_letter_to(t, org, episode, "typo@nowhere.invalid").await
}

/// A message to `address` that used all its tries.
pub async fn dead_letter_to(
    t: &TestApp,
    org: homeward_domain::ids::OrgId,
    episode: EpisodeId,
    address: &str,
) -> uuid::Uuid {
    let now = t.app.clock.now();
    let message = homeward_store::OutboxMessage {
        id: uuid::Uuid::new_v4(),
        org_id: org,
        episode_id: Some(episode),
        created_at: now,
        to_address: address.into(),
        subject: "Homeward: someone is missing".into(),
        body: "Open Homeward".into(),
    };
    t.app
        .store
        .enqueue_mail(&message, &test_event(org))
        .await
        .unwrap();
    t.app
        .store
        .record_mail_attempt(message.id, 1, now, false, Some("sending"))
        .await
        .unwrap();
    t.app
        .store
        .settle_mail(
            message.id,
            2,
            now,
            homeward_store::MailOutcome::Dead,
            Some("550 no such user"),
        )
        .await
        .unwrap();
    message.id
}

/// Opens an episode for a person straight through the store, as if a colleague had.
pub async fn open_episode_for(t: &TestApp, person: &homeward_store::Person) -> EpisodeId {
    use homeward_domain::episode::{Event, EventRecord, Occurred, Opened};
    let id = EpisodeId::new_random();
    let now = t.app.clock.now();
    let first = EventRecord {
        seq: 1,
        when: Occurred::in_london(now),
        recorded_at: now,
        recorded_by: None,
        recorded_by_label: "test".into(),
        event: Event::Opened(Opened {
            last_seen_place: "The park".into(),
            ..Opened::default()
        }),
    };
    let summary = homeward_store::EpisodeSummary {
        id,
        org_id: person.org_id,
        service_id: person.service_id,
        person_id: person.id,
        phase: "missing".into(),
        is_open: true,
        opened_at: now,
        last_seen_at: None,
        police_grade: None,
        last_event_seq: 1,
        last_event_kind: "opened".into(),
        last_event_at: now,
        schedule: homeward_store::Schedule {
            next_check_at: Some(now),
            ..Default::default()
        },
    };
    t.app
        .store
        .open_episode(&summary, &first, None, &test_event(person.org_id))
        .await
        .unwrap();
    id
}

/// The code an account's authenticator app would show now, for a step not used yet (moving
/// the test clock on 30 seconds when this one's codes are used up, as a person would wait).
pub async fn authenticator_code(t: &TestApp, email: &str) -> String {
    let creds = t
        .app
        .store
        .find_credentials(email)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no account {email}"));
    let factor = t
        .app
        .store
        .second_factor(creds.user.id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{email} has no second factor"));
    let secret = t
        .app
        .keys
        .open_second_factor(creds.user.id.0.as_bytes(), &factor.secret_sealed)
        .expect("the secret opens");
    code_after(t, &secret, factor.last_step)
}

/// A code from `secret` for the earliest step the server accepts now that is after `last`.
pub fn code_after(t: &TestApp, secret: &[u8], last: Option<i64>) -> String {
    use homeward_domain::totp;
    let now_step = totp::step_of(t.app.clock.now());
    let step = (now_step - totp::DRIFT_STEPS).max(last.map_or(i64::MIN, |l| l + 1));
    if step > now_step + totp::DRIFT_STEPS {
        let wait = step - now_step - totp::DRIFT_STEPS;
        t.clock
            .advance(jiff::SignedDuration::from_secs(totp::STEP_SECONDS * wait));
    }
    format!("{:06}", totp::code_at_step(secret, step))
}

/// A form's body with the session's CSRF token and the given fields.
pub fn form(session: &Session, pairs: &[(&str, &str)]) -> String {
    let mut f = form_urlencoded::Serializer::new(String::new());
    f.append_pair("csrf_token", &session.csrf);
    for (k, v) in pairs {
        f.append_pair(k, v);
    }
    f.finish()
}

/// The organisation's people, as the store lists them (up to a hundred).
pub async fn people_of(
    t: &TestApp,
    org: homeward_domain::ids::OrgId,
) -> Vec<homeward_store::Person> {
    t.app
        .store
        .people_page(
            org,
            &homeward_store::PeopleQuery {
                limit: 100,
                ..Default::default()
            },
            &test_event(org),
        )
        .await
        .unwrap()
}

/// Someone of the organisation of that kind.
pub async fn someone(
    t: &TestApp,
    org: homeward_domain::ids::OrgId,
    kind: homeward_domain::person::PersonKind,
) -> homeward_store::Person {
    people_of(t, org)
        .await
        .into_iter()
        .find(|p| p.kind == kind)
        .expect("someone of that kind")
}

/// A child of the organisation other than `not`.
pub async fn someone_else(
    t: &TestApp,
    org: homeward_domain::ids::OrgId,
    not: homeward_domain::ids::PersonId,
) -> homeward_store::Person {
    people_of(t, org)
        .await
        .into_iter()
        .find(|p| p.id != not && p.kind == homeward_domain::person::PersonKind::Child)
        .expect("someone else")
}

/// A child of the organisation who is missing now.
pub async fn missing_child(
    t: &TestApp,
    org: homeward_domain::ids::OrgId,
) -> homeward_store::Person {
    for p in people_of(t, org).await {
        if p.kind == homeward_domain::person::PersonKind::Child
            && t.app
                .store
                .open_episode_of(org, p.id)
                .await
                .unwrap()
                .is_some()
        {
            return p;
        }
    }
    panic!("the organisation has a child missing now")
}

/// A partner organisation of `kind` with one user in `role`, signed in.
pub async fn partner(
    t: &TestApp,
    name: &str,
    kind: &str,
    role: &str,
    email: &str,
) -> (String, Session) {
    let org = t
        .app
        .create_organisation_as_system(homeward_app::organisation::NewOrganisationInput {
            name: name.into(),
            nation: homeward_domain::organisation::Nation::Wales,
            regulator: None,
            registration_number: "-".into(),
            registered_manager: "-".into(),
            safeguarding_lead: "-".into(),
            kind: kind.into(),
        })
        .await
        .unwrap();
    t.app
        .add_user_as_system(
            org,
            homeward_app::users::NewUserInput {
                display_name: format!("Officer of {name}"),
                email: email.into(),
                password: "kettle orbit lantern".into(),
                roles: vec![(role.into(), None)],
            },
        )
        .await
        .unwrap();
    let user = t
        .app
        .store
        .find_credentials(email)
        .await
        .unwrap()
        .unwrap()
        .user;
    (org.to_string(), session_for(t, &user).await)
}
