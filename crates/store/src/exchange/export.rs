//! The lines of an export, read in one snapshot with the same filters and scope as the list
//! they come from, so a file holds exactly what its list shows.

use super::UnitIndex;
use crate::Store;
use crate::cases::{CaseFilter, push_conditions as push_case_conditions};
use crate::db::{Conn, Q, record};
use crate::error::{StoreResult, parse_stored};
use crate::pii::SealedContact;
use crate::problems::{ProblemFilter, expand_units, push_conditions};
use crate::visibility;
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::{CaseState, CaseType, Channel, Satisfaction};
use rectify_domain::exchange::{CaseLine, CaseRecord, Lines, PersonRecord, ProblemLine, ProblemRecord, UnitRecord};
use rectify_domain::ids::{CaseId, PersonId, ProblemId, UnitId};
use rectify_domain::light::LightThresholds;
use rectify_domain::person::PersonKind;
use rectify_domain::privacy::RevealRequest;
use rectify_domain::problem::{Level, ProblemState, ProblemType};
use rectify_domain::time::Timestamp;
use rectify_domain::unit::UnitKind;
use std::collections::HashMap;

/// What to export.
#[derive(Debug, Clone)]
pub enum ExportRequest {
    Units,
    People,
    Problems(ProblemFilter),
    /// With `reveal`, the office gets the citizens' names and phones, the reason recorded in the
    /// audit chain like every reveal; without, the file has no such columns.
    Cases {
        filter: CaseFilter,
        reveal: Option<RevealRequest>,
    },
}

record! {
    struct UnitRow {
        id: i64,
        parent_id: Option<i64>,
        name: String,
        kind: String,
        system: Option<String>,
        complaint_phone: Option<String>,
        mailbox: Option<String>,
    }
}

record! {
    struct PersonRow {
        id: i64,
        name: String,
        kind: String,
        unit_id: Option<i64>,
        position: Option<String>,
        affiliation: Option<String>,
        phone: Option<String>,
    }
}

record! {
    struct ProblemExportRow {
        id: i64,
        reference: Option<String>,
        unit_id: i64,
        description: String,
        responsible_person_id: Option<i64>,
        leader_person_id: Option<i64>,
        level: String,
        category: Option<String>,
        problem_type: String,
        root_cause: Option<String>,
        deadline: Option<NaiveDate>,
        due_on: Option<NaiveDate>,
        campaign_id: Option<i64>,
        batch_id: Option<i64>,
        published: bool,
        state: String,
        created_at: DateTime<Utc>,
        closed_at: Option<DateTime<Utc>>,
    }
}

record! {
    struct CaseExportRow {
        id: i64,
        reference: Option<String>,
        tracking_code: String,
        channel: String,
        case_type: String,
        title: Option<String>,
        content: String,
        citizen_name: Option<String>,
        phone: Option<String>,
        unit_id: Option<i64>,
        state: String,
        received_at: DateTime<Utc>,
        due_on: Option<NaiveDate>,
        replied_at: Option<DateTime<Utc>>,
        answer: Option<String>,
        satisfaction: Option<String>,
        closed_at: Option<DateTime<Utc>>,
    }
}

async fn unit_lines(c: &mut Conn<'_>, index: &UnitIndex) -> StoreResult<Vec<UnitRecord>> {
    let rows: Vec<UnitRow> = c
        .fetch_all(Q::new(
            "SELECT id, parent_id, name, kind, system, complaint_phone, mailbox FROM units \
             WHERE archived_at IS NULL ORDER BY id",
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(UnitRecord {
                id: Some(UnitId(r.id)),
                name: Some(r.name),
                parent: r.parent_id.map(|p| index.path_ref(UnitId(p))),
                kind: Some(parse_stored("unit kind", &r.kind, UnitKind::parse)?),
                system: r.system,
                complaint_phone: r.complaint_phone,
                mailbox: r.mailbox,
            })
        })
        .collect()
}

async fn people_lines(c: &mut Conn<'_>, index: &UnitIndex) -> StoreResult<Vec<PersonRecord>> {
    let rows: Vec<PersonRow> = c
        .fetch_all(Q::new(
            "SELECT id, name, kind, unit_id, position, affiliation, phone FROM people \
             WHERE archived_at IS NULL ORDER BY id",
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(PersonRecord {
                id: Some(PersonId(r.id)),
                name: Some(r.name),
                kind: Some(parse_stored("person kind", &r.kind, PersonKind::parse)?),
                unit: r.unit_id.map(|u| index.path_ref(UnitId(u))),
                position: r.position,
                affiliation: r.affiliation,
                phone: r.phone,
            })
        })
        .collect()
}

