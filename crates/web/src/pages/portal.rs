//! The public portal: headline figures, the case form, tracking, the public board (公开晾晒)
//! and the unit directory. No account; nothing here can show a citizen's name or phone.

use super::map::{MapView, Point, render_with_map};
use super::picker::{Scope, picker_for};
use super::{Answer, Ctx, FormErrors, PageError, form_values, see_other};
use crate::AppState;
use crate::extract::ClientIp;
use crate::form::FormData;
use crate::form::Kind;
use crate::site::Site;
use axum::extract::Path;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use minijinja::context;
use rectify_domain::actor::Actor;
use rectify_domain::case::{CaseType, NewCase, RatingRequest, Satisfaction, TrackingCode};
use rectify_domain::ids::{AttachmentId, ProblemId};
use rectify_domain::problem::ProblemState;
use rectify_store::PageRequest;
use rectify_store::portal::PortalFigures;
use rectify_store::problems::{ProblemFilter, ProblemSort};
use rectify_store::settings::MapTiles;
use rectify_store::units::UnitFilter;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub fn site() -> Site {
    Site::new()
        .get("/", home)
        .get("/submit", submit_form)
        .post("/submit", submit)
        .get("/track", track)
        .post("/track/rating", rate)
        .post("/track/forget", forget)
        .get("/track/photos/{id}", tracked_photo)
        .get("/board", board)
        .get("/board/{id}", board_problem)
        .get("/directory", directory)
}

/// How long the portal's figures are reused before they are counted again.
const PORTAL_FIGURES_TTL: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct PortalCache(Mutex<Option<(Instant, PortalFigures)>>);

async fn figures(st: &AppState) -> Result<PortalFigures, PageError> {
    if let Ok(guard) = st.portal_cache.0.lock()
        && let Some((at, f)) = guard.as_ref()
        && at.elapsed() < PORTAL_FIGURES_TTL
    {
        return Ok(f.clone());
    }
    let f = st.store.portal().portal_figures().await?;
    if let Ok(mut guard) = st.portal_cache.0.lock() {
        *guard = Some((Instant::now(), f.clone()));
    }
    Ok(f)
}

async fn home(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let figures = figures(&st).await?;
    ctx.render(&st, "index.html", context! { figures })
}

fn case_types() -> Vec<&'static str> {
    CaseType::ALL.iter().map(|t| t.as_str()).collect()
}

/// A fresh token per form, used as the idempotency key so a resent form makes no second case.
fn nonce() -> String {
    rectify_store::accounts::random_secret("")
}

/// The submit form's map: a pin the citizen places (none without a tile server).
async fn pick_map(st: &AppState) -> Result<(Option<MapView>, Option<MapTiles>), PageError> {
    let tiles = super::map::tiles(st).await?;
    Ok((tiles.as_ref().map(|t| MapView::new(t, "pick", Vec::new())), tiles))
}

/// The cookie naming this device to the submit form: a random identifier, HttpOnly, sent only to
/// `/submit`, so the same message sent again from the same phone is known as a resubmission. The
/// store keeps only a keyed digest of it.
const DEVICE_COOKIE: &str = "rectify_device";
const DEVICE_COOKIE_SECONDS: i64 = 365 * 24 * 3600;

async fn submit_form(State(st): State<AppState>, ctx: Ctx, headers: HeaderMap) -> Answer {
    let (map, tiles) = pick_map(&st).await?;
    let page = context! { types => case_types(), nonce => nonce(), values => context!{ type => "complaint" }, map };
    let mut resp = render_with_map(&ctx, &st, "submit.html", page, tiles.as_ref())?;
    if crate::extract::cookie(&headers, DEVICE_COOKIE).is_none() {
        let secure = if st.config.secure_cookies { "; Secure" } else { "" };
        let device = rectify_store::accounts::random_secret("");
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{DEVICE_COOKIE}={device}; Path=/submit; HttpOnly; SameSite=Lax; Max-Age={DEVICE_COOKIE_SECONDS}{secure}"
        )) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

