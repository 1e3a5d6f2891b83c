//! Information shared about a person: recorded with what, to whom, why and on what basis;
//! refused for an adult without consent unless the safeguarding concern is written down;
//! listed on the person's own page, in the organisation's log and its CSV; and written for
//! each person named in a summary to the multi-agency group.

use crate::support::*;
use homeward_domain::person::PersonKind;
use homeward_domain::role::Role;

const SHARED: [(&str, &str); 5] = [
    ("what", "Photo, clothing and the places she may go"),
    ("recipient", "PC Jones, Gwent Police"),
    ("purpose", "To find her quickly"),
    ("lawful_basis", "vital_interests"),
    ("condition", "safeguarding"),
];

#[tokio::test]
async fn a_share_is_recorded_with_its_reasons_and_listed_for_the_person_and_the_organisation() {
    for t in engines().await {
        let demo = seed(&t).await;
        let org = demo.own(Role::Manager).org_id;
        let lead = session_for(&t, demo.own(Role::SafeguardingLead)).await;
        let child = someone(&t, org, PersonKind::Child).await;
        let path = format!("/people/{}/disclosures", child.id);
        let page = req("GET", &format!("{path}/new"))
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Record information shared"));
        // Nothing chosen: each part is asked for, and what was typed is kept.
        let missing = req("POST", &path)
            .session(&lead)
            .form(&form(&lead, &[("what", "Her photo")]))
            .send(&t)
            .await;
        assert_eq!(missing.status, 422);
        for message in [
            "Enter who it was shared with",
            "Enter why it was shared",
            "Choose the lawful basis",
            "Say whether they agreed to it being shared",
        ] {
            assert!(missing.body.contains(message), "{message}");
        }
        assert!(missing.body.contains("Her photo"));
        // A child's information may be shared to protect them without their agreement.
        let mut pairs = SHARED.to_vec();
        pairs.extend([
            ("consent", "not_asked"),
            ("told_person", "She will be told when she is back"),
        ]);
        let done = req("POST", &path)
            .session(&lead)
            .form(&form(&lead, &pairs))
            .send(&t)
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        let list = req("GET", &format!("{path}?recorded=1"))
            .session(&lead)
            .send(&t)
            .await;
        for words in [
            "The information shared has been recorded.",
            "PC Jones, Gwent Police",
            "To protect their life (vital interests); Safeguarding of children",
            "They were not asked",
            "She will be told when she is back",
        ] {
            assert!(list.body.contains(words), "{words}: {}", list.body);
        }
        // In the organisation's log and its CSV, found by the recipient's words.
        let log = req("GET", "/disclosures?recipient=gwent")
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(log.status, 200);
        assert!(log.body.contains(&child.given_name));
        let none = req("GET", "/disclosures?recipient=nobody+at+all")
            .session(&lead)
            .send(&t)
            .await;
        assert!(none.body.contains("Nothing has been recorded as shared."));
        let csv = req("GET", "/disclosures.csv?recipient=gwent")
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(csv.status, 200);
        assert!(csv.body.lines().count() == 2, "{}", csv.body);
        assert!(csv.body.contains("PC Jones, Gwent Police"));
        let bad = req("GET", "/disclosures?from=yesterday")
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(bad.status, 422);
        let trail = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        for action in ["disclosure.record", "disclosure.list", "disclosure.log"] {
            assert!(trail.iter().any(|r| r.event.action == action), "{action}");
        }
        // Never changed: nothing offers to edit or remove it.
        assert!(!list.body.contains("/edit") && !list.body.contains("Remove"));
    }
}

#[tokio::test]
async fn an_adults_information_is_not_shared_without_consent_unless_the_concern_is_recorded() {
    for t in engines().await {
        seed(&t).await;
        let worker = t
            .app
            .store
            .find_credentials("care-worker@gofal-dychmygol.example")
            .await
            .unwrap()
            .unwrap()
            .user;
        let session = session_for(&t, &worker).await;
        let adult = someone(&t, worker.org_id, PersonKind::Adult).await;
        let path = format!("/people/{}/disclosures", adult.id);
        let mut pairs = SHARED.to_vec();
        pairs.push(("consent", "refused"));
        let refused = req("POST", &path)
            .session(&session)
            .form(&form(&session, &pairs))
            .send(&t)
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains(
            "An adult’s information can only be shared without their agreement when there is a significant safeguarding concern"
        ));
        pairs.push((
            "concern",
            "Has dementia and has been out overnight in freezing weather",
        ));
        let shared = req("POST", &path)
            .session(&session)
            .form(&form(&session, &pairs))
            .send(&t)
            .await;
        assert_eq!(shared.status, 303, "{}", shared.body);
        let list = req("GET", &path).session(&session).send(&t).await;
        assert!(
            list.body
                .contains("Shared without consent because: Has dementia")
        );
    }
}

