//! Case pages for staff: the inbox (boxes by what needs doing), registering a case from another
//! channel, and a case's page with its timeline and the actions the user's party may take.

use super::picker::{Scope, picker_for};
use super::portal::unit_names;
use super::{Answer, Ctx, FormErrors, PageError, form_values, path_id, settle};
use crate::AppState;
use crate::error::ApiError;
use crate::form::{FormData, Kind};
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use minijinja::{Value, context};
use rectify_domain::actor::{Party, Permission, authorize};
use rectify_domain::case::{Case, Waited, accept_late_before};
use rectify_domain::case::{
    CaseParty, CaseState, CaseTransitionRequest, CaseType, Channel, ExtensionStatus, InvestigationOutcome, NewCase,
    NewDispatch, NewOutcome, Satisfaction, VisitMethod,
};
use rectify_domain::ids::CaseId;
use rectify_domain::privacy::{Contact, RevealRequest};
use rectify_domain::reply_quality::{ReplyGrade, ReplyQuality};
use rectify_store::PageRequest;
use rectify_store::cases::CaseFilter;
use serde::Serialize;

pub fn site() -> Site {
    Site::new()
        .get("/app/cases", inbox)
        .get("/app/cases/new", new_form)
        .post("/app/cases/new", register)
        .get("/app/cases/{id}", show)
        .post("/app/cases/{id}/transitions", transition)
        .post("/app/cases/{id}/contact", reveal)
        .post("/app/cases/{id}/dispatches", dispatch)
        .post("/app/cases/{id}/investigation", conclude)
        .post("/app/cases/{id}/attach", attach)
}

/// The inbox's boxes, each a filter over the cases the user may see.
pub(super) const BOXES: [&str; 10] = [
    "to_accept",
    "accept_late",
    "to_assign",
    "to_sign",
    "to_reply",
    "overdue",
    "extensions",
    "sent_back",
    "replied",
    "all",
];

/// What the boxes need to know of the day: the office's limit for accepting a case (a setting,
/// in working days) and the first day whose received cases are not late by it.
pub(super) struct Boxes {
    pub accept_within: u32,
    late_before: NaiveDate,
}

impl Boxes {
    pub(super) async fn today(st: &AppState) -> Result<Boxes, PageError> {
        let accept_within = st.store.reference().settings().await?.accept_within_working_days;
        let calendar = st.store.reference().calendar().await?;
        let late_before = accept_late_before(st.store.today(), accept_within, &calendar);
        Ok(Boxes { accept_within, late_before })
    }

    /// Whether a case still waiting to be accepted is past the office's limit.
    fn late(&self, case: &Case) -> bool {
        case.state == CaseState::Received && case.received_at.china_date() < self.late_before
    }
}

/// A box as the case list's own filter parameters, so that the box and its export (which takes
/// the API's parameters) are the same list.
fn box_params(name: &str, boxes: &Boxes) -> Vec<(&'static str, String)> {
    let fixed = |pairs: &[(&'static str, &str)]| pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    match name {
        "to_accept" => fixed(&[("state", "received")]),
        "accept_late" => {
            let last = boxes.late_before.pred_opt().unwrap_or(boxes.late_before);
            vec![("state", "received".into()), ("to", last.to_string())]
        }
        "to_assign" => fixed(&[("state", "accepted")]),
        "to_sign" => fixed(&[("state", "assigned")]),
        "to_reply" => fixed(&[("state", "in_progress")]),
        "overdue" => fixed(&[("reply_overdue", "true")]),
        "extensions" => fixed(&[("pending_extension", "true")]),
        "sent_back" => fixed(&[("sent_back", "true")]),
        "replied" => fixed(&[("state", "replied")]),
        _ => Vec::new(),
    }
}

/// The box's parameters and the search text.
fn inbox_params(chosen: &str, boxes: &Boxes, narrow: &Narrow<'_>) -> Vec<(&'static str, String)> {
    let narrow = [("q", narrow.q), ("category", narrow.category)];
    box_params(chosen, boxes)
        .into_iter()
        .chain(narrow.into_iter().filter_map(|(k, v)| Some((k, v?.to_owned()))))
        .collect()
}

/// What the inbox's form narrows every box by: a search text, a category (and all below it).
#[derive(Default, Clone, Copy)]
pub(super) struct Narrow<'a> {
    pub q: Option<&'a str>,
    pub category: Option<&'a str>,
}

