//! Importing a ledger (问题整改台账): a row is the problem with that id (an exported file), or the
//! item with that number (编号/序号) in the campaign imported into, or a new problem. People
//! named as responsible person or leader are found in the unit by name, or made there.
//! Measures, progress and the state a row gives are added, never taken away: an import does not
//! delete measures and does not reopen (that is `reopen`, with its reason).

use super::UnitIndex;
use super::import::Run;
use super::people::PeopleIndex;
use crate::campaigns::{get_batch, require_live_campaign};
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::people;
use crate::problems::{
    self, append_progress, insert_measure, insert_new, record_imported_state, refresh_due, write_update,
};
use rectify_domain::exchange::{ProblemRecord, Row};
use rectify_domain::ids::{CampaignId, PersonId, ProblemId, UnitId};
use rectify_domain::light::LightThresholds;
use rectify_domain::person::{NewPerson, PersonKind};
use rectify_domain::problem::{
    MeasureFields, NewMeasure, NewProblem, Problem, ProblemFields, ProblemState, ProgressFields, SourceKind,
};
use rectify_domain::{DomainError, Entity, Issue, Rule};
use std::collections::HashMap;

record! {
    struct RefRow {
        id: ProblemId as i64,
        campaign_id: Option<CampaignId> as Option<i64>,
        reference: String,
    }
}

/// What the rows of one file share: the indexes that resolve names and numbers.
struct Ledger {
    people: PeopleIndex,
    /// (campaign, number) → problem.
    refs: HashMap<(Option<CampaignId>, String), ProblemId>,
    /// Numbers given by earlier rows of this file to new problems.
    campaign: Option<CampaignId>,
}

pub(crate) async fn import(
    c: &mut Conn<'_>,
    run: &mut Run,
    index: &mut UnitIndex,
    rows: Vec<Row<ProblemRecord>>,
    t: &LightThresholds,
) -> StoreResult<()> {
    // The campaign and batch are the import's, checked once.
    let mut campaign = run.opts.campaign_id;
    if let Some(b) = run.opts.batch_id {
        match get_batch(c, b).await? {
            Some(batch) if campaign.is_none_or(|c| c == batch.campaign_id) => campaign = Some(batch.campaign_id),
            Some(_) => return Err(DomainError::rule(Rule::BatchNotInCampaign, "batch_id").into()),
            None => return Err(DomainError::unknown("batch_id", Entity::Batch).into()),
        }
    }
    if let Some(cid) = campaign {
        require_live_campaign(c, cid, "campaign_id").await?;
    }
    let refs: Vec<RefRow> = c
        .fetch_all(Q::new(
            "SELECT id, campaign_id, ref AS reference FROM problems WHERE ref IS NOT NULL AND archived_at IS NULL",
        ))
        .await?;
    let mut ledger = Ledger {
        people: PeopleIndex::load(c).await?,
        refs: refs.into_iter().map(|r| ((r.campaign_id, r.reference), r.id)).collect(),
        campaign,
    };
    for Row { row, record: r } in rows {
        if run.takes(row) {
            one(c, run, index, &mut ledger, row, r, t).await?;
        }
        run.tick();
    }
    Ok(())
}

