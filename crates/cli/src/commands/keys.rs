//! `rectify keys`: the keys sealing citizens' contact details (see crates/vault).

use crate::Failure;
use crate::location::{KeySource, StoreArgs};
use rectify_store::{Keyring, Store};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// List the keys the database and the keyring know, with how many values each seals.
    Status {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Add a new primary key to the key file and re-seal every value with it. Old keys stay
    /// (instances still holding them keep working) until `keys prune`.
    Rotate {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Re-seal every value not sealed with the primary key (after changing RECTIFY_PII_KEY).
    Reseal {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Remove from the key file (and the database's list) the keys no value uses any more.
    Prune {
        #[command(flatten)]
        store: StoreArgs,
    },
}

fn key_file(store: &StoreArgs, what: &str) -> Result<PathBuf, Failure> {
    match store.key_source()? {
        KeySource::File(path) => Ok(path),
        KeySource::Variable => Err(Failure::BadInput(format!(
            "the keys come from RECTIFY_PII_KEY: {what} by editing it (a new key line first), restarting, and \
             running `rectify keys reseal`"
        ))),
    }
}

async fn status(s: &Store) -> Result<(), Failure> {
    println!("{:<10} {:>10}  state", "key", "values");
    for k in s.keys().key_usage().await? {
        let state = match (k.primary, k.in_keyring) {
            (true, _) => "primary (seals new values)",
            (false, true) => "opens only",
            (false, false) => "MISSING from the keyring: these values cannot be read",
        };
        println!("{:<10} {:>10}  {state}", k.key_id, k.values);
    }
    Ok(())
}

async fn reseal(s: &Store) -> Result<(), Failure> {
    let r = s.keys().reseal().await?;
    println!(
        "re-sealed with key {}: {} cases, {} applicants (service cases, bookings), {} queued notices",
        r.key, r.cases, r.applicants, r.notices
    );
    Ok(())
}

pub async fn run(cmd: Command) -> Result<(), Failure> {
    match cmd {
        Command::Status { store } => {
            let s = store.open_with(store.keyring(false)?).await?;
            let out = status(&s).await;
            s.close().await;
            out
        }
        Command::Reseal { store } => {
            let s = store.open_with(store.keyring(false)?).await?;
            let out = reseal(&s).await;
            s.close().await;
            out
        }
        Command::Rotate { store } => {
            let path = key_file(&store, "rotate")?;
            // The database must open with the current keys before a new one is added.
            store.open_with(store.keyring(false)?).await?.close().await;
            let id = rectify_store::vault::add_primary_key(&path).map_err(|e| Failure::BadInput(e.to_string()))?;
            println!("new primary key {id} in {}", path.display());
            let s = store.open_with(store.keyring(false)?).await?;
            let out = reseal(&s).await;
            s.close().await;
            out?;
            println!(
                "Instances reading this key file seal with the new key within seconds; instances with their own copy \
                 need the new file and a restart. Then `rectify keys prune` removes the old keys."
            );
            Ok(())
        }
        Command::Prune { store } => {
            let path = key_file(&store, "prune")?;
            let keyring: Arc<Keyring> = store.keyring(false)?;
            let s = store.open_with(keyring.clone()).await?;
            let old: Vec<String> = keyring.key_ids().into_iter().skip(1).collect();
            let out = s.keys().forget_keys(&old).await;
            s.close().await;
            out?;
            rectify_store::vault::remove_keys(&path, &old).map_err(|e| Failure::BadInput(e.to_string()))?;
            if old.is_empty() {
                println!("nothing to prune: the key file holds only the primary key");
            } else {
                println!("removed key(s) {} from {}", old.join(", "), path.display());
            }
            Ok(())
        }
    }
}
