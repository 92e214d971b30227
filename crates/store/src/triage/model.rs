//! Routing suggestions: the model (`rectify-triage`) trained on the categories staff set or
//! confirmed and on imported labelled messages, kept in `triage_models` one version a row, the
//! newest serving every instance (each loads it once when the version changes). A first model is
//! trained from the taxonomy's names alone when there is none. A refit that fails keeps the
//! previous model serving.
//!
//! Leaks: a model answers categories, confidences and unit ids, never text, so training on every
//! case is safe for every reader; the units suggested are counts of where cases of the category
//! were assigned, counted when the model is trained and kept with it (its `routes`): counting them
//! per suggestion would read every assigned case of the category each time.

use crate::areas::Triage;
use crate::db::{Conn, Q, record};
use crate::error::{StoreError, StoreResult};
use crate::inspections::to_json;
use chrono::{DateTime, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::{ModelRouting, TriageRules};
use rectify_domain::category;
use rectify_domain::ids::UnitId;
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Rule};
use rectify_triage::{Example, Model, Options, Suggestion, TaxonomyRow, Text};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The model an instance serves, by version (see [`Triage::model`]).
pub(crate) type ModelSlot = Arc<Mutex<Option<Serving>>>;

/// Where cases of each first-level category were assigned, most first: (unit, cases), at most
/// [`ROUTES_KEPT`] units a category.
type Routes = HashMap<String, Vec<(UnitId, i64)>>;
/// [`Routes`] as the model's summary stores them, by category.
type RouteList = Vec<(String, Vec<(UnitId, i64)>)>;

/// A model version with the routes counted when it was trained.
#[derive(Clone)]
pub(crate) struct Serving {
    version: i64,
    model: Arc<Model>,
    /// None for a model stored before routes were kept with it: they are counted per suggestion.
    routes: Option<Arc<Routes>>,
}

/// Messages without a category read for the words' weights (IDF) at most.
const UNLABELLED_MAX: i64 = 20_000;
/// Units suggested at most.
const UNITS_SUGGESTED: i64 = 3;
/// Units kept per category with a model: enough to suggest three when some are archived later.
const ROUTES_KEPT: usize = 10;

/// A category suggested, with its name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedCategory {
    pub key: String,
    pub name: String,
    /// Calibrated: of suggestions at 0.8, about 8 in 10 are right (see `status`).
    pub confidence: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedUnit {
    pub unit_id: UnitId,
    pub name: String,
    /// The category's confidence times the unit's share of that category's assigned cases.
    pub confidence: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelRef {
    pub version: i64,
    /// Examples it learnt from (confirmations and imported labels).
    pub trained_on: usize,
}

/// The answer of `POST /triage/suggest`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoutingSuggestion {
    pub category: SuggestedCategory,
    pub alternatives: Vec<SuggestedCategory>,
    pub units: Vec<SuggestedUnit>,
    pub model: ModelRef,
}

/// What `GET /triage/status` says of the serving model.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TriageStatus {
    pub version: i64,
    pub trained_at: Timestamp,
    /// Examples by source (`staff`, `import`) when it was trained.
    pub examples: Vec<(String, usize)>,
    pub taxonomy_rows: usize,
    /// Confirmations made since, toward the next refit.
    pub confirmations_since: i64,
    /// Whether its confidences were fitted on held-out examples (too few examples: not).
    pub calibrated: bool,
    /// Its own held-out figures (cross-validated on its examples), when it had enough.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub held_out: Option<rectify_triage::HeldOut>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
struct Summary {
    examples: Vec<(String, usize)>,
    taxonomy_rows: usize,
    calibrated: bool,
    held_out: Option<rectify_triage::HeldOut>,
    /// Where each category's cases were assigned when it was trained.
    #[serde(default)]
    routes: Option<RouteList>,
}

record! {
    struct ModelRow {
        version: i64,
        trained_at: Timestamp as DateTime<Utc>,
        confirmations: i64,
        summary: String,
        model: String,
    }
}

