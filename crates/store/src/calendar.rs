//! The working-day calendar in the database, and a short-lived cache of the reference data every
//! light needs (calendar and settings), so hot paths do not reread them per request.

use crate::areas::Reference;
use crate::db::{Conn, Db, Q, record};
use crate::error::StoreResult;
use crate::history::{self, Change};
use crate::settings::{self, Settings};
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::calendar::{
    CalendarDay, CalendarYear, DayKind, Reckoned, SHIPPED_CALENDAR, WorkCalendar, parse_calendar_file,
};
use rectify_domain::light::LightThresholds;
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity};
use serde::Serialize;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Another instance's change to the calendar or settings is seen within this time.
const REFERENCE_TTL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub(crate) struct ReferenceCache {
    inner: RwLock<Option<(Instant, Arc<WorkCalendar>, Settings)>>,
}

impl ReferenceCache {
    pub(crate) async fn get(&self, db: &Db) -> StoreResult<(Arc<WorkCalendar>, Settings)> {
        if let Some((at, cal, s)) = &*self.inner.read().unwrap_or_else(|e| e.into_inner())
            && at.elapsed() < REFERENCE_TTL
        {
            return Ok((cal.clone(), s.clone()));
        }
        let (cal, s) = db
            .read(|tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    Ok((Arc::new(load_calendar(&mut c).await?), settings::load(&mut c).await?))
                })
            })
            .await?;
        *self.inner.write().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), cal.clone(), s.clone()));
        Ok((cal, s))
    }

    pub(crate) async fn settings(&self, db: &Db) -> StoreResult<Settings> {
        Ok(self.get(db).await?.1)
    }

    pub(crate) fn invalidate(&self) {
        *self.inner.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

record! {
    struct DayRow {
        day: NaiveDate,
        kind: DayKind as String,
        name: String,
    }
}

impl From<DayRow> for CalendarDay {
    fn from(d: DayRow) -> CalendarDay {
        CalendarDay { date: d.day, kind: d.kind, name: d.name }
    }
}

async fn load_calendar(c: &mut Conn<'_>) -> StoreResult<WorkCalendar> {
    let years: Vec<(i64,)> = c.fetch_all(Q::new("SELECT year FROM calendar_years")).await?;
    let days: Vec<DayRow> = c.fetch_all(Q::new("SELECT day, kind, name FROM calendar_days")).await?;
    Ok(WorkCalendar::new(years.into_iter().map(|(y,)| y as i32), days.into_iter().map(CalendarDay::from)))
}

/// A loaded year as listed by `GET /api/v1/calendar`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoadedYear {
    pub year: i32,
    pub source: Option<String>,
    pub loaded_at: Timestamp,
    pub loaded_by: String,
    pub holidays: i64,
    pub workdays: i64,
}

record! {
    struct YearRow {
        year: i64,
        source: Option<String>,
        loaded_at: Timestamp as DateTime<Utc>,
        loaded_by: String,
        holidays: i64,
        workdays: i64,
    }
}

