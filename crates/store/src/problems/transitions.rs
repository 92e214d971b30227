//! Firing the problem state machine (`start`, `report_done`, `verify`, `reject`, `reopen`).
//! A problem made from citizen cases is closed off only with each reachable citizen's
//! satisfaction (or a recorded reason), and its close-off answers those citizens.

use super::get_visible;
use super::{get, problem_change, progress::evidence_count, refresh_due};
use crate::areas::Ledger;
use crate::cases::{citizens_verdict, reply_to_source_cases};
use crate::db::set;
use crate::db::{Conn, Q};
use crate::error::StoreResult;
use crate::history;
use crate::units;
use crate::versioned;
use chrono::NaiveDate;
use rectify_domain::actor::Actor;
use rectify_domain::extension::ExtensionStatus;
use rectify_domain::figures::CloseBasis;
use rectify_domain::ids::{CaseId, ProblemId};
use rectify_domain::light::LightThresholds;
use rectify_domain::patch::Change;
use rectify_domain::problem::{
    ExtensionStep, Problem, ProblemAction, ProblemDecision, ProblemState, SetAside, TransitionContext,
    TransitionRequest, fire, set_aside_of,
};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Issue, Rule, text};
use rectify_vault::Keyring;

fn parse_action(s: Option<&str>) -> Result<ProblemAction, DomainError> {
    match s.map(text::clean) {
        None | Some("") => Err(DomainError::field("action", Issue::Required)),
        Some(a) => ProblemAction::parse(a).ok_or_else(|| {
            DomainError::field(
                "action",
                Issue::NotOneOf { expected: ProblemAction::ALL.iter().map(|a| a.as_str().to_owned()).collect() },
            )
        }),
    }
}

/// A checked transition request.
pub(crate) struct Move {
    pub action: ProblemAction,
    pub note: Option<String>,
    pub version: Option<i64>,
    /// `verify`: source cases whose citizen's own verdict is set aside (waived or reviewed).
    pub set_aside: Vec<(CaseId, SetAside)>,
    /// `extend`: the date the unit asks for, or the office's decision.
    pub due: Option<NaiveDate>,
    pub approve: Option<bool>,
}

impl Move {
    pub(crate) fn parse(req: TransitionRequest) -> Result<Move, DomainError> {
        let action = parse_action(req.action.as_deref())?;
        let note =
            text::optional("note", req.note.as_deref(), text::TEXT_MAX).map_err(|e| DomainError::Invalid(vec![e]))?;
        let set_aside = set_aside_of(req.waivers, req.reviews)?;
        Ok(Move { action, note, version: req.version, set_aside, due: req.due, approve: req.approve })
    }

    /// A reopening the system or a re-inspection decides, with its reason.
    pub(crate) fn reopen(reason: String) -> Move {
        Move {
            action: ProblemAction::Reopen,
            note: Some(reason),
            version: None,
            set_aside: Vec::new(),
            due: None,
            approve: None,
        }
    }
}

/// Fires a transition inside the caller's transaction.
pub(crate) async fn fire_in(
    c: &mut Conn<'_>,
    actor: &Actor,
    id: ProblemId,
    m: &Move,
    t: &LightThresholds,
    vault: &Keyring,
    now: Timestamp,
) -> StoreResult<Problem> {
    let before = get_visible(c, actor, id, t).await?;
    if let Some(v) = m.version
        && v != before.version
    {
        return Err(DomainError::StaleVersion { entity: Entity::Problem, current: before.version }.into());
    }
    let party = units::party(c, actor, before.unit_id).await?;
    let actor_inside_owner = match actor.unit_id {
        Some(u) => units::line_up(c, u).await?.contains(&before.unit_id),
        None => false,
    };
    let open_measures: i64 = c
        .scalar(
            Q::new(
                "SELECT COUNT(*) FROM measures \
                 WHERE problem_id = $1 AND archived_at IS NULL AND done = $2",
            )
            .bind(id)
            .bind(false),
        )
        .await?;
    let citizens = if m.action == ProblemAction::Verify {
        citizens_verdict(c, id, before.reported_at, &m.set_aside).await?
    } else {
        Default::default()
    };
    let ctx = TransitionContext {
        party,
        actor_inside_owner,
        evidence: evidence_count(c, id).await?,
        open_measures: open_measures as u64,
        citizens,
        note: m.note.as_deref(),
        today: now.china_date(),
        deadline: before.deadline,
        extension: before.extension.as_ref(),
        due: m.due,
        approve: m.approve,
    };
    let d = fire(before.state, m.action, &ctx)?;
    write_decision(c, id, before.version, &d, now).await?;
    if d.answer_source_cases {
        reply_to_source_cases(c, vault, actor, id, m.note.as_deref(), &m.set_aside, now).await?;
    }
    let after = get(c, id, t).await?.ok_or_else(|| DomainError::not_found(Entity::Problem, id))?;
    let change = problem_change(&after, m.action.as_str(), m.note.as_deref(), Some(&before));
    history::record(c, actor, now, change).await?;
    Ok(after)
}

