//! The web UI: the public portal and the staff workbench, rendered on the server from templates
//! (`templates/`) with wording from the catalogs (`i18n/`). Every page works without
//! JavaScript; `static/app.js` only adds conveniences (copy button, auto-submitting filters).
//! Handlers call the same store use cases as the API, with the same validation.

mod accountability;
pub(crate) mod admin;
mod appointments;
mod bulletins;
mod cases;
mod dashboard;
mod files;
mod handbook;
mod hotspots;
mod inspections;
mod ledger;
mod map;
mod online_applications;
mod picker;
mod plans;
mod portal;
mod service_cases;
mod service_samples;
mod services;
pub use portal::PortalCache;
mod search;
mod session;
mod todo;
mod transparency;
pub mod view;

use crate::AppState;
use crate::error::ApiError;
use crate::form::FormData;
use crate::i18n::Lang;
use crate::site::Site;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use rectify_domain::DomainError;
use rectify_domain::actor::{Actor, Capabilities};
use rectify_store::StoreError;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const LANG_COOKIE: &str = "rectify_lang";

/// Every page, and the static files they load. Errors become HTML pages through
/// [`render_page_errors`], which the application wraps around them.
pub fn site() -> Site {
    Site::new()
        .merge(portal::site())
        .merge(session::site())
        .merge(todo::site())
        .merge(dashboard::site())
        .merge(search::site())
        .merge(ledger::site())
        .merge(plans::site())
        .merge(cases::site())
        .merge(admin::site())
        .merge(inspections::site())
        .merge(accountability::site())
        .merge(files::site())
        .merge(bulletins::site())
        .merge(transparency::site())
        .merge(map::site())
        .merge(hotspots::site())
        .merge(handbook::site())
        .merge(services::site())
        .merge(service_cases::site())
        .merge(service_samples::site())
        .merge(appointments::site())
        .merge(online_applications::site())
        .get("/static/{file}", static_file)
}

async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    // Only names from the embedded folder resolve; no path is built from user input.
    crate::asset(&format!("static/{file}"), crate::STRICT_CSP)
}

/// What every page handler knows about the request: the language, who is signed in, the
/// query string, and the CSRF token of the session.
pub struct Ctx {
    pub lang: Lang,
    pub actor: Option<Actor>,
    session: Option<String>,
    path: String,
    query: Vec<(String, String)>,
    /// `?lang=` was given: remember it in a cookie.
    chosen_lang: bool,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let query: Vec<(String, String)> =
            parts.uri.query().map(|q| serde_urlencoded::from_str(q).unwrap_or_default()).unwrap_or_default();
        let (lang, chosen_lang) = request_lang(&parts.headers, &query);
        let session = crate::extract::session_token(&parts.headers);
        // Pages use the session cookie only; bearer tokens are for integrations.
        let actor = match &session {
            Some(token) => state.store.accounts().session_account(token).await?.map(|a| a.actor()),
            None => None,
        };
        Ok(Ctx { lang, actor, session, path: parts.uri.path().to_owned(), query, chosen_lang })
    }
}

/// `?lang=` first, then the cookie, then Chinese.
pub(crate) fn request_lang(headers: &HeaderMap, query: &[(String, String)]) -> (Lang, bool) {
    if let Some((_, v)) = query.iter().find(|(k, _)| k == "lang") {
        return (if v == "en" { Lang::En } else { Lang::Zh }, true);
    }
    let cookie = crate::extract::cookie(headers, LANG_COOKIE);
    (if cookie.as_deref() == Some("en") { Lang::En } else { Lang::Zh }, false)
}

/// The CSRF token of a session: derived from the session secret, so it needs no storage and
/// works on every instance, and a page from another site cannot know it.
fn csrf_of(session: &str) -> String {
    hex::encode(Sha256::digest(format!("rectify-csrf\n{session}").as_bytes()))[..32].to_owned()
}

/// Whether the actor may write a problem for some unit (the new-problem form is for them only).
pub(crate) fn may_create_problem(actor: &Actor) -> bool {
    Capabilities::of(actor).create_problem
}

/// The signed-in user as pages show it, with what the permission table lets them open.
#[derive(Serialize)]
struct UserView<'a> {
    username: &'a str,
    role: &'a str,
    unit_id: Option<String>,
    can: Capabilities,
}

