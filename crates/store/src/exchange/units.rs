//! Importing the unit tree: a row is the unit with that id (an exported file), or the unit of
//! that name under that parent; rows may name parents made by earlier rows.

use super::UnitIndex;
use super::import::Run;
use crate::db::Conn;
use crate::error::StoreResult;
use crate::units;
use rectify_domain::exchange::{Row, UnitRecord};
use rectify_domain::unit::{NewUnit, Unit, UnitFields};
use rectify_domain::{Entity, Issue};

fn fields_of(u: &Unit) -> UnitFields {
    UnitFields {
        name: u.name.clone(),
        parent_id: u.parent_id,
        kind: u.kind,
        system: u.system.clone(),
        complaint_phone: u.complaint_phone.clone(),
        mailbox: u.mailbox.clone(),
    }
}

pub(crate) async fn import(
    c: &mut Conn<'_>,
    run: &mut Run,
    index: &mut UnitIndex,
    rows: Vec<Row<UnitRecord>>,
) -> StoreResult<()> {
    for Row { row, record: r } in rows {
        if run.takes(row) {
            one(c, run, index, row, r).await?;
        }
        run.tick();
    }
    Ok(())
}

async fn one(c: &mut Conn<'_>, run: &mut Run, index: &mut UnitIndex, row: usize, r: UnitRecord) -> StoreResult<()> {
    let parent = match &r.parent {
        None => None,
        Some(p) => match index.resolve(p) {
            Ok(u) => Some(u),
            Err(issue) => {
                run.error(row, "parent", Some(p.display()), issue);
                return Ok(());
            }
        },
    };
    let existing = match (r.id, &r.name) {
        (Some(id), _) => match units::get(c, id).await? {
            Some(u) => Some(u),
            None => {
                run.error(row, "id", Some(id.to_string()), Issue::UnknownReference { entity: Entity::Unit });
                return Ok(());
            }
        },
        (None, Some(name)) => match index.child(parent, name) {
            Some(id) => units::get(c, id).await?,
            None => None,
        },
        (None, None) => None,
    };
    let note = run.note(row);
    match existing {
        Some(before) => {
            let input = NewUnit {
                name: Some(r.name.unwrap_or_else(|| before.name.clone())),
                parent_id: if r.parent.is_some() { parent } else { before.parent_id },
                kind: Some(r.kind.unwrap_or(before.kind)),
                system: r.system.or_else(|| before.system.clone()),
                complaint_phone: r.complaint_phone.or_else(|| before.complaint_phone.clone()),
                mailbox: r.mailbox.or_else(|| before.mailbox.clone()),
            };
            let Some(fields) = run.refused(row, input.validate().map_err(Into::into))? else { return Ok(()) };
            if fields == fields_of(&before) {
                run.report.unchanged += 1;
                return Ok(());
            }
            let written =
                units::write_update(c, &run.actor, &before, &fields, before.archived, Some(&note), run.now).await;
            if let Some(after) = run.refused(row, written)? {
                index.insert(after.id, after.parent_id, after.name, !after.archived);
                run.report.updated += 1;
            }
        }
        None => {
            let input = NewUnit {
                name: r.name,
                parent_id: parent,
                kind: r.kind,
                system: r.system,
                complaint_phone: r.complaint_phone,
                mailbox: r.mailbox,
            };
            let Some(fields) = run.refused(row, input.validate().map_err(Into::into))? else { return Ok(()) };
            if let Some(u) = run.refused(row, units::create(c, &run.actor, &fields, run.now).await)? {
                index.insert(u.id, u.parent_id, u.name, true);
                run.report.created += 1;
            }
        }
    }
    Ok(())
}
