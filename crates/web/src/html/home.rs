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
    /// Policy versions this user still has to read and sign.
    policies_to_read: Vec<PageLink>,
    /// For those who keep the policies: overdue reviews, drafts that have moved on.
    policies_attention: Vec<PageLink>,
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
    let (policies_to_read, policies_attention) = policy_notices(&state, &ctx).await?;
    if actor.can(Action::ReadPolicies) {
        links.push(Link {
            href: "/policies".into(),
            label: t.get("home-can-policies"),
        });
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
        policies_to_read,
        policies_attention,
    };
    Ok(render(&page, StatusCode::OK))
}

/// What the missing policies ask of this user: versions to sign, and (for those who keep the
/// policies) reviews overdue and drafts the settings have moved on from.
async fn policy_notices(
    state: &AppState,
    ctx: &Ctx,
) -> Result<(Vec<PageLink>, Vec<PageLink>), Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    if !actor.can(Action::ReadPolicies) {
        return Ok((Vec::new(), Vec::new()));
    }
    let t = ctx.tr;
    let mut to_read = Vec::new();
    let mut attention = Vec::new();
    for p in state.app.policy_standings(actor).await.or_fail(ctx)? {
        let kind = t.get(&format!("service-{}", p.policy.kind.code()));
        if let Some(v) = p.to_sign {
            to_read.push(PageLink {
                href: format!("/policies/{}/versions/{v}", p.policy.id),
                text: t.args(
                    "policy-to-read-line",
                    &[("kind", kind.as_str()), ("version", &v.to_string())],
                ),
            });
        }
        if !actor.can(Action::PublishPolicies) {
            continue;
        }
        let href = format!("/policies/{}", p.policy.id);
        match &p.in_force {
            None => attention.push(PageLink {
                href,
                text: t.with("home-policy-unpublished", "kind", &kind),
            }),
            Some(v) => {
                if p.review_overdue {
                    attention.push(PageLink {
                        href: href.clone(),
                        text: t.args(
                            "home-policy-overdue",
                            &[("kind", kind.as_str()), ("date", &t.date(v.review_by))],
                        ),
                    });
                }
                if p.draft_changed == Some(true) {
                    attention.push(PageLink {
                        href,
                        text: t.with("home-policy-changed", "kind", &kind),
                    });
                }
            }
        }
    }
    Ok((to_read, attention))
}
