//! The lines of an export, read in one snapshot with the same filters and scope as the list
//! they come from, so a file holds exactly what its list shows.

use super::UnitIndex;
use crate::areas::Exchange;
use crate::cases::{CaseFilter, push_conditions as push_case_conditions};
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::pii::SealedContact;
use crate::problems::{COLUMNS as PROBLEM_COLUMNS, ProblemFilter, ProblemRow, expand_units, push_conditions};
use crate::{people, units, visibility};
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::{CaseState, CaseType, Channel, Satisfaction};
use rectify_domain::exchange::{
    CaseLine, CaseRecord, CategoryRecord, Lines, PersonRecord, ProblemLine, ProblemRecord, UnitRecord,
};
use rectify_domain::ids::{BatchId, CampaignId, CaseId, PersonId, ProblemId, UnitId};
use rectify_domain::light::LightThresholds;
use rectify_domain::privacy::RevealRequest;
use rectify_domain::time::Timestamp;
use std::collections::HashMap;

/// What to export.
#[derive(Debug, Clone)]
pub enum ExportRequest {
    Units,
    People,
    Problems(ProblemFilter),
    /// With `reveal`, the office gets the citizens' names and phones, and the texts as written
    /// where the stored text masks something, the reason recorded in the audit chain like every
    /// reveal; without, the file has no name or phone columns and the texts masked.
    Cases {
        filter: CaseFilter,
        reveal: Option<RevealRequest>,
    },
    Categories,
    /// The service catalog, every item (published or not) as its current version says.
    Services,
}

record! {
    /// A case as an export reads it: its number (`ref`) and the sealed name, phone and text as
    /// written, which the case row of `cases` does not carry.
    struct CaseExportRow {
        id: CaseId as i64,
        reference: Option<String>,
        tracking_code: String,
        channel: Channel as String,
        case_type: CaseType as String,
        title: Option<String>,
        content: String,
        sealed_content: Option<String>,
        citizen_name: Option<String>,
        phone: Option<String>,
        unit_id: Option<UnitId> as Option<i64>,
        state: CaseState as String,
        received_at: Timestamp as DateTime<Utc>,
        due_on: Option<NaiveDate>,
        replied_at: Option<Timestamp> as Option<DateTime<Utc>>,
        answer: Option<String>,
        satisfaction: Option<Satisfaction> as Option<String>,
        closed_at: Option<Timestamp> as Option<DateTime<Utc>>,
        category: Option<String>,
        likes: Option<i64>,
        dislikes: Option<i64>,
    }
}

record! {
    /// A text of a problem (a measure, a progress note) as an export reads it.
    struct ProblemText {
        problem_id: ProblemId as i64,
        text: String,
    }
}

async fn unit_lines(c: &mut Conn<'_>, index: &UnitIndex) -> StoreResult<Vec<UnitRecord>> {
    Ok(units::all_live(c)
        .await?
        .into_iter()
        .map(|u| UnitRecord {
            id: Some(u.id),
            name: Some(u.name),
            parent: u.parent_id.map(|p| index.path_ref(p)),
            kind: Some(u.kind),
            system: u.system,
            complaint_phone: u.complaint_phone,
            mailbox: u.mailbox,
        })
        .collect())
}

