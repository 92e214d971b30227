//! `rectify`: the one binary of Rectify (整改通). The composition root: the terminal edge
//! (`rectify-cli`) runs the command line, and is handed the HTTP edge (`rectify-web`) to start
//! for `rectify serve` and `rectify bench`; neither edge depends on the other.

use futures::future::BoxFuture;
use rectify_cli::HttpConfig;
use rectify_store::Store;
use rectify_web::{AppState, WebConfig};
use std::process::ExitCode;
use tokio::net::TcpListener;

/// Serves the web UI and the JSON API until `shutdown` resolves.
fn serve(
    listener: TcpListener,
    store: Store,
    config: HttpConfig,
    shutdown: BoxFuture<'static, ()>,
) -> BoxFuture<'static, std::io::Result<()>> {
    let HttpConfig { secure_cookies, track_per_minute, submit_per_minute, import_limits, trusted_proxies } = config;
    let config = WebConfig { secure_cookies, track_per_minute, submit_per_minute, import_limits, trusted_proxies };
    let state = AppState::new(store, config);
    Box::pin(rectify_web::serve(listener, state, shutdown))
}

fn main() -> ExitCode {
    rectify_cli::main(serve)
}
