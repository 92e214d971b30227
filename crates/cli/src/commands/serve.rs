use crate::Failure;
use crate::location::StoreArgs;
use rectify_web::{AppState, WebConfig};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on.
    #[arg(long, env = "RECTIFY_ADDR", default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub addr: String,
    /// Load the demo data first if the database is empty.
    #[arg(long)]
    pub demo: bool,
    /// Mark cookies Secure (set when users reach Rectify over HTTPS).
    #[arg(long, env = "RECTIFY_SECURE_COOKIES")]
    pub secure_cookies: bool,
}

pub async fn run(args: Args) -> Result<(), Failure> {
    let store = args.store.open().await?;
    let password = std::env::var("RECTIFY_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty());
    if let Some(generated) = store.ensure_admin(password).await? {
        println!("Created the account admin with password: {generated}");
        println!("(shown once; set RECTIFY_ADMIN_PASSWORD to choose it)");
    }
    if args.demo {
        if rectify_demo::is_empty(&store).await.map_err(Failure::runtime)? {
            println!("Loading demo data…");
            let s = rectify_demo::load(&store).await.map_err(Failure::runtime)?;
            println!(
                "Demo data loaded: {} units, {} people, {} campaigns, {} problems.",
                s.units, s.people, s.campaigns, s.problems
            );
        } else {
            println!("The database is not empty; demo data not loaded.");
        }
    }
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .map_err(|e| Failure::Runtime(format!("cannot listen on {}: {e}", args.addr)))?;
    let addr = listener.local_addr().map_err(Failure::runtime)?;
    println!("Rectify listening on http://{addr} ({})", args.store.describe());
    let state = AppState::new(store.clone(), WebConfig { secure_cookies: args.secure_cookies, ..WebConfig::default() });
    rectify_web::serve(listener, state, shutdown()).await.map_err(Failure::runtime)?;
    store.close().await;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