#[tokio::test]
async fn naming_people_in_the_group_summary_records_a_disclosure_for_each() {
    for t in engines().await {
        let demo = seed(&t).await;
        let lead = session_for(&t, demo.own(Role::SafeguardingLead)).await;
        let today = homeward_domain::time::in_london(t.app.clock.now()).date();
        let named = req("POST", "/patterns/summary.pdf")
            .session(&lead)
            .form(&form(
                &lead,
                &[
                    ("from", "2018-01-01"),
                    ("to", &today.to_string()),
                    ("recipient", "Missing children group, Cardiff"),
                    ("purpose", "agree a safety plan"),
                    ("basis", "UK GDPR 6(1)(e), 9(2)(g)"),
                ],
            ))
            .send(&t)
            .await;
        assert_eq!(named.status, 200, "{}", named.body);
        let log = req("GET", "/disclosures?recipient=missing+children+group")
            .session(&lead)
            .send(&t)
            .await;
        let shown = log.body.matches("class=\"hw-disclosure\"").count();
        assert!(shown >= 2, "one for each person named: {}", log.body);
        assert!(
            log.body
                .contains("Named in the summary of missing episodes")
        );
        assert!(
            log.body.contains("UK GDPR 6(1)(e), 9(2)(g)"),
            "the basis as written"
        );
        // With letters instead of names, nothing is disclosed.
        let before = shown;
        let letters = req(
            "GET",
            &format!("/patterns/summary.pdf?from=2018-01-01&to={today}"),
        )
        .session(&lead)
        .send(&t)
        .await;
        assert_eq!(letters.status, 200);
        let log = req("GET", "/disclosures?recipient=missing+children+group")
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(log.body.matches("class=\"hw-disclosure\"").count(), before);
    }
}

/// Naming people to partners or exporting the log asks for the code again when it was
/// entered more than 15 minutes ago, then goes back to where the user was.
#[tokio::test]
async fn sharing_names_or_exporting_asks_for_the_code_again_after_15_minutes() {
    for t in engines().await {
        let demo = seed(&t).await;
        let lead = session_for(&t, demo.own(Role::SafeguardingLead)).await;
        let today = homeward_domain::time::in_london(t.app.clock.now()).date();
        let named = [
            ("from", "2018-01-01"),
            ("to", &today.to_string()),
            ("recipient", "Missing children group"),
            ("purpose", "agree a safety plan"),
            ("basis", "UK GDPR 6(1)(e)"),
        ];
        // The demo's grants to its partners are recorded as shared already.
        let shared = |body: &str| body.matches("class=\"hw-disclosure\"").count();
        let before = shared(
            &req("GET", "/disclosures")
                .session(&lead)
                .send(&t)
                .await
                .body,
        );
        t.clock.advance(jiff::SignedDuration::from_mins(16));
        let asked = req("POST", "/patterns/summary.pdf")
            .session(&lead)
            .form(&form(&lead, &named))
            .send(&t)
            .await;
        assert_eq!(asked.status, 303);
        assert_eq!(
            asked.location(),
            Some("/sign-in/confirm?next=/patterns/summary")
        );
        let csv = req("GET", "/disclosures.csv").session(&lead).send(&t).await;
        assert_eq!(
            csv.location(),
            Some("/sign-in/confirm?next=/disclosures.csv")
        );
        // Nothing was shared or recorded meanwhile.
        let log = req("GET", "/disclosures").session(&lead).send(&t).await;
        assert_eq!(shared(&log.body), before);
        let page = req("GET", "/sign-in/confirm?next=/patterns/summary")
            .session(&lead)
            .send(&t)
            .await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Enter your code again"));
        let wrong = req("POST", "/sign-in/confirm")
            .session(&lead)
            .form(&form(
                &lead,
                &[("code", "12345"), ("next", "/patterns/summary")],
            ))
            .send(&t)
            .await;
        assert_eq!(wrong.status, 422);
        let code = authenticator_code(&t, "safeguarding-lead@cartrefi-ffug.example").await;
        let confirmed = req("POST", "/sign-in/confirm")
            .session(&lead)
            .form(&form(
                &lead,
                &[("code", &code), ("next", "/patterns/summary")],
            ))
            .send(&t)
            .await;
        assert_eq!(confirmed.location(), Some("/patterns/summary"));
        let shared = req("POST", "/patterns/summary.pdf")
            .session(&lead)
            .form(&form(&lead, &named))
            .send(&t)
            .await;
        assert_eq!(shared.status, 200, "{}", shared.body);
        let csv = req("GET", "/disclosures.csv").session(&lead).send(&t).await;
        assert_eq!(csv.status, 200);
        let trail = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        assert!(trail.iter().any(|r| r.event.action == "session.step_up"
            && r.event.outcome == homeward_domain::audit::Outcome::Allowed));
    }
}
