//! The `homeward` command as an operator uses it: a real process, a real SQLite file.

// Test code: failing loudly is its job.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "abababababababababababababababababababababababababababababababab";

fn homeward(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_homeward"));
    cmd.args(args)
        .env_remove("HOMEWARD_SECRET_KEY")
        .env_remove("HOMEWARD_DATABASE_URL")
        .env("HOMEWARD_LOG", "error");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

#[test]
fn serve_refuses_to_start_without_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    let out = homeward(
        &["serve", "--database-url", &url, "--listen", "127.0.0.1:0"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no secret key"));
    let out = homeward(
        &["serve", "--database-url", &url, "--secret-key", "too-short"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_documents_every_setting_and_its_environment_variable() {
    let out = homeward(&["serve", "--help"], &[]);
    let help = stdout(&out);
    for var in [
        "HOMEWARD_DATABASE_URL",
        "HOMEWARD_SECRET_KEY",
        "HOMEWARD_SECRET_KEY_FILE",
        "HOMEWARD_LISTEN",
        "HOMEWARD_PUBLIC_URL",
        "HOMEWARD_TRUST_PROXY",
        "HOMEWARD_AUDIT_CHECKPOINT",
        "HOMEWARD_BACKUP_DIR",
        "HOMEWARD_BACKUP_EVERY_HOURS",
        "HOMEWARD_BACKUP_KEEP",
        "HOMEWARD_BACKUP_RECIPIENTS",
    ] {
        assert!(help.contains(var), "serve --help does not mention {var}");
    }
    let demo = stdout(&homeward(&["demo", "--help"], &[]));
    for var in [
        "HOMEWARD_DATA_DIR",
        "HOMEWARD_DEMO_PASSWORD",
        "HOMEWARD_LISTEN",
    ] {
        assert!(demo.contains(var), "demo --help does not mention {var}");
    }
    let top = stdout(&homeward(&["--help"], &[]));
    for command in [
        "serve",
        "demo",
        "migrate",
        "user",
        "audit",
        "backup",
        "backup-key",
        "restore",
    ] {
        assert!(top.contains(command));
    }
}

#[test]
fn set_up_from_nothing_then_verify_and_catch_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/h.db");
    let url = format!("sqlite://{}", db.display());
    let env = [
        ("HOMEWARD_DATABASE_URL", url.as_str()),
        ("HOMEWARD_SECRET_KEY", SECRET),
    ];
    assert!(homeward(&["migrate"], &env).status.success());
    let org = homeward(
        &[
            "org",
            "add",
            "--name",
            "Test Homes",
            "--nation",
            "wales",
            "--registration-number",
            "W1",
            "--registered-manager",
            "A Manager",
            "--safeguarding-lead",
            "A Lead",
        ],
        &env,
    );
    assert!(
        org.status.success(),
        "{}",
        String::from_utf8_lossy(&org.stderr)
    );
    let org_id = stdout(&org);
    let bad_nation = homeward(
        &[
            "org",
            "add",
            "--name",
            "X",
            "--nation",
            "france",
            "--registration-number",
            "1",
            "--registered-manager",
            "a",
            "--safeguarding-lead",
            "b",
        ],
        &env,
    );
    assert_eq!(bad_nation.status.code(), Some(2));
    let service = homeward(
        &[
            "service",
            "add",
            "--org",
            &org_id,
            "--name",
            "Tŷ Prawf",
            "--kind",
            "childrens_home",
        ],
        &env,
    );
    assert!(service.status.success());

    let mut env_pw = env.to_vec();
    env_pw.push(("HOMEWARD_NEW_USER_PASSWORD", "kettle orbit lantern"));
    let user = homeward(
        &[
            "user",
            "add",
            "--org",
            &org_id,
            "--email",
            "Admin@Test.example",
            "--name",
            "Ada Admin",
            "--role",
            "org_admin",
        ],
        &env_pw,
    );
    assert!(
        user.status.success(),
        "{}",
        String::from_utf8_lossy(&user.stderr)
    );
    let mut weak = env.to_vec();
    weak.push(("HOMEWARD_NEW_USER_PASSWORD", "password1234"));
    let refused = homeward(
        &[
            "user",
            "add",
            "--org",
            &org_id,
            "--email",
            "b@test.example",
            "--name",
            "B",
            "--role",
            "manager",
        ],
        &weak,
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("password"));

    // The password can come on standard input instead.
    let mut child = Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args([
            "user",
            "add",
            "--org",
            &org_id,
            "--email",
            "c@test.example",
            "--name",
            "C",
            "--role",
            "care_worker",
        ])
        .env("HOMEWARD_DATABASE_URL", &url)
        .env("HOMEWARD_SECRET_KEY", SECRET)
        .env_remove("HOMEWARD_NEW_USER_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"violin quartz harbour\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());

    let token = homeward(
        &[
            "user",
            "token",
            "--email",
            "admin@test.example",
            "--days",
            "7",
        ],
        &env,
    );
    assert!(token.status.success());
    assert!(stdout(&token).len() >= 40);

    let verify = homeward(&["audit", "verify"], &env);
    assert!(verify.status.success());
    assert!(stdout(&verify).contains("intact"));
    let wrong_key = homeward(
        &["audit", "verify"],
        &[
            ("HOMEWARD_DATABASE_URL", url.as_str()),
            ("HOMEWARD_SECRET_KEY", &"cd".repeat(32)),
        ],
    );
    assert_eq!(
        wrong_key.status.code(),
        Some(1),
        "a different key cannot vouch for this chain"
    );

    // Someone with database access removes the guard and rewrites history.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = homeward_store_sqlite::SqliteStore::open(&url, vec![0; 32])
            .await
            .unwrap();
        store
            .execute_unchecked("DROP TRIGGER audit_log_no_update")
            .await
            .unwrap();
        store
            .execute_unchecked("UPDATE audit_log SET actor_label = 'someone else' WHERE seq = 3")
            .await
            .unwrap();
    });
    let broken = homeward(&["audit", "verify"], &env);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stdout(&broken).contains("record 3 has been altered"),
        "{}",
        stdout(&broken)
    );
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn demo_prints_its_accounts_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args([
            "demo",
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--listen",
            &addr,
        ])
        .env("HOMEWARD_LOG", "error")
        .env_remove("HOMEWARD_DEMO_PASSWORD")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut output = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("Ready in");
        output.push(line);
        if done {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the demo did not start"
        );
    }
    eprintln!("demo start-up: {:?} (debug build)", started.elapsed());
    assert_eq!(output[0], format!("Homeward demo: http://{addr}"));
    let password = output[1]
        .strip_prefix("Password for every demo account: ")
        .unwrap();
    assert!(password.len() >= 12, "a generated password is printed");
    let accounts: Vec<&String> = output.iter().filter(|l| l.contains('@')).collect();
    assert_eq!(
        accounts.len(),
        22,
        "an account for each of six staff roles in each of three providers, and one in each of four partners"
    );
    assert!(
        accounts
            .iter()
            .any(|a| a.contains("police@heddlu-dychmygol.example"))
    );
    for account in &accounts {
        assert!(regex_lite(account), "ROLE EMAIL SECRET: {account}");
    }
    assert!(http_get(&addr, "/readyz").starts_with("HTTP/1.1 200"));
    assert!(http_get(&addr, "/sign-in").contains("<html lang=\"en-GB\">"));
    assert!(dir.path().join("secret.key").exists());
    // SIGTERM, as a service manager stops it: it finishes what is under way and exits cleanly.
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let stopping = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if stopping.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("the demo did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "a clean exit on SIGTERM: {status:?}");
}

/// `role email`, nothing else.
fn regex_lite(line: &str) -> bool {
    let parts: Vec<&str> = line.split(' ').collect();
    parts.len() == 3
        && parts[0].chars().all(|c| c.is_ascii_lowercase() || c == '_')
        && parts[1].contains('@')
        // The second factor's secret, in base32 for an authenticator app.
        && homeward_domain::totp::secret_from_text(parts[2]).is_some_and(|s| s.len() == 20)
}

/// Starts `homeward demo` in `dir` and waits until it serves; returns the process and address.
fn start_demo(dir: &std::path::Path) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args([
            "demo",
            "--data-dir",
            dir.to_str().unwrap(),
            "--listen",
            &addr,
        ])
        .env("HOMEWARD_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().starts_with("Ready in") {
            break;
        }
    }
    // Whatever it prints later is read too, so its output never meets a closed pipe.
    std::thread::spawn(move || for _ in lines {});
    // Serving (and so listening for SIGTERM) once it answers.
    assert!(http_get(&addr, "/readyz").starts_with("HTTP/1.1 200"));
    (child, addr)
}

