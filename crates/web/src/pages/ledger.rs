//! The ledger (问题整改台账) pages: the filtered list, writing a problem, and a problem's page
//! with measures, progress with evidence, source cases, history and the transitions the user
//! may fire.

use super::picker::{Scope, picker_for};
use super::portal::unit_names;
use super::{Answer, Ctx, FormErrors, PageError, form_values, path_id, settle};
use crate::AppState;
use crate::error::ApiError;
use crate::form::{FormData, Kind};
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minijinja::{Value, context};
use rectify_domain::actor::{Actor, Permission, authorize};
use rectify_domain::ids::{MeasureId, ProblemId};
use rectify_domain::problem::{
    MeasurePatch, NewMeasure, NewProblem, NewProgress, Problem, ProblemState, ProblemType, Standing, TransitionRequest,
    standing,
};
use rectify_store::PageRequest;
use rectify_store::problems::{ProblemFilter, ProblemSort};

pub fn site() -> Site {
    Site::new()
        .get("/app/problems", list)
        .get("/app/problems/new", new_form)
        .post("/app/problems/new", create)
        .get("/app/problems/{id}", show)
        .post("/app/problems/{id}/transitions", transition)
        .post("/app/problems/{id}/progress", progress)
        .post("/app/problems/{id}/measures", add_measure)
        .post("/app/problems/{id}/measures/{mid}/done", measure_done)
}

/// The ledger filters from the query string, read by the API's own parser. Pages are lenient
/// where the API is strict: a value that does not parse is left out rather than refused (the
/// forms only offer valid ones).
pub(super) fn filter_from(ctx: &Ctx) -> ProblemFilter {
    rectify_app::filters::problems(&mut ctx.params())
}

/// Choices every ledger form offers. The unit picker offers the units the user handles, or the
/// campaign's own when one is chosen (`campaign`); `unit` is the unit already chosen.
async fn choices(st: &AppState, actor: &Actor, campaign: Option<&str>, unit: Option<&str>) -> Result<Value, PageError> {
    let campaigns = super::live_campaigns(st, actor).await?;
    let chosen = campaign.and_then(|c| campaigns.iter().find(|k| k.id.to_string() == c));
    let scope = match chosen {
        Some(c) if !c.unit_ids.is_empty() => Scope::Only(c.unit_ids.iter().copied().collect()),
        _ => Scope::Reach(actor.clone(), rectify_domain::visibility::Records::Problems),
    };
    let unit_options = picker_for(st, &scope, unit).await?;
    let (campaign_options, batch_options) = super::campaign_options(&campaigns);
    Ok(context! {
        unit_options, campaign_options, batch_options,
        states => ProblemState::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        types => ProblemType::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        lights => ["red", "yellow", "green"],
    })
}

async fn list(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    let filter = filter_from(&ctx);
    let sort = ctx.query("sort").and_then(ProblemSort::parse).unwrap_or_default();
    let page = PageRequest::new(Some(50), ctx.query("cursor")).unwrap_or_else(|_| PageRequest::first(50));
    let problems = st.store.ledger().list_problems(actor, &filter, sort, &page).await?;
    let total = st.store.ledger().count_problems(actor, std::slice::from_ref(&filter)).await?.first().copied();
    let today = st.store.today();
    let overdue: std::collections::HashMap<String, i64> = problems
        .items
        .iter()
        .filter_map(|p| rectify_domain::light::days_overdue(p.light, p.due_on, today).map(|d| (p.id.to_string(), d)))
        .collect();
    let units = unit_names(&st).await?;
    let choices = choices(&st, actor, ctx.query("campaign"), ctx.query("unit")).await?;
    let export_query = super::files::export_query(&ctx.query_pairs());
    ctx.render(
        &st,
        "app/problems.html",
        context! { problems, total, overdue, units, choices, export_query, filters => ctx.query_map() },
    )
}