async fn submit(
    State(st): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: FormData,
) -> Answer {
    st.limits.submit.check(ip)?;
    let attempt = async {
        let mut input: NewCase = form.decode(&[("latitude", Kind::Number), ("longitude", Kind::Number)], &["nonce"])?;
        // The portal form is the web channel whatever the body says.
        input.channel = Some(rectify_domain::case::Channel::Web);
        // The device is the cookie's, never a field of the form.
        input.device_id = crate::extract::cookie(&headers, DEVICE_COOKIE);
        let key = form.public_key(ip)?;
        let files = form.files.clone();
        Ok::<_, crate::error::ApiError>(st.store.cases().submit_public_case(input, files, key.as_ref()).await?)
    };
    match attempt.await {
        Ok(c) => ctx.render(&st, "submitted.html", context! { receipt => c.value, again => c.replayed }),
        Err(e) => {
            let errors = FormErrors::from_error(e, ctx.lang)?;
            let (map, tiles) = pick_map(&st).await?;
            let page = context! { types => case_types(), nonce => nonce(), values => form_values(&form), errors, map };
            let resp = ctx.render_status(&st, axum::http::StatusCode::UNPROCESSABLE_ENTITY, "submit.html", page)?;
            Ok(super::map::allow_tiles(resp, tiles.as_ref()))
        }
    }
}

/// The cookie that remembers the last tracking code looked up on this device: the code only,
/// never the phone tail, HttpOnly, cleared by the citizen with "清除本机记录" (`/track/forget`).
const TRACK_COOKIE: &str = "rectify_track";
const TRACK_COOKIE_SECONDS: i64 = 180 * 24 * 3600;

/// The `Set-Cookie` value remembering `code` (an empty code clears it).
fn track_cookie(code: &str, secure: bool) -> Option<HeaderValue> {
    let max_age = if code.is_empty() { 0 } else { TRACK_COOKIE_SECONDS };
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{TRACK_COOKIE}={code}; Path=/track; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// The code this device remembers, if it is a well-formed one.
fn remembered_code(headers: &HeaderMap) -> Option<String> {
    crate::extract::cookie(headers, TRACK_COOKIE).and_then(|c| TrackingCode::parse(&c)).map(|c| c.to_string())
}

fn satisfactions() -> Vec<&'static str> {
    Satisfaction::ALL.iter().map(|s| s.as_str()).collect()
}

async fn track(State(st): State<AppState>, ctx: Ctx, ClientIp(ip): ClientIp, headers: HeaderMap) -> Answer {
    let satisfactions = satisfactions();
    let remembered = remembered_code(&headers);
    let (code, tail) = (ctx.query("code").map(str::to_owned), ctx.query("phone_tail").map(str::to_owned));
    let Some(code) = code else {
        // The form filled in with the code this device remembers.
        return ctx.render(
            &st,
            "track.html",
            context! { satisfactions, code => remembered, remembered => remembered.is_some() },
        );
    };
    st.limits.track.check(ip)?;
    match st.store.cases().track_case(&code, tail.as_deref()).await {
        Ok(case) => {
            let mut resp =
                ctx.render(&st, "track.html", context! { case, code, tail, satisfactions, remembered => true })?;
            if let Some(v) = track_cookie(&case.tracking_code, st.config.secure_cookies) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
            Ok(resp)
        }
        Err(rectify_store::StoreError::Domain(rectify_domain::DomainError::NotFound { .. }))
            if let Some(service) = st.store.services().track_case(&code).await? =>
        {
            // A service case (办件) is followed by its code alone: its progress shows nothing personal.
            ctx.render(&st, "track.html", context! { service, code, satisfactions, remembered => remembered.is_some() })
        }
        Err(rectify_store::StoreError::Domain(rectify_domain::DomainError::NotFound { .. }))
            if let Some(application) = st.store.services().track_application(&code).await? =>
        {
            // An online application still waiting for the pre-check, or returned.
            let page = context! { application, code, satisfactions, remembered => remembered.is_some() };
            ctx.render(&st, "track.html", page)
        }
        Err(e) => {
            let errors = FormErrors::from_error(e.into(), ctx.lang).or_else(|e| match e {
                // One answer for a wrong code and a wrong phone tail, shown on the form.
                PageError::Api(crate::error::ApiError::Store(rectify_store::StoreError::Domain(
                    rectify_domain::DomainError::NotFound { .. },
                ))) => Ok(FormErrors { summary: Some(ctx.t(&st, "track.not_found")), ..FormErrors::default() }),
                other => Err(other),
            })?;
            ctx.render_status(
                &st,
                axum::http::StatusCode::NOT_FOUND,
                "track.html",
                context! { code, tail, errors, satisfactions, remembered => remembered.is_some() },
            )
        }
    }
}

