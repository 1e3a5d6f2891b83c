//! The second factor: after the password, a code from an authenticator app (or a single-use
//! recovery code), for everyone who has set one up and required of those whose roles decide,
//! share or administer (see `Role::needs_second_factor`). A browser may be remembered for 30
//! days so the code is not asked for on it every shift.

use crate::auth::SignedIn;
use crate::secrets::{random_token, token_hash};
use crate::{Actor, App, AppError, AppResult, RequestMeta};
use homeward_domain::audit::Outcome;
use homeward_domain::ids::UserId;
use homeward_domain::totp;
use homeward_store::{Challenge, Enrolment, User};
use jiff::SignedDuration;

/// Whether a sign-in with the right password still needs the second factor.
pub(crate) enum Needed {
    No,
    Code,
    SetUp,
}

/// Why a code was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeFailure {
    /// Not six digits (or, for a recovery code, empty).
    NotACode,
    /// Not the code: this many tries are left.
    Wrong { tries_left: i64 },
    /// The sign-in waited too long, was tried too often, or is unknown: sign in again.
    StartAgain,
}

/// What the page for setting up a second factor shows.
#[derive(Clone, Debug)]
pub struct SetUp {
    pub email: String,
    /// The secret in groups of four, to type into an app.
    pub secret: String,
    /// The `otpauth://` link an app on the same device can open.
    pub uri: String,
}

/// A second factor just set up: the session, and the recovery codes to keep, shown once.
#[derive(Debug)]
pub struct SetUpDone {
    pub signed_in: SignedIn,
    pub recovery_codes: Vec<String>,
}

impl App {
    pub(crate) async fn second_factor_needed(
        &self,
        user: &User,
        remembered_token: Option<&str>,
    ) -> AppResult<Needed> {
        let enrolled = self.store.second_factor(user.id).await?.is_some();
        if enrolled {
            let remembered = match remembered_token {
                Some(token) => {
                    self.store
                        .is_remembered_device(&token_hash(token), user.id, self.clock.now())
                        .await?
                }
                None => false,
            };
            return Ok(if remembered { Needed::No } else { Needed::Code });
        }
        let required = self
            .store
            .get_user(user.org_id, user.id)
            .await?
            .is_some_and(|u| u.memberships.iter().any(|m| m.role.needs_second_factor()));
        Ok(if required { Needed::SetUp } else { Needed::No })
    }

    /// A sign-in waiting for its code; for a set-up, with a new secret waiting to be proved.
    pub(crate) async fn challenge(&self, user: &User, set_up: bool) -> AppResult<String> {
        let token = random_token().map_err(|e| AppError::Internal(e.to_string()))?;
        let new_secret_sealed = if set_up {
            let mut secret = [0u8; totp::SECRET_BYTES];
            getrandom::fill(&mut secret).map_err(|e| AppError::Internal(e.to_string()))?;
            Some(self.seal(user.id, &secret)?)
        } else {
            None
        };
        self.store
            .create_challenge(&Challenge {
                token_hash: token_hash(&token),
                user: user.id,
                created_at: self.clock.now(),
                tries: 0,
                new_secret_sealed,
            })
            .await?;
        Ok(token)
    }

