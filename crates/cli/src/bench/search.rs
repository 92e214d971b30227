//! Full-text search at scale (issue 17): synthetic cases and problems written from real
//! citizens' messages, the index rebuilt from them, queries over HTTP as the office and as a unit
//! clerk against the lists' old `LIKE` scan in the same run, freshness under a stream of public
//! submissions with the feed followed as `rectify serve` follows it, and the index's size and
//! the process's memory.

use super::corpus::Corpus;
use super::{Latencies, TempDir, answered, ms};
use crate::Failure;
use crate::commands::serve::SEARCH_POLL;
use rectify_domain::actor::{Actor, Role};
use rectify_domain::ids::UnitId;
use rectify_domain::search::SearchKind;
use rectify_search::SearchIndex;
use rectify_store::Store;
use rectify_store::accounts::NewToken;
use rectify_store::synthetic::LikeScan;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long the freshness run writes.
const FRESHNESS_RUN: Duration = Duration::from_secs(30);
/// Every this many submissions of the freshness run is looked for (more probes, polling, would
/// be a search load of their own: every 10th polled every 10 ms came to thousands of searches a
/// second).
const PROBE_EVERY: usize = 50;
/// How often a probe asks the search again.
const PROBE_POLL: Duration = Duration::from_millis(20);
/// Concurrent writers of the freshness run, each at its share of the rate.
const WRITERS: usize = 32;
/// A probe gives up after this long.
const PROBE_GIVE_UP: Duration = Duration::from_secs(10);

/// What the search section is told.
pub struct Setup<'a> {
    pub store: &'a Store,
    pub units: &'a [UnitId],
    /// Cases, and as many problems, to load.
    pub docs: usize,
    /// The message-board files the text is taken from.
    pub corpus: &'a Path,
    pub reads: usize,
    /// Public submissions per second in the freshness run.
    pub write_rate: usize,
    pub client: &'a reqwest::Client,
    pub base: &'a str,
    /// The office administrator's `Bearer …`.
    pub auth: &'a str,
}

/// Peak and current resident memory of this process, in MB (`/proc/self/status`).
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    format!("RSS {:.0} MB (peak {:.0} MB)", kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0)
}

/// One line of the query table: queries taken in turn, as whom, with which filters.
struct QueryRow {
    name: &'static str,
    clerk: bool,
    queries: &'static [&'static str],
    kind: Option<SearchKind>,
    state: Option<&'static str>,
}

const QUERIES: [QueryRow; 5] = [
    QueryRow {
        name: "two words",
        clerk: false,
        queries: &["噪音 扰民", "小区 停车", "地铁 施工", "学校 收费"],
        kind: None,
        state: None,
    },
    QueryRow {
        name: "a phrase",
        clerk: false,
        queries: &["\"噪音扰民\"", "\"夜间施工\"", "\"物业公司\""],
        kind: None,
        state: None,
    },
    QueryRow {
        name: "a rare word", clerk: false, queries: &["化粪池", "鞭炮", "洗车"], kind: None, state: None
    },
    QueryRow {
        name: "unit clerk: two words, cases",
        clerk: true,
        queries: &["噪音 扰民", "小区 停车", "地铁 施工", "学校 收费"],
        kind: Some(SearchKind::Case),
        state: None,
    },
    QueryRow {
        name: "unit clerk: one word, problems in progress",
        clerk: true,
        queries: &["物业", "噪音", "停车", "施工"],
        kind: Some(SearchKind::Problem),
        state: Some("in_progress"),
    },
];

/// `GET /api/v1/search` with `q`; answers the hits' total.
async fn search(
    client: &reqwest::Client,
    base: &str,
    auth: &str,
    q: &str,
    filters: &[(&str, &str)],
) -> Result<u64, Failure> {
    let request = client.get(format!("{base}/api/v1/search")).query(&[("q", q)]).query(filters);
    let r = answered(request.header("authorization", auth), &format!("search {q}")).await?;
    let answer: serde_json::Value = r.json().await.map_err(Failure::runtime)?;
    Ok(answer["total"].as_u64().unwrap_or(0))
}

