//! `homeward bench`: figures for the speed targets, measured on this machine against a fresh
//! SQLite database of demo data (durable writes, as in production). Prints; asserts nothing.

use crate::cli::DbArgs;
use axum::body::Body;
use axum::http::{Request, header};
use clap::Args;
use homeward_app::App;
use homeward_app::secrets::{Keys, random_token, token_hash};
use homeward_domain::locale::Locale;
use homeward_domain::time::SystemClock;
use homeward_store::SessionRecord;
use http_body_util::BodyExt;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// How many times to repeat each measurement.
    #[arg(long, default_value_t = 50)]
    pub runs: usize,
    /// Where to keep the benchmark's database (default: a fresh temporary folder).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Instead, the scale benchmark: a region's decade of made-up data (see `homeward
    /// generate`), then the board, a person's episodes, the home page and an idle server.
    #[arg(long)]
    pub scale: bool,
    /// For --scale: a postgres:// address to measure PostgreSQL (its data is added to what is
    /// there); a fresh SQLite file under --data-dir if not given.
    #[arg(long)]
    pub database_url: Option<String>,
    #[command(flatten)]
    pub size: crate::generate::RegionSize,
    /// For --scale: measure a region generated before (in --database-url, or in --data-dir's
    /// scale.db) instead of generating one.
    #[arg(long)]
    pub reuse: bool,
    /// For --scale: how long to watch the idle server, in seconds.
    #[arg(long, default_value_t = 60)]
    pub idle_seconds: u64,
}

pub(crate) fn summary(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name}: n={} p50={:.1} ms p95={:.1} ms p99={:.1} ms max={:.1} ms",
        times.len(),
        at(0.5).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
    );
}

pub(crate) fn gzipped(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    if e.write_all(bytes).is_err() {
        return 0;
    }
    e.finish().map(|v| v.len()).unwrap_or(0)
}