async fn people_lines(c: &mut Conn<'_>, index: &UnitIndex) -> StoreResult<Vec<PersonRecord>> {
    Ok(people::all_live(c)
        .await?
        .into_iter()
        .map(|p| PersonRecord {
            id: Some(p.id),
            name: Some(p.name),
            kind: Some(p.kind),
            unit: p.unit_id.map(|u| index.path_ref(u)),
            position: p.position,
            affiliation: p.affiliation,
            phone: p.phone,
        })
        .collect())
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
    let select = format!("SELECT {PROBLEM_COLUMNS} FROM problems WHERE id");
    let mut q = problem_subquery(c, actor, f, t, &select).await?;
    q.push(" ORDER BY id");
    let rows: Vec<ProblemRow> = c.fetch_all(q).await?;
    // Measures and the latest progress of the same problems, in two reads.
    let mut measures: HashMap<ProblemId, Vec<String>> = HashMap::new();
    let mut mq = problem_subquery(
        c,
        actor,
        f,
        t,
        "SELECT problem_id, description AS text FROM measures WHERE archived_at IS NULL AND problem_id",
    )
    .await?;
    mq.push(" ORDER BY problem_id, position, id");
    for m in c.fetch_all::<ProblemText>(mq).await? {
        measures.entry(m.problem_id).or_default().push(m.text);
    }
    let mut progress: HashMap<ProblemId, String> = HashMap::new();
    let mut pq = problem_subquery(
        c,
        actor,
        f,
        t,
        "SELECT problem_id, note AS text FROM progress WHERE note IS NOT NULL AND problem_id",
    )
    .await?;
    pq.push(" ORDER BY problem_id, id");
    for p in c.fetch_all::<ProblemText>(pq).await? {
        progress.insert(p.problem_id, p.text);
    }
    let people: HashMap<PersonId, String> = c.fetch_names(Q::new("SELECT id, name FROM people")).await?;
    let campaigns: HashMap<CampaignId, String> = c.fetch_names(Q::new("SELECT id, name FROM campaigns")).await?;
    let batches: HashMap<BatchId, String> = c.fetch_names(Q::new("SELECT id, name FROM batches")).await?;
    let person = |id: Option<PersonId>| id.and_then(|p| people.get(&p).cloned());
    Ok(rows
        .into_iter()
        .map(|r| {
            let p = r.into_problem(t);
            ProblemLine {
                light: p.light,
                due_on: p.due_on,
                campaign: p.campaign_id.and_then(|c| campaigns.get(&c).cloned()),
                batch: p.batch_id.and_then(|b| batches.get(&b).cloned()),
                created_at: p.created_at,
                closed_at: p.closed_at,
                record: ProblemRecord {
                    id: Some(p.id),
                    reference: p.reference,
                    description: Some(p.description),
                    unit: Some(index.path_ref(p.unit_id)),
                    responsible: person(p.responsible_person_id),
                    leader: person(p.leader_person_id),
                    measures: measures.remove(&p.id),
                    deadline: p.deadline,
                    progress: progress.remove(&p.id),
                    state: Some(p.state),
                    category: p.category,
                    problem_type: Some(p.problem_type),
                    level: Some(p.level),
                    root_cause: p.root_cause,
                    published: Some(p.published),
                },
            }
        })
        .collect())
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
        // Each category a row of its own (a first-level one with its deeper levels blank).
        ExportRequest::Categories => Lines::Categories(
            crate::triage::taxonomy(c)
                .await?
                .categories()
                .map(|k| CategoryRecord {
                    code: k.code.clone(),
                    path: k.key.split(rectify_domain::category::SEPARATOR).map(str::to_owned).collect(),
                })
                .collect(),
        ),
        ExportRequest::Services => Lines::Services(service_lines(c, &actor, &index).await?),
        ExportRequest::Problems(f) => Lines::Problems(problem_lines(c, &actor, &f, &t, &index).await?),
        ExportRequest::Cases { filter, .. } => {
            let scope = visibility::cases(c, &actor).await?;
            let mut q = Q::new(
                "SELECT id, ref AS reference, tracking_code, channel, type AS case_type, title, content, \
                 sealed_content, citizen_name, phone, unit_id, state, received_at, due_on, replied_at, answer, \
                 satisfaction, closed_at, category, likes, dislikes FROM cases WHERE 1 = 1",
            );
            push_case_conditions(&mut q, &filter, scope.as_deref(), today);
            q.push(" ORDER BY id");
            let rows: Vec<CaseExportRow> = c.fetch_all(q).await?;
            let contacts = reason.is_some();
            if let Some(reason) = &reason {
                // One record for the whole file: who took which citizens' details, and why.
                let ids: Vec<i64> = rows.iter().map(|r| r.id.get()).collect();
                let event = crate::audit::Event {
                    actor: &actor.username,
                    kind: "reveal",
                    subject: "cases:export".into(),
                    action: "export_contacts",
                    payload: serde_json::json!({ "reason": reason, "fields": ["name", "phone", "content"], "case_ids": ids }),
                };
                crate::audit::append(c, now, event).await?;
            }
            let mut lines = Vec::with_capacity(rows.len());
            for r in rows {
                let (name, phone, content) = if contacts {
                    let sealed = SealedContact {
                        name: r.citizen_name.clone(),
                        phone: r.phone.clone(),
                        email: None,
                        location: None,
                        phone_index: None,
                    };
                    let open = sealed.open(&vault)?;
                    let written = crate::pii::open(&vault, crate::pii::CONTENT, r.sealed_content.as_deref())?;
                    (open.name, open.phone, written.unwrap_or(r.content))
                } else {
                    (None, None, r.content)
                };
                lines.push(CaseLine {
                    tracking_code: rectify_domain::case::TrackingCode::parse(&r.tracking_code)
                        .map(|c| c.to_string())
                        .unwrap_or(r.tracking_code),
                    state: r.state,
                    due_on: r.due_on,
                    closed_at: r.closed_at,
                    record: CaseRecord {
                        id: Some(r.id),
                        reference: r.reference,
                        citizen_name: name,
                        phone,
                        title: r.title,
                        received_at: Some(r.received_at),
                        content: Some(content),
                        answer: r.answer,
                        replied_at: r.replied_at,
                        channel: Some(r.channel),
                        case_type: Some(r.case_type),
                        unit: r.unit_id.map(|u| index.path_ref(u)),
                        satisfaction: r.satisfaction,
                        category: r.category,
                        likes: r.likes.and_then(|n| u32::try_from(n).ok()),
                        dislikes: r.dislikes.and_then(|n| u32::try_from(n).ok()),
                    },
                });
            }
            Lines::Cases { lines, contacts }
        }
    })
}

