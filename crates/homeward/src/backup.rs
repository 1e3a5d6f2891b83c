//! Backups that can leave the building, restores that prove themselves, and the audit
//! checkpoint kept outside the database.
//!
//! A backup is a folder, `homeward-backup-<UTC time>`, holding the database copy (encrypted
//! with age for its recipients, unless the admin said otherwise) and `manifest.json`: when it
//! was taken, rows per table, the audit trail's head sealed with the installation key, and the
//! copy's SHA-256. The manifest holds no personal data, so it can be read without the key.
//! The folder is written as `….partial` and renamed when complete, so a folder without that
//! suffix is always whole.

use homeward_app::App;
use homeward_domain::audit::Checkpoint;
use homeward_store::{Contents, Engine};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const MANIFEST: &str = "manifest.json";
const PREFIX: &str = "homeward-backup-";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    pub homeward_version: String,
    pub engine: String,
    pub taken_at: jiff::Timestamp,
    /// The copy's file name in the folder.
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
    /// The age recipients the copy is encrypted for; empty when it is not encrypted.
    pub encrypted_for: Vec<String>,
    /// Rows per table at the moment of the copy.
    pub tables: BTreeMap<String, i64>,
    /// The audit trail's last record at that moment, sealed with the installation's key.
    pub audit: Option<Checkpoint>,
}

/// Who can open a backup.
pub enum Encryption {
    /// age X25519 recipients (`age1…`): only their identities can decrypt the copy.
    For(Vec<age::x25519::Recipient>),
    /// The admin chose a plain copy (for a disk that is itself encrypted).
    Plain,
}

impl Encryption {
    /// From `--recipient` values and a recipients file (one `age1…` per line, `#` comments).
    /// Refuses to choose for the admin: no recipients and no `--unencrypted` is an error.
    pub fn from_args(
        recipients: &[String],
        file: Option<&Path>,
        plain: bool,
    ) -> Result<Self, String> {
        let mut given: Vec<String> = recipients.to_vec();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            given.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_string),
            );
        }
        match (given.is_empty(), plain) {
            (true, true) => Ok(Self::Plain),
            (false, true) => Err("give either recipients or --unencrypted, not both".into()),
            (true, false) => Err(
                "a backup holds children's records: give --recipient age1… (a public key made with \
                 `age-keygen`) so only its holder can open it, or --unencrypted if the backup disk \
                 is itself encrypted"
                    .into(),
            ),
            (false, false) => given
                .iter()
                .map(|r| {
                    r.parse::<age::x25519::Recipient>()
                        .map_err(|e| format!("{r:?} is not an age recipient (age1…): {e}"))
                })
                .collect::<Result<_, _>>()
                .map(Self::For),
        }
    }
}

/// Makes an age identity, writes it to a new file readable by its owner only, and hands back
/// its public key (`age1…`).
pub fn make_key(out: &Path) -> Result<String, String> {
    use age::secrecy::ExposeSecret as _;
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    let text = format!(
        "# created: {}\n# public key: {public}\n{}\n",
        homeward_domain::time::Clock::now(&homeward_domain::time::SystemClock),
        identity.to_string().expose_secret()
    );
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(out)
        .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(public)
}

/// A backup just written.
pub struct Taken {
    pub folder: PathBuf,
    pub manifest: Manifest,
    pub seconds: f64,
}