/// The case list's filter of a box, narrowed, read by the API's own parser.
pub(super) fn box_filter(name: &str, boxes: &Boxes, narrow: &Narrow<'_>) -> CaseFilter {
    let owned = inbox_params(name, boxes, narrow).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    rectify_app::filters::cases(&mut rectify_app::Params::from_pairs(owned))
}

/// A case as the inbox lists it: how long it has waited, and whether it is past the office's
/// limit for accepting.
#[derive(Serialize)]
struct Row {
    #[serde(flatten)]
    case: Case,
    waited: Option<Waited>,
    accept_late: bool,
}

async fn inbox(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    // The office starts with what it must accept; a unit with what it must sign for.
    let default = if actor.role.is_office() { "to_accept" } else { "to_sign" };
    let chosen = ctx.query("box").filter(|b| BOXES.contains(b)).unwrap_or(default);
    let q = ctx.query("q");
    let narrow = Narrow { q, category: ctx.query("category") };
    let boxes = Boxes::today(&st).await?;
    let params = inbox_params(chosen, &boxes, &narrow);
    let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let filter = box_filter(chosen, &boxes, &narrow);
    let export_query = super::files::export_query(&pairs);
    let page = PageRequest::new(Some(50), ctx.query("cursor")).unwrap_or_else(|_| PageRequest::first(50));
    let cases = st.store.cases().list_cases(actor, &filter, &page).await?;
    // Each tab's count, and with a search the matches in every box: "其他状态中有 N 条".
    let mut filters: Vec<CaseFilter> = BOXES.iter().map(|b| box_filter(b, &boxes, &Narrow::default())).collect();
    if q.is_some() {
        filters.push(filter.clone());
        filters.push(box_filter("all", &boxes, &narrow));
    }
    let counts = st.store.cases().count_cases(actor, &filters).await?;
    let tabs: Vec<_> = BOXES.iter().zip(&counts).map(|(b, n)| context! { name => b, count => n }).collect();
    let elsewhere = match counts.get(BOXES.len()..) {
        Some([here, everywhere]) if chosen != "all" => everywhere.saturating_sub(*here),
        _ => 0,
    };
    let now = st.store.now().utc();
    let rows: Vec<Row> = cases
        .items
        .into_iter()
        .map(|case| {
            let open = !case.state.is_final() && case.state != CaseState::Replied;
            Row {
                waited: open.then(|| Waited::between(case.received_at.utc(), now)),
                accept_late: boxes.late(&case),
                case,
            }
        })
        .collect();
    let units = unit_names(&st).await?;
    let categories = super::picker::category_picker(&st.store.triage().taxonomy().await?);
    ctx.render(
        &st,
        "app/cases.html",
        context! {
            rows, next_cursor => cases.next_cursor, units, tabs, chosen, export_query, export_pairs => pairs, categories,
            filters => ctx.query_map(), q, elsewhere, accept_within => boxes.accept_within,
        },
    )
}

fn intake_choices() -> Value {
    context! {
        types => CaseType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        channels => Channel::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
    }
}

async fn new_form(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    authorize(actor, Permission::RegisterCase, Party::Office)?;
    let values = context! { type => "complaint", channel => "hotline" };
    ctx.render(&st, "app/case_new.html", context! { choices => intake_choices(), values })
}

async fn register(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewCase = form.decode(&[("urgent", Kind::Bool)], &[])?;
        Ok::<_, ApiError>(st.store.cases().register_case(actor, input, None).await?)
    };
    let done = |c: rectify_store::idempotency::Created<rectify_domain::case::Case>| {
        format!("/app/cases/{}?done=created", c.value.id)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(ctx.lang, attempt.await, done, |errors| async move {
        let page = context! { choices => intake_choices(), values => form_values(form), errors };
        ctx.render_status(st, StatusCode::UNPROCESSABLE_ENTITY, "app/case_new.html", page)
    })
    .await
}

