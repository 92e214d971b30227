//! What the public portal shows without an account: headline figures (counts only, nothing
//! that names a person) and the unit directory.

use crate::areas::Portal;
use crate::cases::{CaseFilter, CaseGroupBy};
use crate::error::StoreResult;
use crate::problems::ProblemFilter;
use crate::stats::GroupBy;
use rectify_domain::actor::Actor;
use rectify_domain::figures::{CaseRates, CaseTally};
use rectify_domain::time::Timestamp;
use serde::Serialize;

/// The office's headline figures: the whole ledger and every case.
#[derive(Debug, Clone, Serialize)]
pub struct PortalFigures {
    pub as_of: Timestamp,
    /// Problems found (written into the ledger).
    pub problems: u64,
    /// Of those, closed off (销号).
    pub closed: u64,
    /// closed ÷ problems.
    pub rate: f64,
    pub cases: CaseTally,
    pub case_rates: CaseRates,
}

impl Portal<'_> {
    /// Counts over everything: the portal publishes totals, never rows, so it reads as the
    /// system rather than through an account's scope.
    pub async fn portal_figures(&self) -> StoreResult<PortalFigures> {
        let system = Actor::system();
        let problems =
            self.ledger().problem_stats(&system, GroupBy::State, &ProblemFilter::default(), false, None).await?;
        let cases = self.cases().case_stats(&system, CaseGroupBy::Channel, &CaseFilter::default()).await?;
        Ok(PortalFigures {
            as_of: problems.as_of,
            problems: problems.counts.total,
            closed: problems.counts.closed,
            rate: problems.rates.rate,
            cases: cases.counts,
            case_rates: cases.rates,
        })
    }
}

impl Portal<'_> {
    /// Every unit's name by id (archived ones too, so old records still show their unit). Unit
    /// names are public: the directory publishes them.
    pub async fn unit_names(&self) -> StoreResult<std::collections::HashMap<rectify_domain::ids::UnitId, String>> {
        self.db.read(|tx| Box::pin(async move { crate::campaigns::unit_names(&mut tx.conn()).await })).await
    }
}
