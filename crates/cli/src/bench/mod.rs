//! `rectify bench`: measures the product on this machine, over real HTTP against an in-process
//! server. Numbers go to docs/BENCHMARKS.md; nothing here asserts a speed.

mod corpus;
mod files;
mod search;
mod services;
mod triage;

use crate::{Failure, HttpConfig, ServeHttp};
use rectify_domain::actor::{Actor, Role};
use rectify_domain::ids::UnitId;
use rectify_domain::unit::{NewUnit, UnitKind};
use rectify_store::accounts::{NewAccount, NewToken};
use rectify_store::{Location, Store, SystemClock};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Run on PostgreSQL: a fresh database is created on this server and dropped afterwards.
    #[arg(long, env = "RECTIFY_BENCH_DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,
    /// Problems in the ledger for the stats and list measurements.
    #[arg(long, default_value_t = 1_000_000)]
    problems: usize,
    /// Units the problems are spread over.
    #[arg(long, default_value_t = 1_000)]
    units: usize,
    /// Problems created over HTTP per concurrency level.
    #[arg(long, default_value_t = 10_000)]
    creates: usize,
    /// Concurrent HTTP clients for the creation runs.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 16])]
    concurrency: Vec<usize>,
    /// Repetitions of each read measurement.
    #[arg(long, default_value_t = 200)]
    reads: usize,
    /// Problem rows in the ledger file imported and exported by the files section.
    #[arg(long, default_value_t = 100_000)]
    import_rows: usize,
    /// Measure one section only: `http` (writes and reads over HTTP), `files` (imports and
    /// exports), `search` (full-text search), `triage` (suggestions, refits, hot spots; these
    /// two need `--corpus`) or `services` (the service ledger and catalog).
    #[arg(long, value_parser = ["http", "files", "search", "triage", "services"])]
    only: Option<String>,
    /// Service cases in the ledger for the services section.
    #[arg(long, default_value_t = 1_000_000)]
    service_cases: usize,
    /// Items in the catalog for the services section.
    #[arg(long, default_value_t = 10_000)]
    service_items: usize,
    /// The message-board workbooks (留言主题, 留言详情; 一级分类 for triage) the search and
    /// triage sections write their synthetic cases from; without it a full run leaves them out.
    #[arg(long, env = "RECTIFY_BENCH_CORPUS", value_name = "DIR")]
    corpus: Option<std::path::PathBuf>,
    /// Cases loaded for the search section, and as many problems.
    #[arg(long, default_value_t = 1_000_000)]
    search_docs: usize,
    /// Public case submissions per second while the search section measures freshness.
    #[arg(long, default_value_t = 1_000)]
    write_rate: usize,
    /// Keep the SQLite database in this new directory instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    keep: Option<std::path::PathBuf>,
}

impl Args {
    /// Whether the run measures `section` (all of them without `--only`; search and triage with
    /// a corpus).
    fn wants(&self, section: &str) -> bool {
        match self.only.as_deref() {
            Some(only) => only == section,
            None => !matches!(section, "search" | "triage") || self.corpus.is_some(),
        }
    }
}

struct Target {
    store: Store,
    label: String,
    cleanup: Option<(String, String)>,
    _dir: Option<TempDir>,
}

