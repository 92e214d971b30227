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

/// A point on the public map: a published problem not yet closed off, placed where a case behind
/// it was reported, rounded to three decimals (about 100 m) so that no doorstep is shown, with
/// its category and nothing else.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicPoint {
    pub problem_id: rectify_domain::ids::ProblemId,
    pub category: Option<String>,
    pub lat: f64,
    pub lng: f64,
}

/// Points the public map shows at most.
const PUBLIC_POINTS: i64 = 2000;

/// Rounds a coordinate to three decimals: the public map's coarseness.
pub fn coarse(degrees: f64) -> f64 {
    (degrees * 1000.0).round() / 1000.0
}

impl Portal<'_> {
    /// The units that own a published problem: the public board's unit filter offers these.
    pub async fn published_units(&self) -> StoreResult<Vec<rectify_domain::ids::UnitId>> {
        let q = crate::db::Q::new("SELECT DISTINCT unit_id FROM problems WHERE published = $1 AND archived_at IS NULL")
            .bind(true);
        let rows: Vec<(i64,)> = self.db.fetch_all(q).await?;
        Ok(rows.into_iter().map(|(id,)| rectify_domain::ids::UnitId(id)).collect())
    }

    /// The public map: published problems still open, one point each (the first of their cases
    /// that carries a position), coarse.
    pub async fn public_map(&self) -> StoreResult<Vec<PublicPoint>> {
        let q = crate::db::Q::new(
            "SELECT p.id, p.category, c.latitude, c.longitude FROM problems p \
             JOIN problem_cases pc ON pc.problem_id = p.id JOIN cases c ON c.id = pc.case_id \
             WHERE p.published = $1 AND p.archived_at IS NULL AND p.state <> $2 \
             AND c.latitude IS NOT NULL AND c.longitude IS NOT NULL ORDER BY p.id, c.id LIMIT $3",
        )
        .bind(true)
        .bind(rectify_domain::problem::ProblemState::Closed.as_str())
        .bind(PUBLIC_POINTS);
        let rows: Vec<(i64, Option<String>, f64, f64)> = self.db.fetch_all(q).await?;
        let mut points: Vec<PublicPoint> = Vec::new();
        for (id, category, lat, lng) in rows {
            if points.last().is_some_and(|p| p.problem_id.0 == id) {
                continue;
            }
            points.push(PublicPoint {
                problem_id: rectify_domain::ids::ProblemId(id),
                category,
                lat: coarse(lat),
                lng: coarse(lng),
            });
        }
        Ok(points)
    }
}
