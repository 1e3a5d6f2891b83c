//! `homeward bench --scale`: Homeward at a region's decade. Generates the data (`homeward
//! generate`), then times what users wait for as it grows (the board for one home and for the
//! organisation, a person's episodes, the home page, every episode a page at a time) and
//! watches an idle server's CPU and memory while its worker runs its passes. Prints; asserts
//! nothing.

use crate::bench::{BenchArgs, get, gzipped, signed_in, summary};
use crate::cli::DbArgs;
use crate::generate::{GenerateArgs, generate};
use homeward_app::App;
use homeward_app::secrets::Keys;
use homeward_domain::time::SystemClock;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// This process's CPU time so far (user and system), from /proc.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in brackets and may hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
    let total = ticks(11)? + ticks(12)?;
    // The kernel's clock ticks are 100 a second on Linux.
    Some(Duration::from_millis(total * 10))
}

/// Resident memory now and at its peak, in MB, from /proc.
fn memory_mb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The region a previous run generated: its organisation, first home, managers and someone
/// with a history of episodes.
async fn generated_before(app: &App) -> Result<crate::generate::Generated, String> {
    let err = |e: homeward_store::StoreError| e.to_string();
    let org = app
        .store
        .list_organisations()
        .await
        .map_err(err)?
        .into_iter()
        .find(|o| o.name == crate::generate::REGION_NAME)
        .ok_or("no generated region here: run without --reuse first")?;
    let short = &org.id.to_string()[..8];
    let first_service = app
        .store
        .list_services(org.id)
        .await
        .map_err(err)?
        .into_iter()
        .find(|s| s.name == "Home 1")
        .ok_or("the generated region has no Home 1")?
        .id;
    let closed = homeward_store::EpisodeQuery {
        phases: vec!["closed".into()],
        limit: 1,
        ..Default::default()
    };
    let someone = app
        .store
        .list_episodes(org.id, &closed)
        .await
        .map_err(err)?
        .first()
        .map(|e| e.person_id)
        .ok_or("the generated region has no closed episodes")?;
    Ok(crate::generate::Generated {
        org: org.id,
        first_service,
        manager_email: format!("manager-{short}@generated.example"),
        home_manager_email: format!("home-manager-{short}@generated.example"),
        a_person_with_history: someone,
    })
}

async fn timed(
    router: &axum::Router,
    name: &str,
    path: &str,
    cookie: &str,
    runs: usize,
) -> Result<usize, String> {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let body = get(router, path, cookie).await?;
        times.push(t.elapsed());
        size = body.len();
    }
    summary(name, times);
    Ok(size)
}

pub async fn run(args: BenchArgs) -> Result<ExitCode, String> {
    let dir = crate::bench::WorkDir::new("homeward-scale", args.data_dir.clone())?;
    run_in(args, &dir.path).await
}