/// A temporary directory removed on drop (the CLI has no tempfile dependency).
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn open(args: &Args) -> Result<Target, Failure> {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    match &args.database_url {
        None => {
            let (dir, guard) = match &args.keep {
                Some(d) => (d.clone(), None),
                None => {
                    let d = std::env::temp_dir().join(format!("rectify-bench-{stamp}-{}", std::process::id()));
                    (d.clone(), Some(TempDir(d)))
                }
            };
            // A kept directory is measured again later: its key file stays with it.
            let (keyring, _) = rectify_store::Keyring::load_or_create(&dir.join("pii.key"))
                .map_err(|e| Failure::BadInput(e.to_string()))?;
            let store = Store::open(&Location::DataDir(dir), Arc::new(SystemClock), Arc::new(keyring)).await?;
            Ok(Target { store, label: "SQLite (WAL, synchronous=NORMAL)".into(), cleanup: None, _dir: guard })
        }
        Some(url) => {
            use sqlx::Connection;
            let name = format!("rectify_bench_{stamp}");
            let mut admin = sqlx::PgConnection::connect(url).await.map_err(Failure::runtime)?;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.map_err(Failure::runtime)?;
            let (base, _) =
                url.rsplit_once('/').ok_or_else(|| Failure::BadInput("--database-url needs a database path".into()))?;
            let bench_url = format!("{base}/{name}");
            let keyring = Arc::new(rectify_store::Keyring::generate());
            let store = Store::open(&Location::Postgres(bench_url), Arc::new(SystemClock), keyring).await?;
            let version: String =
                sqlx::query_scalar("SHOW server_version").fetch_one(&mut admin).await.map_err(Failure::runtime)?;
            Ok(Target { store, label: format!("PostgreSQL {version}"), cleanup: Some((url.clone(), name)), _dir: None })
        }
    }
}

struct Latencies(Vec<Duration>);