fn user_view(actor: &Actor) -> UserView<'_> {
    UserView {
        username: &actor.username,
        role: actor.role.as_str(),
        unit_id: actor.unit_id.map(|u| u.to_string()),
        can: Capabilities::of(actor),
    }
}

impl Ctx {
    /// The signed-in actor, or a redirect to the sign-in page that comes back here.
    pub fn staff(&self) -> Result<&Actor, PageError> {
        self.actor.as_ref().ok_or_else(|| PageError::Login { next: self.path_and_query() })
    }

    pub fn session_token(&self) -> Option<&str> {
        self.session.as_deref()
    }

    pub fn csrf(&self) -> Option<String> {
        self.session.as_deref().map(csrf_of)
    }

    /// The signed-in user sending a state-changing form, once the form carries the session's
    /// CSRF token.
    pub fn staff_form(&self, form: &FormData) -> Result<&Actor, PageError> {
        let actor = self.staff()?;
        self.check_csrf(form)?;
        Ok(actor)
    }

    /// A state-changing form from a signed-in user must carry the session's CSRF token.
    pub fn check_csrf(&self, form: &FormData) -> Result<(), PageError> {
        let sent = form.fields.iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v.as_str()).unwrap_or("");
        match self.csrf() {
            Some(expected) if constant_time_eq(sent.as_bytes(), expected.as_bytes()) => Ok(()),
            Some(_) => Err(PageError::Csrf),
            None => Err(PageError::Login { next: self.path.clone() }),
        }
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    pub fn query_all(&self, name: &str) -> Vec<&str> {
        self.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty()).collect()
    }

    /// The query's pairs as given, blanks and all.
    pub fn query_pairs(&self) -> Vec<(&str, &str)> {
        self.query.iter().map(|(k, v)| (k.as_str(), v.trim())).collect()
    }

    /// The query as API parameters (for the API's own filter parsers).
    pub fn params(&self) -> crate::extract::Params {
        crate::extract::Params::from_pairs(self.query.iter().filter(|(k, _)| k != "lang").cloned().collect())
    }

    /// The query as given (without `lang`), for re-rendering filter forms.
    pub fn query_map(&self) -> BTreeMap<String, String> {
        self.query.iter().filter(|(k, v)| k != "lang" && !v.is_empty()).cloned().collect()
    }

    fn path_and_query(&self) -> String {
        let rest: Vec<(String, String)> = self.query.iter().filter(|(k, _)| k != "lang").cloned().collect();
        if rest.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, serde_urlencoded::to_string(&rest).unwrap_or_default())
        }
    }

    /// This page in the other language.
    fn other_lang_url(&self) -> String {
        let mut q: Vec<(String, String)> = self.query.iter().filter(|(k, _)| k != "lang").cloned().collect();
        q.push(("lang".into(), if self.lang == Lang::En { "zh" } else { "en" }.into()));
        format!("{}?{}", self.path, serde_urlencoded::to_string(&q).unwrap_or_default())
    }

    pub fn t(&self, st: &AppState, key: &str) -> String {
        st.view.catalog.text(key, self.lang, &[])
    }

    /// Renders `template` with the page's values and the common chrome.
    pub fn render(&self, st: &AppState, template: &str, page: Value) -> Answer {
        self.render_status(st, StatusCode::OK, template, page)
    }

    pub fn render_status(&self, st: &AppState, status: StatusCode, template: &str, page: Value) -> Answer {
        let chrome = context! {
            lang => if self.lang == Lang::En { "en" } else { "zh" },
            html_lang => if self.lang == Lang::En { "en" } else { "zh-CN" },
            other_lang_url => self.other_lang_url(),
            path => self.path.clone(),
            user => self.actor.as_ref().map(user_view),
            csrf => self.csrf(),
            done => self.query("done"),
        };
        let html = st.view.render(template, context! { ..page, ..chrome }).map_err(|e| {
            tracing::error!(error = %e, template, "template failed");
            PageError::Api(ApiError::Internal(format!("template {template}: {e}")))
        })?;
        let mut resp = (status, axum::response::Html(html)).into_response();
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.chosen_lang {
            let value = format!(
                "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
                if self.lang == Lang::En { "en" } else { "zh" }
            );
            if let Ok(v) = HeaderValue::from_str(&value) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
        }
        Ok(resp)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An id from the path; one that does not parse names a page that does not exist.
pub(super) fn path_id<T: std::str::FromStr>(raw: &str) -> Result<T, PageError> {
    raw.parse().map_err(|_| PageError::Api(ApiError::NotFound))
}

/// `303 See Other`: after a form is handled, the browser loads the result with a GET.
pub fn see_other(location: &str) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// A form that failed validation: messages by field (shown next to each input) and a summary.
#[derive(Debug, Default, Serialize)]
pub struct FormErrors {
    pub fields: BTreeMap<String, String>,
    pub summary: Option<String>,
    /// Each field's error as a sentence naming it by its label, for the summary's links.
    pub sentences: BTreeMap<String, String>,
    /// Every message by its full field name (`slots[1].capacity`), for forms of rows that show
    /// each cell's message beside it.
    pub nested: BTreeMap<String, String>,
}

impl FormErrors {
    /// The error when the user can fix it by changing the form (bad input, a rule, a state that
    /// moved on); anything else is passed up to become an error page.
    pub fn from_error(e: ApiError, lang: Lang) -> Result<FormErrors, PageError> {
        let user_fixable = matches!(
            &e,
            // Busy: the form comes back with what was typed, to send again in a moment.
            ApiError::MalformedBody(_)
                | ApiError::Busy
                | ApiError::Store(StoreError::Domain(
                    DomainError::Invalid(_)
                        | DomainError::RuleViolated { .. }
                        | DomainError::StateConflict { .. }
                        | DomainError::StaleVersion { .. }
                ))
        );
        if !user_fixable {
            return Err(PageError::Api(e));
        }
        let mut sentences = BTreeMap::new();
        if let ApiError::Store(StoreError::Domain(DomainError::Invalid(errors))) = &e {
            for f in errors {
                let top = f.field.split(['.', '[']).next().unwrap_or(&f.field).to_owned();
                sentences.entry(top).or_insert_with(|| crate::i18n::field_sentence(&f.field, &f.issue, lang));
            }
        }
        let (_, body) = e.into_problem(lang);
        let mut fields = BTreeMap::new();
        let nested = body.errors.iter().map(|f| (f.field.clone(), f.message.clone())).collect();
        for f in &body.errors {
            // The first message per field; nested fields (`measures[0].content`) show on the
            // top-level input.
            let top = f.field.split(['.', '[']).next().unwrap_or(&f.field).to_owned();
            fields.entry(top).or_insert_with(|| f.message.clone());
        }
        Ok(FormErrors { fields, summary: Some(body.detail), sentences, nested })
    }
}

/// A form's outcome: on success, `303` to the address `done` gives; on an error the user can fix,
/// `again` renders the form's page with the messages next to the fields; any other error becomes
/// an error page.
pub async fn settle<T, Fut>(
    lang: Lang,
    result: Result<T, ApiError>,
    done: impl FnOnce(T) -> String,
    again: impl FnOnce(FormErrors) -> Fut,
) -> Answer
where
    Fut: std::future::Future<Output = Result<Response, PageError>>,
{
    match result {
        Ok(value) => Ok(see_other(&done(value))),
        Err(e) => again(FormErrors::from_error(e, lang)?).await,
    }
}

/// The live campaigns (at most 100, newest first) a page offers to pick from.
pub(crate) async fn live_campaigns(
    st: &AppState,
    actor: &Actor,
) -> Result<Vec<rectify_domain::campaign::Campaign>, PageError> {
    Ok(st.store.campaigns().list_campaigns(actor, false, &rectify_store::PageRequest::first(100)).await?.items)
}

/// A picker's options: `(value, label)`.
pub(crate) type Options = Vec<(String, String)>;

/// Pickers' options: `(id, name)` of the campaigns and `(id, "campaign · batch")` of their
/// batches.
pub(crate) fn campaign_options(campaigns: &[rectify_domain::campaign::Campaign]) -> (Options, Options) {
    let campaign_options = campaigns.iter().map(|c| (c.id.to_string(), c.name.clone())).collect();
    let batch_options = campaigns
        .iter()
        .flat_map(|c| c.batches.iter().map(move |b| (b.id.to_string(), format!("{} · {}", c.name, b.name))))
        .collect();
    (campaign_options, batch_options)
}

/// A form page as shown: first with nothing typed (200), or again after a fixable error with
/// what was typed and each message by its field.
pub struct Shown {
    pub status: StatusCode,
    pub values: BTreeMap<String, String>,
    pub errors: Option<FormErrors>,
}

impl Shown {
    /// The page as first opened.
    pub fn fresh() -> Shown {
        Shown::filled(BTreeMap::new())
    }

    /// The page as first opened, some fields filled in (from a link's query).
    pub fn filled(values: BTreeMap<String, String>) -> Shown {
        Shown { status: StatusCode::OK, values, errors: None }
    }

    /// Again after a fixable error in `form`: what was typed, and the messages.
    pub fn again(form: &FormData, errors: FormErrors) -> Shown {
        Shown { status: StatusCode::UNPROCESSABLE_ENTITY, values: form_values(form), errors: Some(errors) }
    }

    /// Again after a button was refused (nothing typed to keep).
    pub fn refused(status: StatusCode, errors: FormErrors) -> Shown {
        Shown { status, values: BTreeMap::new(), errors: Some(errors) }
    }
}

/// The values a form was sent with, to fill it again after an error.
pub fn form_values(form: &FormData) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    for (k, v) in &form.fields {
        if !k.starts_with('_') {
            values.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    values
}

/// What a page handler answers: the page, a redirect, or an error page.
pub type Answer = Result<Response, PageError>;

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    Api(ApiError),
    /// Not signed in: go to the sign-in page and come back to `next`.
    Login {
        next: String,
    },
    /// A form without the session's CSRF token.
    Csrf,
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError::Api(e)
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        // The API's mapping: a busy database is 503 on a page too, never a 500.
        PageError::Api(e.into())
    }
}

