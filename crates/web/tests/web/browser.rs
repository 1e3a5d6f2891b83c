//! A real browser: Debian's headless Chromium through chromedriver. Signs in as a demo
//! manager, switches to Cymraeg and back, signs out, and runs axe-core on every page it visits
//! (zero violations of WCAG 2.2 A and AA rules).
//!
//! Needs /usr/bin/chromium, /usr/bin/chromedriver and axe-core (`scripts/test` installs it
//! under target/axe). Skips when they are missing, unless HOMEWARD_REQUIRE_BROWSER is set, as
//! CI sets it: then their absence fails the test.

use crate::support::*;
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn axe_path() -> PathBuf {
    std::env::var_os("HOMEWARD_AXE_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/axe/node_modules/axe-core/axe.min.js")
        })
}

/// Whether the browser test can run here; panics if it must and cannot.
fn prerequisites() -> Option<String> {
    let missing: Vec<String> = [
        PathBuf::from(CHROMIUM),
        PathBuf::from(CHROMEDRIVER),
        axe_path(),
    ]
    .into_iter()
    .filter(|p| !p.exists())
    .map(|p| p.display().to_string())
    .collect();
    if missing.is_empty() {
        return std::fs::read_to_string(axe_path()).ok();
    }
    assert!(
        std::env::var_os("HOMEWARD_REQUIRE_BROWSER").is_none(),
        "HOMEWARD_REQUIRE_BROWSER is set but these are missing: {missing:?} (run scripts/test)"
    );
    eprintln!("skipping the browser test: missing {missing:?}");
    None
}

struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start_browser(profile: &std::path::Path) -> (Driver, Client) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Driver(
        std::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1024,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a browser session: {e}"),
        }
    }
}

/// Runs axe-core on the current page and fails on any violation. With HOMEWARD_SCREENSHOTS
/// set to a folder, also saves a picture of the page there, to look at.
async fn assert_accessible(client: &Client, axe: &str, what: &str) {
    if let Some(dir) = std::env::var_os("HOMEWARD_SCREENSHOTS") {
        let png = client.screenshot().await.expect("a screenshot");
        let name: String = what
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png)
            .expect("the screenshot is saved");
    }
    client.execute(axe, vec![]).await.expect("axe-core loads");
    let script = r#"
        var done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
          .then(function (r) {
            done(r.violations.map(function (v) {
              return v.id + ': ' + v.help + ' at ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', ');
            }));
          })
          .catch(function (e) { done(['axe failed: ' + e]); });
    "#;
    let result = client
        .execute_async(script, vec![])
        .await
        .expect("axe runs");
    let violations = result.as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "accessibility violations on {what}: {violations:#?}"
    );
}

