//! Maps: the tile server an administrator configures (setting `map_tiles`), the points a page
//! shows, and the page's Content-Security-Policy widened to that server's images. A page with no
//! tile server configured renders no map at all, only the address text; the map itself is drawn
//! by the vendored Leaflet (`/static/vendor/leaflet/`) and `static/map.js` from `data-` attributes
//! and a JSON data block, so no inline script is needed.

use super::{Answer, Ctx, PageError};
use crate::AppState;
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use minijinja::context;
use rectify_domain::case::Case;
use rectify_domain::ids::CaseId;
use rectify_store::settings::MapTiles;
use serde::Serialize;

pub fn site() -> Site {
    Site::new().get("/app/map", workbench).get("/static/vendor/{lib}/{*file}", vendor)
}

/// The libraries vendored by `scripts/vendor-assets.sh` that pages load.
const LIBRARIES: [&str; 2] = ["leaflet", "leaflet.markercluster"];

async fn vendor(Path((lib, file)): Path<(String, String)>) -> Response {
    // Only names from the embedded folder resolve; no path is built from user input beyond
    // a library on the list.
    if !LIBRARIES.contains(&lib.as_str()) || file.contains("..") {
        return axum::response::IntoResponse::into_response(crate::error::ApiError::NotFound);
    }
    crate::asset(&format!("vendor/{lib}/{file}"), crate::STRICT_CSP)
}

/// One marker: where, what it says, and the page it links to.
#[derive(Debug, Serialize)]
pub(crate) struct Point {
    pub lat: f64,
    pub lng: f64,
    pub label: String,
    pub href: String,
}

/// A map as a template draws it (`macros.html`, `m.map`).
#[derive(Debug, Serialize)]
pub(crate) struct MapView {
    /// `show` (markers, clustered) or `pick` (the submit form: one pin, moved by a click).
    pub mode: &'static str,
    pub url: String,
    pub subdomains: String,
    pub attribution: String,
    pub center: String,
    pub zoom: u8,
    pub max_zoom: u8,
    pub points: Vec<Point>,
    /// The points as the page's JSON data block: `<`, `>` and `&` escaped so that no text in
    /// them can end the block.
    pub points_json: String,
}

/// The tile server, if one is configured.
pub(crate) async fn tiles(st: &AppState) -> Result<Option<MapTiles>, PageError> {
    Ok(st.store.reference().settings().await?.map_tiles)
}

impl MapView {
    pub(crate) fn new(tiles: &MapTiles, mode: &'static str, points: Vec<Point>) -> MapView {
        MapView {
            mode,
            url: tiles.template(),
            subdomains: tiles.subdomains.join(","),
            attribution: tiles.attribution.clone(),
            center: format!("{},{}", tiles.center[0], tiles.center[1]),
            zoom: tiles.zoom,
            max_zoom: tiles.max_zoom,
            points_json: serde_json::to_string(&points)
                .unwrap_or_else(|_| "[]".into())
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026"),
            points,
        }
    }
}

/// The page's policy with the tile server's origins allowed for images (and nothing else).
pub(crate) fn allow_tiles(mut resp: Response, tiles: Option<&MapTiles>) -> Response {
    let Some(tiles) = tiles else { return resp };
    let origins = tiles.origins().join(" ");
    let policy = crate::STRICT_CSP.replace("img-src 'self' data:", &format!("img-src 'self' data: {origins}"));
    if let Ok(v) = HeaderValue::from_str(&policy) {
        resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp
}

/// Renders a page that may carry a map: the policy follows the tile server.
pub(crate) fn render_with_map(
    ctx: &Ctx,
    st: &AppState,
    template: &str,
    page: minijinja::Value,
    tiles: Option<&MapTiles>,
) -> Answer {
    Ok(allow_tiles(ctx.render(st, template, page)?, tiles))
}

/// A case's marker, for staff.
pub(crate) fn case_point(case: &Case, label: String) -> Option<Point> {
    Some(Point { lat: case.latitude?, lng: case.longitude?, label, href: format!("/app/cases/{}", case.id) })
}

/// A case's marker text: its subject, or "诉求件 #12".
pub(crate) fn case_label(st: &AppState, ctx: &Ctx, id: CaseId, title: Option<&str>) -> String {
    title.map(str::to_owned).unwrap_or_else(|| st.view.catalog.text("map.case", ctx.lang, &[("id", id.to_string())]))
}

/// Cases a workbench map shows at most (the newest); the page says when there are more.
const WORKBENCH_CASES: u32 = 5000;

/// The workbench map: the open cases the user handles that carry a position.
async fn workbench(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    let tiles = tiles(&st).await?;
    let mut points = Vec::new();
    let mut without = 0u64;
    if tiles.is_some() {
        let (found, no_position) = st.store.cases().open_case_points(actor, WORKBENCH_CASES).await?;
        without = no_position;
        points = found
            .into_iter()
            .map(|p| Point {
                lat: p.latitude,
                lng: p.longitude,
                label: case_label(&st, &ctx, p.id, p.title.as_deref()),
                href: format!("/app/cases/{}", p.id),
            })
            .collect();
    }
    let capped = points.len() == WORKBENCH_CASES as usize;
    let map = tiles.as_ref().map(|t| MapView::new(t, "show", points));
    render_with_map(
        &ctx,
        &st,
        "app/map.html",
        context! { map, without, capped, cap => WORKBENCH_CASES },
        tiles.as_ref(),
    )
}
