//! Inspection pages: plans and rounds (`/app/inspections`), a plan with its rhythm and missed
//! rounds (`/app/inspection-plans/{id}`), a round with its draw, verification
//! and findings (`/app/rounds/{id}`), and the phone-sized finding form on that page. What a
//! reader sees of a covert round is what the store's `get_round` gives them: its targets only
//! for its own inspectors until it ends.

use super::admin::{all_units, names_of, unit_options};
use super::{Answer, Ctx, FormErrors, PageError, Shown, form_values, path_id, settle};
use crate::AppState;
use crate::error::ApiError;
use crate::form::{FormData, Kind, decode_value};
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minijinja::context;
use rectify_domain::actor::{Actor, Party, Permission, Role, authorize};
use rectify_domain::ids::{InspectionBulletinId, PlanId, RoundId};
use rectify_domain::inspection::round::available_actions;
use rectify_domain::inspection::{
    DrawGroup, DrawRequest, NewFinding, NewInspectionBulletin, NewPlan, NewRound, Rhythm, Round, RoundAction,
    RoundFacts, RoundMachine, RoundParty,
};
use rectify_domain::machine;
use rectify_domain::person::Person;
use rectify_store::PageRequest;
use rectify_store::people::PersonFilter;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

pub fn site() -> Site {
    Site::new()
        .get("/app/inspections", inspections_page)
        .post("/app/inspection-plans", create_plan)
        .get("/app/inspection-plans/{id}", plan_page)
        .post("/app/inspection-plans/{id}/rounds", commit_round)
        .get("/app/rounds/{id}", round_page)
        .post("/app/rounds/{id}/draw", draw_round)
        .post("/app/rounds/{id}/end", end_round)
        .post("/app/rounds/{id}/findings", record_finding)
        .post("/app/inspection-bulletins", publish_bulletin)
        .get("/app/inspection-bulletins/{id}", bulletin_page)
}

fn manages(actor: &Actor) -> bool {
    authorize(actor, Permission::ManageInspections, Party::Office).is_ok()
}

async fn inspections_page(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    inspections_view(&st, &ctx, actor, StatusCode::OK, None).await
}

/// A form of the list page sent back with its messages: which form, what was typed, why.
struct Refused {
    form: &'static str,
    values: BTreeMap<String, String>,
    errors: FormErrors,
}

async fn inspections_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    status: StatusCode,
    refused: Option<Refused>,
) -> Answer {
    // The newest of each; the API pages further back.
    let newest = PageRequest::first(100);
    let plans = st.store.inspections().list_plans(actor, &newest).await?.items;
    let rounds = st.store.inspections().list_rounds(actor, None, false, &newest).await?.items;
    let reinspections = st.store.inspections().list_reinspections(actor, &newest).await?.items;
    let bulletins = st.store.inspections().list_inspection_bulletins(actor, &newest).await?.items;
    // The plan form's pickers: the people who may inspect, the units that may be inspected.
    let (people_options, unit_options) = if manages(actor) {
        let units = all_units(st, actor, false).await?;
        let names = names_of(&units);
        let people: Vec<[String; 2]> = all_people(st, actor)
            .await?
            .into_iter()
            .map(|p| {
                let unit = p.unit_id.and_then(|u| names.get(&u.to_string()).cloned()).unwrap_or_default();
                [p.id.to_string(), format!("{}（{} {}）", p.name, unit, p.position.unwrap_or_default())]
            })
            .collect();
        (people, unit_options(&units, &HashSet::new()))
    } else {
        (Vec::new(), Vec::new())
    };
    let rhythms: Vec<[String; 2]> = Rhythm::ALL
        .iter()
        .map(|r| [r.as_str().to_owned(), ctx.t(st, &format!("inspect.rhythm.{}", r.as_str()))])
        .collect();
    // The rounds a bulletin may report.
    let party = RoundParty::of(actor, None);
    let ended: Vec<[String; 2]> = rounds
        .iter()
        .filter(|r| machine::allowed::<RoundMachine>(r.status, RoundAction::Report, party))
        .map(|r| [r.id.to_string(), format!("{} #{}", r.plan_name, r.number)])
        .collect();
    ctx.render_status(
        st,
        status,
        "app/inspections.html",
        context! {
            plans, rounds, reinspections, bulletins, ended, people_options, unit_options, rhythms,
            // Each form shows only its own messages and values.
            plan_form => form_state(refused.as_ref(), "plan"),
            bulletin_form => form_state(refused.as_ref(), "bulletin"),
            manage => manages(actor),
        },
    )
}

