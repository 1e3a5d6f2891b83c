//! The facts each episode contributes to learning: written with every chronology entry, and
//! the same when rebuilt from the chronologies.

use crate::support::*;
use homeward_app::actor::RequestMeta;
use homeward_app::episodes::OpenEpisodeInput;
use homeward_domain::episode::{Event, LeftOpen, Located, PoliceNumber, PoliceReport, Returned};
use homeward_domain::role::Role;
use jiff::SignedDuration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facts_written_entry_by_entry_are_the_facts_rebuilt_from_the_chronology() {
    for t in engines().await {
        let demo = seed(&t).await;
        let manager = demo.own(Role::Manager).clone();
        let org = manager.org_id;
        let session = session_for(&t, &manager).await;
        let actor = t
            .app
            .resolve_session(&session.token)
            .await
            .unwrap()
            .unwrap();
        let meta = RequestMeta::default();
        // Someone without an open episode.
        let people = t
            .app
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
            .unwrap();
        let mut person = None;
        for p in people {
            if t.app
                .store
                .open_episode_of(org, p.id)
                .await
                .unwrap()
                .is_none()
            {
                person = Some(p);
                break;
            }
        }
        let person = person.unwrap();
        let last_seen = t.app.clock.now() - SignedDuration::from_mins(40);
        let id = t
            .app
            .open_episode(
                &actor,
                &meta,
                person.id,
                OpenEpisodeInput {
                    last_seen: Some(last_seen),
                    last_seen_place: "Retail park".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let opened = t.app.store.learning_of(org, id).await.unwrap().unwrap();
        assert_eq!(opened.facts.started_at, last_seen);
        assert_eq!(opened.facts.last_seen_place, "Retail park");
        assert!(opened.facts.away_minutes.is_none());
        assert!(!opened.duties.is_empty(), "{}", t.engine);
        let add = |minutes: i64, event: Event| {
            let t = &t;
            let actor = actor.clone();
            async move {
                t.clock.advance(SignedDuration::from_mins(minutes));
                t.app
                    .record_event(&actor, &RequestMeta::default(), id, None, event)
                    .await
                    .unwrap();
            }
        };
        add(
            5,
            Event::ReportedToPolice(PoliceReport {
                force: "Gwent".into(),
                number: PoliceNumber::NonEmergency,
                reference: "GW-9".into(),
                spoke_to: "PC Price".into(),
            }),
        )
        .await;
        add(
            90,
            Event::Located(Located {
                place: "Friend's house".into(),
                town: "Cwmbran".into(),
                police_area: "Gwent".into(),
                found_by: "Police".into(),
                condition: "Cold, unhurt".into(),
                who_was_told: "Manager".into(),
            }),
        )
        .await;
        add(
            30,
            Event::Returned(Returned {
                to_where: "Home".into(),
                how: "Police car".into(),
                via_police_station: false,
                why_police_station: String::new(),
            }),
        )
        .await;
        let written = t.app.store.learning_of(org, id).await.unwrap().unwrap();
        assert_eq!(written.facts.away_minutes, Some(40 + 5 + 90));
        assert_eq!(written.facts.reported_after_minutes, Some(45));
        assert_eq!(written.facts.found_town, "Cwmbran");
        assert_eq!(written.facts.phase, "returned");
        assert!(
            written.duties.iter().any(|d| d.status == "done"),
            "{:?}",
            written.duties
        );
        // Closed with every open duty given a reason.
        let view = t.app.view_episode(&actor, &meta, id).await.unwrap();
        let left_open = view
            .duties
            .iter()
            .filter(|d| d.is_open())
            .map(|d| LeftOpen {
                duty: d.rule.to_string(),
                reason: "Handled outside Homeward for this test".into(),
            })
            .collect();
        add(
            60,
            Event::Closed {
                summary: "Back safe".into(),
                left_open,
            },
        )
        .await;
        let closed = t.app.store.learning_of(org, id).await.unwrap().unwrap();
        assert_eq!(closed.facts.phase, "closed");
        // Five days after coming back they go again: a near repeat, said on the board, the
        // episode and their page.
        let came_back = closed.facts.returned_at.unwrap();
        t.clock.advance(SignedDuration::from_hours(24 * 5));
        let again = t
            .app
            .open_episode(&actor, &meta, person.id, OpenEpisodeInput::default())
            .await
            .unwrap();
        let repeat = t.app.store.learning_of(org, again).await.unwrap().unwrap();
        assert_eq!(repeat.facts.previous_return_at, Some(came_back));
        assert!(repeat.facts.near_repeat().is_some());
        let warning = "Missing again 5 d";
        // Signed in again: five days is longer than a session lasts.
        let session = session_for(&t, &manager).await;
        for path in [
            "/episodes".to_string(),
            format!("/episodes/{again}"),
            format!("/people/{}", person.id),
        ] {
            let page = req("GET", &path).session(&session).send(&t).await;
            assert_eq!(page.status, 200, "{path}");
            assert!(page.body.contains(warning), "{} {path}", t.engine);
        }
        let first = req("GET", &format!("/episodes/{id}"))
            .session(&session)
            .send(&t)
            .await;
        assert!(
            !first.body.contains(warning),
            "their first episode was not one"
        );
        // Rebuilding every episode of the organisation gives exactly what was written, and
        // the patterns counted again from them are the counts kept entry by entry.
        let kept = t.app.store.rollups(org).await.unwrap();
        assert!(kept.iter().any(|r| r.figure == "cut" && r.key == "repeat"));
        let rebuilt = t.app.rebuild_learning(Some(org)).await.unwrap();
        assert_eq!(
            t.app.store.rollups(org).await.unwrap(),
            kept,
            "{}",
            t.engine
        );
        assert_eq!(rebuilt.counts, kept.len() as u64);
        assert_eq!(rebuilt.failed, 0);
        assert!(rebuilt.episodes > 1);
        let rebuilt_closed = t.app.store.learning_of(org, id).await.unwrap().unwrap();
        assert_eq!(rebuilt_closed, closed, "{}", t.engine);
        let rebuilt_repeat = t.app.store.learning_of(org, again).await.unwrap().unwrap();
        assert_eq!(rebuilt_repeat, repeat, "{}", t.engine);
        // The demo's episodes all have their facts.
        let all = t
            .app
            .store
            .list_episodes(
                org,
                &homeward_store::EpisodeQuery {
                    limit: 1000,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        for e in all {
            assert!(
                t.app.store.learning_of(org, e.id).await.unwrap().is_some(),
                "{} has no facts",
                e.id
            );
        }
    }
}