pub async fn measure(s: Setup<'_>) -> Result<(), Failure> {
    let store = s.store;
    let system = Actor::system();
    println!("\n## Full-text search: {} cases and {} problems written from real messages\n", s.docs, s.docs);
    let mut corpus = Corpus::read(s.corpus)?;
    println!(
        "Text: {} sentences and {} subjects of the message-board files in {}, recombined (cases: a subject and 1–4 sentences; problems: 1–2 sentences).\n",
        corpus.sentences.len(),
        corpus.titles.len(),
        s.corpus.display()
    );
    println!("before loading: {}", memory());

    let t = Instant::now();
    store.cases().insert_synthetic_cases(s.units, s.docs, 17, || (corpus.title(), corpus.text(4), None)).await?;
    store.ledger().insert_synthetic_problems(s.units, s.docs, 18, || corpus.text(2)).await?;
    store.ledger().analyze().await?;
    let secs = t.elapsed().as_secs_f64();
    println!("bulk-loaded {} rows in {secs:.1} s ({:.0} rows/s); {}", 2 * s.docs, (2 * s.docs) as f64 / secs, memory());

    // The index in a directory of its own, attached and written by this process as `serve` does.
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("rectify-bench-index-{stamp}-{}", std::process::id()));
    let _guard = TempDir(dir.clone());
    let index = SearchIndex::open(&dir).map_err(Failure::runtime)?;
    index.claim().map_err(Failure::runtime)?;
    store.search().attach(Arc::new(index));
    let told = AtomicU64::new(0);
    let t = Instant::now();
    let done = store
        .search()
        .rebuild(&|done, total| {
            let tenth = (total / 10).max(1);
            if done / tenth > told.load(Ordering::Relaxed) {
                told.store(done / tenth, Ordering::Relaxed);
                eprintln!("read {done}/{total} records into the writer in {:.0} s", t.elapsed().as_secs_f64());
            }
        })
        .await?;
    let secs = t.elapsed().as_secs_f64();
    let mut cursor = store.search().cursor()?;
    store.search().catch_up(&mut cursor).await?;
    let status = store.search().status(None).await?;
    println!("\n| index | value |");
    println!("|---|---|");
    println!("| rebuild: records indexed | {done} |");
    println!("| rebuild: time | {secs:.1} s |");
    println!("| rebuild: documents per second | {:.0} |", done as f64 / secs);
    println!("| rebuild: time per 1,000,000 documents at that pace | {:.0} s |", 1e6 * secs / done.max(1) as f64);
    println!("| documents in the index | {} |", status.docs);
    println!("| index size on disk | {:.1} MB |", status.bytes as f64 / 1e6);
    println!("| memory after the rebuild, index open | {} |", memory());

    // A unit clerk of a unit without sub-units: its cases, its problems and the published ones.
    let clerk_unit = *s.units.last().ok_or_else(|| Failure::BadInput("no units".into()))?;
    let token = NewToken { name: Some("bench clerk".into()), role: Some(Role::UnitClerk), unit_id: Some(clerk_unit) };
    let clerk = format!("Bearer {}", store.accounts().create_token(&system, token).await?.token);

    println!(
        "\n| query (taken in turn) | reader | index: hits | index p50 | index p99 | LIKE: matches | LIKE p50 | LIKE p99 | LIKE ÷ index (p50) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let like_runs = (s.reads / 10).max(5);
    for row in &QUERIES {
        let auth = if row.clerk { clerk.as_str() } else { s.auth };
        let mut filters: Vec<(&str, &str)> = Vec::new();
        if let Some(k) = row.kind {
            filters.push(("kind", k.as_str()));
        }
        if let Some(state) = row.state {
            filters.push(("state", state));
        }
        let mut hits = Vec::new();
        for q in row.queries {
            hits.push(search(s.client, s.base, auth, q, &filters).await?);
        }
        let mut lat = Latencies(Vec::with_capacity(s.reads));
        for i in 0..s.reads {
            let t = Instant::now();
            search(s.client, s.base, auth, row.queries[i % row.queries.len()], &filters).await?;
            lat.0.push(t.elapsed());
        }
        let mut matches = Vec::new();
        let mut like = Latencies(Vec::with_capacity(like_runs));
        for i in 0..like_runs + row.queries.len() {
            let q = row.queries[i % row.queries.len()];
            let scan = LikeScan {
                words: q.split_whitespace().map(|w| w.trim_matches('"').to_owned()).collect(),
                unit: row.clerk.then_some(clerk_unit),
                kind: row.kind,
                state: row.state.map(str::to_owned),
            };
            let t = Instant::now();
            let found = store.search().like_scan(&scan).await?;
            if i < row.queries.len() {
                matches.push(found.total);
            } else {
                like.0.push(t.elapsed());
            }
        }
        let list = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(" / ");
        let (p50, like50) = (lat.pct(0.5), like.pct(0.5));
        println!(
            "| {}: {} | {} | {} | {} | {} | {} | {} | {} | {:.1}× |",
            row.name,
            row.queries.join(", "),
            if row.clerk { "unit clerk" } else { "office admin" },
            list(&hits),
            ms(p50),
            ms(lat.pct(0.99)),
            list(&matches),
            ms(like50),
            ms(like.pct(0.99)),
            like50.as_secs_f64() / p50.as_secs_f64().max(1e-9)
        );
    }
    println!(
        "\nindex: {} runs per row over HTTP (the whole request); LIKE: {like_runs} runs per row on the database (a count and the first 20 ids of each table, as a list page reads), after one warm-up round. {}",
        s.reads,
        memory()
    );
    freshness(&s, &mut corpus).await?;
    println!("after the freshness run: {}", memory());
    Ok(())
}

