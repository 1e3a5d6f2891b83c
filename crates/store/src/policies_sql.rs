//! [`PolicyStore`](crate::policies::PolicyStore) in SQL shared by both engines: generated for
//! a store type by [`impl_policy_store!`], beside [`impl_sql_store!`](crate::impl_sql_store)
//! whose helpers (`begin_write`, `append_audit`, `expect_next_version`…) it uses.

use crate::policies::PolicyDetails;
use crate::{StoreError, StoreResult};

#[doc(hidden)]
pub fn encode_details(d: &PolicyDetails) -> StoreResult<String> {
    serde_json::to_string(d).map_err(|e| StoreError::Internal(e.to_string()))
}

#[doc(hidden)]
pub fn decode_details(text: &str) -> StoreResult<PolicyDetails> {
    serde_json::from_str(text).map_err(|e| StoreError::Internal(e.to_string()))
}

#[doc(hidden)]
pub fn service_kind(code: &str) -> StoreResult<homeward_domain::organisation::ServiceKind> {
    homeward_domain::organisation::ServiceKind::from_code(code)
        .ok_or_else(|| StoreError::Internal(format!("unknown kind of service {code}")))
}

/// Generates `impl PolicyStore for $store` over the sqlx database `$db`.
#[macro_export]
macro_rules! impl_policy_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// The organisation's newest logo uploaded at or before `at_most` (milliseconds).
            async fn logo_up_to(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                at_most: i64,
            ) -> $crate::StoreResult<Option<$crate::policies::Logo>> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT version, png, width, height, uploaded_by_label, uploaded_at \
                     FROM organisation_logos WHERE org_id = $1 AND uploaded_at <= $2 \
                     ORDER BY version DESC LIMIT 1",
                )
                .bind(org.0)
                .bind(at_most)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                let Some(row) = row else { return Ok(None) };
                Ok(Some($crate::policies::Logo {
                    org_id: org,
                    version: row.try_get("version").map_err(Self::db_err)?,
                    png: row.try_get("png").map_err(Self::db_err)?,
                    width: row.try_get("width").map_err(Self::db_err)?,
                    height: row.try_get("height").map_err(Self::db_err)?,
                    uploaded_by_label: row.try_get("uploaded_by_label").map_err(Self::db_err)?,
                    uploaded_at: Self::at(row.try_get("uploaded_at").map_err(Self::db_err)?),
                }))
            }

            fn row_published(
                row: &<$db as sqlx::Database>::Row,
            ) -> $crate::StoreResult<$crate::policies::PublishedPolicy> {
                use sqlx::Row as _;
                let review_by: String = row.try_get("review_by").map_err(Self::db_err)?;
                Ok($crate::policies::PublishedPolicy {
                    policy_id: $crate::sql_impl::domain::ids::PolicyId(
                        row.try_get("policy_id").map_err(Self::db_err)?,
                    ),
                    version: row.try_get("version").map_err(Self::db_err)?,
                    text_en: row.try_get("text_en").map_err(Self::db_err)?,
                    text_cy: row.try_get("text_cy").map_err(Self::db_err)?,
                    content_hash: row.try_get("content_hash").map_err(Self::db_err)?,
                    material: row.try_get("material").map_err(Self::db_err)?,
                    change_note: row.try_get("change_note").map_err(Self::db_err)?,
                    approved_by: $crate::sql_impl::domain::ids::UserId(
                        row.try_get("approved_by").map_err(Self::db_err)?,
                    ),
                    approved_by_label: row.try_get("approved_by_label").map_err(Self::db_err)?,
                    approved_at: Self::at(row.try_get("approved_at").map_err(Self::db_err)?),
                    review_by: $crate::sql_impl::date(&review_by)?,
                })
            }

            fn row_policy(
                row: &<$db as sqlx::Database>::Row,
            ) -> $crate::StoreResult<$crate::policies::Policy> {
                use sqlx::Row as _;
                let kind: String = row.try_get("kind").map_err(Self::db_err)?;
                Ok($crate::policies::Policy {
                    id: $crate::sql_impl::domain::ids::PolicyId(row.try_get("id").map_err(Self::db_err)?),
                    org_id: $crate::sql_impl::domain::ids::OrgId(row.try_get("org_id").map_err(Self::db_err)?),
                    kind: $crate::policies_sql::service_kind(&kind)?,
                    created_at: Self::at(row.try_get("created_at").map_err(Self::db_err)?),
                })
            }

            /// Whether the policy is the organisation's: checked inside each write.
            async fn is_policy_of(
                tx: &mut sqlx::Transaction<'_, $db>,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::PolicyId,
            ) -> $crate::StoreResult<bool> {
                let found = sqlx::query("SELECT id FROM missing_policies WHERE id = $1 AND org_id = $2")
                    .bind(id.0)
                    .bind(org.0)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(Self::db_err)?;
                Ok(found.is_some())
            }
        }

        #[$crate::sql_impl::async_trait]
        impl $crate::policies::PolicyStore for $store {
            async fn create_policy(
                &self,
                p: &$crate::policies::Policy,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO missing_policies (id, org_id, kind, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(p.id.0)
                .bind(p.org_id.0)
                .bind(p.kind.code())
                .bind(Self::ms(p.created_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn policies(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
            ) -> $crate::StoreResult<Vec<$crate::policies::Policy>> {
                let rows = sqlx::query(
                    "SELECT id, org_id, kind, created_at FROM missing_policies WHERE org_id = $1 ORDER BY kind",
                )
                .bind(org.0)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter().map(Self::row_policy).collect()
            }

            async fn policy(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::PolicyId,
            ) -> $crate::StoreResult<Option<$crate::policies::Policy>> {
                let row = sqlx::query(
                    "SELECT id, org_id, kind, created_at FROM missing_policies WHERE org_id = $1 AND id = $2",
                )
                .bind(org.0)
                .bind(id.0)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                row.as_ref().map(Self::row_policy).transpose()
            }

            async fn append_policy_details(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                v: &$crate::policies::PolicyDetailsVersion,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                if !Self::is_policy_of(&mut tx, org, v.policy_id).await? {
                    return Ok(false);
                }
                Self::expect_next_version(
                    &mut tx,
                    "SELECT MAX(version) AS v FROM missing_policy_details WHERE policy_id = $1",
                    v.policy_id.0,
                    v.version,
                )
                .await?;
                sqlx::query(
                    "INSERT INTO missing_policy_details (policy_id, version, details, recorded_by_label, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(v.policy_id.0)
                .bind(v.version)
                .bind($crate::policies_sql::encode_details(&v.details)?)
                .bind(&v.recorded_by_label)
                .bind(Self::ms(v.recorded_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok(true)
            }

            async fn latest_policy_details(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::PolicyId,
            ) -> $crate::StoreResult<Option<$crate::policies::PolicyDetailsVersion>> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT d.version, d.details, d.recorded_by_label, d.recorded_at \
                     FROM missing_policy_details d JOIN missing_policies p ON p.id = d.policy_id \
                     WHERE p.org_id = $1 AND d.policy_id = $2 ORDER BY d.version DESC LIMIT 1",
                )
                .bind(org.0)
                .bind(id.0)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let text: String = row.try_get("details").map_err(Self::db_err)?;
                Ok(Some($crate::policies::PolicyDetailsVersion {
                    policy_id: id,
                    version: row.try_get("version").map_err(Self::db_err)?,
                    details: $crate::policies_sql::decode_details(&text)?,
                    recorded_by_label: row.try_get("recorded_by_label").map_err(Self::db_err)?,
                    recorded_at: Self::at(row.try_get("recorded_at").map_err(Self::db_err)?),
                }))
            }

            async fn publish_policy(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                p: &$crate::policies::PublishedPolicy,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                if !Self::is_policy_of(&mut tx, org, p.policy_id).await? {
                    return Ok(false);
                }
                Self::expect_next_version(
                    &mut tx,
                    "SELECT MAX(version) AS v FROM missing_policy_versions WHERE policy_id = $1",
                    p.policy_id.0,
                    p.version,
                )
                .await?;
                sqlx::query(
                    "INSERT INTO missing_policy_versions (policy_id, version, text_en, text_cy, content_hash, \
                     material, change_note, approved_by, approved_by_label, approved_at, review_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(p.policy_id.0)
                .bind(p.version)
                .bind(&p.text_en)
                .bind(&p.text_cy)
                .bind(&p.content_hash)
                .bind(p.material)
                .bind(&p.change_note)
                .bind(p.approved_by.0)
                .bind(&p.approved_by_label)
                .bind(Self::ms(p.approved_at))
                .bind(p.review_by.to_string())
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok(true)
            }

            async fn published_policies(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::PolicyId,
            ) -> $crate::StoreResult<Vec<$crate::policies::PublishedPolicy>> {
                let rows = sqlx::query(
                    "SELECT v.policy_id, v.version, v.text_en, v.text_cy, v.content_hash, v.material, \
                     v.change_note, v.approved_by, v.approved_by_label, v.approved_at, v.review_by \
                     FROM missing_policy_versions v JOIN missing_policies p ON p.id = v.policy_id \
                     WHERE p.org_id = $1 AND v.policy_id = $2 ORDER BY v.version DESC",
                )
                .bind(org.0)
                .bind(id.0)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter().map(Self::row_published).collect()
            }

            async fn sign_policy(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                s: &$crate::policies::PolicySignature,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<$crate::policies::Signing> {
                let mut tx = self.begin_write().await?;
                if !Self::is_policy_of(&mut tx, org, s.policy_id).await? {
                    return Ok($crate::policies::Signing::NoSuchVersion);
                }
                let published = sqlx::query(
                    "SELECT version FROM missing_policy_versions WHERE policy_id = $1 AND version = $2",
                )
                .bind(s.policy_id.0)
                .bind(s.version)
                .fetch_optional(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                if published.is_none() {
                    return Ok($crate::policies::Signing::NoSuchVersion);
                }
                let signed = sqlx::query(
                    "SELECT user_id FROM missing_policy_signatures WHERE policy_id = $1 AND version = $2 AND user_id = $3",
                )
                .bind(s.policy_id.0)
                .bind(s.version)
                .bind(s.user_id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                if signed.is_some() {
                    return Ok($crate::policies::Signing::AlreadySigned);
                }
                sqlx::query(
                    "INSERT INTO missing_policy_signatures (policy_id, version, user_id, signed_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(s.policy_id.0)
                .bind(s.version)
                .bind(s.user_id.0)
                .bind(Self::ms(s.signed_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok($crate::policies::Signing::Signed)
            }

            async fn policy_signatures(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::PolicyId,
            ) -> $crate::StoreResult<Vec<$crate::policies::PolicySignature>> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT s.policy_id, s.version, s.user_id, s.signed_at \
                     FROM missing_policy_signatures s JOIN missing_policies p ON p.id = s.policy_id \
                     WHERE p.org_id = $1 AND s.policy_id = $2 ORDER BY s.signed_at, s.version",
                )
                .bind(org.0)
                .bind(id.0)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::policies::PolicySignature {
                            policy_id: id,
                            version: row.try_get("version").map_err(Self::db_err)?,
                            user_id: $crate::sql_impl::domain::ids::UserId(
                                row.try_get("user_id").map_err(Self::db_err)?,
                            ),
                            signed_at: Self::at(row.try_get("signed_at").map_err(Self::db_err)?),
                        })
                    })
                    .collect()
            }

            async fn add_logo(
                &self,
                logo: &$crate::policies::Logo,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::expect_next_version(
                    &mut tx,
                    "SELECT MAX(version) AS v FROM organisation_logos WHERE org_id = $1",
                    logo.org_id.0,
                    logo.version,
                )
                .await?;
                sqlx::query(
                    "INSERT INTO organisation_logos (org_id, version, png, width, height, uploaded_by_label, uploaded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(logo.org_id.0)
                .bind(logo.version)
                .bind(&logo.png)
                .bind(logo.width)
                .bind(logo.height)
                .bind(&logo.uploaded_by_label)
                .bind(Self::ms(logo.uploaded_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn latest_logo(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
            ) -> $crate::StoreResult<Option<$crate::policies::Logo>> {
                self.logo_up_to(org, i64::MAX).await
            }

            async fn logo_as_of(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                at: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<Option<$crate::policies::Logo>> {
                self.logo_up_to(org, Self::ms(at)).await
            }
        }
    };
}
