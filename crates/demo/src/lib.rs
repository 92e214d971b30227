//! Demo data built from the seed documents, so a newcomer sees a living system:
//! 金东区 with its departments and the first-batch immediate list of seed 000 (98 items, 80
//! fixed); 蔡甸区's 300 units in 46 systems from seed 003 with their 2010 campaign; and a
//! 安宁区-style campaign (seed 004) with a few hundred problems across states and lights, and the
//! personal rectification plans of 区财政局's cadres; and
//! 宁海县教育局's hotline and mailbox (seed 001) replayed as 110 citizen cases, and 宁海县人社局's
//! online items with cases told by SMS at every step; 安宁区's 120 最多跑一次 items (seed 004); and
//! 王家庄街道's 便民服务一本通 of 33 stations (seed 002).
//! Dates are relative to today so the warning lights mean something.

mod accountability;
mod anning;
mod caidian;
mod catalog;
mod hall;
mod inspections;
mod jindong;
mod names;
mod ninghai;
mod personal;
mod plan;
mod renshe;
mod services;
mod timeline;

use rectify_domain::actor::Actor;
use rectify_domain::ids::{PersonId, UnitId};
use rectify_domain::person::{NewPerson, PersonKind};
use rectify_domain::unit::{NewUnit, UnitKind};
use rectify_store::units::UnitFilter;
use rectify_store::{PageRequest, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database is not empty: the demo data loads only into an empty database")]
    NotEmpty,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("demo timeline out of order")]
    Order,
    #[error("demo data: {0}")]
    Data(String),
}

impl From<rectify_domain::DomainError> for DemoError {
    fn from(e: rectify_domain::DomainError) -> Self {
        DemoError::Store(e.into())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub units: usize,
    pub people: usize,
    pub campaigns: usize,
    pub problems: usize,
    pub cases: usize,
    pub rounds: usize,
    pub services: usize,
    pub service_cases: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} units, {} people, {} campaigns, {} problems, {} citizen cases, {} inspection rounds, {} service items, {} service cases",
            self.units,
            self.people,
            self.campaigns,
            self.problems,
            self.cases,
            self.rounds,
            self.services,
            self.service_cases
        )
    }
}

/// Whether the database holds no units yet (accounts do not count).
pub async fn is_empty(store: &Store) -> Result<bool, DemoError> {
    let page = store
        .directory()
        .list_units(
            &Actor::system(),
            &UnitFilter { include_archived: true, ..Default::default() },
            &PageRequest::first(1),
        )
        .await?;
    Ok(page.items.is_empty())
}

/// Loads the demo into an empty database.
pub async fn load(store: &Store) -> Result<Summary, DemoError> {
    if !is_empty(store).await? {
        return Err(DemoError::NotEmpty);
    }
    let mut d =
        Demo { store, actor: Actor { username: "demo".into(), ..Actor::system() }, summary: Summary::default() };
    jindong::load(&mut d).await?;
    caidian::load(&mut d).await?;
    anning::load(&mut d).await?;
    ninghai::load(&mut d).await?;
    services::load(&mut d).await?;
    Ok(d.summary)
}

pub(crate) struct Demo<'a> {
    pub store: &'a Store,
    pub actor: Actor,
    pub summary: Summary,
}

impl Demo<'_> {
    pub async fn unit(
        &mut self,
        name: &str,
        parent: Option<UnitId>,
        kind: UnitKind,
        system: Option<&str>,
    ) -> Result<UnitId, DemoError> {
        self.unit_with(NewUnit {
            name: Some(name.into()),
            parent_id: parent,
            kind: Some(kind),
            system: system.map(Into::into),
            ..Default::default()
        })
        .await
    }

    pub async fn unit_with(&mut self, input: NewUnit) -> Result<UnitId, DemoError> {
        self.summary.units += 1;
        Ok(self.store.directory().create_unit(&self.actor, input, None).await?.value.id)
    }

    pub async fn person(
        &mut self,
        name: String,
        unit: Option<UnitId>,
        kind: PersonKind,
        position: &str,
        affiliation: Option<&str>,
    ) -> Result<PersonId, DemoError> {
        let input = NewPerson {
            name: Some(name),
            kind: Some(kind),
            unit_id: unit,
            position: Some(position.into()),
            affiliation: affiliation.map(Into::into),
            phone: None,
        };
        self.person_with(input).await
    }

    pub async fn person_with(&mut self, input: NewPerson) -> Result<PersonId, DemoError> {
        self.summary.people += 1;
        Ok(self.store.directory().create_person(&self.actor, input, None).await?.value.id)
    }
}

/// Reads a tab-separated data file, skipping comments and blank lines.
pub(crate) fn rows(data: &str) -> impl Iterator<Item = Vec<&str>> {
    data.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(|l| l.split('\t').collect())
}
