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
pub mod policies;
pub mod problem;
pub mod query;
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
        policies::list,
        policies::show,
        policies::version,
        policies::sign,
        policies::signatures,
        policies::create,
        policies::update_details,
        policies::publish,
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
        policies::PolicyDto,
        policies::MissingFieldDto,
        policies::PolicyVersionSummaryDto,
        policies::PolicyDraftDto,
        policies::PolicyVersionDto,
        policies::SignedDto,
        policies::ServiceSigningDto,
        policies::NewPolicyRequest,
        policies::PolicyCreated,
        policies::OwnSectionDto,
        policies::PolicyDetailsUpdate,
        policies::DetailsSaved,
        policies::PublishRequest,
        policies::Published,
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
    modifiers(&SecuritySchemes, &CommonResponses),
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

/// The answers every route can give besides its own, documented on every route that can give
/// them, so a client (or a fuzzer) meets no status the document does not name: 401 and 403
/// where a route needs someone signed in; 404 where a path names a record; 422 where a query
/// or a body is checked; 400, 413 and 415 where a body is read.
struct CommonResponses;

const PUBLIC_PATHS: [&str; 3] = ["/healthz", "/readyz", "/api/v1/openapi.json"];

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let problem = |text: &str| -> RefOr<utoipa::openapi::Response> {
            RefOr::T(
                ResponseBuilder::new()
                    .description(text)
                    .content(
                        "application/problem+json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ProblemDocument")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = PUBLIC_PATHS.contains(&path.as_str());
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let mut add = |code: &str, text: &str| {
                    op.responses
                        .responses
                        .entry(code.to_string())
                        .or_insert_with(|| problem(text));
                };
                if !public {
                    add(
                        "401",
                        "Not signed in, or the token is not (or no longer) valid",
                    );
                    add("403", "Signed in, but not allowed to do this");
                }
                // A path or a filter that names a record another organisation holds is not
                // found, as reading it directly would be.
                let names_record = op.parameters.iter().flatten().any(|p| match p {
                    RefOr::T(p) => p.name == "person" || p.name == "service",
                    RefOr::Ref(_) => false,
                });
                if path.contains('{') || names_record {
                    add("404", "No such record, or not one this caller may see");
                }
                if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                    add("422", "A query value is not right");
                }
                for p in op.parameters.iter_mut().flatten() {
                    if let RefOr::T(p) = p {
                        blank_is_absent(p);
                    }
                }
                if op.request_body.is_some() {
                    add("400", "The body is not well-formed");
                    add("413", "The body is too large");
                    add("415", "The body is not of the type this route reads");
                    add("422", "Some of the information is not right");
                }
            }
        }
    }
}

/// An optional query value left blank (`?to=`) is taken as not given, as a form's blank field
/// is ([`query::ApiQuery`]); the document says so, so a blank is one of its values.
fn blank_is_absent(p: &mut utoipa::openapi::path::Parameter) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Type};
    use utoipa::openapi::{Required, Schema};
    if !matches!(p.parameter_in, ParameterIn::Query) || matches!(p.required, Required::True) {
        return;
    }
    let Some(given) = p.schema.take() else {
        return;
    };
    let blank = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(0))
        .build();
    p.schema = Some(Schema::AnyOf(AnyOfBuilder::new().item(given).item(blank).build()).into());
}

pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
