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
    /// The chronology entry this record vouches for, when it was written with one.
    pub seal: Option<Seal>,
    pub prev_hash: String,
    pub hash: String,
}

/// An audit record's promise about one chronology entry: which one, and the digest of every
/// field as stored. The chain's key covers the promise; the digest covers the entry, so an
/// entry changed in the database (below its triggers) no longer matches its record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seal {
    pub episode: uuid::Uuid,
    pub entry: i64,
    pub digest: String,
}

/// A chronology entry's fields exactly as stored, for its digest.
#[derive(Clone, Copy, Debug)]
pub struct StoredEntry<'a> {
    pub episode: uuid::Uuid,
    pub seq: i64,
    pub kind: &'a str,
    pub occurred_ms: i64,
    pub offset_seconds: i64,
    pub recorded_ms: i64,
    pub recorded_by: Option<uuid::Uuid>,
    pub recorded_by_label: &'a str,
    pub body: &'a str,
}

impl StoredEntry<'_> {
    /// SHA-256 over the length-prefixed fields, in hex. Unkeyed: it is the chain's key over
    /// the record holding the digest that stops a forger.
    pub fn digest(&self) -> String {
        use sha2::Digest;
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field(self.episode.as_bytes());
        field(&self.seq.to_be_bytes());
        field(self.kind.as_bytes());
        field(&self.occurred_ms.to_be_bytes());
        field(&self.offset_seconds.to_be_bytes());
        field(&self.recorded_ms.to_be_bytes());
        field(self.recorded_by.as_ref().map_or(&[][..], |u| u.as_bytes()));
        field(self.recorded_by_label.as_bytes());
        field(self.body.as_bytes());
        hex::encode(h.finalize())
    }

    pub fn seal(&self) -> Seal {
        Seal {
            episode: self.episode,
            entry: self.seq,
            digest: self.digest(),
        }
    }
}