/// Public submissions at `write_rate` for [`FRESHNESS_RUN`] with the feed followed as `rectify
/// serve` does; every [`PROBE_EVERY`]th case's own word is looked for from the moment its
/// submission is answered until the search finds it.
async fn freshness(s: &Setup<'_>, corpus: &mut Corpus) -> Result<(), Failure> {
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let follower = {
        let store = s.store.clone();
        tokio::spawn(async move {
            store
                .search()
                .follow(SEARCH_POLL, async {
                    let _ = stop_rx.await;
                })
                .await
        })
    };
    let total = s.write_rate * FRESHNESS_RUN.as_secs() as usize;
    let texts: Arc<Vec<String>> = Arc::new((0..1000).map(|_| corpus.text(2)).collect());
    let writers = WRITERS;
    let period = Duration::from_secs_f64(writers as f64 / s.write_rate.max(1) as f64);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (client, base, auth, texts) = (s.client.clone(), s.base.to_owned(), s.auth.to_owned(), texts.clone());
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            let (mut posts, mut probes) = (Vec::new(), Vec::new());
            for n in (w..total).step_by(writers) {
                tick.tick().await;
                let word = format!("fresh{n}q");
                let body = serde_json::json!({
                    "content": format!("{} {word}", texts[n % texts.len()]),
                    "type": "complaint",
                    "phone": format!("137{n:08}"),
                });
                let t = Instant::now();
                let r =
                    client.post(format!("{base}/api/v1/cases")).json(&body).send().await.map_err(|e| e.to_string())?;
                if !r.status().is_success() {
                    return Err(format!("POST /api/v1/cases: status {}", r.status()));
                }
                let _ = r.bytes().await;
                let answered = Instant::now();
                posts.push(answered - t);
                if n % PROBE_EVERY == 0 {
                    let (client, base, auth) = (client.clone(), base.clone(), auth.clone());
                    probes.push(tokio::spawn(async move {
                        while answered.elapsed() < PROBE_GIVE_UP {
                            let found = search(&client, &base, &auth, &word, &[("kind", "case"), ("limit", "1")]).await;
                            if matches!(found, Ok(n) if n > 0) {
                                return Some(answered.elapsed());
                            }
                            tokio::time::sleep(PROBE_POLL).await;
                        }
                        None
                    }));
                }
            }
            Ok::<_, String>((posts, probes))
        }));
    }
    let (mut posts, mut found, mut lost) = (Latencies(Vec::new()), Latencies(Vec::new()), 0);
    let mut probes = Vec::new();
    for t in tasks {
        let (p, pr) = t.await.map_err(Failure::runtime)?.map_err(Failure::Runtime)?;
        posts.0.extend(p);
        probes.extend(pr);
    }
    let writing = started.elapsed().as_secs_f64();
    for p in probes {
        match p.await.map_err(Failure::runtime)? {
            Some(d) => found.0.push(d),
            None => lost += 1,
        }
    }
    let _ = stop_tx.send(());
    let _ = follower.await;
    println!(
        "\n### Freshness: {total} public submissions at a target of {} per second, the feed followed every {} ms\n",
        s.write_rate,
        SEARCH_POLL.as_millis()
    );
    println!("| measurement | value |");
    println!("|---|---|");
    println!("| submissions per second reached | {:.0} |", total as f64 / writing);
    println!("| POST /api/v1/cases p50 / p99 | {} / {} |", ms(posts.pct(0.5)), ms(posts.pct(0.99)));
    println!(
        "| cases looked for (every {PROBE_EVERY}th), found / not found in {} s | {} / {lost} |",
        PROBE_GIVE_UP.as_secs(),
        found.0.len()
    );
    println!(
        "| answered → found by search, p50 / p99 / max | {} / {} / {} |",
        ms(found.pct(0.5)),
        ms(found.pct(0.99)),
        ms(found.pct(1.0))
    );
    Ok(())
}
