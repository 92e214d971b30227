use crate::location::StoreArgs;
use crate::{Failure, HttpConfig, ServeHttp};
use rectify_domain::audit::Publication;
use rectify_store::Store;
use std::time::Duration;

/// How often the server looks whether today's audit head is published. Publishing happens at most
/// once per China date, so an hourly look publishes within the hour after midnight (and at start).
const HEAD_LOOK: Duration = Duration::from_secs(3600);
/// How often the search indexer looks at the change feed: a new case is found within a second.
pub const SEARCH_POLL: Duration = Duration::from_millis(200);
/// How often the search index's change feed is pruned (`Search::prune_feed`).
const FEED_PRUNE: Duration = Duration::from_secs(3600);
/// How often an instance asks whether the routing model is due a refit.
const REFIT_POLL: Duration = Duration::from_secs(60);

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
    /// SMTP server for e-mail notices: smtp://host:port (add ?tls=required for STARTTLS),
    /// smtps://host:port; user:password@ in the URL when needed.
    #[arg(long, env = "RECTIFY_SMTP_URL", value_name = "URL")]
    pub smtp_url: Option<String>,
    /// Sender of e-mail notices.
    #[arg(long, env = "RECTIFY_SMTP_FROM", default_value = "整改通 <noreply@localhost>")]
    pub smtp_from: String,
    /// HTTP endpoint of the SMS gateway: receives POST {"to", "text"}.
    #[arg(long, env = "RECTIFY_SMS_WEBHOOK", value_name = "URL")]
    pub sms_webhook: Option<String>,
    /// Bearer token for the SMS gateway.
    #[arg(long, env = "RECTIFY_SMS_TOKEN", hide_env_values = true)]
    pub sms_token: Option<String>,
    /// Do not run the notification worker in this instance (another one does).
    #[arg(long)]
    pub no_notify: bool,
    /// Public case submissions one client address may make per minute.
    #[arg(long, env = "RECTIFY_SUBMIT_PER_MINUTE", default_value_t = 10)]
    pub submit_per_minute: u32,
    /// Tracking lookups and ratings one client address may make per minute.
    #[arg(long, env = "RECTIFY_TRACK_PER_MINUTE", default_value_t = 20)]
    pub track_per_minute: u32,
    /// A reverse proxy in front of Rectify (an address or a CIDR range; repeatable or
    /// comma-separated): from these peers the client address is read from X-Forwarded-For.
    /// From any other peer the header is ignored.
    #[arg(long = "trusted-proxy", env = "RECTIFY_TRUSTED_PROXIES", value_name = "IP|CIDR", value_delimiter = ',', value_parser = parse_net)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    #[command(flatten)]
    pub import_limits: super::import::LimitArgs,
}

/// `10.0.0.5` (one address) or `10.0.0.0/8`.
fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{s:?} is not an IP address or a CIDR range (such as 10.0.0.0/8)"))
}

impl Args {
    fn notify(&self) -> rectify_notify::NotifyConfig {
        rectify_notify::NotifyConfig {
            smtp: self
                .smtp_url
                .clone()
                .filter(|u| !u.is_empty())
                .map(|url| rectify_notify::SmtpConfig { url, from: self.smtp_from.clone() }),
            sms: self
                .sms_webhook
                .clone()
                .filter(|u| !u.is_empty())
                .map(|webhook| rectify_notify::SmsConfig { webhook, token: self.sms_token.clone() }),
            ..rectify_notify::NotifyConfig::default()
        }
    }
}

