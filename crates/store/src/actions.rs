//! Which state changes an actor may offer on a record: the domain's transition tables applied
//! to how the actor stands to the record (pages show only these buttons).

use crate::Store;
use crate::error::StoreResult;
use rectify_domain::actor::Actor;
use rectify_domain::case::{Case, CaseAction};
use rectify_domain::problem::{Problem, ProblemAction};

impl Store {
    pub async fn problem_actions(&self, actor: &Actor, p: &Problem) -> StoreResult<Vec<ProblemAction>> {
        let (actor, unit, state) = (actor.clone(), p.unit_id, p.state);
        let party = self
            .db
            .read(move |tx| Box::pin(async move { crate::units::party(&mut tx.conn(), &actor, unit).await }))
            .await?;
        Ok(rectify_domain::problem::available_actions(state, party))
    }

    pub async fn case_actions(&self, actor: &Actor, case: &Case) -> StoreResult<Vec<CaseAction>> {
        let (actor, unit, state) = (actor.clone(), case.unit_id, case.state);
        let party = self
            .db
            .read(move |tx| Box::pin(async move { crate::cases::case_party(&mut tx.conn(), &actor, unit).await }))
            .await?;
        Ok(rectify_domain::case::available_actions(state, party))
    }
}
