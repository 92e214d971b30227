//! `rectify backup FILE` and `rectify restore FILE`.

use crate::Failure;
use crate::location::{KEY_FILE, StoreArgs};
use rectify_store::Location;
use rectify_store::backup::{BackupReport, backup_sqlite, restore_sqlite};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The backup file: written by `backup` (it must not exist yet), read by `restore`.
    pub file: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

const ON_POSTGRES: &str = "on PostgreSQL, back up with `pg_dump --format=custom` and restore with `pg_restore` \
    into an empty database (attachments are in the database too); see docs/OPERATIONS.md";

fn describe(r: &BackupReport) -> String {
    format!(
        "{} bytes: {} problems, {} cases, {} attachments, {} audit entries",
        r.bytes, r.problems, r.cases, r.attachments, r.audit_entries
    )
}

pub async fn backup(args: Args) -> Result<(), Failure> {
    let Location::DataDir(dir) = args.store.location() else { return Err(Failure::BadInput(ON_POSTGRES.into())) };
    let file = args.file.clone();
    let report = tokio::task::spawn_blocking(move || backup_sqlite(&dir, &file))
        .await
        .map_err(Failure::runtime)?
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    println!("backup written to {}: {}", args.file.display(), describe(&report));
    if let Some(key) = args.store.key_file() {
        println!("The key file {} is not in the backup: keep a copy of it apart; a restore needs it.", key.display());
    }
    Ok(())
}

pub async fn restore(args: Args) -> Result<(), Failure> {
    let Location::DataDir(dir) = args.store.location() else { return Err(Failure::BadInput(ON_POSTGRES.into())) };
    // Checked first: restoring data nobody can open is no restore.
    let keyring = args.store.keyring(false)?;
    let (file, target) = (args.file.clone(), dir.clone());
    let report = tokio::task::spawn_blocking(move || restore_sqlite(&file, &target))
        .await
        .map_err(Failure::runtime)?
        .map_err(|e| Failure::BadInput(e.to_string()))?;
    // Opening brings an older backup's schema up to date; the chain must still verify.
    let store = args.store.open_with(keyring).await?;
    let audit = store.audit().verify_audit(Vec::new()).await;
    store.close().await;
    if let Some(broken) = audit?.broken {
        return Err(Failure::Runtime(format!("restored, but the audit chain is broken at {broken}")));
    }
    println!("restored into {}: {}; audit chain intact", dir.display(), describe(&report));
    install_key(&args.store, &dir)
}

/// Puts the key file the restore was given into the restored data directory, so that the server
/// started on it opens what the backup sealed (without it, a first start would make a new key).
fn install_key(store: &StoreArgs, dir: &Path) -> Result<(), Failure> {
    let (Some(from), to) = (store.key_file(), dir.join(KEY_FILE)) else { return Ok(()) };
    if to.exists() {
        return Ok(());
    }
    let text = std::fs::read(&from).map_err(|e| Failure::Runtime(format!("{}: {e}", from.display())))?;
    rectify_store::backup::write_private(&to, &text).map_err(|e| Failure::Runtime(e.to_string()))?;
    println!("installed the key file {} as {}", from.display(), to.display());
    Ok(())
}
