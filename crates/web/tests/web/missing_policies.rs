//! The missing policy through the application: drafted from the settings, refused while a
//! field is missing, published by a manager, signed by a care worker, and asked for again
//! when a setting changes it materially.

use crate::support::*;
use homeward_app::AppError;
use homeward_app::actor::{Actor, RequestMeta};
use homeward_app::missing_policies::has_signed;
use homeward_domain::missing_policy::{Field, LocalDetails};
use homeward_domain::role::Role;
use homeward_store::policies::{PolicyDetails, Signing};

async fn actor(t: &TestApp, user: &homeward_store::User) -> Actor {
    let session = session_for(t, user).await;
    t.app
        .resolve_session(&session.token)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_follows_the_settings_and_is_signed_again_when_it_changes() {
    for t in engines().await {
        let demo = seed(&t).await;
        let admin = actor(&t, demo.own(Role::OrgAdmin)).await;
        let manager = actor(&t, demo.own(Role::Manager)).await;
        let carer = actor(&t, demo.own(Role::CareWorker)).await;
        let meta = RequestMeta::default();
        let services = t.app.store.list_services(admin.org_id()).await.unwrap();
        let kind = services[0].kind;

        let id = t
            .app
            .create_missing_policy(&admin, &meta, kind)
            .await
            .unwrap();
        assert!(
            t.app
                .create_missing_policy(&admin, &meta, kind)
                .await
                .is_err(),
            "one policy per kind of service"
        );
        assert!(matches!(
            t.app.create_missing_policy(&carer, &meta, kind).await,
            Err(AppError::Forbidden)
        ));

        // The draft names what is missing, and cannot be published until it is there.
        let draft = t.app.missing_policy(&carer, id).await.unwrap();
        for f in [
            Field::LocalAuthority,
            Field::EmergencyDutyTeam,
            Field::PoliceForce,
        ] {
            assert!(draft.composed.missing.contains(&f), "{}: {f:?}", t.engine);
        }
        let refused = t
            .app
            .publish_missing_policy(&manager, &meta, id, false, "")
            .await;
        let Err(AppError::Invalid(fields)) = refused else {
            panic!("{}: {refused:?}", t.engine);
        };
        assert!(fields.iter().any(|f| f.field == "emergency_duty_team"));

        let details = PolicyDetails {
            local: LocalDetails {
                local_authority: "Cardiff Council".into(),
                local_protocol: "The Cardiff missing persons protocol".into(),
                emergency_duty_team: "029 2078 8570".into(),
                police_force: "South Wales Police".into(),
                has_logo: true,
            },
            own: Vec::new(),
            review_months: 12,
        };
        t.app
            .save_policy_details(&admin, &meta, id, 1, details.clone())
            .await
            .unwrap();
        // A second save of version 1 (a double click) changes nothing.
        assert!(
            t.app
                .save_policy_details(&admin, &meta, id, 1, details)
                .await
                .is_err()
        );
        // The logo is the organisation's, uploaded once for all its policies.
        let draft = t.app.missing_policy(&manager, id).await.unwrap();
        assert_eq!(draft.composed.missing, vec![Field::Logo], "{}", t.engine);
        assert!(matches!(
            t.app.upload_policy_logo(&admin, &meta, b"not an image".to_vec()).await,
            Err(AppError::Invalid(f)) if f[0].field == "logo"
        ));
        assert!(matches!(
            t.app
                .upload_policy_logo(&carer, &meta, homeward_app::photos::demo_portrait(1))
                .await,
            Err(AppError::Forbidden)
        ));
        assert_eq!(
            t.app
                .upload_policy_logo(&admin, &meta, homeward_app::photos::demo_portrait(1))
                .await
                .unwrap(),
            1
        );
        let logo = t.app.policy_logo(&carer).await.unwrap().unwrap();
        assert!(logo.png.starts_with(b"\x89PNG"));
        let draft = t.app.missing_policy(&manager, id).await.unwrap();
        assert!(
            draft.composed.missing.is_empty(),
            "{:?}",
            draft.composed.missing
        );
        assert!(
            draft
                .text_en
                .contains("within 60 minutes, staff call South Wales Police")
        );
        assert!(
            draft
                .text_cy
                .contains("o fewn 60 munud, mae staff yn ffonio South Wales Police")
        );
        assert!(matches!(
            t.app
                .publish_missing_policy(&carer, &meta, id, false, "")
                .await,
            Err(AppError::Forbidden)
        ));
        assert_eq!(
            t.app
                .publish_missing_policy(&manager, &meta, id, false, "First version")
                .await
                .unwrap(),
            1
        );
        // Published and unchanged: nothing to publish again.
        assert!(
            t.app
                .publish_missing_policy(&manager, &meta, id, false, "")
                .await
                .is_err()
        );
        let standing = |list: Vec<homeward_app::missing_policies::PolicyStanding>| {
            list.into_iter().find(|p| p.policy.id == id).unwrap()
        };
        let mine = standing(t.app.policy_standings(&carer).await.unwrap());
        assert_eq!(mine.to_sign, Some(1), "{}", t.engine);
        assert_eq!(mine.draft_changed, None, "a carer does not keep the policy");
        let shares = t.app.policy_signing(&manager, id).await.unwrap();
        let home = shares
            .iter()
            .find(|s| {
                carer
                    .memberships
                    .iter()
                    .any(|m| m.service_id == Some(s.service.id))
            })
            .unwrap();
        assert!(home.staff >= 2, "{}: {}", t.engine, home.staff);
        assert_eq!(home.signed, 0);
        assert!(matches!(
            t.app.policy_signing(&carer, id).await,
            Err(AppError::Forbidden)
        ));
        assert_eq!(
            t.app
                .sign_missing_policy(&carer, &meta, id, 1)
                .await
                .unwrap(),
            Signing::Signed
        );
        assert_eq!(
            standing(t.app.policy_standings(&carer).await.unwrap()).to_sign,
            None
        );
        let after = t.app.policy_signing(&manager, id).await.unwrap();
        let home = after
            .iter()
            .find(|s| {
                carer
                    .memberships
                    .iter()
                    .any(|m| m.service_id == Some(s.service.id))
            })
            .unwrap();
        assert_eq!(home.signed, 1, "{}", t.engine);
        assert!(!home.not_signed.contains(&carer.user.display_name));
        assert_eq!(
            t.app
                .sign_missing_policy(&carer, &meta, id, 1)
                .await
                .unwrap(),
            Signing::AlreadySigned
        );

        // The admin changes when the police are called: a new draft, different from the
        // version in force.
        let session = session_for(&t, demo.own(Role::OrgAdmin)).await;
        let put = req("PUT", "/api/v1/settings/duties")
            .session(&session)
            .header("x-csrf-token", &session.csrf)
            .json(r#"{"based_on":0,"immediately_minutes":15,"promptly_minutes":60,"report_after_minutes":45,"plan_review_days":7,"return_discussion_days":7,"wales_interview_from_episode":3}"#)
            .send(&t)
            .await;
        assert_eq!(put.status, 200, "{}: {}", t.engine, put.body);
        let draft = t.app.missing_policy(&carer, id).await.unwrap();
        assert!(draft.changed_since_published());
        assert!(
            draft
                .text_en
                .contains("within 45 minutes, staff call South Wales Police")
        );
        assert_eq!(
            t.app
                .publish_missing_policy(&manager, &meta, id, true, "Police after 45 minutes")
                .await
                .unwrap(),
            2
        );
        let published = t.app.missing_policy(&carer, id).await.unwrap().published;
        assert_eq!(published.len(), 2);
        assert_eq!(published[0].content_hash.len(), 64);
        assert_ne!(published[0].content_hash, published[1].content_hash);
        // Signed version 1 only: asked to sign again.
        assert!(!has_signed(&published, &[1]));
        assert_eq!(
            standing(t.app.policy_standings(&carer).await.unwrap()).to_sign,
            Some(2)
        );
        t.app
            .sign_missing_policy(&carer, &meta, id, 2)
            .await
            .unwrap();
        assert!(has_signed(&published, &[1, 2]));
        assert!(matches!(
            t.app.sign_missing_policy(&carer, &meta, id, 7).await,
            Err(AppError::NotFound)
        ));
    }
}
