//! The second factor: six-digit codes that change every 30 seconds, from an authenticator app
//! that holds a secret shared when the account was set up (RFC 6238 over RFC 4226's HMAC-SHA1,
//! the settings every authenticator app understands).
//!
//! A code is accepted from the 30 seconds before or after too, because phone clocks drift; and
//! each code works once: the step it matched is kept, and only a later step is accepted next.

use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use sha1::Sha1;

/// How long each code lasts.
pub const STEP_SECONDS: i64 = 30;
/// Steps either side of now that are accepted.
pub const DRIFT_STEPS: i64 = 1;
/// How many bytes of secret a new account gets (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// Codes that may be tried against one sign-in before it must start again.
pub const MOST_TRIES: i64 = 5;
/// How long a sign-in may wait for its code.
pub const CHALLENGE_MINUTES: i64 = 10;
/// How long a device may be remembered, so the code is not asked for on it.
pub const REMEMBER_DAYS: i64 = 30;
/// How long after entering a code someone may export or name people to partners without
/// entering one again.
pub const STEP_UP_MINUTES: i64 = 15;
/// How many single-use recovery codes an account is given.
pub const RECOVERY_CODES: usize = 10;

/// The 30-second step an instant falls in.
pub fn step_of(at: Timestamp) -> i64 {
    at.as_second().div_euclid(STEP_SECONDS)
}

/// The six-digit code for one step (RFC 4226's dynamic truncation).
pub fn code_at_step(secret: &[u8], step: i64) -> u32 {
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(secret) else {
        // HMAC takes a key of any length; this cannot happen.
        return u32::MAX;
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    word % 1_000_000
}

/// The code an authenticator shows at an instant, as six digits.
pub fn code(secret: &[u8], at: Timestamp) -> String {
    format!("{:06}", code_at_step(secret, step_of(at)))
}

/// What someone typed as a code: digits only, spaces and dashes left out (apps show "123 456").
pub fn typed_digits(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

/// The step a typed code matches at `now`, if it matches one within the drift allowed and
/// later than the last step used (a code works once). Every candidate step is compared, in
/// constant time, so the time taken says nothing about which was close.
pub fn verify(secret: &[u8], typed: &str, now: Timestamp, last_used: Option<i64>) -> Option<i64> {
    let digits = typed_digits(typed)?;
    let now_step = step_of(now);
    let mut matched = None;
    for step in now_step - DRIFT_STEPS..=now_step + DRIFT_STEPS {
        let expected = format!("{:06}", code_at_step(secret, step));
        let same = expected
            .bytes()
            .zip(digits.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        if same && last_used.is_none_or(|last| step > last) && matched.is_none() {
            matched = Some(step);
        }
    }
    matched
}

/// A secret as an authenticator app is given it: base32 (RFC 4648), no padding.
pub fn secret_text(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

/// The same in groups of four, easier to type from a screen.
pub fn secret_grouped(secret: &[u8]) -> String {
    let text = secret_text(secret);
    text.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A secret from its base32 text (as the demo prints it), spaces and case aside.
pub fn secret_from_text(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    data_encoding::BASE32_NOPAD.decode(cleaned.as_bytes()).ok()
}

/// The link an authenticator app reads (the "key URI format"), naming Homeward and the account.
pub fn setup_uri(secret: &[u8], account: &str) -> String {
    let label: String = account
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'@' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    format!(
        "otpauth://totp/Homeward:{label}?secret={}&issuer=Homeward&algorithm=SHA1&digits=6&period=30",
        secret_text(secret)
    )
}

/// A recovery code as typed: lower case, only letters and digits (the dashes shown are for
/// reading).
pub fn recovery_typed(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Ten random bytes as a recovery code of the letters and digits that cannot be mistaken for
/// one another, shown as `xxxxx-xxxxx`.
pub fn recovery_code(random: &[u8; 10]) -> String {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let chars: String = random
        .iter()
        .map(|b| char::from(LETTERS[usize::from(*b) % LETTERS.len()]))
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's test secret for SHA-1 and its published codes (the last six digits of its
    /// eight-digit values).
    #[test]
    fn codes_match_the_rfcs_own_examples() {
        let secret = b"12345678901234567890";
        for (seconds, expected) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            let at = Timestamp::from_second(seconds).unwrap();
            assert_eq!(code(secret, at), expected, "{seconds}");
        }
    }

    #[test]
    fn a_code_works_once_within_the_drift_and_not_outside_it() {
        let secret = b"12345678901234567890";
        let now = Timestamp::from_second(1_111_111_111).unwrap();
        let step = step_of(now);
        let this = code(secret, now);
        assert_eq!(verify(secret, &this, now, None), Some(step));
        // Typed with a space, as apps show it.
        let spaced = format!("{} {}", &this[..3], &this[3..]);
        assert_eq!(verify(secret, &spaced, now, None), Some(step));
        // Used once: not again.
        assert_eq!(verify(secret, &this, now, Some(step)), None);
        // The step before is still accepted; two steps away is not.
        let before = code(secret, Timestamp::from_second(1_111_111_111 - 30).unwrap());
        assert_eq!(verify(secret, &before, now, None), Some(step - 1));
        let long_ago = code(secret, Timestamp::from_second(1_111_111_111 - 90).unwrap());
        assert_eq!(verify(secret, &long_ago, now, None), None);
        // Not six digits.
        assert_eq!(verify(secret, "12345", now, None), None);
        assert_eq!(verify(secret, "abcdef", now, None), None);
    }

    #[test]
    fn a_secret_is_shown_in_base32_and_read_back() {
        let secret = b"12345678901234567890";
        assert_eq!(secret_text(secret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(secret_grouped(secret).split(' ').count(), 8);
        assert_eq!(
            secret_from_text("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").as_deref(),
            Some(&secret[..])
        );
        let uri = setup_uri(secret, "jo.bloggs+cover@example.org");
        assert!(
            uri.starts_with("otpauth://totp/Homeward:jo.bloggs%2Bcover@example.org?secret=GEZD")
        );
    }

    #[test]
    fn recovery_codes_are_easy_to_read_and_type() {
        let code = recovery_code(&[0, 1, 2, 3, 4, 250, 251, 252, 253, 255]);
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert!(!code.contains(['0', 'o', '1', 'l', 'i']));
        assert_eq!(recovery_typed(" ABCDE-fghjk "), "abcdefghjk");
    }
}