impl Latencies {
    fn pct(&mut self, p: f64) -> Duration {
        self.0.sort();
        let i = ((self.0.len() as f64 - 1.0) * p).round() as usize;
        self.0.get(i).copied().unwrap_or_default()
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub async fn run(args: Args, http: ServeHttp) -> Result<(), Failure> {
    let target = open(&args).await?;
    let result = measure(&args, &target, http).await;
    target.store.close().await;
    if let Some((url, name)) = &target.cleanup {
        use sqlx::Connection;
        if let Ok(mut admin) = sqlx::PgConnection::connect(url).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await;
        }
    }
    result
}

async fn measure(args: &Args, target: &Target, http: ServeHttp) -> Result<(), Failure> {
    let store = &target.store;
    let system = Actor::system();
    println!("# rectify bench — {}", target.label);
    println!(
        "machine: {} logical CPUs; client and server share them",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    draws();

    // Units: ten top-level units with the rest below them.
    let t = Instant::now();
    let mut units: Vec<UnitId> = Vec::new();
    let tops = 10.min(args.units.max(1));
    for i in 0..args.units.max(1) {
        let parent = if i < tops { None } else { Some(units[i % tops]) };
        let input = NewUnit {
            name: Some(format!("单位{i:04}")),
            parent_id: parent,
            kind: Some(UnitKind::Department),
            ..Default::default()
        };
        units.push(store.directory().create_unit(&system, input, None).await?.value.id);
    }
    println!("created {} units in {:.1} s", units.len(), t.elapsed().as_secs_f64());
    if args.wants("files") {
        let names: Vec<String> = (0..units.len()).map(|i| format!("单位{i:04}")).collect();
        files::measure(store, &names, args.import_rows).await?;
    }
    if !["http", "search", "triage", "services"].iter().any(|s| args.wants(s)) {
        return Ok(());
    }

    let token = store
        .accounts()
        .create_token(&system, NewToken { name: Some("bench".into()), role: Some(Role::OfficeAdmin), unit_id: None })
        .await?
        .token;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(Failure::runtime)?;
    let base = format!("http://{}", listener.local_addr().map_err(Failure::runtime)?);
    // The per-client limits on public routes would stop a one-client benchmark at once.
    let config = HttpConfig {
        secure_cookies: false,
        submit_per_minute: u32::MAX,
        track_per_minute: u32::MAX,
        import_limits: rectify_exchange::Limits::default(),
        trusted_proxies: Vec::new(),
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(http(
        listener,
        store.clone(),
        config,
        Box::pin(async {
            let _ = stop_rx.await;
        }),
    ));
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build().map_err(Failure::runtime)?;
    let auth = format!("Bearer {token}");
    // Pages take the session cookie, as a browser sends it.
    let password = rectify_store::accounts::random_secret("");
    let account = NewAccount {
        username: Some("bench".into()),
        password: Some(password.clone()),
        role: Some(Role::OfficeAdmin),
        ..NewAccount::default()
    };
    store.accounts().create_account(&system, account).await?;
    let session = store
        .accounts()
        .login("bench", &password, None)
        .await?
        .ok_or_else(|| Failure::Runtime("bench sign-in".into()))?;
    let cookie = format!("rectify_session={}", session.token);

    let result = async {
        if args.wants("http") {
            over_http(args, store, &units, &client, &base, &auth, &cookie).await?;
        }
        if args.wants("search") {
            let corpus = args
                .corpus
                .as_deref()
                .ok_or_else(|| Failure::BadInput("the search section needs --corpus DIR".into()))?;
            search::measure(search::Setup {
                store,
                units: &units,
                docs: args.search_docs,
                corpus,
                reads: args.reads,
                write_rate: args.write_rate,
                client: &client,
                base: &base,
                auth: &auth,
            })
            .await?;
        }
        if args.wants("services") {
            services::measure(services::Setup {
                store,
                units: &units,
                cases: args.service_cases,
                items: args.service_items,
                requests: args.creates,
                concurrency: &args.concurrency,
                reads: args.reads,
                client: &client,
                base: &base,
                auth: &auth,
            })
            .await?;
        }
        if args.wants("triage") {
            let corpus = args
                .corpus
                .as_deref()
                .ok_or_else(|| Failure::BadInput("the triage section needs --corpus DIR".into()))?;
            triage::measure(triage::Setup {
                store,
                units: &units,
                corpus,
                requests: args.creates,
                concurrency: &args.concurrency,
                client: &client,
                base: &base,
                auth: &auth,
            })
            .await?;
        }
        Ok(())
    }
    .await;
    let _ = stop_tx.send(());
    let _ = server.await;
    result
}

/// Writes over HTTP, the bulk load to `--problems` and the reads at that size.
async fn over_http(
    args: &Args,
    store: &Store,
    units: &[UnitId],
    client: &reqwest::Client,
    base: &str,
    auth: &str,
    cookie: &str,
) -> Result<(), Failure> {
    println!("\n## Writes over HTTP\n");
    println!("| request | clients | requests | per second | p50 | p99 |");
    println!("|---|---|---|---|---|---|");
    let units = Arc::new(units.to_vec());
    for &c in &args.concurrency {
        // The ceiling: an authenticated request that touches the database once, no write.
        let r = load(client, base, auth, c, args.creates, |_| Req::Get("/api/v1/session".into())).await?;
        println!(
            "| GET /api/v1/session (baseline) | {c} | {} | {:.0} | {} | {} |",
            args.creates,
            r.0,
            ms(r.1),
            ms(r.2)
        );
        let u = units.clone();
        let r = load(client, base, auth, c, args.creates, move |n| {
            Req::Post(
                "/api/v1/problems".into(),
                serde_json::json!({
                    "description": format!("基准测试问题 {n}：窗口服务态度生硬"),
                    "unit_id": u[n % u.len()],
                    "deadline": "2030-06-30",
                    "category": "服务效果",
                }),
            )
        })
        .await?;
        println!("| POST /api/v1/problems | {c} | {} | {:.0} | {} | {} |", args.creates, r.0, ms(r.1), ms(r.2));
        // A citizen's case from the public form: duplicate check, tracking code, outbox notice.
        let r = load(client, base, auth, c, args.creates, move |n| {
            Req::Public(
                "/api/v1/cases".into(),
                serde_json::json!({
                    "content": format!("基准测试诉求 {c}-{n}：办事窗口中午无人值守"),
                    "type": "complaint",
                    "phone": format!("139{:08}", n),
                }),
            )
        })
        .await?;
        println!("| POST /api/v1/cases (public) | {c} | {} | {:.0} | {} | {} |", args.creates, r.0, ms(r.1), ms(r.2));
    }
    let cases = args.creates * args.concurrency.len();
    let units: Vec<UnitId> = units.to_vec();

    let created = args.creates * args.concurrency.len();
    let bulk = args.problems.saturating_sub(created);
    let t = Instant::now();
    store.ledger().insert_synthetic_problems(&units, bulk, 2026, || "合成的基准测试问题描述".to_owned()).await?;
    store.ledger().analyze().await?;
    let load = t.elapsed().as_secs_f64();
    println!(
        "\nbulk-loaded {bulk} more problems in {load:.1} s ({:.0} rows/s); ledger: {} problems, {} units",
        bulk as f64 / load,
        args.problems.max(created),
        units.len()
    );

    println!("\n## Reads over HTTP at that size (and over the {cases} cases submitted above)\n");
    println!("| request | runs | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    let reads: Vec<(&str, PathOf)> = vec![
        ("stats grouped by unit", Box::new(|_| "/api/v1/stats/problems?group_by=unit".into())),
        (
            "stats by unit with sub-units",
            Box::new(|_| "/api/v1/stats/problems?group_by=unit&include_sub_units=true".into()),
        ),
        (
            "list: unit + state",
            Box::new({
                let units = units.clone();
                move |i| format!("/api/v1/problems?unit={}&state=in_progress", units[(i * 7919) % units.len()])
            }),
        ),
        (
            "list: state + light",
            Box::new(|i| format!("/api/v1/problems?state={}&light=red", ["open", "in_progress"][i % 2])),
        ),
        ("list: category + overdue", Box::new(|_| "/api/v1/problems?category=履职效率&overdue=true".into())),
        ("case stats by month", Box::new(|_| "/api/v1/stats/cases?group_by=month".into())),
        ("case list: state", Box::new(|_| "/api/v1/cases?state=received".into())),
        ("page: dashboard, whole ledger", Box::new(|_| "/app?campaign=all".into())),
        (
            "page: ledger, unit + light",
            Box::new({
                let units = units.clone();
                move |i| format!("/app/problems?unit={}&light=red", units[(i * 7919) % units.len()])
            }),
        ),
        ("page: public board", Box::new(|_| "/board".into())),
        ("page: portal home", Box::new(|_| "/".into())),
    ];
    for (name, path) in reads {
        let runs =
            if name.contains("stats") || name.contains("dashboard") { (args.reads / 10).max(5) } else { args.reads };
        let mut lat = Vec::with_capacity(runs);
        for i in 0..runs {
            let t = Instant::now();
            let request = client.get(format!("{base}{}", path(i))).header("authorization", auth);
            let _ = answered(request.header("cookie", cookie), name).await?.bytes().await;
            lat.push(t.elapsed());
        }
        let mut l = Latencies(lat);
        let max = l.pct(1.0);
        println!("| {name} | {runs} | {} | {} | {} |", ms(l.pct(0.5)), ms(l.pct(0.99)), ms(max));
    }
    Ok(())
}

/// Sends `request`; its response when successful, else a failure naming `what` was asked.
async fn answered(request: reqwest::RequestBuilder, what: &str) -> Result<reqwest::Response, Failure> {
    let r = request.send().await.map_err(Failure::runtime)?;
    if !r.status().is_success() {
        return Err(Failure::Runtime(format!("{what}: status {}", r.status())));
    }
    Ok(r)
}

/// The path of the i-th request of a read measurement.
type PathOf = Box<dyn Fn(usize) -> String>;

enum Req {
    Get(String),
    Post(String, serde_json::Value),
    /// Without credentials, as the public sends it.
    Public(String, serde_json::Value),
}

/// Sends `total` requests from `clients` concurrent tasks; (per second, p50, p99).
async fn load(
    client: &reqwest::Client,
    base: &str,
    auth: &str,
    clients: usize,
    total: usize,
    make: impl Fn(usize) -> Req + Send + Sync + 'static,
) -> Result<(f64, Duration, Duration), Failure> {
    let make = Arc::new(make);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients.max(1) {
        let (client, base, auth, next, make) =
            (client.clone(), base.to_owned(), auth.to_owned(), next.clone(), make.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                let req = match make(n) {
                    Req::Get(p) => client.get(format!("{base}{p}")).header("authorization", &auth),
                    Req::Post(p, body) => client.post(format!("{base}{p}")).json(&body).header("authorization", &auth),
                    Req::Public(p, body) => client.post(format!("{base}{p}")).json(&body),
                };
                let t = Instant::now();
                match req.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    Ok(r) => return Err(format!("status {}: {}", r.status(), r.text().await.unwrap_or_default())),
                    Err(e) => return Err(e.to_string()),
                }
                lat.push(t.elapsed());
            }
            Ok(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(Failure::runtime)?.map_err(Failure::Runtime)?);
    }
    let secs = started.elapsed().as_secs_f64();
    let mut lat = Latencies(all);
    Ok((total as f64 / secs, lat.pct(0.5), lat.pct(0.99)))
}

/// The inspection draw and the re-inspection sample, in the domain alone (no database): a
/// district-sized pool and a large one, drawn and verified many times.
fn draws() {
    use rectify_domain::ids::PersonId;
    use rectify_domain::inspection::{DrawInput, DrawRules, PoolInspector, PoolTarget, draw, sample, verify};
    println!("\n## Inspection draws (domain only)\n");
    println!("| pool | rules | draws | p50 | p99 |");
    println!("|---|---|---|---|---|");
    for (units, inspectors, rules) in [
        (53usize, 13usize, DrawRules { groups: 3, inspectors_per_group: 4, targets_per_group: 4, no_repeat_rounds: 2 }),
        (300, 60, DrawRules { groups: 10, inspectors_per_group: 4, targets_per_group: 12, no_repeat_rounds: 5 }),
    ] {
        // Units under 10 areas; inspectors spread over the first few areas and the office (0).
        let area = |i: usize| UnitId(1 + (i % 10) as i64);
        let targets: Vec<PoolTarget> = (0..units)
            .map(|i| PoolTarget {
                unit: UnitId(100 + i as i64),
                line: vec![UnitId(100 + i as i64), area(i)],
                visits: (i % 3) as u32,
            })
            .collect();
        let pool: Vec<PoolInspector> = (0..inspectors)
            .map(|i| PoolInspector {
                id: PersonId(1 + i as i64),
                unit_line: if i % 4 == 0 { vec![area(i)] } else { vec![UnitId(0)] },
            })
            .collect();
        let recent = (0..inspectors).map(|i| (PersonId(1 + i as i64), UnitId(100 + (i * 7 % units) as i64))).collect();
        let input = DrawInput { inspectors: pool, targets, rules, recent_pairs: recent };
        let runs = 300;
        let mut l = Latencies(Vec::with_capacity(runs));
        for n in 0..runs {
            let seed = format!("bench seed {n}");
            let t = Instant::now();
            let d = draw(&input, seed.as_bytes());
            l.0.push(t.elapsed());
            if let Ok(d) = d {
                let c = rectify_domain::inspection::commitment(seed.as_bytes());
                debug_assert!(verify(&input, seed.as_bytes(), &c, &d).is_ok());
            }
        }
        println!(
            "| {units} units, {inspectors} inspectors | {} groups × {} inspectors × {} units | {runs} | {} | {} |",
            rules.groups,
            rules.inspectors_per_group,
            rules.targets_per_group,
            ms(l.pct(0.5)),
            ms(l.pct(0.99))
        );
    }
    let population: Vec<i64> = (1..=100_000).collect();
    let t = Instant::now();
    let (picked, _) = sample(&population, 10_000, b"bench");
    println!("\nSampling 10% of 100,000 closed problems for re-inspection: {} in {}", picked.len(), ms(t.elapsed()));
}
