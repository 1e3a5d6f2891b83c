//! The patterns page: every number on it opens a list of exactly that many episodes.

use crate::support::*;
use homeward_domain::role::Role::{CareWorker, SafeguardingLead};

/// Each `<a href="/patterns/episodes?…">N</a>` on a page: the link and its number.
fn figure_links(body: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("<a href=\"/patterns/episodes?") {
        rest = &rest[i + "<a href=\"".len()..];
        let end = rest.find('"').unwrap();
        let link = rest[..end].replace("&amp;", "&").replace("&#38;", "&");
        let text_start = rest.find('>').unwrap() + 1;
        let text_end = rest.find("</a>").unwrap();
        let text = &rest[text_start..text_end];
        if let Ok(n) = text.trim().parse::<usize>() {
            out.push((link, n));
        }
        rest = &rest[text_end..];
    }
    out
}

/// Opens every figure's list and checks it holds that many episodes; returns the number of
/// every episode in the period.
async fn every_figure_adds_up(t: &TestApp, session: &Session, links: &[(String, usize)]) -> usize {
    for (link, n) in links {
        let list = req("GET", link).session(session).send(t).await;
        assert_eq!(list.status, 200, "{link}");
        let rows = list.body.matches("class=\"hw-pattern-episode\"").count();
        assert_eq!(rows, (*n).min(100), "{} {link}", t.engine);
    }
    links
        .iter()
        .find(|(l, _)| !l.contains("cut="))
        .map(|(_, n)| *n)
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_figure_opens_a_list_of_exactly_that_many_episodes() {
    for t in engines().await {
        let demo = seed(&t).await;
        let lead = session_for(&t, demo.own(SafeguardingLead)).await;
        let today = homeward_domain::time::in_london(t.app.clock.now()).date();
        let page = req("GET", &format!("/patterns?from=2018-01-01&to={today}"))
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Patterns and trends"));
        assert!(
            page.body.contains("<svg class=\"hw-grid\""),
            "the grid is drawn"
        );
        let links = figure_links(&page.body);
        assert!(links.len() > 10, "{} figures link to lists", links.len());
        let total = every_figure_adds_up(&t, &lead, &links).await;
        assert!(total > 0, "the demo's episodes are counted");
        // The grid's cells add up to every episode in the period.
        let in_grid: usize = links
            .iter()
            .filter(|(l, _)| l.contains("cut=slot"))
            .map(|(_, n)| n)
            .sum::<usize>();
        assert_eq!(in_grid, total, "the table under the picture adds up");
        // A Welsh organisation: a return interview is expected from the third episode, the
        // repeat threshold is the organisation's own, and there is no 72-hour clock.
        for label in [
            "A return interview was expected (episode 3 or later)",
            "At or over the repeat threshold (3 or more in 30 days)",
            "Of those, offered once back",
        ] {
            assert!(page.body.contains(label), "{label}");
        }
        assert!(
            links.iter().any(|(l, _)| l.contains("cut=expected&"))
                || links.iter().any(|(l, _)| l.ends_with("cut=expected")),
            "the expected interviews open their list"
        );
        assert!(!page.body.contains("Offered within 72 hours"));
        // What stands out, in sentences from the same figures.
        assert!(page.body.contains("What stands out"));
        assert!(
            page.body.contains(&format!("{total} episodes by ")),
            "the first finding gives the episodes"
        );
        // Where they were found by police force area, and why interviews were declined,
        // each opening its episodes.
        assert!(
            page.body
                .contains("Where they were found (police force area)")
        );
        assert!(page.body.contains("Why return interviews were declined"));
        assert!(page.body.contains("Did not want to talk about it"));
        assert!(links.iter().any(|(l, _)| l.contains("cut=area")));
        assert!(
            links
                .iter()
                .any(|(l, _)| l.contains("cut=declined%3A") || l.contains("cut=declined:"))
        );
        assert_eq!(
            page.body.matches("<a href=\"/patterns/episodes?").count() - links.len(),
            7 * 24,
            "every square of the picture opens its episodes"
        );

        // The same figures to take away: a PDF whose text holds them, and a CSV.
        let pdf = req(
            "GET",
            &format!("/patterns/report.pdf?from=2018-01-01&to={today}"),
        )
        .session(&lead)
        .send(&t)
        .await;
        assert_eq!(pdf.status, 200);
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        if let Some(text) = crate::pack::pdf_text(&pdf.bytes) {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                text.contains("Missing from care: patterns and trends"),
                "{text}"
            );
            // The text extractor reads the labels' column, then the values'.
            assert!(text.contains("Episodes People"), "{text}");
            assert!(
                text.contains(&format!(
                    "Typical time away (median) {total} (period before:"
                )),
                "the episodes figure leads the values: {text}"
            );
        }
        // The figures an inspection asks for, for this Welsh organisation.
        let inspection = req(
            "GET",
            &format!("/patterns/inspection.pdf?from=2018-01-01&to={today}"),
        )
        .session(&lead)
        .send(&t)
        .await;
        assert_eq!(inspection.status, 200);
        if let Some(text) = crate::pack::pdf_text(&inspection.bytes) {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                text.contains("Quality of care review: people missing from care"),
                "{text}"
            );
            assert!(
                text.contains("Times children were missing or away without authorisation"),
                "{text}"
            );
            assert!(text.contains(&format!("{total} (period before:")), "{text}");
            assert!(text.contains("What stands out"), "{text}");
        }
        let csv = req(
            "GET",
            &format!("/patterns/report.csv?from=2018-01-01&to={today}"),
        )
        .session(&lead)
        .send(&t)
        .await;
        assert_eq!(csv.status, 200);
        assert!(
            csv.header("content-type").unwrap().starts_with("text/csv"),
            "{:?}",
            csv.header("content-type")
        );
        assert!(
            csv.body
                .lines()
                .any(|l| l.starts_with(&format!("Episodes and people,Episodes,{total},"))),
            "{}",
            csv.body
        );
        assert!(
            csv.body
                .lines()
                .any(|l| l.starts_with(&format!("What stands out,{total} episodes by "))),
            "{}",
            csv.body
        );
        let trail = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        for action in [
            "patterns.report",
            "patterns.csv",
            "patterns.list",
            // The figures an inspection asks for in Wales: the quality of care review's.
            "patterns.review_report",
        ] {
            assert!(trail.iter().any(|r| r.event.action == action), "{action}");
        }

        // One person's own patterns, from their page: all theirs, and adding up too.
        let who = req("GET", "/api/v1/episodes?limit=1")
            .session(&lead)
            .send(&t)
            .await;
        let first: serde_json::Value = serde_json::from_str(&who.body).unwrap();
        let person = first[0]["person_id"].as_str().unwrap().to_string();
        let theirs = req("GET", &format!("/people/{person}"))
            .session(&lead)
            .send(&t)
            .await;
        let start = theirs
            .body
            .find("/patterns?person=")
            .expect("a link to their patterns");
        let link = theirs.body[start..]
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        let own = req("GET", &link).session(&lead).send(&t).await;
        assert_eq!(own.status, 200, "{link}");
        let own_links = figure_links(&own.body);
        assert!(
            own_links
                .iter()
                .all(|(l, _)| l.contains(&format!("person={person}")))
        );
        let own_total = every_figure_adds_up(&t, &lead, &own_links).await;
        assert!(
            own_total >= 1 && own_total <= total,
            "{own_total} of {total}"
        );
        // Their timeline: every episode they have had, each a bar and a row linking to it.
        let person_id = homeward_domain::ids::PersonId(person.parse().unwrap());
        let everything = t
            .app
            .store
            .person_facts(demo.own(SafeguardingLead).org_id, person_id, 1000)
            .await
            .unwrap();
        assert!(own.body.contains("Their episodes over time"));
        assert_eq!(
            ["away", "again", "missing"]
                .iter()
                .map(|c| own
                    .body
                    .matches(&format!("class=\"hw-timeline__{c}\""))
                    .count())
                .sum::<usize>(),
            everything.len(),
            "a bar for each episode"
        );
        for r in &everything {
            assert!(
                own.body
                    .contains(&format!("href=\"/episodes/{}\"", r.episode_id)),
                "{} is on the timeline",
                r.episode_id
            );
        }

        // The same through the API: the figures, and each figure's episodes page by page.
        let api = req(
            "GET",
            &format!("/api/v1/patterns?from=2018-01-01&to={today}"),
        )
        .session(&lead)
        .send(&t)
        .await;
        assert_eq!(api.status, 200, "{}", api.body);
        let figures: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(figures["current"]["episodes"].as_u64(), Some(total as u64));
        for (cut, figure) in [
            ("", "episodes"),
            ("&cut=repeat", "repeat"),
            ("&cut=reported", "reported_to_police"),
            ("&cut=returned", "returned"),
        ] {
            let mut next = Some(format!(
                "/api/v1/patterns/episodes?from=2018-01-01&to={today}&limit=1{cut}"
            ));
            let mut seen = 0;
            while let Some(path) = next.take() {
                let page = req("GET", &path).session(&lead).send(&t).await;
                assert_eq!(page.status, 200, "{path}: {}", page.body);
                let list: Vec<serde_json::Value> = serde_json::from_str(&page.body).unwrap();
                seen += list.len();
                next = page.header("link").map(|l| {
                    l.trim_start_matches('<')
                        .split('>')
                        .next()
                        .unwrap()
                        .to_string()
                });
                assert!(seen <= 1000);
            }
            assert_eq!(
                Some(seen as u64),
                figures["current"][figure].as_u64(),
                "{figure}"
            );
        }
        for bad in ["cut=sideways", "within=0", "from=yesterday", "service=nope"] {
            let reply = req("GET", &format!("/api/v1/patterns?{bad}"))
                .session(&lead)
                .send(&t)
                .await;
            assert_eq!(reply.status, 422, "{bad}: {}", reply.body);
        }

        // In Welsh too.
        let welsh = req(
            "GET",
            &format!("/patterns?from=2018-01-01&to={today}&lang=cy"),
        )
        .session(&lead)
        .header("cookie", "homeward_lang=cy")
        .send(&t)
        .await;
        assert_eq!(welsh.status, 200);

        // Plain words for a wrong date or a period back to front.
        let wrong = req("GET", "/patterns?from=31/12/2025")
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains("year-month-day"));
        let backwards = req("GET", "/patterns?from=2026-02-01&to=2026-01-01")
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(backwards.status, 422);
        assert!(backwards.body.contains("on or after its start"));

        // Care staff see their people's episodes, not the organisation's trends.
        let worker = session_for(&t, demo.own(CareWorker)).await;
        let refused = req("GET", "/patterns").session(&worker).send(&t).await;
        assert_eq!(refused.status, 403);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_who_went_missing_together_are_shown_as_a_group() {
    use homeward_app::actor::RequestMeta;
    use homeward_app::episodes::OpenEpisodeInput;
    use homeward_domain::role::Role::Manager;
    for t in engines().await {
        let demo = seed(&t).await;
        let org = demo.own(Manager).org_id;
        let manager = t
            .app
            .resolve_session(&session_for(&t, demo.own(Manager)).await.token)
            .await
            .unwrap()
            .unwrap();
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
        // Two from one home with nothing open.
        let mut free = Vec::new();
        for p in &people {
            if t.app
                .store
                .open_episode_of(org, p.id)
                .await
                .unwrap()
                .is_none()
            {
                free.push(p.clone());
            }
        }
        let (a, b) = free
            .iter()
            .enumerate()
            .find_map(|(i, a)| {
                free[i + 1..]
                    .iter()
                    .find(|b| b.service_id == a.service_id)
                    .map(|b| (a.clone(), b.clone()))
            })
            .expect("two people in one home");
        let now = t.app.clock.now();
        for (p, minutes) in [(&a, 30), (&b, 10)] {
            t.app
                .open_episode(
                    &manager,
                    &RequestMeta::default(),
                    p.id,
                    OpenEpisodeInput {
                        last_seen: Some(now - jiff::SignedDuration::from_mins(minutes)),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        }
        let lead = session_for(&t, demo.own(SafeguardingLead)).await;
        let page = req("GET", "/patterns").session(&lead).send(&t).await;
        assert_eq!(page.status, 200);
        let group = page
            .body
            .split("<tr class=\"hw-together\">")
            .nth(1)
            .expect("a group")
            .split("</tr>")
            .next()
            .unwrap();
        assert!(
            group.contains(&a.given_name) && group.contains(&b.given_name),
            "{group}"
        );
        // Ten minutes apart is not together when asked for five.
        let narrow = req("GET", "/patterns?within=5")
            .session(&lead)
            .send(&t)
            .await;
        assert!(
            !narrow.body.contains("<tr class=\"hw-together\">"),
            "{}",
            t.engine
        );
        let wrong = req("GET", "/patterns?within=lots")
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains("from 1 to 1440"));
    }
}

/// The group summary names nobody (each person a letter, the same throughout) unless a
/// manager or safeguarding lead records to whom, why and on what lawful basis.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_group_summary_names_nobody_unless_the_disclosure_is_recorded() {
    for t in engines().await {
        let demo = seed(&t).await;
        let lead = session_for(&t, demo.own(SafeguardingLead)).await;
        let today = homeward_domain::time::in_london(t.app.clock.now()).date();
        let window = format!("from=2018-01-01&to={today}");
        let form = req("GET", &format!("/patterns/summary?{window}"))
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("Share it with names"));
        // Someone who went missing in the period, by name.
        let listed = req("GET", "/api/v1/episodes?limit=1")
            .session(&lead)
            .send(&t)
            .await;
        let first: serde_json::Value = serde_json::from_str(&listed.body).unwrap();
        let person: homeward_domain::ids::PersonId =
            first[0]["person_id"].as_str().unwrap().parse().unwrap();
        let org = demo.own(SafeguardingLead).org_id;
        let who = t.app.store.get_person(org, person).await.unwrap().unwrap();
        let name = format!("{} {}", who.given_name, who.family_name);

        let letters = req("GET", &format!("/patterns/summary.pdf?{window}"))
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(letters.status, 200);
        assert!(letters.bytes.starts_with(b"%PDF-"));
        if let Some(text) = crate::pack::pdf_text(&letters.bytes) {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains("Person A"), "{text}");
            assert!(!text.contains(&name), "{name} is not named: {text}");
            assert!(text.contains("The episodes in the period"), "{text}");
        }

        // Names only with the disclosure written down; each part is asked for.
        let form_body = |pairs: &[(&str, &str)]| {
            let mut f = form_urlencoded::Serializer::new(String::new());
            f.append_pair("csrf_token", &lead.csrf);
            f.append_pair("from", "2018-01-01");
            f.append_pair("to", &today.to_string());
            for (k, v) in pairs {
                f.append_pair(k, v);
            }
            f.finish()
        };
        let missing = req("POST", "/patterns/summary.pdf")
            .session(&lead)
            .form(&form_body(&[(
                "recipient",
                "Missing children group, Cardiff",
            )]))
            .send(&t)
            .await;
        assert_eq!(missing.status, 422);
        assert!(missing.body.contains("Enter why they need the names"));
        assert!(
            missing
                .body
                .contains("Enter the lawful basis for sharing the names")
        );
        assert!(
            missing.body.contains("Missing children group, Cardiff"),
            "kept as typed"
        );
        let named = req("POST", "/patterns/summary.pdf")
            .session(&lead)
            .form(&form_body(&[
                ("recipient", "Missing children group, Cardiff"),
                ("purpose", "agree a safety plan"),
                ("basis", "UK GDPR 6(1)(e), 9(2)(g)"),
            ]))
            .send(&t)
            .await;
        assert_eq!(named.status, 200, "{}", named.body);
        if let Some(text) = crate::pack::pdf_text(&named.bytes) {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(&name), "{name} is named: {text}");
            assert!(text.contains("Missing children group, Cardiff"), "{text}");
        }
        let trail = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        assert!(
            trail
                .iter()
                .any(|r| r.event.action == "patterns.group_summary")
        );
        let disclosed = trail
            .iter()
            .find(|r| r.event.action == "patterns.group_summary.named")
            .expect("the disclosure is recorded");
        let what = disclosed.event.resource_id.clone().unwrap_or_default();
        assert!(
            what.contains("named to Missing children group, Cardiff")
                && what.contains("purpose: agree a safety plan")
                && what.contains("lawful basis: UK GDPR 6(1)(e), 9(2)(g)"),
            "{what}"
        );
        // An auditor reads the summary with letters, and cannot name anyone.
        let auditor = session_for(&t, demo.own(homeward_domain::role::Role::Auditor)).await;
        let form = req("GET", "/patterns/summary")
            .session(&auditor)
            .send(&t)
            .await;
        assert_eq!(form.status, 200);
        assert!(!form.body.contains("Share it with names"));
    }
}

