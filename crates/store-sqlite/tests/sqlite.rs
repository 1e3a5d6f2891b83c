//! The SQLite engine: the conformance suite, and the settings that make writes durable.

// Test code: failing loudly is its job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use homeward_store::Store;
use homeward_store::conformance::TEST_AUDIT_KEY;
use homeward_store_sqlite::SqliteStore;
use std::sync::Arc;

async fn open() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    (
        SqliteStore::open(&url, TEST_AUDIT_KEY.to_vec())
            .await
            .unwrap(),
        dir,
    )
}

async fn make() -> Option<Arc<dyn Store>> {
    let (store, dir) = open().await;
    // The directory must outlive the test; leaking it keeps the file until the process ends.
    std::mem::forget(dir);
    Some(Arc::new(store))
}

homeward_store::conformance_suite!(make());

#[tokio::test]
async fn bundled_sqlite_is_free_of_the_wal_reset_bug() {
    let (store, _dir) = open().await;
    let version = store.sqlite_version().await.unwrap();
    let parts: Vec<u32> = version.split('.').map(|p| p.parse().unwrap()).collect();
    assert!(
        parts >= vec![3, 51, 3],
        "SQLite {version} carries the WAL-reset bug"
    );
}

#[tokio::test]
async fn writes_are_durable() {
    let (store, _dir) = open().await;
    assert_eq!(store.pragma("journal_mode").await.unwrap(), "wal");
    assert_eq!(store.pragma("synchronous").await.unwrap(), "2", "2 is FULL");
    assert_eq!(store.pragma("foreign_keys").await.unwrap(), "1");
}

#[tokio::test]
async fn the_audit_log_refuses_update_and_delete() {
    let (store, _dir) = open().await;
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
    assert_eq!(
        store.audit_page(0, 10).await.unwrap()[0].event.action,
        "test"
    );
}

#[tokio::test]
async fn the_chronology_refuses_change_and_episodes_are_never_deleted() {
    let (store, _dir) = open().await;
    let store = Arc::new(store);
    homeward_store::conformance::episodes_append_in_order_and_one_is_open_per_person(store.clone())
        .await;
    for sql in [
        "UPDATE episode_events SET body = '{}'",
        "DELETE FROM episode_events",
        "DELETE FROM episodes",
    ] {
        assert!(store.execute_unchecked(sql).await.is_err(), "{sql}");
    }
}

/// The upgrades that began keeping counts by person, by year and for all time fill them from
/// the facts already kept, exactly as the app would have kept them.
#[tokio::test]
async fn the_upgrade_counts_people_from_the_facts_as_the_app_does() {
    let (store, _dir) = open().await;
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
async fn disclosures_and_grants_refuse_change_and_removal() {
    let (store, _dir) = open().await;
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
    ] {
        assert!(store.execute_unchecked(sql).await.is_err(), "{sql}");
    }
}

/// What staff were asked to read and what they signed stays as it was written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_policies_refuse_change_and_deletion() {
    let (store, _dir) = open().await;
    let store = Arc::new(store);
    homeward_store::conformance::missing_policies_are_versioned_published_and_signed_once(
        store.clone(),
    )
    .await;
    for (table, column) in [
        ("missing_policies", "created_at"),
        ("missing_policy_details", "recorded_at"),
        ("missing_policy_versions", "approved_at"),
        ("missing_policy_signatures", "signed_at"),
    ] {
        let update = format!("UPDATE {table} SET {column} = {column} + 1");
        assert!(store.execute_unchecked(&update).await.is_err(), "{update}");
        let delete = format!("DELETE FROM {table}");
        assert!(store.execute_unchecked(&delete).await.is_err(), "{delete}");
    }
}