/// Similar records a case page lists.
const SIMILAR_SHOWN: usize = 5;

/// A similar record as the page shows it: where it leads and why it is listed.
#[derive(Serialize)]
struct SimilarView {
    #[serde(flatten)]
    similar: rectify_search::Similar,
    href: String,
    kind_label: String,
    state_label: String,
    /// "同一地点：丽发新城；相似度 0.82".
    reason: String,
}

fn similar_view(st: &AppState, ctx: &Ctx, s: rectify_search::Similar) -> SimilarView {
    use rectify_domain::search::SearchKind;
    let (href, state_prefix) = match s.kind {
        SearchKind::Problem => (format!("/app/problems/{}", s.id), "problem_state."),
        SearchKind::Bulletin => (format!("/app/bulletins/{}", s.id), "bulletin.status."),
        SearchKind::Case => (format!("/app/cases/{}", s.id), "case_state."),
    };
    let likeness = format!("{:.2}", s.likeness);
    let catalog = &st.view.catalog;
    let reason = match s.places.is_empty() {
        true => catalog.text("similar.reason", ctx.lang, &[("likeness", likeness)]),
        false => {
            let places = s.places.join(&catalog.text("list.sep", ctx.lang, &[]));
            catalog.text("similar.reason_place", ctx.lang, &[("places", places), ("likeness", likeness)])
        }
    };
    SimilarView {
        kind_label: ctx.t(st, &format!("search_kind.{}", s.kind.as_str())),
        state_label: ctx.t(st, &format!("{state_prefix}{}", s.state)),
        href,
        reason,
        similar: s,
    }
}

/// The new-problem form with this case and the similar cases listed (one problem for them all).
fn merge_href(case: &Case, similar: &[SimilarView]) -> Option<String> {
    use rectify_domain::search::SearchKind;
    let others: Vec<i64> =
        similar.iter().filter(|s| s.similar.kind == SearchKind::Case).map(|s| s.similar.id).collect();
    if others.is_empty() {
        return None;
    }
    let mut q: Vec<(&str, String)> = vec![("case_ids", case.id.to_string())];
    q.extend(others.iter().map(|id| ("case_ids", id.to_string())));
    q.push(("description", case.title.clone().unwrap_or_else(|| case.content.chars().take(200).collect())));
    if let Some(u) = case.unit_id {
        q.push(("unit", u.to_string()));
    }
    Some(format!("/app/problems/new?{}", serde_urlencoded::to_string(&q).unwrap_or_default()))
}

/// Merges the case into a similar problem (the ledger's case → problem link).
async fn attach(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: CaseId = path_id(&id)?;
    let result = async {
        let problem: rectify_domain::ids::ProblemId =
            form.get("problem_id").and_then(|p| p.parse().ok()).ok_or_else(|| {
                ApiError::from(rectify_domain::DomainError::field("problem_id", rectify_domain::Issue::Required))
            })?;
        Ok::<_, ApiError>(st.store.cases().attach_cases(actor, problem, vec![id]).await?)
    }
    .await;
    settle(
        ctx.lang,
        result,
        |p| format!("/app/problems/{}?done=cases_attached", p.id),
        |errors| page(&st, &ctx, id, Some(("attach".into(), errors, &form)), None),
    )
    .await
}

/// What a case page shows on one answer only.
enum Once {
    /// The citizen's details in full, after a recorded reveal.
    Revealed(Contact),
    /// A reply held back for what it lacks.
    ReplyWarning(ReplyQuality),
}

