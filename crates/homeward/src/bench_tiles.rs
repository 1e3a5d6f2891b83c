//! The patterns dashboard tile by tile, at scale: each tile's p50 and p95 as the store answers
//! it (from the organisation's kept counts, or the facts by time window), beside DuckDB's
//! answer to the same question by a full scan of the same facts, exported in the same run.
//! DuckDB is only for this comparison: it is looked for as Python's `duckdb` module (install
//! it with `pip install duckdb`); without it the comparison is skipped and says so.

use crate::generate::Generated;
use homeward_app::App;
use homeward_domain::ids::ServiceId;
use homeward_store::{FactsFilter, Tile};
use jiff::Timestamp;
use std::path::Path;
use std::time::{Duration, Instant};

/// A window the dashboard is asked for.
struct Window {
    name: &'static str,
    service: Option<ServiceId>,
    from: Timestamp,
    before: Timestamp,
}

/// Milliseconds at the 50th and 95th percentiles.
fn percentiles(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    (
        at(0.5).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
    )
}

/// The key DuckDB's script uses for a tile.
fn key(tile: Option<Tile>) -> &'static str {
    match tile {
        Some(Tile::Headline) => "headline",
        Some(Tile::People) => "people",
        Some(Tile::Durations) => "durations",
        Some(Tile::Grades) => "grades",
        Some(Tile::Grid) => "grid",
        Some(Tile::Places) => "places",
        Some(Tile::Risks) => "risks",
        Some(Tile::Most) => "most",
        Some(Tile::Duties) => "duties",
        None => "together",
    }
}

fn uk_midnight(day: jiff::civil::Date) -> Result<Timestamp, String> {
    day.to_zoned(homeward_domain::time::london())
        .map(|z| z.timestamp())
        .map_err(|e| e.to_string())
}

/// Writes the organisation's facts and duty outcomes as CSV for DuckDB.
async fn export(app: &App, made: &Generated, dir: &Path) -> Result<(), String> {
    let ms = |t: Option<Timestamp>| {
        t.map(|t| homeward_domain::time::to_millis(t).to_string())
            .unwrap_or_default()
    };
    let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let mut w = csv::Writer::from_path(dir.join("facts.csv")).map_err(|e| e.to_string())?;
    w.write_record([
        "episode_id",
        "service_id",
        "person_id",
        "started_at",
        "start_weekday",
        "start_hour",
        "episode_number",
        "found_at",
        "away_minutes",
        "reported_after_minutes",
        "police_grade",
        "last_seen_place",
        "found_town",
        "returned_at",
        "interview",
        "interview_first_offered_at",
        "interview_offers",
        "interview_declines",
        "risks",
        "phase",
    ])
    .map_err(|e| e.to_string())?;
    let mut failed = None;
    app.store
        .each_fact(made.org, &mut |r| {
            let f = &r.facts;
            let record = [
                r.episode_id.to_string(),
                r.service_id.to_string(),
                r.person_id.to_string(),
                ms(Some(f.started_at)),
                f.start_weekday.to_string(),
                f.start_hour.to_string(),
                f.episode_number.to_string(),
                ms(f.found_at),
                num(f.away_minutes),
                num(f.reported_after_minutes),
                f.police_grade.clone().unwrap_or_default(),
                f.last_seen_place.clone(),
                f.found_town.clone(),
                ms(f.returned_at),
                f.interview.clone(),
                ms(f.interview_first_offered_at),
                f.interview_offers.to_string(),
                f.interview_declines.to_string(),
                f.risks.clone(),
                f.phase.clone(),
            ];
            if let Err(e) = w.write_record(&record) {
                failed.get_or_insert(e.to_string());
            }
            Ok(())
        })
        .await
        .map_err(|e| e.to_string())?;
    w.flush().map_err(|e| e.to_string())?;
    let mut d = csv::Writer::from_path(dir.join("duties.csv")).map_err(|e| e.to_string())?;
    d.write_record(["episode_id", "rule", "due_at", "done_at", "status"])
        .map_err(|e| e.to_string())?;
    app.store
        .each_duty_outcome(made.org, &mut |id, o| {
            let record = [
                id.to_string(),
                o.rule,
                ms(o.due_at),
                ms(o.done_at),
                o.status,
            ];
            if let Err(e) = d.write_record(&record) {
                failed.get_or_insert(e.to_string());
            }
            Ok(())
        })
        .await
        .map_err(|e| e.to_string())?;
    d.flush().map_err(|e| e.to_string())?;
    match failed {
        Some(e) => Err(format!("could not write the CSV: {e}")),
        None => Ok(()),
    }
}

/// DuckDB's figures: (window, tile) → (p50, p95), and each window's episode count.
type Duck = (
    std::collections::HashMap<(usize, String), (f64, f64)>,
    std::collections::HashMap<usize, i64>,
);

