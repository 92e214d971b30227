//! The HTTP edge of Rectify: the JSON API under `/api/v1`, its OpenAPI document and viewer,
//! the pages, and health checks. Handlers parse, call one use case (the store's, or the
//! application layer's `rectify-app` where the terminal edge shares it), and answer; errors
//! become problem+json in one place ([`error`]).

pub mod error;
pub mod extract;
pub mod form;
pub mod i18n;
pub mod limit;
mod openapi;
pub mod pages;
mod routes;
pub mod site;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, middleware};
use rectify_store::Store;
use rust_embed::RustEmbed;
use site::Site;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Largest request body: a 10 MB attachment plus multipart framing. JSON bodies are held to
/// [`extract::MAX_JSON_BYTES`].
pub const MAX_BODY_BYTES: usize = 11 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (when served over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Tracking lookups and ratings a client may make per minute.
    pub track_per_minute: u32,
    /// Public case submissions a client may make per minute.
    pub submit_per_minute: u32,
    /// How large a spreadsheet an import reads (bytes, cells).
    pub import_limits: rectify_exchange::Limits,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`); from any
    /// other peer the header is ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            track_per_minute: 20,
            submit_per_minute: 10,
            import_limits: rectify_exchange::Limits::default(),
            trusted_proxies: Vec::new(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub limits: Arc<Limits>,
    pub view: Arc<pages::view::View>,
    /// The portal's headline figures, counted at most every few seconds however many visit.
    pub portal_cache: Arc<pages::PortalCache>,
}

/// The per-client limits of the public routes.
pub struct Limits {
    pub track: limit::RateLimiter,
    pub submit: limit::RateLimiter,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        let minute = std::time::Duration::from_secs(60);
        let limits = Limits {
            track: limit::RateLimiter::new(config.track_per_minute, minute),
            submit: limit::RateLimiter::new(config.submit_per_minute, minute),
        };
        AppState {
            store,
            config: Arc::new(config),
            limits: Arc::new(limits),
            view: Arc::new(pages::view::View::new()),
            portal_cache: Arc::default(),
        }
    }
}

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// The JSON API, registered through utoipa so that its OpenAPI document lists every route.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api/v1", routes::api())
        .routes(utoipa_axum::routes!(healthz))
        .split_for_parts();
    utoipa::Modify::modify(&openapi::CommonAnswers, &mut doc);
    (router, doc)
}

/// Everything the OpenAPI document does not list: the document and its viewer, and the pages.
fn site(doc: utoipa::openapi::OpenApi) -> Site {
    let doc = Arc::new(doc);
    Site::new()
        .get("/api/v1/openapi.json", move || async move { Json(doc.as_ref().clone()) })
        .get("/api/docs", || async { asset("docs/index.html", DOCS_CSP) })
        .get("/api/docs/init.js", || async { asset("docs/init.js", DOCS_CSP) })
        .get("/api/docs/vendor/{file}", vendor_asset)
        .merge(pages::site())
}

/// Every (method, path template) the application serves: the OpenAPI document's operations and
/// the [`Site`] routes, sorted. Paths are in axum's form (`/api/v1/problems/{id}`).
pub fn route_table() -> Vec<(Method, String)> {
    let (_, doc) = api();
    let mut out: Vec<(Method, String)> = Vec::new();
    for (path, item) in &doc.paths.paths {
        let operations = [
            (Method::GET, &item.get),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::PATCH, &item.patch),
            (Method::DELETE, &item.delete),
            (Method::HEAD, &item.head),
            (Method::OPTIONS, &item.options),
            (Method::TRACE, &item.trace),
        ];
        out.extend(operations.into_iter().filter(|(_, op)| op.is_some()).map(|(m, _)| (m, path.clone())));
    }
    out.extend(site(doc).routes().iter().map(|(m, p)| (m.clone(), (*p).to_owned())));
    out.sort_by(|a, b| (&a.1, a.0.as_str()).cmp(&(&b.1, b.0.as_str())));
    out
}

/// The whole application as an axum router.
pub fn app(state: AppState) -> Router {
    let (api, doc) = api();
    // Page errors become HTML pages; the API's own routes answer problem+json.
    let site = site(doc).layer(middleware::from_fn_with_state(state.clone(), pages::render_page_errors));
    Router::new()
        .merge(api)
        .merge(site.into_router())
        .fallback(not_found)
        .method_not_allowed_fallback(|| async { error::ApiError::MethodNotAllowed })
        .layer(middleware::from_fn(error::render_errors))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(STRICT_CSP),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// An unknown address: problem+json under `/api`, an HTML page elsewhere.
async fn not_found(State(st): State<AppState>, req: axum::extract::Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        return error::ApiError::NotFound.into_response();
    }
    let (lang, _) = pages::request_lang(req.headers(), &[]);
    pages::error_page(&st, lang, pages::PageError::Api(error::ApiError::NotFound))
}

pub(crate) const STRICT_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
    object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
/// Swagger UI sets style attributes; scripts stay same-origin only.
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
    script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";

pub(crate) fn asset(path: &str, csp: &'static str) -> Response {
    match Assets::get(path) {
        Some(file) => {
            let mime = mime_guess::from_path(path).first_or_octet_stream();
            let mut resp = file.data.into_owned().into_response();
            let h = resp.headers_mut();
            if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
                h.insert(header::CONTENT_TYPE, v);
            }
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
            resp
        }
        None => error::ApiError::NotFound.into_response(),
    }
}

async fn vendor_asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    // Only names from the embedded folder resolve; no path is built from user input.
    asset(&format!("vendor/swagger-ui/{file}"), DOCS_CSP)
}

/// 200 when the database answers, 503 when it does not. Needs no account.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()),
    responses((status = 200, description = "the database answers"), (status = 503, description = "it does not")))]
async fn healthz(State(st): State<AppState>) -> Response {
    let backend = match st.store.backend() {
        rectify_store::Backend::Sqlite => "sqlite",
        rectify_store::Backend::Postgres => "postgres",
    };
    match st.store.db().ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ok", "database": backend})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "unavailable", "database": backend})))
                .into_response()
        }
    }
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