/// `SELECT id FROM problems WHERE …` for the filter and the actor's scope, as a subquery.
async fn problem_subquery(
    c: &mut Conn<'_>,
    actor: &Actor,
    f: &ProblemFilter,
    t: &LightThresholds,
    select: &str,
) -> StoreResult<Q> {
    let scope = visibility::problems(c, actor).await?;
    let units = expand_units(c, f).await?;
    let mut q = Q::new(format!("{select} IN (SELECT id FROM problems WHERE 1 = 1"));
    push_conditions(&mut q, f, units.as_deref(), &scope, t);
    q.push(")");
    Ok(q)
}

async fn problem_lines(
    c: &mut Conn<'_>,
    actor: &Actor,
    f: &ProblemFilter,
    t: &LightThresholds,
    index: &UnitIndex,
) -> StoreResult<Vec<ProblemLine>> {
    let mut q = problem_subquery(
        c,
        actor,
        f,
        t,
        "SELECT id, ref AS reference, unit_id, description, responsible_person_id, leader_person_id, level, category, \
         type AS problem_type, root_cause, deadline, due_on, campaign_id, batch_id, published, state, created_at, \
         closed_at FROM problems WHERE id",
    )
    .await?;
    q.push(" ORDER BY id");
    let rows: Vec<ProblemExportRow> = c.fetch_all(q).await?;
    // Measures and the latest progress of the same problems, in two reads.
    let mut measures: HashMap<i64, Vec<String>> = HashMap::new();
    let mut mq = problem_subquery(
        c,
        actor,
        f,
        t,
        "SELECT problem_id, description FROM measures WHERE archived_at IS NULL AND problem_id",
    )
    .await?;
    mq.push(" ORDER BY problem_id, position, id");
    for (p, d) in c.fetch_all::<(i64, String)>(mq).await? {
        measures.entry(p).or_default().push(d);
    }
    let mut progress: HashMap<i64, String> = HashMap::new();
    let mut pq =
        problem_subquery(c, actor, f, t, "SELECT problem_id, note FROM progress WHERE note IS NOT NULL AND problem_id")
            .await?;
    pq.push(" ORDER BY problem_id, id");
    for (p, note) in c.fetch_all::<(i64, String)>(pq).await? {
        progress.insert(p, note);
    }
    let people: HashMap<i64, String> =
        c.fetch_all::<(i64, String)>(Q::new("SELECT id, name FROM people")).await?.into_iter().collect();
    let campaigns: HashMap<i64, String> =
        c.fetch_all::<(i64, String)>(Q::new("SELECT id, name FROM campaigns")).await?.into_iter().collect();
    let batches: HashMap<i64, String> =
        c.fetch_all::<(i64, String)>(Q::new("SELECT id, name FROM batches")).await?.into_iter().collect();
    let person = |id: Option<i64>| id.and_then(|p| people.get(&p).cloned());
    rows.into_iter()
        .map(|r| {
            let state = parse_stored("problem state", &r.state, ProblemState::parse)?;
            Ok(ProblemLine {
                light: t.of_problem(state, r.due_on),
                due_on: r.due_on,
                campaign: r.campaign_id.and_then(|c| campaigns.get(&c).cloned()),
                batch: r.batch_id.and_then(|b| batches.get(&b).cloned()),
                created_at: Timestamp::from_utc(r.created_at),
                closed_at: r.closed_at.map(Timestamp::from_utc),
                record: ProblemRecord {
                    id: Some(ProblemId(r.id)),
                    reference: r.reference,
                    description: Some(r.description),
                    unit: Some(index.path_ref(UnitId(r.unit_id))),
                    responsible: person(r.responsible_person_id),
                    leader: person(r.leader_person_id),
                    measures: measures.remove(&r.id),
                    deadline: r.deadline,
                    progress: progress.remove(&r.id),
                    state: Some(state),
                    category: r.category,
                    problem_type: Some(parse_stored("problem type", &r.problem_type, ProblemType::parse)?),
                    level: Some(parse_stored("level", &r.level, Level::parse)?),
                    root_cause: r.root_cause,
                    published: Some(r.published),
                },
            })
        })
        .collect()
}