    fn seal(&self, user: UserId, secret: &[u8]) -> AppResult<Vec<u8>> {
        self.keys
            .seal_second_factor(user.0.as_bytes(), secret)
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    fn open(&self, user: UserId, sealed: &[u8]) -> AppResult<Vec<u8>> {
        self.keys
            .open_second_factor(user.0.as_bytes(), sealed)
            .ok_or_else(|| {
                AppError::Internal(
                    "a second factor does not open with this installation's secret".into(),
                )
            })
    }

    /// The live challenge behind a token, and its user; `None` if it is unknown, too old or
    /// tried too often.
    async fn live_challenge(&self, token: &str) -> AppResult<Option<(Challenge, User)>> {
        let Some((c, org)) = self.store.find_challenge(&token_hash(token)).await? else {
            return Ok(None);
        };
        let age = self.clock.now().duration_since(c.created_at);
        if age > SignedDuration::from_mins(totp::CHALLENGE_MINUTES) || c.tries >= totp::MOST_TRIES {
            self.store.end_challenge(&c.token_hash).await?;
            return Ok(None);
        }
        match self.store.get_user(org, c.user).await? {
            Some(u) if u.user.active => Ok(Some((c, u.user))),
            _ => Ok(None),
        }
    }

    /// What the set-up page shows for a challenge, if it is live and is a set-up.
    pub async fn second_factor_set_up(&self, challenge: &str) -> AppResult<Option<SetUp>> {
        let Some((c, user)) = self.live_challenge(challenge).await? else {
            return Ok(None);
        };
        let Some(sealed) = &c.new_secret_sealed else {
            return Ok(None);
        };
        let secret = self.open(user.id, sealed)?;
        Ok(Some(SetUp {
            email: user.email.clone(),
            secret: totp::secret_grouped(&secret),
            uri: totp::setup_uri(&secret, &user.email),
        }))
    }

    /// Whether a challenge is live and waiting for a code (not a set-up).
    pub async fn second_factor_waiting(&self, challenge: &str) -> AppResult<bool> {
        Ok(self
            .live_challenge(challenge)
            .await?
            .is_some_and(|(c, _)| c.new_secret_sealed.is_none()))
    }

    /// Counts a wrong code, audits it, and says how many tries are left.
    async fn wrong(
        &self,
        c: &Challenge,
        user: &User,
        meta: &RequestMeta,
    ) -> AppResult<CodeFailure> {
        let tries = self.store.challenge_tried(&c.token_hash).await?;
        let mut e = self.system_event(meta, "session.second_factor", &user.email, Outcome::Failed);
        e.org_id = Some(user.org_id);
        e.actor = Some(user.id);
        self.store.record_audit(&e).await?;
        let left = totp::MOST_TRIES - tries;
        if left <= 0 {
            self.store.end_challenge(&c.token_hash).await?;
            return Ok(CodeFailure::StartAgain);
        }
        Ok(CodeFailure::Wrong { tries_left: left })
    }

    /// Signs in with the code from the authenticator app (or a recovery code), remembering
    /// this browser for 30 days if asked.
    pub async fn sign_in_with_code(
        &self,
        challenge: &str,
        code: &str,
        recovery: bool,
        remember: bool,
        meta: &RequestMeta,
    ) -> AppResult<Result<SignedIn, CodeFailure>> {
        let Some((c, user)) = self.live_challenge(challenge).await? else {
            return Ok(Err(CodeFailure::StartAgain));
        };
        if c.new_secret_sealed.is_some() {
            return Ok(Err(CodeFailure::StartAgain));
        }
        let Some(factor) = self.store.second_factor(user.id).await? else {
            return Ok(Err(CodeFailure::StartAgain));
        };
        let now = self.clock.now();
        let accepted = if recovery {
            let typed = totp::recovery_typed(code);
            if typed.is_empty() {
                return Ok(Err(CodeFailure::NotACode));
            }
            let used = self
                .store
                .use_recovery_code(user.id, &token_hash(&typed), now)
                .await?;
            if used {
                let mut e = self.system_event(
                    meta,
                    "second_factor.recovery_code",
                    &user.email,
                    Outcome::Allowed,
                );
                e.org_id = Some(user.org_id);
                e.actor = Some(user.id);
                self.store.record_audit(&e).await?;
            }
            used
        } else {
            if totp::typed_digits(code).is_none() {
                return Ok(Err(CodeFailure::NotACode));
            }
            let secret = self.open(user.id, &factor.secret_sealed)?;
            match totp::verify(&secret, code, now, factor.last_step) {
                // Two sign-ins racing with one code: only one marks its step used.
                Some(step) => self.store.use_second_factor_step(user.id, step).await?,
                None => false,
            }
        };
        if !accepted {
            return Ok(Err(self.wrong(&c, &user, meta).await?));
        }
        self.store.end_challenge(&c.token_hash).await?;
        let mut signed_in = self.start_session(&user, meta, true).await?;
        if remember {
            let token = random_token().map_err(|e| AppError::Internal(e.to_string()))?;
            let until = now + SignedDuration::from_hours(24 * totp::REMEMBER_DAYS);
            self.store
                .remember_device(&token_hash(&token), user.id, now, until)
                .await?;
            signed_in.remembered_token = Some(token);
        }
        Ok(Ok(signed_in))
    }

    /// Sets up the second factor with the first code from the new secret: keeps the secret,
    /// makes the recovery codes (shown once), and signs in.
    pub async fn set_up_second_factor(
        &self,
        challenge: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> AppResult<Result<SetUpDone, CodeFailure>> {
        let Some((c, user)) = self.live_challenge(challenge).await? else {
            return Ok(Err(CodeFailure::StartAgain));
        };
        let Some(sealed) = &c.new_secret_sealed else {
            return Ok(Err(CodeFailure::StartAgain));
        };
        if totp::typed_digits(code).is_none() {
            return Ok(Err(CodeFailure::NotACode));
        }
        let secret = self.open(user.id, sealed)?;
        let Some(step) = totp::verify(&secret, code, self.clock.now(), None) else {
            return Ok(Err(self.wrong(&c, &user, meta).await?));
        };
        let recovery_codes = self.recovery_codes()?;
        let mut e = self.system_event(meta, "second_factor.enrol", &user.email, Outcome::Allowed);
        e.org_id = Some(user.org_id);
        e.actor = Some(user.id);
        e.resource_kind = "user".into();
        e.resource_id = Some(user.id.to_string());
        self.store
            .enrol_second_factor(
                &Enrolment {
                    user: user.id,
                    secret_sealed: sealed.clone(),
                    step,
                    recovery_hashes: recovery_codes
                        .iter()
                        .map(|r| token_hash(&totp::recovery_typed(r)))
                        .collect(),
                    at: self.clock.now(),
                    challenge_hash: Some(c.token_hash.clone()),
                },
                &e,
            )
            .await?;
        let signed_in = self.start_session(&user, meta, true).await?;
        Ok(Ok(SetUpDone {
            signed_in,
            recovery_codes,
        }))
    }

    fn recovery_codes(&self) -> AppResult<Vec<String>> {
        (0..totp::RECOVERY_CODES)
            .map(|_| {
                let mut random = [0u8; 10];
                getrandom::fill(&mut random).map_err(|e| AppError::Internal(e.to_string()))?;
                Ok(totp::recovery_code(&random))
            })
            .collect()
    }

    /// Sets up a demo account's second factor from the secret the demo prints for it.
    pub(crate) async fn enrol_demo_account(&self, user: &User) -> AppResult<()> {
        let secret = self.keys.demo_second_factor_secret(&user.email);
        let sealed = self.seal(user.id, &secret)?;
        let recovery_codes = self.recovery_codes()?;
        let mut e = self.system_event(
            &RequestMeta::default(),
            "second_factor.enrol",
            "demo",
            Outcome::Allowed,
        );
        e.org_id = Some(user.org_id);
        e.resource_kind = "user".into();
        e.resource_id = Some(user.id.to_string());
        self.store
            .enrol_second_factor(
                &Enrolment {
                    user: user.id,
                    secret_sealed: sealed,
                    // No code used yet.
                    step: 0,
                    recovery_hashes: recovery_codes
                        .iter()
                        .map(|r| token_hash(&totp::recovery_typed(r)))
                        .collect(),
                    at: self.clock.now(),
                    challenge_hash: None,
                },
                &e,
            )
            .await?;
        Ok(())
    }

    /// Takes away a user's second factor when they have lost their phone: they set up a new
    /// one at their next sign-in, and every session of theirs ends now. An administrator of
    /// their organisation only; audited.
    pub async fn remove_second_factor(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        user: UserId,
    ) -> AppResult<()> {
        crate::actor::require(actor, crate::policy::Action::ManageUsers)?;
        let target = self
            .store
            .get_user(actor.org_id(), user)
            .await?
            .ok_or(AppError::NotFound)?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "second_factor.remove",
            "user",
            Some(target.user.id.to_string()),
            Outcome::Allowed,
        );
        self.store.remove_second_factor(user, &e).await?;
        Ok(())
    }

    /// Refuses with [`AppError::StepUp`] unless the code from the authenticator app was entered
    /// in this session within the last 15 minutes: before exporting, or naming people to
    /// partners. Those without a second factor (whose roles need none) are not asked.
    pub async fn require_recent_second_factor(&self, actor: &Actor) -> AppResult<()> {
        let crate::actor::Via::Session {
            second_factor_at, ..
        } = &actor.via
        else {
            return Ok(());
        };
        if self.store.second_factor(actor.user.id).await?.is_none() {
            return Ok(());
        }
        let fresh = second_factor_at.is_some_and(|at| {
            self.clock.now().duration_since(at) <= SignedDuration::from_mins(totp::STEP_UP_MINUTES)
        });
        if fresh { Ok(()) } else { Err(AppError::StepUp) }
    }

    /// The code entered again in a session (a step-up). Audited either way.
    pub async fn confirm_second_factor(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        code: &str,
    ) -> AppResult<Result<(), CodeFailure>> {
        let crate::actor::Via::Session { token_hash, .. } = &actor.via else {
            return Ok(Ok(()));
        };
        let Some(factor) = self.store.second_factor(actor.user.id).await? else {
            return Ok(Ok(()));
        };
        if totp::typed_digits(code).is_none() {
            return Ok(Err(CodeFailure::NotACode));
        }
        let now = self.clock.now();
        let secret = self.open(actor.user.id, &factor.secret_sealed)?;
        let accepted = match totp::verify(&secret, code, now, factor.last_step) {
            Some(step) => {
                self.store
                    .use_second_factor_step(actor.user.id, step)
                    .await?
            }
            None => false,
        };
        let outcome = if accepted {
            Outcome::Allowed
        } else {
            Outcome::Failed
        };
        let e = actor.event(now, meta, "session.step_up", "session", None, outcome);
        if accepted {
            self.store
                .confirm_second_factor(token_hash, now, &e)
                .await?;
            Ok(Ok(()))
        } else {
            self.store.record_audit(&e).await?;
            Ok(Err(CodeFailure::Wrong { tries_left: 1 }))
        }
    }

    /// Whether a user has a second factor set up, and how many recovery codes they have left.
    pub async fn second_factor_status(&self, user: UserId) -> AppResult<Option<i64>> {
        Ok(match self.store.second_factor(user).await? {
            Some(_) => Some(self.store.recovery_codes_left(user).await?),
            None => None,
        })
    }
}
