//! Importing the service catalog (事项清单): a row is the item with that code; a new code makes
//! a new item, a known one the item's next version when the row changes it (its history note
//! names the file and the row). Cells left blank keep what the item says.

use super::UnitIndex;
use super::import::Run;
use crate::db::Conn;
use crate::error::StoreResult;
use crate::services::{by_code, insert_item, write_revision};
use rectify_domain::exchange::{Row, ServiceRecord};
use rectify_domain::service::catalog::{ItemStaff, NewMaterial, NewServiceItem, ServiceItem};

pub(crate) async fn import(
    c: &mut Conn<'_>,
    run: &mut Run,
    index: &UnitIndex,
    rows: Vec<Row<ServiceRecord>>,
) -> StoreResult<()> {
    for Row { row, record } in rows {
        if run.takes(row) {
            one(c, run, index, row, record).await?;
        }
        run.tick();
    }
    Ok(())
}

/// The item as a new version would write it: what the row says over what is stored.
fn input(r: ServiceRecord, unit: Option<rectify_domain::ids::UnitId>, before: Option<&ServiceItem>) -> NewServiceItem {
    let f = before.map(|b| &b.fields);
    let list = |new: Vec<String>, old: Option<&Vec<String>>| {
        if new.is_empty() { old.cloned().unwrap_or_default() } else { new }
    };
    NewServiceItem {
        code: r.code.or_else(|| f.map(|f| f.code.clone())),
        name: r.name.or_else(|| f.map(|f| f.name.clone())),
        kind: r.kind.or(f.map(|f| f.kind)),
        unit_id: unit.or(f.map(|f| f.unit_id)),
        window: r.window.or_else(|| f.and_then(|f| f.window.clone())),
        staff: if r.staff.is_empty() {
            f.map(|f| {
                f.staff.iter().map(|s| ItemStaff { name: Some(s.name.clone()), phone: Some(s.phone.clone()) }).collect()
            })
            .unwrap_or_default()
        } else {
            r.staff
        },
        place: r.place.or_else(|| f.and_then(|f| f.place.clone())),
        hours: r.hours.or_else(|| f.and_then(|f| f.hours.clone())),
        materials: if r.materials.is_empty() {
            f.map(|f| {
                f.materials
                    .iter()
                    .map(|m| NewMaterial {
                        name: Some(m.name.clone()),
                        form: Some(m.form),
                        count: Some(m.count),
                        source: m.source.clone(),
                        optional: m.optional,
                    })
                    .collect()
            })
            .unwrap_or_default()
        } else {
            r.materials
        },
        steps: list(r.steps, f.map(|f| &f.steps)),
        legal_limit_days: r.legal_limit_days.or(f.map(|f| f.legal_limit_days)),
        promised_limit_days: r.promised_limit_days.or(f.map(|f| f.promised_limit_days)),
        fees: r.fees.or_else(|| f.and_then(|f| f.fees.clone())),
        fee_basis: r.fee_basis.or_else(|| f.and_then(|f| f.fee_basis.clone())),
        legal_basis: r.legal_basis.or_else(|| f.and_then(|f| f.legal_basis.clone())),
        max_visits: r.max_visits.or(f.map(|f| f.max_visits)),
        delivery: r.delivery.or(f.map(|f| f.delivery)),
        lists: list(r.lists, f.map(|f| &f.lists)),
        published: None,
        version: None,
        reason: None,
    }
}

async fn one(c: &mut Conn<'_>, run: &mut Run, index: &UnitIndex, row: usize, r: ServiceRecord) -> StoreResult<()> {
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
    let before = match &r.code {
        Some(code) => by_code(c, code).await?,
        None => None,
    };
    let input = input(r, unit, before.as_ref());
    let Some(fields) = run.refused(row, input.validate().map_err(Into::into))? else { return Ok(()) };
    if let Some(u) = unit
        && !index.is_live(u)
    {
        run.error(row, "unit", None, rectify_domain::Issue::UnknownReference { entity: rectify_domain::Entity::Unit });
        return Ok(());
    }
    let note = run.note(row);
    match before {
        Some(before) if before.fields == fields => run.report.unchanged += 1,
        Some(before) => {
            let written = write_revision(c, &run.actor, &before, fields, before.published, Some(&note), run.now).await;
            if run.refused(row, written)?.is_some() {
                run.report.updated += 1;
            }
        }
        None => {
            let written = insert_item(c, &run.actor, fields, true, run.now).await;
            if let Some(item) = run.refused(row, written)? {
                let history = crate::versioned::created(
                    c,
                    &run.actor,
                    run.now,
                    rectify_domain::Entity::ServiceItem,
                    item.id,
                    item,
                )
                .await;
                run.refused(row, history)?;
                run.report.created += 1;
            }
        }
    }
    Ok(())
}