record! {
    struct ExampleRow {
        title: Option<String>,
        content: String,
        category: Option<String>,
        category_source: Option<String>,
    }
}

/// Cases whose category people set or confirmed, or a file gave: what the model learns from.
const CONFIRMED: &str = "category IS NOT NULL AND category_source IN ('staff', 'import')";

async fn confirmations(c: &mut Conn<'_>) -> StoreResult<i64> {
    c.scalar(Q::new(format!("SELECT COUNT(*) FROM cases WHERE {CONFIRMED}"))).await
}

async fn latest(c: &mut Conn<'_>) -> StoreResult<Option<ModelRow>> {
    c.fetch_optional(Q::new(
        "SELECT version, trained_at, confirmations, summary, model FROM triage_models ORDER BY version DESC LIMIT 1",
    ))
    .await
}

/// Everything a training reads, in one snapshot.
struct Facts {
    examples: Vec<(Example, String)>,
    texts: Vec<Text>,
    taxonomy: rectify_triage::Taxonomy,
    confirmations: i64,
    routes: RouteList,
}

/// Assigned cases by first-level category and unit, the most assigned units first.
async fn routes(c: &mut Conn<'_>) -> StoreResult<RouteList> {
    record! {
        struct Assigned {
            category: String,
            unit_id: UnitId as i64,
            n: i64,
        }
    }
    let rows: Vec<Assigned> = c
        .fetch_all(Q::new(
            "SELECT category, unit_id, COUNT(*) AS n FROM cases WHERE unit_id IS NOT NULL AND category IS NOT NULL \
             GROUP BY category, unit_id",
        ))
        .await?;
    let mut by_top: HashMap<String, HashMap<UnitId, i64>> = HashMap::new();
    for r in rows {
        *by_top.entry(category::top(&r.category).to_owned()).or_default().entry(r.unit_id).or_default() += r.n;
    }
    let mut out: RouteList = by_top
        .into_iter()
        .map(|(top, units)| {
            let mut units: Vec<(UnitId, i64)> = units.into_iter().collect();
            units.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            units.truncate(ROUTES_KEPT);
            (top, units)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

async fn facts(c: &mut Conn<'_>) -> StoreResult<Facts> {
    let rows: Vec<ExampleRow> = c
        .fetch_all(Q::new(format!(
            "SELECT title, content, category, category_source FROM cases WHERE {CONFIRMED} ORDER BY id"
        )))
        .await?;
    let examples = rows
        .into_iter()
        .filter_map(|r| {
            let category = category::top(r.category.as_deref()?).to_owned();
            let example = Example { title: r.title.unwrap_or_default(), content: r.content, category };
            Some((example, r.category_source.unwrap_or_default()))
        })
        .collect();
    let unlabelled: Vec<ExampleRow> = c
        .fetch_all(
            Q::new("SELECT title, content, category, category_source FROM cases WHERE category IS NULL ORDER BY id DESC LIMIT $1")
                .bind(UNLABELLED_MAX),
        )
        .await?;
    let texts =
        unlabelled.into_iter().map(|r| Text { title: r.title.unwrap_or_default(), content: r.content }).collect();
    let rows = super::taxonomy(c)
        .await?
        .categories()
        .map(|k| {
            let mut names = k.key.split(category::SEPARATOR).map(str::to_owned);
            TaxonomyRow {
                first: names.next().unwrap_or_default(),
                second: names.next().unwrap_or_default(),
                third: names.next().unwrap_or_default(),
            }
        })
        .collect();
    let confirmations = confirmations(c).await?;
    let routes = routes(c).await?;
    Ok(Facts { examples, texts, taxonomy: rectify_triage::Taxonomy { rows }, confirmations, routes })
}

fn train(facts: &Facts) -> Result<(Model, Summary), DomainError> {
    let examples: Vec<Example> = facts.examples.iter().map(|(e, _)| e.clone()).collect();
    let model = Model::train_with_texts(&examples, &facts.texts, &facts.taxonomy, &Options::default())
        .map_err(|_| DomainError::rule(Rule::NothingToTrainOn, "examples"))?;
    let mut by_source: Vec<(String, usize)> = Vec::new();
    for (_, source) in &facts.examples {
        match by_source.iter_mut().find(|(s, _)| s == source) {
            Some((_, n)) => *n += 1,
            None => by_source.push((source.clone(), 1)),
        }
    }
    let summary = Summary {
        examples: by_source,
        taxonomy_rows: facts.taxonomy.rows.len(),
        calibrated: model.is_calibrated(),
        held_out: model.held_out().cloned(),
        routes: Some(facts.routes.clone()),
    };
    Ok((model, summary))
}

impl Triage<'_> {
    /// Trains a model on what the ledger holds now and makes it the serving one; answers its
    /// version. Refused (nothing written, the previous model serving) without any confirmed
    /// example when `need_examples`.
    async fn train_now(&self, need_examples: bool) -> StoreResult<i64> {
        let facts = self.db.read(|tx| Box::pin(async move { facts(&mut tx.conn()).await })).await?;
        if need_examples && facts.examples.is_empty() {
            return Err(DomainError::rule(Rule::NothingToTrainOn, "examples").into());
        }
        let (model, summary, confirmations) =
            tokio::task::spawn_blocking(move || train(&facts).map(|(m, s)| (m, s, facts.confirmations)))
                .await
                .map_err(|e| StoreError::Io(e.to_string()))??;
        let (model_json, summary_json) = (to_json(&model)?, to_json(&summary)?);
        let routes = summary.routes.map(|r| Arc::new(r.into_iter().collect()));
        let now = self.now();
        let version: i64 = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    c.execute(
                        Q::new("INSERT INTO triage_models (trained_at, confirmations, summary, model) VALUES ($1, $2, $3, $4)")
                            .bind(now)
                            .bind(confirmations)
                            .bind(summary_json)
                            .bind(model_json),
                    )
                    .await?;
                    c.scalar(Q::new("SELECT MAX(version) FROM triage_models")).await
                })
            })
            .await?;
        let serving = Serving { version, model: Arc::new(model), routes };
        *self.triage_slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(serving);
        Ok(version)
    }

    /// The serving model: the newest version, loaded once per version; a first one trained from
    /// the taxonomy (and whatever is confirmed) when there is none.
    pub(crate) async fn model(&self) -> StoreResult<Serving> {
        let newest: Option<i64> = self
            .db
            .read(|tx| {
                Box::pin(async move { tx.conn().scalar(Q::new("SELECT MAX(version) FROM triage_models")).await })
            })
            .await?;
        if let Some(version) = newest {
            if let Some(serving) = self.triage_slot.lock().unwrap_or_else(|p| p.into_inner()).as_ref()
                && serving.version == version
            {
                return Ok(serving.clone());
            }
            let row = self.db.read(|tx| Box::pin(async move { latest(&mut tx.conn()).await })).await?;
            if let Some(row) = row {
                let model: Model = tokio::task::spawn_blocking(move || serde_json::from_str(&row.model))
                    .await
                    .map_err(|e| StoreError::Io(e.to_string()))?
                    .map_err(|e| StoreError::Io(format!("triage model {}: {e}", row.version)))?;
                let summary: Summary = serde_json::from_str(&row.summary).map_err(|e| StoreError::Io(e.to_string()))?;
                let routes = summary.routes.map(|r| Arc::new(r.into_iter().collect()));
                let serving = Serving { version: row.version, model: Arc::new(model), routes };
                *self.triage_slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(serving.clone());
                return Ok(serving);
            }
        }
        let version = self.train_now(false).await?;
        let slot = self.triage_slot.lock().unwrap_or_else(|p| p.into_inner()).clone();
        slot.filter(|s| s.version == version).ok_or_else(|| StoreError::Io("triage model vanished".into()))
    }

    /// Suggests a category and units for a message (`POST /triage/suggest`, the case page).
    pub async fn suggest(&self, actor: &Actor, title: &str, content: &str) -> StoreResult<RoutingSuggestion> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        self.suggestion(title, content).await
    }

    /// What the model would do with a new case, when the office lets it route (the settings'
    /// `triage.auto_route_above`); none when it does not, without consulting the model.
    pub(crate) async fn routing_for(
        &self,
        title: Option<&str>,
        content: &str,
    ) -> StoreResult<Option<(ModelRouting, TriageRules)>> {
        let rules = self.reference().settings().await?.triage;
        if rules.auto_route_above.is_none() {
            return Ok(None);
        }
        let s = self.suggestion(title.unwrap_or_default(), content).await?;
        let routing = ModelRouting {
            version: s.model.version,
            unit: s.units.first().map(|u| (u.unit_id, u.confidence)),
            category: s.category.key,
            confidence: s.category.confidence,
        };
        Ok(Some((routing, rules)))
    }

    async fn suggestion(&self, title: &str, content: &str) -> StoreResult<RoutingSuggestion> {
        let Serving { version, model, routes } = self.model().await?;
        let (title, content) = (title.to_owned(), content.to_owned());
        let suggestion: Suggestion = {
            let model = model.clone();
            tokio::task::spawn_blocking(move || model.suggest(&title, &content))
                .await
                .map_err(|e| StoreError::Io(e.to_string()))?
        };
        let taxonomy = self.taxonomy().await?;
        let named = |key: &str, confidence: f64| SuggestedCategory {
            key: key.to_owned(),
            name: taxonomy.get(key).map_or_else(|| key.to_owned(), |c| c.name.clone()),
            confidence: (confidence * 1000.0).round() / 1000.0,
        };
        let top = named(&suggestion.category, suggestion.confidence);
        let units = self.units_for(&top, routes.as_deref()).await?;
        Ok(RoutingSuggestion {
            alternatives: suggestion.alternatives.iter().map(|a| named(&a.category, a.confidence)).collect(),
            category: top,
            units,
            model: ModelRef { version, trained_on: model.trained_on().examples },
        })
    }

    /// Units cases of the category were assigned to, by share.
    async fn units_for(
        &self,
        category: &SuggestedCategory,
        routes: Option<&Routes>,
    ) -> StoreResult<Vec<SuggestedUnit>> {
        record! {
            struct UnitCount {
                unit_id: UnitId as i64,
                name: String,
                n: i64,
            }
        }
        let key = category.key.clone();
        let rows: Vec<UnitCount> = match routes {
            // Counted with the model: only the units' names and whether they are archived since.
            Some(routes) => {
                let counted = routes.get(&key).cloned().unwrap_or_default();
                if counted.is_empty() {
                    return Ok(Vec::new());
                }
                let ids: Vec<UnitId> = counted.iter().map(|(u, _)| *u).collect();
                let live: Vec<(i64, String)> = self
                    .db
                    .read(move |tx| {
                        Box::pin(async move {
                            let mut q = Q::new("SELECT id, name FROM units WHERE archived_at IS NULL AND ");
                            q.push_in("id", ids);
                            tx.conn().fetch_all(q).await
                        })
                    })
                    .await?;
                let name = |u: UnitId| live.iter().find(|(id, _)| *id == u.0).map(|(_, n)| n.clone());
                counted
                    .into_iter()
                    .filter_map(|(unit_id, n)| Some(UnitCount { unit_id, name: name(unit_id)?, n }))
                    .take(UNITS_SUGGESTED as usize)
                    .collect()
            }
            None => {
                self.db
                    .read(move |tx| {
                        Box::pin(async move {
                            let below = format!("{key}/%");
                            let q = Q::new(
                                "SELECT c.unit_id AS unit_id, u.name AS name, COUNT(*) AS n FROM cases c JOIN units u ON u.id = c.unit_id \
                                 WHERE c.unit_id IS NOT NULL AND u.archived_at IS NULL AND (c.category = $1 OR c.category LIKE $2) \
                                 GROUP BY c.unit_id, u.name ORDER BY n DESC, c.unit_id LIMIT $3",
                            )
                            .bind(key)
                            .bind(below)
                            .bind(UNITS_SUGGESTED);
                            tx.conn().fetch_all(q).await
                        })
                    })
                    .await?
            }
        };
        let total: i64 = rows.iter().map(|r| r.n).sum::<i64>().max(1);
        Ok(rows
            .into_iter()
            .map(|r| SuggestedUnit {
                unit_id: r.unit_id,
                name: r.name,
                confidence: ((category.confidence * r.n as f64 / total as f64) * 1000.0).round() / 1000.0,
            })
            .collect())
    }

    /// Retrains now (`POST /triage/retrain`, an office administrator): refused without a
    /// confirmed example; a failure keeps the previous model.
    pub async fn retrain(&self, actor: &Actor) -> StoreResult<TriageStatus> {
        authorize(actor, Permission::ManageSettings, Party::Office)?;
        self.train_now(true).await?;
        self.status(actor).await
    }

    /// The serving model's version, examples, calibration and held-out figures.
    pub async fn status(&self, actor: &Actor) -> StoreResult<TriageStatus> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let version = self.model().await?.version;
        let (row, now) = self
            .db
            .read(|tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    Ok((latest(&mut c).await?, confirmations(&mut c).await?))
                })
            })
            .await?;
        let row = row.filter(|r| r.version >= version).ok_or_else(|| StoreError::Io("no triage model".into()))?;
        let summary: Summary = serde_json::from_str(&row.summary).map_err(|e| StoreError::Io(e.to_string()))?;
        Ok(TriageStatus {
            version: row.version,
            trained_at: row.trained_at,
            examples: summary.examples,
            taxonomy_rows: summary.taxonomy_rows,
            confirmations_since: (now - row.confirmations).max(0),
            calibrated: summary.calibrated,
            held_out: summary.held_out,
        })
    }

    /// Whether enough was confirmed since the serving model for a refit (the settings' `triage`
    /// rules): the background task's question.
    pub async fn refit_due(&self) -> StoreResult<bool> {
        let now = self.now();
        let rules = self.reference().settings().await?.triage;
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let Some(row) = latest(&mut c).await? else { return Ok(false) };
                    let since = confirmations(&mut c).await? - row.confirmations;
                    let age = now.utc() - row.trained_at.utc();
                    Ok(since >= i64::from(rules.refit_after_confirmations)
                        || (since > 0 && age >= chrono::Duration::minutes(i64::from(rules.refit_after_minutes))))
                })
            })
            .await
    }

    /// Refits in the background every `poll` when [`Self::refit_due`], until `shutdown`. A
    /// failed refit is logged; the previous model keeps serving.
    pub async fn follow_confirmations(
        &self,
        poll: std::time::Duration,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let mut tick = tokio::time::interval(poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => return,
                _ = tick.tick() => {
                    let due = self.refit_due().await;
                    match due {
                        Ok(true) => match self.train_now(true).await {
                            Ok(v) => tracing::info!(version = v, "triage model refitted"),
                            Err(e) => tracing::warn!(error = %e, "triage refit failed; the previous model serves"),
                        },
                        Ok(false) => {}
                        Err(e) => tracing::warn!(error = %e, "triage refit check failed"),
                    }
                }
            }
        }
    }
}

