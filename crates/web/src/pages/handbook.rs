//! The printable 便民服务一本通 of an area (`/services/handbook`), for anyone, no account:
//! without parameters, the areas that have published services, each with its downloads; with
//! `unit`, what that area's handbook holds (its stations and their items) and the two downloads;
//! with `unit` and `format=pdf|docx`, the document itself. A bad parameter, or a unit that is
//! unknown or archived, is the site's error page naming the field (422).

use super::{Answer, Ctx};
use crate::AppState;
use crate::error::ApiError;
use crate::routes::download;
use crate::site::Site;
use axum::extract::State;
use minijinja::context;
use rectify_app::documents::{self, DocFormat};
use rectify_domain::ids::UnitId;
use rectify_domain::{DomainError, Issue};

pub fn site() -> Site {
    Site::new().get("/services/handbook", handbook)
}

async fn handbook(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let mut p = ctx.params();
    let unit: Option<UnitId> = p.id("unit");
    let format = DocFormat::read(&mut p);
    p.finish()?;
    if unit.is_none() && format.is_some() {
        // A download of no area: say that the area is missing rather than list them.
        return Err(ApiError::from(DomainError::field("unit", Issue::Required)).into());
    }
    let Some(unit) = unit else {
        let areas = st.store.services().handbook_areas().await?;
        return ctx.render(&st, "handbook.html", context! { areas });
    };
    let handbook = st.store.services().handbook(unit).await?;
    match format {
        Some(format) => Ok(download(documents::handbook(handbook, format).await.map_err(ApiError::from)?)),
        None => {
            let (items, footer) = (handbook.item_count(), handbook.footer());
            ctx.render(&st, "handbook.html", context! { handbook, items, footer })
        }
    }
}