fn stop(mut child: std::process::Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The drill an operator should practise: back up a running demo while it is being written
/// to, restore into a new place, check the copy, start a server on it. Then the ways a
/// restore must refuse.
#[test]
fn backup_under_load_restores_verifies_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("live");
    let (demo, _) = start_demo(&data);
    let url = format!("sqlite://{}", data.join("demo.db").display());
    let key_file = data.join("secret.key");
    let env = [
        ("HOMEWARD_DATABASE_URL", url.as_str()),
        ("HOMEWARD_SECRET_KEY_FILE", key_file.to_str().unwrap()),
    ];

    // A key pair for the backup: the identity stays with the test, as it would in a safe.
    let identity = dir.path().join("backup-identity.txt");
    let made = homeward(&["backup-key", "--out", identity.to_str().unwrap()], &env);
    assert!(made.status.success());
    let recipient = stdout(&made);
    assert!(recipient.starts_with("age1"), "{recipient}");
    assert_eq!(
        homeward(&["backup-key", "--out", identity.to_str().unwrap()], &env)
            .status
            .code(),
        Some(2),
        "an identity file is never overwritten"
    );

    // Writers keep appending to the audit trail from another process's connection while
    // the copy is taken.
    let secret = std::fs::read_to_string(&key_file).unwrap();
    let keys = homeward_app::secrets::Keys::from_hex(&secret).unwrap();
    let writing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let writes = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let writer = {
        let (url, writing, writes) = (url.clone(), writing.clone(), writes.clone());
        let key = keys.audit_key().to_vec();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let store = homeward_store_sqlite::SqliteStore::open(&url, key)
                    .await
                    .unwrap();
                use homeward_store::Store as _;
                while writing.load(std::sync::atomic::Ordering::Relaxed) {
                    let event = homeward_domain::audit::AuditEvent {
                        at: homeward_domain::time::Clock::now(&homeward_domain::time::SystemClock),
                        org_id: None,
                        actor: None,
                        actor_label: "load".into(),
                        action: "test.write".into(),
                        resource_kind: "route".into(),
                        resource_id: None,
                        outcome: homeward_domain::audit::Outcome::Allowed,
                        ip: None,
                    };
                    store.record_audit(&event).await.unwrap();
                    writes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                store.close().await;
            });
        })
    };
    while writes.load(std::sync::atomic::Ordering::Relaxed) < 50 {
        std::thread::sleep(Duration::from_millis(10));
    }
    let backups = dir.path().join("backups");
    let refused = homeward(&["backup", "--to", backups.to_str().unwrap()], &env);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "no recipient and no --unencrypted"
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--recipient"));
    let taken = homeward(
        &[
            "backup",
            "--to",
            backups.to_str().unwrap(),
            "--recipient",
            &recipient,
        ],
        &env,
    );
    let during = writes.load(std::sync::atomic::Ordering::Relaxed);
    std::thread::sleep(Duration::from_millis(200));
    writing.store(false, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    assert!(
        taken.status.success(),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    assert!(
        writes.load(std::sync::atomic::Ordering::Relaxed) > during,
        "writes went on during the backup"
    );
    stop(demo);

    let folder = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["file"], "homeward.db.age");
    assert!(
        manifest["tables"]["person_photos"].as_i64().unwrap() > 0,
        "photos are in the copy"
    );
    let copy = std::fs::read(folder.join("homeward.db.age")).unwrap();
    assert!(
        !copy.windows(15).any(|w| w == b"SQLite format 3"),
        "the copy is encrypted"
    );

    let restored = dir.path().join("restored/homeward.db");
    let restored_url = format!("sqlite://{}", restored.display());
    let to = |url: &str, identity: Option<&std::path::Path>| {
        let mut args = vec![
            "restore".to_string(),
            "--from".into(),
            folder.display().to_string(),
            "--database-url".into(),
            url.to_string(),
        ];
        if let Some(i) = identity {
            args.extend(["--identity".into(), i.display().to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        homeward(
            &args,
            &[("HOMEWARD_SECRET_KEY_FILE", key_file.to_str().unwrap())],
        )
    };
    let no_identity = to(&restored_url, None);
    assert_eq!(no_identity.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_identity.stderr).contains("--identity"));
    let other_identity = dir.path().join("other.txt");
    assert!(
        homeward(
            &["backup-key", "--out", other_identity.to_str().unwrap()],
            &[]
        )
        .status
        .success()
    );
    let wrong = to(&restored_url, Some(&other_identity));
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        !restored.exists(),
        "nothing is left behind by a refused restore"
    );
    let over_live = to(&url, Some(&identity));
    assert_eq!(
        over_live.status.code(),
        Some(2),
        "never over a live database"
    );
    assert!(String::from_utf8_lossy(&over_live.stderr).contains("already exists"));

    let ok = to(&restored_url, Some(&identity));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        stdout(&ok).contains("match the manifest"),
        "{}",
        stdout(&ok)
    );
    let restored_env = [
        ("HOMEWARD_DATABASE_URL", restored_url.as_str()),
        ("HOMEWARD_SECRET_KEY_FILE", key_file.to_str().unwrap()),
    ];
    let verified = homeward(
        &["audit", "verify", "--manifest", folder.to_str().unwrap()],
        &restored_env,
    );
    assert!(verified.status.success(), "{}", stdout(&verified));
    assert!(stdout(&verified).contains("chronology entries match"));

    // A server starts on the restored copy and serves.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let server = Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args(["serve", "--listen", &addr])
        .envs(restored_env)
        .env("HOMEWARD_LOG", "error")
        .spawn()
        .unwrap();
    let started = Instant::now();
    let ready = loop {
        if std::net::TcpStream::connect(&addr).is_ok() {
            break http_get(&addr, "/readyz");
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the restored server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    assert!(http_get(&addr, "/sign-in").contains("<html lang=\"en-GB\">"));
    stop(server);

    // A damaged copy is refused before anything is written.
    let mut bytes = std::fs::read(folder.join("homeward.db.age")).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(folder.join("homeward.db.age"), bytes).unwrap();
    let elsewhere = format!("sqlite://{}", dir.path().join("again/h.db").display());
    let damaged = to(&elsewhere, Some(&identity));
    assert_eq!(damaged.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&damaged.stderr).contains("damaged"));
}

/// What `audit verify` finds when someone with the database file changes what happened:
/// an entry's words, entries added below the triggers, records removed from the end.
#[test]
fn verify_names_a_changed_entry_and_a_shortened_trail() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("live");
    let (demo, _) = start_demo(&data);
    stop(demo);
    let db = data.join("demo.db");
    let key_file = data.join("secret.key");
    let copy = |name: &str| {
        let to = dir.path().join(name);
        std::fs::copy(&db, &to).unwrap();
        let checkpoint = format!("{}.checkpoint", db.display());
        std::fs::copy(&checkpoint, format!("{}.checkpoint", to.display())).unwrap();
        format!("sqlite://{}", to.display())
    };
    let verify = |url: &str| {
        homeward(
            &["audit", "verify"],
            &[
                ("HOMEWARD_DATABASE_URL", url),
                ("HOMEWARD_SECRET_KEY_FILE", key_file.to_str().unwrap()),
            ],
        )
    };
    let intact = verify(&format!("sqlite://{}", db.display()));
    assert!(intact.status.success(), "{}", stdout(&intact));
    assert!(stdout(&intact).contains("Checked against the checkpoints"));

    let tamper = |url: &str, sql: &str| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let store = homeward_store_sqlite::SqliteStore::open(url, vec![0; 32])
                .await
                .unwrap();
            for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
                store.execute_unchecked(statement).await.unwrap();
            }
            use homeward_store::Store as _;
            store.close().await;
        });
    };
    let changed = copy("changed.db");
    tamper(
        &changed,
        "DROP TRIGGER episode_events_no_update; \
         UPDATE episode_events SET body = replace(body, 'a', 'o') \
         WHERE rowid = (SELECT rowid FROM episode_events WHERE body LIKE '%a%' LIMIT 1)",
    );
    let out = verify(&changed);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("has been changed since record"),
        "{}",
        stdout(&out)
    );

    let shortened = copy("shortened.db");
    tamper(
        &shortened,
        "DROP TRIGGER audit_log_no_delete; \
         DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
    );
    let out = verify(&shortened);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("have been removed"),
        "{}",
        stdout(&out)
    );

    let added = copy("added.db");
    tamper(
        &added,
        "INSERT INTO episode_events (episode_id, seq, kind, occurred_at, occurred_offset_seconds, \
         recorded_at, recorded_by, recorded_by_label, body) \
         SELECT episode_id, seq + 1000, kind, occurred_at, occurred_offset_seconds, recorded_at, \
         recorded_by, recorded_by_label, body FROM episode_events LIMIT 1",
    );
    let out = verify(&added);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("added outside Homeward"),
        "{}",
        stdout(&out)
    );
}

