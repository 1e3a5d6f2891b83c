//! The PostgreSQL engine: the conformance suite, the append-only audit table, and schema
//! parity with SQLite. These need a server: `pg_virtualenv` provides one (see README).
//! With `HOMEWARD_REQUIRE_POSTGRES=1` (as CI sets) a missing server fails the tests.

// Test code: failing loudly is its job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use homeward_store::Store;
use homeward_store::conformance::TEST_AUDIT_KEY;
use homeward_store_postgres::PgStore;
use std::sync::Arc;

async fn open() -> Option<PgStore> {
    let store = PgStore::open_fresh_schema(TEST_AUDIT_KEY.to_vec())
        .await
        .unwrap();
    if store.is_none() {
        assert!(
            std::env::var_os("HOMEWARD_REQUIRE_POSTGRES").is_none(),
            "HOMEWARD_REQUIRE_POSTGRES is set but no PostgreSQL server is configured (PGHOST)"
        );
        eprintln!("skipping: no PostgreSQL server configured (run under pg_virtualenv)");
    }
    store
}

async fn make() -> Option<Arc<dyn Store>> {
    open().await.map(|s| Arc::new(s) as Arc<dyn Store>)
}

homeward_store::conformance_suite!(make());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_through_two_servers_at_once_all_succeed() {
    let Some(first) = open().await else { return };
    let second = first.another_server().await.unwrap();
    homeward_store::conformance::appends_through_two_servers_at_once_all_succeed(
        Arc::new(first),
        Arc::new(second),
    )
    .await;
}

#[tokio::test]
async fn the_audit_log_refuses_update_delete_and_truncate() {
    let Some(store) = open().await else { return };
    store
        .record_audit(&homeward_store::conformance::event(None, "test"))
        .await
        .unwrap();
    assert!(
        store
            .execute_unchecked("UPDATE audit_log SET action = 'forged'")
            .await
            .is_err()
    );
    assert!(
        store
            .execute_unchecked("DELETE FROM audit_log")
            .await
            .is_err()
    );
    assert!(store.execute_unchecked("TRUNCATE audit_log").await.is_err());
    assert_eq!(
        store.audit_page(0, 10).await.unwrap()[0].event.action,
        "test"
    );
}

#[tokio::test]
async fn both_engines_have_the_same_tables_and_columns() {
    let Some(pg) = open().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("parity.db").display());
    let lite = homeward_store_sqlite::SqliteStore::open(&url, TEST_AUDIT_KEY.to_vec())
        .await
        .unwrap();
    let (a, b) = (
        lite.schema_columns().await.unwrap(),
        pg.schema_columns().await.unwrap(),
    );
    assert!(a.len() >= 10, "{a:?}");
    assert_eq!(a, b, "SQLite and PostgreSQL schemas differ");
}

#[tokio::test]
async fn the_chronology_refuses_change_and_episodes_are_never_deleted() {
    let Some(store) = open().await else { return };
    let store = Arc::new(store);
    homeward_store::conformance::episodes_append_in_order_and_one_is_open_per_person(store.clone())
        .await;
    for sql in [
        "UPDATE episode_events SET body = '{}'",
        "DELETE FROM episode_events",
        "TRUNCATE episode_events",
        "DELETE FROM episodes",
        "TRUNCATE episodes CASCADE",
    ] {
        assert!(store.execute_unchecked(sql).await.is_err(), "{sql}");
    }
}

/// The upgrades that began keeping counts by person, by year and for all time fill them from
/// the facts already kept, exactly as the app would have kept them.
#[tokio::test]
async fn the_upgrade_counts_people_from_the_facts_as_the_app_does() {
    let Some(store) = open().await else { return };
    let org = homeward_store::conformance::facts_for_the_people_upgrade(&store).await;
    let kept = store.rollups(org).await.unwrap();
    assert!(kept.iter().any(|r| r.figure == "person_risk_county_lines"));
    assert!(
        kept.iter()
            .any(|r| r.grain == "year" && r.period == 20_250_000)
    );
    assert!(
        kept.iter()
            .any(|r| r.figure == "first_person" && r.key == "20241200")
    );
    assert_eq!(
        kept.iter()
            .filter(|r| r.key == "re_offered" && r.grain == "month")
            .count(),
        2
    );
    store
        .execute_unchecked(homeward_store::conformance::UPGRADE_FILLS)
        .await
        .unwrap();
    assert_ne!(store.rollups(org).await.unwrap(), kept);
    for statement in homeward_store::conformance::upgrade_statements(&[
        include_str!("../migrations/0015_people_kept_by_person.sql"),
        include_str!("../migrations/0019_kept_by_year_and_first.sql"),
    ]) {
        store.execute_unchecked(&statement).await.unwrap();
    }
    assert_eq!(store.rollups(org).await.unwrap(), kept);
}

#[tokio::test]
async fn disclosures_and_grants_refuse_change_removal_and_truncate() {
    let Some(store) = open().await else { return };
    let store = Arc::new(store);
    homeward_store::conformance::a_recorded_disclosure(&*store).await;
    // Grants and their endings too.
    homeward_store::conformance::grants_reach_only_their_partner_while_live(store.clone()).await;
    // Inspections and their endings too.
    homeward_store::conformance::inspections_reach_only_their_inspectorate_while_live(
        store.clone(),
    )
    .await;
    for sql in [
        "UPDATE disclosures SET recipient = 'someone else'",
        "DELETE FROM disclosures",
        "UPDATE access_grants SET ends_at = 0",
        "DELETE FROM access_grants",
        "UPDATE access_grant_endings SET reason = ''",
        "DELETE FROM access_grant_endings",
        "UPDATE inspections SET ends_at = 0",
        "DELETE FROM inspections",
        "UPDATE inspection_endings SET reason = ''",
        "DELETE FROM inspection_endings",
        "TRUNCATE disclosures",
        "TRUNCATE access_grant_endings",
        "TRUNCATE inspections",
    ] {
        assert!(store.execute_unchecked(sql).await.is_err(), "{sql}");
    }
}
