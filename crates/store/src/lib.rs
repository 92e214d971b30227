//! The store of Rectify: persistence of the domain on SQLite or PostgreSQL, and the use cases
//! that change it. Every use case authorizes the actor, validates through the domain, writes in
//! one transaction and appends its history rows in that same transaction.

pub mod accountability;
pub mod accounts;
mod actions;
pub mod areas;
pub mod attachments;
pub mod audit;
pub mod backup;
pub mod bulletins;
pub mod calendar;
pub mod campaigns;
pub mod cases;
pub mod clock;
pub mod db;
pub mod error;
pub mod exchange;
mod history;
pub mod idempotency;
pub mod inspections;
pub mod notices;
pub mod page;
pub mod people;
pub mod pii;
pub mod portal;
pub mod problems;
pub mod search;
pub mod services;
pub mod settings;
pub mod stats;
pub mod synthetic;
#[cfg(feature = "testing")]
pub mod testing;
pub mod transparency;
pub mod triage;
pub mod units;
mod versioned;
pub mod visibility;

pub use clock::{Clock, FixedClock, SystemClock};
pub use db::{Backend, Db};
pub use error::{StoreError, StoreResult};
pub use page::{Page, PageRequest};
pub use rectify_vault::{self as vault, Keyring};

use chrono::NaiveDate;
use rectify_domain::time::{Timestamp, china_date};
use std::path::PathBuf;
use std::sync::Arc;

/// Where the data lives.
#[derive(Debug, Clone)]
pub enum Location {
    /// A data directory holding `rectify.db` (SQLite).
    DataDir(PathBuf),
    /// A PostgreSQL URL.
    Postgres(String),
}

#[derive(Clone)]
pub struct Store {
    db: Db,
    clock: Arc<dyn Clock>,
    reference_cache: Arc<calendar::ReferenceCache>,
    /// Seals and opens citizens' contact details (see [`pii`]).
    vault: Arc<Keyring>,
    /// The full-text index, once attached (see [`search`]).
    search_slot: search::Slot,
    /// The routing model this instance serves (see [`triage`]).
    triage_slot: triage::ModelSlot,
}

impl Store {
    /// Opens the database, runs migrations, loads the shipped holiday calendars into a database
    /// that has none, and checks that `vault` holds the keys the citizens' details were sealed
    /// with (sealing any written before encryption existed).
    pub async fn open(location: &Location, clock: Arc<dyn Clock>, vault: Arc<Keyring>) -> StoreResult<Store> {
        let db = match location {
            Location::DataDir(dir) => Db::open_sqlite(dir).await?,
            Location::Postgres(url) => Db::open_postgres(url).await?,
        };
        let store = Store {
            db,
            clock,
            reference_cache: Arc::default(),
            vault,
            search_slot: Arc::default(),
            triage_slot: Arc::default(),
        };
        store.reference().ensure_shipped_calendar().await?;
        store.keys().check_keys().await?;
        Ok(store)
    }

    /// The same store seen through another clock (the demo replays history at past dates).
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Store {
        Store {
            db: self.db.clone(),
            clock,
            reference_cache: self.reference_cache.clone(),
            vault: self.vault.clone(),
            search_slot: self.search_slot.clone(),
            triage_slot: self.triage_slot.clone(),
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn vault(&self) -> &Arc<Keyring> {
        &self.vault
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    pub fn now(&self) -> Timestamp {
        Timestamp::from_utc(self.clock.now())
    }

    /// Today in China: the date deadlines and lights are judged on.
    pub fn today(&self) -> NaiveDate {
        china_date(self.clock.now())
    }

    pub async fn close(&self) {
        self.db.close().await;
    }
}
