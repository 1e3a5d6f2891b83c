//! The message catalogue: every id in both languages, and every id the code uses exists.

use fluent_syntax::ast::Entry;
use homeward_app::policy::Action;
use homeward_domain::audit::Outcome;
use homeward_domain::forms::review::Warning;
use homeward_domain::forms::{DocKind, FieldKind, Part};
use homeward_domain::organisation::{Nation, Regulator, ServiceKind};
use homeward_domain::role::Role;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ids(locale: &str) -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(root().join("locales").join(locale).join("main.ftl")).unwrap();
    let resource = fluent_syntax::parser::parse(text.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{locale}: {errors:?}"));
    resource
        .body
        .iter()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "html")
        ) {
            out.push(path);
        }
    }
}

#[test]
fn both_languages_have_the_same_messages() {
    let en = ids("en-GB");
    let cy = ids("cy");
    assert!(en.len() > 100);
    let only_en: Vec<_> = en.difference(&cy).collect();
    let only_cy: Vec<_> = cy.difference(&en).collect();
    assert!(only_en.is_empty(), "missing in Welsh: {only_en:?}");
    assert!(only_cy.is_empty(), "missing in English: {only_cy:?}");
}

#[test]
fn every_message_the_code_uses_exists() {
    let en = ids("en-GB");
    let mut paths = Vec::new();
    for dir in [
        "crates/web/src",
        "crates/web/templates",
        "crates/app/src",
        "crates/i18n/src",
    ] {
        files(&root().join(dir), &mut paths);
    }
    // t.get("id"), .with("id", …), .count("id", …), FormErrors::one(…, "id"), and the message
    // ids use cases return ("error-…").
    let call = regex::Regex::new(r#"\b(?:t|tr)\.(?:get|with|count)\(\s*"([a-z0-9-]+)""#).unwrap();
    let one =
        regex::Regex::new(r#"FormErrors::one\([^,]+,\s*"[a-z_]+",\s*"([a-z0-9-]+)""#).unwrap();
    let literal =
        regex::Regex::new(r#""(error-[a-z0-9-]+|users-[a-z0-9-]+|sign-in-[a-z0-9-]+)""#).unwrap();
    let mut used = BTreeSet::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let is_rust = path.extension().is_some_and(|e| e == "rs");
        let patterns: Vec<&regex::Regex> = if is_rust {
            vec![&call, &one, &literal]
        } else {
            vec![&call]
        };
        for re in patterns {
            for c in re.captures_iter(&text) {
                used.insert(c[1].to_string());
            }
        }
    }
    // Ids built from codes.
    for r in Role::ALL {
        used.insert(format!("role-{}", r.code()));
    }
    for n in Nation::ALL {
        used.insert(format!("nation-{}", n.code()));
    }
    for r in Regulator::ALL {
        used.insert(format!("regulator-{}", r.code()));
    }
    for k in ServiceKind::ALL {
        used.insert(format!("service-{}", k.code()));
    }
    // The chronology's forms, the episode's phases and what is recorded in the audit trail.
    used.extend(homeward_app::episode_form::message_ids());
    for duty in homeward_app::episode_form::duty_ids() {
        used.insert(format!("duty-{duty}"));
    }
    for reason in ["opened", "high_risk", "duty_overdue", "found"] {
        used.insert(format!("page-reason-{reason}"));
    }
    for who in ["carer", "manager", "police", "local_authority"] {
        used.insert(format!("duty-who-{who}"));
    }
    for phase in [
        "missing",
        "located",
        "returned",
        "closed",
        "recorded_in_error",
    ] {
        used.insert(format!("phase-{phase}"));
    }
    for status in ["not_offered", "offered", "declined", "held"] {
        used.insert(format!("return-interview-{status}"));
    }
    for kind in homeward_domain::episode::Event::KINDS {
        if kind != "opened" {
            used.insert(format!("audit-do-episode-{kind}"));
        }
    }
    for o in [Outcome::Allowed, Outcome::Denied, Outcome::Failed] {
        used.insert(format!("outcome-{}", o.code()));
    }
    // Every action the application records reads as a sentence on the audit page.
    let action = regex::Regex::new(
        r#""((?:organisation|service|user|person|session|audit|api_token|episode)\.[a-z_]+)""#,
    )
    .unwrap();
    let mut app_sources = Vec::new();
    files(&root().join("crates/app/src"), &mut app_sources);
    let mut actions = 0;
    for path in &app_sources {
        for c in action.captures_iter(&std::fs::read_to_string(path).unwrap()) {
            used.insert(format!("audit-do-{}", c[1].replace('.', "-")));
            actions += 1;
        }
    }
    assert!(actions >= 13, "found only {actions} audit actions");
    // Saving a form records "{kind}.update".
    for kind in DocKind::ALL {
        used.insert(format!("audit-do-{}-update", kind.code()));
        used.insert(format!("doc-{}", kind.code()));
    }
    // Every section, field, group and option of every form has words in both languages.
    for kind in DocKind::ALL {
        for section in kind.form().sections {
            let base = format!("form-{}-{}", kind.code(), section.id);
            used.insert(base.clone());
            for part in section.parts {
                let (prefix, fields) = match part {
                    Part::Field(f) => (base.clone(), vec![*f]),
                    Part::Group(g) => {
                        used.insert(format!("{base}-{}", g.id));
                        (format!("{base}-{}", g.id), g.fields.to_vec())
                    }
                };
                for f in fields {
                    used.insert(format!("{prefix}-{}", f.id));
                    let options: &[&str] = match f.kind {
                        FieldKind::Choice(o) | FieldKind::MultiChoice(o) => o,
                        FieldKind::YesNo => &["yes", "no"],
                        _ => &[],
                    };
                    for o in options {
                        used.insert(format!("option-{o}"));
                    }
                }
            }
        }
    }
    for w in [
        Warning::NoPhoto,
        Warning::PhotoOld {
            taken: jiff::civil::date(2026, 1, 1),
        },
        Warning::Missing(DocKind::Profile),
        Warning::Missing(DocKind::RiskAssessment),
        Warning::Missing(DocKind::MissingPlan),
        Warning::ReviewDue {
            kind: DocKind::Profile,
            due: None,
        },
        Warning::ReviewDue {
            kind: DocKind::RiskAssessment,
            due: None,
        },
        Warning::ReviewDue {
            kind: DocKind::MissingPlan,
            due: None,
        },
    ] {
        used.insert(w.message().to_string());
        used.insert(format!("{}-short", w.message()));
    }
    for kind in [
        "audit_trail",
        "organisation",
        "person",
        "route",
        "service",
        "session",
        "user",
    ] {
        used.insert(format!("audit-kind-{kind}"));
    }
    used.insert("kind-child".into());
    used.insert("kind-adult".into());
    let _ = Action::ALL;
    assert!(used.len() > 80, "the scan found only {} ids", used.len());
    let missing: Vec<_> = used.iter().filter(|id| !en.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "used but not in the catalogue: {missing:?}"
    );
}
