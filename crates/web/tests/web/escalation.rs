//! Paging and email against a real SMTP server: Debian's aiosmtpd, started here as its own
//! process, writing what it receives to a Maildir the test reads back.

use crate::support::*;
use homeward_app::actor::{Actor, RequestMeta};
use homeward_app::episodes::OpenEpisodeInput;
use homeward_app::escalation::RotaInput;
use homeward_domain::episode::Event;
use homeward_domain::role::Role;
use homeward_mail::{Security, SmtpConfig, SmtpMailer};
use jiff::SignedDuration;
use std::path::{Path, PathBuf};
use std::time::Duration;

const PYTHON: &str = "/usr/bin/python3";

pub struct SmtpServer {
    child: std::process::Child,
    pub port: u16,
    maildir: PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether aiosmtpd is here; where it is required (scripts/test), a failure if not.
fn aiosmtpd_available() -> bool {
    let available = std::process::Command::new(PYTHON)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        assert!(
            std::env::var_os("HOMEWARD_REQUIRE_BROWSER").is_none(),
            "python3-aiosmtpd is needed here (run scripts/test)"
        );
        eprintln!("skipping: python3-aiosmtpd is not installed");
    }
    available
}

/// Starts aiosmtpd on `port`; `None` (or a failure, where it is required) without it.
pub async fn smtp_server(dir: &Path, port: u16) -> Option<SmtpServer> {
    if !aiosmtpd_available() {
        return None;
    }
    let maildir = dir.join("maildir");
    let mut command = std::process::Command::new(PYTHON);
    command
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir);
    Some(started(command, port, maildir).await)
}

/// Starts the server process and waits until it takes connections.
async fn started(mut command: std::process::Command, port: u16, maildir: PathBuf) -> SmtpServer {
    let child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("aiosmtpd starts");
    let server = SmtpServer {
        child,
        port,
        maildir,
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "aiosmtpd did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server
}

/// Every message the server has received, as text.
pub fn received(server: &SmtpServer) -> Vec<String> {
    let new = server.maildir.join("new");
    let Ok(entries) = std::fs::read_dir(new) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect()
}

pub fn mailer(port: u16) -> SmtpMailer {
    SmtpMailer::new(&SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        username: None,
        password: None,
        from: "Homeward <homeward@cartrefi-ffug.example>".into(),
    })
    .unwrap()
}