/// What an export reads, moved into its job.
struct Args {
    actor: Actor,
    req: ExportRequest,
    t: LightThresholds,
    today: NaiveDate,
    now: Timestamp,
    vault: std::sync::Arc<rectify_vault::Keyring>,
    /// The reason for revealing citizens' details, when the export carries them.
    reason: Option<String>,
}

async fn lines(c: &mut Conn<'_>, a: Args) -> StoreResult<Lines> {
    let Args { actor, req, t, today, now, vault, reason } = a;
    let index = UnitIndex::load(c).await?;
    Ok(match req {
        ExportRequest::Units => Lines::Units(unit_lines(c, &index).await?),
        ExportRequest::People => Lines::People(people_lines(c, &index).await?),
        ExportRequest::Problems(f) => Lines::Problems(problem_lines(c, &actor, &f, &t, &index).await?),
        ExportRequest::Cases { filter, .. } => {
            let scope = visibility::cases(c, &actor).await?;
            let mut q = Q::new(
                "SELECT id, ref AS reference, tracking_code, channel, type AS case_type, title, content, \
                 citizen_name, phone, unit_id, state, received_at, due_on, replied_at, answer, \
                 satisfaction, closed_at FROM cases WHERE 1 = 1",
            );
            push_case_conditions(&mut q, &filter, scope.as_deref(), today);
            q.push(" ORDER BY id");
            let rows: Vec<CaseExportRow> = c.fetch_all(q).await?;
            let contacts = reason.is_some();
            if let Some(reason) = &reason {
                // One record for the whole file: who took which citizens' details, and why.
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let event = crate::audit::Event {
                    actor: &actor.username,
                    kind: "reveal",
                    subject: "cases:export".into(),
                    action: "export_contacts",
                    payload: serde_json::json!({ "reason": reason, "fields": ["name", "phone"], "case_ids": ids }),
                };
                crate::audit::append(c, now, event).await?;
            }
            let mut lines = Vec::with_capacity(rows.len());
            for r in rows {
                let (name, phone) = if contacts {
                    let sealed = SealedContact {
                        name: r.citizen_name.clone(),
                        phone: r.phone.clone(),
                        email: None,
                        location: None,
                        phone_index: None,
                    };
                    let open = sealed.open(&vault)?;
                    (open.name, open.phone)
                } else {
                    (None, None)
                };
                lines.push(CaseLine {
                    tracking_code: rectify_domain::case::TrackingCode::parse(&r.tracking_code)
                        .map(|c| c.to_string())
                        .unwrap_or(r.tracking_code),
                    state: parse_stored("case state", &r.state, CaseState::parse)?,
                    due_on: r.due_on,
                    closed_at: r.closed_at.map(Timestamp::from_utc),
                    record: CaseRecord {
                        id: Some(CaseId(r.id)),
                        reference: r.reference,
                        citizen_name: name,
                        phone,
                        title: r.title,
                        received_at: Some(Timestamp::from_utc(r.received_at)),
                        content: Some(r.content),
                        answer: r.answer,
                        replied_at: r.replied_at.map(Timestamp::from_utc),
                        channel: Some(parse_stored("channel", &r.channel, Channel::parse)?),
                        case_type: Some(parse_stored("case type", &r.case_type, CaseType::parse)?),
                        unit: r.unit_id.map(|u| index.path_ref(UnitId(u))),
                        satisfaction: r
                            .satisfaction
                            .as_deref()
                            .map(|s| parse_stored("satisfaction", s, Satisfaction::parse))
                            .transpose()?,
                    },
                });
            }
            Lines::Cases { lines, contacts }
        }
    })
}

impl Store {
    /// The lines of an export for `actor`: what the list of that kind shows them, whole.
    pub async fn export(&self, actor: &Actor, req: ExportRequest) -> StoreResult<Lines> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let t = self.light_thresholds().await?.value;
        let today = self.today();
        let now = self.now();
        let (actor, vault) = (actor.clone(), self.vault().clone());
        let reason = match &req {
            ExportRequest::Cases { reveal: Some(r), .. } => {
                let reason = r.reason()?;
                authorize(&actor, Permission::RevealContact, Party::Other)?;
                Some(reason)
            }
            _ => None,
        };
        let revealing = reason.is_some();
        let args = Args { actor, req, t, today, now, vault, reason };
        // Revealing writes its audit entry, so that export runs as a write; the others read.
        if revealing {
            self.db.write(move |tx| Box::pin(async move { lines(&mut tx.conn(), args).await })).await
        } else {
            self.db.read(move |tx| Box::pin(async move { lines(&mut tx.conn(), args).await })).await
        }
    }
}