/// The person of `unit` named `name`, made there when there is none.
async fn person(
    c: &mut Conn<'_>,
    run: &mut Run,
    ledger: &mut Ledger,
    unit: UnitId,
    name: &str,
) -> StoreResult<Result<PersonId, DomainError>> {
    if let Some(id) = ledger.people.find(Some(unit), name) {
        return Ok(Ok(id));
    }
    let input = NewPerson {
        name: Some(name.to_owned()),
        kind: Some(PersonKind::Staff),
        unit_id: Some(unit),
        ..Default::default()
    };
    let fields = match input.validate() {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    let p = people::create(c, &run.actor, &fields, run.now).await?;
    ledger.people.insert(Some(unit), p.name.clone(), p.id);
    run.report.people_created += 1;
    Ok(Ok(p.id))
}

/// The person a cell names (`Some(None)` for an empty cell), or `None` when the name is refused
/// (the error is the row's).
#[allow(clippy::too_many_arguments)]
async fn person_field(
    c: &mut Conn<'_>,
    run: &mut Run,
    ledger: &mut Ledger,
    unit: UnitId,
    row: usize,
    field: &str,
    name: Option<String>,
) -> StoreResult<Option<Option<PersonId>>> {
    let Some(name) = name else { return Ok(Some(None)) };
    match person(c, run, ledger, unit, &name).await? {
        Ok(id) => Ok(Some(Some(id))),
        Err(DomainError::Invalid(errors)) => {
            for e in errors {
                run.error(row, field, Some(name.clone()), e.issue);
            }
            Ok(None)
        }
        Err(other) => {
            run.domain_error(row, other);
            Ok(None)
        }
    }
}

/// A stored problem's own fields, as a row would give them.
fn fields_of(p: &Problem) -> ProblemFields {
    ProblemFields {
        reference: p.reference.clone(),
        description: p.description.clone(),
        unit_id: p.unit_id,
        responsible_person_id: p.responsible_person_id,
        leader_person_id: p.leader_person_id,
        level: p.level,
        category: p.category.clone(),
        problem_type: p.problem_type,
        root_cause: p.root_cause.clone(),
        deadline: p.deadline,
        campaign_id: p.campaign_id,
        batch_id: p.batch_id,
        sources: p.sources.clone(),
        published: p.published,
    }
}

#[allow(clippy::too_many_arguments)]
async fn one(
    c: &mut Conn<'_>,
    run: &mut Run,
    index: &mut UnitIndex,
    ledger: &mut Ledger,
    row: usize,
    r: ProblemRecord,
    t: &LightThresholds,
) -> StoreResult<()> {
    // Which problem the row is.
    let existing: Option<Problem> = match (r.id, &r.reference) {
        (Some(id), _) => match problems::get(c, id, t).await? {
            Some(p) => Some(p),
            None => {
                run.error(row, "id", Some(id.to_string()), Issue::UnknownReference { entity: Entity::Problem });
                return Ok(());
            }
        },
        (None, Some(number)) => match ledger.refs.get(&(ledger.campaign, number.clone())) {
            Some(id) => problems::get(c, *id, t).await?,
            None => None,
        },
        (None, None) => None,
    };
    let unit = match &r.unit {
        Some(u) => match index.resolve(u) {
            Ok(id) => Some(id),
            Err(issue) => {
                run.error(row, "unit", Some(u.display()), issue);
                return Ok(());
            }
        },
        None => existing.as_ref().map(|p| p.unit_id),
    };
    let Some(unit) = unit else {
        run.error(row, "unit", None, Issue::Required);
        return Ok(());
    };
    let Some(responsible) = person_field(c, run, ledger, unit, row, "responsible", r.responsible.clone()).await? else {
        return Ok(());
    };
    let Some(leader) = person_field(c, run, ledger, unit, row, "leader", r.leader.clone()).await? else {
        return Ok(());
    };
    let note = run.note(row);
    let problem = match existing {
        Some(before) => {
            let input = NewProblem {
                reference: r.reference.clone().or_else(|| before.reference.clone()),
                description: Some(r.description.clone().unwrap_or_else(|| before.description.clone())),
                unit_id: Some(unit),
                responsible_person_id: responsible.or(before.responsible_person_id),
                leader_person_id: leader.or(before.leader_person_id),
                level: Some(r.level.unwrap_or(before.level)),
                category: r.category.clone().or_else(|| before.category.clone()),
                problem_type: Some(r.problem_type.unwrap_or(before.problem_type)),
                root_cause: r.root_cause.clone().or_else(|| before.root_cause.clone()),
                deadline: r.deadline.or(before.deadline),
                campaign_id: before.campaign_id,
                batch_id: before.batch_id,
                sources: before.sources.clone(),
                published: r.published.unwrap_or(before.published),
                measures: Vec::new(),
                case_ids: Vec::new(),
            };
            let Some((fields, _)) = run.refused(row, input.validate().map_err(Into::into))? else { return Ok(()) };
            let mut changed = false;
            let mut p = before.clone();
            if fields != fields_of(&before) {
                let written =
                    write_update(c, &run.actor, &before, fields, before.archived, Some(&note), t, run.now).await;
                let Some(after) = run.refused(row, written)? else { return Ok(()) };
                p = after;
                changed = true;
            }
            // Measures the ledger does not have yet are added; none is taken away.
            let known: Vec<String> = p.measures.iter().flatten().map(|m| m.description.clone()).collect();
            let fresh: Vec<&String> = r.measures.iter().flatten().filter(|m| !known.contains(m)).collect();
            if !fresh.is_empty() {
                for (i, m) in fresh.into_iter().enumerate() {
                    let fields =
                        MeasureFields { description: m.clone(), owner_person_id: None, deadline: None, done: false };
                    insert_measure(c, p.id, (known.len() + i) as i64, &fields, run.now).await?;
                }
                refresh_due(c, p.id).await?;
                changed = true;
            }
            (p, changed, false)
        }
        None => {
            let input = NewProblem {
                reference: r.reference.clone(),
                description: r.description.clone(),
                unit_id: Some(unit),
                responsible_person_id: responsible,
                leader_person_id: leader,
                level: r.level,
                category: r.category.clone(),
                problem_type: r.problem_type,
                root_cause: r.root_cause.clone(),
                deadline: r.deadline,
                campaign_id: ledger.campaign,
                batch_id: run.opts.batch_id,
                sources: vec![SourceKind::SelfCheck],
                published: r.published.unwrap_or(false),
                measures: r
                    .measures
                    .iter()
                    .flatten()
                    .map(|m| NewMeasure { description: Some(m.clone()), ..Default::default() })
                    .collect(),
                case_ids: Vec::new(),
            };
            let Some((fields, measures)) = run.refused(row, input.validate().map_err(Into::into))? else {
                return Ok(());
            };
            let p = insert_new(c, &run.actor, &fields, &measures, &[], Some(&note), t, run.now).await;
            let Some(p) = run.refused(row, p.map_err(problems::duplicate_reference))? else { return Ok(()) };
            if let Some(number) = &p.reference {
                ledger.refs.insert((p.campaign_id, number.clone()), p.id);
            }
            (p, true, true)
        }
    };
    let (p, mut changed, created) = problem;
    // Progress written in the ledger becomes an entry when it says something new.
    if let Some(text) = &r.progress {
        let latest: Option<String> = c
            .scalar_optional(
                Q::new("SELECT note FROM progress WHERE problem_id = $1 ORDER BY id DESC LIMIT 1").bind(p.id),
            )
            .await?;
        if latest.as_deref() != Some(text.as_str()) && p.state != ProblemState::Closed {
            let f = ProgressFields { note: Some(text.clone()), attachment_ids: Vec::new(), on: run.now.china_date() };
            append_progress(c, &run.actor, p.id, &f, run.now).await?;
            changed = true;
        }
    }
    if let Some(state) = r.state
        && state != p.state
    {
        let moved = record_imported_state(c, &run.actor, &p, state, &note, t, run.now).await;
        if run.refused(row, moved)?.is_none() {
            return Ok(());
        }
        changed = true;
    }
    match (created, changed) {
        (true, _) => run.report.created += 1,
        (false, true) => run.report.updated += 1,
        (false, false) => run.report.unchanged += 1,
    }
    Ok(())
}