/// The server `pg_virtualenv` set up, as an address without a database; None (and said) when
/// there is none and none is required.
fn postgres_base() -> Option<String> {
    let var = |k: &str| std::env::var(k).ok();
    match (var("PGHOST"), var("PGPORT")) {
        (Some(host), Some(port)) => Some(format!(
            "postgres://{}:{}@{host}:{port}",
            var("PGUSER").unwrap_or_else(|| "postgres".into()),
            var("PGPASSWORD").unwrap_or_default()
        )),
        _ => {
            assert!(
                std::env::var_os("HOMEWARD_REQUIRE_POSTGRES").is_none(),
                "HOMEWARD_REQUIRE_POSTGRES is set but no PostgreSQL server is configured (PGHOST)"
            );
            eprintln!("skipping: no PostgreSQL server configured (run under pg_virtualenv)");
            None
        }
    }
}

/// New empty databases on the server at `base`, one a name, each made unique to this run;
/// their addresses, in the same order.
fn fresh_postgres_databases<const N: usize>(base: &str, names: [&str; N]) -> [String; N] {
    // Unique to this process, and to each call within it.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let suffix = format!("{:x}_{call}", std::process::id());
    let dbs = names.map(|name| format!("{name}_{suffix}"));
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection as _;
        let mut admin = sqlx::PgConnection::connect(&format!("{base}/postgres"))
            .await
            .unwrap();
        for db in &dbs {
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
                .execute(&mut admin)
                .await
                .unwrap();
        }
    });
    dbs.map(|db| format!("{base}/{db}"))
}

