//! Firing the problem state machine (`start`, `report_done`, `verify`, `reject`, `reopen`).

use super::{get, get_visible, problem_change, progress::evidence_count};
use crate::Store;
use crate::db::Q;
use crate::error::StoreResult;
use crate::history;
use crate::units;
use crate::versioned::{self};
use rectify_domain::actor::Actor;
use rectify_domain::ids::ProblemId;
use rectify_domain::problem::{Problem, ProblemAction, ProblemState, TransitionContext, TransitionRequest, fire};
use rectify_domain::{DomainError, Entity, Issue, text};

fn parse_action(s: Option<&str>) -> Result<ProblemAction, DomainError> {
    match s.map(text::clean) {
        None | Some("") => Err(DomainError::field("action", Issue::Required)),
        Some(a) => ProblemAction::parse(a).ok_or_else(|| {
            DomainError::field(
                "action",
                Issue::NotOneOf { expected: ProblemAction::ALL.iter().map(|a| a.as_str().to_owned()).collect() },
            )
        }),
    }
}

impl Store {
    pub async fn transition_problem(
        &self,
        actor: &Actor,
        id: ProblemId,
        req: TransitionRequest,
    ) -> StoreResult<Problem> {
        let action = parse_action(req.action.as_deref())?;
        let note =
            text::optional("note", req.note.as_deref(), text::TEXT_MAX).map_err(|e| DomainError::Invalid(vec![e]))?;
        let t = self.light_thresholds().await?.value;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = get_visible(&mut c, &actor, id, &t).await?;
                    if let Some(v) = req.version
                        && v != before.version
                    {
                        return Err(
                            DomainError::StaleVersion { entity: Entity::Problem, current: before.version }.into()
                        );
                    }
                    let party = units::party(&mut c, &actor, before.unit_id).await?;
                    let actor_inside_owner = match actor.unit_id {
                        Some(u) => units::line_up(&mut c, u).await?.contains(&before.unit_id),
                        None => false,
                    };
                    let open_measures: i64 = c
                        .scalar(
                            Q::new(
                                "SELECT COUNT(*) FROM measures \
                                 WHERE problem_id = $1 AND archived_at IS NULL AND done = $2",
                            )
                            .bind(id)
                            .bind(false),
                        )
                        .await?;
                    let ctx = TransitionContext {
                        party,
                        actor_inside_owner,
                        evidence: evidence_count(&mut c, id).await?,
                        open_measures: open_measures as u64,
                        note: note.as_deref(),
                    };
                    let to = fire(before.state, action, &ctx)?;
                    let update = Q::new(
                        "UPDATE problems SET state = $1, version = version + 1, updated_at = $2, \
                         reported_at = CASE WHEN $3 THEN $2 ELSE reported_at END, \
                         closed_at = CASE WHEN $4 THEN $2 WHEN $5 THEN NULL ELSE closed_at END \
                         WHERE id = $6 AND version = $7",
                    )
                    .bind(to.as_str())
                    .bind(now)
                    .bind(to == ProblemState::Reported)
                    .bind(to == ProblemState::Closed)
                    .bind(before.state == ProblemState::Closed)
                    .bind(id)
                    .bind(before.version);
                    versioned::update(&mut c, Entity::Problem, before.version, update).await?;
                    let after =
                        get(&mut c, id, &t).await?.ok_or_else(|| DomainError::not_found(Entity::Problem, id))?;
                    let change = problem_change(&after, action.as_str(), note.as_deref(), Some(&before));
                    history::record(&mut c, &actor, now, change).await?;
                    Ok(after)
                })
            })
            .await
    }
}
