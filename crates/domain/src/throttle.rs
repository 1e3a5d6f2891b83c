//! Slowing down password guessing without letting an attacker lock a real user out.
//!
//! Failures are counted over a sliding window three ways. Per account and address, and per
//! address, they stop an attacker's own machine. Per account across all addresses they stop a
//! spread-out attack, but that limit is waived for a browser that has signed in to the account
//! successfully before (OWASP's "device cookie" scheme): the attacker cannot present that
//! browser's cookie, so the real user at their usual browser is never locked out by them.

use jiff::SignedDuration;

pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub per_account_and_address: u32,
    pub per_address: u32,
    pub per_account: u32,
}

pub const LIMITS: Limits = Limits {
    per_account_and_address: 5,
    per_address: 50,
    per_account: 10,
};

/// Failures within [`WINDOW`] before this attempt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecentFailures {
    pub account_and_address: u32,
    pub address: u32,
    pub account: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Check the password.
    Attempt,
    /// Refuse without checking: the same answer whether or not the password was right.
    Refuse,
}

pub fn decide(recent: RecentFailures, trusted_device: bool, limits: Limits) -> Decision {
    let blocked = recent.account_and_address >= limits.per_account_and_address
        || recent.address >= limits.per_address
        || (!trusted_device && recent.account >= limits.per_account);
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

    #[test]
    fn an_attackers_machine_is_stopped() {
        let r = RecentFailures {
            account_and_address: 5,
            address: 5,
            account: 5,
        };
        assert_eq!(decide(r, false, LIMITS), Decision::Refuse);
        let r = RecentFailures {
            account_and_address: 0,
            address: 50,
            account: 0,
        };
        assert_eq!(decide(r, false, LIMITS), Decision::Refuse);
    }

    #[test]
    fn a_spread_attack_is_stopped_but_not_for_the_users_own_browser() {
        let r = RecentFailures {
            account_and_address: 0,
            address: 0,
            account: 40,
        };
        assert_eq!(decide(r, false, LIMITS), Decision::Refuse);
        assert_eq!(decide(r, true, LIMITS), Decision::Attempt);
    }

    proptest! {
        /// Whatever failures others cause on the account, a trusted browser on a clean address
        /// can always try.
        #[test]
        fn trusted_browser_never_locked_out_by_others(account in 0u32..100_000) {
            let r = RecentFailures { account_and_address: 0, address: 0, account };
            prop_assert_eq!(decide(r, true, LIMITS), Decision::Attempt);
        }
    }
}
