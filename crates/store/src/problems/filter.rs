//! The problem filters of the ledger list, shared by the list and the figures so that a figure
//! and the list behind it always select the same rows.

use crate::db::{Q, like_pattern};
use crate::visibility::Scope;
use chrono::NaiveDate;
use rectify_domain::ids::{BatchId, CampaignId, PersonId, UnitId};
use rectify_domain::light::{Light, LightThresholds};
use rectify_domain::problem::{Level, ProblemState, ProblemType};
use rectify_domain::search::SearchKind;

#[derive(Debug, Clone, Default)]
pub struct ProblemFilter {
    pub unit: Option<UnitId>,
    /// With `unit`: include the problems of every unit below it.
    pub include_sub_units: bool,
    pub states: Vec<ProblemState>,
    pub light: Option<Light>,
    /// `true`: only overdue (red); `false`: only not overdue.
    pub overdue: Option<bool>,
    pub campaign: Option<CampaignId>,
    pub batch: Option<BatchId>,
    pub category: Option<String>,
    pub problem_type: Option<ProblemType>,
    pub level: Option<Level>,
    pub responsible: Option<PersonId>,
    /// Text in the description, category or root cause.
    pub q: Option<String>,
    pub published: Option<bool>,
    pub include_archived: bool,
    /// `true`: only problems whose unit asked for a later deadline the office has not decided.
    pub pending_extension: Option<bool>,
    /// Only problems still to rectify with an unfinished measure due on or before this day.
    pub measure_due_by: Option<NaiveDate>,
    /// The search index's answer to `q`, filled in by the store (see `search::TextHits`).
    pub text_hits: Option<crate::search::TextHits>,
}

/// `state IN (open, in_progress)`: the states that are lit (see `ProblemState::is_lit`).
fn push_lit(q: &mut Q) {
    q.push_in("state", ProblemState::LIT.iter().map(|s| s.as_str()));
}

/// Appends ` AND …` conditions for the filter and the scope. `units` is the expanded unit filter
/// (the unit alone, or its subtree).
pub(crate) fn push_conditions(
    q: &mut Q,
    f: &ProblemFilter,
    units: Option<&[UnitId]>,
    scope: &Scope,
    t: &LightThresholds,
) {
    if !f.include_archived {
        q.push(" AND archived_at IS NULL");
    }
    match scope {
        Scope::All => {}
        Scope::Units(us) => {
            q.push(" AND (published = ").push_bind(true).push(" OR ");
            q.push_in("unit_id", us.iter().copied()).push(")");
        }
        Scope::PublishedOnly => {
            q.push(" AND published = ").push_bind(true);
        }
    }
    match units {
        Some([one]) => {
            q.push(" AND unit_id = ").push_bind(*one);
        }
        Some(many) => {
            q.push(" AND ");
            q.push_in("unit_id", many.iter().copied());
        }
        None => {}
    }
    if !f.states.is_empty() {
        q.push(" AND ");
        q.push_in("state", f.states.iter().map(|s| s.as_str()));
    }
    let red = |q: &mut Q| {
        q.push("(");
        push_lit(q);
        q.push(" AND due_on < ").push_bind(t.today).push(")");
    };
    match f.light {
        Some(Light::Red) => {
            q.push(" AND ");
            red(q);
        }
        Some(Light::Yellow) => {
            q.push(" AND ");
            push_lit(q);
            q.push(" AND due_on >= ").push_bind(t.today).push(" AND due_on < ").push_bind(t.yellow_until);
        }
        Some(Light::Green) => {
            q.push(" AND NOT (");
            push_lit(q);
            q.push(" AND due_on IS NOT NULL AND due_on < ").push_bind(t.yellow_until).push(")");
        }
        None => {}
    }
    match f.overdue {
        Some(true) => {
            q.push(" AND ");
            red(q);
        }
        Some(false) => {
            q.push(" AND NOT ");
            q.push("(");
            push_lit(q);
            q.push(" AND due_on IS NOT NULL AND due_on < ").push_bind(t.today).push(")");
        }
        None => {}
    }
    if let Some(c) = f.campaign {
        q.push(" AND campaign_id = ").push_bind(c);
    }
    if let Some(b) = f.batch {
        q.push(" AND batch_id = ").push_bind(b);
    }
    if let Some(c) = &f.category {
        q.push(" AND category = ").push_bind(c);
    }
    if let Some(t) = f.problem_type {
        q.push(" AND type = ").push_bind(t.as_str());
    }
    if let Some(l) = f.level {
        q.push(" AND level = ").push_bind(l.as_str());
    }
    if let Some(p) = f.responsible {
        q.push(" AND responsible_person_id = ").push_bind(p);
    }
    if let Some(p) = f.published {
        q.push(" AND published = ").push_bind(p);
    }
    if let Some(on) = f.pending_extension {
        q.push(if on { " AND (" } else { " AND NOT (" });
        push_lit(q);
        q.push(" AND COALESCE(extension_status, '') = 'pending')");
    }
    if let Some(by) = f.measure_due_by {
        q.push(" AND ");
        push_lit(q);
        q.push(" AND EXISTS (SELECT 1 FROM measures m WHERE m.problem_id = problems.id AND m.archived_at IS NULL AND m.done = ");
        q.push_bind(false).push(" AND m.deadline IS NOT NULL AND m.deadline <= ").push_bind(by).push(")");
    }
    if let Some(text) = &f.q {
        let pattern = like_pattern(text);
        crate::search::push_text(q, SearchKind::Problem, f.text_hits.as_ref(), |q| {
            q.push("(description LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\' OR category LIKE ");
            q.push_bind(pattern.clone()).push(" ESCAPE '\\' OR root_cause LIKE ").push_bind(pattern.clone());
            q.push(" ESCAPE '\\')");
        });
    }
}