record! {
    struct MessageRow {
        id: i64,
        title: Option<String>,
        content: String,
        received_at: Timestamp as DateTime<Utc>,
        likes: Option<i64>,
        dislikes: Option<i64>,
    }
}

/// Messages a hot-spot window reads at most (the newest).
const HOT_MESSAGES_MAX: i64 = 200_000;

impl Triage<'_> {
    /// The hot spots among the cases `actor` may see received between `from` and `to` (China
    /// dates, both included), hottest first.
    pub async fn hot_spots(
        &self,
        actor: &Actor,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        limit: usize,
    ) -> StoreResult<Vec<rectify_triage::hotspots::HotSpot>> {
        authorize(actor, Permission::ViewStats, Party::Other)?;
        self.mine(Some(actor.clone()), from, to, limit).await
    }

    /// The hot spots of every case received between `from` and `to`, for what the office
    /// publishes (a bulletin: its items are counts and masked subjects, never the messages).
    pub(crate) async fn office_hot_spots(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        limit: usize,
    ) -> StoreResult<Vec<rectify_triage::hotspots::HotSpot>> {
        self.mine(None, from, to, limit).await
    }

    /// Hot spots among the cases `reader` may see (all of them without one).
    async fn mine(
        &self,
        reader: Option<Actor>,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        limit: usize,
    ) -> StoreResult<Vec<rectify_triage::hotspots::HotSpot>> {
        let rows: Vec<MessageRow> = self
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let scope = match &reader {
                        Some(actor) => crate::visibility::cases(&mut c, actor).await?,
                        None => None,
                    };
                    let mut q = Q::new(
                        "SELECT id, title, content, received_at, likes, dislikes FROM cases WHERE received_at >= ",
                    );
                    q.push_bind(rectify_domain::time::start_of_china_day(from));
                    if let Some(end) = to.succ_opt() {
                        q.push(" AND received_at < ").push_bind(rectify_domain::time::start_of_china_day(end));
                    }
                    if let Some(units) = scope {
                        q.push(" AND ");
                        q.push_in("unit_id", units.iter().copied());
                    }
                    q.push(" ORDER BY id DESC LIMIT ").push_bind(HOT_MESSAGES_MAX);
                    c.fetch_all(q).await
                })
            })
            .await?;
        let index = self.search().index();
        let end = rectify_domain::time::start_of_china_day(to.succ_opt().unwrap_or(to)).utc();
        tokio::task::spawn_blocking(move || {
            let own;
            let jieba = match &index {
                Some(i) => i.segmenter(),
                None => {
                    own = rectify_search::dictionary::segmenter(None).map_err(|e| StoreError::Io(e.to_string()))?;
                    &own
                }
            };
            let message = |r: &MessageRow| {
                let title = r.title.clone().unwrap_or_default();
                let text = format!("{title}\n{}", r.content);
                let (places, crowds) =
                    (rectify_search::similar::places(jieba, &text), rectify_search::similar::crowds(&text));
                let count = |n: Option<i64>| n.and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
                rectify_triage::hotspots::Message {
                    id: r.id,
                    title,
                    content: r.content.clone(),
                    at: r.received_at.utc(),
                    likes: count(r.likes),
                    dislikes: count(r.dislikes),
                    places,
                    crowds,
                }
            };
            // Finding the places segments every message: most of the work, shared by the cores.
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            let chunk = rows.len().div_ceil(cores).max(1);
            let messages: Vec<rectify_triage::hotspots::Message> = std::thread::scope(|scope| {
                let parts: Vec<_> = rows
                    .chunks(chunk)
                    .map(|part| scope.spawn(move || part.iter().map(message).collect::<Vec<_>>()))
                    .collect();
                let mut all = Vec::with_capacity(rows.len());
                for part in parts {
                    all.extend(part.join().map_err(|_| StoreError::Io("finding places in messages failed".into()))?);
                }
                Ok::<_, StoreError>(all)
            })?;
            Ok(rectify_triage::hotspots::hot_spots(&messages, end, limit))
        })
        .await
        .map_err(|e| StoreError::Io(e.to_string()))?
    }
}
