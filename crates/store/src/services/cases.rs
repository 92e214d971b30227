//! The service ledger (服务台账, issue 19): service cases (办件) received for an item of the
//! catalog and handled under the item's version of that day. What a step may do is decided by
//! `rectify_domain::service::case::fire`; this module loads the facts, writes the decision, its
//! line in the case's record, the history entry and the SMS to the applicant in one transaction.
//! A second 一次性告知 also writes a problem of the unit into the ledger.

use super::tallies::{TallyKey, retally};
use crate::areas::Services;
use crate::db::{Conn, Q, like_pattern, record};
use crate::error::StoreResult;
use crate::idempotency::{Created, IdempotencyKey};
use crate::inspections::{from_json, to_json};
use crate::page::{Cursor, Page, PageRequest};
use crate::pii;
use crate::problems::{check_refs, insert_new};
use crate::versioned::{self, changed, created};
use crate::{notices, units, visibility};
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Permission, authorize};
use rectify_domain::calendar::WorkCalendar;
use rectify_domain::case::TrackingCode;
use rectify_domain::ids::{PersonId, ServiceCaseId, ServiceItemId, UnitId};
use rectify_domain::light::LightThresholds;
use rectify_domain::privacy::{mask_name, mask_phone};
use rectify_domain::problem::{NewProblem, ProblemType, SourceKind};
use rectify_domain::service::case::{ClockChange, ServiceCaseState, ServiceDecision, ServiceFacts, fire};
use rectify_domain::service::catalog::ServiceItemFields;
use rectify_domain::service::figures::ServiceCaseFact;
use rectify_domain::service::limits::{Suspension, clock};
use rectify_domain::service::record::{
    NewServiceCase, ServiceCase, ServiceCaseDetail, ServiceCaseEvent, ServiceCaseFields, ServiceChannel,
    ServiceProgress, ServiceTransitionRequest, received, repeated_notice_problem,
};
use rectify_domain::time::Timestamp;
use rectify_domain::visibility::Records;
use rectify_domain::{DomainError, Entity, Rule};
use rectify_vault::Keyring;

/// Working days a unit has to put right what the service ledger found (the problem's deadline).
const PROBLEM_DAYS: u32 = 15;

record! {
    #[derive(Clone)]
    struct CaseRow {
        id: ServiceCaseId as i64,
        tracking_code: String,
        item_id: ServiceItemId as i64,
        item_version: i64,
        unit_id: UnitId as i64,
        channel: ServiceChannel as String,
        state: ServiceCaseState as String,
        applicant_name: String,
        applicant_phone: String,
        note: Option<String>,
        responsible_id: PersonId as i64,
        received_at: Timestamp as DateTime<Utc>,
        accepted_on: Option<NaiveDate>,
        done_on: Option<NaiveDate>,
        suspensions: String,
        steps_done: String,
        notices_given: i64,
        visits: i64,
        over_visits: bool,
        outcome: Option<String>,
        promised_days: i64,
        legal_days: i64,
        version: i64,
        created_at: Timestamp as DateTime<Utc>,
        updated_at: Timestamp as DateTime<Utc>,
        received_month: String,
        worked_days: Option<i64>,
        item: String,
    }
}

/// The case's columns and the item version it is handled under (its steps, code, name, window).
const SELECT: &str = "SELECT s.id, s.tracking_code, s.item_id, s.item_version, s.unit_id, s.channel, s.state, \
     s.applicant_name, s.applicant_phone, s.note, s.responsible_id, s.received_at, s.accepted_on, s.done_on, \
     s.suspensions, s.steps_done, s.notices_given, s.visits, s.over_visits, s.outcome, s.promised_days, \
     s.legal_days, s.version, s.created_at, s.updated_at, s.received_month, s.worked_days, v.item \
     FROM service_cases s JOIN service_item_versions v ON v.item_id = s.item_id AND v.version = s.item_version";

/// What a case is read with: the calendar, today and the yellow window of the lights.
pub(super) struct Reading<'a> {
    pub(super) cal: &'a WorkCalendar,
    pub(super) today: NaiveDate,
    pub(super) yellow: u32,
}