/// Writes a transition's decision, guarded by the version read.
async fn write_decision(
    c: &mut Conn<'_>,
    id: ProblemId,
    version: i64,
    d: &ProblemDecision,
    now: Timestamp,
) -> StoreResult<()> {
    let mut q = Q::new("UPDATE problems SET state = ");
    q.push_bind(d.to.as_str()).push(", version = version + 1, updated_at = ").push_bind(now);
    let at = |change: &Change<()>| change.clone().map(|()| now);
    set(&mut q, "reported_at", at(&d.reported_at));
    set(&mut q, "closed_at", at(&d.closed_at));
    set(&mut q, "done_on", d.done_on.clone());
    set(&mut q, "close_basis", d.close_basis.clone().map(|b| b.as_str()));
    if d.reopened {
        q.push(", reopen_count = reopen_count + 1");
    }
    let granted = match &d.extension {
        ExtensionStep::None => false,
        ExtensionStep::Asked { due, reason } => {
            q.push(", extension_due = ").push_bind(*due).push(", extension_reason = ").push_bind(reason.clone());
            q.push(", extension_requested_at = ").push_bind(now);
            q.push(", extension_status = ").push_bind(ExtensionStatus::Pending.as_str());
            false
        }
        ExtensionStep::Granted { due, from } => {
            q.push(", deadline = ").push_bind(*due).push(", extended_from = ").push_bind(*from);
            q.push(", extension_status = ").push_bind(ExtensionStatus::Granted.as_str());
            true
        }
        ExtensionStep::Refused => {
            q.push(", extension_status = ").push_bind(ExtensionStatus::Refused.as_str());
            false
        }
    };
    q.push(" WHERE id = ").push_bind(id).push(" AND version = ").push_bind(version);
    versioned::update(c, Entity::Problem, version, q).await?;
    if granted {
        // The new deadline lights the problem from now on.
        refresh_due(c, id).await?;
    }
    Ok(())
}

/// Records the state an imported ledger gives a problem: the office's statement of record, not
/// a verification made here. States only move forward (an import never reopens: that is
/// `reopen`, with its reason); a close-off recorded this way has the basis `imported`, and the
/// day the work was finished is unknown, so the on-time figures leave it out.
pub(crate) async fn record_imported_state(
    c: &mut Conn<'_>,
    actor: &Actor,
    before: &Problem,
    to: ProblemState,
    note: &str,
    t: &LightThresholds,
    now: Timestamp,
) -> StoreResult<Problem> {
    let rank = |s: ProblemState| ProblemState::ALL.iter().position(|x| *x == s);
    if rank(to) < rank(before.state) {
        return Err(DomainError::rule(Rule::NotAllowedFromState, "state").into());
    }
    if to == before.state {
        return Ok(before.clone());
    }
    let done = matches!(to, ProblemState::Reported | ProblemState::Closed);
    let update = Q::new(
        "UPDATE problems SET state = $1, version = version + 1, updated_at = $2, \
         reported_at = CASE WHEN $3 THEN COALESCE(reported_at, $2) ELSE reported_at END, \
         closed_at = CASE WHEN $4 THEN $2 ELSE closed_at END, \
         close_basis = CASE WHEN $4 THEN $5 ELSE close_basis END \
         WHERE id = $6 AND version = $7",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(done)
    .bind(to == ProblemState::Closed)
    .bind(CloseBasis::Imported.as_str())
    .bind(before.id)
    .bind(before.version);
    versioned::update(c, Entity::Problem, before.version, update).await?;
    let after = get(c, before.id, t).await?.ok_or_else(|| DomainError::not_found(Entity::Problem, before.id))?;
    history::record(c, actor, now, problem_change(&after, "import_state", Some(note), Some(before))).await?;
    Ok(after)
}

impl Ledger<'_> {
    pub async fn transition_problem(
        &self,
        actor: &Actor,
        id: ProblemId,
        req: TransitionRequest,
    ) -> StoreResult<Problem> {
        let m = Move::parse(req)?;
        let t = self.reference().light_thresholds().await?.value;
        let now = self.now();
        let (actor, vault) = (actor.clone(), self.vault.clone());
        self.db
            .write(move |tx| Box::pin(async move { fire_in(&mut tx.conn(), &actor, id, &m, &t, &vault, now).await }))
            .await
    }
}