fn form_state(refused: Option<&Refused>, form: &str) -> minijinja::Value {
    match refused {
        Some(r) if r.form == form => context! { values => r.values, errors => r.errors },
        _ => context! { values => BTreeMap::<String, String>::new() },
    }
}

/// The plan form: the checklist one item per line, the two pools picked from lists, or the
/// target pool as every unit under an area.
async fn create_plan(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let kinds = [
            ("groups", Kind::Number),
            ("inspectors_per_group", Kind::Number),
            ("targets_per_group", Kind::Number),
            ("no_repeat_rounds", Kind::Number),
            ("deadline_working_days", Kind::Number),
            ("covert", Kind::Bool),
            ("inspector_ids", Kind::List),
            ("target_unit_ids", Kind::List),
        ];
        let mut body = form.to_json(&kinds, &["checklist", "under_unit_id"])?;
        let checklist: Vec<String> = form
            .get("checklist")
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(Into::into)
            .collect();
        body["checklist"] = json!(checklist);
        if let Some(area) = form.get("under_unit_id") {
            body["target_filter"] = json!({ "under_unit_id": area });
        }
        let input: NewPlan = decode_value(&body)?;
        Ok::<_, ApiError>(st.store.inspections().create_plan(actor, input, None).await?)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(
        ctx.lang,
        attempt.await,
        |_| "/app/inspections?done=plan".to_owned(),
        |errors| async move {
            let refused = Refused { form: "plan", values: form_values(form), errors };
            inspections_view(st, ctx, actor, StatusCode::UNPROCESSABLE_ENTITY, Some(refused)).await
        },
    )
    .await
}

/// The compose form: a period (or one ended round), a title, the issuer, an editor's note.
async fn publish_bulletin(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewInspectionBulletin = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.inspections().publish_inspection_bulletin(actor, input).await?)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(
        ctx.lang,
        attempt.await,
        |b| format!("/app/inspection-bulletins/{}", b.id),
        |errors| async move {
            let refused = Refused { form: "bulletin", values: form_values(form), errors };
            inspections_view(st, ctx, actor, StatusCode::UNPROCESSABLE_ENTITY, Some(refused)).await
        },
    )
    .await
}

/// A plan and its rhythm: the next round due, every period missed so far, its rounds.
async fn plan_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let actor = ctx.staff()?;
    let id: PlanId = path_id(&id)?;
    let plan = st.store.inspections().get_plan(actor, id).await?;
    let rounds = st.store.inspections().list_rounds(actor, Some(id), false, &PageRequest::first(100)).await?.items;
    ctx.render(&st, "app/inspection_plan.html", context! { p => plan, rounds, manage => manages(actor) })
}

/// A bulletin as printed.
async fn bulletin_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let actor = ctx.staff()?;
    let id: InspectionBulletinId = path_id(&id)?;
    let bulletin = st.store.inspections().get_inspection_bulletin(actor, id).await?;
    ctx.render(&st, "app/inspection_bulletin.html", context! { b => bulletin })
}

async fn commit_round(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let plan: PlanId = path_id(&id)?;
    let input: NewRound = form.decode(&[], &[])?;
    let round = st.store.inspections().create_round(actor, plan, input, None).await?;
    Ok(super::see_other(&format!("/app/rounds/{}?done=committed", round.value.id)))
}

/// Every person of the directory (inspectors are people), following the store's pages.
async fn all_people(st: &AppState, actor: &Actor) -> Result<Vec<Person>, PageError> {
    let mut people = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = PageRequest::new(Some(500), cursor.as_deref())?;
        let got = st.store.directory().list_people(actor, &PersonFilter::default(), &page).await?;
        people.extend(got.items);
        match got.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(people),
        }
    }
}

/// The units the actor may record a finding for in this round: none when the round takes no
/// findings from them now (or hides its targets from them), else what the round's machine says.
fn recordable(round: &Round, party: RoundParty, me: Option<usize>, actions: &[RoundAction]) -> Vec<String> {
    if !actions.contains(&RoundAction::RecordFinding) || round.targets_hidden {
        return Vec::new();
    }
    let groups: Vec<DrawGroup> = round
        .groups
        .iter()
        .map(|g| DrawGroup { inspectors: g.inspectors.clone(), targets: g.targets.clone() })
        .collect();
    let facts = RoundFacts { status: round.status, covert: round.covert, groups: &groups, own_group: me };
    facts.recordable_units(party).iter().map(ToString::to_string).collect()
}