pub async fn run(args: Args, http: ServeHttp) -> Result<(), Failure> {
    // Built first: a bad SMTP URL is a startup error, not a silent failure.
    let notifier = if args.no_notify {
        None
    } else {
        let config = args.notify();
        if config.smtp.is_none() && config.sms.is_none() {
            println!("No --smtp-url or --sms-webhook: notices are recorded in the outbox as skipped, not sent.");
        }
        Some(rectify_notify::Notifier::new(&config).map_err(|e| Failure::BadInput(e.to_string()))?)
    };
    let store = args.store.open().await?;
    let password = std::env::var("RECTIFY_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty());
    if let Some(generated) = store.accounts().ensure_admin(password).await? {
        println!("Created the account admin with password: {generated}");
        println!("(shown once; set RECTIFY_ADMIN_PASSWORD to choose it)");
    }
    if args.demo {
        if rectify_demo::is_empty(&store).await.map_err(Failure::runtime)? {
            println!("Loading demo data…");
            let s = rectify_demo::load(&store).await.map_err(Failure::runtime)?;
            println!("Demo data loaded: {s}.");
        } else {
            println!("The database is not empty; demo data not loaded.");
        }
    }
    let index = super::search::open_index(&args.store)?;
    // One process writes an index: a second server on the same data directory searches it as
    // its writer leaves it, without indexing (give each instance its own --data to keep its own).
    let indexing = match index.claim() {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "the search index is written by another process; this one does not index");
            false
        }
    };
    store.search().attach(std::sync::Arc::new(index));
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .map_err(|e| Failure::Runtime(format!("cannot listen on {}: {e}", args.addr)))?;
    let addr = listener.local_addr().map_err(Failure::runtime)?;
    let _serving = args.store.hold_serve_lock(addr)?;
    println!("Rectify listening on http://{addr} ({})", args.store.describe());
    let config = HttpConfig {
        secure_cookies: args.secure_cookies,
        submit_per_minute: args.submit_per_minute,
        track_per_minute: args.track_per_minute,
        import_limits: args.import_limits.limits(),
        trusted_proxies: args.trusted_proxies.clone(),
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let worker = notifier.map(|n| tokio::spawn(n.run(store.clone(), until_stopped(stopped.clone()))));
    let indexer = indexing.then(|| {
        let (store, stop) = (store.clone(), until_stopped(stopped.clone()));
        tokio::spawn(async move { store.search().follow(SEARCH_POLL, stop).await })
    });
    // Every instance refits when enough is confirmed; two refitting at once make two versions,
    // the newer serving both.
    let refits = {
        let (store, stop) = (store.clone(), until_stopped(stopped.clone()));
        tokio::spawn(async move { store.triage().follow_confirmations(REFIT_POLL, stop).await })
    };
    // Every instance prunes: the number pruned through only grows, and an index behind it rebuilds.
    let pruner = {
        let (store, stop) = (store.clone(), until_stopped(stopped.clone()));
        tokio::spawn(async move { store.search().prune_every(FEED_PRUNE, stop).await })
    };
    // Every instance runs it: the date is the key, so a second instance publishes nothing.
    let heads = tokio::spawn(publish_heads(store.clone(), until_stopped(stopped)));
    let result = http(listener, store.clone(), config, Box::pin(shutdown())).await.map_err(Failure::runtime);
    let _ = stop.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    let _ = heads.await;
    let _ = refits.await;
    let _ = pruner.await;
    if let Some(i) = indexer {
        let _ = i.await;
    }
    store.close().await;
    result
}

/// Publishes the audit chain's head daily (see [`HEAD_LOOK`]) until `shutdown`.
async fn publish_heads(store: Store, shutdown: impl std::future::Future<Output = ()>) {
    let mut look = tokio::time::interval(HEAD_LOOK);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return,
            _ = look.tick() => match store.audit().publish_head().await {
                Ok(Publication::Publish(h)) => tracing::info!(seq = h.seq, day = %h.published_on, "audit head published"),
                Ok(Publication::Diverged { published, found }) => tracing::error!(
                    seq = published.seq,
                    published = %published.hash,
                    found = found.as_deref().unwrap_or("none"),
                    "the audit chain no longer matches the head published on {}: nothing published; run `rectify audit verify`",
                    published.published_on
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "publishing the audit head failed; trying again in an hour"),
            },
        }
    }
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
