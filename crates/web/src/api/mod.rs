//! The JSON API under `/api/v1/`, authenticated by session cookie (with the CSRF header for
//! unsafe methods) or by a bearer token. Errors are `application/problem+json` (RFC 9457).

pub mod access;
pub mod audit;
pub mod dto;
pub mod episodes;
pub mod health;
pub mod json;
pub mod me;
pub mod on_call;
pub mod patterns;
pub mod people;
pub mod person_dto;
pub mod problem;
pub mod services;
pub mod settings;
pub mod tokens;
pub mod users;

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Homeward API",
        description = "Preventing, responding to and learning from episodes in which a child or adult in care goes missing.",
        license(name = "AGPL-3.0-or-later"),
    ),
    paths(
        health::healthz,
        health::readyz,
        me::me,
        people::list,
        people::create,
        people::due,
        people::show,
        people::update,
        people::versions,
        people::version,
        people::risk_assessments,
        people::save_risk_assessment,
        people::missing_plans,
        people::save_missing_plan,
        people::agree_plan,
        people::photos,
        people::add_photo,
        people::photo,
        people::choose_photo,
        people::police_pack,
        episodes::list,
        episodes::open,
        episodes::show,
        episodes::events,
        episodes::append,
        episodes::chronology_pdf,
        episodes::board_stream,
        episodes::duties,
        users::list,
        users::create,
        users::show,
        users::set_roles,
        users::update,
        users::deactivate,
        audit::list,
        settings::show,
        settings::update,
        settings::update_duties,
        on_call::show,
        on_call::update,
        services::list,
        patterns::show,
        patterns::episodes,
        services::undelivered,
        services::resend,
        access::person,
        access::shared,
        tokens::mine,
        tokens::make,
        tokens::revoke_mine,
        tokens::of_user,
        tokens::revoke_users,
    ),
    components(schemas(
        dto::Me,
        dto::MembershipDto,
        dto::UserDto,
        dto::NewUserRequest,
        dto::RolesRequest,
            dto::UserDetailsRequest,
        dto::Created,
        dto::PersonDto,
        person_dto::SectionDto,
        person_dto::NewPersonRequest,
        person_dto::DocumentUpdate,
        person_dto::VersionSaved,
        person_dto::VersionSummaryDto,
        person_dto::DocumentVersionDto,
        person_dto::PhotoDto,
        person_dto::WarningDto,
        person_dto::PersonDetailDto,
        person_dto::DueDto,
        episodes::EpisodeDto,
        episodes::EpisodeStateDto,
        episodes::PlanStepDto,
        episodes::EpisodeDetailDto,
        episodes::EventDto,
        episodes::OpenEpisodeRequest,
        episodes::NewEventRequest,
        episodes::BoardChangeDto,
        episodes::DutyDto,
        dto::AuditRecordDto,
        settings::SettingsDto,
        settings::SettingsUpdate,
        settings::DutySettingsDto,
        settings::DutySettingsUpdate,
        on_call::ShiftDto,
        on_call::RotaDto,
        on_call::RotaUpdate,
        services::ServiceDto,
        services::UndeliveredDto,
        services::ResendRequest,
        dto::Health,
        access::GrantDto,
        access::ReceiptDto,
        access::PersonAccessDto,
        access::SharedDto,
        tokens::TokenDto,
        tokens::NewTokenRequest,
        tokens::NewTokenDto,
        problem::ProblemDocument,
        problem::ProblemField,
    )),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("session" = [])),
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token from `homeward user token`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::context::SESSION_COOKIE,
                "A browser session. Unsafe methods must also send the session's CSRF token in the X-CSRF-Token header.",
            ))),
        );
    }
}

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