/// "清除本机记录": forgets the remembered code (a public form: it changes nothing but this
/// device's cookie).
async fn forget(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let mut resp =
        see_other(&format!("/track?done=forgotten{}", if ctx.lang == crate::i18n::Lang::En { "&lang=en" } else { "" }));
    if let Some(v) = track_cookie("", st.config.secure_cookies) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// A file the citizen sent, shown as a thumbnail on their tracking page: only with the code and
/// the phone tail that find the case, and only a file of that case. Failed attempts count
/// against the same per-client limit as lookups; shown ones do not.
async fn tracked_photo(State(st): State<AppState>, ctx: Ctx, ClientIp(ip): ClientIp, Path(id): Path<String>) -> Answer {
    st.limits.track.peek(ip)?;
    let found = match super::path_id::<AttachmentId>(&id) {
        Ok(id) => {
            st.store.cases().tracked_file(ctx.query("code").unwrap_or_default(), ctx.query("phone_tail"), id).await
        }
        Err(_) => Err(rectify_domain::DomainError::not_found(rectify_domain::Entity::Attachment, id).into()),
    };
    match found {
        Ok(f) => {
            let disposition = if f.meta.content_type.starts_with("image/") { "inline" } else { "attachment" };
            let mut resp: Response =
                crate::routes::file_response(f.bytes, &f.meta.filename, &f.meta.content_type, disposition);
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            Ok(resp)
        }
        Err(e) => {
            st.limits.track.check(ip)?;
            Err(e.into())
        }
    }
}

async fn rate(State(st): State<AppState>, ctx: Ctx, ClientIp(ip): ClientIp, form: FormData) -> Answer {
    st.limits.track.check(ip)?;
    let code = form.get("code").unwrap_or_default().to_owned();
    let req: RatingRequest = form.decode(&[], &["code"])?;
    let tail = req.phone_tail.clone().unwrap_or_default();
    let back = |done: &str| {
        let q = serde_urlencoded::to_string([("code", code.as_str()), ("phone_tail", tail.as_str()), ("done", done)])
            .unwrap_or_default();
        format!("/track?{q}")
    };
    match st.store.cases().rate_case(&code, req).await {
        Ok(_) => Ok(see_other(&back("rated"))),
        Err(e) => {
            let errors = FormErrors::from_error(e.into(), ctx.lang)?;
            let case = st.store.cases().track_case(&code, Some(&tail)).await?;
            let satisfactions = satisfactions();
            ctx.render_status(
                &st,
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "track.html",
                context! { case, code, tail, errors, satisfactions, values => form_values(&form) },
            )
        }
    }
}

/// Unit names by id as strings, for templates.
pub(super) async fn unit_names(st: &AppState) -> Result<HashMap<String, String>, PageError> {
    Ok(st.store.portal().unit_names().await?.into_iter().map(|(id, n)| (id.to_string(), n)).collect())
}

async fn board(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let mut errors = FormErrors::default();
    // The board offers the ledger's filters over published problems only.
    let filter = ProblemFilter { published: Some(true), include_archived: false, ..super::ledger::filter_from(&ctx) };
    let page = PageRequest::new(Some(50), ctx.query("cursor")).unwrap_or_else(|e| {
        errors.summary = Some(format!("{e}"));
        PageRequest::first(50)
    });
    // Newest first unless asked otherwise: it reads the fewest rows of a large ledger.
    let sort = ctx.query("sort").and_then(ProblemSort::parse).unwrap_or_default();
    let problems = st.store.ledger().list_problems(&Actor::public(), &filter, sort, &page).await?;
    let units = unit_names(&st).await?;
    // The units that have something on the board.
    let scope = Scope::Only(st.store.portal().published_units().await?.into_iter().collect());
    let unit_options = picker_for(&st, &scope, ctx.query("unit")).await?;
    let states: Vec<&str> = ProblemState::ALL.iter().map(|s| s.as_str()).collect();
    let tiles = super::map::tiles(&st).await?;
    let map = match &tiles {
        Some(t) => Some(MapView::new(t, "show", public_points(&st, &ctx).await?)),
        None => None,
    };
    let page = context! {
        problems, unit_options, units, states, map,
        lights => ["red", "yellow", "green"], filters => ctx.query_map(),
    };
    render_with_map(&ctx, &st, "board.html", page, tiles.as_ref())
}

/// The board's markers: published problems still open, coarse, each labelled with its category
/// (or "整改事项") and linked to its public page; nothing else about it, nothing about a citizen.
async fn public_points(st: &AppState, ctx: &Ctx) -> Result<Vec<Point>, PageError> {
    let fallback = ctx.t(st, "map.problem");
    Ok(st
        .store
        .portal()
        .public_map()
        .await?
        .into_iter()
        .map(|p| Point {
            lat: p.lat,
            lng: p.lng,
            label: p.category.unwrap_or_else(|| fallback.clone()),
            href: format!("/board/{}", p.problem_id),
        })
        .collect())
}

async fn board_problem(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let id: ProblemId = super::path_id(&id)?;
    let public = Actor::public();
    let problem = st.store.ledger().get_problem(&public, id).await?;
    let progress = st.store.ledger().list_progress(&public, id).await?;
    let units = unit_names(&st).await?;
    ctx.render(&st, "board_problem.html", context! { problem, progress, units })
}

/// One district (a top-level unit) of the directory and its units with public contacts.
#[derive(serde::Serialize)]
struct DirectoryGroup {
    district: String,
    units: Vec<rectify_domain::unit::Unit>,
}

/// The directory: only units with a published complaint phone or mailbox, grouped by district
/// (their top-level unit) in name order, found by a search of their names.
/// Every unit, page by page (a public page reads the directory without an account).
async fn all_units(st: &AppState) -> Result<Vec<rectify_domain::unit::Unit>, PageError> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = PageRequest::new(Some(500), cursor.as_deref()).unwrap_or_else(|_| PageRequest::first(500));
        let mut got = st.store.directory().list_units_unchecked(&UnitFilter::default(), &page).await?;
        all.append(&mut got.items);
        match got.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}

