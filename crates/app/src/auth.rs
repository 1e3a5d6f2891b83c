//! Signing in and out, sessions and API tokens.

use crate::actor::Via;
use crate::secrets::{random_token, token_hash};
use crate::{Actor, App, AppError, AppResult, RequestMeta};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use homeward_domain::audit::{AuditEvent, Outcome};
use homeward_domain::email::EmailAddress;
use homeward_domain::session::{SessionState, SessionTimes};
use homeward_domain::throttle::{self, Decision};
use homeward_store::{ApiToken, SessionRecord};
use jiff::SignedDuration;
use std::sync::OnceLock;

/// Argon2id with OWASP's recommended minimum: 19 MiB, two passes, one lane.
fn argon2() -> AppResult<Argon2<'static>> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password off the async runtime: a hash takes tens of milliseconds of CPU.
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt_bytes = [0u8; 16];
        getrandom::fill(&mut salt_bytes).map_err(|e| AppError::Internal(e.to_string()))?;
        argon2()?
            .hash_password_with_salt(password.as_bytes(), &salt_bytes)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

async fn verify_password(hash: String, password: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        Ok(
            PasswordVerifier::<str>::verify_password(
                &argon2()?,
                password.as_bytes(),
                hash.as_str(),
            )
            .is_ok(),
        )
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// A hash to check against when the account does not exist, so that an unknown email takes
/// as long to refuse as a wrong password and the timing reveals nothing.
async fn decoy_hash() -> AppResult<String> {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DECOY.get() {
        return Ok(h.clone());
    }
    let h = hash_password("decoy password that matches nothing".into()).await?;
    Ok(DECOY.get_or_init(|| h).clone())
}

/// What a successful sign-in hands the interface to set as cookies.
#[derive(Debug)]
pub struct SignedIn {
    pub session_token: String,
    /// A new "this browser has signed in before" token, when the browser had none for this user.
    pub new_device_token: Option<String>,
    /// A new "no code needed on this browser" token, when the user asked for it.
    pub remembered_token: Option<String>,
}

/// Where a sign-in with the right password goes next.
#[derive(Debug)]
pub enum SignInStep {
    SignedIn(SignedIn),
    /// The code from their authenticator app, for this challenge.
    Code {
        challenge: String,
        new_device_token: Option<String>,
    },
    /// Their role needs a second factor and they have none: set one up, for this challenge.
    SetUp {
        challenge: String,
        new_device_token: Option<String>,
    },
}

/// Why a sign-in was refused. Deliberately coarse: unknown account and wrong password are
/// the same answer.
#[derive(Debug, PartialEq, Eq)]
pub enum SignInFailure {
    /// The email is not an email address: a form error, shown as such.
    BadEmail(&'static str),
    EmptyPassword,
    WrongCredentials,
    /// Too many recent failures for this account or address; try again later.
    Throttled,
}

impl App {
    pub(crate) fn system_event(
        &self,
        meta: &RequestMeta,
        action: &str,
        label: &str,
        outcome: Outcome,
    ) -> AuditEvent {
        AuditEvent {
            at: self.clock.now(),
            org_id: None,
            actor: None,
            actor_label: label.into(),
            action: action.into(),
            resource_kind: "session".into(),
            resource_id: None,
            outcome,
            ip: meta.ip.clone(),
        }
    }

    /// Checks the password; then signs in, or asks for the second factor (or for one to be
    /// set up) unless this browser is remembered for it.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        device_token: Option<&str>,
        remembered_token: Option<&str>,
        meta: &RequestMeta,
    ) -> AppResult<Result<SignInStep, SignInFailure>> {
        let email = match EmailAddress::parse(email) {
            Ok(e) => e,
            Err(homeward_domain::email::EmailError::Empty) => {
                return Ok(Err(SignInFailure::BadEmail("error-email-empty")));
            }
            Err(_) => return Ok(Err(SignInFailure::BadEmail("error-email-format"))),
        };
        if password.is_empty() {
            return Ok(Err(SignInFailure::EmptyPassword));
        }
        let now = self.clock.now();
        let ip = meta.ip.clone().unwrap_or_else(|| "unknown".into());
        let since = now.checked_sub(throttle::WINDOW).unwrap_or(now);
        let device_hash = device_token.map(token_hash);
        let recent = self
            .store
            .recent_failures(email.as_str(), &ip, device_hash.as_deref(), since)
            .await?;
        let creds = self.store.find_credentials(email.as_str()).await?;

        let trusted = match (&creds, device_token) {
            (Some(c), Some(token)) => {
                self.store
                    .is_trusted_device(&token_hash(token), c.user.id)
                    .await?
            }
            _ => false,
        };
        if throttle::decide(recent, trusted, throttle::LIMITS) == Decision::Refuse {
            let mut e = self.system_event(meta, "session.sign_in", email.as_str(), Outcome::Denied);
            e.resource_id = Some("throttled".into());
            self.store.record_audit(&e).await?;
            return Ok(Err(SignInFailure::Throttled));
        }

        let hash = match &creds {
            Some(c) if c.user.active => c.password_hash.clone(),
            _ => decoy_hash().await?,
        };
        let matches = verify_password(hash, password.to_owned()).await?;
        let user = match creds {
            Some(c) if c.user.active && matches => c.user,
            _ => {
                let e = self.system_event(meta, "session.sign_in", email.as_str(), Outcome::Failed);
                self.store
                    .record_sign_in_failure(email.as_str(), &ip, device_hash.as_deref(), &e)
                    .await?;
                return Ok(Err(SignInFailure::WrongCredentials));
            }
        };

        let new_device_token = if trusted {
            None
        } else {
            let device = random_token().map_err(|e| AppError::Internal(e.to_string()))?;
            self.store
                .trust_device(&token_hash(&device), user.id, now)
                .await?;
            Some(device)
        };
        let step = match self.second_factor_needed(&user, remembered_token).await? {
            crate::second_factor::Needed::No => {
                let mut signed_in = self.start_session(&user, meta, false).await?;
                signed_in.new_device_token = new_device_token;
                SignInStep::SignedIn(signed_in)
            }
            crate::second_factor::Needed::Code => SignInStep::Code {
                challenge: self.challenge(&user, false).await?,
                new_device_token,
            },
            crate::second_factor::Needed::SetUp => SignInStep::SetUp {
                challenge: self.challenge(&user, true).await?,
                new_device_token,
            },
        };
        Ok(Ok(step))
    }

    /// A new session for someone who has proved who they are; audited as the sign-in.
    pub(crate) async fn start_session(
        &self,
        user: &homeward_store::User,
        meta: &RequestMeta,
        with_code: bool,
    ) -> AppResult<SignedIn> {
        let now = self.clock.now();
        let token = random_token().map_err(|e| AppError::Internal(e.to_string()))?;
        let session = SessionRecord {
            token_hash: token_hash(&token),
            user_id: user.id,
            csrf_token: random_token().map_err(|e| AppError::Internal(e.to_string()))?,
            created_at: now,
            last_seen_at: now,
            ip: meta.ip.clone(),
            second_factor_at: with_code.then_some(now),
            inspection_id: None,
        };
        let mut e = self.system_event(meta, "session.sign_in", &user.email, Outcome::Allowed);
        e.org_id = Some(user.org_id);
        e.actor = Some(user.id);
        self.store.create_session(&session, &e).await?;
        Ok(SignedIn {
            session_token: token,
            new_device_token: None,
            remembered_token: None,
        })
    }

    /// The actor behind a session cookie, if the session is still live. Expired sessions are
    /// ended as they are found.
    pub async fn resolve_session(&self, token: &str) -> AppResult<Option<Actor>> {
        let hash = token_hash(token);
        let Some((session, user)) = self.store.find_session(&hash).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        let times = SessionTimes {
            created_at: session.created_at,
            last_seen_at: session.last_seen_at,
        };
        match times.state_at(now) {
            SessionState::Live { touch } => {
                if touch {
                    self.store.touch_session(&hash, now).await?;
                }
                let mut actor = Actor::new(
                    user,
                    Via::Session {
                        token_hash: hash.clone(),
                        csrf_token: session.csrf_token,
                        second_factor_at: session.second_factor_at,
                    },
                );
                if let Some(id) = session.inspection_id {
                    actor.inspecting = self.inspecting(&actor, id).await?;
                    if actor.inspecting.is_none() {
                        // Ended or revoked since the last request: back to their own records.
                        self.store.set_session_inspection(&hash, None, None).await?;
                    }
                }
                Ok(Some(actor))
            }
            SessionState::IdleExpired | SessionState::AbsoluteExpired => {
                self.store.end_session(&hash, None).await?;
                Ok(None)
            }
        }
    }

    pub async fn sign_out(&self, actor: &Actor, meta: &RequestMeta) -> AppResult<()> {
        if let Via::Session { token_hash, .. } = &actor.via {
            let e = actor.event(
                self.clock.now(),
                meta,
                "session.sign_out",
                "session",
                None,
                Outcome::Allowed,
            );
            self.store.end_session(token_hash, Some(&e)).await?;
        }
        Ok(())
    }

    /// The actor behind an API bearer token, if it exists and has not expired.
    pub async fn resolve_api_token(&self, token: &str) -> AppResult<Option<Actor>> {
        let Some((t, user)) = self.store.find_api_token(&token_hash(token)).await? else {
            return Ok(None);
        };
        if self.clock.now() >= t.expires_at {
            return Ok(None);
        }
        Ok(Some(Actor::new(user, Via::ApiToken)))
    }

    /// Issues an API token for a user (from the command line). Returns the token, shown once.
    pub async fn issue_api_token(
        &self,
        email: &str,
        label: &str,
        valid_for_days: i64,
    ) -> AppResult<String> {
        let email = EmailAddress::parse(email)
            .map_err(|_| AppError::invalid("email", "error-email-format"))?;
        let creds = self
            .store
            .find_credentials(email.as_str())
            .await?
            .ok_or(AppError::NotFound)?;
        if !creds.user.active {
            return Err(AppError::NotFound);
        }
        let days = valid_for_days.clamp(1, 366);
        let now = self.clock.now();
        let token = random_token().map_err(|e| AppError::Internal(e.to_string()))?;
        let record = ApiToken {
            token_hash: token_hash(&token),
            user_id: creds.user.id,
            label: label.chars().take(100).collect(),
            created_at: now,
            expires_at: now
                .checked_add(SignedDuration::from_hours(24 * days))
                .unwrap_or(now),
        };
        let mut e = self.system_event(
            &RequestMeta::default(),
            "api_token.create",
            "system",
            Outcome::Allowed,
        );
        e.org_id = Some(creds.user.org_id);
        e.resource_kind = "user".into();
        e.resource_id = Some(creds.user.id.to_string());
        self.store.create_api_token(&record, &e).await?;
        Ok(token)
    }
}