async fn page(
    st: &AppState,
    ctx: &Ctx,
    id: CaseId,
    failed: Option<(String, FormErrors, &FormData)>,
    once: Option<Once>,
) -> Answer {
    let (revealed, reply_warning) = match once {
        Some(Once::Revealed(c)) => (Some(c), None),
        Some(Once::ReplyWarning(q)) => (None, Some(q)),
        None => (None, None),
    };
    let actor = ctx.staff()?;
    let may_reveal = authorize(actor, Permission::RevealContact, Party::Other).is_ok();
    let case = st.store.cases().get_case(actor, id).await?;
    let events = st.store.cases().case_events(actor, id).await?;
    let party = st.store.cases().case_party(actor, &case).await?;
    let office = party == CaseParty::Office;
    let pending = case.extension.as_ref().is_some_and(|e| e.status == ExtensionStatus::Pending);
    let actions: Vec<&str> =
        rectify_domain::case::available_actions(case.state, party, pending).iter().map(|a| a.as_str()).collect();
    let units = unit_names(st).await?;
    // The office assigns within its own area.
    let scope = Scope::Reach(actor.clone(), rectify_domain::visibility::Records::Cases);
    let unit_options = picker_for(st, &scope, case.unit_id.map(|u| u.to_string()).as_deref()).await?;
    // Reports and complaints once accepted are investigated: dispatches by the office or the
    // unit, the outcome by the office.
    let investigation = if rectify_domain::case::investigated(case.case_type)
        && !matches!(case.state, CaseState::Received | CaseState::Declined)
    {
        Some(st.store.cases().investigation(actor, id).await?)
    } else {
        None
    };
    let may_dispatch = office || party == CaseParty::AssignedUnit;
    let people = match &investigation {
        Some(i) if office && i.outcome.is_none() && !i.dispatches.is_empty() => {
            super::accountability::pickers(st, actor).await?.1
        }
        _ => Vec::new(),
    };
    let outcomes: Vec<&str> = InvestigationOutcome::ALL.iter().map(|o| o.as_str()).collect();
    let (form_name, errors, values) = match failed {
        Some((name, errors, form)) => (Some(name), Some(errors), Some(form_values(form))),
        None => (None, None, None),
    };
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    // The place on a map when the case carries a position and a tile server is configured.
    let tiles = super::map::tiles(st).await?;
    let map = match (
        &tiles,
        super::map::case_point(&case, super::map::case_label(st, ctx, case.id, case.title.as_deref())),
    ) {
        (Some(t), Some(point)) => Some(super::map::MapView::new(t, "show", vec![point])),
        _ => None,
    };
    let (photos, documents): (Vec<_>, Vec<_>) =
        case.attachments.iter().cloned().partition(|a| a.content_type.starts_with("image/"));
    let may_categorize = rectify_domain::case::may_categorize(case.state, party);
    let categories = if may_categorize || actions.iter().any(|a| matches!(*a, "accept" | "assign")) {
        super::picker::category_picker(&st.store.triage().taxonomy().await?)
    } else {
        Vec::new()
    };
    let category_path = case.category.as_deref().map(super::picker::category_path);
    // Candidates to merge at intake: open cases and problems like this one, with why.
    let similar = if case.state.is_final() {
        Vec::new()
    } else {
        st.store
            .search()
            .similar_to_case(actor, id, SIMILAR_SHOWN)
            .await?
            .into_iter()
            .map(|s| similar_view(st, ctx, s))
            .collect()
    };
    let may_merge = authorize(actor, Permission::LinkCases, Party::Office).is_ok();
    // At 受理 and 派单 the model's suggestion is preselected: one click accepts it. A model
    // that cannot answer leaves the forms as they are.
    let suggestion = if actions.iter().any(|a| matches!(*a, "accept" | "assign")) {
        let title = case.title.clone().unwrap_or_default();
        st.store
            .triage()
            .suggest(actor, &title, &case.content)
            .await
            .inspect_err(|e| tracing::warn!(error = %e, "no suggestion"))
            .ok()
    } else {
        None
    };
    let merge_href = merge_href(&case, &similar);
    let resp = ctx.render_status(
        st,
        status,
        "app/case.html",
        context! {
            case, events, actions, units, unit_options, form_name, errors, values, categories, category_path,
            may_categorize, reply_warning, similar, may_merge, merge_href, suggestion,
            office, may_reveal, revealed, investigation, may_dispatch, outcomes, people, map, photos, documents,
            satisfactions => Satisfaction::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            methods => VisitMethod::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        },
    )?;
    Ok(super::map::allow_tiles(resp, tiles.as_ref()))
}