/// The hash the chain starts from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The link for a record at `seq`, following `prev_hash`. A seal's fields are added only when
/// there is one, so records written before seals existed keep their hashes.
pub fn link_hash(
    key: &[u8],
    seq: i64,
    event: &AuditEvent,
    seal: Option<&Seal>,
    prev_hash: &str,
) -> String {
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
    if let Some(seal) = seal {
        field(b"seal");
        field(seal.episode.as_bytes());
        field(&seal.entry.to_be_bytes());
        field(seal.digest.as_bytes());
    }
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
    /// The chronology entry the record vouches for was changed after it was written.
    EntryAltered {
        seq: i64,
        episode: uuid::Uuid,
        entry: i64,
    },
    /// The chronology entry the record vouches for is no longer there.
    EntryMissing {
        seq: i64,
        episode: uuid::Uuid,
        entry: i64,
    },
    /// An entry carries no seal although an earlier entry of its episode does: it was added
    /// to the database other than through Homeward.
    EntryUnsealed { episode: uuid::Uuid, entry: i64 },
    /// The trail ends before a checkpoint taken earlier: records were removed from its end.
    Truncated { checkpoint_seq: i64, last_seq: i64 },
    /// The record at a checkpoint's place is not the one the checkpoint saw.
    CheckpointMismatch { seq: i64 },
    /// A checkpoint was not made with this installation's key.
    CheckpointForged,
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
        if link_hash(key, r.seq, &r.event, r.seal.as_ref(), &r.prev_hash) != r.hash {
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

/// Where the chain had got to at a moment, sealed with the installation's key, kept outside
/// the database (a file beside it, each backup's manifest). Removing records from the end of
/// the trail leaves the trail shorter than a checkpoint says it was.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: Timestamp,
    pub mac: String,
}

impl Checkpoint {
    pub fn new(key: &[u8], seq: i64, hash: &str, at: Timestamp) -> Self {
        Self {
            seq,
            hash: hash.to_string(),
            at,
            mac: checkpoint_mac(key, seq, hash, at),
        }
    }

    /// Whether this installation's key made it.
    pub fn is_genuine(&self, key: &[u8]) -> bool {
        let Ok(given) = hex::decode(&self.mac) else {
            return false;
        };
        // The MAC's own comparison takes the same time however much of it matches.
        checkpoint_hmac(key, self.seq, &self.hash, self.at)
            .is_some_and(|mac| mac.verify_slice(&given).is_ok())
    }

    /// Checks a checkpoint against the chain as verified: `hash_at` gives the hash of the
    /// record at a sequence number, if the trail has it.
    pub fn check(
        &self,
        key: &[u8],
        last_seq: i64,
        hash_at: impl FnOnce(i64) -> Option<String>,
    ) -> Result<(), Break> {
        if !self.is_genuine(key) {
            return Err(Break::CheckpointForged);
        }
        if self.seq > last_seq {
            return Err(Break::Truncated {
                checkpoint_seq: self.seq,
                last_seq,
            });
        }
        if self.seq > 0 && hash_at(self.seq).as_deref() != Some(self.hash.as_str()) {
            return Err(Break::CheckpointMismatch { seq: self.seq });
        }
        Ok(())
    }
}

fn checkpoint_mac(key: &[u8], seq: i64, hash: &str, at: Timestamp) -> String {
    checkpoint_hmac(key, seq, hash, at)
        .map(|mac| hex::encode(mac.finalize().into_bytes()))
        .unwrap_or_default()
}

fn checkpoint_hmac(key: &[u8], seq: i64, hash: &str, at: Timestamp) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    // A different first field from any chain link, so a link can never pass as a checkpoint.
    for bytes in [
        &b"homeward audit checkpoint"[..],
        &seq.to_be_bytes(),
        hash.as_bytes(),
        &at.as_millisecond().to_be_bytes(),
    ] {
        mac.update(&(bytes.len() as u64).to_be_bytes());
        mac.update(bytes);
    }
    Some(mac)
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
                let hash = link_hash(KEY, seq, &e, None, &prev);
                let r = AuditRecord {
                    seq,
                    event: e,
                    seal: None,
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

    #[test]
    fn a_seal_is_covered_by_its_link_and_its_digest_by_every_field() {
        let entry = StoredEntry {
            episode: uuid::Uuid::from_u128(7),
            seq: 3,
            kind: "note",
            occurred_ms: 1,
            offset_seconds: 3600,
            recorded_ms: 2,
            recorded_by: None,
            recorded_by_label: "a@example.org",
            body: "{\"text\":\"seen at the station\"}",
        };
        let seal = entry.seal();
        let e = event(0);
        assert_ne!(
            link_hash(KEY, 1, &e, Some(&seal), GENESIS),
            link_hash(KEY, 1, &e, None, GENESIS)
        );
        let changed = [
            StoredEntry {
                body: "{\"text\":\"seen at the park\"}",
                ..entry
            },
            StoredEntry {
                kind: "sighting",
                ..entry
            },
            StoredEntry {
                occurred_ms: 9,
                ..entry
            },
            StoredEntry {
                offset_seconds: 0,
                ..entry
            },
            StoredEntry {
                recorded_ms: 9,
                ..entry
            },
            StoredEntry {
                recorded_by: Some(uuid::Uuid::from_u128(1)),
                ..entry
            },
            StoredEntry {
                recorded_by_label: "b@example.org",
                ..entry
            },
            StoredEntry { seq: 4, ..entry },
            StoredEntry {
                episode: uuid::Uuid::from_u128(8),
                ..entry
            },
        ];
        for c in changed {
            assert_ne!(c.digest(), seal.digest, "{c:?}");
        }
    }

    #[test]
    fn a_checkpoint_finds_a_shortened_trail_a_swapped_head_and_a_forgery() {
        let records = chain(5);
        let at = Timestamp::from_second(1_800_000_100).unwrap();
        let cp = Checkpoint::new(KEY, 4, &records[3].hash, at);
        let hash_at = |seq: i64| {
            records
                .iter()
                .find(|r| r.seq == seq)
                .map(|r| r.hash.clone())
        };
        assert_eq!(cp.check(KEY, 5, hash_at), Ok(()));
        assert_eq!(
            cp.check(KEY, 3, hash_at),
            Err(Break::Truncated {
                checkpoint_seq: 4,
                last_seq: 3
            })
        );
        assert_eq!(
            cp.check(KEY, 5, |_| Some("other".into())),
            Err(Break::CheckpointMismatch { seq: 4 })
        );
        assert_eq!(
            cp.check(b"another key", 5, hash_at),
            Err(Break::CheckpointForged)
        );
        let moved = Checkpoint {
            seq: 5,
            ..cp.clone()
        };
        assert_eq!(moved.check(KEY, 5, hash_at), Err(Break::CheckpointForged));
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
