//! The office's settings: when a deadline turns yellow, the reply deadlines by case type, how
//! soon the office accepts a case, the bulletins' issuer and ranking minimum, the complaint
//! phone at the foot of a 便民服务一本通, the map's tile server, and whether the classification model routes new cases. Everyone with a directory view reads them; administrators change them through the
//! same use case as `PUT /api/v1/settings`. The proposing rules and the points scheme are tables
//! of their own, changed through the API.

use crate::AppState;
use crate::error::ApiError;
use crate::form::{FormData, decode_value};
use crate::pages::{Answer, Ctx, Shown, settle};
use crate::site::Site;
use axum::extract::State;
use minijinja::context;
use rectify_store::settings::{Settings, SettingsInput};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub fn site() -> Site {
    Site::new().get("/app/admin/settings", settings_page).post("/app/admin/settings", save)
}

/// The reply deadlines' case types, in the form's order.
const CASE_TYPES: [&str; 6] = ["consult", "help", "complaint", "report", "suggestion", "praise"];

async fn settings_page(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    let settings = st.store.reference().view_settings(actor).await?;
    settings_view(&st, &ctx, Shown::filled(form_values(&settings)))
}

/// The form with `shown`'s values: the saved settings when first opened, what was typed after a
/// refusal.
fn settings_view(st: &AppState, ctx: &Ctx, shown: Shown) -> Answer {
    let Shown { status, values, errors } = shown;
    ctx.render_status(st, status, "app/admin/settings.html", context! { values, errors, case_types => CASE_TYPES })
}

/// The settings as the form's fields.
fn form_values(s: &Settings) -> BTreeMap<String, String> {
    let mut v = BTreeMap::from([
        ("yellow_working_days".to_owned(), s.yellow_working_days.to_string()),
        ("accept_within_working_days".to_owned(), s.accept_within_working_days.to_string()),
        ("ranking_min_items".to_owned(), s.ranking_min_items.to_string()),
        ("office_name".to_owned(), s.office_name.clone()),
        ("complaint_phone".to_owned(), s.complaint_phone.clone().unwrap_or_default()),
        ("triage.auto_route_above".to_owned(), s.triage.auto_route_above.map(|t| t.to_string()).unwrap_or_default()),
        ("triage.refit_after_confirmations".to_owned(), s.triage.refit_after_confirmations.to_string()),
        ("triage.refit_after_minutes".to_owned(), s.triage.refit_after_minutes.to_string()),
    ]);
    let due = serde_json::to_value(s.case_due).unwrap_or_default();
    for t in CASE_TYPES {
        v.insert(format!("case_due.{t}"), due[t].to_string());
    }
    if let Some(m) = &s.map_tiles {
        v.extend([
            ("map_tiles.url".to_owned(), m.url.clone()),
            ("map_tiles.subdomains".to_owned(), m.subdomains.join(",")),
            ("map_tiles.key".to_owned(), m.key.clone()),
            ("map_tiles.attribution".to_owned(), m.attribution.clone()),
            ("map_tiles.latitude".to_owned(), m.center[0].to_string()),
            ("map_tiles.longitude".to_owned(), m.center[1].to_string()),
            ("map_tiles.zoom".to_owned(), m.zoom.to_string()),
            ("map_tiles.max_zoom".to_owned(), m.max_zoom.to_string()),
        ]);
    }
    v
}

/// A number typed in a field, as JSON (text that is no number is passed on for the decoder to
/// name the field).
fn number(text: &str) -> Value {
    text.parse::<i64>()
        .map(Value::from)
        .or_else(|_| text.parse::<f64>().map(Value::from))
        .unwrap_or_else(|_| Value::from(text))
}

/// The form as the API's body: the scalars, the six reply deadlines, and the tile server (an
/// empty address removes it).
fn input_of(form: &FormData) -> Result<SettingsInput, ApiError> {
    let mut body = Map::new();
    for f in ["yellow_working_days", "accept_within_working_days", "ranking_min_items"] {
        if let Some(v) = form.get(f) {
            body.insert(f.into(), number(v));
        }
    }
    if let Some(name) = form.get("office_name") {
        body.insert("office_name".into(), name.into());
    }
    // A blank phone removes it (the foot of a handbook then names the office alone).
    if let Some((_, phone)) = form.fields.iter().find(|(k, _)| k == "complaint_phone") {
        body.insert("complaint_phone".into(), phone.trim().into());
    }
    let due: Map<String, Value> =
        CASE_TYPES.iter().filter_map(|t| Some((t.to_string(), number(form.get(&format!("case_due.{t}"))?)))).collect();
    if due.len() == CASE_TYPES.len() {
        body.insert("case_due".into(), Value::Object(due));
    }
    let tile = |f: &str| form.get(&format!("map_tiles.{f}"));
    let url = tile("url").unwrap_or_default();
    let mut tiles = json!({
        "url": url,
        "subdomains": tile("subdomains").map(|s| s.split([',', '，', ' ']).filter(|x| !x.is_empty()).collect::<Vec<_>>()).unwrap_or_default(),
        "key": tile("key").unwrap_or_default(),
        "attribution": tile("attribution").unwrap_or_default(),
    });
    if let (Some(lat), Some(lon)) = (tile("latitude"), tile("longitude")) {
        tiles["center"] = json!([number(lat), number(lon)]);
    }
    for f in ["zoom", "max_zoom"] {
        if let Some(v) = tile(f) {
            tiles[f] = number(v);
        }
    }
    body.insert("map_tiles".into(), tiles);
    // An empty threshold: a person routes every case.
    let triage = |f: &str| form.get(&format!("triage.{f}"));
    if let (Some(confirmations), Some(minutes)) = (triage("refit_after_confirmations"), triage("refit_after_minutes")) {
        let above = triage("auto_route_above").map(str::trim).filter(|t| !t.is_empty()).map(number);
        body.insert(
            "triage".into(),
            json!({"auto_route_above": above, "refit_after_confirmations": number(confirmations), "refit_after_minutes": number(minutes)}),
        );
    }
    decode_value(&Value::Object(body))
}

async fn save(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async { Ok::<_, ApiError>(st.store.reference().update_settings(actor, input_of(&form)?).await?) };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(
        ctx.lang,
        attempt.await,
        |_| "/app/admin/settings?done=saved".to_owned(),
        |errors| async move { settings_view(st, ctx, Shown::again(form, errors)) },
    )
    .await
}
