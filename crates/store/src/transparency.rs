//! The public record of the verifiable draws and the audit chain's published heads (`/transparency`
//! and `GET /api/v1/transparency`): one read for the page and the API, each list paged on its own.

use crate::areas::Portal;
use crate::error::StoreResult;
use crate::page::{Page, PageRequest};
use rectify_domain::audit::PublishedHead;
use rectify_domain::time::Timestamp;
use rectify_domain::transparency::{PublicReinspection, PublicRound};
use serde::Serialize;

/// What is public, each list newest first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transparency {
    pub as_of: Timestamp,
    /// Inspection rounds of every plan: overt ones from their commitment on (the seed and the
    /// evidence once ended), covert ones (暗访) only once ended.
    pub rounds: Page<PublicRound>,
    /// Re-inspections (整改回头看): the commitment from the start, the seed and the evidence once
    /// the last check is in.
    pub reinspections: Page<PublicReinspection>,
    /// The audit chain's heads as published, one a day at most.
    pub heads: Page<PublishedHead>,
}

/// Where each list of [`Transparency`] starts and how long it is.
#[derive(Debug, Clone)]
pub struct TransparencyRequest {
    pub rounds: PageRequest,
    pub reinspections: PageRequest,
    pub heads: PageRequest,
}

impl Default for TransparencyRequest {
    fn default() -> Self {
        TransparencyRequest {
            rounds: PageRequest::first(20),
            reinspections: PageRequest::first(10),
            heads: PageRequest::first(30),
        }
    }
}

impl Portal<'_> {
    /// Reads as the public: nothing here needs an account, and nothing beyond what
    /// `rectify_domain::transparency` discloses is read out.
    pub async fn transparency(&self, req: &TransparencyRequest) -> StoreResult<Transparency> {
        Ok(Transparency {
            as_of: self.now(),
            rounds: self.inspections().public_rounds(&req.rounds).await?,
            reinspections: self.inspections().public_reinspections(&req.reinspections).await?,
            heads: self.audit().published_heads(&req.heads).await?,
        })
    }
}
