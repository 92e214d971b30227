//! The public service catalog (办事指南): what to bring, where, when, who, how long and how many
//! visits, for every published item, found by its name, number or list (最多跑一次, a life event).
//! No account; the handlers' work phones are public by design, as the printed 一本通 has them.

use super::{Answer, Ctx, path_id};
use crate::AppState;
use axum::extract::{Path, State};
use minijinja::context;
use rectify_domain::actor::Actor;
use rectify_domain::ids::ServiceItemId;
use rectify_domain::service::catalog::ServiceItem;
use rectify_store::PageRequest;
use rectify_store::services::ServiceFilter;
use std::collections::HashMap;

use crate::site::Site;

/// Items on one page of the catalog.
const PAGE: u32 = 50;

pub fn site() -> Site {
    Site::new().get("/services", list).get("/services/{id}", show)
}

/// The names of the units handling `items` (few per page: read one by one, not the whole tree;
/// unit names are public, as the directory shows them).
async fn unit_names<'a>(
    st: &AppState,
    items: impl IntoIterator<Item = &'a ServiceItem>,
) -> Result<HashMap<String, String>, super::PageError> {
    let mut names = HashMap::new();
    for item in items {
        let id = item.fields.unit_id;
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id.to_string()) {
            slot.insert(st.store.directory().get_unit(&Actor::system(), id).await?.name);
        }
    }
    Ok(names)
}

async fn list(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let filter = ServiceFilter {
        q: ctx.query("q").map(str::to_owned),
        list: ctx.query("list").map(str::to_owned).filter(|l| !l.trim().is_empty()),
        ..ServiceFilter::default()
    };
    let page =
        PageRequest::new(Some(i64::from(PAGE)), ctx.query("cursor")).unwrap_or_else(|_| PageRequest::first(PAGE));
    let items = st.store.services().list_items(&Actor::public(), &filter, &page).await?;
    let names = unit_names(&st, &items.items).await?;
    ctx.render(&st, "services.html", context! { items, names, filters => ctx.query_map() })
}

async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let id: ServiceItemId = path_id(&id)?;
    let item = st.store.services().get_item(&Actor::public(), id).await?;
    let names = unit_names(&st, [&item]).await?;
    ctx.render(&st, "service.html", context! { item, names })
}
