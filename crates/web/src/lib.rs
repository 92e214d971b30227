//! The HTTP edge of Rectify: the JSON API under `/api/v1`, its OpenAPI document and viewer,
//! and health checks. Handlers parse, call one store use case, and answer; errors become
//! problem+json in one place ([`error`]).

pub mod error;
pub mod extract;
pub mod form;
pub mod i18n;
pub mod limit;
mod openapi;
pub mod pages;
mod routes;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use rectify_store::Store;
use rust_embed::RustEmbed;
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
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig { secure_cookies: false, track_per_minute: 20, submit_per_minute: 10 }
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

/// The whole application as an axum router.
pub fn app(state: AppState) -> Router {
    let (api, doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api/v1", routes::api())
        .routes(utoipa_axum::routes!(healthz))
        .split_for_parts();
    let doc = Arc::new(doc);
    Router::new()
        .merge(api)
        .route("/api/v1/openapi.json", get(move || async move { Json(doc.as_ref().clone()) }))
        .route("/api/docs", get(|| async { asset("docs/index.html", DOCS_CSP) }))
        .route("/api/docs/init.js", get(|| async { asset("docs/init.js", DOCS_CSP) }))
        .route("/api/docs/vendor/{file}", get(vendor_asset))
        .merge(pages::router(state.clone()))
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