pub(crate) async fn get(
    router: &axum::Router,
    path: &str,
    cookie: &str,
) -> Result<Vec<u8>, String> {
    let request = Request::builder()
        .uri(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .map_err(|e| e.to_string())?;
    let response = router
        .clone()
        .oneshot(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    if !status.is_success() {
        return Err(format!("{path} answered {status}"));
    }
    Ok(bytes.to_vec())
}

/// The folder a benchmark works in: the one asked for, kept; or a fresh temporary one, removed
/// when the benchmark ends, however it ends (a scale run leaves gigabytes).
pub(crate) struct WorkDir {
    pub path: std::path::PathBuf,
    temporary: bool,
}

impl WorkDir {
    pub fn new(prefix: &str, asked: Option<std::path::PathBuf>) -> Result<Self, String> {
        let temporary = asked.is_none();
        let path = asked.unwrap_or_else(|| {
            std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()))
        });
        std::fs::create_dir_all(&path).map_err(|e| e.to_string())?;
        Ok(WorkDir { path, temporary })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

pub async fn run(args: BenchArgs) -> Result<ExitCode, String> {
    if args.scale {
        return crate::bench_scale::run(args).await;
    }
    let work = WorkDir::new("homeward-bench", args.data_dir.clone())?;
    let dir = work.path.clone();
    let db = dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let secret = Keys::generate_hex().map_err(|e| e.to_string())?;
    let keys = Keys::from_hex(&secret).map_err(|e| e.to_string())?;
    let db_args = DbArgs {
        database_url: format!("sqlite://{}", db.display()),
        secret_key: Some(secret),
        secret_key_file: None,
    };
    let store = App::open_store(&db_args.database_url, &keys)
        .await
        .map_err(|e| e.to_string())?;
    let app = App::new(store, Arc::new(SystemClock), keys);
    let started = Instant::now();
    let accounts = app
        .seed_demo("benchmark passphrase")
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "demo data loaded in {:.0} ms (27 Argon2id hashes, 12 people)",
        started.elapsed().as_secs_f64() * 1000.0
    );

    // A signed-in manager, made directly (sign-in speed is Argon2's, measured above).
    let email = accounts
        .iter()
        .find(|a| a.email.starts_with("manager@cartrefi"))
        .map(|a| a.email.clone())
        .unwrap_or_default();
    let (token, actor) = signed_in(&app, &email).await?;
    let meta = homeward_app::RequestMeta::default();
    let people = app
        .list_people(&actor, &meta)
        .await
        .map_err(|e| e.to_string())?;
    let person = people.first().ok_or("no people")?.id;

    let mut pack_times = Vec::new();
    let mut pack_size = 0;
    for i in 0..args.runs {
        let locale = if i % 2 == 0 {
            Locale::English
        } else {
            Locale::Welsh
        };
        let t = Instant::now();
        let pdf = app
            .police_pack(&actor, &meta, person, locale)
            .await
            .map_err(|e| e.to_string())?;
        pack_times.push(t.elapsed());
        pack_size = pdf.len();
    }
    summary("police pack (photo, 2 pages, audited)", pack_times);
    println!("police pack size: {pack_size} bytes");

    let router = homeward_web::router(app.clone(), homeward_web::WebConfig::default());
    let cookie = format!("__Host-homeward_session={token}");
    let path = format!("/people/{person}");
    let mut page_times = Vec::new();
    let mut html = Vec::new();
    for _ in 0..args.runs {
        let t = Instant::now();
        html = get(&router, &path, &cookie).await?;
        page_times.push(t.elapsed());
    }
    summary(
        "person page over HTTP, in process (audited read)",
        page_times,
    );

    let css = get(&router, &homeward_web::assets::css_url(), &cookie).await?;
    let js = get(&router, &homeward_web::assets::js_url(), &cookie).await?;
    let text = String::from_utf8_lossy(&html);
    // The page's images: the first that is one of the person's photos (the script and
    // style sheet also have `src`-like attributes, so look for the photo's own path).
    let photo_path = text
        .split("src=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|src| src.starts_with("/people/") && src.contains("/photos/"))
        .unwrap_or("")
        .to_string();
    let photo = if photo_path.starts_with("/people/") {
        get(&router, &photo_path, &cookie).await?
    } else {
        Vec::new()
    };
    println!(
        "person page weight: HTML {} B ({} B gzip), CSS {} B ({} B gzip), JS {} B ({} B gzip), photo {} B; total {} B compressed",
        html.len(),
        gzipped(&html),
        css.len(),
        gzipped(&css),
        js.len(),
        gzipped(&js),
        photo.len(),
        gzipped(&html) + gzipped(&css) + gzipped(&js) + photo.len()
    );

    episodes(&app, &actor, &router, &cookie, &people, args.runs).await?;
    let raw = plain_sqlite_commits(&dir, args.runs * 4).await?;
    let busy = busy_night(&app, &actor, people.first().map(|p| p.service_id)).await?;
    shared_commits(&app, &router, &cookie, &busy, args.runs, raw).await?;
    board_weight(&router, &cookie, &css, &js).await?;
    Ok(ExitCode::SUCCESS)
}

/// A session for the account, made directly, and the actor it resolves to.
pub(crate) async fn signed_in(
    app: &App,
    email: &str,
) -> Result<(String, homeward_app::Actor), String> {
    let user = app
        .store
        .find_credentials(email)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no such account")?
        .user;
    let token = random_token().map_err(|e| e.to_string())?;
    let now = homeward_domain::time::Clock::now(&SystemClock);
    let session = SessionRecord {
        token_hash: token_hash(&token),
        user_id: user.id,
        csrf_token: "bench".into(),
        created_at: now,
        last_seen_at: now,
        ip: None,
        second_factor_at: None,
        inspection_id: None,
    };
    let audit = homeward_domain::audit::AuditEvent {
        at: now,
        org_id: Some(user.org_id),
        actor: Some(user.id),
        actor_label: user.email.clone(),
        action: "session.sign_in".into(),
        resource_kind: "session".into(),
        resource_id: None,
        outcome: homeward_domain::audit::Outcome::Allowed,
        ip: None,
    };
    app.store
        .create_session(&session, &audit)
        .await
        .map_err(|e| e.to_string())?;
    let actor = app
        .resolve_session(&token)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no session")?;
    Ok((token, actor))
}

async fn post_json(
    router: &axum::Router,
    path: &str,
    cookie: &str,
    body: String,
) -> Result<(), String> {
    let request = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", "bench")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .map_err(|e| e.to_string())?;
    let response = router
        .clone()
        .oneshot(request)
        .await
        .map_err(|e| e.to_string())?;
    if response.status() != axum::http::StatusCode::CREATED {
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?;
        return Err(format!(
            "{path} answered {status}: {}",
            String::from_utf8_lossy(&body.to_bytes())
        ));
    }
    Ok(())
}

/// Chronology entries appended over HTTP (JSON API, session, CSRF, audit, read model and
/// event in one durable transaction): one writer after another, then one writer per open
/// episode at once.
async fn episodes(
    app: &App,
    actor: &homeward_app::Actor,
    router: &axum::Router,
    cookie: &str,
    people: &[homeward_store::Person],
    runs: usize,
) -> Result<Vec<homeward_domain::ids::EpisodeId>, String> {
    let meta = homeward_app::RequestMeta::default();
    let mut open = Vec::new();
    for p in people {
        let input = homeward_app::episodes::OpenEpisodeInput {
            last_seen_place: "Bench".into(),
            ..Default::default()
        };
        if let Ok(id) = app.open_episode(actor, &meta, p.id, input).await {
            open.push(id);
        }
    }
    let first = *open.first().ok_or("no episode could be opened")?;
    let n = runs * 4;
    let body = |i: usize| {
        serde_json::json!({"event": {"kind": "note", "text": format!("Rang again ({i})")}})
            .to_string()
    };
    let mut times = Vec::with_capacity(n);
    let started = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        post_json(
            router,
            &format!("/api/v1/episodes/{first}/events"),
            cookie,
            body(i),
        )
        .await?;
        times.push(t.elapsed());
    }
    let total = started.elapsed();
    println!(
        "events appended over HTTP, one writer: {n} in {:.2} s = {:.0} events/s",
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64()
    );
    summary("event append over HTTP (durable commit, audited)", times);

    let started = Instant::now();
    let writers = open.iter().map(|id| {
        let (router, cookie) = (router.clone(), cookie.to_string());
        let path = format!("/api/v1/episodes/{id}/events");
        tokio::spawn(async move {
            for i in 0..runs {
                post_json(&router, &path, &cookie, body(i)).await?;
            }
            Ok::<(), String>(())
        })
    });
    let writers: Vec<_> = writers.collect();
    let count = writers.len() * runs;
    for w in writers {
        w.await.map_err(|e| e.to_string())??;
    }
    let total = started.elapsed();
    println!(
        "events appended over HTTP, {} writers at once: {count} in {:.2} s = {:.0} events/s",
        open.len(),
        total.as_secs_f64(),
        count as f64 / total.as_secs_f64()
    );

    // Fifty people recording on the same episode at once: each entry queues for its turn,
    // none is refused because someone else wrote first.
    let started = Instant::now();
    let path = format!("/api/v1/episodes/{first}/events");
    let writers: Vec<_> = (0..50)
        .map(|i| {
            let (router, cookie, path) = (router.clone(), cookie.to_string(), path.clone());
            tokio::spawn(async move { post_json(&router, &path, &cookie, body(i)).await })
        })
        .collect();
    let mut refused = 0;
    for w in writers {
        if w.await.map_err(|e| e.to_string())?.is_err() {
            refused += 1;
        }
    }
    println!(
        "50 writers on one episode at once: {} recorded, {refused} refused, in {:.2} s",
        50 - refused,
        started.elapsed().as_secs_f64()
    );
    Ok(open)
}

/// Fifty more people, each missing: a busy night across the organisation's homes, one open
/// episode for each of the clients of [`shared_commits`].
async fn busy_night(
    app: &App,
    actor: &homeward_app::Actor,
    service: Option<homeward_domain::ids::ServiceId>,
) -> Result<Vec<homeward_domain::ids::EpisodeId>, String> {
    let meta = homeward_app::RequestMeta::default();
    let service = service.ok_or("no service")?.to_string();
    let mut open = Vec::new();
    for i in 0..50 {
        let mut about = homeward_domain::forms::RawSection::default();
        for (k, v) in [
            ("given_name", format!("Mainc {i}")),
            ("family_name", "Prawf".to_string()),
            ("kind", "child".to_string()),
            ("date_of_birth-day", "27".to_string()),
            ("date_of_birth-month", "3".to_string()),
            ("date_of_birth-year", "2011".to_string()),
        ] {
            about.fields.insert(k.to_string(), vec![v]);
        }
        let person = app
            .create_person(actor, &meta, &service, &about)
            .await
            .map_err(|e| format!("{e:?}"))?;
        let input = homeward_app::episodes::OpenEpisodeInput {
            last_seen_place: "Bench".into(),
            ..Default::default()
        };
        let episode = app
            .open_episode(actor, &meta, person, input)
            .await
            .map_err(|e| format!("{e:?}"))?;
        open.push(episode);
    }
    Ok(open)
}

/// Fifty clients at once, each sending requests one after another for `each` turns: audited
/// board views, then chronology entries spread over the open episodes. Their commits are
/// shared (group commit), so both are printed beside `raw`, the disk's own rate of
/// single-row durable commits measured just before.
async fn shared_commits(
    app: &App,
    router: &axum::Router,
    cookie: &str,
    open: &[homeward_domain::ids::EpisodeId],
    each: usize,
    raw: f64,
) -> Result<(), String> {
    use homeward_store::group_commit::Shared;
    const CLIENTS: usize = 50;
    let run = |append: bool| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let (router, cookie) = (router.clone(), cookie.to_string());
                let path = match open.get(c % open.len().max(1)) {
                    Some(id) if append => format!("/api/v1/episodes/{id}/events"),
                    _ => "/episodes".to_string(),
                };
                tokio::spawn(async move {
                    let mut times = Vec::with_capacity(each);
                    for i in 0..each {
                        let t = Instant::now();
                        if append {
                            let body = serde_json::json!(
                                {"event": {"kind": "note", "text": format!("Checked again ({c}.{i})")}}
                            );
                            post_json(&router, &path, &cookie, body.to_string()).await?;
                        } else {
                            get(&router, &path, &cookie).await?;
                        }
                        times.push(t.elapsed());
                    }
                    Ok::<_, String>(times)
                })
            })
            .collect();
        async move {
            let started = Instant::now();
            let mut times = Vec::with_capacity(CLIENTS * each);
            for c in clients {
                times.extend(c.await.map_err(|e| e.to_string())??);
            }
            Ok::<_, String>((times.len() as f64 / started.elapsed().as_secs_f64(), times))
        }
    };
    let before = app.store.shared_commits();
    let (reads, read_times) = run(false).await?;
    let between = app.store.shared_commits();
    println!(
        "audited board views, {CLIENTS} at once: {reads:.0}/s = {:.2} x the plain durable commit rate ({raw:.0}/s)",
        reads / raw
    );
    summary(
        "audited board view, 50 at once (shared commits)",
        read_times,
    );
    let per_commit = |from: Shared, to: Shared| {
        (to.writes - from.writes) as f64 / (to.commits - from.commits).max(1) as f64
    };
    println!(
        "  {:.1} audit records per durable commit",
        per_commit(before, between)
    );
    let (appends, append_times) = run(true).await?;
    println!(
        "chronology entries, {CLIENTS} at once, one episode each: {appends:.0}/s = {:.2} x the plain durable commit rate ({raw:.0}/s)",
        appends / raw
    );
    summary(
        "chronology entry, 50 at once (shared commits)",
        append_times,
    );
    println!(
        "  {:.1} entries per durable commit",
        per_commit(between, app.store.shared_commits())
    );
    Ok(())
}

