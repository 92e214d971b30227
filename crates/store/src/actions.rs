//! How an actor stands to a record, for pages that offer only the actions the domain's tables
//! allow that party (the use cases still check everything when an action is fired).

use crate::areas::{Cases, Ledger};
use crate::error::StoreResult;
use rectify_domain::actor::{Actor, Party};
use rectify_domain::case::{Case, CaseParty};
use rectify_domain::problem::Problem;

impl Ledger<'_> {
    pub async fn problem_party(&self, actor: &Actor, p: &Problem) -> StoreResult<Party> {
        let (actor, unit) = (actor.clone(), p.unit_id);
        self.db.read(move |tx| Box::pin(async move { crate::units::party(&mut tx.conn(), &actor, unit).await })).await
    }
}

impl Cases<'_> {
    pub async fn case_party(&self, actor: &Actor, case: &Case) -> StoreResult<CaseParty> {
        let (actor, unit) = (actor.clone(), case.unit_id);
        self.db
            .read(move |tx| Box::pin(async move { crate::cases::case_party(&mut tx.conn(), &actor, unit).await }))
            .await
    }
}
