//! The home page: the organisation, the user's roles, and what their roles let them reach.

use super::{Failure, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use homeward_app::policy::Action;

pub struct Row {
    pub key: String,
    pub value: String,
}

pub struct Link {
    pub href: String,
    pub label: String,
}

pub struct PageLink {
    pub href: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    /// Pages waiting for this user to acknowledge.
    pages: Vec<PageLink>,
    /// How many emails could not be delivered, for those who can act on them.
    undelivered: Option<String>,
    welcome: String,
    organisation: Vec<Row>,
    roles: Vec<String>,
    services: Vec<String>,
    links: Vec<Link>,
    partner: bool,
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let (org, services) = state.app.organisation_overview(actor).await.or_fail(&ctx)?;
    let t = ctx.tr;
    let organisation = vec![
        Row {
            key: t.get("home-organisation"),
            value: org.name.clone(),
        },
        Row {
            key: t.get("home-nation"),
            value: t.get(&format!("nation-{}", org.nation.code())),
        },
        Row {
            key: t.get("home-regulator"),
            value: t.get(&format!("regulator-{}", org.regulator.code())),
        },
        Row {
            key: t.get("home-registration"),
            value: org.registration_number.clone(),
        },
        Row {
            key: t.get("home-registered-manager"),
            value: org.registered_manager.clone(),
        },
        Row {
            key: t.get("home-safeguarding-lead"),
            value: org.safeguarding_lead.clone(),
        },
    ];
    let roles = super::users::describe_memberships(t, &actor.memberships, &services);
    let service_list = services.clone();
    let services = services
        .iter()
        .map(|s| {
            format!(
                "{} ({})",
                s.name,
                t.get(&format!("service-{}", s.kind.code()))
            )
        })
        .collect();
    let mut links = Vec::new();
    if actor.can(Action::ViewPeople) {
        links.push(Link {
            href: "/people".into(),
            label: t.get("home-can-people"),
        });
    }
    if actor.can(Action::ManageUsers) {
        links.push(Link {
            href: "/admin/users".into(),
            label: t.get("home-can-users"),
        });
    } else if actor.can(Action::ViewUsers) {
        links.push(Link {
            href: "/admin/users".into(),
            label: t.get("home-can-users-view"),
        });
    }
    if actor.can(Action::ViewAuditTrail) {
        links.push(Link {
            href: "/audit".into(),
            label: t.get("home-can-audit"),
        });
    }
    // One line per episode, however many pages about it wait: the link lands on its summary.
    let mut pages: Vec<PageLink> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in state.app.my_pages(actor, &ctx.meta).await.or_fail(&ctx)? {
        if seen.insert(p.episode) {
            pages.push(PageLink {
                href: format!("/episodes/{}#summary", p.episode),
                text: format!(
                    "{}: {} · {}",
                    p.person,
                    t.get(&format!("page-reason-{}", p.reason.code())),
                    t.date_time(p.at)
                ),
            });
        }
    }
    let undelivered = if actor.can(Action::ManageUndeliveredMail) {
        let dead = state.app.undelivered_mail(actor).await.or_fail(&ctx)?;
        (!dead.is_empty()).then(|| t.count("home-undelivered-count", dead.len()))
    } else {
        None
    };
    if actor.can(Action::ViewOnCall) {
        for s in &service_list {
            if actor.can_in(Action::ViewOnCall, s.id) {
                links.push(Link {
                    href: format!("/services/{}/on-call", s.id),
                    label: t.with("home-can-on-call", "service", &s.name),
                });
            }
        }
    }
    let page = HomePage {
        page: Page::new(&ctx, "home-title", "/"),
        pages,
        undelivered,
        welcome: t.with("home-welcome", "name", &actor.user.display_name),
        organisation,
        roles,
        services,
        partner: actor.roles().all(|r| r.is_partner()),
        links,
    };
    Ok(render(&page, StatusCode::OK))
}