/// Takes a backup into a new folder under `dir`, while the server may be writing.
pub async fn take(app: &App, dir: &Path, encryption: &Encryption) -> Result<Taken, String> {
    let started = Instant::now();
    let taken_at = app.clock.now();
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let name = format!("{PREFIX}{}", taken_at.strftime("%Y%m%dT%H%M%SZ"));
    let folder = dir.join(&name);
    let partial = dir.join(format!("{name}.partial"));
    if folder.exists() || partial.exists() {
        return Err(format!(
            "{} already exists: one backup a second at most",
            folder.display()
        ));
    }
    std::fs::create_dir(&partial)
        .map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
    let result = write_into(app, &partial, taken_at, encryption).await;
    let manifest = match result {
        Ok(m) => m,
        Err(e) => {
            // A half-written copy is no use to anyone and holds personal data.
            let _ = std::fs::remove_dir_all(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, &folder)
        .map_err(|e| format!("cannot name the backup {}: {e}", folder.display()))?;
    sync_dir(dir);
    Ok(Taken {
        folder,
        manifest,
        seconds: started.elapsed().as_secs_f64(),
    })
}

async fn write_into(
    app: &App,
    partial: &Path,
    taken_at: jiff::Timestamp,
    encryption: &Encryption,
) -> Result<Manifest, String> {
    let engine = app.store.engine();
    let plain_name = match engine {
        Engine::Sqlite => "homeward.db",
        Engine::Postgres => "homeward.pgdump",
    };
    let plain = partial.join(plain_name);
    let contents = app
        .store
        .back_up_to(&plain)
        .await
        .map_err(|e| format!("the copy failed: {e}"))?;
    let (file, encrypted_for) = match encryption {
        Encryption::Plain => (plain_name.to_string(), Vec::new()),
        Encryption::For(recipients) => {
            let name = format!("{plain_name}.age");
            let sealed = partial.join(&name);
            let recipients = recipients.clone();
            let from = plain.clone();
            let to = sealed.clone();
            tokio::task::spawn_blocking(move || encrypt(&from, &to, &recipients))
                .await
                .map_err(|e| e.to_string())??;
            std::fs::remove_file(&plain).map_err(|e| e.to_string())?;
            let keys = match encryption {
                Encryption::For(r) => r.iter().map(ToString::to_string).collect(),
                Encryption::Plain => Vec::new(),
            };
            (name, keys)
        }
    };
    let path = partial.join(&file);
    let (bytes, sha256) = tokio::task::spawn_blocking(move || digest(&path))
        .await
        .map_err(|e| e.to_string())??;
    let audit = contents
        .audit_head
        .as_ref()
        .map(|(seq, hash)| Checkpoint::new(app.keys.audit_key(), *seq, hash, taken_at));
    let manifest = Manifest {
        format: 1,
        homeward_version: env!("CARGO_PKG_VERSION").to_string(),
        engine: engine_code(engine).to_string(),
        taken_at,
        file,
        bytes,
        sha256,
        encrypted_for,
        tables: contents.tables,
        audit,
    };
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    write_synced(&partial.join(MANIFEST), text.as_bytes())?;
    sync_dir(partial);
    Ok(manifest)
}

fn engine_code(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    }
}

fn encrypt(from: &Path, to: &Path, recipients: &[age::x25519::Recipient]) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| format!("encrypting the copy failed: {e}");
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| failed(&e))?;
    let mut input = std::fs::File::open(from).map_err(|e| failed(&e))?;
    let output = std::fs::File::create(to).map_err(|e| failed(&e))?;
    let mut writer = encryptor
        .wrap_output(std::io::BufWriter::new(output))
        .map_err(|e| failed(&e))?;
    std::io::copy(&mut input, &mut writer).map_err(|e| failed(&e))?;
    let buffered = writer.finish().map_err(|e| failed(&e))?;
    let file = buffered.into_inner().map_err(|e| failed(&e))?;
    file.sync_all().map_err(|e| failed(&e))
}

fn digest(path: &Path) -> Result<(u64, String), String> {
    use sha2::Digest as _;
    let mut file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((bytes, hex::encode(hasher.finalize())))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut f =
        std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Makes a rename or a new file in `dir` survive a power cut.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

pub fn read_manifest(folder: &Path) -> Result<Manifest, String> {
    let path = folder.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read {}: {e} (give the backup's folder)",
            path.display()
        )
    })?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not a manifest: {e}", path.display()))
}

/// What a restore found.
pub struct Restored {
    pub tables: usize,
    pub rows: i64,
    pub audit_records: u64,
    pub entries: u64,
    pub seconds: f64,
}

