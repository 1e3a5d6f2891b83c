//! Email addresses, normalised so that sign-in is not case-sensitive.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("enter an email address")]
    Empty,
    #[error("enter an email address in the correct format, like name@example.org")]
    Format,
    #[error("the email address is too long")]
    TooLong,
}

impl EmailAddress {
    /// Trims, lower-cases and checks the shape `local@domain.tld`. Deliberately permissive
    /// beyond that: the mailbox proves itself by receiving mail.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let lower = trimmed.to_lowercase();
        let (local, domain) = lower.split_once('@').ok_or(EmailError::Format)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        let no_space = !lower.chars().any(|c| c.is_whitespace() || c.is_control());
        if local.is_empty() || !domain_ok || !no_space {
            return Err(EmailError::Format);
        }
        Ok(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or("")
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_validates() {
        assert_eq!(
            EmailAddress::parse("  Ann.Other@Example.ORG ")
                .unwrap()
                .as_str(),
            "ann.other@example.org"
        );
        assert_eq!(EmailAddress::parse(""), Err(EmailError::Empty));
        assert_eq!(EmailAddress::parse("no-at-sign"), Err(EmailError::Format));
        assert_eq!(EmailAddress::parse("a@b"), Err(EmailError::Format));
        assert_eq!(EmailAddress::parse("a b@c.org"), Err(EmailError::Format));
        assert_eq!(EmailAddress::parse("a@@c.org"), Err(EmailError::Format));
        assert_eq!(
            EmailAddress::parse(&format!("{}@x.org", "a".repeat(260))),
            Err(EmailError::TooLong)
        );
    }
}