fn duckdb(dir: &Path, windows: &[Window], now: Timestamp, runs: usize) -> Result<Duck, String> {
    let script = dir.join("bench_duckdb.py");
    std::fs::write(&script, include_str!("bench_duckdb.py")).map_err(|e| e.to_string())?;
    let spec: Vec<serde_json::Value> = windows
        .iter()
        .map(|w| {
            serde_json::json!({
                "from": homeward_domain::time::to_millis(w.from),
                "before": homeward_domain::time::to_millis(w.before),
                "service": w.service.map(|s| s.to_string()),
                "now": homeward_domain::time::to_millis(now),
            })
        })
        .collect();
    let spec_file = dir.join("windows.json");
    std::fs::write(
        &spec_file,
        serde_json::to_vec(&spec).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(dir.join("facts.csv"))
        .arg(dir.join("duties.csv"))
        .arg(&spec_file)
        .arg(runs.to_string())
        .output()
        .map_err(|e| format!("python3 could not be run: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("no message");
        return Err(format!("DuckDB's script failed: {last}"));
    }
    let mut times = std::collections::HashMap::new();
    let mut counts = std::collections::HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let window = v["window"].as_u64().unwrap_or(0) as usize;
        let tile = v["tile"].as_str().unwrap_or_default().to_string();
        times.insert(
            (window, tile),
            (
                v["p50"].as_f64().unwrap_or(f64::NAN),
                v["p95"].as_f64().unwrap_or(f64::NAN),
            ),
        );
        if let Some(n) = v["episodes"].as_i64() {
            counts.insert(window, n);
        }
    }
    Ok((times, counts))
}

/// Times every tile for a home, the organisation over a year, and over ten years; then DuckDB.
pub async fn run(
    app: &App,
    made: &Generated,
    engine: &str,
    runs: usize,
    dir: &Path,
) -> Result<(), String> {
    let now = app.clock.now();
    let today = homeward_domain::time::in_london(now).date();
    let tomorrow = uk_midnight(today.tomorrow().map_err(|e| e.to_string())?)?;
    let back = |days: i64| -> Result<Timestamp, String> {
        uk_midnight(
            today
                .checked_sub(jiff::Span::new().days(days))
                .map_err(|e| e.to_string())?,
        )
    };
    let windows = [
        Window {
            name: "one home, a year",
            service: Some(made.first_service),
            from: back(364)?,
            before: tomorrow,
        },
        Window {
            name: "the organisation, a year",
            service: None,
            from: back(364)?,
            before: tomorrow,
        },
        Window {
            name: "the organisation, ten years",
            service: None,
            from: back(3650)?,
            before: tomorrow,
        },
    ];
    let tiles: Vec<Option<Tile>> = Tile::ALL.iter().copied().map(Some).chain([None]).collect();
    let mut ours = Vec::new();
    let mut counts = Vec::new();
    for w in &windows {
        let filter = FactsFilter {
            services: w.service.map(|s| vec![s]),
            person: None,
            from: w.from,
            before: w.before,
            cut: None,
        };
        let headline = app
            .store
            .patterns_tiles(made.org, &filter, now, &[Tile::Headline])
            .await
            .map_err(|e| e.to_string())?;
        counts.push(headline.episodes);
        for tile in &tiles {
            let mut times = Vec::with_capacity(runs);
            for _ in 0..runs {
                let t = Instant::now();
                match tile {
                    Some(tile) => {
                        app.store
                            .patterns_tiles(made.org, &filter, now, &[*tile])
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                    None => {
                        app.store
                            .missing_together(
                                made.org,
                                &filter,
                                now,
                                jiff::SignedDuration::from_hours(1),
                                200,
                            )
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                }
                times.push(t.elapsed());
            }
            ours.push((key(*tile), percentiles(times)));
        }
    }
    let duck = match which_duckdb() {
        Err(why) => {
            println!("DuckDB comparison skipped: {why}");
            None
        }
        Ok(()) => {
            let t = Instant::now();
            export(app, made, dir).await?;
            println!(
                "facts exported for DuckDB in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            match duckdb(dir, &windows, now, runs) {
                Ok(d) => Some(d),
                Err(why) => {
                    println!("DuckDB comparison skipped: {why}");
                    None
                }
            }
        }
    };
    println!();
    println!(
        "| window | tile | {engine} p50 ms | {engine} p95 ms | DuckDB p50 ms | DuckDB p95 ms | DuckDB p95 / ours |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    let per_window = tiles.len();
    for (i, w) in windows.iter().enumerate() {
        for (j, (tile, (p50, p95))) in ours[i * per_window..(i + 1) * per_window]
            .iter()
            .enumerate()
        {
            let theirs = duck
                .as_ref()
                .and_then(|(t, _)| t.get(&(i, tile.to_string())).copied());
            let (d50, d95, ratio) = match theirs {
                Some((d50, d95)) => (
                    format!("{d50:.1}"),
                    format!("{d95:.1}"),
                    format!("{:.1}×", d95 / p95.max(0.001)),
                ),
                None => ("–".into(), "–".into(), "–".into()),
            };
            let name = if j == 0 {
                format!("{} ({} episodes)", w.name, counts[i])
            } else {
                String::new()
            };
            println!("| {name} | {tile} | {p50:.1} | {p95:.1} | {d50} | {d95} | {ratio} |");
        }
    }
    if let Some((_, theirs)) = &duck {
        for (i, w) in windows.iter().enumerate() {
            let same = theirs.get(&i) == Some(&counts[i]);
            println!(
                "{}: {} episodes here, {} by DuckDB{}",
                w.name,
                counts[i],
                theirs.get(&i).map_or("none".into(), |n| n.to_string()),
                if same { "" } else { " (NOT THE SAME)" }
            );
        }
    }
    Ok(())
}

/// Whether Python's DuckDB module can be loaded.
fn which_duckdb() -> Result<(), String> {
    let out = std::process::Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .map_err(|e| format!("python3 could not be run: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err("Python's duckdb module is not installed (pip install duckdb)".into())
    }
}
