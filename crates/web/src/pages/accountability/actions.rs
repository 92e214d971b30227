//! `/app/accountability`: the proposals waiting for a decision, the list of actions with its
//! filters, and the form to record an action.

use super::{decides, pickers};
use crate::AppState;
use crate::error::ApiError;
use crate::form::{FormData, Kind};
use crate::pages::{Answer, Ctx, Shown, path_id, settle};
use crate::routes::accountability::action_filter;
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minijinja::context;
use rectify_domain::accountability::{
    ActionKind, ActionRecordMachine, ActionStatus, BulkDecision, DismissRequest, NewAction,
};
use rectify_domain::actor::Party;
use rectify_domain::ids::ActionRecordId;
use rectify_domain::machine;
use rectify_store::PageRequest;
use rectify_store::accountability::ActionFilter;

pub fn site() -> Site {
    Site::new()
        .get("/app/accountability", list)
        .post("/app/accountability", record)
        .post("/app/accountability/{id}/confirm", confirm)
        .post("/app/accountability/{id}/dismiss", dismiss)
        .post("/app/accountability/decisions", decide_many)
}

/// Actions per page, and proposals shown at once.
const PAGE: u32 = 50;

async fn list(State(st): State<AppState>, ctx: Ctx) -> Answer {
    view(&st, &ctx, Shown::fresh()).await
}

async fn view(st: &AppState, ctx: &Ctx, shown: Shown) -> Answer {
    let Shown { status, values, errors } = shown;
    let actor = ctx.staff()?;
    // Filters read leniently: a bad value is ignored here (the API names it).
    let mut params = ctx.params();
    let filter = action_filter(&mut params);
    let page =
        PageRequest::new(Some(i64::from(PAGE)), ctx.query("cursor")).unwrap_or_else(|_| PageRequest::first(PAGE));
    let actions = st.store.accountability().list_actions(actor, &filter, &page).await?;
    let waiting = ActionFilter { status: Some(ActionStatus::Proposed), ..ActionFilter::default() };
    let proposals = st.store.accountability().list_actions(actor, &waiting, &PageRequest::first(PAGE)).await?;
    // What the reader may decide about a proposal: the buttons on each card.
    let party = if decides(ctx) { Party::Office } else { Party::Other };
    let steps: Vec<&str> =
        machine::available::<ActionRecordMachine>(ActionStatus::Proposed, party).iter().map(|s| s.as_str()).collect();
    let (unit_options, people) = pickers(st, actor).await?;
    let kinds: Vec<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
    let statuses: Vec<&str> = ActionStatus::ALL.iter().map(|s| s.as_str()).collect();
    ctx.render_status(
        st,
        status,
        "app/accountability.html",
        context! {
            actions, proposals, steps, unit_options, people, kinds, statuses, values, errors,
            decides => decides(ctx), filters => ctx.query_map(), decided_n => ctx.query("n"),
        },
    )
}

async fn record(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewAction = form.decode(&[("problem_ids", Kind::List), ("case_ids", Kind::List)], &[])?;
        Ok::<_, ApiError>(st.store.accountability().record_action(actor, input, None).await?)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(
        ctx.lang,
        attempt.await,
        |_| "/app/accountability?done=recorded".into(),
        |errors| async move { view(st, ctx, Shown::again(form, errors)).await },
    )
    .await
}

async fn confirm(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: ActionRecordId = path_id(&id)?;
    let result = st.store.accountability().confirm_action(actor, id, None).await.map_err(ApiError::from);
    let (st, ctx) = (&st, &ctx);
    settle(
        ctx.lang,
        result,
        |_| "/app/accountability?done=confirmed".into(),
        |errors| async move { view(st, ctx, Shown::refused(StatusCode::CONFLICT, errors)).await },
    )
    .await
}

/// The waiting proposals ticked in the list, confirmed or dismissed together with one reason.
async fn decide_many(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: BulkDecision = form.decode(&[("ids", Kind::List)], &[])?;
        Ok::<_, ApiError>(st.store.accountability().decide_many(actor, input).await?)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    // The notice says what was done to how many: "已驳回选中的3条建议。".
    let decision = form.get("decision").filter(|d| ["confirm", "dismiss"].contains(d)).unwrap_or("confirm");
    let done = |decided: Vec<rectify_domain::accountability::ActionRecord>| {
        format!("/app/accountability?done=decided_{decision}ed&n={}", decided.len())
    };
    settle(ctx.lang, attempt.await, done, |errors| async move { view(st, ctx, Shown::again(form, errors)).await }).await
}

async fn dismiss(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: ActionRecordId = path_id(&id)?;
    let attempt = async {
        let input: DismissRequest = form.decode(&[("version", Kind::Number)], &[])?;
        Ok::<_, ApiError>(st.store.accountability().dismiss_action(actor, id, input).await?)
    };
    let (st, ctx) = (&st, &ctx);
    settle(
        ctx.lang,
        attempt.await,
        |_| "/app/accountability?done=dismissed".into(),
        |errors| async move { view(st, ctx, Shown::refused(StatusCode::UNPROCESSABLE_ENTITY, errors)).await },
    )
    .await
}