async fn new_form(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    // Deny by default: the form is shown only to those who could send it for some unit.
    if !super::may_create_problem(actor) {
        return Err(rectify_domain::DomainError::Forbidden(rectify_domain::Denial::Role {
            role: actor.role,
            permission: rectify_domain::actor::Permission::CreateProblem,
        })
        .into());
    }
    let choices = choices(&st, actor, ctx.query("campaign_id"), ctx.query("unit")).await?;
    // From a case page's similar cases: one problem for them all, their reporters each keeping
    // their say at the close-off.
    let values = context! {
        type => "time_limited", unit_id => ctx.query("unit"), campaign_id => ctx.query("campaign_id"),
        description => ctx.query("description"),
    };
    let case_ids = ctx.query_all("case_ids");
    ctx.render(&st, "app/problem_new.html", context! { choices, values, case_ids })
}

async fn create(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewProblem = form.decode(&[("published", Kind::Bool), ("case_ids", Kind::List)], &[])?;
        Ok::<_, ApiError>(st.store.ledger().create_problem(actor, input, None).await?)
    };
    let done = |c: rectify_store::idempotency::Created<rectify_domain::problem::Problem>| {
        format!("/app/problems/{}?done=created", c.value.id)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(ctx.lang, attempt.await, done, |errors| async move {
        let choices = choices(st, actor, form.get("campaign_id"), form.get("unit_id")).await?;
        let page = context! { choices, values => form_values(form), errors, case_ids => form.get_all("case_ids") };
        ctx.render_status(st, StatusCode::UNPROCESSABLE_ENTITY, "app/problem_new.html", page)
    })
    .await
}

/// The problem page, optionally with the errors of a form sent from it.
async fn page(st: &AppState, ctx: &Ctx, id: ProblemId, failed: Option<(&str, FormErrors, &FormData)>) -> Answer {
    let actor = ctx.staff()?;
    let problem = st.store.ledger().get_problem(actor, id).await?;
    let progress = st.store.ledger().list_progress(actor, id).await?;
    let history = st.store.ledger().problem_history(actor, id).await?;
    let party = st.store.ledger().problem_party(actor, &problem).await?;
    let actions: Vec<&str> =
        rectify_domain::problem::available_actions(problem.state, party, extension_pending(&problem))
            .iter()
            .map(|a| a.as_str())
            .collect();
    let may_edit = problem.state != ProblemState::Closed && authorize(actor, Permission::AddProgress, party).is_ok();
    let units = unit_names(st).await?;
    let responsible = match problem.responsible_person_id {
        Some(person) => Some(st.store.directory().get_person(actor, person).await?),
        None => None,
    };
    let bulletin_drafts = super::bulletins::drafts_for(st, actor, problem.campaign_id).await?;
    let source_cases = if actions.contains(&"verify") { source_cases(st, actor, &problem).await? } else { Vec::new() };
    let (form_name, errors, values) = match failed {
        Some((name, errors, form)) => (Some(name), Some(errors), Some(form_values(form))),
        None => (None, None, None),
    };
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    ctx.render_status(
        st,
        status,
        "app/problem.html",
        context! {
            problem, progress, history, actions, units, responsible, may_edit, source_cases, bulletin_drafts,
            form_name, errors, values, today => st.store.today().to_string(),
        },
    )
}

fn extension_pending(p: &Problem) -> bool {
    p.extension.as_ref().is_some_and(|e| e.status == rectify_domain::extension::ExtensionStatus::Pending)
}

/// The source cases a close-off must answer for, each with where its citizen stands.
async fn source_cases(st: &AppState, actor: &Actor, problem: &Problem) -> Result<Vec<Value>, PageError> {
    let mut out = Vec::new();
    for id in problem.case_ids.iter().flatten() {
        let c = st.store.cases().get_case(actor, *id).await?;
        let reachable = c.citizen.phone.is_some() || c.citizen.email.is_some();
        let verdict = c.satisfaction.zip(c.satisfaction_at);
        let standing = standing(c.state, reachable, verdict, problem.reported_at);
        if standing != Standing::NotAsked {
            out.push(context! { id, standing, satisfaction => c.satisfaction });
        }
    }
    Ok(out)
}

