//! An organisation's settings: read by anyone who runs or inspects its services, changed by
//! its admins, every version kept.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, FieldError, RequestMeta};
use homeward_domain::audit::Outcome;
use homeward_domain::ids::OrgId;
use homeward_domain::settings::OrgSettings;
use homeward_store::{SettingsVersion, StoreError};

/// The settings in force, and the version they are (0 before anyone has changed them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentSettings {
    pub settings: OrgSettings,
    pub version: i64,
    /// Who last changed them, and when; `None` while they are the defaults.
    pub changed: Option<(String, jiff::Timestamp)>,
}

impl App {
    /// The settings in force for an organisation, for the rules that use them.
    pub(crate) async fn settings_in_force(&self, org: OrgId) -> AppResult<OrgSettings> {
        Ok(self
            .store
            .latest_settings(org)
            .await?
            .map(|v| v.settings)
            .unwrap_or_default())
    }

    pub async fn organisation_settings(&self, actor: &Actor) -> AppResult<CurrentSettings> {
        require(actor, Action::ViewSettings)?;
        Ok(match self.store.latest_settings(actor.org_id()).await? {
            Some(v) => CurrentSettings {
                settings: v.settings,
                version: v.version,
                changed: Some((v.recorded_by_label, v.recorded_at)),
            },
            None => CurrentSettings {
                settings: OrgSettings::default(),
                version: 0,
                changed: None,
            },
        })
    }

    /// Saves new settings as the next version. `based_on` is the version the admin was
    /// looking at: a change saved meanwhile is reported, never overwritten.
    pub async fn save_settings(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child_months: &str,
        adult_months: &str,
        based_on: i64,
    ) -> AppResult<i64> {
        require(actor, Action::ManageSettings)?;
        let settings = OrgSettings::from_input(child_months, adult_months).map_err(|problems| {
            AppError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldError {
                        field: p.path,
                        message: p.message,
                    })
                    .collect(),
            )
        })?;
        let current = self.organisation_settings(actor).await?;
        // The photo ages are what this form changes; the rest stays as it is.
        let settings = OrgSettings {
            duties: current.settings.duties,
            ..settings
        };
        self.save_settings_version(actor, meta, current, settings, based_on)
            .await
    }

    /// Saves what "promptly" and the guidance's other unnumbered clocks mean here, as the next
    /// version of the settings. `value` gives what was typed for each of
    /// `DutySettings::FIELDS`.
    pub async fn save_duty_settings(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        value: impl Fn(&str) -> Option<String>,
        based_on: i64,
    ) -> AppResult<i64> {
        require(actor, Action::ManageSettings)?;
        let duties =
            homeward_domain::duties::DutySettings::from_input(value).map_err(|problems| {
                AppError::Invalid(
                    problems
                        .into_iter()
                        .map(|p| FieldError {
                            field: p.path,
                            message: p.message,
                        })
                        .collect(),
                )
            })?;
        let current = self.organisation_settings(actor).await?;
        let settings = OrgSettings {
            duties,
            ..current.settings
        };
        self.save_settings_version(actor, meta, current, settings, based_on)
            .await
    }

    async fn save_settings_version(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        current: CurrentSettings,
        settings: OrgSettings,
        based_on: i64,
    ) -> AppResult<i64> {
        // Already as asked (a double click, or two admins agreeing): nothing to save.
        if current.settings == settings {
            return Ok(current.version);
        }
        if current.version != based_on {
            return Err(AppError::invalid("version", "error-saved-meanwhile"));
        }
        let now = self.clock.now();
        let version = SettingsVersion {
            org_id: actor.org_id(),
            version: based_on + 1,
            settings,
            recorded_by_label: actor.user.email.clone(),
            recorded_at: now,
        };
        let e = actor.event(
            now,
            meta,
            "settings.update",
            "organisation",
            Some(actor.org_id().to_string()),
            Outcome::Allowed,
        );
        match self.store.append_settings(&version, &e).await {
            Ok(()) => Ok(version.version),
            Err(StoreError::Conflict(_)) => {
                Err(AppError::invalid("version", "error-saved-meanwhile"))
            }
            Err(other) => Err(other.into()),
        }
    }
}
