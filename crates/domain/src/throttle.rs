//! Slowing down password guessing without letting an attacker lock a real user out.
//!
//! Failures are counted over a sliding window three ways. Per account and address, and per
//! address, they stop an attacker's own machine. Per account across all addresses they stop a
//! spread-out attack. A browser that has signed in to the account successfully before
//! (OWASP's "device cookie" scheme) is held only to its own failures: the attacker cannot
//! present that browser's cookie, so the real user at their usual browser is never locked out,
//! even by someone guessing from the same address (a care home shares one).

use jiff::SignedDuration;

pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub per_account_and_address: u32,
    pub per_address: u32,
    pub per_account: u32,
    /// Failures from one remembered browser (someone else at the user's own desk).
    pub per_device: u32,
}

pub const LIMITS: Limits = Limits {
    per_account_and_address: 5,
    per_address: 50,
    per_account: 10,
    per_device: 10,
};

/// Failures within [`WINDOW`] before this attempt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecentFailures {
    pub account_and_address: u32,
    pub address: u32,
    pub account: u32,
    /// From this browser's device cookie, whatever the account.
    pub device: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Check the password.
    Attempt,
    /// Refuse without checking: the same answer whether or not the password was right.
    Refuse,
}

pub fn decide(recent: RecentFailures, trusted_device: bool, limits: Limits) -> Decision {
    let blocked = if trusted_device {
        recent.device >= limits.per_device
    } else {
        recent.account_and_address >= limits.per_account_and_address
            || recent.address >= limits.per_address
            || recent.account >= limits.per_account
    };
    if blocked {
        Decision::Refuse
    } else {
        Decision::Attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn failures(
        account_and_address: u32,
        address: u32,
        account: u32,
        device: u32,
    ) -> RecentFailures {
        RecentFailures {
            account_and_address,
            address,
            account,
            device,
        }
    }

    #[test]
    fn an_attackers_machine_is_stopped() {
        assert_eq!(
            decide(failures(5, 5, 5, 0), false, LIMITS),
            Decision::Refuse
        );
        assert_eq!(
            decide(failures(0, 50, 0, 0), false, LIMITS),
            Decision::Refuse
        );
    }

    #[test]
    fn a_spread_attack_is_stopped_but_not_for_the_users_own_browser() {
        let r = failures(0, 0, 40, 0);
        assert_eq!(decide(r, false, LIMITS), Decision::Refuse);
        assert_eq!(decide(r, true, LIMITS), Decision::Attempt);
    }

    #[test]
    fn someone_at_the_users_own_browser_is_stopped_there() {
        assert_eq!(
            decide(failures(0, 0, 0, 10), true, LIMITS),
            Decision::Refuse
        );
        assert_eq!(
            decide(failures(0, 0, 0, 9), true, LIMITS),
            Decision::Attempt
        );
    }

    proptest! {
        /// Whatever failures others cause on the account or at the same address, the user's
        /// own browser can always try.
        #[test]
        fn trusted_browser_never_locked_out_by_others(
            pair in 0u32..100_000,
            address in 0u32..100_000,
            account in 0u32..100_000,
        ) {
            prop_assert_eq!(decide(failures(pair, address, account, 0), true, LIMITS), Decision::Attempt);
        }
    }
}
