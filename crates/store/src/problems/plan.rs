//! A cadre's personal rectification plan (个人整改计划书): their problems as the viewer may see
//! them, read in one snapshot and put together by the domain (`PersonalPlan::build`).

use super::{COLUMNS, ProblemFilter, ProblemRow, measures, push_conditions};
use crate::areas::Ledger;
use crate::db::Q;
use crate::error::StoreResult;
use crate::visibility::{self, Scope};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::{PersonId, ProblemId, UnitId};
use rectify_domain::personal_plan::{PersonalPlan, PlanScope};
use rectify_domain::{DomainError, Entity};

fn plan_scope(scope: &Scope) -> PlanScope {
    match scope {
        Scope::All => PlanScope::All,
        Scope::Units(_) => PlanScope::OwnUnits,
        Scope::PublishedOnly => PlanScope::Published,
    }
}

impl Ledger<'_> {
    /// The plan of `person`: who may see the person (every account, as the directory) may open
    /// it, and it lists the problems they are responsible for that the viewer may see in the
    /// ledger — the very rows of the list filtered by `responsible`.
    pub async fn personal_plan(&self, actor: &Actor, person: PersonId) -> StoreResult<PersonalPlan> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let t = self.reference().light_thresholds().await?.value;
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let who = crate::people::get(&mut c, person)
                        .await?
                        .ok_or_else(|| DomainError::not_found(Entity::Person, person))?;
                    let scope = visibility::problems(&mut c, &actor).await?;
                    let filter = ProblemFilter { responsible: Some(person), ..ProblemFilter::default() };
                    let mut q = Q::new(format!("SELECT {COLUMNS} FROM problems WHERE 1 = 1"));
                    push_conditions(&mut q, &filter, None, &scope, &t);
                    let rows: Vec<ProblemRow> = c.fetch_all(q).await?;
                    let mut problems: Vec<_> = rows.into_iter().map(|r| r.into_problem(&t)).collect();
                    let ids: Vec<ProblemId> = problems.iter().map(|p| p.id).collect();
                    let mut measures = measures::of_problems(&mut c, &ids, &t).await?;
                    for p in &mut problems {
                        p.measures = Some(measures.remove(&p.id).unwrap_or_default());
                    }
                    let mut named: Vec<UnitId> = problems.iter().map(|p| p.unit_id).chain(who.unit_id).collect();
                    named.sort_unstable();
                    named.dedup();
                    let mut q = Q::new("SELECT id, name FROM units WHERE ");
                    q.push_in("id", named.iter().copied());
                    let units = c.fetch_names::<UnitId>(q).await?;
                    Ok(PersonalPlan::build(&who, &units, problems, plan_scope(&scope), t.today))
                })
            })
            .await
    }
}
