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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_signs_in_switches_language_and_signs_out_accessibly() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    seed(&t).await;
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
    for path in ["/people", "/admin/users"] {
        client.goto(&format!("{base}{path}")).await.unwrap();
        assert_eq!(lang(&client).await, "cy", "{path}");
        assert_accessible(&client, &axe, path).await;
    }
    assert!(text(&client).await.contains("Defnyddwyr"));

    // And back to English.
    client
        .find(Locator::Css(".hw-header__language"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_lang(&client, "en-GB").await;
    assert!(text(&client).await.contains("Users"));

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