async fn actor(t: &TestApp, role: Role, demo: &Demo) -> Actor {
    let s = session_for(t, demo.own(role)).await;
    t.app.resolve_session(&s.token).await.unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unacknowledged_page_escalates_and_both_emails_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let Some(server) = smtp_server(dir.path(), port).await else {
        return;
    };
    let t = sqlite().await;
    let demo = seed(&t).await;
    let meta = RequestMeta::default();
    let manager = actor(&t, Role::Manager, &demo).await;
    let lead = actor(&t, Role::ShiftLead, &demo).await;
    let worker = actor(&t, Role::CareWorker, &demo).await;
    let ffion: homeward_domain::ids::PersonId = crate::photos::ffion(&t).await.parse().unwrap();
    let person = t
        .app
        .store
        .get_person(manager.org_id(), ffion)
        .await
        .unwrap()
        .unwrap();

    // The shift lead is on call tonight; the manager is the default.
    let now = t.app.clock.now();
    let (version, _) = t
        .app
        .service_rota(&manager, person.service_id)
        .await
        .unwrap();
    let rota = RotaInput {
        shifts: vec![(
            lead.user.id,
            now - SignedDuration::from_hours(1),
            now + SignedDuration::from_hours(12),
        )],
        default_user: Some(manager.user.id),
        escalate_after_minutes: 15,
    };
    t.app
        .save_rota(&manager, &meta, person.service_id, rota.clone(), version)
        .await
        .unwrap();
    // Not anyone may set it, and nobody unknown may be on it.
    assert!(
        t.app
            .save_rota(&worker, &meta, person.service_id, rota.clone(), 1)
            .await
            .is_err()
    );
    let stranger = RotaInput {
        default_user: Some(homeward_domain::ids::UserId::new_random()),
        ..rota
    };
    assert!(matches!(
        t.app
            .save_rota(&manager, &meta, person.service_id, stranger, 1)
            .await,
        Err(homeward_app::AppError::Invalid(_))
    ));

    let episode = t
        .app
        .open_episode(
            &worker,
            &meta,
            ffion,
            OpenEpisodeInput {
                last_seen_place: "The park".into(),
                ..OpenEpisodeInput::default()
            },
        )
        .await
        .unwrap();
    let link = "https://homeward.example.org";
    t.app.escalate(link).await.unwrap();
    let pages = |events: &[homeward_domain::episode::EventRecord]| -> Vec<(i64, String, u8)> {
        events
            .iter()
            .filter_map(|r| match &r.event {
                Event::Paged {
                    to_label,
                    level,
                    key,
                    ..
                } if key == "opened" => Some((r.seq, to_label.clone(), *level)),
                _ => None,
            })
            .collect()
    };
    let view = t.app.view_episode(&manager, &meta, episode).await.unwrap();
    assert_eq!(
        pages(&view.events)
            .into_iter()
            .map(|(_, who, level)| (who, level))
            .collect::<Vec<_>>(),
        [("Demo Shift Lead".to_string(), 0)]
    );
    // The board shows that a page waits for an answer.
    let session = session_for(&t, demo.own(Role::Manager)).await;
    let board = req("GET", "/episodes").session(&session).send(&t).await;
    assert!(
        board.body.contains("waiting for an answer"),
        "{}",
        board.body
    );
    // A second pass at once pages nobody new.
    t.app.escalate(link).await.unwrap();
    let view = t.app.view_episode(&manager, &meta, episode).await.unwrap();
    assert_eq!(pages(&view.events).len(), 1);

    // The SMTP server is down at first: the email waits, with why, and nothing is lost.
    let dead = mailer(free_port());
    assert_eq!(t.app.send_mail(&dead).await.unwrap(), 0);
    let pending = t.app.store.pending_mail(100).await.unwrap();
    assert!(pending.iter().any(|p| p.last_error.is_some()));
    // After its wait, it goes through the real server.
    t.clock.advance(SignedDuration::from_mins(3));
    let live = mailer(server.port);
    assert!(t.app.send_mail(&live).await.unwrap() >= 1);
    // The pages about her being reported missing (an overdue duty pages separately).
    let ours = |mail: &[String]| -> Vec<String> {
        mail.iter()
            .filter(|m| m.contains(&format!("{link}/episodes/{episode}")))
            .filter(|m| m.contains(": reported missing."))
            .cloned()
            .collect()
    };
    let first = ours(&received(&server));
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].contains("shift-lead@cartrefi-ffug.example"));
    // The link asks whoever follows it to sign in, then opens the episode.
    let anonymous = req("GET", &format!("/episodes/{episode}")).send(&t).await;
    assert_eq!(anonymous.status, 303);
    assert!(
        anonymous
            .location()
            .unwrap()
            .contains(&format!("next=%2Fepisodes%2F{episode}")),
        "{:?}",
        anonymous.location()
    );
    // In English, then in Welsh.
    assert!(first[0].contains("Rydych chi ar alwad"), "{}", first[0]);
    assert!(
        !first[0].contains("Ffion"),
        "no names in email: {}",
        first[0]
    );

    // Nobody acknowledges: fifteen minutes on, the manager is paged and emailed too.
    t.clock.advance(SignedDuration::from_mins(15));
    t.app.escalate(link).await.unwrap();
    t.app.send_mail(&live).await.unwrap();
    let view = t.app.view_episode(&manager, &meta, episode).await.unwrap();
    let paged = pages(&view.events);
    assert_eq!(paged.len(), 2);
    assert_eq!((paged[1].1.as_str(), paged[1].2), ("Demo Manager", 1));
    let both = ours(&received(&server));
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(
        both.iter()
            .any(|m| m.contains("To: manager@cartrefi-ffug.example"))
    );
    // Telling the manager was due at once and is now overdue: the manager's page says so,
    // and how late, instead of paging about it on its own.
    let to_manager = both
        .iter()
        .find(|m| m.contains("To: manager@cartrefi-ffug.example"))
        .unwrap();
    assert!(to_manager.contains("overdue by"), "{to_manager}");
    assert!(
        !received(&server)
            .iter()
            .any(|m| m.contains("a duty is overdue.")),
        "no page of its own for an overdue duty while one waits"
    );
    // A care worker cannot silence the escalation.
    assert!(matches!(
        t.app.acknowledge(&worker, &meta, episode, paged[1].0).await,
        Err(homeward_app::AppError::Invalid(_))
    ));

    // The manager acknowledges: the page goes no further.
    t.app
        .acknowledge(&manager, &meta, episode, paged[1].0)
        .await
        .unwrap();
    t.clock.advance(SignedDuration::from_mins(40));
    t.app.escalate(link).await.unwrap();
    let view = t.app.view_episode(&manager, &meta, episode).await.unwrap();
    assert_eq!(pages(&view.events).len(), 2);
    assert!(
        view.events
            .iter()
            .any(|r| matches!(r.event, Event::Acknowledged { .. }))
    );
    // The manager has been told: acknowledging did it.
    let told = view
        .duties
        .iter()
        .find(|d| d.rule == "tell_manager")
        .unwrap();
    assert!(
        matches!(told.status, homeward_domain::duties::Status::Done { .. }),
        "{told:?}"
    );
}

