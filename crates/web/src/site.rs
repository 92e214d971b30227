//! The routes outside the OpenAPI document (the pages, the document itself, its viewer and the
//! static files), registered so that they can be listed. The router is built from the same
//! calls that record the list, so the list cannot drift from what is served; the authorization
//! matrix test (`tests/authz_matrix.rs`) walks it together with the OpenAPI paths.

use crate::AppState;
use axum::Router;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::Method;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, Route};
use std::convert::Infallible;
use tower::{Layer, Service};

/// A router that remembers every (method, path) it serves.
#[derive(Default)]
pub struct Site {
    router: Router<AppState>,
    routes: Vec<(Method, &'static str)>,
}

impl Site {
    pub fn new() -> Site {
        Site::default()
    }

    pub fn get<H, T>(self, path: &'static str, handler: H) -> Site
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.on(Method::GET, path, axum::routing::get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, handler: H) -> Site
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.on(Method::POST, path, axum::routing::post(handler))
    }

    /// Axum merges method routers given for the same path, so `get` then `post` on one path
    /// serves both.
    fn on(mut self, method: Method, path: &'static str, route: MethodRouter<AppState>) -> Site {
        self.router = self.router.route(path, route);
        self.routes.push((method, path));
        self
    }

    pub fn merge(mut self, other: Site) -> Site {
        self.router = self.router.merge(other.router);
        self.routes.extend(other.routes);
        self
    }

    /// Wraps every route registered so far; adds none.
    pub fn layer<L>(mut self, layer: L) -> Site
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        self.router = self.router.layer(layer);
        self
    }

    /// Every (method, path) served, in registration order.
    pub fn routes(&self) -> &[(Method, &'static str)] {
        &self.routes
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