impl From<DomainError> for PageError {
    fn from(e: DomainError) -> Self {
        PageError::Api(e.into())
    }
}

#[derive(Clone)]
struct PendingPageError(std::sync::Arc<std::sync::Mutex<Option<PageError>>>);

/// To the sign-in page, coming back to `next` afterwards.
fn login_redirect(next: &str) -> Response {
    let q = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
    see_other(&format!("/login?{q}"))
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let PageError::Login { next } = &self {
            return login_redirect(next);
        }
        let mut resp = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        resp.extensions_mut().insert(PendingPageError(std::sync::Arc::new(std::sync::Mutex::new(Some(self)))));
        resp
    }
}

/// Middleware: renders a page error as an HTML page in the request's language, with the same
/// status and wording as the API's problem+json.
pub(crate) async fn render_page_errors(
    State(st): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let query: Vec<(String, String)> =
        req.uri().query().map(|q| serde_urlencoded::from_str(q).unwrap_or_default()).unwrap_or_default();
    let (lang, _) = request_lang(req.headers(), &query);
    let resp = next.run(req).await;
    let Some(err) = resp.extensions().get::<PendingPageError>().and_then(|p| p.0.lock().ok()?.take()) else {
        return resp;
    };
    error_page(&st, lang, err)
}

pub(crate) fn error_page(st: &AppState, lang: Lang, err: PageError) -> Response {
    let (status, title, detail) = match err {
        PageError::Api(e) => {
            let (status, body) = e.into_problem(lang);
            (status, body.title, body.detail)
        }
        PageError::Csrf => (
            StatusCode::FORBIDDEN,
            st.view.catalog.text("error.csrf_title", lang, &[]),
            st.view.catalog.text("error.csrf_detail", lang, &[]),
        ),
        PageError::Login { next } => return login_redirect(&next),
    };
    let ctx = context! {
        lang => if lang == Lang::En { "en" } else { "zh" },
        html_lang => if lang == Lang::En { "en" } else { "zh-CN" },
        status => status.as_u16(),
        title, detail,
    };
    match st.view.render("error.html", ctx) {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed");
            (status, "error").into_response()
        }
    }
}
