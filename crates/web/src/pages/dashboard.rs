//! `/app/dashboard`: the figures of a campaign (by default the newest the user's unit takes part
//! in) with charts, each figure and bar a link to the list behind it, and a line saying whose
//! figures they are — the whole district's for the office, the unit's own for a unit's staff —
//! of which campaign, as of when. Figures come from the same store use cases as
//! `/api/v1/stats/*`.

use super::{Answer, Ctx};
use crate::AppState;
use crate::site::Site;
use axum::extract::State;
use minijinja::context;
use rectify_domain::figures::{GroupTally, rank};
use rectify_domain::ids::{CampaignId, UnitId};
use rectify_domain::unit::UnitKind;
use rectify_reports::chart::{self, LightBar, RateBar, WeekCounts};
use rectify_store::PageRequest;
use rectify_store::cases::{CaseFilter, CaseGroupBy};
use rectify_store::problems::ProblemFilter;
use rectify_store::services::{ServiceGroupBy, ServiceStatsFilter};
use rectify_store::stats::GroupBy;

pub fn site() -> Site {
    Site::new().get("/app/dashboard", dashboard)
}

/// Weeks shown on the found/closed line.
const WEEKS: u32 = 12;
/// Units shown per bar chart (the worst first); the full list is one click away.
const BARS: usize = 20;
/// Places of the ranking shown (the bulletins print it whole).
const PLACES: usize = 10;

/// The newest campaign `unit` takes part in (campaigns come newest first).
fn own_campaign(campaigns: &[rectify_domain::campaign::Campaign], unit: Option<UnitId>) -> Option<CampaignId> {
    let unit = unit?;
    campaigns.iter().find(|c| c.unit_ids.contains(&unit)).map(|c| c.id)
}

