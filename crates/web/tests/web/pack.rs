//! The police pack, read back as text (with Debian's `pdftotext`, from poppler-utils).

use crate::photos::ffion;
use crate::support::*;
use homeward_domain::role::Role;
use std::io::Write;
use std::process::{Command, Stdio};

/// The text of a PDF, or `None` where pdftotext is not installed (allowed only outside CI).
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let child = Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(_) => {
            assert!(
                std::env::var_os("HOMEWARD_REQUIRE_BROWSER").is_none(),
                "pdftotext (poppler-utils) is needed here"
            );
            eprintln!("skipping: pdftotext is not installed");
            return None;
        }
    };
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    // Table cells wrap: compare with every run of white space as one space.
    let text = String::from_utf8_lossy(&out.stdout);
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[tokio::test]
async fn the_pack_holds_what_police_need_and_nothing_they_may_not_have() {
    for t in engines().await {
        let demo = seed(&t).await;
        let s = session_for(&t, demo.own(Role::CareWorker)).await;
        let id = ffion(&t).await;
        let before = audit_count(&t).await;
        let reply = req("GET", &format!("/people/{id}/police-pack"))
            .session(&s)
            .send(&t)
            .await;
        assert_eq!(reply.status, 200, "[{}]", t.engine);
        assert_eq!(reply.header("content-type"), Some("application/pdf"));
        assert!(reply.header("cache-control").unwrap().contains("no-store"));
        let records = t.app.store.audit_page(0, 1_000_000).await.unwrap();
        assert!(
            records[before..]
                .iter()
                .any(|r| r.event.action == "person.police_pack"),
            "every pack is audited"
        );
        let pdf = reply.bytes.clone();
        assert!(pdf.starts_with(b"%PDF-"));
        let Some(text) = pdf_text(&pdf) else { continue };
        for expected in [
            "INFORMATION FOR POLICE",
            "Ffion Ffug",
            "born 14 March 2011",
            "Salbutamol inhaler",
            "without it an attack can become serious",
            "Sam Socialworker",
            "Report to police at once if",
            "The bus station in the town centre",
        ] {
            assert!(
                text.contains(expected),
                "[{}] the pack lacks {expected:?}:\n{text}",
                t.engine
            );
        }
        assert!(
            !text.contains("A Parent (fictional)"),
            "a contact not to be shared with police is left out"
        );
        let pages = pdf
            .windows(b"/Type /Page\n".len())
            .filter(|w| w.starts_with(b"/Type /Page") && !w.starts_with(b"/Type /Pages"))
            .count();
        assert!(
            pages <= 2 || text.matches('\u{c}').count() <= 2,
            "one or two pages"
        );

        let welsh = req("GET", &format!("/people/{id}/police-pack?lang=cy"))
            .session(&s)
            .send(&t)
            .await;
        let welsh_pdf = welsh.bytes.clone();
        let welsh_text = pdf_text(&welsh_pdf).unwrap();
        assert!(welsh_text.contains("GWYBODAETH I’R HEDDLU"), "{welsh_text}");
        assert!(welsh_text.contains("ganwyd 14 Mawrth 2011"));

        // Someone from another organisation gets nothing.
        let other = session_for(&t, demo.other(Role::Manager)).await;
        assert_eq!(
            req("GET", &format!("/people/{id}/police-pack"))
                .session(&other)
                .send(&t)
                .await
                .status,
            404
        );
    }
}