async fn run_in(args: BenchArgs, dir: &std::path::Path) -> Result<ExitCode, String> {
    let url = match &args.database_url {
        Some(url) => url.clone(),
        None => {
            let db = dir.join("scale.db");
            if !args.reuse {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
                }
            }
            format!("sqlite://{}", db.display())
        }
    };
    let secret = Keys::generate_hex().map_err(|e| e.to_string())?;
    let keys = Keys::from_hex(&secret).map_err(|e| e.to_string())?;
    let store = App::open_store(&url, &keys)
        .await
        .map_err(|e| e.to_string())?;
    let engine = format!("{:?}", store.engine());
    let app = App::new(store, Arc::new(SystemClock), keys);
    let generate_args = GenerateArgs {
        db: DbArgs {
            database_url: url.clone(),
            secret_key: Some(secret),
            secret_key_file: None,
        },
        size: args.size.clone(),
        nation: "england".into(),
    };
    println!("== scale benchmark on {engine}");
    let made = if args.reuse {
        generated_before(&app).await?
    } else {
        generate(&app, &generate_args).await?
    };
    println!("organisation {}", made.org);
    let (rss, peak) = memory_mb();
    println!("memory after generating: {rss} MB resident (peak {peak} MB, the generator's)");

    // The idle server first: the worker's passes every 20 seconds, as `serve` runs them, with
    // nobody using it. The first pass may look at what generating left due.
    let worker_app = app.clone();
    let link = "https://homeward.example.org".to_string();
    let pass = |app: App, link: String| async move {
        let t = Instant::now();
        if let Err(e) = app.escalate(&link).await {
            println!("escalation pass failed: {e}");
        }
        t.elapsed()
    };
    let first = pass(worker_app.clone(), link.clone()).await;
    println!(
        "first paging pass after generating: {:.1} ms",
        first.as_secs_f64() * 1000.0
    );
    let idle = Duration::from_secs(args.idle_seconds.max(1));
    let cpu_before = cpu_time();
    let started = Instant::now();
    let mut passes = Vec::new();
    while started.elapsed() < idle {
        passes.push(pass(worker_app.clone(), link.clone()).await);
        let next = Duration::from_secs(20).min(idle.saturating_sub(started.elapsed()));
        tokio::time::sleep(next).await;
    }
    let wall = started.elapsed();
    if let (Some(a), Some(b)) = (cpu_before, cpu_time()) {
        let used = b.saturating_sub(a);
        println!(
            "idle server over {:.0} s: {} paging passes, CPU {:.2} s = {:.2}% of a core",
            wall.as_secs_f64(),
            passes.len(),
            used.as_secs_f64(),
            100.0 * used.as_secs_f64() / wall.as_secs_f64()
        );
    }
    summary("idle paging pass", passes);
    let (rss, _) = memory_mb();
    println!("memory of the idle server: {rss} MB resident");

    // What people wait for.
    let router = homeward_web::router(app.clone(), homeward_web::WebConfig::default());
    let (home_token, _) = signed_in(&app, &made.home_manager_email).await?;
    let (org_token, _) = signed_in(&app, &made.manager_email).await?;
    let home_cookie = format!("__Host-homeward_session={home_token}");
    let org_cookie = format!("__Host-homeward_session={org_token}");
    let runs = args.runs.clamp(5, 50);
    let size = timed(
        &router,
        "board for one home",
        "/episodes",
        &home_cookie,
        runs,
    )
    .await?;
    println!("board for one home: {size} B");
    let size = timed(
        &router,
        "board for the organisation",
        "/episodes",
        &org_cookie,
        runs.min(10),
    )
    .await?;
    let html = get(&router, "/episodes", &org_cookie).await?;
    println!(
        "board for the organisation: {size} B ({} B gzip)",
        gzipped(&html)
    );
    timed(
        &router,
        "a person's episodes (API)",
        &format!("/api/v1/episodes?person={}", made.a_person_with_history),
        &org_cookie,
        runs,
    )
    .await?;
    timed(
        &router,
        "a person's episodes (page)",
        &format!("/episodes/all?person={}", made.a_person_with_history),
        &org_cookie,
        runs,
    )
    .await?;
    timed(&router, "home page", "/", &org_cookie, runs).await?;
    timed(
        &router,
        "every episode, first page of 50",
        "/episodes/all",
        &org_cookie,
        runs,
    )
    .await?;
    timed(
        &router,
        "one home's episodes, first page (API)",
        &format!("/api/v1/episodes?service={}&limit=50", made.first_service),
        &org_cookie,
        runs,
    )
    .await?;
    // Learning: the patterns page reads the facts kept with each episode, by time window.
    let today = homeward_domain::time::in_london(app.clock.now()).date();
    let year_ago = today
        .checked_sub(jiff::Span::new().days(364))
        .map_err(|e| e.to_string())?;
    let decade_ago = today
        .checked_sub(jiff::Span::new().days(3650))
        .map_err(|e| e.to_string())?;
    for (name, query) in [
        (
            "patterns, one home, a year",
            format!("service={}&from={year_ago}&to={today}", made.first_service),
        ),
        (
            "patterns, the organisation, a year",
            format!("from={year_ago}&to={today}"),
        ),
        (
            "patterns, the organisation, ten years",
            format!("from={decade_ago}&to={today}"),
        ),
        (
            "patterns, one person, ten years",
            format!(
                "person={}&from={decade_ago}&to={today}",
                made.a_person_with_history
            ),
        ),
    ] {
        timed(
            &router,
            name,
            &format!("/patterns?{query}"),
            &org_cookie,
            runs.min(20),
        )
        .await?;
    }
    timed(
        &router,
        "the episodes behind a figure (repeat, the organisation, a year)",
        &format!("/patterns/episodes?from={year_ago}&to={today}&cut=repeat"),
        &org_cookie,
        runs.min(20),
    )
    .await?;
    println!();
    println!("== the patterns dashboard, tile by tile");
    crate::bench_tiles::run(&app, &made, &engine, runs.min(20), dir).await?;
    let (rss, peak) = memory_mb();
    println!("memory at the end: {rss} MB resident (peak {peak} MB)");
    Ok(ExitCode::SUCCESS)
}