/// Where people were seen and found is matched to the places on their information forms,
/// and people whose forms name the same associate are shown together, on the page, in their
/// own patterns and in the CSV; each count opens its episodes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn places_are_matched_to_the_forms_and_shared_associates_are_shown() {
    use homeward_app::actor::RequestMeta;
    use homeward_app::episodes::OpenEpisodeInput;
    use homeward_domain::episode::{Event, Located};
    use homeward_domain::forms::{DocKind, RawSection};
    use homeward_domain::role::Role::Manager;
    use std::collections::BTreeMap;
    for t in engines().await {
        let demo = seed(&t).await;
        let org = demo.own(Manager).org_id;
        let manager = t
            .app
            .resolve_session(&session_for(&t, demo.own(Manager)).await.token)
            .await
            .unwrap()
            .unwrap();
        let meta = RequestMeta::default();
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
        let mut free = Vec::new();
        for p in &people {
            if t.app
                .store
                .open_episode_of(org, p.id)
                .await
                .unwrap()
                .is_none()
            {
                free.push(p.clone());
            }
        }
        let (a, b) = (free[0].clone(), free[1].clone());
        let item = |pairs: &[(&str, &str)]| -> BTreeMap<String, Vec<String>> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
                .collect()
        };
        for (p, associate) in [(&a, "Dean  Morgan"), (&b, "dean morgan")] {
            let mut places = RawSection::default();
            places.groups.insert(
                "place".into(),
                vec![item(&[
                    ("kind", "hangout"),
                    ("where", "Skate park, Victoria Road"),
                ])],
            );
            let mut associates = RawSection::default();
            associates.groups.insert(
                "associate".into(),
                vec![
                    item(&[("name", associate), ("trust", "concern")]),
                    item(&[("name", "Mum"), ("trust", "trusted")]),
                ],
            );
            for (section, raw) in [("places", &places), ("associates", &associates)] {
                let version = t
                    .app
                    .store
                    .latest_document(org, p.id, DocKind::Profile)
                    .await
                    .unwrap()
                    .map_or(0, |v| v.version);
                t.app
                    .save_section(
                        &manager,
                        &meta,
                        p.id,
                        DocKind::Profile,
                        section,
                        raw,
                        version,
                    )
                    .await
                    .unwrap();
            }
        }
        // Reporting them missing offers the places on their form as they type.
        let in_charge = session_for(&t, demo.own(Manager)).await;
        let form = req("GET", &format!("/people/{}/episodes/new", a.id))
            .session(&in_charge)
            .send(&t)
            .await;
        assert_eq!(form.status, 200);
        assert!(
            form.body.contains("list=\"last_seen_place-list\"")
                && form
                    .body
                    .contains("<option value=\"Skate park, Victoria Road\"></option>"),
            "{}",
            form.body
        );
        let now = t.app.clock.now();
        let mut opened = Vec::new();
        for (p, place) in [(&a, "outside the skate park"), (&b, "Bus station")] {
            opened.push(
                t.app
                    .open_episode(
                        &manager,
                        &meta,
                        p.id,
                        OpenEpisodeInput {
                            last_seen: Some(now - jiff::SignedDuration::from_hours(5)),
                            last_seen_place: place.into(),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap(),
            );
        }
        t.app
            .record_event(
                &manager,
                &meta,
                opened[0],
                None,
                Event::Located(Located {
                    place: "Cardiff Central station".into(),
                    town: "Cardiff".into(),
                    police_area: "South Wales".into(),
                    found_by: "Police".into(),
                    condition: "Well".into(),
                    who_was_told: "Manager".into(),
                }),
            )
            .await
            .unwrap();
        let facts = |id| {
            let t = &t;
            async move {
                t.app
                    .store
                    .learning_of(org, id)
                    .await
                    .unwrap()
                    .unwrap()
                    .facts
            }
        };
        let first = facts(opened[0]).await;
        assert_eq!(
            (first.last_seen_kind.as_str(), first.found_kind.as_str()),
            ("hangout", "not_on_form"),
            "{}",
            t.engine
        );
        assert_eq!(facts(opened[1]).await.last_seen_kind, "not_on_form");

        let lead = session_for(&t, demo.own(SafeguardingLead)).await;
        let page = req("GET", "/patterns").session(&lead).send(&t).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body
                .contains("by the places on their information forms")
        );
        assert!(page.body.contains("Not on their information form"));
        assert!(
            page.body
                .contains("were found somewhere not on the person’s information form"),
            "a finding says so"
        );
        // Each count by kind of place opens exactly its episodes.
        let links: Vec<_> = figure_links(&page.body)
            .into_iter()
            .filter(|(l, _)| l.contains("_kind"))
            .collect();
        assert!(links.len() >= 2, "{links:?}");
        every_figure_adds_up(&t, &lead, &links).await;
        let shared = page
            .body
            .split("<tr class=\"hw-shared\">")
            .nth(1)
            .expect("an associate shared")
            .split("</tr>")
            .next()
            .unwrap();
        assert!(shared.contains("Dean  Morgan (a concern)"), "{shared}");
        assert!(
            shared.contains(&a.given_name) && shared.contains(&b.given_name),
            "{shared}"
        );
        assert!(
            !page.body.contains(">Mum"),
            "a relation alone is not shared"
        );
        // A's own patterns show who shares their associate.
        let own = req("GET", &format!("/patterns?person={}", a.id))
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(own.status, 200);
        assert!(own.body.contains("<tr class=\"hw-shared\">"));
        let csv = req("GET", "/patterns/report.csv")
            .session(&lead)
            .send(&t)
            .await;
        assert!(
            csv.body
                .contains("People who share an associate,Dean  Morgan (a concern)"),
            "{}",
            csv.body
        );
        let api = req("GET", "/api/v1/patterns").session(&lead).send(&t).await;
        let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(
            json["shared_associates"][0]["concern"], true,
            "{}",
            api.body
        );
        assert_eq!(
            json["current"]["found_by_kind_of_place"][0]["value"],
            "not_on_form"
        );
    }
}