async fn round_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let actor = ctx.staff()?;
    let id: RoundId = path_id(&id)?;
    round_view(&st, &ctx, actor, id, Shown::fresh()).await
}

async fn round_view(st: &AppState, ctx: &Ctx, actor: &Actor, id: RoundId, shown: Shown) -> Answer {
    let Shown { status, values, errors } = shown;
    let round = st.store.inspections().get_round(actor, id).await?;
    let plan = st.store.inspections().get_plan(actor, round.plan_id).await?;
    let findings = if round.targets_hidden {
        None
    } else {
        Some(st.store.inspections().list_findings(actor, id, &PageRequest::first(500)).await?.items)
    };
    let me = st.store.inspections().own_group(actor, id).await?;
    let party = RoundParty::of(actor, me);
    let actions = available_actions(round.status, party);
    let verification = if actions.contains(&RoundAction::Verify) {
        Some(st.store.inspections().verify_round(actor, id).await?)
    } else {
        None
    };
    let targets = recordable(&round, party, me, &actions);
    let units = all_units(st, actor, true).await?;
    let unit_names = names_of(&units);
    let target_options: Vec<[String; 2]> =
        targets.iter().map(|u| [u.clone(), unit_names.get(u).cloned().unwrap_or_else(|| u.clone())]).collect();
    let people: HashMap<String, String> =
        all_people(st, actor).await?.into_iter().map(|p| (p.id.to_string(), p.name)).collect();
    ctx.render_status(
        st,
        status,
        "app/round.html",
        context! {
            round, plan, findings, verification, unit_names, people, target_options, values, errors,
            actions => actions.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            my_group => me.map(|g| g + 1),
            manage => manages(actor),
            inspector => actor.role == Role::Inspector,
        },
    )
}

async fn draw_round(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: RoundId = path_id(&id)?;
    let req: DrawRequest = form.decode(&[], &[])?;
    let result = st.store.inspections().draw_round(actor, id, req).await.map_err(ApiError::from);
    let (st, ctx) = (&st, &ctx);
    settle(
        ctx.lang,
        result,
        |r| format!("/app/rounds/{}?done=drawn", r.id),
        |errors| async move {
            round_view(st, ctx, actor, id, Shown::refused(StatusCode::UNPROCESSABLE_ENTITY, errors)).await
        },
    )
    .await
}

async fn end_round(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: RoundId = path_id(&id)?;
    let r = st.store.inspections().end_round(actor, id).await?;
    Ok(super::see_other(&format!("/app/rounds/{}?done=ended", r.id)))
}

/// The finding form: checklist items ticked as found wanting (`failed`), a note, photos.
async fn record_finding(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: RoundId = path_id(&id)?;
    let attempt = async {
        let round = st.store.inspections().get_round(actor, id).await?;
        let plan = st.store.inspections().get_plan(actor, round.plan_id).await?;
        let failed: Vec<&str> = form.fields.iter().filter(|(k, _)| k == "failed").map(|(_, v)| v.as_str()).collect();
        let answers: Vec<serde_json::Value> = plan
            .plan
            .checklist
            .iter()
            .map(|item| json!({"item": item, "ok": !failed.contains(&item.as_str())}))
            .collect();
        let body = json!({
            "unit_id": form.get("unit_id").filter(|v| !v.is_empty()),
            "note": form.get("note").filter(|v| !v.trim().is_empty()),
            "answers": answers,
        });
        let mut input: NewFinding = decode_value(&body)?;
        for file in &form.files {
            let meta = st.store.files().upload_attachment(actor, &file.name, file.bytes.clone(), None).await?;
            input.attachment_ids.push(meta.value.id);
        }
        Ok::<_, ApiError>(st.store.inspections().record_finding(actor, id, input, None).await?)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(
        ctx.lang,
        attempt.await,
        |_| format!("/app/rounds/{id}?done=finding#findings"),
        |errors| async move { round_view(st, ctx, actor, id, Shown::again(form, errors)).await },
    )
    .await
}
