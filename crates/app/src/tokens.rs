//! API tokens: made by their owner for another system, named, short-lived by default, and
//! revocable by their owner or the organisation's admins. The token is shown once; only its
//! hash is kept.

use crate::actor::require;
use crate::policy::Action;
use crate::secrets::{random_token, token_hash};
use crate::{Actor, App, AppError, AppResult, RequestMeta};
use homeward_domain::audit::Outcome;
use homeward_domain::ids::UserId;
use homeward_domain::text::{LINE, Shape, problem};
use homeward_store::{ApiToken, ListedToken, Revocation};
use jiff::SignedDuration;

/// How long a token lives unless its owner says less.
pub const DEFAULT_DAYS: i64 = 90;
/// The longest a token made in the browser or the API may live.
pub const MAX_DAYS: i64 = 90;
/// The longest a name may be.
const MAX_LABEL: usize = 100;

/// A token just made: the secret, shown once, and what is kept of it.
pub struct NewToken {
    pub secret: String,
    pub token: ApiToken,
}

impl App {
    /// The actor's own tokens.
    pub async fn my_tokens(&self, actor: &Actor) -> AppResult<Vec<ListedToken>> {
        require(actor, Action::ManageOwnTokens)?;
        Ok(self
            .store
            .api_tokens_of(actor.org_id(), actor.user.id)
            .await?)
    }

    /// Makes a token for the actor, named, living `days` (1 to 90). Asks for the
    /// authenticator code again first: a token works without it.
    pub async fn make_my_token(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        label: &str,
        days: i64,
    ) -> AppResult<NewToken> {
        require(actor, Action::ManageOwnTokens)?;
        let label = label.trim();
        let mut problems = Vec::new();
        if label.is_empty() {
            problems.push(crate::FieldError {
                field: "label".into(),
                message: "error-token-label-empty",
            });
        } else if let Some(message) = problem(label, Shape::Line, MAX_LABEL.min(LINE)) {
            problems.push(crate::FieldError {
                field: "label".into(),
                message,
            });
        }
        if !(1..=MAX_DAYS).contains(&days) {
            problems.push(crate::FieldError {
                field: "days".into(),
                message: "error-token-days",
            });
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        self.require_recent_second_factor(actor).await?;
        let now = self.clock.now();
        let secret = random_token().map_err(|e| AppError::Internal(e.to_string()))?;
        let token = ApiToken {
            token_hash: token_hash(&secret),
            user_id: actor.user.id,
            label: label.to_string(),
            created_at: now,
            expires_at: now
                .checked_add(SignedDuration::from_hours(24 * days))
                .unwrap_or(now),
        };
        let e = actor.event(
            now,
            meta,
            "api_token.create",
            "user",
            Some(actor.user.id.to_string()),
            Outcome::Allowed,
        );
        self.store.create_api_token(&token, &e).await?;
        Ok(NewToken { secret, token })
    }

    /// Revokes one of the actor's own tokens.
    pub async fn revoke_my_token(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        token_hash: &str,
    ) -> AppResult<()> {
        require(actor, Action::ManageOwnTokens)?;
        self.revoke(actor, meta, actor.user.id, token_hash).await
    }

    /// A user's tokens, for an admin (the user's page).
    pub async fn user_tokens(&self, actor: &Actor, user: UserId) -> AppResult<Vec<ListedToken>> {
        require(actor, Action::ViewUsers)?;
        // Another organisation's user is not found, as on every other read.
        if self.store.get_user(actor.org_id(), user).await?.is_none() {
            return Err(AppError::NotFound);
        }
        Ok(self.store.api_tokens_of(actor.org_id(), user).await?)
    }

    /// An admin revokes a user's token (someone left, a laptop was lost).
    pub async fn revoke_user_token(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        user: UserId,
        token_hash: &str,
    ) -> AppResult<()> {
        require(actor, Action::ManageUsers)?;
        self.revoke(actor, meta, user, token_hash).await
    }

    async fn revoke(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        user: UserId,
        token_hash: &str,
    ) -> AppResult<()> {
        let now = self.clock.now();
        let by = Revocation {
            at: now,
            by: Some(actor.user.id),
            by_label: actor.user.email.clone(),
        };
        let e = actor.event(
            now,
            meta,
            "api_token.revoke",
            "user",
            Some(user.to_string()),
            Outcome::Allowed,
        );
        if self
            .store
            .revoke_api_token(actor.org_id(), user, token_hash, &by, &e)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}
