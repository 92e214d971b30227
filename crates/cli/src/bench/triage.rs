//! Triage at scale (issue 18): routing suggestions over HTTP against the session baseline in the
//! same run, refits through `POST /triage/retrain` on 10,000 and 100,000 labelled cases, and hot
//! spots over 100,000 messages. The labelled cases are the labelled sample, then new messages
//! written from every message of the files (a message's subject and some of its sentences), the
//! ones the sample does not label labelled by the model trained on it: the board's own words and
//! vocabulary, at the size of a large office's confirmations.

use super::corpus::Corpus;
use super::{Latencies, Req, answered, load, ms};
use crate::Failure;
use rectify_domain::actor::Actor;
use rectify_domain::ids::UnitId;
use rectify_store::Store;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// What the triage section is told.
pub struct Setup<'a> {
    pub store: &'a Store,
    pub units: &'a [UnitId],
    pub corpus: &'a Path,
    /// Requests per concurrency level of the suggestion runs.
    pub requests: usize,
    pub concurrency: &'a [usize],
    pub client: &'a reqwest::Client,
    pub base: &'a str,
    /// The office administrator's `Bearer …`.
    pub auth: &'a str,
}

/// Labelled cases in the ledger at each refit.
const REFITS: [usize; 2] = [10_000, 100_000];
/// Runs of the hot-spot query.
const HOT_RUNS: usize = 3;

pub async fn measure(s: Setup<'_>) -> Result<(), Failure> {
    let mut corpus = Corpus::read(s.corpus)?;
    if corpus.labelled() == 0 {
        return Err(Failure::BadInput(format!(
            "{}: the triage section needs the labelled sample (a workbook with 一级分类)",
            s.corpus.display()
        )));
    }
    println!(
        "\n## Triage: the {} labelled messages of {}, then new ones written from all its messages (a message's subject and 1–3 of its sentences)\n",
        corpus.labelled(),
        s.corpus.display()
    );
    println!("| refit (`POST /api/v1/triage/retrain`) | examples | time | model |");
    println!("|---|---|---|---|");
    // The sample as it is, then messages written from every message of the files, the ones
    // without a category labelled by the model trained on the sample.
    let sample: Vec<_> =
        corpus.sample().into_iter().map(|(category, title, content)| (title, content, Some(category))).collect();
    let mut loaded = sample.len();
    let t = Instant::now();
    insert(&s, sample).await?;
    refit(&s, loaded, t.elapsed()).await?;
    let t = Instant::now();
    let unlabelled = corpus.unlabelled();
    let labelled = unlabelled.len();
    for (i, title, content) in unlabelled {
        let suggestion = s.store.triage().suggest(&Actor::system(), &title, &content).await?;
        corpus.label(i, suggestion.category.key);
    }
    println!(
        "\n(the {labelled} messages without a category labelled by that model in {:.1} s)\n",
        t.elapsed().as_secs_f64()
    );
    for to in REFITS {
        let t = Instant::now();
        let more: Vec<_> = (loaded..to)
            .filter_map(|_| {
                corpus.labelled_message().map(|(category, title, content)| (title, content, Some(category)))
            })
            .collect();
        loaded = to;
        insert(&s, more).await?;
        refit(&s, loaded, t.elapsed()).await?;
    }

    println!("\nSuggestions with the last model serving (the units suggested are counted over those cases):\n");
    println!("| request | clients | requests | per second | p50 | p99 | per second ÷ baseline |");
    println!("|---|---|---|---|---|---|---|");
    let messages: Arc<Vec<(String, String)>> = Arc::new((0..1000).map(|_| (corpus.title(), corpus.text(4))).collect());
    for &c in s.concurrency {
        let baseline = load(s.client, s.base, s.auth, c, s.requests, |_| Req::Get("/api/v1/session".into())).await?;
        println!(
            "| GET /api/v1/session (baseline) | {c} | {} | {:.0} | {} | {} | 1 |",
            s.requests,
            baseline.0,
            ms(baseline.1),
            ms(baseline.2)
        );
        let m = messages.clone();
        let r = load(s.client, s.base, s.auth, c, s.requests, move |n| {
            let (title, content) = &m[n % m.len()];
            Req::Post("/api/v1/triage/suggest".into(), serde_json::json!({ "title": title, "content": content }))
        })
        .await?;
        println!(
            "| POST /api/v1/triage/suggest | {c} | {} | {:.0} | {} | {} | {:.2} |",
            s.requests,
            r.0,
            ms(r.1),
            ms(r.2),
            r.0 / baseline.0
        );
    }

    // Hot spots: the 100,000 cases above were received over the past year.
    let (today, from) = {
        let today = chrono::Utc::now().date_naive();
        (today, today - chrono::Days::new(366))
    };
    let path = format!("/api/v1/hotspots?from={from}&to={today}&limit=10");
    let mut lat = Latencies(Vec::new());
    let mut found = 0;
    for _ in 0..HOT_RUNS {
        let t = Instant::now();
        let r =
            answered(s.client.get(format!("{}{path}", s.base)).header("authorization", s.auth), "hot spots").await?;
        let answer: serde_json::Value = r.json().await.map_err(Failure::runtime)?;
        lat.0.push(t.elapsed());
        found = answer["items"].as_array().map_or(0, Vec::len);
    }
    println!(
        "\nHot spots over the cases of the past year, {} of them loaded here (`GET {path}`, {HOT_RUNS} runs, the office's view): p50 {}, max {}; {found} spots answered.",
        loaded,
        ms(lat.pct(0.5)),
        ms(lat.pct(1.0))
    );
    Ok(())
}

/// Adds `cases` (subject, content, category) to the ledger.
async fn insert(s: &Setup<'_>, cases: Vec<(String, String, Option<String>)>) -> Result<(), Failure> {
    let n = cases.len();
    let mut cases = cases.into_iter();
    let next = move || cases.next().unwrap_or_default();
    s.store.cases().insert_synthetic_cases(s.units, n, 31 + n as u64, next).await?;
    Ok(())
}

/// Retrains on the `examples` in the ledger and prints the row of the refit table.
async fn refit(s: &Setup<'_>, examples: usize, loading: std::time::Duration) -> Result<(), Failure> {
    let t = Instant::now();
    let status = retrain(s).await?;
    println!(
        "| read, train with the 5-fold calibration, store (cases loaded in {:.1} s) | {examples} | {:.1} s | {status} |",
        loading.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `POST /triage/retrain`; the new model in a few words.
async fn retrain(s: &Setup<'_>) -> Result<String, Failure> {
    let request = s.client.post(format!("{}/api/v1/triage/retrain", s.base)).header("authorization", s.auth);
    let status: serde_json::Value = answered(request, "retrain").await?.json().await.map_err(Failure::runtime)?;
    let held = &status["held_out"];
    Ok(format!(
        "version {}, cross-validated accuracy {:.3}, top-2 {:.3}, macro-F1 {:.3}",
        status["version"],
        held["accuracy"].as_f64().unwrap_or(f64::NAN),
        held["top2_accuracy"].as_f64().unwrap_or(f64::NAN),
        held["macro_f1"].as_f64().unwrap_or(f64::NAN)
    ))
}