/// PostgreSQL's path: `pg_dump` in the snapshot the manifest was counted in, `pg_restore`
/// into an empty database only, and the same checks after.
#[test]
fn postgres_backup_restores_into_an_empty_database_only() {
    let Some(base) = postgres_base() else { return };
    let [src_url, dst_url] = fresh_postgres_databases(&base, ["hw_backup_src", "hw_backup_dst"]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let secret = "cd".repeat(32);
    rt.block_on(async {
        // A provider's whole demo, photos and chronologies included.
        let keys = homeward_app::secrets::Keys::from_hex(&secret).unwrap();
        let store = homeward_app::App::open_store(&src_url, &keys)
            .await
            .unwrap();
        let app = homeward_app::App::new(
            store,
            std::sync::Arc::new(homeward_domain::time::SystemClock),
            keys,
        );
        app.seed_demo("kettle orbit lantern").await.unwrap();
        app.store.close().await;
    });
    let dir = tempfile::tempdir().unwrap();
    let checkpoint = dir.path().join("audit.checkpoint");
    let env = [
        ("HOMEWARD_SECRET_KEY", secret.as_str()),
        ("HOMEWARD_AUDIT_CHECKPOINT", checkpoint.to_str().unwrap()),
    ];
    let backups = dir.path().join("backups");
    let taken = homeward(
        &[
            "backup",
            "--database-url",
            &src_url,
            "--to",
            backups.to_str().unwrap(),
            "--unencrypted",
        ],
        &env,
    );
    assert!(
        taken.status.success(),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    let folder = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    assert!(folder.join("homeward.pgdump").exists());

    let into_live = homeward(
        &[
            "restore",
            "--from",
            folder.to_str().unwrap(),
            "--database-url",
            &src_url,
        ],
        &env,
    );
    assert_eq!(
        into_live.status.code(),
        Some(2),
        "never over a database that holds tables"
    );
    assert!(String::from_utf8_lossy(&into_live.stderr).contains("already holds tables"));

    let restored = homeward(
        &[
            "restore",
            "--from",
            folder.to_str().unwrap(),
            "--database-url",
            &dst_url,
        ],
        &env,
    );
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert!(stdout(&restored).contains("match the manifest"));
    let verified = homeward(
        &[
            "audit",
            "verify",
            "--database-url",
            &dst_url,
            "--manifest",
            folder.to_str().unwrap(),
        ],
        &env,
    );
    assert!(verified.status.success(), "{}", stdout(&verified));
    let entries: u64 = stdout(&verified)
        .split("checked, and ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        entries > 50,
        "the demo's chronology entries were checked: {entries}"
    );
}

/// A server given a backup folder takes a backup when none is recent, records it, and says
/// so on the admin's page (tested in the web suite); the folder holds a whole backup.
#[test]
fn serve_takes_backups_on_its_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    scheduled_backup_is_taken(&url, dir.path(), "homeward.db");
}

/// The same on PostgreSQL, where the server runs `pg_dump` itself.
#[test]
fn serve_takes_backups_on_its_schedule_on_postgres() {
    let Some(base) = postgres_base() else { return };
    let [url] = fresh_postgres_databases(&base, ["hw_scheduled"]);
    let dir = tempfile::tempdir().unwrap();
    scheduled_backup_is_taken(&url, dir.path(), "homeward.pgdump");
}

fn scheduled_backup_is_taken(url: &str, dir: &std::path::Path, copy: &str) {
    let backups = dir.join("backups");
    let env = [
        ("HOMEWARD_DATABASE_URL", url),
        ("HOMEWARD_SECRET_KEY", SECRET),
    ];
    let migrated = homeward(&["migrate"], &env);
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let server = Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args([
            "serve",
            "--listen",
            &addr,
            "--backup-dir",
            backups.to_str().unwrap(),
            "--unencrypted",
        ])
        .envs(env)
        .env("HOMEWARD_LOG", "error")
        .spawn()
        .unwrap();
    let started = Instant::now();
    let whole = loop {
        let found: Vec<_> = std::fs::read_dir(&backups)
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        if let Some(f) = found.iter().find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("homeward-backup-")
                && !p.to_string_lossy().ends_with(".partial")
        }) {
            break f.clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no backup was taken"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(whole.join("manifest.json").exists());
    assert!(whole.join(copy).exists(), "{copy} in {}", whole.display());
    // Recorded for the admin's page once taken.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let recorded = rt.block_on(async {
        let keys = homeward_app::secrets::Keys::from_hex(SECRET).unwrap();
        for _ in 0..100 {
            let store = homeward_app::App::open_store(url, &keys).await.unwrap();
            let recent = store.recent_backups(5).await.unwrap();
            store.close().await;
            if !recent.is_empty() {
                return recent;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Vec::new()
    });
    stop(server);
    assert_eq!(recorded.len(), 1, "one backup, recorded");
    assert!(recorded[0].problem.is_none(), "{:?}", recorded[0].problem);
    assert_eq!(
        recorded[0].file_name,
        whole.file_name().unwrap().to_string_lossy()
    );
}

/// Logs as a collector reads them: one JSON object a line, each request's line carrying its
/// id and route pattern and nothing personal; and `/metrics` answers on this machine.
#[test]
fn json_logs_name_each_request_and_metrics_answer_locally() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args(["serve", "--listen", &addr])
        .env("HOMEWARD_DATABASE_URL", &url)
        .env("HOMEWARD_SECRET_KEY", SECRET)
        .env("HOMEWARD_LOG", "info,sqlx=warn")
        .env("HOMEWARD_LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let ready = http_get(&addr, "/readyz");
    let id = ready
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .unwrap()
        .trim()
        .to_string();
    let metrics = http_get(&addr, "/metrics");
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(
        metrics.contains(r#"route="/readyz",status="2xx"} 1"#),
        "{metrics}"
    );
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let mut logs = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let _ = server.wait();
    let answered: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .filter(|v: &serde_json::Value| v["fields"]["message"] == "answered")
        .collect();
    let line = answered
        .iter()
        .find(|v| v["span"]["id"] == id.as_str())
        .unwrap_or_else(|| panic!("no line for request {id}: {logs}"));
    assert_eq!(line["fields"]["route"], "/readyz");
    assert_eq!(line["fields"]["status"], 200);
}

/// One HTTP/1.1 request on a fresh connection; the status and body, or None when the server
/// was not there to answer in full (killed before or during it).
fn http(
    addr: &str,
    method: &str,
    path: &str,
    bearer: &str,
    kind: &str,
    body: &[u8],
) -> Option<(u16, String)> {
    let mut stream = std::net::TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {bearer}\r\n\
         Content-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response).to_string();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    // A response cut short by the kill has no complete body: not acknowledged.
    let (headers, body) = text.split_once("\r\n\r\n")?;
    let length: usize = headers
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_string)
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(body.len());
    (body.len() >= length).then(|| (status, body.to_string()))
}