async fn dashboard(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    let campaigns = st.store.campaigns().list_campaigns(actor, false, &PageRequest::first(100)).await?;
    // `?campaign=` picks one, `?campaign=all` the whole ledger; the newest campaign otherwise.
    // A unit's staff see their unit's own figures (not the published problems of others the
    // ledger also shows them), of the newest campaign their unit takes part in.
    let own = super::todo::own_units(actor);
    let chosen: Option<CampaignId> = match ctx.query("campaign") {
        Some("all") => None,
        Some(id) => id.parse().ok(),
        None => own_campaign(&campaigns.items, actor.unit_id).or_else(|| campaigns.items.first().map(|c| c.id)),
    };
    let filter = ProblemFilter {
        campaign: chosen,
        unit: own.map(|(u, _)| u),
        include_sub_units: own.is_some_and(|(_, below)| below),
        ..ProblemFilter::default()
    };
    let stats = st.store.ledger().problem_stats(actor, GroupBy::Unit, &filter, false, None).await?;
    let cases = st.store.cases().case_stats(actor, CaseGroupBy::Unit, &CaseFilter::default()).await?;
    let services =
        st.store.services().service_stats(actor, ServiceGroupBy::Unit, &ServiceStatsFilter::default()).await?;
    let campaign_name = chosen.and_then(|c| campaigns.items.iter().find(|x| x.id == c)).map(|c| c.name.clone());
    let unit_name = match own {
        Some((u, _)) => st.store.portal().unit_names().await?.into_iter().find(|(id, _)| *id == u).map(|(_, n)| n),
        None => None,
    };
    let scope = context! {
        office => own.is_none(),
        unit => unit_name,
        below => own.is_some_and(|(_, below)| below),
        campaign => campaign_name,
        as_of => stats.as_of,
    };
    let weeks = st.store.ledger().problem_weeks(actor, &filter, WEEKS).await?;
    // The bulletins' ranking, over the same counts as the figures above.
    let min_items = st.store.reference().settings().await?.ranking_min_items;
    let groups = stats.groups.iter().map(|g| GroupTally {
        key: g.key.clone().unwrap_or_default(),
        name: g.name.clone(),
        tally: g.counts,
    });
    let mut ranking = rank(groups.collect(), min_items);
    let ranked_units = ranking.ranked.len();
    ranking.ranked.truncate(PLACES);

    // The ledger list behind a figure: the campaign and units chosen here plus `extra` conditions.
    let campaign = chosen
        .map(|c| format!("campaign={c}"))
        .into_iter()
        .chain(
            own.map(|(u, below)| if below { format!("unit={u}&include_sub_units=true") } else { format!("unit={u}") }),
        )
        .reduce(|a, b| format!("{a}&{b}"));
    let link = |extra: &str| {
        let query: Vec<&str> = campaign.iter().map(String::as_str).chain([extra]).filter(|q| !q.is_empty()).collect();
        if query.is_empty() { "/app/problems".to_owned() } else { format!("/app/problems?{}", query.join("&")) }
    };

    // The charts compare units: a district's or an office's own items (often the leadership's
    // and the campaign's own) are counted in the figures above, not drawn beside its units.
    let charted: std::collections::HashSet<String> = super::picker::every_unit(&st)
        .await?
        .iter()
        .filter(|u| !matches!(u.kind, UnitKind::District | UnitKind::Office))
        .map(|u| u.id.to_string())
        .collect();
    let units_only: Vec<_> =
        stats.groups.iter().filter(|g| g.key.as_ref().is_some_and(|k| charted.contains(k))).cloned().collect();
    let mut by_rate = units_only.clone();
    by_rate.sort_by(|a, b| a.rates.rate.total_cmp(&b.rates.rate).then(b.counts.total.cmp(&a.counts.total)));
    let rate_rows: Vec<RateBar> = by_rate
        .iter()
        .take(BARS)
        .map(|g| RateBar {
            label: g.name.clone(),
            value: g.rates.rate,
            text: format!("{:.1}% ({}/{})", g.rates.rate * 100.0, g.counts.closed, g.counts.total),
            href: link(&format!("unit={}", g.key.clone().unwrap_or_default())),
        })
        .collect();
    let mut by_red = units_only;
    by_red.sort_by_key(|g| std::cmp::Reverse((g.counts.red, g.counts.yellow)));
    let light_rows: Vec<LightBar> = by_red
        .iter()
        .filter(|g| g.counts.total > 0)
        .take(BARS)
        .map(|g| {
            let unit = g.key.clone().unwrap_or_default();
            LightBar {
                label: g.name.clone(),
                red: g.counts.red,
                yellow: g.counts.yellow,
                green: g.counts.green,
                hrefs: ["red", "yellow", "green"].map(|l| link(&format!("unit={unit}&light={l}"))),
            }
        })
        .collect();
    let week_rows: Vec<WeekCounts> = weeks
        .iter()
        .map(|w| WeekCounts {
            label: match ctx.lang {
                crate::i18n::Lang::Zh => w.week_start.format("%-m月%-d日").to_string(),
                crate::i18n::Lang::En => w.week_start.format("%-d %b").to_string(),
            },
            found: w.found,
            closed: w.closed,
        })
        .collect();
    let charts = context! {
        rates => chart::rate_bars(&ctx.t(&st, "dash.chart_rates"), &ctx.t(&st, "dash.chart_rates_desc"), &rate_rows),
        lights => chart::light_bars(&ctx.t(&st, "dash.chart_lights"), &ctx.t(&st, "dash.chart_lights_desc"), &light_rows),
        weeks => chart::week_lines(&ctx.t(&st, "dash.chart_weeks"), &ctx.t(&st, "dash.chart_weeks_desc"), &week_rows),
    };
    let links = context! {
        all => link(""),
        closed => link("state=closed"),
        red => link("light=red"),
        yellow => link("light=yellow"),
        green => link("light=green"),
    };
    ctx.render(
        &st,
        "app/dashboard.html",
        context! {
            campaigns => campaigns.items,
            chosen => chosen.map(|c| c.to_string()).unwrap_or_else(|| "all".into()),
            stats, cases, services, charts, links, ranking, ranked_units, scope,
            units_shown => BARS,
        },
    )
}
