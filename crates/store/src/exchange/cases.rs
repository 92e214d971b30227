//! Importing cases, typically a message board's export (留言编号, 留言用户, 留言主题, 留言时间,
//! 留言详情, 答复意见, 答复时间): a row is the case with that id, or with that message number, or
//! a new case received at the recorded time. Its course — the reply at the recorded time, a
//! satisfaction — is written with the file's times, so the case figures count it like a native
//! case. Citizens' names and phones are sealed like any other; nobody is notified.

use super::UnitIndex;
use super::import::Run;
use crate::cases::flow::{Context, persist};
use crate::cases::intake::insert_row;
use crate::cases::{assemble, row as case_row};
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::versioned::created;
use rectify_domain::actor::Actor;
use rectify_domain::case::{CaseType, Channel, NewCase};
use rectify_domain::case::{ImportedCourse, import_course};
use rectify_domain::category::Taxonomy;
use rectify_domain::exchange::{CaseRecord, Row};
use rectify_domain::ids::CaseId;
use rectify_domain::{DomainError, Entity, Issue};
use rectify_vault::Keyring;
use std::collections::HashMap;

pub(crate) async fn import(
    c: &mut Conn<'_>,
    run: &mut Run,
    index: &UnitIndex,
    rows: Vec<Row<CaseRecord>>,
    ctx: &Context,
    vault: &Keyring,
) -> StoreResult<()> {
    record! {
        struct RefRow {
            id: CaseId as i64,
            reference: String,
        }
    }
    let known: Vec<RefRow> =
        c.fetch_all(Q::new("SELECT id, ref AS reference FROM cases WHERE ref IS NOT NULL")).await?;
    let mut refs: HashMap<String, CaseId> = known.into_iter().map(|r| (r.reference, r.id)).collect();
    let taxonomy = crate::triage::taxonomy(c).await?;
    for Row { row, record: r } in rows {
        if run.takes(row) {
            one(c, run, index, &mut refs, &taxonomy, row, r, ctx, vault).await?;
        }
        run.tick();
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn one(
    c: &mut Conn<'_>,
    run: &mut Run,
    index: &UnitIndex,
    refs: &mut HashMap<String, CaseId>,
    taxonomy: &Taxonomy,
    row: usize,
    r: CaseRecord,
    ctx: &Context,
    vault: &Keyring,
) -> StoreResult<()> {
    let unit = match &r.unit {
        None => None,
        Some(u) => match index.resolve(u) {
            Ok(id) => Some(id),
            Err(issue) => {
                run.error(row, "unit", Some(u.display()), issue);
                return Ok(());
            }
        },
    };
    if r.answer.is_some() != r.replied_at.is_some() {
        // A reply needs both its words and its time, or the on-time figures would guess.
        let (field, value) = if r.answer.is_some() { ("replied_at", None) } else { ("answer", None) };
        run.error(row, field, value, Issue::Required);
        return Ok(());
    }
    let existing = match (r.id, &r.reference) {
        (Some(id), _) => {
            if case_row(c, id).await?.is_none() {
                run.error(row, "id", Some(id.to_string()), Issue::UnknownReference { entity: Entity::Case });
                return Ok(());
            }
            Some(id)
        }
        (None, Some(number)) => refs.get(number).copied(),
        (None, None) => None,
    };
    // A labelled file names the category by its path, its code or its name.
    let category = match &r.category {
        None => None,
        Some(text) => match taxonomy.find(text) {
            Some(c) => Some(c.key.clone()),
            None => {
                run.error(row, "category", Some(text.clone()), Issue::UnknownReference { entity: Entity::Category });
                return Ok(());
            }
        },
    };
    let note = run.note(row);
    let course = ImportedCourse {
        unit,
        answer: r.answer.clone(),
        replied_at: r.replied_at,
        satisfaction: r.satisfaction,
        note: note.clone(),
        new_case: existing.is_none(),
        category,
    };
    let id = match existing {
        Some(id) => id,
        None => {
            let input = NewCase {
                content: r.content.clone(),
                title: r.title.clone(),
                channel: Some(r.channel.or(run.opts.channel).unwrap_or(Channel::Web)),
                case_type: Some(r.case_type.or(run.opts.case_type).unwrap_or(CaseType::Complaint)),
                name: r.citizen_name.clone(),
                phone: r.phone.clone(),
                unit_id: unit,
                received_at: r.received_at,
                ..Default::default()
            };
            let fields = input.validate(false, run.now).map_err(|e| match e {
                // The file's words for the API's.
                DomainError::Invalid(mut errs) => {
                    for er in &mut errs {
                        er.field = match er.field.as_str() {
                            "name" => "citizen_name".into(),
                            "type" => "case_type".into(),
                            other => other.to_owned(),
                        };
                    }
                    DomainError::Invalid(errs)
                }
                other => other,
            });
            let Some(fields) = run.refused(row, fields.map_err(Into::into))? else { return Ok(()) };
            let (id, _) = insert_row(c, vault, &run.actor, &fields, Vec::new(), fields.received_at, run.now).await?;
            if let Some(number) = &r.reference {
                c.execute(Q::new("UPDATE cases SET ref = $1 WHERE id = $2").bind(number.as_str()).bind(id)).await?;
                refs.insert(number.clone(), id);
            }
            let stored = case_row(c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Case, id))?;
            let case = assemble(c, vault, stored, ctx.today).await?;
            created(c, &run.actor, run.now, Entity::Case, id, case).await?;
            run.report.created += 1;
            support(c, id, &r).await?;
            let stored = case_row(c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Case, id))?;
            record_course(c, &run.actor, stored, &course, ctx).await?;
            return Ok(());
        }
    };
    let version = || Q::new("SELECT version FROM cases WHERE id = $1").bind(id);
    support(c, id, &r).await?;
    let before: Option<i64> = c.scalar_optional(version()).await?;
    let stored = case_row(c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Case, id))?;
    record_course(c, &run.actor, stored, &course, ctx).await?;
    let after: Option<i64> = c.scalar_optional(version()).await?;
    if after == before {
        run.report.unchanged += 1;
    } else {
        run.report.updated += 1;
    }
    Ok(())
}

/// Writes what the file says happened to a case, as the domain decides it (nothing when the
/// file adds nothing).
async fn record_course(
    c: &mut Conn<'_>,
    actor: &Actor,
    stored: crate::cases::CaseRow,
    course: &ImportedCourse,
    ctx: &Context,
) -> StoreResult<()> {
    if let Some(d) = import_course(&stored.course(), course, &ctx.env(false)) {
        persist(c, actor, stored, d, ctx).await?;
    }
    Ok(())
}

/// The board's support of the message, as the file counts it now (a later export counts more).
async fn support(c: &mut Conn<'_>, id: CaseId, r: &CaseRecord) -> StoreResult<()> {
    if r.likes.is_none() && r.dislikes.is_none() {
        return Ok(());
    }
    let q = Q::new("UPDATE cases SET likes = COALESCE($1, likes), dislikes = COALESCE($2, dislikes) WHERE id = $3")
        .bind(r.likes.map(i64::from))
        .bind(r.dislikes.map(i64::from))
        .bind(id);
    c.execute(q).await?;
    Ok(())
}