impl Exchange<'_> {
    /// The lines of an export for `actor`: what the list of that kind shows them, whole.
    pub async fn export(&self, actor: &Actor, req: ExportRequest) -> StoreResult<Lines> {
        let req = match req {
            ExportRequest::Problems(f) => ExportRequest::Problems(self.search().problem_filter(&f).await?),
            ExportRequest::Cases { filter, reveal } => {
                ExportRequest::Cases { filter: self.search().case_filter(&filter).await?, reveal }
            }
            other => other,
        };
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let t = self.reference().light_thresholds().await?.value;
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

/// Every item of the catalog as a row that imports back (staff only: unpublished ones too).
async fn service_lines(
    c: &mut Conn<'_>,
    actor: &Actor,
    index: &UnitIndex,
) -> StoreResult<Vec<rectify_domain::exchange::ServiceRecord>> {
    use rectify_domain::service::catalog::{ItemStaff, NewMaterial};
    authorize(actor, Permission::ViewDirectory, Party::Other)?;
    let items = crate::services::all_items(c).await?;
    Ok(items
        .into_iter()
        .map(|i| {
            let f = i.fields;
            rectify_domain::exchange::ServiceRecord {
                code: Some(f.code),
                name: Some(f.name),
                kind: Some(f.kind),
                unit: Some(index.path_ref(f.unit_id)),
                window: f.window,
                staff: f.staff.into_iter().map(|s| ItemStaff { name: Some(s.name), phone: Some(s.phone) }).collect(),
                place: f.place,
                hours: f.hours,
                materials: f
                    .materials
                    .into_iter()
                    .map(|m| NewMaterial {
                        name: Some(m.name),
                        form: Some(m.form),
                        count: Some(m.count),
                        source: m.source,
                        optional: m.optional,
                    })
                    .collect(),
                steps: f.steps,
                legal_limit_days: Some(f.legal_limit_days),
                promised_limit_days: Some(f.promised_limit_days),
                fees: f.fees,
                fee_basis: f.fee_basis,
                legal_basis: f.legal_basis,
                max_visits: Some(f.max_visits),
                delivery: Some(f.delivery),
                lists: f.lists,
            }
        })
        .collect())
}
