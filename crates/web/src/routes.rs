//! Every route, with what it needs. Deny by default: a route is reachable only as its row here
//! says, and the authorization tests walk this table (they fail for a route without a row of
//! theirs).

use crate::{AppState, api, assets, html};
use axum::http::Method;
use axum::routing::{MethodRouter, get, post, put};
use homeward_app::policy::Action;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in actor whose roles allow the action.
    Requires(Action),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Html,
    Api,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub kind: Kind,
    /// The largest request body the route accepts.
    pub max_body: usize,
}

impl RouteSpec {
    pub fn method(&self) -> Method {
        Method::from_bytes(self.method.as_bytes()).unwrap_or(Method::GET)
    }
}

pub struct Route {
    pub spec: RouteSpec,
    pub handler: MethodRouter<AppState>,
}

fn r(
    method: &'static str,
    path: &'static str,
    access: Access,
    kind: Kind,
    handler: MethodRouter<AppState>,
) -> Route {
    let max_body = crate::BODY_LIMIT;
    Route {
        spec: RouteSpec {
            method,
            path,
            access,
            kind,
            max_body,
        },
        handler,
    }
}

/// A route that accepts an upload: a photo from a phone, with room for the form around it.
fn upload(
    method: &'static str,
    path: &'static str,
    access: Access,
    kind: Kind,
    handler: MethodRouter<AppState>,
) -> Route {
    let max_body = homeward_app::photos::MAX_UPLOAD_BYTES + 64 * 1024;
    let handler = handler.layer(axum::extract::DefaultBodyLimit::max(max_body));
    Route {
        spec: RouteSpec {
            method,
            path,
            access,
            kind,
            max_body,
        },
        handler,
    }
}

