//! What makes a password acceptable (OWASP ASVS 5.0 §6.2): long enough, not absurdly long,
//! any characters (paste allowed, no composition rules), and not one everybody guesses.

const MIN_CHARS: usize = 12;
/// Long passphrases are welcome; the cap only bounds the hashing work an attacker can demand.
pub const MAX_CHARS: usize = 128;

static COMMON: &str = include_str!("common_passwords.txt");

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("enter a password")]
    Empty,
    #[error("the password must be at least 12 characters")]
    TooShort,
    #[error("the password must be 128 characters or fewer")]
    TooLong,
    #[error("the password is too easy to guess")]
    TooCommon,
}

impl PasswordProblem {
    pub fn code(self) -> &'static str {
        match self {
            PasswordProblem::Empty => "password-empty",
            PasswordProblem::TooShort => "password-too-short",
            PasswordProblem::TooLong => "password-too-long",
            PasswordProblem::TooCommon => "password-too-common",
        }
    }
}

/// Checks a new password. `context` holds words specific to this account (its email, the
/// service's name) that must not make up the password.
pub fn check_new_password(password: &str, context: &[&str]) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars == 0 {
        return Err(PasswordProblem::Empty);
    }
    if chars < MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    if is_guessable(password, context) {
        return Err(PasswordProblem::TooCommon);
    }
    Ok(())
}

fn is_guessable(password: &str, context: &[&str]) -> bool {
    let folded: String = password.to_lowercase();
    if COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|common| common == folded)
    {
        return true;
    }
    // One character repeated, or a run like "abcdefghijkl" / "123456789012".
    let cs: Vec<char> = folded.chars().collect();
    let all_same = cs.windows(2).all(|w| w[0] == w[1]);
    let ascending = cs
        .windows(2)
        .all(|w| (w[1] as u32) == (w[0] as u32) + 1 || (w[0] == '9' && w[1] == '0'));
    if all_same || ascending {
        return true;
    }
    // The account's own words with a few characters bolted on.
    let stripped: String = folded.chars().filter(|c| c.is_alphabetic()).collect();
    context
        .iter()
        .map(|w| w.to_lowercase())
        .filter(|w| w.chars().count() >= 4)
        .any(|w| stripped == w || (folded.contains(&w) && cs.len() < w.chars().count() + 6))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn length_rules() {
        assert_eq!(check_new_password("", &[]), Err(PasswordProblem::Empty));
        assert_eq!(
            check_new_password("short", &[]),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check_new_password(&"x".repeat(129), &[]),
            Err(PasswordProblem::TooLong)
        );
        // 64 characters of a passphrase, with spaces and Welsh letters: fine.
        let long = "mae hen wlad fy nhadau yn annwyl i mi ŵ ŷ a phob un ohonom yn canu";
        assert!(long.chars().count() >= 64);
        assert_eq!(check_new_password(long, &[]), Ok(()));
    }

    #[test]
    fn common_and_patterned_passwords_are_refused() {
        for p in [
            "password1234",
            "Password1234",
            "123456789012",
            "aaaaaaaaaaaa",
            "abcdefghijkl",
            "qwertyuiop12",
        ] {
            assert_eq!(
                check_new_password(p, &[]),
                Err(PasswordProblem::TooCommon),
                "{p}"
            );
        }
    }

    #[test]
    fn own_words_are_refused() {
        assert_eq!(
            check_new_password("Bryngolau2026!", &["bryngolau"]),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            check_new_password("kettle orbit lantern", &["bryngolau"]),
            Ok(())
        );
    }

    proptest! {
        #[test]
        fn any_input_gets_an_answer(p in ".{0,200}") {
            let _ = check_new_password(&p, &["example"]);
        }
    }
}