async fn wait_for_path(client: &Client, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let url = client.current_url().await.unwrap();
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        if wanted(&path) {
            return path;
        }
        assert!(Instant::now() < deadline, "still at {path}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn lang(client: &Client) -> String {
    client
        .execute("return document.documentElement.lang", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// Waits until the page is in the wanted language (after following the header's switch).
async fn wait_for_lang(client: &Client, wanted: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while lang(client).await != wanted {
        assert!(
            Instant::now() < deadline,
            "the page did not switch to {wanted}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn text(client: &Client) -> String {
    client
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Serves the app on a local port, for the browser; returns its address.
async fn serve(t: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = t.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    base
}

async fn fill(client: &Client, id: &str, value: &str) {
    let input = client.find(Locator::Id(id)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Presses the main button of the page's form (the first, which saves).
async fn submit(client: &Client) {
    click(client, "main form button[type=submit]").await;
}

async fn sign_in(client: &Client, base: &str, email: &str) {
    client.goto(&format!("{base}/sign-in")).await.unwrap();
    fill(client, "email", email).await;
    fill(client, "password", PASSWORD).await;
    submit(client).await;
    wait_for_path(client, |p| p == "/").await;
}

async fn sign_out(client: &Client, base: &str) {
    client.goto(&format!("{base}/")).await.unwrap();
    click(client, ".hw-nav__account button").await;
    wait_for_path(client, |p| p.starts_with("/sign-in?signed_out")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_signs_in_switches_language_and_signs_out_accessibly() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    seed(&t).await;
    let base = serve(&t).await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = start_browser(profile.path()).await;

    // Signed out, the home page leads to sign-in.
    client.goto(&format!("{base}/")).await.unwrap();
    wait_for_path(&client, |p| p.starts_with("/sign-in")).await;
    assert_eq!(lang(&client).await, "en-GB");
    assert_accessible(&client, &axe, "the sign-in page").await;

    // A wrong password: the error summary, which must be accessible too.
    client
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("manager@cartrefi-ffug.example")
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("not my password")
        .await
        .unwrap();
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css(".hw-error-summary"))
        .await
        .unwrap();
    assert!(
        text(&client)
            .await
            .contains("The email address or password is not right")
    );
    assert_accessible(&client, &axe, "the sign-in page with an error").await;

    // The right password.
    let email = client.find(Locator::Id("email")).await.unwrap();
    email.clear().await.unwrap();
    email
        .send_keys("manager@cartrefi-ffug.example")
        .await
        .unwrap();
    client
        .find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&client, |p| p == "/").await;
    assert!(text(&client).await.contains("Hello, Demo Manager"));
    assert_accessible(&client, &axe, "the home page").await;

    // Cymraeg, remembered from page to page.
    client
        .find(Locator::Css(".hw-header__language"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_lang(&client, "cy").await;
    assert!(text(&client).await.contains("Helo, Demo Manager"));
    assert_accessible(&client, &axe, "the home page in Welsh").await;
    for path in ["/people", "/admin/users", "/admin/settings"] {
        client.goto(&format!("{base}{path}")).await.unwrap();
        assert_eq!(lang(&client).await, "cy", "{path}");
        assert_accessible(&client, &axe, path).await;
    }
    assert!(text(&client).await.contains("Lluniau"));

    // And back to English.
    client
        .find(Locator::Css(".hw-header__language"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_lang(&client, "en-GB").await;
    assert!(text(&client).await.contains("Photos"));

    // A person's page and the forms about them.
    client.goto(&format!("{base}/people")).await.unwrap();
    client
        .find(Locator::LinkText("Ffion Ffug"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let person = wait_for_path(&client, |p| p.starts_with("/people/") && p.len() > 20).await;
    assert!(text(&client).await.contains("Missing plan"));
    assert_accessible(&client, &axe, "a person's page").await;
    for (path, what) in [
        (
            format!("{person}/profile/about"),
            "a form with dates and choices",
        ),
        (
            format!("{person}/profile/health"),
            "a form with repeating groups",
        ),
        (format!("{person}/history"), "a person's history"),
        ("/people/new".to_string(), "adding a person"),
        ("/people/due".to_string(), "the review list"),
    ] {
        client.goto(&format!("{base}{path}")).await.unwrap();
        assert_accessible(&client, &axe, what).await;
    }
    client.goto(&format!("{base}/no-such-page")).await.unwrap();
    assert_accessible(&client, &axe, "the not-found page").await;

    // Sign out.
    client.goto(&format!("{base}/")).await.unwrap();
    client
        .find(Locator::Css(".hw-nav__account button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_path(&client, |p| p.starts_with("/sign-in?signed_out")).await;
    assert!(text(&client).await.contains("You have signed out."));
    assert_accessible(&client, &axe, "the signed-out page").await;
    client.goto(&format!("{base}/")).await.unwrap();
    wait_for_path(&client, |p| p.starts_with("/sign-in")).await;

    client.close().await.unwrap();
}

/// The issue's whole journey: a care worker adds a child and a photo carrying GPS, writes the
/// missing plan; a manager agrees it; the police pack says what police need; the photo kept
/// has no metadata.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_is_added_photographed_planned_agreed_and_packed() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    let demo = seed(&t).await;
    let base = serve(&t).await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = start_browser(profile.path()).await;

    sign_in(&client, &base, "care-worker@cartrefi-ffug.example").await;
    client.goto(&format!("{base}/people/new")).await.unwrap();
    client
        .find(Locator::Id("service"))
        .await
        .unwrap()
        .select_by_label("Tŷ Enghraifft")
        .await
        .unwrap();
    fill(&client, "given_name", "Mali").await;
    fill(&client, "family_name", "Prawf").await;
    click(&client, "#kind").await; // a child
    fill(&client, "date_of_birth", "27").await;
    fill(&client, "date_of_birth-month", "3").await;
    fill(&client, "date_of_birth-year", "2012").await;
    submit(&client).await;
    let added = wait_for_path(&client, |p| p.ends_with("?added=1")).await;
    let person = added.trim_end_matches("?added=1").to_string();
    assert!(text(&client).await.contains("There is no photo."));

    // A photo straight off a phone, with where it was taken inside it.
    let photo = homeward_app::photos::test_images::jpeg_with_gps_and_orientation(120, 80);
    assert!(photo.windows(4).any(|w| w == b"Exif"));
    let file = profile.path().join("IMG_2041.jpg");
    std::fs::write(&file, &photo).unwrap();
    client
        .goto(&format!("{base}{person}/photos"))
        .await
        .unwrap();
    assert_accessible(&client, &axe, "adding a photo").await;
    client
        .find(Locator::Id("photo"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    submit(&client).await;
    wait_for_path(&client, |p| p.ends_with("?saved=1")).await;
    assert!(!text(&client).await.contains("There is no photo."));

    // The missing plan, a step at a time.
    for (section, inputs) in [
        (
            "when_missing",
            vec![("what_counts", "Not back 30 minutes after the time agreed")],
        ),
        (
            "steps",
            vec![("step-1-what", "Ring Mali's mobile on 07700 900123")],
        ),
        (
            "police",
            vec![(
                "report_at_once_if",
                "She is seen with an adult the home does not know",
            )],
        ),
        (
            "review",
            vec![
                ("review_date", "23"),
                ("review_date-month", "2"),
                ("review_date-year", "2027"),
            ],
        ),
    ] {
        client
            .goto(&format!("{base}{person}/missing-plan/{section}"))
            .await
            .unwrap();
        for (id, value) in inputs {
            fill(&client, id, value).await;
        }
        if section == "police" {
            click(&client, "#number-101").await;
        }
        submit(&client).await;
        wait_for_path(&client, |p| p.ends_with("?saved=1")).await;
    }
    assert!(text(&client).await.contains("Not agreed"));
    sign_out(&client, &base).await;

    // The manager agrees it.
    sign_in(&client, &base, "manager@cartrefi-ffug.example").await;
    client.goto(&format!("{base}{person}")).await.unwrap();
    assert_accessible(&client, &axe, "a new child's page").await;
    click(&client, "form[action$='/missing-plan/agree'] button").await;
    wait_for_path(&client, |p| p.ends_with("?saved=1")).await;
    assert!(text(&client).await.contains("Agreed by Demo Manager"));

    // The pack, fetched as the manager's browser would.
    let bytes = client
        .execute_async(
            &format!(
                "var done = arguments[arguments.length - 1];\n\
                 fetch('{person}/police-pack?lang=en').then(r => r.arrayBuffer())\n\
                   .then(b => done(Array.from(new Uint8Array(b))));"
            ),
            vec![],
        )
        .await
        .unwrap();
    let pdf: Vec<u8> = bytes
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect();
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(pack) = crate::pack::pdf_text(&pdf) {
        for expected in [
            "Mali Prawf",
            "27 March 2012",
            "She is seen with an adult the home does not know",
            "101",
        ] {
            assert!(pack.contains(expected), "{expected:?} not in {pack}");
        }
    }

    // What is stored is a clean re-encoding: no metadata at all.
    let org = demo.own(homeward_domain::role::Role::Manager).org_id;
    let id: homeward_domain::ids::PersonId = person.trim_start_matches("/people/").parse().unwrap();
    let (photos, current) = t.app.store.photos(org, id).await.unwrap();
    assert_eq!(photos.len(), 1);
    let stored = t
        .app
        .store
        .photo_jpeg(org, id, current.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(stored.starts_with(&[0xff, 0xd8]));
    for marker in [&b"Exif"[..], b"GPS", b"http://ns.adobe.com/xap"] {
        assert!(
            !stored.windows(marker.len()).any(|w| w == marker),
            "{marker:?}"
        );
    }

    client.close().await.unwrap();
}