/// Restores the backup in `folder` into `url`, a new place: a SQLite file that does not
/// exist yet, or an empty PostgreSQL database. Checks the copy against its manifest before
/// anything opens it, then walks the audit chain and its seals with the installation key.
pub async fn restore(
    folder: &Path,
    url: &str,
    identity: Option<&Path>,
    keys: &homeward_app::secrets::Keys,
) -> Result<Restored, String> {
    let started = Instant::now();
    let manifest = read_manifest(folder)?;
    let source = folder.join(&manifest.file);
    let expected = manifest.sha256.clone();
    let check = source.clone();
    let (bytes, sha) = tokio::task::spawn_blocking(move || digest(&check))
        .await
        .map_err(|e| e.to_string())??;
    if sha != expected || bytes != manifest.bytes {
        return Err(format!(
            "{} is not the file the manifest describes (damaged or replaced): nothing was restored",
            source.display()
        ));
    }
    let sqlite_target = sqlite_path(url);
    let target_engine = if sqlite_target.is_some() {
        "sqlite"
    } else {
        "postgres"
    };
    if target_engine != manifest.engine {
        return Err(format!(
            "this is a {} backup; restore it into a {} database",
            manifest.engine, manifest.engine
        ));
    }
    // Where the plain copy is put together before it is checked.
    let staging = match &sqlite_target {
        Some(path) => {
            if path.exists() {
                return Err(format!(
                    "{} already exists: a restore never overwrites a database. Restore into a new \
                     file, check it, then point the server at it",
                    path.display()
                ));
            }
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            PathBuf::from(format!("{}.restoring", path.display()))
        }
        None => folder.join(format!("{}.restoring", manifest.file)),
    };
    if staging.exists() {
        return Err(format!(
            "{} is left from an earlier restore: remove it first",
            staging.display()
        ));
    }
    let identities = match (manifest.encrypted_for.is_empty(), identity) {
        (true, _) => None,
        (false, Some(path)) => Some(
            age::IdentityFile::from_file(path.display().to_string())
                .and_then(|f| f.into_identities().map_err(std::io::Error::other))
                .map_err(|e| format!("cannot read the identity {}: {e}", path.display()))?,
        ),
        (false, None) => {
            return Err(format!(
                "this backup is encrypted for {}: give --identity with the matching age identity file",
                manifest.encrypted_for.join(", ")
            ));
        }
    };
    let to = staging.clone();
    tokio::task::spawn_blocking(move || unpack(&source, &to, identities))
        .await
        .map_err(|e| e.to_string())??;
    let outcome = load_and_check(&manifest, url, &staging, sqlite_target.as_deref(), keys).await;
    let _ = std::fs::remove_file(&staging);
    let (tables, rows) = outcome?;
    // The restored database is opened as the server will open it, and its chain walked.
    let store = App::open_store(url, keys)
        .await
        .map_err(|e| format!("cannot open the restored database: {e}"))?;
    let app = App::new(
        store,
        std::sync::Arc::new(homeward_domain::time::SystemClock),
        keys.clone(),
    );
    let checkpoints: Vec<Checkpoint> = manifest.audit.iter().cloned().collect();
    let verified = app
        .verify_audit_chain(&checkpoints)
        .await
        .map_err(|e| e.to_string())?;
    app.store.close().await;
    match verified {
        homeward_app::audit::Verification::Intact {
            records, entries, ..
        } => {
            if let Some(cp) = &manifest.audit
                && let Some(path) = checkpoint_path(url, None)
            {
                write_checkpoint(&path, cp)?;
            }
            Ok(Restored {
                tables,
                rows,
                audit_records: records,
                entries,
                seconds: started.elapsed().as_secs_f64(),
            })
        }
        homeward_app::audit::Verification::Broken { at, .. } => Err(format!(
            "the restored audit trail does not verify: {}. Do not use this copy",
            crate::cli::describe_break(&at)
        )),
    }
}

/// Loads the plain copy into its place and holds it against the manifest: SQLite's integrity
/// check, rows per table and the audit head. A SQLite copy is moved into place only if all
/// three hold.
async fn load_and_check(
    manifest: &Manifest,
    url: &str,
    staging: &Path,
    sqlite_target: Option<&Path>,
    keys: &homeward_app::secrets::Keys,
) -> Result<(usize, i64), String> {
    let contents = match sqlite_target {
        Some(target) => {
            let (problems, contents) = homeward_store_sqlite::SqliteStore::check_file(staging)
                .await
                .map_err(|e| format!("the copy cannot be read as a database: {e}"))?;
            if !problems.is_empty() {
                return Err(format!(
                    "SQLite's integrity check found damage in the copy: {}",
                    problems.join("; ")
                ));
            }
            compare(manifest, &contents)?;
            std::fs::rename(staging, target).map_err(|e| e.to_string())?;
            if let Some(parent) = target.parent() {
                sync_dir(parent);
            }
            contents
        }
        None => {
            homeward_store_postgres::PgStore::restore(url, staging)
                .await
                .map_err(|e| e.to_string())?;
            let store = App::open_store(url, keys)
                .await
                .map_err(|e| format!("cannot open the restored database: {e}"))?;
            let contents = store.contents().await.map_err(|e| e.to_string())?;
            store.close().await;
            compare(manifest, &contents)?;
            contents
        }
    };
    Ok((contents.tables.len(), contents.tables.values().sum()))
}

