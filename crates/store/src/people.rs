//! People: staff and appointed supervisors.

use crate::areas::Directory;
use crate::db::{Conn, Q, like_pattern, record};
use crate::error::StoreResult;
use crate::versioned::{self, archive_action, changed, check_version, created};

use crate::idempotency::{Created, IdempotencyKey};
use crate::page::{Cursor, Page, PageRequest};
use crate::units::require_live;
use chrono::{DateTime, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::{PersonId, UnitId};
use rectify_domain::person::{NewPerson, Person, PersonFields, PersonKind, PersonPatch};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity};

record! {
    struct PersonRow {
        id: PersonId as i64,
        name: String,
        kind: PersonKind as String,
        unit_id: Option<UnitId> as Option<i64>,
        position: Option<String>,
        affiliation: Option<String>,
        phone: Option<String>,
        archived_at: Option<Timestamp> as Option<DateTime<Utc>>,
        version: i64,
        created_at: Timestamp as DateTime<Utc>,
        updated_at: Timestamp as DateTime<Utc>,
    }
}

const COLUMNS: &str =
    "id, name, kind, unit_id, position, affiliation, phone, archived_at, version, created_at, updated_at";

impl From<PersonRow> for Person {
    fn from(r: PersonRow) -> Person {
        Person {
            id: r.id,
            name: r.name,
            kind: r.kind,
            unit_id: r.unit_id,
            position: r.position,
            affiliation: r.affiliation,
            phone: r.phone,
            archived: r.archived_at.is_some(),
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    pub unit: Option<UnitId>,
    pub kind: Option<PersonKind>,
    pub q: Option<String>,
    pub include_archived: bool,
}

pub(crate) async fn get(c: &mut Conn<'_>, id: PersonId) -> StoreResult<Option<Person>> {
    let row: Option<PersonRow> =
        c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM people WHERE id = $1")).bind(id)).await?;
    Ok(row.map(Person::from))
}

/// Every live person, in the order they were added (an export of the directory).
pub(crate) async fn all_live(c: &mut Conn<'_>) -> StoreResult<Vec<Person>> {
    let rows: Vec<PersonRow> =
        c.fetch_all(Q::new(format!("SELECT {COLUMNS} FROM people WHERE archived_at IS NULL ORDER BY id"))).await?;
    Ok(rows.into_iter().map(Person::from).collect())
}

/// A live person, or a field error naming `field`.
pub(crate) async fn require_live_person(c: &mut Conn<'_>, id: PersonId, field: &str) -> StoreResult<Person> {
    match get(c, id).await? {
        Some(p) if !p.archived => Ok(p),
        _ => Err(DomainError::unknown(field, Entity::Person).into()),
    }
}

/// Binds a person's fields as $1..$6 (name, kind, unit, position, affiliation, phone).
fn bind_fields(q: Q, f: &PersonFields) -> Q {
    q.bind(&f.name)
        .bind(f.kind.as_str())
        .bind(f.unit_id)
        .bind(f.position.clone())
        .bind(f.affiliation.clone())
        .bind(f.phone.clone())
}

async fn check_refs(c: &mut Conn<'_>, f: &PersonFields) -> StoreResult<()> {
    if let Some(u) = f.unit_id {
        require_live(c, u, "unit_id").await?;
    }
    Ok(())
}

/// Creates a person (their unit must be live) and records it.
pub(crate) async fn create(c: &mut Conn<'_>, actor: &Actor, f: &PersonFields, now: Timestamp) -> StoreResult<Person> {
    check_refs(c, f).await?;
    let id: PersonId = c
        .returning_id(
            bind_fields(
                Q::new(
                    "INSERT INTO people (name, kind, unit_id, position, affiliation, phone, version, \
                     created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
                ),
                f,
            )
            .bind(now),
        )
        .await?;
    let person = get(c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Person, id))?;
    created(c, actor, now, Entity::Person, id, person).await
}

/// Writes checked fields over `before` and records the change.
pub(crate) async fn write_update(
    c: &mut Conn<'_>,
    actor: &Actor,
    before: &Person,
    f: &PersonFields,
    archive: bool,
    note: Option<&str>,
    now: Timestamp,
) -> StoreResult<Person> {
    if f.unit_id != before.unit_id {
        check_refs(c, f).await?;
    }
    versioned::update(
        c,
        Entity::Person,
        before.version,
        bind_fields(
            Q::new(
                "UPDATE people SET name = $1, kind = $2, unit_id = $3, position = $4, affiliation = $5, \
                 phone = $6, archived_at = CASE WHEN $7 THEN COALESCE(archived_at, $8) END, \
                 version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10",
            ),
            f,
        )
        .bind(archive)
        .bind(now)
        .bind(before.id)
        .bind(before.version),
    )
    .await?;
    let after = get(c, before.id).await?.ok_or_else(|| DomainError::not_found(Entity::Person, before.id))?;
    let action = archive_action(before.archived, after.archived);
    changed(c, actor, now, Entity::Person, before.id, action, note, before, after).await
}

impl Directory<'_> {
    pub async fn create_person(
        &self,
        actor: &Actor,
        input: NewPerson,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Person>> {
        authorize(actor, Permission::ManagePeople, Party::Office)?;
        let f = input.validate()?;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| Box::pin(async move { create(&mut tx.conn(), &actor, &f, now).await })).await
    }

    pub async fn update_person(&self, actor: &Actor, id: PersonId, patch: PersonPatch) -> StoreResult<Person> {
        authorize(actor, Permission::ManagePeople, Party::Office)?;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = get(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Person, id))?;
                    check_version(Entity::Person, patch.version, before.version)?;
                    let f = patch.apply(&before)?;
                    let archive = patch.archived.unwrap_or(before.archived);
                    write_update(&mut c, &actor, &before, &f, archive, None, now).await
                })
            })
            .await
    }

    pub async fn get_person(&self, actor: &Actor, id: PersonId) -> StoreResult<Person> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let person = self.db.read(move |tx| Box::pin(async move { get(&mut tx.conn(), id).await })).await?;
        person.ok_or_else(|| DomainError::not_found(Entity::Person, id).into())
    }

    pub async fn list_people(
        &self,
        actor: &Actor,
        filter: &PersonFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Person>> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let mut q = Q::new(format!("SELECT {COLUMNS} FROM people WHERE 1 = 1"));
        if !filter.include_archived {
            q.push(" AND archived_at IS NULL");
        }
        if let Some(u) = filter.unit {
            q.push(" AND unit_id = ").push_bind(u);
        }
        if let Some(k) = filter.kind {
            q.push(" AND kind = ").push_bind(k.as_str());
        }
        if let Some(text) = &filter.q {
            q.push(" AND name LIKE ").push_bind(like_pattern(text)).push(" ESCAPE '\\'");
        }
        if let Some(after) = &page.after {
            q.push(" AND id > ").push_bind(after.id);
        }
        q.push(" ORDER BY id LIMIT ").push_bind(i64::from(page.limit) + 1);
        let rows: Vec<PersonRow> = self.db.fetch_all(q).await?;
        page.finish(rows, |r| Cursor { key: None, id: r.id.get() }, |r| Ok(Person::from(r)))
    }
}