/// The reports for inspection and review: each nation's own, with the manager's evaluation
/// in the PDF and the CSV; a report for another nation, a grade off the scale or too much
/// text is refused with the form kept as typed; every report made is audited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_nation_gets_its_own_review_reports_with_the_managers_evaluation() {
    for t in engines().await {
        let demo = seed(&t).await;
        let today = homeward_domain::time::in_london(t.app.clock.now()).date();
        let welsh = session_for(&t, demo.own(SafeguardingLead)).await;
        let english = session_for(&t, demo.other(SafeguardingLead)).await;
        let form = req("GET", "/patterns/reports")
            .session(&welsh)
            .send(&t)
            .await;
        assert_eq!(form.status, 200);
        assert!(
            form.body
                .contains("Quality of care review: people missing from care")
        );
        assert!(!form.body.contains("Regulation 45 review"));
        let form = req("GET", "/patterns/reports")
            .session(&english)
            .send(&t)
            .await;
        assert!(form.body.contains("Regulation 45 review"));
        assert!(form.body.contains("figures for Ofsted"));
        assert!(!form.body.contains("Quality of care review"));

        let body = |session: &Session, pairs: &[(&str, &str)]| {
            let mut f = form_urlencoded::Serializer::new(String::new());
            f.append_pair("csrf_token", &session.csrf);
            f.append_pair("from", "2018-01-01");
            if !pairs.iter().any(|(k, _)| *k == "to") {
                f.append_pair("to", &today.to_string());
            }
            for (k, v) in pairs {
                f.append_pair(k, v);
            }
            f.finish()
        };
        let evaluation = [
            ("kind", "quality_of_care"),
            (
                "working_well",
                "Staff searched the known places first.\nPolice were told within the hour.",
            ),
            (
                "improve",
                "Return interviews are offered too late; the manager will check each within a day.",
            ),
        ];
        let pdf = req("POST", "/patterns/reports")
            .session(&welsh)
            .form(&body(
                &welsh,
                &[&evaluation[..], &[("format", "pdf")]].concat(),
            ))
            .send(&t)
            .await;
        assert_eq!(pdf.status, 200, "{}", pdf.body);
        assert_eq!(pdf.header("content-type").unwrap(), "application/pdf");
        let csv = req("POST", "/patterns/reports")
            .session(&welsh)
            .form(&body(
                &welsh,
                &[&evaluation[..], &[("format", "csv")]].concat(),
            ))
            .send(&t)
            .await;
        assert_eq!(csv.status, 200);
        let episodes = csv
            .body
            .lines()
            .find(|l| {
                l.starts_with(
                    "Quality of care review: people missing from care,Times children were missing",
                )
            })
            .expect("the figures first")
            .split(',')
            .nth(2)
            .unwrap()
            .to_string();
        assert!(episodes.parse::<i64>().unwrap() > 0, "{}", csv.body);
        assert!(
            csv.body
                .contains("What is working well,Staff searched the known places first.")
        );
        assert!(
            csv.body
                .contains("Times a return interview was expected (from the child’s episode 3)")
        );
        if let Some(text) = crate::pack::pdf_text(&pdf.bytes) {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for wanted in [
                "Quality of care review: people missing from care",
                "regulation 80",
                "What is working well",
                "Staff searched the known places first.",
                "What needs to improve, and how",
                "Times children were missing or away without authorisation",
                &format!("{episodes} (period before:"),
            ] {
                assert!(text.contains(wanted), "{wanted}: {text}");
            }
        }
        // England's regulation 45 review, with nothing written: it says so.
        let reg45 = req("POST", "/patterns/reports")
            .session(&english)
            .form(&body(
                &english,
                &[("kind", "regulation_45"), ("format", "pdf")],
            ))
            .send(&t)
            .await;
        assert_eq!(reg45.status, 200, "{}", reg45.body);
        if let Some(text) = crate::pack::pdf_text(&reg45.bytes) {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains("Regulation 45 review"), "{text}");
            assert!(text.contains("No evaluation was written"), "{text}");
            assert!(text.contains("within 72 hours"), "{text}");
        }
        // Refused, with the form as typed.
        for (pairs, message) in [
            (
                vec![("kind", "regulation_45"), ("improve", "Kept as typed")],
                "This report is for services in another nation",
            ),
            (
                vec![
                    ("kind", "quality_of_care"),
                    ("grade", "9"),
                    ("improve", "Kept as typed"),
                ],
                "Choose a grade from 1 to 6",
            ),
            (
                vec![("kind", "inspectors"), ("improve", "Kept as typed")],
                "Choose which report",
            ),
            (
                vec![
                    ("kind", "quality_of_care"),
                    ("to", "31/02/2026"),
                    ("improve", "Kept as typed"),
                ],
                "Enter the date as year-month-day",
            ),
        ] {
            let refused = req("POST", "/patterns/reports")
                .session(&welsh)
                .form(&body(&welsh, &pairs))
                .send(&t)
                .await;
            assert_eq!(refused.status, 422, "{message}");
            assert!(
                refused.body.contains(message),
                "{message}: {}",
                refused.body
            );
            assert!(refused.body.contains("Kept as typed"));
        }
        let long = "a".repeat(10_001);
        let refused = req("POST", "/patterns/reports")
            .session(&welsh)
            .form(&body(
                &welsh,
                &[("kind", "quality_of_care"), ("working_well", &long)],
            ))
            .send(&t)
            .await;
        assert_eq!(refused.status, 422);
        assert!(
            refused
                .body
                .contains("Write no more than 10,000 characters")
        );
        let trail = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        for action in ["patterns.review_report", "patterns.review_csv"] {
            let made = trail
                .iter()
                .find(|r| r.event.action == action)
                .unwrap_or_else(|| panic!("{action} is audited"));
            assert!(
                made.event
                    .resource_id
                    .as_deref()
                    .unwrap_or_default()
                    .starts_with("quality_of_care: "),
                "{:?}",
                made.event.resource_id
            );
        }
    }
}
