//! Time. Instants are UTC; what a user saw is kept as the offset beside the instant, and
//! everything is shown in Europe/London.
//!
//! The system clock is read in exactly one place ([`SystemClock`]); clippy's
//! `disallowed-methods` forbids reading it anywhere else, so every deadline can be tested.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};
use std::sync::Mutex;

/// The source of "now". Passed in, never reached for.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one sanctioned read of the system clock
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until moved; for tests and demos.
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: Timestamp) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = at;
        }
    }

    pub fn advance(&self, by: SignedDuration) {
        if let Ok(mut guard) = self.0.lock()
            && let Ok(next) = guard.checked_add(by)
        {
            *guard = next;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        match self.0.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

/// Europe/London, from the time-zone database bundled into the binary, so the answer does
/// not depend on the host's /usr/share/zoneinfo. Looked up once: a board of fifty rows shows
/// a hundred times, and each lookup searched the database by name.
pub fn london() -> TimeZone {
    static LONDON: std::sync::LazyLock<TimeZone> =
        std::sync::LazyLock::new(|| TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC));
    LONDON.clone()
}

/// The instant as a London wall-clock time.
pub fn in_london(at: Timestamp) -> Zoned {
    at.to_zoned(london())
}

/// Milliseconds since the Unix epoch: how instants are stored.
pub fn to_millis(at: Timestamp) -> i64 {
    at.as_millisecond()
}

/// The inverse of [`to_millis`]; out-of-range values (which only a corrupted row could hold)
/// collapse to the epoch rather than panicking.
pub fn from_millis(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn london_follows_the_clock_changes() {
        // 2026-03-29 01:00 UTC: clocks go forward, 01:00 GMT becomes 02:00 BST.
        let before: Timestamp = "2026-03-29T00:59:00Z".parse().unwrap();
        let after: Timestamp = "2026-03-29T01:00:00Z".parse().unwrap();
        assert_eq!(in_london(before).hour(), 0);
        assert_eq!(in_london(after).hour(), 2);
        // 2026-10-25 01:00 UTC: clocks go back, 02:00 BST becomes 01:00 GMT.
        let back: Timestamp = "2026-10-25T01:00:00Z".parse().unwrap();
        assert_eq!(in_london(back).hour(), 1);
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let t: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let clock = ManualClock::new(t);
        assert_eq!(clock.now(), t);
        clock.advance(SignedDuration::from_mins(30));
        assert_eq!(
            clock.now(),
            "2026-01-01T00:30:00Z".parse::<Timestamp>().unwrap()
        );
    }

    #[test]
    fn millis_round_trip() {
        let t: Timestamp = "2026-11-23T08:30:00.123Z".parse().unwrap();
        assert_eq!(from_millis(to_millis(t)), t);
    }
}