fn compare(manifest: &Manifest, found: &Contents) -> Result<(), String> {
    let differ: Vec<String> = manifest
        .tables
        .iter()
        .filter(|(table, n)| found.tables.get(*table) != Some(n))
        .map(|(table, n)| {
            format!(
                "{table}: {n} in the manifest, {} restored",
                found.tables.get(table).copied().unwrap_or(0)
            )
        })
        .collect();
    if !differ.is_empty() {
        return Err(format!(
            "the restored rows do not match the manifest: {}",
            differ.join("; ")
        ));
    }
    let head = manifest.audit.as_ref().map(|c| (c.seq, c.hash.clone()));
    if head != found.audit_head {
        return Err("the restored audit trail does not end where the manifest says".into());
    }
    Ok(())
}

fn unpack(
    from: &Path,
    to: &Path,
    identities: Option<Vec<Box<dyn age::Identity + Send + Sync>>>,
) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| format!("cannot unpack the copy: {e}");
    let input = std::io::BufReader::new(std::fs::File::open(from).map_err(|e| failed(&e))?);
    let mut reader: Box<dyn Read> = match identities {
        None => Box::new(input),
        Some(ids) => {
            let decryptor = age::Decryptor::new_buffered(input).map_err(|e| failed(&e))?;
            Box::new(
                decryptor
                    .decrypt(ids.iter().map(|i| i.as_ref() as &dyn age::Identity))
                    .map_err(|e| format!("cannot decrypt the copy with that identity: {e}"))?,
            )
        }
    };
    let mut out = std::fs::File::create(to).map_err(|e| failed(&e))?;
    std::io::copy(&mut reader, &mut out).map_err(|e| failed(&e))?;
    out.sync_all().map_err(|e| failed(&e))
}

/// The file of a `sqlite://` address.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    Some(PathBuf::from(path))
}

/// Where the audit checkpoint is kept: the given file, or beside a SQLite database.
pub fn checkpoint_path(url: &str, given: Option<&Path>) -> Option<PathBuf> {
    given
        .map(Path::to_path_buf)
        .or_else(|| sqlite_path(url).map(|p| PathBuf::from(format!("{}.checkpoint", p.display()))))
}

pub fn read_checkpoint(path: &Path) -> Result<Option<Checkpoint>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{} is not an audit checkpoint: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Replaces the checkpoint file whole (a new file renamed over the old), so a power cut
/// leaves the old checkpoint or the new, never half of one.
pub fn write_checkpoint(path: &Path, checkpoint: &Checkpoint) -> Result<(), String> {
    let text = serde_json::to_string(checkpoint).map_err(|e| e.to_string())?;
    let tmp = PathBuf::from(format!("{}.new", path.display()));
    write_synced(&tmp, text.as_bytes())?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if let Some(parent) = path.parent() {
        sync_dir(parent);
    }
    Ok(())
}

/// Keeps the newest `keep` of the backups this server took in `dir` and removes the rest.
/// Only whole backups (folders named as `take` names them) are counted or removed.
pub fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>, String> {
    let mut ours: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(PREFIX) && !n.ends_with(".partial"))
        })
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep.max(1));
    let removed: Vec<PathBuf> = ours.into_iter().take(excess).collect();
    for p in &removed {
        std::fs::remove_dir_all(p).map_err(|e| format!("cannot remove {}: {e}", p.display()))?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pruning_keeps_the_newest_whole_backups_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "homeward-backup-20261101T020000Z",
            "homeward-backup-20261102T020000Z",
            "homeward-backup-20261103T020000Z",
            "homeward-backup-20261104T020000Z.partial",
            "someone-elses-folder",
        ] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        let removed = prune(dir.path(), 2).unwrap();
        assert_eq!(
            removed,
            vec![dir.path().join("homeward-backup-20261101T020000Z")]
        );
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "homeward-backup-20261102T020000Z",
                "homeward-backup-20261103T020000Z",
                "homeward-backup-20261104T020000Z.partial",
                "someone-elses-folder"
            ]
        );
    }

    #[test]
    fn a_backup_is_never_taken_for_nobody_by_accident() {
        assert!(Encryption::from_args(&[], None, false).is_err());
        assert!(matches!(
            Encryption::from_args(&[], None, true),
            Ok(Encryption::Plain)
        ));
        let bad = Encryption::from_args(&["age1nonsense".into()], None, false);
        assert!(bad.is_err());
    }
}