/// A server process that is killed if the test ends without stopping it (a failed assert),
/// so no server outlives its test.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_server(url: &str, addr: &str) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args(["serve", "--listen", addr])
        .env("HOMEWARD_DATABASE_URL", url)
        .env("HOMEWARD_SECRET_KEY", SECRET)
        .env("HOMEWARD_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let started = Instant::now();
    loop {
        if std::net::TcpStream::connect(addr).is_ok()
            && http_get(addr, "/readyz").starts_with("HTTP/1.1 200")
        {
            return server;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn created_id(reply: Option<(u16, String)>) -> Option<String> {
    let (status, body) = reply?;
    if status != 201 {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&body).ok()?;
    v["id"].as_str().map(str::to_string)
}

/// What [`provider`] made.
struct Provider {
    org: String,
    service: String,
    bearer: String,
}

/// An organisation with one children's home and a manager, set up through the command line
/// as an administrator would, and the manager's API token.
fn provider(env: &[(&str, &str)], name: &str, nation: &str, email: &str) -> Provider {
    let org = stdout(&homeward(
        &[
            "org",
            "add",
            "--name",
            name,
            "--nation",
            nation,
            "--registration-number",
            "R1",
            "--registered-manager",
            "A Manager",
            "--safeguarding-lead",
            "A Lead",
        ],
        env,
    ));
    let service = stdout(&homeward(
        &[
            "service",
            "add",
            "--org",
            &org,
            "--name",
            "The House",
            "--kind",
            "childrens_home",
        ],
        env,
    ));
    let mut with_password = env.to_vec();
    with_password.push(("HOMEWARD_NEW_USER_PASSWORD", "kettle orbit lantern"));
    let added = homeward(
        &[
            "user", "add", "--org", &org, "--email", email, "--name", "M", "--role", "manager",
        ],
        &with_password,
    );
    assert!(added.status.success(), "{added:?}");
    let bearer = stdout(&homeward(&["user", "token", "--email", email], env));
    Provider {
        org,
        service,
        bearer,
    }
}

/// The server is killed (SIGKILL, no chance to tidy up) again and again while clients add
/// chronology entries to two episodes, add people and upload photos. Every write the client
/// saw acknowledged must be there after the restarts, each chronology must run 1, 2, 3… with
/// its summary at its last entry, and the audit chain and its seals must verify.
/// HOMEWARD_CRASH_KILLS sets how many kills (20 unless said; the closing note's run used more).
#[test]
fn sigkill_during_writes_loses_no_acknowledged_write() {
    let kills: usize = std::env::var("HOMEWARD_CRASH_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    let env = [
        ("HOMEWARD_DATABASE_URL", url.as_str()),
        ("HOMEWARD_SECRET_KEY", SECRET),
    ];
    let Provider {
        org,
        service,
        bearer,
    } = provider(&env, "Crash Homes", "england", "m@crash.example");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = spawn_server(&url, &addr);

    let person = |name: &str| {
        let body = serde_json::json!({
            "service_id": service,
            "profile": {"about": {"fields": {
                "given_name": name, "family_name": "Prawf", "kind": "child", "date_of_birth": "2011-03-27"
            }}}
        })
        .to_string();
        created_id(http(
            &addr,
            "POST",
            "/api/v1/people",
            &bearer,
            "application/json",
            body.as_bytes(),
        ))
        .unwrap()
    };
    let (a, b) = (person("Alys"), person("Bryn"));
    let open = |p: &str| {
        let body = serde_json::json!({"person_id": p, "last_seen_place": "The park"}).to_string();
        created_id(http(
            &addr,
            "POST",
            "/api/v1/episodes",
            &bearer,
            "application/json",
            body.as_bytes(),
        ))
        .unwrap()
    };
    let episodes = [open(&a), open(&b)];
    let photo = homeward_app::photos::test_images::jpeg(40, 50);

    #[derive(Default)]
    struct Acked {
        notes: Vec<(String, String)>,
        people: Vec<String>,
        photos: Vec<(String, String)>,
    }
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Acked::default()));
    let mut seed = u64::from(std::process::id()) | 1;
    let mut random = move |below: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % below
    };
    for round in 0..kills {
        let running = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let mut writers = Vec::new();
        for (w, episode) in episodes.iter().enumerate() {
            let (addr, bearer, episode) = (addr.clone(), bearer.clone(), episode.clone());
            let (running, acked) = (running.clone(), acked.clone());
            writers.push(std::thread::spawn(move || {
                let mut n = 0;
                while running.load(std::sync::atomic::Ordering::Relaxed) {
                    n += 1;
                    let text = format!("round {round} writer {w} note {n}");
                    let body =
                        serde_json::json!({"event": {"kind": "note", "text": text}}).to_string();
                    let path = format!("/api/v1/episodes/{episode}/events");
                    if let Some((201, _)) = http(
                        &addr,
                        "POST",
                        &path,
                        &bearer,
                        "application/json",
                        body.as_bytes(),
                    ) {
                        acked.lock().unwrap().notes.push((episode.clone(), text));
                    }
                }
            }));
        }
        {
            let (addr, bearer, service, a) =
                (addr.clone(), bearer.clone(), service.clone(), a.clone());
            let (running, acked, photo) = (running.clone(), acked.clone(), photo.clone());
            writers.push(std::thread::spawn(move || {
                let mut n = 0;
                while running.load(std::sync::atomic::Ordering::Relaxed) {
                    n += 1;
                    if n % 2 == 0 {
                        let path = format!("/api/v1/people/{a}/photos?taken_on=2026-11-01");
                        if let Some(id) =
                            created_id(http(&addr, "POST", &path, &bearer, "image/jpeg", &photo))
                        {
                            acked.lock().unwrap().photos.push((a.clone(), id));
                        }
                    } else {
                        let body = serde_json::json!({
                            "service_id": service,
                            "profile": {"about": {"fields": {
                                "given_name": format!("Round{round}n{n}"), "family_name": "Prawf",
                                "kind": "child", "date_of_birth": "2012-01-01"
                            }}}
                        })
                        .to_string();
                        if let Some(id) = created_id(http(
                            &addr,
                            "POST",
                            "/api/v1/people",
                            &bearer,
                            "application/json",
                            body.as_bytes(),
                        )) {
                            acked.lock().unwrap().people.push(id);
                        }
                    }
                }
            }));
        }
        std::thread::sleep(Duration::from_millis(60 + random(400)));
        server.0.kill().unwrap(); // SIGKILL
        let _ = server.0.wait();
        running.store(false, std::sync::atomic::Ordering::Relaxed);
        for w in writers {
            w.join().unwrap();
        }
        server = spawn_server(&url, &addr);
    }
    let _ = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status();
    let _ = server.0.wait();
    drop(server);

    let acked = acked.lock().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let checked = rt.block_on(async {
        use homeward_store::Store as _;
        let keys = homeward_app::secrets::Keys::from_hex(SECRET).unwrap();
        let store = homeward_store_sqlite::SqliteStore::open(&url, keys.audit_key().to_vec())
            .await
            .unwrap();
        let org = homeward_domain::ids::OrgId(org.parse().unwrap());
        let mut checked = 0;
        for episode in &episodes {
            let id = homeward_domain::ids::EpisodeId(episode.parse().unwrap());
            let (summary, events) = store.episode(org, id).await.unwrap().unwrap();
            let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
            assert_eq!(seqs, (1..=events.len() as i64).collect::<Vec<_>>(), "no gap, nothing half-written");
            assert_eq!(summary.last_event_seq, events.len() as i64, "the summary is at the last entry");
            for (_, text) in acked.notes.iter().filter(|(e, _)| e == episode) {
                assert!(
                    events.iter().any(|e| matches!(&e.event, homeward_domain::episode::Event::Note { text: t } if t == text)),
                    "an acknowledged entry was lost: {text}"
                );
                checked += 1;
            }
        }
        for p in &acked.people {
            let id = homeward_domain::ids::PersonId(p.parse().unwrap());
            assert!(store.get_person(org, id).await.unwrap().is_some(), "an acknowledged person was lost: {p}");
            checked += 1;
        }
        let person = homeward_domain::ids::PersonId(a.parse().unwrap());
        let (photos, _) = store.photos(org, person).await.unwrap();
        for (_, photo) in &acked.photos {
            assert!(photos.iter().any(|m| m.id.to_string() == *photo), "an acknowledged photo was lost: {photo}");
            checked += 1;
        }
        store.close().await;
        checked
    });
    let verify = homeward(&["audit", "verify"], &env);
    assert!(verify.status.success(), "{}", stdout(&verify));
    assert!(
        acked.notes.len() > kills,
        "the writers got writes in between the kills"
    );
    eprintln!(
        "crash harness: {kills} SIGKILLs; {checked} acknowledged writes checked ({} entries, {} people, {} photos); 0 lost; audit chain intact",
        acked.notes.len(),
        acked.people.len(),
        acked.photos.len()
    );
}

