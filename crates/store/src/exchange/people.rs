//! Importing people: a row is the person with that id (an exported file), or the live person of
//! that name in that unit.

use super::UnitIndex;
use super::import::Run;
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::people;
use rectify_domain::exchange::{PersonRecord, Row};
use rectify_domain::ids::{PersonId, UnitId};
use rectify_domain::person::{NewPerson, Person, PersonFields, PersonKind};
use rectify_domain::{Entity, Issue};
use std::collections::HashMap;

record! {
    struct NameRow {
        id: PersonId as i64,
        unit_id: Option<UnitId> as Option<i64>,
        name: String,
    }
}

/// Live people by (unit, name): how a file without ids names them.
pub(crate) struct PeopleIndex {
    by_unit_name: HashMap<(Option<UnitId>, String), PersonId>,
}

impl PeopleIndex {
    pub(crate) async fn load(c: &mut Conn<'_>) -> StoreResult<PeopleIndex> {
        let rows: Vec<NameRow> =
            c.fetch_all(Q::new("SELECT id, unit_id, name FROM people WHERE archived_at IS NULL ORDER BY id")).await?;
        let mut by_unit_name = HashMap::new();
        for r in rows {
            by_unit_name.entry((r.unit_id, r.name)).or_insert(r.id);
        }
        Ok(PeopleIndex { by_unit_name })
    }

    pub(crate) fn find(&self, unit: Option<UnitId>, name: &str) -> Option<PersonId> {
        self.by_unit_name.get(&(unit, name.to_owned())).copied()
    }

    pub(crate) fn insert(&mut self, unit: Option<UnitId>, name: String, id: PersonId) {
        self.by_unit_name.insert((unit, name), id);
    }
}

fn fields_of(p: &Person) -> PersonFields {
    PersonFields {
        name: p.name.clone(),
        kind: p.kind,
        unit_id: p.unit_id,
        position: p.position.clone(),
        affiliation: p.affiliation.clone(),
        phone: p.phone.clone(),
    }
}

pub(crate) async fn import(
    c: &mut Conn<'_>,
    run: &mut Run,
    index: &UnitIndex,
    rows: Vec<Row<PersonRecord>>,
) -> StoreResult<()> {
    let mut people_index = PeopleIndex::load(c).await?;
    for Row { row, record: r } in rows {
        if run.takes(row) {
            one(c, run, index, &mut people_index, row, r).await?;
        }
        run.tick();
    }
    Ok(())
}

async fn one(
    c: &mut Conn<'_>,
    run: &mut Run,
    index: &UnitIndex,
    people_index: &mut PeopleIndex,
    row: usize,
    r: PersonRecord,
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
    let existing = match (r.id, &r.name) {
        (Some(id), _) => match people::get(c, id).await? {
            Some(p) => Some(p),
            None => {
                run.error(row, "id", Some(id.to_string()), Issue::UnknownReference { entity: Entity::Person });
                return Ok(());
            }
        },
        (None, Some(name)) => match people_index.find(unit, name) {
            Some(id) => people::get(c, id).await?,
            None => None,
        },
        (None, None) => None,
    };
    match existing {
        Some(before) => {
            let input = NewPerson {
                name: Some(r.name.unwrap_or_else(|| before.name.clone())),
                kind: Some(r.kind.unwrap_or(before.kind)),
                unit_id: if r.unit.is_some() { unit } else { before.unit_id },
                position: r.position.or_else(|| before.position.clone()),
                affiliation: r.affiliation.or_else(|| before.affiliation.clone()),
                phone: r.phone.or_else(|| before.phone.clone()),
            };
            let Some(fields) = run.refused(row, input.validate().map_err(Into::into))? else { return Ok(()) };
            if fields == fields_of(&before) {
                run.report.unchanged += 1;
                return Ok(());
            }
            let note = run.note(row);
            let written = people::write_update(c, &run.actor, &before, &fields, before.archived, Some(&note), run.now);
            if let Some(after) = run.refused(row, written.await)? {
                people_index.insert(after.unit_id, after.name, after.id);
                run.report.updated += 1;
            }
        }
        None => {
            let input = NewPerson {
                name: r.name,
                kind: Some(r.kind.unwrap_or(PersonKind::Staff)),
                unit_id: unit,
                position: r.position,
                affiliation: r.affiliation,
                phone: r.phone,
            };
            let Some(fields) = run.refused(row, input.validate().map_err(Into::into))? else { return Ok(()) };
            if let Some(p) = run.refused(row, people::create(c, &run.actor, &fields, run.now).await)? {
                people_index.insert(p.unit_id, p.name, p.id);
                run.report.created += 1;
            }
        }
    }
    Ok(())
}