// One route a line, so the table reads as a table.
#[rustfmt::skip]
pub fn table() -> Vec<Route> {
    use Access::*;
    use Kind::*;
    vec![
        // Plumbing.
        r("GET", "/healthz", Public, Api, get(api::health::healthz)),
        r("GET", "/readyz", Public, Api, get(api::health::readyz)),
        r("GET", "/assets/{name}", Public, Html, get(assets::serve)),
        // Signing in and out, and the language.
        r("GET", "/sign-in", Public, Html, get(html::sign_in::show)),
        r("POST", "/sign-in", Public, Html, post(html::sign_in::submit)),
        r("GET", "/sign-in/code", Public, Html, get(html::sign_in::code_form)),
        r("POST", "/sign-in/code", Public, Html, post(html::sign_in::code_submit)),
        r("GET", "/sign-in/set-up", Public, Html, get(html::sign_in::set_up_form)),
        r("POST", "/sign-in/set-up", Public, Html, post(html::sign_in::set_up_submit)),
        r("GET", "/sign-in/confirm", Requires(Action::ViewOwnHome), Html, get(html::sign_in::confirm_form)),
        r("POST", "/sign-in/confirm", Requires(Action::ViewOwnHome), Html, post(html::sign_in::confirm_submit)),
        r("POST", "/sign-out", Requires(Action::ViewOwnHome), Html, post(html::sign_in::sign_out)),
        r("GET", "/language", Public, Html, get(html::sign_in::switch_language)),
        // Pages.
        r("GET", "/", Requires(Action::ViewOwnHome), Html, get(html::home::show)),
        r("GET", "/people", Requires(Action::ViewPeople), Html, get(html::people::list)),
        r("POST", "/people", Requires(Action::EditPeople), Html, post(html::person::create)),
        r("GET", "/people/new", Requires(Action::EditPeople), Html, get(html::person::new_form)),
        r("GET", "/people/due", Requires(Action::ViewPeople), Html, get(html::person::due)),
        r("GET", "/people/{id}", Requires(Action::ViewPeople), Html, get(html::person::show)),
        r("GET", "/people/{id}/history", Requires(Action::ViewPeople), Html, get(html::person::history)),
        r("GET", "/people/{id}/{doc}/versions/{n}", Requires(Action::ViewPeople), Html, get(html::person::version)),
        r("GET", "/people/{id}/{doc}/{section}", Requires(Action::EditPeople), Html, get(html::person::edit_section)),
        r("POST", "/people/{id}/{doc}/{section}", Requires(Action::EditPeople), Html, post(html::person::save_section)),
        r("POST", "/people/{id}/missing-plan/agree", Requires(Action::AgreePlan), Html, post(html::person::agree_plan)),
        r("GET", "/people/{id}/police-pack", Requires(Action::ViewPeople), Html, get(html::photos::police_pack)),
        r("GET", "/people/{id}/photos", Requires(Action::ViewPeople), Html, get(html::photos::list)),
        upload("POST", "/people/{id}/photos", Requires(Action::EditPeople), Html, post(html::photos::upload)),
        r("GET", "/people/{id}/photos/{photo}", Requires(Action::ViewPeople), Html, get(html::photos::image)),
        r("POST", "/people/{id}/photos/{photo}/current", Requires(Action::EditPeople), Html, post(html::photos::choose)),
        r("GET", "/people/{id}/episodes/new", Requires(Action::RecordEpisodes), Html, get(html::episodes::new_form)),
        r("POST", "/people/{id}/episodes", Requires(Action::RecordEpisodes), Html, post(html::episodes::open)),
        r("GET", "/episodes", Requires(Action::ViewEpisodes), Html, get(html::episodes::board)),
        r("GET", "/episodes/{id}", Requires(Action::ViewEpisodes), Html, get(html::episodes::show)),
        r("GET", "/episodes/{id}/add/{kind}", Requires(Action::RecordEpisodes), Html, get(html::episodes::add_form)),
        r("POST", "/episodes/{id}/add/{kind}", Requires(Action::RecordEpisodes), Html, post(html::episodes::add)),
        r("GET", "/episodes/{id}/chronology.pdf", Requires(Action::ViewEpisodes), Html, get(html::episodes::chronology_pdf)),
        r("GET", "/episodes/{id}/police-pack", Requires(Action::ViewEpisodes), Html, get(html::episodes::police_pack)),
        r("GET", "/services/{id}/on-call", Requires(Action::ViewOnCall), Html, get(html::on_call::show)),
        r("POST", "/services/{id}/on-call", Requires(Action::ManageOnCall), Html, post(html::on_call::save)),
        r("GET", "/episodes/all", Requires(Action::ViewEpisodes), Html, get(html::episodes::all)),
        r("GET", "/mail/undelivered", Requires(Action::ManageUndeliveredMail), Html, get(html::mail::list)),
        r("POST", "/mail/undelivered/{id}/resend", Requires(Action::ManageUndeliveredMail), Html, post(html::mail::resend)),
        r("GET", "/admin/users", Requires(Action::ViewUsers), Html, get(html::users::list)),
        r("POST", "/admin/users", Requires(Action::ManageUsers), Html, post(html::users::create)),
        r("GET", "/admin/users/new", Requires(Action::ManageUsers), Html, get(html::users::new_form)),
        r("GET", "/admin/users/{id}", Requires(Action::ViewUsers), Html, get(html::users::show)),
        r("POST", "/admin/users/{id}/roles", Requires(Action::ManageUsers), Html, post(html::users::set_roles)),
        r("POST", "/admin/users/{id}/deactivate", Requires(Action::ManageUsers), Html, post(html::users::deactivate)),
        r("POST", "/admin/users/{id}/details", Requires(Action::ManageUsers), Html, post(html::users::update_details)),
        r("POST", "/admin/users/{id}/second-factor/reset", Requires(Action::ManageUsers), Html, post(html::users::reset_second_factor)),
        r("POST", "/admin/users/{id}/tokens/{token}/revoke", Requires(Action::ManageUsers), Html, post(html::tokens::revoke_users)),
        r("GET", "/account/tokens", Requires(Action::ManageOwnTokens), Html, get(html::tokens::show)),
        r("POST", "/account/tokens", Requires(Action::ManageOwnTokens), Html, post(html::tokens::make)),
        r("POST", "/account/tokens/{token}/revoke", Requires(Action::ManageOwnTokens), Html, post(html::tokens::revoke)),
        r("GET", "/audit", Requires(Action::ViewAuditTrail), Html, get(html::audit::list)),
        r("GET", "/audit.csv", Requires(Action::ViewAuditTrail), Html, get(html::audit::csv)),
        r("GET", "/disclosures", Requires(Action::ViewDisclosures), Html, get(html::disclosures::log)),
        r("GET", "/disclosures.csv", Requires(Action::ViewDisclosures), Html, get(html::disclosures::log_csv)),
        r("GET", "/people/{id}/disclosures", Requires(Action::ViewPeople), Html, get(html::disclosures::person_list)),
        r("GET", "/people/{id}/disclosures/new", Requires(Action::RecordDisclosures), Html, get(html::disclosures::new_form)),
        r("POST", "/people/{id}/disclosures", Requires(Action::RecordDisclosures), Html, post(html::disclosures::create)),
        r("GET", "/people/{id}/access", Requires(Action::ViewGrants), Html, get(html::access::page)),
        r("GET", "/people/{id}/placing-authority", Requires(Action::GiveAccess), Html, get(html::access::placing_form)),
        r("POST", "/people/{id}/placing-authority", Requires(Action::GiveAccess), Html, post(html::access::link_placing)),
        r("POST", "/people/{id}/access", Requires(Action::GiveAccess), Html, post(html::access::give)),
        r("POST", "/people/{id}/access/{grant}/revoke", Requires(Action::GiveAccess), Html, post(html::access::revoke)),
        r("GET", "/shared", Requires(Action::UseGrants), Html, get(html::access::shared)),
        r("GET", "/people/{id}/pack-link", Requires(Action::RecordDisclosures), Html, get(html::pack_link::new_form)),
        r("POST", "/people/{id}/pack-link", Requires(Action::RecordDisclosures), Html, post(html::pack_link::create)),
        r("GET", "/pack/{token}", Public, Html, get(html::pack_link::open_form)),
        r("POST", "/pack/{token}", Public, Html, post(html::pack_link::open)),
        r("GET", "/emergency-access", Requires(Action::BreakGlass), Html, get(html::access::emergency_form)),
        r("POST", "/emergency-access", Requires(Action::BreakGlass), Html, post(html::access::emergency)),
        r("GET", "/access/emergency", Requires(Action::ViewGrants), Html, get(html::access::emergency_review)),
        r("POST", "/access/emergency/{grant}/review", Requires(Action::GiveAccess), Html, post(html::access::review_emergency)),
        r("GET", "/access/inspections", Requires(Action::ViewGrants), Html, get(html::inspections::given)),
        r("POST", "/access/inspections", Requires(Action::GiveAccess), Html, post(html::inspections::open)),
        r("GET", "/access/inspections/{inspection}", Requires(Action::ViewGrants), Html, get(html::inspections::views)),
        r("POST", "/access/inspections/{inspection}/end", Requires(Action::GiveAccess), Html, post(html::inspections::end)),
        r("GET", "/inspections", Requires(Action::Inspect), Html, get(html::inspections::open_list)),
        r("POST", "/inspections/{inspection}/open", Requires(Action::Inspect), Html, post(html::inspections::enter)),
        r("POST", "/inspections/leave", Requires(Action::Inspect), Html, post(html::inspections::leave)),
        r("GET", "/shared/{grant}", Requires(Action::UseGrants), Html, get(html::access::shared_record)),
        r("GET", "/shared/{grant}/police-pack.pdf", Requires(Action::UseGrants), Html, get(html::access::shared_pack)),
        r("GET", "/shared/{grant}/add/{kind}", Requires(Action::UseGrants), Html, get(html::access::entry_form)),
        r("POST", "/shared/{grant}/add/{kind}", Requires(Action::UseGrants), Html, post(html::access::add_entry)),
        r("GET", "/patterns", Requires(Action::ViewPatterns), Html, get(html::patterns::show)),
        r("GET", "/patterns/episodes", Requires(Action::ViewPatterns), Html, get(html::patterns::episodes)),
        r("GET", "/patterns/report.pdf", Requires(Action::ViewPatterns), Html, get(html::patterns::report_pdf)),
        r("GET", "/patterns/report.csv", Requires(Action::ViewPatterns), Html, get(html::patterns::report_csv)),
        r("GET", "/patterns/inspection.pdf", Requires(Action::ViewPatterns), Html, get(html::patterns::inspection_pdf)),
        r("GET", "/patterns/reports", Requires(Action::ViewPatterns), Html, get(html::reviews::show)),
        r("POST", "/patterns/reports", Requires(Action::ViewPatterns), Html, post(html::reviews::download)),
        r("GET", "/patterns/summary", Requires(Action::ViewPatterns), Html, get(html::group_summary::show)),
        r("GET", "/patterns/summary.pdf", Requires(Action::ViewPatterns), Html, get(html::group_summary::letters_pdf)),
        r("POST", "/patterns/summary.pdf", Requires(Action::ShareNamedSummary), Html, post(html::group_summary::named_pdf)),
        r("GET", "/admin/settings", Requires(Action::ViewSettings), Html, get(html::settings::show)),
        r("POST", "/admin/settings", Requires(Action::ManageSettings), Html, post(html::settings::save)),
        r("POST", "/admin/settings/duties", Requires(Action::ManageSettings), Html, post(html::settings::save_duties)),
        r("GET", "/policies", Requires(Action::ReadPolicies), Html, get(html::policies::list)),
        r("POST", "/policies", Requires(Action::DraftPolicies), Html, post(html::policies::create)),
        r("GET", "/policies/logo", Requires(Action::ReadPolicies), Html, get(html::policies::logo)),
        upload("POST", "/policies/logo", Requires(Action::DraftPolicies), Html, post(html::policies::upload_logo)),
        r("GET", "/policies/{id}", Requires(Action::ReadPolicies), Html, get(html::policies::show)),
        r("POST", "/policies/{id}/details", Requires(Action::DraftPolicies), Html, post(html::policies::save_details)),
        r("POST", "/policies/{id}/publish", Requires(Action::PublishPolicies), Html, post(html::policies::publish)),
        r("GET", "/policies/{id}/draft.pdf", Requires(Action::ReadPolicies), Html, get(html::policies::draft_pdf)),
        r("GET", "/policies/{id}/versions/{n}", Requires(Action::ReadPolicies), Html, get(html::policies::version)),
        r("POST", "/policies/{id}/versions/{n}/sign", Requires(Action::SignPolicies), Html, post(html::policies::sign)),
        r("GET", "/policies/{id}/versions/{n}/policy.pdf", Requires(Action::ReadPolicies), Html, get(html::policies::version_pdf)),
        // The JSON API.
        r("GET", "/metrics", Public, Html, get(crate::telemetry::metrics)),
        r("GET", "/api/v1/openapi.json", Public, Api, get(api::openapi_json)),
        r("GET", "/api/v1/me", Requires(Action::ViewOwnHome), Api, get(api::me::me)),
        r("GET", "/api/v1/people", Requires(Action::ViewPeople), Api, get(api::people::list)),
        r("POST", "/api/v1/people", Requires(Action::EditPeople), Api, post(api::people::create)),
        r("GET", "/api/v1/people/due", Requires(Action::ViewPeople), Api, get(api::people::due)),
        r("GET", "/api/v1/people/{id}", Requires(Action::ViewPeople), Api, get(api::people::show)),
        r("PUT", "/api/v1/people/{id}", Requires(Action::EditPeople), Api, put(api::people::update)),
        r("GET", "/api/v1/people/{id}/versions", Requires(Action::ViewPeople), Api, get(api::people::versions)),
        r("GET", "/api/v1/people/{id}/versions/{document}/{version}", Requires(Action::ViewPeople), Api, get(api::people::version)),
        r("GET", "/api/v1/people/{id}/risk-assessments", Requires(Action::ViewPeople), Api, get(api::people::risk_assessments)),
        r("POST", "/api/v1/people/{id}/risk-assessments", Requires(Action::EditPeople), Api, post(api::people::save_risk_assessment)),
        r("GET", "/api/v1/people/{id}/missing-plans", Requires(Action::ViewPeople), Api, get(api::people::missing_plans)),
        r("POST", "/api/v1/people/{id}/missing-plans", Requires(Action::EditPeople), Api, post(api::people::save_missing_plan)),
        r("POST", "/api/v1/people/{id}/missing-plans/{version}/agree", Requires(Action::AgreePlan), Api, post(api::people::agree_plan)),
        r("GET", "/api/v1/people/{id}/photos", Requires(Action::ViewPeople), Api, get(api::people::photos)),
        upload("POST", "/api/v1/people/{id}/photos", Requires(Action::EditPeople), Api, post(api::people::add_photo)),
        r("GET", "/api/v1/people/{id}/photos/{photo}", Requires(Action::ViewPeople), Api, get(api::people::photo)),
        r("POST", "/api/v1/people/{id}/photos/{photo}/current", Requires(Action::EditPeople), Api, post(api::people::choose_photo)),
        r("GET", "/api/v1/people/{id}/police-pack", Requires(Action::ViewPeople), Api, get(api::people::police_pack)),
        r("GET", "/api/v1/people/{id}/access", Requires(Action::ViewGrants), Api, get(api::access::person)),
        r("GET", "/api/v1/shared", Requires(Action::UseGrants), Api, get(api::access::shared)),
        r("GET", "/api/v1/episodes", Requires(Action::ViewEpisodes), Api, get(api::episodes::list)),
        r("POST", "/api/v1/episodes", Requires(Action::RecordEpisodes), Api, post(api::episodes::open)),
        r("GET", "/api/v1/episodes/{id}", Requires(Action::ViewEpisodes), Api, get(api::episodes::show)),
        r("GET", "/api/v1/episodes/{id}/events", Requires(Action::ViewEpisodes), Api, get(api::episodes::events)),
        r("POST", "/api/v1/episodes/{id}/events", Requires(Action::RecordEpisodes), Api, post(api::episodes::append)),
        r("GET", "/api/v1/episodes/{id}/chronology.pdf", Requires(Action::ViewEpisodes), Api, get(api::episodes::chronology_pdf)),
        r("GET", "/api/v1/episodes/{id}/duties", Requires(Action::ViewEpisodes), Api, get(api::episodes::duties)),
        r("GET", "/api/v1/board/stream", Requires(Action::ViewEpisodes), Api, get(api::episodes::board_stream)),
        r("GET", "/api/v1/users", Requires(Action::ViewUsers), Api, get(api::users::list)),
        r("POST", "/api/v1/users", Requires(Action::ManageUsers), Api, post(api::users::create)),
        r("GET", "/api/v1/users/{id}", Requires(Action::ViewUsers), Api, get(api::users::show)),
        r("PUT", "/api/v1/users/{id}/roles", Requires(Action::ManageUsers), Api, put(api::users::set_roles)),
        r("POST", "/api/v1/users/{id}/deactivate", Requires(Action::ManageUsers), Api, post(api::users::deactivate)),
        r("GET", "/api/v1/users/{id}/tokens", Requires(Action::ViewUsers), Api, get(api::tokens::of_user)),
        r("POST", "/api/v1/users/{id}/tokens/{token}/revoke", Requires(Action::ManageUsers), Api, post(api::tokens::revoke_users)),
        r("GET", "/api/v1/me/tokens", Requires(Action::ManageOwnTokens), Api, get(api::tokens::mine)),
        r("POST", "/api/v1/me/tokens", Requires(Action::ManageOwnTokens), Api, post(api::tokens::make)),
        r("POST", "/api/v1/me/tokens/{token}/revoke", Requires(Action::ManageOwnTokens), Api, post(api::tokens::revoke_mine)),
        r("PUT", "/api/v1/users/{id}", Requires(Action::ManageUsers), Api, put(api::users::update)),
        r("GET", "/api/v1/audit", Requires(Action::ViewAuditTrail), Api, get(api::audit::list)),
        r("GET", "/api/v1/settings", Requires(Action::ViewSettings), Api, get(api::settings::show)),
        r("PUT", "/api/v1/settings", Requires(Action::ManageSettings), Api, put(api::settings::update)),
        r("PUT", "/api/v1/settings/duties", Requires(Action::ManageSettings), Api, put(api::settings::update_duties)),
        r("GET", "/api/v1/services/{id}/on-call", Requires(Action::ViewOnCall), Api, get(api::on_call::show)),
        r("PUT", "/api/v1/services/{id}/on-call", Requires(Action::ManageOnCall), Api, put(api::on_call::update)),
        r("GET", "/api/v1/services", Requires(Action::ViewOwnHome), Api, get(api::services::list)),
        r("GET", "/api/v1/patterns", Requires(Action::ViewPatterns), Api, get(api::patterns::show)),
        r("GET", "/api/v1/patterns/episodes", Requires(Action::ViewPatterns), Api, get(api::patterns::episodes)),
        r("GET", "/api/v1/mail/undelivered", Requires(Action::ManageUndeliveredMail), Api, get(api::services::undelivered)),
        r("GET", "/api/v1/policies", Requires(Action::ReadPolicies), Api, get(api::policies::list)),
        r("GET", "/api/v1/policies/{id}", Requires(Action::ReadPolicies), Api, get(api::policies::show)),
        r("GET", "/api/v1/policies/{id}/published/{version}", Requires(Action::ReadPolicies), Api, get(api::policies::version)),
        r("POST", "/api/v1/policies/{id}/published/{version}/sign", Requires(Action::SignPolicies), Api, post(api::policies::sign)),
        r("POST", "/api/v1/policies", Requires(Action::DraftPolicies), Api, post(api::policies::create)),
        r("PUT", "/api/v1/policies/{id}/details", Requires(Action::DraftPolicies), Api, put(api::policies::update_details)),
        r("POST", "/api/v1/policies/{id}/publish", Requires(Action::PublishPolicies), Api, post(api::policies::publish)),
        r("GET", "/api/v1/policies/{id}/signatures", Requires(Action::DraftPolicies), Api, get(api::policies::signatures)),
        r("POST", "/api/v1/mail/undelivered/{id}/resend", Requires(Action::ManageUndeliveredMail), Api, post(api::services::resend)),
    ]
}