fn count(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

impl CaseRow {
    fn into_case(self, vault: &Keyring, r: &Reading<'_>) -> StoreResult<ServiceCase> {
        let item: ServiceItemFields = from_json(&self.item, "service item version")?;
        let suspensions: Vec<Suspension> = from_json(&self.suspensions, "service case suspensions")?;
        let (promised, legal) = (count(self.promised_days), count(self.legal_days));
        let clock = self.accepted_on.map(|accepted| {
            // A refused case's clock stops the day it was refused, like a done one's.
            clock(r.cal, accepted, self.done_on, r.today, &suspensions, (promised, legal), r.yellow)
        });
        let name = vault.open(pii::APPLICANT_NAME, &self.applicant_name)?;
        let phone = vault.open(pii::APPLICANT_PHONE, &self.applicant_phone)?;
        Ok(ServiceCase {
            id: self.id,
            tracking_code: shown_code(&self.tracking_code),
            item_id: self.item_id,
            item_version: self.item_version,
            item_code: item.code,
            item_name: item.name,
            unit_id: self.unit_id,
            window: item.window,
            channel: self.channel,
            state: self.state,
            applicant_name: mask_name(&name),
            applicant_phone: mask_phone(&phone),
            note: self.note,
            responsible_id: self.responsible_id,
            received_at: self.received_at,
            accepted_on: self.accepted_on,
            done_on: self.done_on,
            suspensions,
            steps: item.steps,
            steps_done: from_json(&self.steps_done, "service case steps")?,
            notices_given: count(self.notices_given),
            visits: count(self.visits),
            over_visits: self.over_visits,
            outcome: self.outcome,
            promised_limit_days: promised,
            legal_limit_days: legal,
            clock,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn shown_code(stored: &str) -> String {
    TrackingCode::parse(stored).map(|t| t.to_string()).unwrap_or_else(|| stored.to_owned())
}

fn fresh_code() -> TrackingCode {
    use rand::RngCore;
    let mut rng = rand::rng();
    TrackingCode::generate(|| {
        let mut b = [0u8; 1];
        rng.fill_bytes(&mut b);
        b[0]
    })
}

/// A code no case, service case or online application has: the tracking page finds any by it.
pub(super) async fn unused_code(c: &mut Conn<'_>) -> StoreResult<TrackingCode> {
    loop {
        let code = fresh_code();
        let taken: Option<i64> = c
            .scalar_optional(
                Q::new(
                    "SELECT id FROM cases WHERE tracking_code = $1 UNION ALL \
                     SELECT id FROM service_cases WHERE tracking_code = $1 UNION ALL \
                     SELECT id FROM online_applications WHERE tracking_code = $1",
                )
                .bind(code.as_str()),
            )
            .await?;
        if taken.is_none() {
            return Ok(code);
        }
    }
}

async fn row(c: &mut Conn<'_>, id: ServiceCaseId) -> StoreResult<CaseRow> {
    let row: Option<CaseRow> = c.fetch_optional(Q::new(format!("{SELECT} WHERE s.id = $1")).bind(id)).await?;
    row.ok_or_else(|| DomainError::not_found(Entity::ServiceCase, id).into())
}

/// The case if `actor` sees its unit's service cases; not found otherwise, as if it did not exist.
async fn visible_row(c: &mut Conn<'_>, actor: &Actor, id: ServiceCaseId) -> StoreResult<CaseRow> {
    let r = row(c, id).await?;
    visibility::require_unit(c, actor, Records::ServiceCases, r.unit_id, Entity::ServiceCase, id).await?;
    Ok(r)
}

/// What the list of the service ledger is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ServiceCaseFilter {
    pub unit: Option<UnitId>,
    pub item: Option<ServiceItemId>,
    pub state: Option<ServiceCaseState>,
    /// Received in this month (`YYYY-MM`).
    pub month: Option<String>,
    /// The tracking code or words of the note.
    pub q: Option<String>,
}

async fn events(c: &mut Conn<'_>, id: ServiceCaseId) -> StoreResult<Vec<ServiceCaseEvent>> {
    record! {
        struct EventRow {
            action: Option<String>,
            at: Timestamp as DateTime<Utc>,
            username: Option<String>,
            step: Option<String>,
            note: Option<String>,
            missing: String,
        }
    }
    let rows: Vec<EventRow> = c
        .fetch_all(
            Q::new(
                "SELECT e.action, e.at, a.username, e.step, e.note, e.missing FROM service_case_events e \
                 LEFT JOIN accounts a ON a.id = e.account_id WHERE e.case_id = $1 ORDER BY e.id",
            )
            .bind(id),
        )
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ServiceCaseEvent {
                action: r.action.as_deref().and_then(rectify_domain::service::case::ServiceCaseAction::parse),
                at: r.at,
                by: r.username,
                step: r.step,
                note: r.note,
                missing: from_json(&r.missing, "service case materials")?,
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn record_event(
    c: &mut Conn<'_>,
    id: ServiceCaseId,
    actor: &Actor,
    at: Timestamp,
    action: Option<&str>,
    step: Option<&str>,
    note: Option<&str>,
    missing: &[String],
) -> StoreResult<()> {
    c.execute(
        Q::new(
            "INSERT INTO service_case_events (case_id, action, at, account_id, step, note, missing) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(action.map(str::to_owned))
        .bind(at)
        .bind(actor.account_id)
        .bind(step.map(str::to_owned))
        .bind(note.map(str::to_owned))
        .bind(to_json(&missing)?),
    )
    .await?;
    Ok(())
}

/// The clock and the record after `d`: suspensions opened or closed, steps appended.
fn apply_clock(suspensions: &mut Vec<Suspension>, accepted_on: &mut Option<NaiveDate>, change: Option<ClockChange>) {
    match change {
        Some(ClockChange::Start(day)) => *accepted_on = Some(day),
        Some(ClockChange::Stop(day)) => suspensions.push(Suspension { from: day, to: None }),
        Some(ClockChange::Restart(day)) => {
            if let Some(open) = suspensions.iter_mut().find(|s| s.to.is_none()) {
                open.to = Some(day);
            }
        }
        None => {}
    }
}

/// Writes what `d` decided over the row read at `before`.
async fn write_decision(
    c: &mut Conn<'_>,
    cal: &WorkCalendar,
    before: &CaseRow,
    d: &ServiceDecision,
    now: Timestamp,
) -> StoreResult<()> {
    let mut suspensions: Vec<Suspension> = from_json(&before.suspensions, "service case suspensions")?;
    let mut steps: Vec<String> = from_json(&before.steps_done, "service case steps")?;
    let mut accepted_on = before.accepted_on;
    apply_clock(&mut suspensions, &mut accepted_on, d.clock);
    steps.extend(d.step.clone());
    let done_on = d.done_on.clone().apply_to(before.done_on);
    let responsible = d.responsible.clone().apply_to(Some(before.responsible_id)).unwrap_or(before.responsible_id);
    let outcome = if done_on.is_some() && before.done_on.is_none() { d.note.clone() } else { before.outcome.clone() };
    // What the figures count, from the dates as they are now.
    let limits = (count(before.promised_days), count(before.legal_days));
    let fact =
        ServiceCaseFact::from_dates(cal, d.to, accepted_on, done_on, &suspensions, limits, d.visits, d.notices_given);
    let was = ServiceCaseFact {
        state: before.state,
        accepted: before.accepted_on.is_some(),
        worked_days: before.worked_days.map(count),
        promised_due: None,
        promised_days: limits.0,
        legal_days: limits.1,
        visits: count(before.visits),
        notices: count(before.notices_given),
    };
    let key = |responsible| TallyKey {
        unit: before.unit_id,
        item: before.item_id,
        responsible,
        month: before.received_month.clone(),
    };
    retally(c, Some((&key(before.responsible_id), &was)), (&key(responsible), &fact)).await?;
    versioned::update(
        c,
        Entity::ServiceCase,
        before.version,
        Q::new(
            "UPDATE service_cases SET state = $1, accepted_on = $2, done_on = $3, suspensions = $4, steps_done = $5, \
             notices_given = $6, visits = $7, over_visits = $8, outcome = $9, responsible_id = $10, \
             version = version + 1, updated_at = $11, worked_days = $14, promised_due = $15 \
             WHERE id = $12 AND version = $13",
        )
        .bind(d.to.as_str())
        .bind(accepted_on)
        .bind(done_on)
        .bind(to_json(&suspensions)?)
        .bind(to_json(&steps)?)
        .bind(i64::from(d.notices_given))
        .bind(i64::from(d.visits))
        .bind(before.over_visits || d.over_visits)
        .bind(outcome)
        .bind(responsible)
        .bind(now)
        .bind(before.id)
        .bind(before.version)
        .bind(fact.worked_days.map(i64::from))
        .bind(fact.promised_due),
    )
    .await
}

/// A problem of `unit` the service ledger found (a second 一次性告知, a return call), in the
/// ledger with its source 服务台账 and the deadline the unit has to put it right.
pub(super) async fn file_problem(
    c: &mut Conn<'_>,
    actor: &Actor,
    unit: UnitId,
    description: String,
    cal: &WorkCalendar,
    t: &LightThresholds,
    now: Timestamp,
) -> StoreResult<rectify_domain::ids::ProblemId> {
    let deadline = cal.add_working_days(now.china_date(), PROBLEM_DAYS).value;
    let (mut fields, measures) = NewProblem {
        description: Some(description),
        unit_id: Some(unit),
        problem_type: Some(ProblemType::TimeLimited),
        deadline: Some(deadline),
        sources: vec![SourceKind::Service],
        ..Default::default()
    }
    .validate()?;
    check_refs(c, &mut fields).await?;
    Ok(insert_new(c, actor, &fields, &measures, &[], None, t, now).await?.id)
}

/// The cases of `ids`, in that order (those that exist).
pub(super) async fn cases_by_ids(
    c: &mut Conn<'_>,
    vault: &Keyring,
    (cal, today, yellow): (&WorkCalendar, NaiveDate, u32),
    ids: &[ServiceCaseId],
) -> StoreResult<Vec<ServiceCase>> {
    let mut q = Q::new(format!("{SELECT} WHERE "));
    q.push_in("s.id", ids.iter().copied());
    let rows: Vec<CaseRow> = c.fetch_all(q).await?;
    let reading = Reading { cal, today, yellow };
    let mut cases: Vec<ServiceCase> =
        rows.into_iter().map(|r| r.into_case(vault, &reading)).collect::<StoreResult<_>>()?;
    cases.sort_by_key(|c| ids.iter().position(|i| *i == c.id));
    Ok(cases)
}

/// Receives an applicant for an item in the caller's transaction (收件): the case, its first
/// line of record, the SMS with the tracking code and the history row. `create_case` and an
/// appointment's arrival (`appointments.rs`) both receive through here.
pub(super) async fn receive(
    c: &mut Conn<'_>,
    actor: &Actor,
    vault: &Keyring,
    f: &ServiceCaseFields,
    now: Timestamp,
    reading: &Reading<'_>,
    code: Option<TrackingCode>,
) -> StoreResult<ServiceCase> {
    let item = match super::read(c, f.item_id).await {
        Ok(item) if item.published => item,
        // A withdrawn item is not handled any more; one that never was is unknown.
        Ok(_) => return Err(DomainError::rule(Rule::ItemWithdrawn, "item_id").into()),
        Err(_) => return Err(DomainError::unknown("item_id", Entity::ServiceItem).into()),
    };
    units::require_live(c, item.fields.unit_id, "item_id").await?;
    let party = units::party(c, actor, item.fields.unit_id).await?;
    authorize(actor, Permission::ManageServices, party)?;
    crate::people::require_live_person(c, f.responsible_id, "responsible_id").await?;
    // An online application taken up keeps the code the applicant already has.
    let code = match code {
        Some(code) => code,
        None => unused_code(c).await?,
    };
    let id: ServiceCaseId = c
        .returning_id(
            Q::new(
                "INSERT INTO service_cases (tracking_code, item_id, item_version, unit_id, channel, state, \
                 applicant_name, applicant_phone, phone_index, note, responsible_id, received_at, \
                 received_month, suspensions, steps_done, notices_given, visits, over_visits, \
                 promised_days, legal_days, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, \
                 'received', $6, $7, $8, $9, $10, $11, $12, '[]', '[]', 0, $15, FALSE, $13, $14, 1, $11, \
                 $11) RETURNING id",
            )
            .bind(code.as_str())
            .bind(item.id)
            .bind(item.version)
            .bind(item.fields.unit_id)
            .bind(f.channel.as_str())
            .bind(vault.seal(pii::APPLICANT_NAME, &f.applicant_name))
            .bind(vault.seal(pii::APPLICANT_PHONE, &f.applicant_phone))
            .bind(pii::phone_index(vault, &f.applicant_phone))
            .bind(f.note.clone())
            .bind(f.responsible_id)
            .bind(now)
            .bind(now.china_date().format("%Y-%m").to_string())
            .bind(i64::from(item.fields.promised_limit_days))
            .bind(i64::from(item.fields.legal_limit_days))
            .bind(i64::from(f.channel.visits_at_receipt())),
        )
        .await?;
    let limits = (item.fields.promised_limit_days, item.fields.legal_limit_days);
    let visits = f.channel.visits_at_receipt();
    let fact = ServiceCaseFact::from_dates(reading.cal, ServiceCaseState::Received, None, None, &[], limits, visits, 0);
    let key = TallyKey {
        unit: item.fields.unit_id,
        item: item.id,
        responsible: f.responsible_id,
        month: now.china_date().format("%Y-%m").to_string(),
    };
    retally(c, None, (&key, &fact)).await?;
    record_event(c, id, actor, now, None, None, f.note.as_deref(), &[]).await?;
    let shown = code.to_string();
    let sms = vec![received(&item.fields.name)];
    notices::queue_to_applicant(c, vault, now, &f.applicant_phone, &shown, sms).await?;
    let case = row(c, id).await?.into_case(vault, reading)?;
    created(c, actor, now, Entity::ServiceCase, id, case).await
}

impl Services<'_> {
    pub(super) async fn reading(&self) -> StoreResult<(std::sync::Arc<WorkCalendar>, NaiveDate, u32)> {
        let (cal, settings) = self.reference_cache.get(&self.db).await?;
        Ok((cal, self.today(), settings.light_rule().yellow_working_days))
    }

    /// Receives an applicant for an item (收件): the first-contact officer is responsible from
    /// now on; the applicant gets the tracking code by SMS.
    pub async fn create_case(
        &self,
        actor: &Actor,
        input: NewServiceCase,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<ServiceCase>> {
        authorize(actor, Permission::ManageServices, rectify_domain::actor::Party::OwnerUnit)?;
        let f = input.validate()?;
        let now = self.now();
        let (cal, today, yellow) = self.reading().await?;
        let vault = self.vault().clone();
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let reading = Reading { cal: &cal, today, yellow };
                receive(&mut tx.conn(), &actor, &vault, &f, now, &reading, None).await
            })
        })
        .await
    }

    /// A step of a case (一次性告知, 受理, a step of the item, 暂停计时, 办结 …), as the machine
    /// decides it.
    pub async fn transition_case(
        &self,
        actor: &Actor,
        id: ServiceCaseId,
        req: ServiceTransitionRequest,
    ) -> StoreResult<ServiceCase> {
        let request = req.request()?;
        let thresholds = self.reference().light_thresholds().await?.value;
        let now = self.now();
        let (cal, today, yellow) = self.reading().await?;
        let vault = self.vault().clone();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = visible_row(&mut c, &actor, id).await?;
                    let reading = Reading { cal: &cal, today, yellow };
                    let was = before_case(&before, &vault, &reading)?;
                    let facts = ServiceFacts {
                        state: was.state,
                        item_steps: was.steps.clone(),
                        steps_done: was.steps_done.clone(),
                        notices_given: was.notices_given,
                        visits: was.visits,
                        max_visits: max_visits(&before)?,
                        responsible: was.responsible_id,
                        today,
                    };
                    let party = units::party(&mut c, &actor, was.unit_id).await?;
                    let d = fire(&facts, party, request)?;
                    if let Some(read) = req.version {
                        versioned::check_version(Entity::ServiceCase, Some(read), before.version)?;
                    }
                    if let rectify_domain::patch::Change::Set(to) = d.responsible {
                        crate::people::require_live_person(&mut c, to, "to").await?;
                    }
                    write_decision(&mut c, &cal, &before, &d, now).await?;
                    let missing = &d.missing;
                    let action = Some(d.action.as_str());
                    record_event(&mut c, id, &actor, now, action, d.step.as_deref(), d.note.as_deref(), missing)
                        .await?;
                    let phone = vault.open(pii::APPLICANT_PHONE, &before.applicant_phone)?;
                    notices::queue_to_applicant(&mut c, &vault, now, &phone, &was.tracking_code, d.notices.clone())
                        .await?;
                    let after = row(&mut c, id).await?.into_case(&vault, &reading)?;
                    if d.repeated_notice {
                        let description = repeated_notice_problem(&after, missing);
                        file_problem(&mut c, &actor, after.unit_id, description, &cal, &thresholds, now).await?;
                    }
                    let note = d.note.as_deref();
                    changed(&mut c, &actor, now, Entity::ServiceCase, id, d.action.as_str(), note, &was, after).await
                })
            })
            .await
    }

    /// How `actor` stands to a case: the handling unit's staff (who work it), the office, or
    /// neither. Pages offer the machine's actions for it.
    pub async fn case_party(&self, actor: &Actor, case: &ServiceCase) -> StoreResult<rectify_domain::actor::Party> {
        let (actor, unit) = (actor.clone(), case.unit_id);
        self.db.read(move |tx| Box::pin(async move { units::party(&mut tx.conn(), &actor, unit).await })).await
    }

    /// A case with its record.
    pub async fn get_case(&self, actor: &Actor, id: ServiceCaseId) -> StoreResult<ServiceCaseDetail> {
        let (cal, today, yellow) = self.reading().await?;
        let vault = self.vault().clone();
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = visible_row(&mut c, &actor, id).await?;
                    let case = r.into_case(&vault, &Reading { cal: &cal, today, yellow })?;
                    Ok(ServiceCaseDetail { case, events: events(&mut c, id).await? })
                })
            })
            .await
    }

    /// The service ledger, newest first: every unit's for the office, their own for a unit.
    pub async fn list_cases(
        &self,
        actor: &Actor,
        filter: &ServiceCaseFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<ServiceCase>> {
        authorize(actor, Permission::ManageServices, rectify_domain::actor::Party::OwnerUnit)?;
        let (cal, today, yellow) = self.reading().await?;
        let vault = self.vault().clone();
        let actor = actor.clone();
        let filter = filter.clone();
        let page = page.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
                    if let Some(units) = visibility::units(&mut c, &actor, Records::ServiceCases).await? {
                        q.push(" AND ");
                        q.push_in("s.unit_id", units.iter().copied());
                    }
                    if let Some(unit) = filter.unit {
                        q.push(" AND s.unit_id = ").push_bind(unit);
                    }
                    if let Some(item) = filter.item {
                        q.push(" AND s.item_id = ").push_bind(item);
                    }
                    if let Some(state) = filter.state {
                        q.push(" AND s.state = ").push_bind(state.as_str());
                    }
                    if let Some(month) = &filter.month {
                        q.push(" AND s.received_month = ").push_bind(month.clone());
                    }
                    if let Some(words) = filter.q.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
                        match TrackingCode::parse(words) {
                            Some(code) => q.push(" AND s.tracking_code = ").push_bind(code.as_str().to_owned()),
                            None => q.push(" AND s.note LIKE ").push_bind(like_pattern(words)).push(" ESCAPE '\\'"),
                        };
                    }
                    if let Some(after) = &page.after {
                        q.push(" AND s.id < ").push_bind(after.id);
                    }
                    q.push(" ORDER BY s.id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
                    let rows: Vec<CaseRow> = c.fetch_all(q).await?;
                    let reading = Reading { cal: &cal, today, yellow };
                    page.finish(rows, |r| Cursor { key: None, id: r.id.0 }, |r| r.into_case(&vault, &reading))
                })
            })
            .await
    }

    /// A case's progress for its applicant, by tracking code: the item, its steps and where the
    /// case stands, nothing personal. `None` when no service case has the code.
    pub async fn track_case(&self, code: &str) -> StoreResult<Option<ServiceProgress>> {
        let Some(code) = TrackingCode::parse(code) else { return Ok(None) };
        let (cal, today, yellow) = self.reading().await?;
        let vault = self.vault().clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r: Option<CaseRow> = c
                        .fetch_optional(
                            Q::new(format!("{SELECT} WHERE s.tracking_code = $1")).bind(code.as_str().to_owned()),
                        )
                        .await?;
                    r.map(|r| Ok(r.into_case(&vault, &Reading { cal: &cal, today, yellow })?.progress())).transpose()
                })
            })
            .await
    }
}

fn before_case(r: &CaseRow, vault: &Keyring, reading: &Reading<'_>) -> StoreResult<ServiceCase> {
    r.clone().into_case(vault, reading)
}

fn max_visits(r: &CaseRow) -> StoreResult<u32> {
    let item: ServiceItemFields = from_json(&r.item, "service item version")?;
    Ok(item.max_visits)
}
