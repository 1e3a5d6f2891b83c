//! Episodes through the application layer, on both engines: opened once, added to in order,
//! closed by a manager, seen only by those who may, every step audited. (Pages and the API
//! for episodes come next; these tests hold the use cases they will call.)

use crate::support::*;
use homeward_app::AppError;
use homeward_app::actor::{Actor, RequestMeta};
use homeward_app::episodes::OpenEpisodeInput;
use homeward_domain::episode::{
    Event, GradeScheme, Located, Phase, PoliceGrade, PoliceNumber, PoliceReport, Returned,
    Whereabouts,
};
use homeward_domain::role::Role;
use homeward_store::User;
use jiff::SignedDuration;

async fn actor(t: &TestApp, user: &User) -> Actor {
    let s = session_for(t, user).await;
    t.app.resolve_session(&s.token).await.unwrap().unwrap()
}

fn refusal(e: AppError) -> &'static str {
    match e {
        AppError::Invalid(fields) => fields[0].message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn an_episode_is_opened_once_recorded_in_order_and_closed_by_a_manager() {
    for t in engines().await {
        let demo = seed(&t).await;
        let worker = actor(&t, demo.own(Role::CareWorker)).await;
        let manager = actor(&t, demo.own(Role::Manager)).await;
        let meta = RequestMeta::default();
        let ffion = crate::photos::ffion(&t).await.parse().unwrap();
        let last_seen = start_time() - SignedDuration::from_hours(2);
        let input = OpenEpisodeInput {
            last_seen: Some(last_seen),
            last_seen_place: "The bus stop outside school".into(),
            whereabouts: Some(Whereabouts::Unknown),
            clothing: "Black puffer jacket, white trainers".into(),
            circumstances: "Did not come back from school".into(),
        };
        let id = t
            .app
            .open_episode(&worker, &meta, ffion, input.clone())
            .await
            .unwrap();
        let again = t.app.open_episode(&manager, &meta, ffion, input).await;
        assert_eq!(refusal(again.unwrap_err()), "error-episode-already-open");
        assert_eq!(
            t.app.open_episode_of(&worker, ffion).await.unwrap(),
            Some(id)
        );

        let (m, app, clock) = (&meta, &t.app, &t.clock);
        let record = |who: &Actor, minutes: i64, event: Event| {
            let when = start_time() + SignedDuration::from_mins(minutes);
            clock.set(when.max(start_time()) + SignedDuration::from_mins(1));
            let who = who.clone();
            async move {
                app.record_event(&who, m, id, Some(when), event)
                    .await
                    .map(|r| r.seq)
            }
        };
        record(
            &worker,
            5,
            Event::StepDone {
                step: 1,
                what: "Rang her mobile".into(),
                found: "Went to voicemail".into(),
            },
        )
        .await
        .unwrap();
        record(
            &worker,
            10,
            Event::ReportedToPolice(PoliceReport {
                force: "Heddlu De Cymru".into(),
                number: PoliceNumber::NonEmergency,
                reference: "SWP-1123-0456".into(),
                spoke_to: "Call handler 4471".into(),
            }),
        )
        .await
        .unwrap();
        let scottish = record(
            &worker,
            15,
            Event::PoliceGraded {
                grade: PoliceGrade::VeryLow,
                scheme: GradeScheme::Scotland,
                review_at: None,
            },
        )
        .await;
        assert_eq!(refusal(scottish.unwrap_err()), "error-episode-grade-scheme");
        record(
            &worker,
            15,
            Event::PoliceGraded {
                grade: PoliceGrade::Medium,
                scheme: GradeScheme::EnglandWalesApp,
                review_at: None,
            },
        )
        .await
        .unwrap();
        let located = Event::Located(Located {
            place: "A friend's flat".into(),
            town: "Caerdydd".into(),
            police_area: "South Wales".into(),
            found_by: "Police".into(),
            condition: "Tired, unhurt".into(),
            who_was_told: "Social worker, mother".into(),
        });
        let too_early = record(&worker, -180, located.clone()).await;
        assert_eq!(
            refusal(too_early.unwrap_err()),
            "error-episode-before-last-seen"
        );
        let early_close = record(
            &manager,
            20,
            Event::Closed {
                summary: "x".into(),
                left_open: Vec::new(),
            },
        )
        .await;
        assert_eq!(
            refusal(early_close.unwrap_err()),
            "error-episode-not-found-yet"
        );
        record(&worker, 90, located).await.unwrap();
        // The demo has someone else missing in this organisation too.
        let on_board =
            |board: Vec<homeward_store::EpisodeSummary>| board.into_iter().find(|e| e.id == id);
        let board = t.app.open_episodes(&manager, &meta).await.unwrap();
        let line = on_board(board).expect("found but not yet back: still on the board");
        assert_eq!(line.police_grade.as_deref(), Some("medium"));
        record(
            &worker,
            120,
            Event::Returned(Returned {
                to_where: "Home".into(),
                how: "Staff car".into(),
                via_police_station: false,
                why_police_station: String::new(),
            }),
        )
        .await
        .unwrap();

        assert!(
            on_board(t.app.open_episodes(&manager, &meta).await.unwrap()).is_none(),
            "back: off the board"
        );
        // Only a manager closes it; a care worker is refused outright.
        let by_worker = record(
            &worker,
            200,
            Event::Closed {
                summary: "Back safe".into(),
                left_open: Vec::new(),
            },
        )
        .await;
        assert!(matches!(by_worker, Err(AppError::Forbidden)));
        // Closing accounts for every duty: without a reason for each one still open, the
        // manager is told which.
        let open: Vec<String> = t
            .app
            .view_episode(&manager, &meta, id)
            .await
            .unwrap()
            .duties
            .iter()
            .filter(|d| d.is_open())
            .map(|d| d.rule.to_string())
            .collect();
        assert!(!open.is_empty());
        let unexplained = record(
            &manager,
            200,
            Event::Closed {
                summary: "Back safe".into(),
                left_open: Vec::new(),
            },
        )
        .await;
        match unexplained {
            Err(AppError::Invalid(fields)) => {
                let named: Vec<String> = fields.iter().map(|f| f.field.clone()).collect();
                let expected: Vec<String> = open.iter().map(|r| format!("left-{r}")).collect();
                assert_eq!(named, expected, "{}", t.engine);
            }
            other => panic!("{}: {other:?}", t.engine),
        }
        let n = record(
            &manager,
            200,
            Event::Closed {
                summary: "Back safe; return interview booked".into(),
                left_open: open
                    .iter()
                    .map(|r| homeward_domain::episode::LeftOpen {
                        duty: r.clone(),
                        reason: "Done by phone; recorded in the home's log".into(),
                    })
                    .collect(),
            },
        )
        .await
        .unwrap();
        assert_eq!(n, 7);
        assert!(on_board(t.app.open_episodes(&manager, &meta).await.unwrap()).is_none());
        // Closed: nothing shows "to do"; each duty left carries the manager's reason.
        let closed = t.app.view_episode(&manager, &meta, id).await.unwrap();
        assert!(closed.duties.iter().all(|d| !d.is_open()), "{}", t.engine);
        let late = record(
            &worker,
            210,
            Event::Note {
                text: "late".into(),
            },
        )
        .await;
        assert_eq!(refusal(late.unwrap_err()), "error-episode-ended");

        let view = t.app.view_episode(&worker, &meta, id).await.unwrap();
        assert_eq!(view.state.phase, Phase::Closed);
        assert_eq!(view.events.len(), 7);
        assert_eq!(view.state.steps_done, [1].into());
        assert_eq!(
            homeward_domain::episode::time_missing(&view.state, start_time()),
            SignedDuration::from_mins(210),
            "from last seen to found"
        );

        // Another organisation cannot see it exists.
        let outsider = actor(&t, demo.other(Role::Manager)).await;
        assert!(matches!(
            t.app.view_episode(&outsider, &meta, id).await,
            Err(AppError::NotFound)
        ));

        let actions: Vec<String> = t
            .app
            .store
            .audit_page(0, 1_000_000)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.event.action)
            .filter(|a| a.starts_with("episode."))
            .collect();
        for expected in [
            "episode.open",
            "episode.located",
            "episode.closed",
            "episode.view",
            "episode.board",
        ] {
            assert!(
                actions.iter().any(|a| a == expected),
                "[{}] {expected} in {actions:?}",
                t.engine
            );
        }
        // After closing, she may go missing again: a new episode opens.
        t.app
            .open_episode(&worker, &meta, ffion, OpenEpisodeInput::default())
            .await
            .unwrap();
    }
}