impl Reference<'_> {
    /// The working-day calendar (cached briefly), for the use cases that count with it.
    pub async fn calendar(&self) -> StoreResult<Arc<WorkCalendar>> {
        Ok(self.reference_cache.get(&self.db).await?.0)
    }

    /// The working-day calendar for someone reading it (deadline arithmetic): part of the
    /// directory, so it asks the same permission as the rest of it.
    pub async fn working_calendar(&self, actor: &Actor) -> StoreResult<Arc<WorkCalendar>> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        self.reference().calendar().await
    }

    /// The dates that decide today's lights.
    pub async fn light_thresholds(&self) -> StoreResult<Reckoned<LightThresholds>> {
        let (cal, settings) = self.reference_cache.get(&self.db).await?;
        Ok(settings.light_rule().thresholds(self.today(), &cal))
    }

    /// Loads (or replaces) one year's notice.
    pub async fn load_calendar_year(&self, actor: &Actor, year: CalendarYear) -> StoreResult<LoadedYear> {
        authorize(actor, Permission::ManageCalendar, Party::Office)?;
        let days = year.validate()?;
        let now = self.now();
        let actor = actor.clone();
        let loaded = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = notice(&mut c, year.year).await?;
                    c.execute(Q::new("DELETE FROM calendar_days WHERE year = $1").bind(year.year)).await?;
                    c.execute(
                        Q::new(
                            "INSERT INTO calendar_years (year, source, loaded_at, loaded_by) VALUES ($1, $2, $3, $4) \
                             ON CONFLICT (year) DO UPDATE SET source = excluded.source, \
                             loaded_at = excluded.loaded_at, \
                             loaded_by = excluded.loaded_by",
                        )
                        .bind(year.year)
                        .bind(year.source.clone())
                        .bind(now)
                        .bind(actor.username.as_str()),
                    )
                    .await?;
                    for d in &days {
                        // A later notice may restate a day of a neighbouring year's: the newest wins.
                        c.execute(
                            Q::new(
                                "INSERT INTO calendar_days (day, year, kind, name) VALUES ($1, $2, $3, $4) \
                                 ON CONFLICT (day) DO UPDATE SET year = excluded.year, kind = excluded.kind, \
                                 name = excluded.name",
                            )
                            .bind(d.date)
                            .bind(year.year)
                            .bind(d.kind.as_str())
                            .bind(d.name.as_str()),
                        )
                        .await?;
                    }
                    let after = notice(&mut c, year.year).await?;
                    history::record(
                        &mut c,
                        &actor,
                        now,
                        Change {
                            entity: Entity::CalendarYear,
                            entity_id: year.year.to_string(),
                            action: if before.is_some() { "update" } else { "create" },
                            note: None,
                            before: before.as_ref(),
                            after: after.as_ref(),
                        },
                    )
                    .await?;
                    loaded_years(&mut c, Some(year.year))
                        .await?
                        .pop()
                        .ok_or_else(|| DomainError::not_found(Entity::CalendarYear, year.year).into())
                })
            })
            .await?;
        self.reference_cache.invalidate();
        Ok(loaded)
    }

    /// Loads every notice in a data file (JSON or CSV), all or nothing.
    pub async fn import_calendar_file(&self, actor: &Actor, name: &str, content: &str) -> StoreResult<Vec<LoadedYear>> {
        let years = parse_calendar_file(name, content).map_err(|e| DomainError::Invalid(vec![e]))?;
        // Validate all first so a bad year in the file loads nothing.
        for y in &years {
            y.validate()?;
        }
        let mut out = Vec::new();
        for y in years {
            out.push(self.reference().load_calendar_year(actor, y).await?);
        }
        Ok(out)
    }

    pub async fn calendar_year(&self, actor: &Actor, year: i32) -> StoreResult<CalendarYear> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let notice = self.db.read(move |tx| Box::pin(async move { notice(&mut tx.conn(), year).await })).await?;
        notice.ok_or_else(|| DomainError::not_found(Entity::CalendarYear, year).into())
    }

    pub async fn loaded_years(&self, actor: &Actor) -> StoreResult<Vec<LoadedYear>> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        self.db.read(|tx| Box::pin(async move { loaded_years(&mut tx.conn(), None).await })).await
    }

    /// First start: load the official calendars shipped with Rectify.
    /// Loads the shipped years the database lacks (a new database, or one made before a release
    /// shipped more years); a year already loaded, perhaps corrected by an administrator, is
    /// left as it is.
    pub(crate) async fn ensure_shipped_calendar(&self) -> StoreResult<()> {
        let loaded: Vec<(i64,)> = self.db.fetch_all(Q::new("SELECT year FROM calendar_years")).await?;
        let shipped = parse_calendar_file("china.json", SHIPPED_CALENDAR).map_err(|e| DomainError::Invalid(vec![e]))?;
        for year in shipped {
            if !loaded.iter().any(|(y,)| *y == i64::from(year.year)) {
                self.reference().load_calendar_year(&Actor::system(), year).await?;
            }
        }
        Ok(())
    }
}

async fn notice(c: &mut Conn<'_>, year: i32) -> StoreResult<Option<CalendarYear>> {
    let source: Option<(Option<String>,)> =
        c.fetch_optional(Q::new("SELECT source FROM calendar_years WHERE year = $1").bind(year)).await?;
    let Some((source,)) = source else { return Ok(None) };
    let rows: Vec<DayRow> = c
        .fetch_all(Q::new("SELECT day, kind, name FROM calendar_days WHERE year = $1 ORDER BY day").bind(year))
        .await?;
    let days: Vec<CalendarDay> = rows.into_iter().map(CalendarDay::from).collect();
    Ok(Some(CalendarYear::from_days(year, source, &days)))
}

async fn loaded_years(c: &mut Conn<'_>, only: Option<i32>) -> StoreResult<Vec<LoadedYear>> {
    let mut q = Q::new(
        "SELECT y.year, y.source, y.loaded_at, y.loaded_by, \
           (SELECT COUNT(*) FROM calendar_days d WHERE d.year = y.year AND d.kind = 'holiday') AS holidays, \
           (SELECT COUNT(*) FROM calendar_days d WHERE d.year = y.year AND d.kind = 'workday') AS workdays \
         FROM calendar_years y",
    );
    if let Some(y) = only {
        q.push(" WHERE y.year = ").push_bind(y);
    }
    q.push(" ORDER BY y.year");
    let rows: Vec<YearRow> = c.fetch_all(q).await?;
    Ok(rows
        .into_iter()
        .map(|r| LoadedYear {
            year: r.year as i32,
            source: r.source,
            loaded_at: r.loaded_at,
            loaded_by: r.loaded_by,
            holidays: r.holidays,
            workdays: r.workdays,
        })
        .collect())
}
