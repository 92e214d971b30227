//! The one search box: `/app/search` in the staff header and `/search` on the portal. A tracking
//! code (with or without its dash) or a case number opens that case straight away, if the user
//! may see it; any other text is searched in the index (`GET /api/v1/search`'s use case): hits
//! with their matching passage, and facets to narrow them, all from what the reader may open.

use super::{Answer, Ctx, FormErrors, see_other};
use crate::AppState;
use crate::error::ApiError;
use crate::site::Site;
use axum::extract::State;
use minijinja::context;
use rectify_domain::actor::Actor;
use rectify_domain::ids::CaseId;
use rectify_domain::search::SearchKind;
use rectify_search::{Answer as Found, Bucket, Hit};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

pub fn site() -> Site {
    Site::new().get("/app/search", staff).get("/search", public)
}

/// Hits on one page.
const PAGE: usize = 20;

/// Who reads the results: where a hit leads, and what the page says of its scope.
#[derive(Clone, Copy, PartialEq)]
enum Reader {
    Staff,
    Public,
}

impl Reader {
    fn base(self) -> &'static str {
        match self {
            Reader::Staff => "/app/search",
            Reader::Public => "/search",
        }
    }

    /// What the search covers, said on the page.
    fn scope_hint(self) -> &'static str {
        match self {
            Reader::Staff => "search.scope_staff",
            Reader::Public => "search.scope_public",
        }
    }

    fn href(self, kind: SearchKind, id: i64) -> String {
        match (self, kind) {
            (Reader::Staff, SearchKind::Case) => format!("/app/cases/{id}"),
            (Reader::Staff, SearchKind::Problem) => format!("/app/problems/{id}"),
            (Reader::Staff, SearchKind::Bulletin) => format!("/app/bulletins/{id}"),
            // The public never finds a case; its page is the tracking page, by code and phone.
            (Reader::Public, SearchKind::Case) => "/track".to_owned(),
            (Reader::Public, SearchKind::Problem) => format!("/board/{id}"),
            (Reader::Public, SearchKind::Bulletin) => format!("/bulletins/{id}"),
        }
    }
}

async fn staff(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    if let Some(q) = ctx.query("q") {
        if let Some(id) = st.store.cases().find_by_tracking_code(actor, q).await? {
            return Ok(see_other(&format!("/app/cases/{id}")));
        }
        // A case number, as lists show it (`#12` or `12`).
        if let Ok(id) = q.trim_start_matches(['#', '＃']).parse::<CaseId>()
            && st.store.cases().get_case(actor, id).await.is_ok()
        {
            return Ok(see_other(&format!("/app/cases/{id}")));
        }
    }
    results(&st, &ctx, actor, Reader::Staff, "app/search.html").await
}

async fn public(State(st): State<AppState>, ctx: Ctx) -> Answer {
    results(&st, &ctx, &Actor::public(), Reader::Public, "search.html").await
}

async fn results(st: &AppState, ctx: &Ctx, actor: &Actor, reader: Reader, template: &str) -> Answer {
    let filters = ctx.query_map();
    let Some(q) = ctx.query("q") else {
        return ctx.render(
            st,
            template,
            context! { filters, searched => false, base => reader.base(), scope_hint => reader.scope_hint() },
        );
    };
    let mut p = ctx.params();
    let _ = p.string("done");
    let mut request = crate::routes::search::read_request(&mut p);
    request.limit = PAGE;
    let found = match p.finish() {
        Ok(()) => st.store.search().search(actor, request).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    let (found, errors) = match found {
        Ok(found) => (found, FormErrors::default()),
        Err(e) => (Found::default(), FormErrors::from_error(e, ctx.lang)?),
    };
    let units = super::portal::unit_names(st).await?;
    let view = View { st, ctx, reader, units: &units, filters: &filters };
    let hits: Vec<HitView> = found.hits.iter().map(|h| view.hit(h)).collect();
    let facets = view.facets(&found);
    // The lists hold more than a page of hits, with their own filters and exports.
    let encoded = serde_urlencoded::to_string([("q", q)]).unwrap_or_default();
    ctx.render(
        st,
        template,
        context! {
            q, filters, hits, facets, errors, searched => true,
            base => reader.base(),
            scope_hint => reader.scope_hint(),
            total => found.total,
            next_cursor => found.next_cursor,
            cases_href => format!("/app/cases?box=all&{encoded}"),
            problems_href => format!("/app/problems?{encoded}"),
        },
    )
}

#[derive(Serialize)]
struct HitView {
    kind: SearchKind,
    id: i64,
    kind_label: String,
    href: String,
    title: String,
    /// Escaped by the index, with `<mark>` around the words found.
    snippet: String,
    unit: Option<String>,
    state: String,
    date: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize)]
struct FacetView {
    name: &'static str,
    label: String,
    buckets: Vec<BucketView>,
}

