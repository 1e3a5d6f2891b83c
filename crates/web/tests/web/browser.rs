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
use std::os::unix::process::CommandExt as _;
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
    /// Chromium runs as chromedriver's children; killing chromedriver alone leaves them
    /// running (a hundred after one run of the suite), so the whole process group goes.
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(std::process::Stdio::null())
            .status();
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
            .process_group(0)
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

/// Waits until an element is on the page (after a form posts back to its own address).
async fn wait_for_element(client: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let script = format!("return !!document.querySelector({css:?});");
    while client.execute(&script, vec![]).await.ok() != Some(serde_json::Value::Bool(true)) {
        assert!(Instant::now() < deadline, "{css} never appeared");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Opens every `<details>` on the page, as a reader tapping each would.
async fn open_every_reveal(client: &Client) {
    client
        .execute(
            "for (const d of document.querySelectorAll('details')) { d.open = true; } return true;",
            vec![],
        )
        .await
        .unwrap();
}

/// The main content's text, read in one script so a page still arriving cannot go stale
/// under it.
async fn text(client: &Client) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = client
            .execute(
                "var m = document.readyState === 'complete' && document.querySelector('main'); \
                 return m ? m.innerText : null;",
                vec![],
            )
            .await;
        if let Ok(serde_json::Value::String(text)) = found {
            return text;
        }
        assert!(Instant::now() < deadline, "the page never finished loading");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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

/// Signs in through the pages: the password, then (for accounts with a second factor) the
/// code their authenticator app would show.
async fn sign_in(t: &TestApp, client: &Client, base: &str, email: &str) {
    client.goto(&format!("{base}/sign-in")).await.unwrap();
    fill(client, "email", email).await;
    fill(client, "password", PASSWORD).await;
    submit(client).await;
    let at = wait_for_path(client, |p| p == "/" || p.starts_with("/sign-in/code")).await;
    if at.starts_with("/sign-in/code") {
        let code = authenticator_code(t, email).await;
        fill(client, "code", &code).await;
        submit(client).await;
        wait_for_path(client, |p| p == "/").await;
    }
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
    // A manager proves it is them with the code from their authenticator app: a wrong one
    // first, said plainly, then the right one.
    wait_for_path(&client, |p| p.starts_with("/sign-in/code")).await;
    assert_accessible(&client, &axe, "the second-factor page").await;
    fill(&client, "code", "000 000").await;
    submit(&client).await;
    client
        .wait()
        .for_element(Locator::Css(".hw-error-summary"))
        .await
        .unwrap();
    assert!(
        text(&client).await.contains("That code is not right"),
        "{}",
        text(&client).await
    );
    assert_accessible(&client, &axe, "the second-factor page with an error").await;
    let code = authenticator_code(&t, "manager@cartrefi-ffug.example").await;
    fill(&client, "code", &code).await;
    submit(&client).await;
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

    sign_in(&t, &client, &base, "care-worker@cartrefi-ffug.example").await;
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
    sign_in(&t, &client, &base, "manager@cartrefi-ffug.example").await;
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

/// How a field of an episode form is answered in the browser.
enum Answer {
    Type(&'static str, &'static str),
    Click(&'static str),
    Choose(&'static str, &'static str),
    /// Every box whose name starts so gets the same text (closing's reasons for duties left).
    TypeEvery(&'static str, &'static str),
}

use Answer::*;

async fn answer(client: &Client, answers: &[Answer]) {
    for a in answers {
        match a {
            Type(id, value) => fill(client, id, value).await,
            Click(id) => click(client, &format!("#{id}")).await,
            TypeEvery(prefix, value) => {
                client
                    .execute(
                        "for (const t of document.querySelectorAll(`textarea[name^='${arguments[0]}']`)) \
                           { t.value = arguments[1]; } return true;",
                        vec![
                            serde_json::Value::from(*prefix),
                            serde_json::Value::from(*value),
                        ],
                    )
                    .await
                    .unwrap();
            }
            Choose(id, value) => client
                .find(Locator::Id(id))
                .await
                .unwrap()
                .select_by_value(value)
                .await
                .unwrap(),
        }
    }
}

/// Reports a person missing from their page, as a care worker on a phone would; returns the
/// episode's path.
async fn report_missing(client: &Client, base: &str, person: &str, answers: &[Answer]) -> String {
    client.goto(&format!("{base}{person}")).await.unwrap();
    click(client, &format!("a[href='{person}/episodes/new']")).await;
    wait_for_path(client, |p| p.ends_with("/episodes/new")).await;
    // The time last seen starts empty; "Now" fills it in one tap.
    let empty = client
        .execute(
            "return document.getElementById('last_seen-time').value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(empty, serde_json::Value::from(""));
    click(client, "#last_seen-now").await;
    answer(client, answers).await;
    submit(client).await;
    wait_for_path(client, |p| p.starts_with("/episodes/")).await
}

/// Adds one entry to the chronology through its form, a few minutes after the last.
async fn add_entry(
    t: &TestApp,
    client: &Client,
    base: &str,
    episode: &str,
    kind: &str,
    answers: &[Answer],
) {
    t.clock.advance(jiff::SignedDuration::from_mins(7));
    client
        .goto(&format!("{base}{episode}/add/{kind}"))
        .await
        .unwrap();
    answer(client, answers).await;
    submit(client).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let url = client.current_url().await.unwrap();
        if url.query().is_some_and(|q| q.starts_with("added=")) {
            return;
        }
        let problem = client
            .execute(
                "return !!document.querySelector('.hw-error-summary');",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            problem != serde_json::Value::Bool(true) && Instant::now() < deadline,
            "{kind} was not added: {}",
            text(client).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the watching browser's board shows (or stops showing) some text, and says
/// how long that took.
async fn board_shows(board: &Client, wanted: &str, present: bool) -> Duration {
    let start = Instant::now();
    loop {
        let shown = board
            .execute(
                "var b = document.getElementById('board'); return b ? b.innerText : '';",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap_or("")
            .to_string();
        if shown.contains(wanted) == present {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the board never {} {wanted:?}: {shown}",
            if present { "showed" } else { "dropped" }
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn person_path(t: &TestApp, given: &str) -> String {
    for o in t.app.store.list_organisations().await.unwrap() {
        let people = t
            .app
            .store
            .list_people(o.id, None, &test_event(o.id))
            .await
            .unwrap();
        if let Some(p) = people.into_iter().find(|p| p.given_name == given) {
            return format!("/people/{}", p.id);
        }
    }
    panic!("no {given}");
}

/// Three whole episodes, as the people who record them would go through them: a looked-after
/// child in Wales (with a manager's board in a second browser showing each new entry within
/// two seconds, without reloading), a child in England with the return home interview, and an
/// adult with dementia in home care in Wales, recorded in Welsh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_episodes_with_a_live_board_in_a_second_browser() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    seed(&t).await;
    let base = serve(&t).await;
    let (profile, watcher_profile) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (_driver, client) = start_browser(profile.path()).await;
    let (_watcher_driver, board) = start_browser(watcher_profile.path()).await;

    // The manager keeps the board open; it already shows the demo's missing child.
    sign_in(&t, &board, &base, "manager@cartrefi-ffug.example").await;
    board.goto(&format!("{base}/episodes")).await.unwrap();
    board_shows(&board, "Tomos", true).await;
    assert_accessible(&board, &axe, "the live board").await;

    // 1. Ffion, looked after in a children's home in Wales.
    sign_in(&t, &client, &base, "care-worker@cartrefi-ffug.example").await;
    let ffion = person_path(&t, "Ffion").await;
    let episode = report_missing(
        &client,
        &base,
        &ffion,
        &[
            Type("last_seen-time", "8:30am"),
            Type("last_seen_place", "The bus stop on Heol y Frenhines"),
            Click("whereabouts-unknown"),
            Type("clothing", "Black puffer jacket, white trainers"),
            Type("circumstances", "Upset after a phone call"),
        ],
    )
    .await;
    let mut waits = vec![board_shows(&board, "Ffion", true).await];
    assert_accessible(&client, &axe, "an episode page").await;
    let page = text(&client).await;
    assert!(page.contains("Black puffer jacket"));
    // Each duty's source is behind a "Where this comes from" reveal: open them all.
    open_every_reveal(&client).await;
    let page = text(&client).await;
    // The four duties the All Wales guide names, each with its source.
    for (duty, source) in [
        ("Report to police", "Duty to notify 1"),
        (
            "Tell their parents or those with parental responsibility",
            "Duty to notify 2",
        ),
        (
            "Tell the placing authority and social worker",
            "Duty to notify 3",
        ),
        ("Tell the registered or on-call manager", "Duty to notify 4"),
    ] {
        assert!(page.contains(duty), "{duty} not in {page}");
        assert!(page.contains(source), "{source} not in {page}");
    }
    assert!(page.contains("All Wales Practice Guide"));

    // The plan's first step, ticked from the checklist.
    fill(&client, "found-1", "Straight to voicemail").await;
    click(&client, "#step-1 button").await;
    wait_for_path(&client, |p| p.contains("?added=2")).await;
    assert!(text(&client).await.contains("Straight to voicemail"));
    waits.push(board_shows(&board, "Step from the plan done", true).await);

    add_entry(
        &t,
        &client,
        &base,
        &episode,
        "reported_to_police",
        &[
            Type("force", "South Wales Police"),
            Click("number-101"),
            Type("reference", "SWP-26-0001"),
            Type("spoke_to", "Call handler 12"),
        ],
    )
    .await;
    waits.push(board_shows(&board, "Reported to police", true).await);
    add_entry(
        &t,
        &client,
        &base,
        &episode,
        "police_graded",
        &[Choose("grade", "medium"), Click("scheme-england_wales_app")],
    )
    .await;
    waits.push(board_shows(&board, "Medium", true).await);

    // A mistake on a form is shown, not lost; the form itself stays accessible.
    client
        .goto(&format!("{base}{episode}/add/located"))
        .await
        .unwrap();
    submit(&client).await;
    // Same address before and after: wait for the answer itself.
    wait_for_element(&client, ".hw-error-summary").await;
    assert!(text(&client).await.contains("There is a problem"));
    assert_accessible(&client, &axe, "a chronology form with a problem").await;

    add_entry(
        &t,
        &client,
        &base,
        &episode,
        "located",
        &[
            Type("place", "Her friend's flat"),
            Type("town", "Cardiff"),
            Type("police_area", "South Wales Police"),
            Type("found_by", "Police"),
        ],
    )
    .await;
    waits.push(board_shows(&board, "Found, not back yet", true).await);
    add_entry(
        &t,
        &client,
        &base,
        &episode,
        "returned",
        &[
            Type("to_where", "Tŷ Enghraifft"),
            Type("how", "Staff car"),
            Click("via_police_station-no"),
        ],
    )
    .await;
    waits.push(board_shows(&board, "Ffion", false).await);
    add_entry(
        &t,
        &client,
        &base,
        &episode,
        "debrief",
        &[Type("by", "Key worker"), Type("notes", "Talked it through")],
    )
    .await;
    let slowest = waits.iter().max().copied().unwrap_or_default();
    eprintln!("the second browser's board showed each entry within {slowest:?}");
    assert!(
        slowest < Duration::from_secs(2),
        "the board took {slowest:?} to show an entry"
    );
    sign_out(&client, &base).await;
    sign_in(&t, &client, &base, "manager@cartrefi-ffug.example").await;
    add_entry(
        &t,
        &client,
        &base,
        &episode,
        "closed",
        &[
            Type("summary", "Found safe at a friend's flat after four hours."),
            TypeEvery("left-", "Done by phone; written in the home's log"),
        ],
    )
    .await;
    assert!(text(&client).await.contains("Closed"));
    sign_out(&client, &base).await;

    // 2. Teddy, in a children's home in England: the return home interview, declined then held.
    sign_in(&t, &client, &base, "care-worker@sample-shire.example").await;
    let teddy = person_path(&t, "Teddy").await;
    let episode = report_missing(
        &client,
        &base,
        &teddy,
        &[
            Type("last_seen_place", "School gates"),
            Click("whereabouts-unknown"),
        ],
    )
    .await;
    for (kind, answers) in [
        (
            "reported_to_police",
            vec![Type("force", "Sample Shire Police"), Click("number-101")],
        ),
        ("located", vec![Type("place", "The skate park")]),
        (
            "returned",
            vec![
                Type("to_where", "Example House"),
                Click("via_police_station-no"),
            ],
        ),
        (
            "return_interview_offered",
            vec![
                Type("offered_by", "Independent return home interview worker"),
                Click("independent-yes"),
            ],
        ),
        (
            "return_interview_declined",
            vec![
                Type("reason", "Too tired today"),
                Type("offer_again", "Tomorrow after school"),
            ],
        ),
        (
            "return_interview_held",
            vec![
                Type("held_by", "Independent return home interview worker"),
                Type(
                    "push_pull",
                    "Fell out with staff; friends at the skate park",
                ),
                Type("where_and_who", "Skate park with two friends; walked"),
                Type("own_words", "I just wanted to be with my mates"),
                Type(
                    "actions",
                    "Key worker to agree free time at the park (manager)",
                ),
            ],
        ),
        (
            "plan_reviewed",
            vec![
                Type("by", "Registered manager"),
                Type("changes", "Park added to places"),
            ],
        ),
    ] {
        add_entry(&t, &client, &base, &episode, kind, &answers).await;
        if kind == "returned" {
            // England: the independent return home interview, within 72 hours of return.
            let due = t.app.clock.now() + jiff::SignedDuration::from_hours(72);
            let by = homeward_i18n::Tr(homeward_domain::locale::Locale::English).date_time(due);
            open_every_reveal(&client).await;
            let page = text(&client).await;
            assert!(page.contains("Offer a return interview"), "{page}");
            assert!(page.contains(&format!("by {by}")), "{by} not in {page}");
            assert!(page.contains("within 72 hours of return"));
        }
    }
    let page = text(&client).await;
    assert!(page.contains("Held"), "{page}");
    assert!(page.contains("I just wanted to be with my mates"));
    sign_out(&client, &base).await;

    // 3. Gwilym, who has dementia and home care in Conwy, recorded in Welsh.
    sign_in(&t, &client, &base, "care-worker@gofal-dychmygol.example").await;
    client
        .goto(&format!("{base}/language?to=cy&next=/"))
        .await
        .unwrap();
    wait_for_lang(&client, "cy").await;
    let gwilym = person_path(&t, "Gwilym").await;
    let episode = report_missing(
        &client,
        &base,
        &gwilym,
        &[
            Type("last_seen_place", "Yr ardd flaen"),
            Click("whereabouts-unknown"),
            Type("clothing", "Cap stabl brown, siaced cwyr werdd"),
        ],
    )
    .await;
    assert_accessible(&client, &axe, "an episode page in Welsh").await;
    for (kind, answers) in [
        (
            "reported_to_police",
            vec![Type("force", "Heddlu Gogledd Cymru"), Click("number-999")],
        ),
        (
            "police_graded",
            vec![Choose("grade", "high"), Click("scheme-england_wales_app")],
        ),
        (
            "located",
            vec![Type("place", "Y capel"), Type("found_by", "Yr heddlu")],
        ),
        (
            "returned",
            vec![Type("to_where", "Adref"), Click("via_police_station-no")],
        ),
        (
            "safe_and_well_check",
            vec![
                Type("by", "PC Hughes"),
                Type("findings", "Oer, dim anafiadau"),
            ],
        ),
        (
            "referral",
            vec![
                Choose("to", "adult_safeguarding"),
                Type("details", "Oedolyn mewn perygl"),
            ],
        ),
    ] {
        add_entry(&t, &client, &base, &episode, kind, &answers).await;
    }
    let page = text(&client).await;
    assert!(page.contains("Gwiriad diogel ac iach yr heddlu"), "{page}");
    assert!(page.contains("Diogelu oedolion"));

    client.close().await.unwrap();
    board.close().await.unwrap();
}

/// Nobody answers the on-call shift lead's page, so the manager is paged; both emails reach
/// a real SMTP server, and the manager acknowledges from the page Homeward shows them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_page_escalates_to_the_manager_who_acknowledges_it() {
    use crate::escalation::{free_port, mailer, received, smtp_server};
    let Some(axe) = prerequisites() else { return };
    let mail_dir = tempfile::tempdir().unwrap();
    let Some(smtp) = smtp_server(mail_dir.path(), free_port()).await else {
        return;
    };
    let t = sqlite().await;
    let demo = seed(&t).await;
    let base = serve(&t).await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = start_browser(profile.path()).await;
    let meta = homeward_app::RequestMeta::default();
    let as_actor = |role| {
        let t = &t;
        let user = demo.own(role).clone();
        async move {
            let s = session_for(t, &user).await;
            t.app.resolve_session(&s.token).await.unwrap().unwrap()
        }
    };
    let manager = as_actor(homeward_domain::role::Role::Manager).await;
    let lead = as_actor(homeward_domain::role::Role::ShiftLead).await;
    let ffion = person_path(&t, "Ffion").await;
    let person = t
        .app
        .store
        .get_person(
            manager.org_id(),
            ffion.trim_start_matches("/people/").parse().unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let now = t.app.clock.now();
    let (version, demo_rota) = t
        .app
        .service_rota(&manager, person.service_id)
        .await
        .unwrap();
    // The demo already has the shift lead on call and the manager as the default.
    assert_eq!(demo_rota.shifts[0].contact.user, lead.user.id);
    t.app
        .save_rota(
            &manager,
            &meta,
            person.service_id,
            homeward_app::escalation::RotaInput {
                shifts: vec![(
                    lead.user.id,
                    now - jiff::SignedDuration::from_hours(1),
                    now + jiff::SignedDuration::from_hours(12),
                )],
                default_user: Some(manager.user.id),
                escalate_after_minutes: 15,
            },
            version,
        )
        .await
        .unwrap();

    sign_in(&t, &client, &base, "care-worker@cartrefi-ffug.example").await;
    let episode = report_missing(
        &client,
        &base,
        &ffion,
        &[
            Type("last_seen_place", "The park"),
            Click("whereabouts-unknown"),
        ],
    )
    .await;
    sign_out(&client, &base).await;

    // The worker's passes, as a server runs them every few seconds.
    let link = base.clone();
    let live = mailer(smtp.port);
    t.app.escalate(&link).await.unwrap();
    t.app.send_mail(&live).await.unwrap();
    t.clock.advance(jiff::SignedDuration::from_mins(16));
    t.app.escalate(&link).await.unwrap();
    t.app.send_mail(&live).await.unwrap();
    let reported: Vec<String> = received(&smtp)
        .into_iter()
        .filter(|m| m.contains(&episode) && m.contains(": reported missing."))
        .collect();
    assert_eq!(reported.len(), 2, "{reported:?}");
    assert!(
        reported
            .iter()
            .any(|m| m.contains("To: shift-lead@cartrefi-ffug.example"))
    );
    assert!(
        reported
            .iter()
            .any(|m| m.contains("To: manager@cartrefi-ffug.example"))
    );

    // The manager signs in: Homeward shows the page, and the link leads to the episode.
    sign_in(&t, &client, &base, "manager@cartrefi-ffug.example").await;
    let home = text(&client).await;
    assert!(home.contains("You have been paged"), "{home}");
    assert!(home.contains("Ffion Ffug: reported missing"));
    assert_accessible(&client, &axe, "the home page with a page waiting").await;
    click(&client, ".hw-notification a").await;
    wait_for_path(&client, |p| p.starts_with(&episode)).await;
    // The link lands on what needs doing: the page waiting, what is overdue, what is next.
    let top = client
        .find(Locator::Css("#summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(top.contains("nobody has acknowledged yet"), "{top}");
    assert!(top.contains("Overdue now"), "{top}");
    assert!(
        top.contains("Tell the registered or on-call manager"),
        "{top}"
    );
    // One page per episode: the shift lead's, then the manager's; an overdue duty joined the
    // page waiting instead of paging on its own. The summary's button answers them all.
    let buttons = client
        .find_all(Locator::Css("form.hw-acknowledge button"))
        .await
        .unwrap();
    assert_eq!(buttons.len(), 3, "the summary's, and one on each page");
    click(&client, "#summary form.hw-acknowledge button").await;
    wait_for_path(&client, |p| p.contains("?added=")).await;
    let page = text(&client).await;
    assert!(page.contains("Acknowledged page in entry"), "{page}");
    let left = client
        .find_all(Locator::Css("form.hw-acknowledge button"))
        .await
        .unwrap();
    assert_eq!(left.len(), 0);

    // Answered: forty minutes on, nobody else is paged about the report.
    t.clock.advance(jiff::SignedDuration::from_mins(40));
    t.app.escalate(&link).await.unwrap();
    let id = episode.trim_start_matches("/episodes/").parse().unwrap();
    let view = t.app.view_episode(&manager, &meta, id).await.unwrap();
    let opened_pages = view
        .events
        .iter()
        .filter(|r| matches!(&r.event, homeward_domain::episode::Event::Paged { key, .. } if key == "opened"))
        .count();
    assert_eq!(opened_pages, 2);

    // The rota and the duty forms, as the manager sees them, pass the accessibility checks.
    // (An hour has passed on the clock: the manager signs in again.)
    sign_in(&t, &client, &base, "manager@cartrefi-ffug.example").await;
    client
        .goto(&format!("{base}/services/{}/on-call", person.service_id))
        .await
        .unwrap();
    assert!(text(&client).await.contains("Demo Shift Lead"));
    assert_accessible(&client, &axe, "the on-call rota").await;
    submit(&client).await;
    wait_for_path(&client, |p| p.contains("/on-call?saved=1")).await;
    assert_accessible(&client, &axe, "the rota after saving").await;
    client
        .goto(&format!("{base}{episode}/add/notified?duty=tell_parents"))
        .await
        .unwrap();
    assert!(text(&client).await.contains("Tell their parents"));
    assert_accessible(&client, &axe, "recording who was told").await;
    client.close().await.unwrap();
}

/// The issue's own check: a looked-after child with child sexual exploitation in her
/// information form goes missing from a home in Wales. The on-call person is paged once (what
/// goes overdue joins that page), the episode shows the section 130 report with its source,
/// and the manager can close it only once every duty is accounted for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_with_cse_in_wales_pages_once_shows_section_130_and_closes_accounted_for() {
    use crate::escalation::{free_port, mailer, received, smtp_server};
    use homeward_domain::forms::DocKind;
    let Some(axe) = prerequisites() else { return };
    let mail_dir = tempfile::tempdir().unwrap();
    let Some(smtp) = smtp_server(mail_dir.path(), free_port()).await else {
        return;
    };
    let t = sqlite().await;
    let demo = seed(&t).await;
    let base = serve(&t).await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = start_browser(profile.path()).await;
    let org = demo.own(homeward_domain::role::Role::Manager).org_id;
    // Ffion, looked after in the Welsh home: her key worker records in her information form
    // that she is being sexually exploited.
    let child: homeward_domain::ids::PersonId = person_path(&t, "Ffion")
        .await
        .trim_start_matches("/people/")
        .parse()
        .unwrap();
    let worker = {
        let s = session_for(&t, demo.own(homeward_domain::role::Role::CareWorker)).await;
        t.app.resolve_session(&s.token).await.unwrap().unwrap()
    };
    let version = t
        .app
        .store
        .latest_document(org, child, DocKind::Profile)
        .await
        .unwrap()
        .map_or(0, |v| v.version);
    let mut risks = homeward_domain::forms::RawSection::default();
    risks
        .fields
        .insert("indicators".into(), vec!["cse".into(), "self_harm".into()]);
    risks.fields.insert(
        "notes".into(),
        vec!["Picked up by older men in cars; police aware".into()],
    );
    t.app
        .save_section(
            &worker,
            &homeward_app::RequestMeta::default(),
            child,
            DocKind::Profile,
            "risks",
            &risks,
            version,
        )
        .await
        .unwrap();
    let child = t.app.store.get_person(org, child).await.unwrap().unwrap();
    let path = format!("/people/{}", child.id);

    sign_in(&t, &client, &base, "care-worker@cartrefi-ffug.example").await;
    let episode = report_missing(
        &client,
        &base,
        &path,
        &[
            Type("last_seen_place", "Outside the chip shop"),
            Click("whereabouts-unknown"),
        ],
    )
    .await;
    let link = base.clone();
    let live = mailer(smtp.port);
    // The worker's passes over the first quarter of an hour.
    for _ in 0..4 {
        t.app.escalate(&link).await.unwrap();
        t.app.send_mail(&live).await.unwrap();
        t.clock.advance(jiff::SignedDuration::from_mins(3));
    }
    let ours: Vec<String> = received(&smtp)
        .into_iter()
        .filter(|m| m.contains(&episode))
        .collect();
    assert_eq!(ours.len(), 1, "the on-call person is paged once: {ours:?}");
    assert!(ours[0].contains("To: shift-lead@cartrefi-ffug.example"));

    // The episode: the section 130 report, with its source behind the reveal.
    client.goto(&format!("{base}{episode}")).await.unwrap();
    open_every_reveal(&client).await;
    let page = text(&client).await;
    assert!(
        page.contains("Report a child at risk to the local authority (section 130)"),
        "{page}"
    );
    assert!(
        page.contains("Section 130: report a child at risk"),
        "{page}"
    );
    assert!(page.contains("Social Services and Well-being (Wales) Act 2014"));
    // At once, because of the risk: reporting to police is already overdue at 15 minutes.
    t.clock.advance(jiff::SignedDuration::from_mins(4));
    client.goto(&format!("{base}{episode}")).await.unwrap();
    assert!(text(&client).await.contains("Overdue now"));
    for (kind, answers) in [
        (
            "reported_to_police",
            vec![
                Type("force", "South Wales Police"),
                Click("number-999"),
                Type("reference", "SWP-CSE-1"),
            ],
        ),
        (
            "located",
            vec![Type("place", "A flat in Newport"), Type("town", "Newport")],
        ),
        (
            "returned",
            vec![Type("to_where", "Home"), Click("via_police_station-no")],
        ),
    ] {
        add_entry(&t, &client, &base, &episode, kind, &answers).await;
    }
    sign_out(&client, &base).await;

    // The manager closes it: refused until each duty still open has a reason.
    sign_in(&t, &client, &base, "manager@cartrefi-ffug.example").await;
    client
        .goto(&format!("{base}{episode}/add/closed"))
        .await
        .unwrap();
    let form = text(&client).await;
    assert!(form.contains("Duties still open"), "{form}");
    assert!(form.contains("Report a child at risk to the local authority (section 130)"));
    fill(&client, "summary", "Found in Newport by police; home safe.").await;
    submit(&client).await;
    wait_for_element(&client, ".hw-error-summary").await;
    let refused = text(&client).await;
    assert!(refused.contains("Say why this duty is left"), "{refused}");
    assert_accessible(&client, &axe, "closing with duties still open").await;
    answer(
        &client,
        &[TypeEvery(
            "left-",
            "Done with the social worker by phone; written in the home's log",
        )],
    )
    .await;
    submit(&client).await;
    wait_for_path(&client, |p| p.contains("?added=")).await;
    open_every_reveal(&client).await;
    let closed = text(&client).await;
    assert!(closed.contains("Closed"), "{closed}");
    assert!(
        !closed.contains("To do"),
        "a closed episode shows nothing to do: {closed}"
    );
    client.close().await.unwrap();
}

/// The learning issue's own check: a safeguarding lead opens the patterns for a home, follows
/// a number to its episodes (as many as the number said), and downloads the report, whose
/// text holds the same figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_safeguarding_lead_follows_a_pattern_to_its_episodes_and_takes_the_report() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    let _demo = seed(&t).await;
    let base = serve(&t).await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = start_browser(profile.path()).await;
    sign_in(
        &t,
        &client,
        &base,
        "safeguarding-lead@cartrefi-ffug.example",
    )
    .await;
    click(&client, "nav a[href='/patterns']").await;
    wait_for_path(&client, |p| p.starts_with("/patterns")).await;
    // The home with the demo's episodes, over the last few years.
    let home = person_path(&t, "Ffion").await;
    let id: homeward_domain::ids::PersonId = home.trim_start_matches("/people/").parse().unwrap();
    let org = _demo.own(homeward_domain::role::Role::Manager).org_id;
    let service = t
        .app
        .store
        .get_person(org, id)
        .await
        .unwrap()
        .unwrap()
        .service_id;
    client
        .find(Locator::Css(&format!("#service option[value='{service}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // A date field takes the browser's own way of typing a date; set its value as it would.
    client
        .execute(
            "document.getElementById('from').value = '2020-01-01';",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "main form button[type=submit]").await;
    wait_for_path(&client, |p| p.contains("from=2020-01-01")).await;
    assert_accessible(&client, &axe, "the patterns page").await;
    let page = text(&client).await;
    assert!(page.contains("When people went missing"), "{page}");
    // The first figure is every episode in the period: follow it.
    let figure = client
        .find(Locator::Css("table.hw-figures td a"))
        .await
        .unwrap();
    let number: usize = figure.text().await.unwrap().trim().parse().unwrap();
    assert!(number > 0, "the home has episodes");
    figure.click().await.unwrap();
    wait_for_path(&client, |p| p.starts_with("/patterns/episodes")).await;
    assert_accessible(&client, &axe, "the episodes behind a figure").await;
    let rows = client
        .find_all(Locator::Css("tr.hw-pattern-episode"))
        .await
        .unwrap()
        .len();
    assert_eq!(rows, number, "the list adds up to the number");
    // Back, and take the report away as a PDF, through the browser's own session.
    click(&client, "main .hw-caption a").await;
    wait_for_path(&client, |p| p.starts_with("/patterns?")).await;
    let href = client
        .find(Locator::Css("a[href^='/patterns/report.pdf']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let bytes = client
        .execute_async(
            "var done = arguments[arguments.length - 1];\
             fetch(arguments[0], {credentials: 'same-origin'})\
               .then(function (r) { return r.arrayBuffer(); })\
               .then(function (b) { done(Array.from(new Uint8Array(b))); });",
            vec![serde_json::Value::String(href)],
        )
        .await
        .unwrap();
    let pdf: Vec<u8> = bytes
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect();
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(text) = crate::pack::pdf_text(&pdf) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains(&format!(
                "Typical time away (median) {number} (period before:"
            )),
            "{text}"
        );
    }
    // The inspection's own report, for the same home and period, with the evaluation typed
    // in: the form's own fields, sent as the browser would send them.
    click(&client, "a[href='/patterns/reports']").await;
    wait_for_path(&client, |p| p.starts_with("/patterns/reports")).await;
    assert_accessible(&client, &axe, "the reports for inspection and review").await;
    client
        .find(Locator::Css(&format!("#service option[value='{service}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .execute(
            "document.getElementById('from').value = '2020-01-01';\
             document.getElementById('to').value = arguments[0];",
            vec![serde_json::Value::String(
                homeward_domain::time::in_london(t.app.clock.now())
                    .date()
                    .to_string(),
            )],
        )
        .await
        .unwrap();
    client
        .find(Locator::Css("#working_well"))
        .await
        .unwrap()
        .send_keys("Staff searched the places on the forms first.")
        .await
        .unwrap();
    let bytes = client
        .execute_async(
            "var done = arguments[arguments.length - 1];\
             var form = new FormData(document.querySelector('main form'));\
             form.append('format', 'pdf');\
             fetch('/patterns/reports', {method: 'POST', body: new URLSearchParams(form), credentials: 'same-origin'})\
               .then(function (r) { return r.arrayBuffer(); })\
               .then(function (b) { done(Array.from(new Uint8Array(b))); });",
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
    assert!(
        pdf.starts_with(b"%PDF-"),
        "{}",
        String::from_utf8_lossy(&pdf)
    );
    if let Some(text) = crate::pack::pdf_text(&pdf) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("Quality of care review"), "{text}");
        assert!(
            text.contains("Staff searched the places on the forms first."),
            "{text}"
        );
        assert!(
            text.contains(&format!("{number} (period before:")),
            "{text}"
        );
    }
    // Recording what was shared about the child, from her page: the form, its errors and
    // the record itself, each accessible.
    client.goto(&format!("{base}{home}")).await.unwrap();
    click(&client, &format!("a[href='{home}/disclosures']")).await;
    wait_for_path(&client, |p| p.ends_with("/disclosures")).await;
    click(&client, &format!("a[href='{home}/disclosures/new']")).await;
    wait_for_path(&client, |p| p.ends_with("/disclosures/new")).await;
    assert_accessible(&client, &axe, "recording information shared").await;
    submit(&client).await;
    client
        .wait()
        .for_element(Locator::Css(".hw-error-summary"))
        .await
        .unwrap();
    assert_accessible(&client, &axe, "recording information shared, with errors").await;
    fill(&client, "what", "Her photo and the places she may go").await;
    fill(&client, "recipient", "PC Jones, Gwent Police").await;
    fill(&client, "purpose", "To find her").await;
    for choice in ["consent-not_asked", "lawful_basis", "condition"] {
        click(&client, &format!("#{choice}")).await;
    }
    submit(&client).await;
    wait_for_path(&client, |p| p.contains("/disclosures?recorded=1")).await;
    assert!(text(&client).await.contains("PC Jones, Gwent Police"));
    assert_accessible(&client, &axe, "information shared about a person").await;
    client.goto(&format!("{base}/disclosures")).await.unwrap();
    assert_accessible(&client, &axe, "the log of information shared").await;
}

/// A provider's manager lets a police force see a child's record; the officer, signed in with
/// their second factor in another browser, finds it under "Shared with you", sees only what
/// the grant covers and records the police's risk grade, which the provider's chronology
/// shows with the force named; the moment the manager ends the access the officer's next
/// request finds nothing. Each page is checked for accessibility.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_lets_the_police_in_and_the_officer_loses_access_when_it_ends() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    let demo = seed(&t).await;
    let base = serve(&t).await;
    let org = demo.other(homeward_domain::role::Role::Manager).org_id;
    let child = missing_child(&t, org).await;
    let force = t
        .app
        .store
        .list_organisations()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.kind == "police")
        .unwrap();
    let p1 = tempfile::tempdir().unwrap();
    let (_d1, manager) = start_browser(p1.path()).await;
    sign_in(&t, &manager, &base, "manager@sample-shire.example").await;
    let person = format!("/people/{}", child.id);
    manager.goto(&format!("{base}{person}")).await.unwrap();
    click(&manager, &format!("a[href='{person}/access']")).await;
    wait_for_path(&manager, |p| p.ends_with("/access")).await;
    assert!(
        text(&manager)
            .await
            .contains("Nobody outside your organisation has been given access.")
    );
    assert_accessible(&manager, &axe, "who outside can see a record").await;
    // Sent empty: each problem named, accessibly.
    manager
        .execute(
            "document.querySelectorAll('input[type=checkbox]').forEach(c => c.checked = false);",
            vec![],
        )
        .await
        .unwrap();
    click(&manager, "main form[action$='/access'] button[type=submit]").await;
    wait_for_element(&manager, ".hw-error-summary").await;
    assert!(
        text(&manager)
            .await
            .contains("Choose who to give access to")
    );
    assert_accessible(&manager, &axe, "giving access, with errors").await;
    manager
        .find(Locator::Id("partner"))
        .await
        .unwrap()
        .select_by_value(&force.id.to_string())
        .await
        .unwrap();
    answer(
        &manager,
        &[
            Click("purpose"),
            Click("sections"),
            Click("sections-chronology"),
            Type(
                "purpose_words",
                "She is missing and the police are searching",
            ),
            Click("consent-not_asked"),
            Click("lawful_basis"),
            Click("condition"),
        ],
    )
    .await;
    click(&manager, "main form[action$='/access'] button[type=submit]").await;
    wait_for_path(&manager, |p| p.contains("done=given")).await;
    assert!(text(&manager).await.contains("They can see it now"));

    // The officer, in another browser.
    let p2 = tempfile::tempdir().unwrap();
    let (_d2, officer) = start_browser(p2.path()).await;
    sign_in(&t, &officer, &base, "police@heddlu-dychmygol.example").await;
    click(&officer, "nav a[href='/shared']").await;
    wait_for_path(&officer, |p| p == "/shared").await;
    assert_accessible(&officer, &axe, "what is shared with a partner").await;
    let link = officer
        .find(Locator::XPath(&format!(
            "//a[contains(., '{}')][starts-with(@href, '/shared/')]",
            child.given_name
        )))
        .await
        .unwrap();
    let shared = link.attr("href").await.unwrap().unwrap();
    link.click().await.unwrap();
    wait_for_path(&officer, |p| p == shared).await;
    let page = text(&officer).await;
    assert!(
        page.contains(&child.family_name) && page.contains("Chronology"),
        "{page}"
    );
    assert!(
        !page.contains("Missing plan"),
        "only what the grant covers: {page}"
    );
    assert_accessible(&officer, &axe, "a shared record").await;
    click(&officer, &format!("a[href='{shared}/add/police_graded']")).await;
    wait_for_path(&officer, |p| p.ends_with("/add/police_graded")).await;
    assert_accessible(&officer, &axe, "a partner's entry").await;
    answer(
        &officer,
        &[Choose("grade", "high"), Click("scheme-england_wales_app")],
    )
    .await;
    submit(&officer).await;
    wait_for_path(&officer, |p| p == format!("{shared}?added=1")).await;
    // The provider's chronology names the officer and the force.
    let episode = t
        .app
        .store
        .open_episode_of(org, child.id)
        .await
        .unwrap()
        .unwrap();
    manager
        .goto(&format!("{base}/episodes/{episode}"))
        .await
        .unwrap();
    assert!(text(&manager).await.contains(&format!("({})", force.name)));
    // Ended: the officer's next request finds nothing.
    manager
        .goto(&format!("{base}{person}/access"))
        .await
        .unwrap();
    assert!(
        text(&manager)
            .await
            .contains(&format!("police@heddlu-dychmygol.example ({})", force.name))
    );
    fill(&manager, "reason-1", "She has been found").await;
    click(&manager, "form[action$='/revoke'] button").await;
    wait_for_path(&manager, |p| p.contains("done=ended")).await;
    officer.goto(&format!("{base}{shared}")).await.unwrap();
    let gone = text(&officer).await;
    assert!(!gone.contains(&child.family_name), "{gone}");
    officer.goto(&format!("{base}/shared")).await.unwrap();
    assert!(!text(&officer).await.contains(&child.given_name));
}

/// A police officer uses emergency access for a child missing from a provider that has given
/// the force nothing: the form's errors, then the police pack's details; the provider's
/// on-call person is paged (their home page says so) and the use is on the review list.
/// Each page is checked for accessibility.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn police_use_emergency_access_and_the_provider_is_paged_and_reviews_it() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    let demo = seed(&t).await;
    let base = serve(&t).await;
    let org = demo.other(homeward_domain::role::Role::Manager).org_id;
    let child = missing_child(&t, org).await;
    let p1 = tempfile::tempdir().unwrap();
    let (_d1, officer) = start_browser(p1.path()).await;
    sign_in(&t, &officer, &base, "police@heddlu-dychmygol.example").await;
    click(&officer, "nav a[href='/emergency-access']").await;
    wait_for_path(&officer, |p| p == "/emergency-access").await;
    assert_accessible(&officer, &axe, "emergency access").await;
    submit(&officer).await;
    wait_for_element(&officer, ".hw-error-summary").await;
    assert!(text(&officer).await.contains("Choose their care provider"));
    assert_accessible(&officer, &axe, "emergency access, with errors").await;
    officer
        .find(Locator::Id("provider"))
        .await
        .unwrap()
        .select_by_value(&org.to_string())
        .await
        .unwrap();
    fill(&officer, "given_name", &child.given_name).await;
    fill(&officer, "family_name", &child.family_name).await;
    fill(
        &officer,
        "reason",
        "Incident 4417: seen near the river at night",
    )
    .await;
    submit(&officer).await;
    wait_for_path(&officer, |p| p.starts_with("/shared/")).await;
    let page = text(&officer).await;
    assert!(
        page.contains(&child.family_name) && page.contains("Emergency access"),
        "{page}"
    );
    assert_accessible(&officer, &axe, "a record opened in an emergency").await;

    // The provider's on-call chain is paged by the next pass.
    t.app.escalate(&base).await.unwrap();
    let p2 = tempfile::tempdir().unwrap();
    let (_d2, manager) = start_browser(p2.path()).await;
    sign_in(&t, &manager, &base, "manager@sample-shire.example").await;
    click(&manager, "nav a[href='/access/emergency']").await;
    wait_for_path(&manager, |p| p == "/access/emergency").await;
    let review = text(&manager).await;
    assert!(
        review.contains("Incident 4417: seen near the river at night"),
        "{review}"
    );
    assert!(review.contains("Heddlu Dychmygol Police"), "{review}");
    assert_accessible(&manager, &axe, "the emergency access review list").await;
    let episode = t
        .app
        .store
        .open_episode_of(org, child.id)
        .await
        .unwrap()
        .unwrap();
    manager
        .goto(&format!("{base}/episodes/{episode}"))
        .await
        .unwrap();
    let chronology = text(&manager).await;
    assert!(
        chronology.contains("Police used emergency access"),
        "{chronology}"
    );
    assert!(
        chronology.contains("police used emergency access"),
        "the page's reason: {chronology}"
    );
}

/// The placing authority and the return interview: a provider links the council that places a
/// child (its errors first); the council's social worker, signed in with a second factor, sees
/// the child among those it places with the missing plan it covers, records a strategy
/// discussion that the provider's chronology names them for, and loses access when the link
/// is ended. A return-interview worker records the interview, which the provider then sees.
/// Each page is checked for accessibility.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_placing_authority_and_the_return_interviewer_record_what_the_provider_sees() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    let demo = seed(&t).await;
    let base = serve(&t).await;
    let org = demo.other(homeward_domain::role::Role::Manager).org_id;
    let child = missing_child(&t, org).await;
    let council = t
        .app
        .store
        .list_organisations()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.kind == "local_authority")
        .unwrap();
    let p1 = tempfile::tempdir().unwrap();
    let (_d1, manager) = start_browser(p1.path()).await;
    sign_in(&t, &manager, &base, "manager@sample-shire.example").await;
    let person = format!("/people/{}", child.id);
    manager
        .goto(&format!("{base}{person}/access"))
        .await
        .unwrap();
    click(&manager, &format!("a[href='{person}/placing-authority']")).await;
    wait_for_path(&manager, |p| p.ends_with("/placing-authority")).await;
    assert_accessible(&manager, &axe, "linking the placing authority").await;
    submit(&manager).await;
    wait_for_element(&manager, ".hw-error-summary").await;
    assert!(
        text(&manager)
            .await
            .contains("Choose who to give access to")
    );
    assert_accessible(&manager, &axe, "linking the placing authority, with errors").await;
    answer(&manager, &[Click("partner"), Click("consent-not_asked")]).await;
    submit(&manager).await;
    wait_for_path(&manager, |p| p.contains("done=linked")).await;
    assert!(text(&manager).await.contains("Until the link is ended"));

    // The council's social worker, in another browser.
    let p2 = tempfile::tempdir().unwrap();
    let (_d2, social) = start_browser(p2.path()).await;
    sign_in(&t, &social, &base, "social-worker@cyngor-ffug.example").await;
    click(&social, "nav a[href='/shared']").await;
    wait_for_path(&social, |p| p == "/shared").await;
    let link = social
        .find(Locator::XPath(&format!(
            "//a[contains(., '{}')][starts-with(@href, '/shared/')]",
            child.family_name
        )))
        .await
        .unwrap();
    let shared = link.attr("href").await.unwrap().unwrap();
    link.click().await.unwrap();
    wait_for_path(&social, |p| p == shared).await;
    let page = text(&social).await;
    assert!(page.contains("Placing authority"), "{page}");
    assert!(
        page.contains("The missing plan"),
        "the plan it covers: {page}"
    );
    assert_accessible(&social, &axe, "a placed child's record").await;
    click(
        &social,
        &format!("a[href='{shared}/add/strategy_discussion']"),
    )
    .await;
    wait_for_path(&social, |p| p.ends_with("/add/strategy_discussion")).await;
    answer(
        &social,
        &[Type(
            "attendees",
            "Social worker, police missing person coordinator, home manager",
        )],
    )
    .await;
    submit(&social).await;
    wait_for_path(&social, |p| p == format!("{shared}?added=1")).await;
    let episode = t
        .app
        .store
        .open_episode_of(org, child.id)
        .await
        .unwrap()
        .unwrap();
    manager
        .goto(&format!("{base}/episodes/{episode}"))
        .await
        .unwrap();
    let chronology = text(&manager).await;
    assert!(
        chronology.contains(&format!("({})", council.name))
            && chronology.contains("police missing person coordinator"),
        "{chronology}"
    );
    // The link ended: the social worker's next request finds nothing.
    manager
        .goto(&format!("{base}{person}/access"))
        .await
        .unwrap();
    fill(
        &manager,
        "reason-1",
        "She has moved to another authority's care",
    )
    .await;
    click(&manager, "form[action$='/revoke'] button").await;
    wait_for_path(&manager, |p| p.contains("done=ended")).await;
    social.goto(&format!("{base}{shared}")).await.unwrap();
    assert!(!text(&social).await.contains(&child.family_name));

    // The first provider's child comes back; the return-interview service was given her
    // record for the interview, and its worker records it.
    let own = demo.own(homeward_domain::role::Role::Manager).org_id;
    let back = missing_child(&t, own).await;
    let their_episode = t
        .app
        .store
        .open_episode_of(own, back.id)
        .await
        .unwrap()
        .unwrap();
    let staff = session_for(&t, demo.own(homeward_domain::role::Role::Manager)).await;
    for (kind, fields) in [
        (
            "located",
            vec![("place", "The bus station"), ("town", "Cardiff")],
        ),
        (
            "returned",
            vec![("to_where", "Home"), ("via_police_station", "no")],
        ),
    ] {
        let done = req("POST", &format!("/episodes/{their_episode}/add/{kind}"))
            .session(&staff)
            .form(&form(&staff, &fields))
            .send(&t)
            .await;
        assert_eq!(done.status, 303, "{kind}: {}", done.body);
    }
    let p3 = tempfile::tempdir().unwrap();
    let (_d3, worker) = start_browser(p3.path()).await;
    sign_in(&t, &worker, &base, "return-interview-worker@siarad.example").await;
    click(&worker, "nav a[href='/shared']").await;
    wait_for_path(&worker, |p| p == "/shared").await;
    let link = worker
        .find(Locator::XPath(&format!(
            "//a[contains(., '{}')][starts-with(@href, '/shared/')]",
            back.family_name
        )))
        .await
        .unwrap();
    let shared = link.attr("href").await.unwrap().unwrap();
    link.click().await.unwrap();
    wait_for_path(&worker, |p| p == shared).await;
    click(
        &worker,
        &format!("a[href='{shared}/add/return_interview_held']"),
    )
    .await;
    wait_for_path(&worker, |p| p.ends_with("/add/return_interview_held")).await;
    assert_accessible(&worker, &axe, "a return interview, recorded by its worker").await;
    answer(
        &worker,
        &[
            Type("held_by", "Siân, Siarad Return Interviews"),
            Type("own_words", "I went to see my friend and my phone died"),
        ],
    )
    .await;
    submit(&worker).await;
    wait_for_path(&worker, |p| p == format!("{shared}?added=1")).await;
    let theirs = req("GET", &format!("/episodes/{their_episode}"))
        .session(&staff)
        .send(&t)
        .await;
    assert!(
        theirs.body.contains("(Siarad Return Interviews)") && theirs.body.contains("my phone died"),
        "the provider sees the interview: {}",
        theirs.body
    );
}

/// An adult's record is not shared without their consent until the significant safeguarding
/// concern is written down: the manager sees what the information form says about their
/// capacity, is refused with the reason, writes the concern, and the access is given. Each page
/// is checked for accessibility.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adults_record_is_shared_without_consent_only_once_the_concern_is_written() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    seed(&t).await;
    let base = serve(&t).await;
    let orgs = t.app.store.list_organisations().await.unwrap();
    let care = orgs.iter().find(|o| o.name.contains("Gofal")).unwrap();
    let force = orgs.iter().find(|o| o.kind == "police").unwrap();
    let adult = someone(&t, care.id, homeward_domain::person::PersonKind::Adult).await;
    let p = tempfile::tempdir().unwrap();
    let (_d, manager) = start_browser(p.path()).await;
    sign_in(&t, &manager, &base, "manager@gofal-dychmygol.example").await;
    let access = format!("/people/{}/access", adult.id);
    manager.goto(&format!("{base}{access}")).await.unwrap();
    let page = text(&manager).await;
    assert!(
        page.contains("on their capacity to decide about sharing"),
        "the form's answer beside the decision: {page}"
    );
    manager
        .find(Locator::Id("partner"))
        .await
        .unwrap()
        .select_by_value(&force.id.to_string())
        .await
        .unwrap();
    answer(
        &manager,
        &[
            Type("purpose_words", "He is missing overnight in the cold"),
            Click("consent-refused"),
            Click("lawful_basis"),
            Click("condition"),
        ],
    )
    .await;
    click(&manager, "main form[action$='/access'] button[type=submit]").await;
    wait_for_element(&manager, ".hw-error-summary").await;
    assert!(text(&manager).await.contains(
        "only be shared without their agreement when there is a significant safeguarding concern"
    ));
    assert_accessible(&manager, &axe, "an adult's record refused without consent").await;
    answer(
        &manager,
        &[Type(
            "concern",
            "He has dementia and has been missing for six hours in freezing weather",
        )],
    )
    .await;
    click(&manager, "main form[action$='/access'] button[type=submit]").await;
    wait_for_path(&manager, |p| p.contains("done=given")).await;
    assert!(text(&manager).await.contains(&force.name));
    assert_accessible(
        &manager,
        &axe,
        "an adult's record shared on a written concern",
    )
    .await;
}

/// A provider gives the placing authority's social worker access to a child's open episode for
/// a strategy discussion, to the sections it needs; the social worker, signed in with a second
/// factor, sees only those (the missing plan, not the risk assessment), records the strategy
/// discussion, which the provider's chronology shows, and loses access the moment it is ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_social_worker_given_an_episode_records_a_strategy_discussion_until_revoked() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    let demo = seed(&t).await;
    let base = serve(&t).await;
    let org = demo.other(homeward_domain::role::Role::Manager).org_id;
    let child = missing_child(&t, org).await;
    let council = t
        .app
        .store
        .list_organisations()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.kind == "local_authority")
        .unwrap();
    let p1 = tempfile::tempdir().unwrap();
    let (_d1, manager) = start_browser(p1.path()).await;
    sign_in(&t, &manager, &base, "manager@sample-shire.example").await;
    let person = format!("/people/{}", child.id);
    manager
        .goto(&format!("{base}{person}/access"))
        .await
        .unwrap();
    manager
        .execute(
            "document.querySelectorAll('input[type=checkbox]').forEach(c => c.checked = false);",
            vec![],
        )
        .await
        .unwrap();
    manager
        .find(Locator::Id("partner"))
        .await
        .unwrap()
        .select_by_value(&council.id.to_string())
        .await
        .unwrap();
    answer(
        &manager,
        &[
            Click("episode-open"),
            Click("purpose-strategy_discussion"),
            Click("sections-information_form"),
            Click("sections-missing_plan"),
            Click("sections-chronology"),
            Type(
                "purpose_words",
                "A strategy discussion while she is missing",
            ),
            Click("consent-not_asked"),
            Click("lawful_basis"),
            Click("condition"),
        ],
    )
    .await;
    click(&manager, "main form[action$='/access'] button[type=submit]").await;
    wait_for_path(&manager, |p| p.contains("done=given")).await;

    let p2 = tempfile::tempdir().unwrap();
    let (_d2, social) = start_browser(p2.path()).await;
    sign_in(&t, &social, &base, "social-worker@cyngor-ffug.example").await;
    social.goto(&format!("{base}/shared")).await.unwrap();
    let link = social
        .find(Locator::XPath(&format!(
            "//a[contains(., '{}')][starts-with(@href, '/shared/')]",
            child.family_name
        )))
        .await
        .unwrap();
    let shared = link.attr("href").await.unwrap().unwrap();
    link.click().await.unwrap();
    wait_for_path(&social, |p| p == shared).await;
    let page = text(&social).await;
    assert!(page.contains("The missing plan"), "{page}");
    assert!(
        !page.contains("The risk assessment"),
        "only what the grant covers: {page}"
    );
    assert!(
        !page.contains("Download the police pack"),
        "no pack without it"
    );
    assert_accessible(&social, &axe, "an episode shared for a strategy discussion").await;
    click(
        &social,
        &format!("a[href='{shared}/add/strategy_discussion']"),
    )
    .await;
    wait_for_path(&social, |p| p.ends_with("/add/strategy_discussion")).await;
    answer(
        &social,
        &[
            Type("attendees", "Social worker, home manager, police"),
            Type("decisions", "Search the retail park first; review at 18:00"),
        ],
    )
    .await;
    submit(&social).await;
    wait_for_path(&social, |p| p == format!("{shared}?added=1")).await;
    let episode = t
        .app
        .store
        .open_episode_of(org, child.id)
        .await
        .unwrap()
        .unwrap();
    manager
        .goto(&format!("{base}/episodes/{episode}"))
        .await
        .unwrap();
    let chronology = text(&manager).await;
    assert!(
        chronology.contains(&format!("({})", council.name))
            && chronology.contains("Search the retail park first"),
        "{chronology}"
    );
    manager
        .goto(&format!("{base}{person}/access"))
        .await
        .unwrap();
    fill(&manager, "reason-1", "The strategy discussion is over").await;
    click(&manager, "form[action$='/revoke'] button").await;
    wait_for_path(&manager, |p| p.contains("done=ended")).await;
    social.goto(&format!("{base}{shared}")).await.unwrap();
    assert!(!text(&social).await.contains(&child.family_name));
}

/// A care worker who reads Welsh reports a child missing with the time as many write it,
/// "10:10yh", and reads it back on the episode in both clocks, in the glossary's words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_welsh_speaker_reports_a_time_typed_as_yh_and_reads_it_back() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    seed(&t).await;
    let base = serve(&t).await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = start_browser(profile.path()).await;
    sign_in(&t, &client, &base, "care-worker@cartrefi-ffug.example").await;
    click(&client, ".hw-header__language").await;
    wait_for_lang(&client, "cy").await;

    let ffion = person_path(&t, "Ffion").await;
    // The evening before the test's clock (09:00 on 23 November).
    let episode = report_missing(
        &client,
        &base,
        &ffion,
        &[
            Type("last_seen", "22"),
            Type("last_seen-month", "11"),
            Type("last_seen-year", "2026"),
            Type("last_seen-time", "10:10yh"),
            Type("last_seen_place", "Yr orsaf fysiau"),
            Click("whereabouts-unknown"),
        ],
    )
    .await;
    assert_eq!(lang(&client).await, "cy");
    let page = text(&client).await;
    assert!(
        page.contains("22 Tachwedd 2026, 22:10 (10:10yh)"),
        "the time typed is not read back: {page}"
    );
    assert!(page.contains("cynllun mynd ar goll") || page.contains("Cynllun mynd ar goll"));
    assert!(
        !page.contains("Lleoliad"),
        "whereabouts is not a placement: {page}"
    );
    assert_accessible(&client, &axe, "an episode in Welsh").await;
    let id: homeward_domain::ids::EpisodeId = episode
        .trim_start_matches("/episodes/")
        .split(['/', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let mut found = None;
    for org in t.app.store.list_organisations().await.unwrap() {
        if let Some((summary, _)) = t.app.store.episode(org.id, id).await.unwrap() {
            found = Some(summary);
        }
    }
    assert_eq!(
        found.expect("the episode was stored").last_seen_at,
        Some("2026-11-22T22:10:00Z".parse().unwrap()),
        "10:10yh on a November evening is 22:10 UTC"
    );
    client.close().await.unwrap();
}

/// Issue 14's loop: a home-care provider in Wales drafts its missing policy, is told what is
/// missing, fills it in; a manager publishes it; a care worker signs it; the admin changes when
/// the police are called; the new draft shows the difference and, once published, the care
/// worker is asked to sign again. The PDF carries the settings in both languages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_welsh_home_care_policy_is_drafted_published_signed_and_signed_again() {
    let Some(axe) = prerequisites() else { return };
    let t = sqlite().await;
    seed(&t).await;
    let base = serve(&t).await;
    let profile = tempfile::tempdir().unwrap();
    let (_driver, client) = start_browser(profile.path()).await;
    let admin = "org-admin@gofal-dychmygol.example";
    let manager = "manager@gofal-dychmygol.example";
    let carer = "care-worker@gofal-dychmygol.example";

    // The admin starts the policy for home care.
    sign_in(&t, &client, &base, admin).await;
    click(&client, "nav a[href='/policies']").await;
    wait_for_path(&client, |p| p == "/policies").await;
    assert_accessible(&client, &axe, "the missing policies").await;
    click(&client, "form[action='/policies'] button").await;
    let policy = wait_for_path(&client, |p| p.starts_with("/policies/") && p.len() > 20).await;
    let policy = policy.split('?').next().unwrap().to_string();
    let page = text(&client).await;
    assert!(
        page.contains("The policy cannot be published yet"),
        "{page}"
    );
    for missing in [
        "Fill in the local authority",
        "Fill in the emergency duty team’s number",
        "Fill in the police force",
        "Fill in the organisation’s logo",
    ] {
        assert!(page.contains(missing), "{missing}: {page}");
    }
    assert_accessible(&client, &axe, "a policy's draft with fields missing").await;
    // Following the first missing field lands on its box.
    click(&client, "#missing a[href='#local_authority']").await;
    fill(&client, "local_authority", "Conwy County Borough Council").await;
    fill(
        &client,
        "local_protocol",
        "The North Wales missing persons protocol",
    )
    .await;
    fill(&client, "emergency_duty_team", "0300 123 3079").await;
    fill(&client, "police_force", "North Wales Police").await;
    click(&client, "form[action$='/details'] button").await;
    wait_for_path(&client, |p| p.contains("done=saved")).await;
    let page = text(&client).await;
    assert!(page.contains("Fill in the organisation’s logo"), "{page}");
    assert!(!page.contains("Fill in the police force"), "{page}");
    let file = profile.path().join("logo.png");
    std::fs::write(&file, homeward_app::photos::demo_portrait(3)).unwrap();
    client
        .find(Locator::Id("logo"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    click(&client, "form[enctype='multipart/form-data'] button").await;
    wait_for_path(&client, |p| p.contains("done=logo")).await;
    let page = text(&client).await;
    assert!(
        !page.contains("The policy cannot be published yet"),
        "{page}"
    );
    assert!(page.contains("North Wales Police"), "{page}");
    sign_out(&client, &base).await;

    // The manager publishes it.
    sign_in(&t, &client, &base, manager).await;
    assert!(text(&client).await.contains("Home care: not published yet"));
    client.goto(&format!("{base}{policy}")).await.unwrap();
    assert_accessible(&client, &axe, "a policy ready to publish").await;
    fill(&client, "change_note", "The first version").await;
    click(&client, "form[action$='/publish'] button").await;
    wait_for_path(&client, |p| p.contains("/versions/1")).await;
    assert!(
        text(&client)
            .await
            .contains("This version has been published")
    );
    sign_out(&client, &base).await;

    // The care worker is asked to read it, and signs it.
    sign_in(&t, &client, &base, carer).await;
    let home = text(&client).await;
    assert!(
        home.contains("Home care: read and sign version 1"),
        "{home}"
    );
    click(&client, &format!("a[href='{policy}/versions/1']")).await;
    wait_for_path(&client, |p| p.ends_with("/versions/1")).await;
    assert_accessible(&client, &axe, "a policy to read and sign").await;
    let reading = text(&client).await;
    assert!(
        reading.contains("within 60 minutes, staff call North Wales Police"),
        "{reading}"
    );
    click(&client, "#sign button").await;
    wait_for_path(&client, |p| p.contains("done=signed")).await;
    assert!(text(&client).await.contains("You signed this version on"));
    // In Welsh too.
    click(&client, "a.hw-header__language").await;
    wait_for_lang(&client, "cy").await;
    let welsh = text(&client).await;
    assert!(welsh.contains("o fewn 60 munud"), "{welsh}");
    assert_accessible(&client, &axe, "a signed policy in Welsh").await;
    click(&client, "a.hw-header__language").await;
    wait_for_lang(&client, "en-GB").await;
    sign_out(&client, &base).await;

    // The admin calls the police sooner: a new draft, with the difference shown.
    sign_in(&t, &client, &base, admin).await;
    client
        .goto(&format!("{base}/admin/settings"))
        .await
        .unwrap();
    fill(&client, "report_after_minutes", "45").await;
    click(&client, "form[action='/admin/settings/duties'] button").await;
    wait_for_path(&client, |p| p.contains("saved=1")).await;
    client.goto(&format!("{base}{policy}")).await.unwrap();
    let draft = text(&client).await;
    assert!(
        draft.contains("What has changed since version 1"),
        "{draft}"
    );
    let added = client
        .find(Locator::Css(".hw-diff__added"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(added.contains("within 45 minutes"), "{added}");
    assert_accessible(&client, &axe, "a policy's draft with its difference").await;
    sign_out(&client, &base).await;

    sign_in(&t, &client, &base, manager).await;
    let home = text(&client).await;
    assert!(
        home.contains("the settings have changed since it was published"),
        "{home}"
    );
    client.goto(&format!("{base}{policy}")).await.unwrap();
    fill(
        &client,
        "change_note",
        "The police are called after 45 minutes",
    )
    .await;
    click(&client, "form[action$='/publish'] button").await;
    wait_for_path(&client, |p| p.contains("/versions/2")).await;
    assert!(
        text(&client)
            .await
            .contains("What has changed since version 1")
    );
    sign_out(&client, &base).await;

    // The care worker is asked to sign again.
    sign_in(&t, &client, &base, carer).await;
    let home = text(&client).await;
    assert!(
        home.contains("Home care: read and sign version 2"),
        "{home}"
    );
    click(&client, &format!("a[href='{policy}/versions/2']")).await;
    wait_for_path(&client, |p| p.ends_with("/versions/2")).await;
    click(&client, "#sign button").await;
    wait_for_path(&client, |p| p.contains("done=signed")).await;

    // The PDF, as the care worker's browser downloads it, in both languages.
    for (lang, timeline) in [("en", "within 45 minutes"), ("cy", "o fewn 45 munud")] {
        let script = format!(
            "const done = arguments[0]; \
             fetch('{policy}/versions/2/policy.pdf?lang={lang}') \
               .then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b))));"
        );
        let bytes = client.execute_async(&script, vec![]).await.unwrap();
        let pdf: Vec<u8> = serde_json::from_value(bytes).unwrap();
        if let Some(dir) = std::env::var_os("HOMEWARD_SCREENSHOTS") {
            std::fs::write(PathBuf::from(dir).join(format!("policy-{lang}.pdf")), &pdf).unwrap();
        }
        let text = crate::pack::pdf_text(&pdf).expect("pdftotext");
        for wanted in ["Gofal Cartref Dychmygol", "Eleri Esiampl", timeline] {
            assert!(text.contains(wanted), "{lang}: {wanted} in {text}");
        }
    }
}