async fn directory(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let all = all_units(&st).await?;
    let parents: HashMap<_, _> = all.iter().map(|u| (u.id, u.parent_id)).collect();
    let names: HashMap<_, _> = all.iter().map(|u| (u.id, u.name.clone())).collect();
    let top = |mut id| {
        // The tree has no cycles (the domain refuses them); the bound guards a broken import.
        for _ in 0..64 {
            match parents.get(&id).copied().flatten() {
                Some(parent) if parents.contains_key(&parent) => id = parent,
                _ => break,
            }
        }
        id
    };
    let q = ctx.query("q");
    let mut groups: std::collections::BTreeMap<String, Vec<_>> = std::collections::BTreeMap::new();
    for u in all.iter().filter(|u| u.complaint_phone.is_some() || u.mailbox.is_some()) {
        if q.is_some_and(|q| !u.name.contains(q)) {
            continue;
        }
        let district = names.get(&top(u.id)).cloned().unwrap_or_default();
        groups.entry(district).or_default().push(u.clone());
    }
    let groups: Vec<DirectoryGroup> = groups
        .into_iter()
        .map(|(district, mut units)| {
            units.sort_by(|a, b| a.name.cmp(&b.name));
            DirectoryGroup { district, units }
        })
        .collect();
    let count: usize = groups.iter().map(|g| g.units.len()).sum();
    let names: HashMap<String, String> = names.into_iter().map(|(id, n)| (id.to_string(), n)).collect();
    ctx.render(&st, "directory.html", context! { groups, count, names, filters => ctx.query_map() })
}