#[tokio::test]
async fn managers_set_the_rota_on_its_page_and_everyone_sees_it() {
    for t in engines().await {
        let demo = seed(&t).await;
        let manager = session_for(&t, demo.own(Role::Manager)).await;
        let worker = session_for(&t, demo.own(Role::CareWorker)).await;
        let ffion: homeward_domain::ids::PersonId = crate::photos::ffion(&t).await.parse().unwrap();
        let org = demo.own(Role::Manager).org_id;
        let service = t
            .app
            .store
            .get_person(org, ffion)
            .await
            .unwrap()
            .unwrap()
            .service_id;
        let path = format!("/services/{service}/on-call");
        let page = req("GET", &path).session(&worker).send(&t).await;
        assert_eq!(page.status, 200, "{}", t.engine);
        assert!(page.body.contains("Demo Shift Lead"));
        assert!(
            !page.body.contains("Save the rota"),
            "care workers only see it"
        );

        let form = |pairs: &[(&str, &str)]| {
            let mut f = form_urlencoded::Serializer::new(String::new());
            f.append_pair("csrf_token", &manager.csrf);
            for (k, v) in pairs {
                f.append_pair(k, v);
            }
            f.finish()
        };
        let ann = demo.own(Role::SafeguardingLead).id.to_string();
        let shift = |to_time: &'static str| {
            vec![
                ("_version", "1".to_string()),
                ("shift-0-user", ann.clone()),
                ("shift-0-from-day", "23".into()),
                ("shift-0-from-month", "11".into()),
                ("shift-0-from-year", "2026".into()),
                ("shift-0-from-time", "8:00".into()),
                ("shift-0-to-day", "23".into()),
                ("shift-0-to-month", "11".into()),
                ("shift-0-to-year", "2026".into()),
                ("shift-0-to-time", to_time.to_string()),
                ("escalate_after_minutes", "10".into()),
            ]
        };
        let pairs = |v: &[(&str, String)]| -> String {
            form(&v.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
        };
        // Ends before it starts: the error summary says so, and nothing is saved.
        let bad = req("POST", &path)
            .session(&manager)
            .form(&pairs(&shift("7:00")))
            .send(&t)
            .await;
        assert_eq!(bad.status, 422, "{}", t.engine);
        assert!(bad.body.contains("The end must be after the start"));
        assert!(bad.body.contains(r##"href="#shift-0-to""##));
        let good = req("POST", &path)
            .session(&manager)
            .form(&pairs(&shift("20:00")))
            .send(&t)
            .await;
        assert_eq!(good.status, 303, "{}: {}", t.engine, good.body);
        let page = req("GET", &path).session(&worker).send(&t).await;
        assert!(page.body.contains("Demo Safeguarding Lead"));
        assert!(page.body.contains("10 minutes without an answer"));
        // The API reads the same rota.
        let api = req("GET", &format!("/api/v1{path}"))
            .session(&worker)
            .send(&t)
            .await;
        let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(v["version"], 2);
        assert_eq!(v["escalate_after_minutes"], 10);
        assert_eq!(v["shifts"][0]["user_id"], ann);
    }
}

/// An SMTP server (aiosmtpd, its own process) that refuses mail for `@nowhere.invalid` as a
/// real server refuses an unknown mailbox, and keeps everything else in a Maildir.
pub async fn refusing_smtp_server(dir: &Path, port: u16) -> Option<SmtpServer> {
    const SERVER: &str = r#"
import asyncio, sys
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

class Refusing(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@nowhere.invalid"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

controller = Controller(Refusing(sys.argv[1]), hostname="127.0.0.1", port=int(sys.argv[2]))
controller.start()
asyncio.get_event_loop().run_forever()
"#;
    if !aiosmtpd_available() {
        return None;
    }
    let maildir = dir.join("refusing");
    let mut command = std::process::Command::new(PYTHON);
    command
        .args(["-c", SERVER])
        .arg(&maildir)
        .arg(port.to_string());
    Some(started(command, port, maildir).await)
}

/// One organisation's undeliverable mail never holds up anyone else's: a hundred dead letters
/// and a backlog of failing messages in one organisation, and the other's page still goes
/// in the first pass. What used every try is shown, with the address and why, to that
/// organisation's managers, who correct the address and send it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letters_never_hold_up_other_mail_and_managers_resend_them() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let Some(server) = refusing_smtp_server(dir.path(), port).await else {
        return;
    };
    let t = sqlite().await;
    let demo = seed(&t).await;
    let busy = demo.own(Role::Manager).org_id;
    let quiet = demo.other(Role::Manager).org_id;
    let message = |org, n: usize, to: &str| homeward_store::OutboxMessage {
        id: uuid::Uuid::new_v4(),
        org_id: org,
        episode_id: None,
        created_at: t.app.clock.now(),
        to_address: to.into(),
        subject: format!("Homeward: page {n}"),
        body: "Open Homeward".into(),
    };
    // A hundred letters already dead, as after a night of a typo'd address.
    let episode = any_episode(&t, busy).await;
    for _ in 0..100 {
        dead_letter(&t, busy, episode).await;
    }
    // And a backlog still being tried, queued before the other organisation's page.
    for n in 0..25 {
        t.app
            .store
            .enqueue_mail(&message(busy, n, "typo@nowhere.invalid"), &test_event(busy))
            .await
            .unwrap();
    }
    let theirs = message(quiet, 0, "manager@sample-shire.example");
    t.app
        .store
        .enqueue_mail(&theirs, &test_event(quiet))
        .await
        .unwrap();
    let live = mailer(server.port);
    t.app.send_mail(&live).await.unwrap();
    assert!(
        received(&server)
            .iter()
            .any(|m| m.contains("To: manager@sample-shire.example")),
        "the other organisation's page went in the first pass"
    );
    // The backlog is tried until every try is used, then leaves the queue.
    for _ in 0..60 {
        t.clock.advance(SignedDuration::from_hours(2));
        t.app.send_mail(&live).await.unwrap();
        if t.app.store.pending_mail(1000).await.unwrap().is_empty() {
            break;
        }
    }
    assert!(t.app.store.pending_mail(1000).await.unwrap().is_empty());
    let manager = actor(&t, Role::Manager, &demo).await;
    let dead = t.app.undelivered_mail(&manager).await.unwrap();
    assert_eq!(dead.len(), 125);
    let failed = dead
        .iter()
        .find(|d| d.last_error.as_deref().is_some_and(|e| e.contains("550")))
        .expect("the server's refusal is kept");
    assert_eq!(failed.message.to_address, "typo@nowhere.invalid");
    // Care staff do not see the undelivered mail; the other organisation sees none of it.
    let worker = actor(&t, Role::CareWorker, &demo).await;
    assert!(t.app.undelivered_mail(&worker).await.is_err());
    let theirs_manager = {
        let s = session_for(&t, demo.other(Role::Manager)).await;
        t.app.resolve_session(&s.token).await.unwrap().unwrap()
    };
    assert!(
        t.app
            .undelivered_mail(&theirs_manager)
            .await
            .unwrap()
            .is_empty()
    );
    // The manager sees it on a page, with the address; a wrong one is refused clearly.
    let session = session_for(&t, demo.own(Role::Manager)).await;
    let home = req("GET", "/").session(&session).send(&t).await;
    assert!(
        home.body.contains("125 emails could not be delivered"),
        "{}",
        home.body
    );
    let list = req("GET", "/mail/undelivered")
        .session(&session)
        .send(&t)
        .await;
    assert!(list.body.contains("typo@nowhere.invalid"));
    assert!(list.body.contains("550"));
    let path = format!("/mail/undelivered/{}/resend", failed.message.id);
    let form = |address: &str| {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("csrf_token", &session.csrf)
            .append_pair("address", address)
            .finish()
    };
    let bad = req("POST", &path)
        .session(&session)
        .form(&form("manager at example"))
        .send(&t)
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("Enter an email address in the correct format")
    );
    assert!(
        bad.body
            .contains(&format!("href=\"#address-{}\"", failed.message.id))
    );
    let good = req("POST", &path)
        .session(&session)
        .form(&form("manager@cartrefi-ffug.example"))
        .send(&t)
        .await;
    assert_eq!(good.status, 303, "{}", good.body);
    // A second click sends nothing more.
    let again = req("POST", &path)
        .session(&session)
        .form(&form("manager@cartrefi-ffug.example"))
        .send(&t)
        .await;
    assert_eq!(again.status, 303);
    t.app.send_mail(&live).await.unwrap();
    let resent: Vec<String> = received(&server)
        .into_iter()
        .filter(|m| m.contains("To: manager@cartrefi-ffug.example") && m.contains("Homeward: page"))
        .collect();
    assert_eq!(resent.len(), 1, "{resent:?}");
    assert_eq!(t.app.undelivered_mail(&manager).await.unwrap().len(), 124);
}

