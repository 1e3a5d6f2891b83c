//! Episodes over HTTP on both engines: the pages a care worker uses on a phone, the JSON API,
//! the PDFs, and the board's stream of changes (across two app servers on PostgreSQL).

use crate::pack::pdf_text;
use crate::support::*;
use homeward_domain::role::Role;
use http_body_util::BodyExt;
use std::time::Duration;

/// Field pairs as a form body, with the session's CSRF token.
async fn post(t: &TestApp, s: &Session, path: &str, pairs: &[(&str, &str)]) -> Reply {
    req("POST", path)
        .session(s)
        .form(&form(s, pairs))
        .send(t)
        .await
}

async fn get(t: &TestApp, s: &Session, path: &str) -> Reply {
    req("GET", path).session(s).send(t).await
}

async fn api(t: &TestApp, s: &Session, method: &str, path: &str, body: &str) -> Reply {
    req(method, path)
        .session(s)
        .header("x-csrf-token", &s.csrf)
        .json(body)
        .send(t)
        .await
}

/// Reports the person missing from home through the API; the new episode's path.
async fn reported_missing(t: &TestApp, s: &Session, person: &str) -> String {
    let opened = api(
        t,
        s,
        "POST",
        "/api/v1/episodes",
        &format!(r#"{{"person_id":"{person}","last_seen_place":"Home"}}"#),
    )
    .await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    opened.location().unwrap().to_string()
}

const WHEN_21_00: [(&str, &str); 4] = [
    ("when-day", "23"),
    ("when-month", "11"),
    ("when-year", "2026"),
    ("when-time", "9:05am"),
];

#[tokio::test]
async fn a_care_worker_reports_missing_records_and_a_manager_closes_on_the_pages() {
    for t in engines().await {
        let demo = seed(&t).await;
        let worker = session_for(&t, demo.own(Role::CareWorker)).await;
        let manager = session_for(&t, demo.own(Role::Manager)).await;
        let ffion = crate::photos::ffion(&t).await;
        let ctx = t.engine;

        // The person page offers "Report missing"; the form starts at now, in London.
        let page = get(&t, &worker, &format!("/people/{ffion}")).await;
        assert!(
            page.body.contains(&format!("/people/{ffion}/episodes/new")),
            "{ctx}"
        );
        // The time last seen starts empty; "Now" is one tap away, and fills it.
        let new = get(&t, &worker, &format!("/people/{ffion}/episodes/new")).await;
        assert_eq!(new.status, 200);
        assert!(
            new.body
                .contains(r#"name="last_seen-time" type="text" autocomplete="off" value="""#),
            "{ctx}"
        );
        assert!(new.body.contains(r#"data-now-time="09:00""#), "{ctx}");
        let now = get(&t, &worker, &format!("/people/{ffion}/episodes/new?now=1")).await;
        assert!(
            now.body
                .contains(r#"name="last_seen-time" type="text" autocomplete="off" value="09:00""#),
            "{ctx}"
        );

        // A tired user: no place, no whereabouts, a time that is not a time.
        let bad = post(
            &t,
            &worker,
            &format!("/people/{ffion}/episodes"),
            &[
                ("last_seen-day", "23"),
                ("last_seen-month", "11"),
                ("last_seen-year", "2026"),
                ("last_seen-time", "25:70"),
            ],
        )
        .await;
        assert_eq!(bad.status, 422, "{ctx}");
        assert!(bad.body.contains("hw-error-summary"));
        assert!(bad.body.contains("Enter a real time"), "{ctx}");
        assert!(bad.body.contains(r##"href="#whereabouts""##));

        let opened = post(
            &t,
            &worker,
            &format!("/people/{ffion}/episodes"),
            &[
                ("last_seen-day", "23"),
                ("last_seen-month", "11"),
                ("last_seen-year", "2026"),
                ("last_seen-time", "8:15am"),
                ("last_seen_place", "The bus stop outside school"),
                ("whereabouts", "unknown"),
                ("clothing", "Black puffer jacket, white trainers"),
                ("circumstances", "Argued with a friend at breakfast"),
            ],
        )
        .await;
        assert_eq!(opened.status, 303, "{ctx}: {}", opened.body);
        let episode = opened.location().unwrap().to_string();
        let id = episode.trim_start_matches("/episodes/").to_string();

        // A second report for her is refused with a link to the open one.
        let again = get(&t, &manager, &format!("/people/{ffion}/episodes/new")).await;
        assert!(
            again.body.contains(&format!(r#"href="{episode}""#)),
            "{ctx}"
        );
        let twice = post(
            &t,
            &manager,
            &format!("/people/{ffion}/episodes"),
            &[
                ("last_seen-day", "23"),
                ("last_seen-month", "11"),
                ("last_seen-year", "2026"),
                ("last_seen-time", "8:15"),
                ("last_seen_place", "School"),
                ("whereabouts", "unknown"),
            ],
        )
        .await;
        assert_eq!(twice.status, 422);
        assert!(twice.body.contains(&format!(r#"href="{episode}""#)));

        // The episode page: facts, the plan's steps and the ways to add to it.
        let page = get(&t, &worker, &episode).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("The bus stop outside school"));
        assert!(page.body.contains("Not yet reported to police"));
        assert!(
            page.body
                .contains(&format!("/episodes/{id}/add/reported_to_police"))
        );
        // A care worker cannot close: the manager's group is not offered.
        assert!(!page.body.contains(&format!("/episodes/{id}/add/closed")));

        // Record a contact, police, a grade with its review time.
        let contact = post(
            &t,
            &worker,
            &format!("{episode}/add/contact_made"),
            &[
                WHEN_21_00[0],
                WHEN_21_00[1],
                WHEN_21_00[2],
                WHEN_21_00[3],
                ("name", "Her aunt, Mererid"),
                ("learnt", "Has not seen her"),
            ],
        )
        .await;
        assert_eq!(contact.status, 303, "{ctx}: {}", contact.body);
        assert_eq!(
            contact.location(),
            Some(format!("{episode}?added=2#entry-2").as_str())
        );
        let police = post(
            &t,
            &worker,
            &format!("{episode}/add/reported_to_police"),
            &[
                ("force", "South Wales Police"),
                ("number", "101"),
                ("reference", "SWP-1123-0042"),
                ("spoke_to", "Call handler 4471"),
            ],
        )
        .await;
        assert_eq!(police.status, 303);
        let graded = post(
            &t,
            &worker,
            &format!("{episode}/add/police_graded"),
            &[
                ("grade", "medium"),
                ("scheme", "england_wales_app"),
                ("review_at-day", "23"),
                ("review_at-month", "11"),
                ("review_at-year", "2026"),
                ("review_at-time", "13:00"),
            ],
        )
        .await;
        assert_eq!(graded.status, 303);

        // Found before she was last seen: refused, in words, and nothing is written.
        let early = post(
            &t,
            &worker,
            &format!("{episode}/add/located"),
            &[
                ("when-day", "23"),
                ("when-month", "11"),
                ("when-year", "2026"),
                ("when-time", "7:00"),
                ("place", "Her aunt's flat"),
            ],
        )
        .await;
        assert_eq!(early.status, 422);
        assert!(early.body.contains("before they were last seen"), "{ctx}");
        // Closing is a manager's: the care worker is told no.
        let close = post(
            &t,
            &worker,
            &format!("{episode}/add/closed"),
            &[("summary", "x")],
        )
        .await;
        assert_eq!(close.status, 403, "{ctx}");

        // A correction names the entry and gives a reason; the original stays.
        let fix = post(
            &t,
            &worker,
            &format!("{episode}/add/amendment?amends=2"),
            &[
                ("reason", "It was her uncle, not her aunt"),
                WHEN_21_00[0],
                WHEN_21_00[1],
                WHEN_21_00[2],
                WHEN_21_00[3],
                ("name", "Her uncle, Gareth"),
                ("learnt", "Has not seen her"),
            ],
        )
        .await;
        assert_eq!(fix.status, 303, "{ctx}: {}", fix.body);
        let page = get(&t, &worker, &episode).await;
        assert!(page.body.contains("Her aunt, Mererid"));
        assert!(page.body.contains("Her uncle, Gareth"));
        assert!(page.body.contains("It was her uncle, not her aunt"));
        assert!(page.body.contains("Corrected in entry 5"));
        assert!(page.body.contains("Medium"));
        // Filtered to police entries only.
        let filtered = get(&t, &worker, &format!("{episode}?kind=police_graded")).await;
        assert!(filtered.body.contains("Medium"));
        assert!(!filtered.body.contains("Her aunt, Mererid"));

        // Found, back, a return interview; then the manager closes with a summary.
        for (kind, fields) in [
            (
                "located",
                vec![("place", "Her aunt's flat"), ("town", "Cardiff")],
            ),
            (
                "returned",
                vec![("to_where", "Home"), ("via_police_station", "no")],
            ),
            (
                "return_interview_offered",
                vec![("offered_by", "Barnardo's worker"), ("independent", "yes")],
            ),
        ] {
            let r = post(&t, &worker, &format!("{episode}/add/{kind}"), &fields).await;
            assert_eq!(r.status, 303, "{ctx} {kind}: {}", r.body);
        }
        let page = get(&t, &manager, &episode).await;
        assert!(page.body.contains(&format!("/episodes/{id}/add/closed")));
        // The closing form lists every duty still open, each asking why it is left.
        let form = get(&t, &manager, &format!("{episode}/add/closed")).await;
        let left: Vec<String> = form
            .body
            .split("name=\"left-")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(|rule| format!("left-{rule}"))
            .collect();
        assert!(!left.is_empty(), "{ctx}: {}", form.body);
        let summary = ("summary", "Stayed with her aunt overnight; safe and well.");
        let unexplained = post(&t, &manager, &format!("{episode}/add/closed"), &[summary]).await;
        assert_eq!(unexplained.status, 422, "{ctx}");
        assert!(unexplained.body.contains("Say why this duty is left"));
        assert!(unexplained.body.contains(&format!("href=\"#{}\"", left[0])));
        let mut fields = vec![summary];
        for name in &left {
            fields.push((name.as_str(), "Done by phone; in the home's log"));
        }
        let close = post(&t, &manager, &format!("{episode}/add/closed"), &fields).await;
        assert_eq!(close.status, 303, "{ctx}: {}", close.body);
        let closed = get(&t, &manager, &episode).await;
        assert!(
            !closed.body.contains(">To do<"),
            "{ctx}: a closed episode shows nothing to do"
        );
        let after = post(
            &t,
            &worker,
            &format!("{episode}/add/note"),
            &[("text", "x")],
        )
        .await;
        assert_eq!(after.status, 422);
        assert!(after.body.contains("only corrections can be added now"));

        // The PDFs: the chronology in full, and the pack's part 2.
        let pdf = get(&t, &worker, &format!("{episode}/chronology.pdf")).await;
        assert_eq!(pdf.status, 200);
        assert_eq!(pdf.header("content-type"), Some("application/pdf"));
        if let Some(text) = pdf_text(&pdf.bytes) {
            for expected in [
                "Chronology",
                "Her aunt, Mererid",
                "Correction to entry 2",
                "SWP-1123-0042",
                "Stayed with her aunt overnight",
            ] {
                assert!(text.contains(expected), "{ctx}: {expected} in {text}");
            }
        }
        let pack = get(&t, &worker, &format!("{episode}/police-pack?lang=en")).await;
        assert_eq!(pack.status, 200);
        if let Some(text) = pdf_text(&pack.bytes) {
            assert!(text.contains("Part 2: this episode"), "{ctx}: {text}");
            assert!(text.contains("Black puffer jacket"), "{ctx}");
        }
    }
}

#[tokio::test]
async fn the_api_opens_reads_appends_and_refuses_edits() {
    for t in engines().await {
        let demo = seed(&t).await;
        let worker = session_for(&t, demo.own(Role::CareWorker)).await;
        let ffion = crate::photos::ffion(&t).await;
        let ctx = t.engine;
        let opened = api(
            &t,
            &worker,
            "POST",
            "/api/v1/episodes",
            &format!(
                r#"{{"person_id":"{ffion}","last_seen":"2026-11-23T08:00:00Z","last_seen_place":"Home","whereabouts":"unknown","clothing":"Red coat"}}"#
            ),
        )
        .await;
        assert_eq!(opened.status, 201, "{ctx}: {}", opened.body);
        let location = opened.location().unwrap().to_string();
        let again = api(
            &t,
            &worker,
            "POST",
            "/api/v1/episodes",
            &format!(r#"{{"person_id":"{ffion}"}}"#),
        )
        .await;
        assert_eq!(again.status, 422);
        assert!(again.body.contains(r#""field":"person""#), "{}", again.body);
        // It names the episode already open.
        assert!(
            again.body.contains(&format!(r#""instance":"{location}""#)),
            "{}",
            again.body
        );

        let events = format!("{location}/events");
        let note = api(
            &t,
            &worker,
            "POST",
            &events,
            r#"{"occurred_at":"2026-11-23T08:30:00Z","event":{"kind":"sighting","place":"Queen Street","seen_by":"A shopkeeper","details":"Alone"}}"#,
        )
        .await;
        assert_eq!(note.status, 201, "{ctx}: {}", note.body);
        let v: serde_json::Value = serde_json::from_str(&note.body).unwrap();
        assert_eq!(v["seq"], 2);
        assert_eq!(v["offset_seconds"], 0);
        assert_eq!(v["event"]["kind"], "sighting");

        // Scotland does not grade "very low"; an unknown kind is a shape problem.
        let scot = api(
            &t,
            &worker,
            "POST",
            &events,
            r#"{"event":{"kind":"police_graded","grade":"very_low","scheme":"scotland","review_at":null}}"#,
        )
        .await;
        assert_eq!(scot.status, 422);
        assert!(scot.body.contains("Police Scotland"), "{}", scot.body);
        let odd = api(
            &t,
            &worker,
            "POST",
            &events,
            r#"{"event":{"kind":"teleported"}}"#,
        )
        .await;
        assert_eq!(odd.status, 422);
        let broken = api(&t, &worker, "POST", &events, r#"{"event":"#).await;
        assert_eq!(broken.status, 400);

        // A correction is an append; editing or deleting entries does not exist.
        let fix = api(
            &t,
            &worker,
            "POST",
            &events,
            r#"{"event":{"kind":"amendment","amends":2,"reason":"Wrong street","corrected":null}}"#,
        )
        .await;
        assert_eq!(fix.status, 201, "{}", fix.body);
        for method in ["PUT", "PATCH", "DELETE"] {
            let r = api(&t, &worker, method, &format!("{events}/2"), "{}").await;
            assert!([404, 405].contains(&r.status), "{method}: {}", r.status);
            let r = api(&t, &worker, method, &events, "{}").await;
            assert_eq!(r.status, 405, "{method} on the list");
        }

        let list = api(&t, &worker, "GET", &events, "").await;
        let list: serde_json::Value = serde_json::from_str(&list.body).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 3);
        let only = api(&t, &worker, "GET", &format!("{events}?kind=sighting"), "").await;
        let only: serde_json::Value = serde_json::from_str(&only.body).unwrap();
        assert_eq!(only.as_array().unwrap().len(), 1);

        let detail = api(&t, &worker, "GET", &location, "").await;
        let d: serde_json::Value = serde_json::from_str(&detail.body).unwrap();
        assert_eq!(d["state"]["phase"], "missing");
        assert_eq!(d["state"]["minutes_missing"], 60, "{ctx}: 08:00 to 09:00");
        assert_eq!(d["person"]["given_name"], "Ffion");

        let open = api(
            &t,
            &worker,
            "GET",
            &format!("/api/v1/episodes?open=true&person={ffion}"),
            "",
        )
        .await;
        let open: serde_json::Value = serde_json::from_str(&open.body).unwrap();
        assert_eq!(open.as_array().unwrap().len(), 1, "{ctx}");
        // The demo's own episodes are there too: someone missing now, and one closed.
        let manager = session_for(&t, demo.own(Role::Manager)).await;
        let all = api(&t, &manager, "GET", "/api/v1/episodes", "").await;
        let all: serde_json::Value = serde_json::from_str(&all.body).unwrap();
        let phases: Vec<&str> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["phase"].as_str().unwrap())
            .collect();
        assert!(
            phases.contains(&"closed") && phases.len() >= 3,
            "{ctx}: {phases:?}"
        );
        let closed = api(&t, &manager, "GET", "/api/v1/episodes?phase=closed", "").await;
        assert!(!closed.body.contains(r#""phase":"missing""#));
        let pdf = api(
            &t,
            &worker,
            "GET",
            &format!("{location}/chronology.pdf?lang=cy"),
            "",
        )
        .await;
        assert_eq!(pdf.status, 200);
        assert!(pdf.bytes.starts_with(b"%PDF-"));

        // Someone from another organisation finds nothing there.
        let stranger = session_for(&t, demo.other(Role::Manager)).await;
        let r = api(&t, &stranger, "GET", &location, "").await;
        assert_eq!(r.status, 404);
        let r = api(&t, &stranger, "GET", "/api/v1/episodes", "").await;
        assert!(
            !r.body
                .contains(location.trim_start_matches("/api/v1/episodes/"))
        );
    }
}

/// Reads the next server-sent event's text from a stream, within a time limit.
async fn next_event(body: &mut axum::body::Body, within: Duration) -> Option<String> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .ok()??
            .ok()?;
        if let Some(data) = frame.data_ref() {
            let text = String::from_utf8_lossy(data).into_owned();
            if text.contains("event: change") {
                return Some(text);
            }
        }
    }
}

async fn stream(t: &TestApp, s: &Session) -> axum::body::Body {
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .uri("/api/v1/board/stream")
        .header("cookie", format!("__Host-homeward_session={}", s.token))
        .extension(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            1,
        ))))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = t.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    response.into_body()
}

#[tokio::test]
async fn the_board_stream_tells_those_who_may_see_and_nobody_else() {
    for t in engines().await {
        let demo = seed(&t).await;
        let worker = session_for(&t, demo.own(Role::CareWorker)).await;
        let stranger = session_for(&t, demo.other(Role::Manager)).await;
        let ffion = crate::photos::ffion(&t).await;
        let mut mine = stream(&t, &worker).await;
        let mut theirs = stream(&t, &stranger).await;
        let opened = reported_missing(&t, &worker, &ffion).await;
        let id = opened.trim_start_matches("/api/v1/episodes/");
        let change = next_event(&mut mine, Duration::from_secs(2)).await;
        let change = change.unwrap_or_else(|| panic!("{}: no change within 2 s", t.engine));
        assert!(change.contains(id), "{change}");
        assert!(!change.contains("Ffion"), "the stream names no one");
        assert!(
            next_event(&mut theirs, Duration::from_millis(300))
                .await
                .is_none(),
            "another organisation hears nothing"
        );

        // The board page itself, with and without anyone missing.
        let board = get(&t, &worker, "/episodes").await;
        assert_eq!(board.status, 200);
        assert!(board.body.contains("Ffion"));
        assert!(board.body.contains("data-since"));
        assert!(board.body.contains(r#"<meta http-equiv="refresh""#));
        let theirs = get(&t, &stranger, "/episodes").await;
        assert!(!theirs.body.contains("Ffion"));
    }
}

/// A server keeps the board it last read, so a change made by another server (or by the
/// command line) must still be on the next view: here the police grade an episode on the
/// board high, recorded through another server.
#[tokio::test]
async fn a_board_shows_changes_made_by_another_server_at_once() {
    for t in engines().await {
        let demo = seed(&t).await;
        let worker = session_for(&t, demo.own(Role::CareWorker)).await;
        let ffion = crate::photos::ffion(&t).await;
        let episode = reported_missing(&t, &worker, &ffion).await;
        // The board itself, without the page around it (whose form token changes each time).
        let board = || async {
            let body = get(&t, &worker, "/episodes").await.body;
            let from = body.find(r#"<div id="board""#).unwrap();
            body[from..].split("</main>").next().unwrap().to_string()
        };
        let before = board().await;
        assert!(before.contains("Ffion"), "{}", t.engine);
        assert_eq!(board().await, before, "nothing changed");

        let other = t.another_server().await;
        let there = session_for(&other, demo.own(Role::CareWorker)).await;
        let graded = api(
            &other,
            &there,
            "POST",
            &format!("{episode}/events"),
            r#"{"event":{"kind":"police_graded","grade":"high","scheme":"england_wales_app","review_at":null}}"#,
        )
        .await;
        assert_eq!(graded.status, 201, "{}: {}", t.engine, graded.body);
        let high = r#"<strong class="hw-tag hw-tag--red">High</strong>"#;
        assert!(!before.contains(high), "graded high only now");
        let after = board().await;
        assert!(
            after.contains(high) && after.contains("Latest: Police risk grade"),
            "{}: the board was not read again",
            t.engine
        );
    }
}

/// Two app servers on one PostgreSQL database: an event recorded through one reaches a board
/// listening on the other.
#[tokio::test]
async fn a_change_on_one_server_reaches_a_board_on_another() {
    let Some(first) = postgres().await else {
        return;
    };
    let demo = seed(&first).await;
    let second = first.second_server().await;
    let worker = session_for(&first, demo.own(Role::CareWorker)).await;
    let mut on_second = stream(&second, &worker).await;
    let ffion = crate::photos::ffion(&first).await;
    let opened = reported_missing(&first, &worker, &ffion).await;
    let id = opened.trim_start_matches("/api/v1/episodes/");
    let change = next_event(&mut on_second, Duration::from_secs(2))
        .await
        .expect("the second server's board heard within 2 s");
    assert!(change.contains(id));
}

#[tokio::test]
async fn duties_follow_the_rules_of_the_nation_and_the_chronology() {
    for t in engines().await {
        let demo = seed(&t).await;
        let worker = session_for(&t, demo.own(Role::CareWorker)).await;
        let ffion = crate::photos::ffion(&t).await;
        let ctx = t.engine;
        let opened = api(
            &t,
            &worker,
            "POST",
            "/api/v1/episodes",
            &format!(r#"{{"person_id":"{ffion}","last_seen":"2026-11-23T08:45:00Z","last_seen_place":"Home"}}"#),
        )
        .await;
        let episode = opened
            .location()
            .unwrap()
            .trim_start_matches("/api/v1")
            .to_string();
        let duties = |body: &str| -> Vec<serde_json::Value> {
            serde_json::from_str::<Vec<serde_json::Value>>(body)
                .unwrap_or_else(|e| panic!("{e}: {body}"))
        };
        let status = |list: &[serde_json::Value], rule: &str| {
            list.iter()
                .find(|d| d["rule"] == rule)
                .map(|d| d["status"].as_str().unwrap().to_string())
                .unwrap_or_else(|| panic!("{ctx}: no {rule}"))
        };
        let list = duties(
            &api(&t, &worker, "GET", &format!("/api/v1{episode}/duties"), "")
                .await
                .body,
        );
        // A looked-after child in a children's home in Wales: the guide's four duties.
        for rule in [
            "report_police",
            "tell_parents",
            "tell_social_worker",
            "tell_manager",
        ] {
            let d = list.iter().find(|d| d["rule"] == rule).unwrap();
            assert!(
                d["source_document"]
                    .as_str()
                    .unwrap()
                    .starts_with("All Wales Practice Guide"),
                "{ctx}: {d}"
            );
        }
        // Her plan says report after 1 hour: from 08:45, by 09:45.
        let report = list.iter().find(|d| d["rule"] == "report_police").unwrap();
        assert_eq!(report["due_at"], "2026-11-23T09:45:00Z");
        assert_eq!(report["status"], "due");

        // Reported; parents told (through the page, from the duty's own link); the regulator
        // decision recorded as not needed, with why.
        let r = api(
            &t,
            &worker,
            "POST",
            &format!("/api/v1{episode}/events"),
            r#"{"event":{"kind":"reported_to_police","force":"South Wales Police","number":"101","reference":"X1","spoke_to":""}}"#,
        )
        .await;
        assert_eq!(r.status, 201);
        let page = get(&t, &worker, &episode).await;
        assert!(page.body.contains("What must happen"), "{ctx}");
        let told_link = format!("{episode}/add/notified?duty=tell_parents");
        assert!(
            page.body.contains(&told_link.replace('&', "&amp;")) || page.body.contains(&told_link)
        );
        let form = get(&t, &worker, &told_link).await;
        assert!(
            form.body.contains(r#"name="duty" value="tell_parents""#),
            "{ctx}"
        );
        let told = post(
            &t,
            &worker,
            &format!("{episode}/add/notified"),
            &[
                ("duty", "tell_parents"),
                ("who", "Her mother"),
                ("how", "Phone"),
            ],
        )
        .await;
        assert_eq!(told.status, 303, "{ctx}: {}", told.body);
        let bad = post(
            &t,
            &worker,
            &format!("{episode}/add/duty_declined"),
            &[("duty", "not_a_duty"), ("reason", "x")],
        )
        .await;
        assert_eq!(bad.status, 422);
        let declined = post(
            &t,
            &worker,
            &format!("{episode}/add/duty_declined"),
            &[
                ("duty", "regulator_decision"),
                ("reason", "Not a serious event: back within the hour"),
            ],
        )
        .await;
        assert_eq!(declined.status, 303);

        // Two hours on, the social worker has not been told: overdue, here and on the board.
        t.clock.advance(jiff::SignedDuration::from_hours(2));
        // (Her session timed out meanwhile; she signs in again.)
        let worker = session_for(&t, demo.own(Role::CareWorker)).await;
        let list = duties(
            &api(&t, &worker, "GET", &format!("/api/v1{episode}/duties"), "")
                .await
                .body,
        );
        assert_eq!(status(&list, "report_police"), "done");
        assert_eq!(status(&list, "tell_parents"), "done");
        assert_eq!(status(&list, "regulator_decision"), "not_applicable");
        assert_eq!(status(&list, "tell_social_worker"), "overdue");
        let board = get(&t, &worker, "/episodes").await;
        assert!(board.body.contains("hw-board__overdue"), "{ctx}");
        let page = get(&t, &worker, &episode).await;
        assert!(page.body.contains("Overdue"));
        assert!(
            page.body
                .contains("Not a serious event: back within the hour")
        );
    }
}

/// Every time an episode shows, on its page and in its chronology PDF, is right across both
/// clock changes: the October hour that happens twice says which (BST or GMT), a police review
/// time in it is kept (it used to vanish), and March's missing hour is skipped cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_time_shown_is_right_across_both_clock_changes() {
    use homeward_app::episodes::OpenEpisodeInput;
    use homeward_domain::episode::{Event, GradeScheme, PoliceGrade};
    for t in engines().await {
        let ctx = t.engine;
        let demo = seed(&t).await;
        let manager_session = session_for(&t, demo.own(Role::Manager)).await;
        let manager = t
            .app
            .resolve_session(&manager_session.token)
            .await
            .unwrap()
            .unwrap();
        let meta = homeward_app::RequestMeta::default();
        let at = |s: &str| -> jiff::Timestamp { s.parse().unwrap() };
        let org = manager.org_id();
        let mut free = Vec::new();
        for p in t
            .app
            .store
            .list_people(org, None, &test_event(org))
            .await
            .unwrap()
        {
            if t.app
                .store
                .open_episode_of(org, p.id)
                .await
                .unwrap()
                .is_none()
            {
                free.push(p.id);
            }
        }
        // October: last seen at 00:30 BST; graded at 01:10 BST with a review at 01:30 GMT;
        // notes at both 01:30s.
        let october = t
            .app
            .open_episode(
                &manager,
                &meta,
                free[0],
                OpenEpisodeInput {
                    last_seen: Some(at("2026-10-24T23:30:00Z")),
                    last_seen_place: "The station".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let add = |id, when: &str, event: Event| {
            let (app, manager, meta) = (&t.app, &manager, &meta);
            let when = at(when);
            async move {
                app.record_event(manager, meta, id, Some(when), event)
                    .await
                    .unwrap()
            }
        };
        add(
            october,
            "2026-10-25T00:10:00Z",
            Event::PoliceGraded {
                grade: PoliceGrade::Medium,
                scheme: GradeScheme::EnglandWalesApp,
                review_at: Some(at("2026-10-25T01:30:00Z")),
            },
        )
        .await;
        add(
            october,
            "2026-10-25T00:30:00Z",
            Event::Note {
                text: "The first half past one".into(),
            },
        )
        .await;
        add(
            october,
            "2026-10-25T01:30:00Z",
            Event::Note {
                text: "The second half past one".into(),
            },
        )
        .await;
        // March: last seen at 00:30 GMT, a note at 02:30 BST, an hour of real time later.
        let march = t
            .app
            .open_episode(
                &manager,
                &meta,
                free[1],
                OpenEpisodeInput {
                    last_seen: Some(at("2026-03-29T00:30:00Z")),
                    last_seen_place: "The park".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        add(
            march,
            "2026-03-29T01:30:00Z",
            Event::Note {
                text: "After the clocks went forward".into(),
            },
        )
        .await;

        let expected_october = [
            "25 October 2026, 00:30",
            "25 October 2026, 01:10 BST",
            "25 October 2026, 01:30 BST",
            "25 October 2026, 01:30 GMT",
        ];
        let page = get(&t, &manager_session, &format!("/episodes/{october}")).await;
        for shown in expected_october {
            assert!(page.body.contains(shown), "{ctx}: {shown} on the page");
        }
        // The review time in the repeated hour is on the page: in the grade's entry and what
        // is known at a glance, besides the second note.
        assert!(
            page.body.matches("25 October 2026, 01:30 GMT").count() >= 3,
            "{ctx}: the second note and the police review time"
        );
        // Correcting an entry in that hour: the form arrives with its BST or GMT ticked, for
        // the entry's own time and the police review time alike.
        let fix = get(
            &t,
            &manager_session,
            &format!("/episodes/{october}/add/amendment?amends=4"),
        )
        .await;
        assert!(
            fix.body.contains(
                r#"id="when-fold-gmt" name="when-fold" type="radio" value="gmt" checked"#
            ),
            "{ctx}: {}",
            fix.body
        );
        let fix = get(
            &t,
            &manager_session,
            &format!("/episodes/{october}/add/amendment?amends=2"),
        )
        .await;
        assert!(
            fix.body.contains(
                r#"id="review_at-fold-gmt" name="review_at-fold" type="radio" value="gmt" checked"#
            ),
            "{ctx}: {}",
            fix.body
        );
        let pdf = get(
            &t,
            &manager_session,
            &format!("/episodes/{october}/chronology.pdf"),
        )
        .await;
        assert_eq!(pdf.status, 200);
        if let Some(text) = pdf_text(&pdf.bytes) {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for shown in expected_october {
                assert!(flat.contains(shown), "{ctx}: {shown} in the PDF: {flat}");
            }
            assert_eq!(
                flat.matches("25 October 2026, 01:30 GMT").count(),
                2,
                "{ctx}"
            );
        }
        let page = get(&t, &manager_session, &format!("/episodes/{march}")).await;
        for shown in ["29 March 2026, 00:30", "29 March 2026, 02:30"] {
            assert!(page.body.contains(shown), "{ctx}: {shown}");
        }
        assert!(
            !page.body.contains("29 March 2026, 01:"),
            "{ctx}: no time that never was"
        );
        let pdf = get(
            &t,
            &manager_session,
            &format!("/episodes/{march}/chronology.pdf"),
        )
        .await;
        if let Some(text) = pdf_text(&pdf.bytes) {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains("29 March 2026, 02:30"), "{ctx}: {flat}");
        }
    }
}