/// The largest the server's resident memory has been (VmHWM), in MB.
fn peak_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024.0
}

/// Photo uploads cannot exhaust the server: four decompression bombs (16000 × 16000, 16 bits
/// a channel, a few hundred KB) at once are refused from their headers, and a real 35
/// megapixel photo is taken, with the server's peak memory rising by less than 256 MB.
#[test]
fn photo_uploads_keep_the_servers_memory_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("h.db").display());
    let env = [
        ("HOMEWARD_DATABASE_URL", url.as_str()),
        ("HOMEWARD_SECRET_KEY", SECRET),
    ];
    let Provider {
        service, bearer, ..
    } = provider(&env, "Photo Homes", "wales", "m@photo.example");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let server = spawn_server(&url, &addr);
    let body = serde_json::json!({
        "service_id": service,
        "profile": {"about": {"fields": {
            "given_name": "Cai", "family_name": "Prawf", "kind": "child", "date_of_birth": "2011-03-27"
        }}}
    })
    .to_string();
    let person = created_id(http(
        &addr,
        "POST",
        "/api/v1/people",
        &bearer,
        "application/json",
        body.as_bytes(),
    ))
    .unwrap();
    let path = format!("/api/v1/people/{person}/photos?taken_on=2026-11-01");
    let before = peak_mb(server.0.id());

    let bomb = homeward_app::photos::test_images::png_bomb();
    let bombs: Vec<_> = (0..4)
        .map(|_| {
            let (addr, path, bearer, bomb) =
                (addr.clone(), path.clone(), bearer.clone(), bomb.clone());
            std::thread::spawn(move || http(&addr, "POST", &path, &bearer, "image/png", &bomb))
        })
        .collect();
    for b in bombs {
        let (status, body) = b.join().unwrap().unwrap();
        assert_eq!(status, 422, "{body}");
        assert!(
            body.contains("too many pixels") || body.contains("pixels"),
            "{body}"
        );
    }
    let after_bombs = peak_mb(server.0.id());
    let photo = homeward_app::photos::test_images::jpeg(8000, 5000);
    let (status, body) = http(&addr, "POST", &path, &bearer, "image/jpeg", &photo).unwrap();
    assert_eq!(status, 201, "{body}");
    let after_photo = peak_mb(server.0.id());
    eprintln!(
        "photo memory: server peak {before:.0} MB before; {after_bombs:.0} MB after four bombs ({} KB each) at once; {after_photo:.0} MB after a 40-megapixel photo ({} KB)",
        bomb.len() / 1024,
        photo.len() / 1024
    );
    assert!(
        after_bombs - before < 64.0,
        "bombs are refused before decoding"
    );
    assert!(
        after_photo - before < 256.0,
        "one upload stays under 256 MB"
    );
    drop(server);
}

/// Whoever started the demo may go away: its closed output must not stop the server.
#[test]
fn the_demo_keeps_serving_when_its_output_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args([
            "demo",
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--listen",
            &addr,
        ])
        .env("HOMEWARD_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        assert!(first.starts_with("Homeward demo:"));
        // The reader goes, and the pipe with it, before the demo has printed everything.
    }
    let started = Instant::now();
    loop {
        if std::net::TcpStream::connect(&addr).is_ok()
            && http_get(&addr, "/readyz").starts_with("HTTP/1.1 200")
        {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the demo stopped when its output was closed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the demo did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(http_get(&addr, "/readyz").starts_with("HTTP/1.1 200"));
    let _ = child.kill();
    let _ = child.wait();
}