async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    page(&st, &ctx, path_id(&id)?, None, None).await
}

/// Shows the citizen's details in full on this answer only (never in a URL or a redirect), after
/// the store has recorded the reveal and its reason in the audit chain.
async fn reveal(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: CaseId = path_id(&id)?;
    let result = async {
        let req: RevealRequest = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.cases().reveal_contact(actor, id, &req).await?)
    }
    .await;
    match result {
        Ok(contact) => page(&st, &ctx, id, None, Some(Once::Revealed(contact))).await,
        Err(e) => {
            let errors = FormErrors::from_error(e, ctx.lang)?;
            page(&st, &ctx, id, Some(("reveal".into(), errors, &form)), None).await
        }
    }
}

/// The notice after an action, saying what was done (`done.case_assign`: "已派单至{unit}。"; the
/// case page names the unit). An assignment of a case already with a unit is a reassignment
/// (改派); an extension is asked for, granted or refused.
pub(super) fn done_key(entity: &str, action: &str, approve: Option<&str>, reassigned: bool) -> String {
    let what = match (action, approve) {
        ("assign", _) if reassigned => "reassign",
        ("extend", Some("true")) => "extend_granted",
        ("extend", Some("false")) => "extend_refused",
        ("extend", _) => "extend_requested",
        (other, _) => other,
    };
    format!("{entity}_{what}")
}

async fn transition(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: CaseId = path_id(&id)?;
    let name = form.get("action").unwrap_or("transition").to_owned();
    // A weak reply is shown back with what it lacks; the replier may send it anyway.
    if name == "reply"
        && form.get("send_anyway") != Some("true")
        && let Some(answer) = form.get("answer").filter(|a| !a.trim().is_empty())
    {
        let quality = st.store.triage().check_case_reply(actor, id, answer).await?;
        if quality.grade == ReplyGrade::Weak {
            let shown = Some(("reply".to_owned(), FormErrors::default(), &form));
            return page(&st, &ctx, id, shown, Some(Once::ReplyWarning(quality))).await;
        }
    }
    let result = async {
        let req: CaseTransitionRequest =
            form.decode(&[("version", Kind::Number), ("approve", Kind::Bool)], &["send_anyway"])?;
        // Whether an assignment moves the case from one unit to another (改派).
        let before = match name.as_str() {
            "assign" => Some(st.store.cases().get_case(actor, id).await?.state),
            _ => None,
        };
        let case = st.store.cases().transition_case(actor, id, req).await?;
        Ok::<_, ApiError>((case, before == Some(CaseState::Assigned)))
    }
    .await;
    let reassigned = matches!(&result, Ok((_, true)));
    let done = format!("/app/cases/{id}?done={}", done_key("case", &name, form.get("approve"), reassigned));
    settle(ctx.lang, result, |_| done, |errors| page(&st, &ctx, id, Some((name, errors, &form)), None)).await
}

/// A dispatch of investigators recorded from the case page.
async fn dispatch(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: CaseId = path_id(&id)?;
    let result = async {
        let input: NewDispatch = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.cases().record_dispatch(actor, id, input, None).await?)
    }
    .await;
    settle(
        ctx.lang,
        result,
        |_| format!("/app/cases/{id}?done=dispatched"),
        |errors| page(&st, &ctx, id, Some(("dispatch".into(), errors, &form)), None),
    )
    .await
}

/// The investigation's outcome recorded from the case page (the office).
async fn conclude(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: CaseId = path_id(&id)?;
    let result = async {
        let input: NewOutcome = form.decode(&[("action_ids", Kind::List)], &[])?;
        Ok::<_, ApiError>(st.store.cases().record_outcome(actor, id, input).await?)
    }
    .await;
    settle(
        ctx.lang,
        result,
        |_| format!("/app/cases/{id}?done=concluded"),
        |errors| page(&st, &ctx, id, Some(("outcome".into(), errors, &form)), None),
    )
    .await
}