async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    page(&st, &ctx, path_id(&id)?, None).await
}

/// Runs a form's use case: on success back to the problem page with a notice, on a fixable
/// error the page again with the form's errors next to its fields.
async fn outcome<T>(
    st: &AppState,
    ctx: &Ctx,
    id: ProblemId,
    form_name: &str,
    form: &FormData,
    result: Result<T, ApiError>,
    done: &str,
) -> Answer {
    settle(
        ctx.lang,
        result,
        |_| format!("/app/problems/{id}?done={done}"),
        |errors| page(st, ctx, id, Some((form_name, errors, form))),
    )
    .await
}

async fn transition(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: ProblemId = path_id(&id)?;
    let result = async {
        let req = transition_request(&form)?;
        Ok(st.store.ledger().transition_problem(actor, id, req).await?)
    }
    .await;
    let name = form.get("action").unwrap_or("transition").to_owned();
    let done = super::cases::done_key("problem", &name, form.get("approve"), false);
    outcome(&st, &ctx, id, &name, &form, result, &done).await
}

/// The form's transition, with a text per source case read as a waiver (`waiver_{case}`: why the
/// citizen could not be asked) or a review (`review_{case}`: what the review found).
fn transition_request(form: &FormData) -> Result<TransitionRequest, ApiError> {
    let per_case: Vec<(&str, &str, &str)> = form
        .fields
        .iter()
        .filter_map(|(k, v)| {
            let (list, case) = k.split_once('_')?;
            matches!(list, "waiver" | "review").then_some((k.as_str(), list, case)).filter(|_| !v.trim().is_empty())
        })
        .collect();
    let skip: Vec<&str> = form
        .fields
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| k.starts_with("waiver_") || k.starts_with("review_"))
        .collect();
    let mut body = form.to_json(&[("version", Kind::Number), ("approve", Kind::Bool)], &skip)?;
    for (name, list, case) in per_case {
        let text = form.get(name).unwrap_or_default();
        let entry = match list {
            "waiver" => serde_json::json!({"case_id": case, "reason": text}),
            _ => serde_json::json!({"case_id": case, "finding": text}),
        };
        let key = if list == "waiver" { "waivers" } else { "reviews" };
        if let Some(items) = body.as_object_mut().map(|o| o.entry(key).or_insert_with(|| serde_json::json!([]))) {
            items.as_array_mut().into_iter().for_each(|a| a.push(entry.clone()));
        }
    }
    crate::form::decode_value(&body)
}

async fn progress(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: ProblemId = path_id(&id)?;
    let result = async {
        let mut input: NewProgress = form.decode(&[], &[])?;
        // Files first; each becomes evidence of this entry.
        for file in &form.files {
            let meta = st.store.files().upload_attachment(actor, &file.name, file.bytes.clone(), None).await?;
            input.attachment_ids.push(meta.value.id);
        }
        Ok(st.store.ledger().add_progress(actor, id, input, None).await?)
    }
    .await;
    outcome(&st, &ctx, id, "progress", &form, result, "uploaded").await
}

async fn add_measure(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: ProblemId = path_id(&id)?;
    let result = async {
        let input: NewMeasure = form.decode(&[], &[])?;
        Ok(st.store.ledger().add_measure(actor, id, input, None).await?)
    }
    .await;
    outcome(&st, &ctx, id, "measure", &form, result, "saved").await
}

async fn measure_done(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(String, String)>,
    form: FormData,
) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let (id, mid): (ProblemId, MeasureId) = (path_id(&id)?, path_id(&mid)?);
    let result = async {
        let patch: MeasurePatch = form.decode(&[("version", Kind::Number), ("done", Kind::Bool)], &[])?;
        Ok(st.store.ledger().update_measure(actor, id, mid, patch).await?)
    }
    .await;
    outcome(&st, &ctx, id, "measure_done", &form, result, "saved").await
}
