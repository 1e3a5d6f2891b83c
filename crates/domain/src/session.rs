//! When a signed-in session stops being valid.

use jiff::{SignedDuration, Timestamp};

/// Idle timeout: a session unused for this long is over (ASVS 5.0 §7.3).
pub const IDLE_TIMEOUT: SignedDuration = SignedDuration::from_mins(30);
/// Absolute timeout: no session outlives a long shift.
pub const ABSOLUTE_TIMEOUT: SignedDuration = SignedDuration::from_hours(12);
/// Recording "last seen" on every request would cost a durable write per page; once a minute
/// is precise enough for a 30-minute idle timeout.
pub const TOUCH_INTERVAL: SignedDuration = SignedDuration::from_mins(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionTimes {
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionState {
    Live { touch: bool },
    IdleExpired,
    AbsoluteExpired,
}

impl SessionTimes {
    pub fn state_at(&self, now: Timestamp) -> SessionState {
        if now.duration_since(self.created_at) >= ABSOLUTE_TIMEOUT {
            SessionState::AbsoluteExpired
        } else if now.duration_since(self.last_seen_at) >= IDLE_TIMEOUT {
            SessionState::IdleExpired
        } else {
            SessionState::Live {
                touch: now.duration_since(self.last_seen_at) >= TOUCH_INTERVAL,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn idle_and_absolute() {
        let s = SessionTimes {
            created_at: t("2026-03-29T00:00:00Z"),
            last_seen_at: t("2026-03-29T00:00:00Z"),
        };
        assert_eq!(
            s.state_at(t("2026-03-29T00:00:30Z")),
            SessionState::Live { touch: false }
        );
        assert_eq!(
            s.state_at(t("2026-03-29T00:05:00Z")),
            SessionState::Live { touch: true }
        );
        assert_eq!(
            s.state_at(t("2026-03-29T00:30:00Z")),
            SessionState::IdleExpired
        );
        let busy = SessionTimes {
            last_seen_at: t("2026-03-29T11:59:00Z"),
            ..s
        };
        // Across the spring clock change this is still 12 elapsed hours.
        assert_eq!(
            busy.state_at(t("2026-03-29T12:00:00Z")),
            SessionState::AbsoluteExpired
        );
        assert_eq!(
            busy.state_at(t("2026-03-29T11:59:59Z")),
            SessionState::Live { touch: false }
        );
    }

    proptest! {
        #[test]
        fn never_live_beyond_either_limit(created in 0i64..1_000_000, seen_after in 0i64..50_000, later in 0i64..100_000) {
            let created_at = Timestamp::from_second(1_700_000_000 + created).unwrap();
            let last_seen_at = Timestamp::from_second(1_700_000_000 + created + seen_after).unwrap();
            let now = Timestamp::from_second(1_700_000_000 + created + seen_after + later).unwrap();
            let s = SessionTimes { created_at, last_seen_at };
            if let SessionState::Live { .. } = s.state_at(now) {
                prop_assert!(now.duration_since(created_at) < ABSOLUTE_TIMEOUT);
                prop_assert!(now.duration_since(last_seen_at) < IDLE_TIMEOUT);
            }
        }
    }
}