#[derive(Serialize)]
struct BucketView {
    value: String,
    label: String,
    count: u64,
    /// This page narrowed to the bucket, or widened again when it is the one chosen.
    href: String,
    chosen: bool,
}

struct View<'a> {
    st: &'a AppState,
    ctx: &'a Ctx,
    reader: Reader,
    units: &'a HashMap<String, String>,
    filters: &'a BTreeMap<String, String>,
}

impl View<'_> {
    fn t(&self, key: &str) -> String {
        self.ctx.t(self.st, key)
    }

    /// A state's words: states are named per kind (a case's 已办结, a problem's 已销号).
    fn state_label(&self, kind: SearchKind, state: &str) -> String {
        let prefix = match kind {
            SearchKind::Case => "case_state.",
            SearchKind::Problem => "problem_state.",
            SearchKind::Bulletin => "bulletin.status.",
        };
        self.t(&format!("{prefix}{state}"))
    }

    fn hit(&self, h: &Hit) -> HitView {
        HitView {
            kind: h.kind,
            id: h.id,
            kind_label: self.t(&format!("search_kind.{}", h.kind.as_str())),
            href: self.reader.href(h.kind, h.id),
            title: h.title.clone(),
            snippet: h.snippet.clone(),
            unit: h.unit.and_then(|u| self.units.get(&u.to_string()).cloned()),
            state: self.state_label(h.kind, &h.state),
            date: h.date,
        }
    }

    fn facets(&self, found: &Found) -> Vec<FacetView> {
        let f = &found.facets;
        let chosen_kind = self.filters.get("kind").and_then(|k| SearchKind::parse(k));
        let mut out = vec![
            self.facet("kind", &f.kind, |v| self.t(&format!("search_kind.{v}"))),
            self.facet("unit", &f.unit, |v| self.units.get(v).cloned().unwrap_or_else(|| v.to_owned())),
        ];
        // States are a kind's own: offered once a kind is chosen.
        if let Some(kind) = chosen_kind {
            out.push(self.facet("state", &f.state, |v| self.state_label(kind, v)));
        }
        out.push(self.facet("month", &f.month, |v| self.month(v)));
        out.retain(|f| !f.buckets.is_empty());
        out
    }

    fn facet(&self, name: &'static str, buckets: &[Bucket], label: impl Fn(&str) -> String) -> FacetView {
        let buckets = buckets
            .iter()
            .map(|b| {
                let chosen = self.chosen(name, &b.value);
                BucketView {
                    value: b.value.clone(),
                    label: label(&b.value),
                    count: b.count,
                    href: self.narrowed(name, &b.value, chosen),
                    chosen,
                }
            })
            .collect();
        FacetView { name, label: self.t(&format!("search.facet.{name}")), buckets }
    }

    fn chosen(&self, name: &str, value: &str) -> bool {
        match name {
            // A month facet is chosen as the range of its days.
            "month" => self.filters.get("from").is_some_and(|f| f.starts_with(value)),
            _ => self.filters.get(name).is_some_and(|v| v == value),
        }
    }

    /// `YYYY-MM` in the page's words.
    fn month(&self, value: &str) -> String {
        let (year, month) = value.split_once('-').unwrap_or((value, ""));
        let month = month.trim_start_matches('0');
        self.st.view.catalog.text(
            "search.month",
            self.ctx.lang,
            &[("year", year.to_owned()), ("month", month.to_owned())],
        )
    }

    /// This search with `name` set to `value` (or dropped when `chosen`), from the first page.
    fn narrowed(&self, name: &str, value: &str, chosen: bool) -> String {
        let mut f = self.filters.clone();
        f.remove("cursor");
        f.remove("done");
        let month = month_range(value);
        match (name, chosen, month) {
            ("month", true, _) => {
                f.remove("from");
                f.remove("to");
            }
            ("month", false, Some((from, to))) => {
                f.insert("from".into(), from);
                f.insert("to".into(), to);
            }
            (_, true, _) => {
                f.remove(name);
            }
            _ => {
                f.insert(name.into(), value.into());
            }
        }
        // A state belongs to its kind: changing the kind drops it.
        if name == "kind" {
            f.remove("state");
        }
        format!("{}?{}", self.reader.base(), serde_urlencoded::to_string(&f).unwrap_or_default())
    }
}

/// The first and last day of a `YYYY-MM` month.
fn month_range(value: &str) -> Option<(String, String)> {
    let first = chrono::NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d").ok()?;
    let last = first.checked_add_months(chrono::Months::new(1))?.pred_opt()?;
    Some((first.to_string(), last.to_string()))
}

#[cfg(test)]
mod tests {
    use super::month_range;

    #[test]
    fn a_month_is_its_first_and_last_day() {
        assert_eq!(month_range("2026-02"), Some(("2026-02-01".into(), "2026-02-28".into())));
        assert_eq!(month_range("2026-12"), Some(("2026-12-01".into(), "2026-12-31".into())));
        assert_eq!(month_range("x"), None);
    }
}