/// An episode of the organisation's, for dead letters to belong to.
async fn any_episode(
    t: &TestApp,
    org: homeward_domain::ids::OrgId,
) -> homeward_domain::ids::EpisodeId {
    let query = homeward_store::EpisodeQuery {
        limit: 1,
        ..Default::default()
    };
    t.app.store.list_episodes(org, &query).await.unwrap()[0].id
}

/// A chronology that no longer reads (two openings, as a bad import might leave) is logged and
/// put off for a minute; every other episode is paged all the same, on both engines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failing_episode_does_not_stop_the_others_being_paged() {
    for t in engines().await {
        let demo = seed(&t).await;
        let meta = RequestMeta::default();
        let manager = actor(&t, Role::Manager, &demo).await;
        let org = manager.org_id();
        let people = t
            .app
            .store
            .list_people(org, None, &test_event(org))
            .await
            .unwrap();
        let mut free = Vec::new();
        for p in people {
            if t.app
                .store
                .open_episode_of(org, p.id)
                .await
                .unwrap()
                .is_none()
            {
                free.push(p);
            }
        }
        let (broken, fine) = (&free[0], &free[1]);
        let bad = open_episode_for(&t, broken).await;
        let (summary, events) = t.app.store.episode(org, bad).await.unwrap().unwrap();
        let twice = homeward_domain::episode::EventRecord {
            seq: 2,
            ..events[0].clone()
        };
        t.app
            .store
            .append_episode_event(
                &homeward_store::EpisodeSummary {
                    last_event_seq: 2,
                    ..summary
                },
                &twice,
                &test_event(org),
            )
            .await
            .unwrap();
        // Reported a minute later, so the pass comes to it after the broken one.
        t.clock.advance(SignedDuration::from_mins(1));
        let good = t
            .app
            .open_episode(&manager, &meta, fine.id, OpenEpisodeInput::default())
            .await
            .unwrap();
        t.app
            .escalate("https://homeward.example.org")
            .await
            .unwrap();
        let view = t.app.view_episode(&manager, &meta, good).await.unwrap();
        assert!(
            view.events
                .iter()
                .any(|r| matches!(r.event, Event::Paged { .. })),
            "{}: the good episode is paged",
            t.engine
        );
        // The broken one waits a minute before it is tried again.
        let now = t.app.clock.now();
        let due = t.app.store.episodes_to_check(now, 1000).await.unwrap();
        assert!(due.iter().all(|(_, e)| *e != bad), "{}", t.engine);
        let later = t
            .app
            .store
            .episodes_to_check(now + SignedDuration::from_mins(1), 1000)
            .await
            .unwrap();
        assert!(later.iter().any(|(_, e)| *e == bad), "{}", t.engine);
        // Nobody is left believing pages went out: the board and the episode say since when
        // they have not, to whoever looks, until a pass gets through.
        let since = |t: &TestApp, id| {
            let store = t.app.store.clone();
            async move {
                let (s, _) = store.episode(org, id).await.unwrap().unwrap();
                s.schedule.paging_failed_since
            }
        };
        assert_eq!(since(&t, bad).await, Some(now), "{}", t.engine);
        assert_eq!(since(&t, good).await, None, "{}", t.engine);
        let session = session_for(&t, &manager.user).await;
        let warning = "has not been able to send pages for this episode";
        let board = req("GET", "/episodes").session(&session).send(&t).await;
        assert_eq!(board.status, 200);
        assert_eq!(board.body.matches(warning).count(), 1, "{}", t.engine);
        // It heads the board, above episodes whose pages are going out.
        let items: Vec<&str> = board.body.split("hw-board__item").skip(1).collect();
        assert!(items.len() > 1);
        assert!(items[0].contains(warning), "{}", t.engine);
        let api = req("GET", "/api/v1/episodes?phase=missing")
            .session(&session)
            .send(&t)
            .await;
        assert_eq!(
            api.body.matches("paging_failed_since").count(),
            1,
            "{}",
            api.body
        );
        // Failing again a minute later still says since the first failure.
        t.clock.advance(SignedDuration::from_mins(1));
        t.app
            .escalate("https://homeward.example.org")
            .await
            .unwrap();
        assert_eq!(since(&t, bad).await, Some(now), "{}", t.engine);
    }
}

