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
    for command in ["serve", "demo", "migrate", "user", "audit"] {
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