/// The floor: one row inserted and committed, durably, in the same settings as the store
/// (WAL, synchronous=FULL), on the same disk.
async fn plain_sqlite_commits(dir: &std::path::Path, n: usize) -> Result<f64, String> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    use sqlx::{ConnectOptions, Connection};
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.join("plain.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await
        .map_err(|e| e.to_string())?;
    sqlx::query("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    let mut times = Vec::with_capacity(n);
    let started = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        let mut tx = conn.begin().await.map_err(|e| e.to_string())?;
        sqlx::query("INSERT INTO t (body) VALUES ($1)")
            .bind(format!("Rang again ({i})"))
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
        times.push(t.elapsed());
    }
    let total = started.elapsed();
    let rate = n as f64 / total.as_secs_f64();
    println!(
        "plain SQLite single-row durable commit, same disk: {n} in {:.2} s = {rate:.0} commits/s",
        total.as_secs_f64(),
    );
    summary("plain SQLite single-row durable commit", times);
    conn.close().await.map_err(|e| e.to_string())?;
    Ok(rate)
}

/// What a phone downloads for the live board: the page, the style sheet, the script and
/// each photo on it.
async fn board_weight(
    router: &axum::Router,
    cookie: &str,
    css: &[u8],
    js: &[u8],
) -> Result<(), String> {
    let mut times = Vec::new();
    let mut html = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        html = get(router, "/episodes", cookie).await?;
        times.push(t.elapsed());
    }
    summary(
        "board page over HTTP, in process (one stored line per episode, audited)",
        times,
    );
    let text = String::from_utf8_lossy(&html).into_owned();
    let mut photos = 0;
    let mut count = 0;
    for src in text
        .split("src=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|src| src.starts_with("/people/"))
    {
        photos += get(router, src, cookie).await?.len();
        count += 1;
    }
    println!(
        "board page weight: HTML {} B ({} B gzip), CSS {} B gzip, JS {} B gzip, {count} photos {photos} B; total {} B compressed",
        html.len(),
        gzipped(&html),
        gzipped(css),
        gzipped(js),
        gzipped(&html) + gzipped(css) + gzipped(js) + photos
    );
    Ok(())
}
