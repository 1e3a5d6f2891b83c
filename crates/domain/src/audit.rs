//! The audit trail: who did what to which record, when and from where, in a keyed hash chain.
//!
//! Each record's hash covers its own fields and the previous record's hash, keyed with the
//! installation's audit key (HMAC-SHA-256). Changing, removing or reordering any record breaks
//! every later link; without the key, nobody with only database access can forge a new chain.

use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use sha2::Sha256;

use crate::ids::{OrgId, UserId};

/// What was done. Kept as stable dotted codes so old records stay readable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: Timestamp,
    pub org_id: Option<OrgId>,
    pub actor: Option<UserId>,
    /// An email or "system": enough to read the record if the account is later removed.
    pub actor_label: String,
    pub action: String,
    pub resource_kind: String,
    pub resource_id: Option<String>,
    pub outcome: Outcome,
    pub ip: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Denied,
    Failed,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "allowed" => Some(Outcome::Allowed),
            "denied" => Some(Outcome::Denied),
            "failed" => Some(Outcome::Failed),
            _ => None,
        }
    }
}

/// A stored record: the event, its place in the chain and its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash the chain starts from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The link for a record at `seq`, following `prev_hash`.
pub fn link_hash(key: &[u8], seq: i64, event: &AuditEvent, prev_hash: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail; fall back to an empty key rather
    // than panic, which would still produce a chain that verification flags.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .or_else(|_| <Hmac<Sha256> as KeyInit>::new_from_slice(&[]))
        .ok();
    let Some(mac) = mac.as_mut() else {
        return String::new();
    };
    // Length-prefixed fields: no two different records encode to the same bytes.
    let mut field = |bytes: &[u8]| {
        mac.update(&(bytes.len() as u64).to_be_bytes());
        mac.update(bytes);
    };
    field(prev_hash.as_bytes());
    field(&seq.to_be_bytes());
    field(&event.at.as_millisecond().to_be_bytes());
    field(
        event
            .org_id
            .map(|o| o.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(
        event
            .actor
            .map(|a| a.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(event.actor_label.as_bytes());
    field(event.action.as_bytes());
    field(event.resource_kind.as_bytes());
    field(event.resource_id.as_deref().unwrap_or("").as_bytes());
    field(event.outcome.code().as_bytes());
    field(event.ip.as_deref().unwrap_or("").as_bytes());
    hex::encode(mac.clone().finalize().into_bytes())
}

/// Why the chain is broken at a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// The record's sequence number is not the one after its predecessor's (a gap: removed rows).
    Gap { expected: i64, found: i64 },
    /// The record does not point at its predecessor's hash.
    WrongPrevious { seq: i64 },
    /// The record's contents do not match its hash.
    Altered { seq: i64 },
}

/// Checks records in sequence order, continuing from `(last_seq, last_hash)`; returns the first
/// broken link. Streams: call it page by page with the state it hands back.
pub fn verify_page(
    key: &[u8],
    state: &mut ChainState,
    records: &[AuditRecord],
) -> Result<(), Break> {
    for r in records {
        let expected = state.last_seq + 1;
        if r.seq != expected {
            return Err(Break::Gap {
                expected,
                found: r.seq,
            });
        }
        if r.prev_hash != state.last_hash {
            return Err(Break::WrongPrevious { seq: r.seq });
        }
        if link_hash(key, r.seq, &r.event, &r.prev_hash) != r.hash {
            return Err(Break::Altered { seq: r.seq });
        }
        state.last_seq = r.seq;
        state.last_hash = r.hash.clone();
        state.checked += 1;
    }
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainState {
    pub last_seq: i64,
    pub last_hash: String,
    pub checked: u64,
}

impl Default for ChainState {
    fn default() -> Self {
        Self {
            last_seq: 0,
            last_hash: GENESIS.to_string(),
            checked: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &[u8] = b"test-key-test-key-test-key-32byt";

    fn event(i: usize) -> AuditEvent {
        AuditEvent {
            at: Timestamp::from_second(1_800_000_000 + i as i64).unwrap(),
            org_id: None,
            actor: None,
            actor_label: format!("user{i}@example.org"),
            action: "person.view".into(),
            resource_kind: "person".into(),
            resource_id: Some(format!("{i}")),
            outcome: Outcome::Allowed,
            ip: Some("127.0.0.1".into()),
        }
    }

    fn chain(n: usize) -> Vec<AuditRecord> {
        let mut prev = GENESIS.to_string();
        (0..n)
            .map(|i| {
                let seq = i as i64 + 1;
                let e = event(i);
                let hash = link_hash(KEY, seq, &e, &prev);
                let r = AuditRecord {
                    seq,
                    event: e,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                r
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_in_pages() {
        let records = chain(10);
        let mut state = ChainState::default();
        verify_page(KEY, &mut state, &records[..4]).unwrap();
        verify_page(KEY, &mut state, &records[4..]).unwrap();
        assert_eq!(state.checked, 10);
    }

    #[test]
    fn the_wrong_key_fails_at_the_first_record() {
        let records = chain(3);
        let err = verify_page(b"another key", &mut ChainState::default(), &records).unwrap_err();
        assert_eq!(err, Break::Altered { seq: 1 });
    }

    #[test]
    fn a_removed_record_is_a_gap() {
        let mut records = chain(5);
        records.remove(2);
        let err = verify_page(KEY, &mut ChainState::default(), &records).unwrap_err();
        assert_eq!(
            err,
            Break::Gap {
                expected: 3,
                found: 4
            }
        );
    }

    proptest! {
        /// Any change to any field of any record is found, at that record.
        #[test]
        fn any_alteration_is_found_where_it_was_made(n in 1usize..12, pick in 0usize..12, field in 0u8..5) {
            let mut records = chain(n);
            let i = pick % n;
            match field {
                0 => records[i].event.action.push('x'),
                1 => records[i].event.actor_label = "someone.else@example.org".into(),
                2 => records[i].event.resource_id = None,
                3 => records[i].event.outcome = Outcome::Denied,
                _ => records[i].event.at = records[i].event.at.checked_add(jiff::SignedDuration::from_secs(1)).unwrap(),
            }
            let err = verify_page(KEY, &mut ChainState::default(), &records).unwrap_err();
            prop_assert_eq!(err, Break::Altered { seq: records[i].seq });
        }
    }
}