/// How much a fresh episode pages in its first two hours, with the worker's pass every 20
/// seconds: when nobody answers, each person in the chain once (what goes overdue joins the
/// page waiting); when the on-call person answers at once, that page and then one more for
/// duties that go overdue later. Printed for the record; bounded here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_episode_pages_a_few_times_in_two_hours_not_once_a_duty() {
    for answer in [false, true] {
        let t = sqlite().await;
        let demo = seed(&t).await;
        let meta = RequestMeta::default();
        let worker = actor(&t, Role::CareWorker, &demo).await;
        let lead = actor(&t, Role::ShiftLead, &demo).await;
        let ffion: homeward_domain::ids::PersonId = crate::photos::ffion(&t).await.parse().unwrap();
        let episode = t
            .app
            .open_episode(
                &worker,
                &meta,
                ffion,
                OpenEpisodeInput {
                    last_seen_place: "The park".into(),
                    ..OpenEpisodeInput::default()
                },
            )
            .await
            .unwrap();
        let link = "https://homeward.example.org";
        for tick in 0..(2 * 60 * 3) {
            t.app.escalate(link).await.unwrap();
            if answer && tick == 3 {
                let view = t.app.view_episode(&lead, &meta, episode).await.unwrap();
                let first = view
                    .events
                    .iter()
                    .find(|r| matches!(r.event, Event::Paged { .. }))
                    .unwrap()
                    .seq;
                t.app
                    .acknowledge(&lead, &meta, episode, first)
                    .await
                    .unwrap();
            }
            t.clock.advance(SignedDuration::from_secs(20));
        }
        let view = t.app.view_episode(&lead, &meta, episode).await.unwrap();
        let pages: Vec<String> = view
            .events
            .iter()
            .filter_map(|r| match &r.event {
                Event::Paged {
                    to_label, about, ..
                } => Some(format!("{to_label}: {}", about.join(", "))),
                _ => None,
            })
            .collect();
        let emails = t
            .app
            .store
            .pending_mail(10_000)
            .await
            .unwrap()
            .iter()
            .filter(|m| m.message.episode_id == Some(episode))
            .count();
        eprintln!(
            "first two hours, {}: {} pages, {emails} emails: {pages:#?}",
            if answer {
                "answered at once"
            } else {
                "nobody answers"
            },
            pages.len()
        );
        assert_eq!(emails, pages.len(), "one email a page");
        if answer {
            // The report's page, answered; then the duties that fell due at the hour, all in
            // one page, which (unanswered) goes up the chain.
            assert!(pages.len() <= 4, "{pages:?}");
            assert!(pages[1].matches("overdue:").count() >= 2, "{pages:?}");
        } else {
            // The chain: on call, the default manager, the safeguarding lead.
            assert!(pages.len() <= 3, "{pages:?}");
        }
    }
}
