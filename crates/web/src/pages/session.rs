//! Signing in and out with a form. The session is the same as the API's (`POST /session`):
//! a random token in an HttpOnly, SameSite=Strict cookie, stored hashed in the database.

use super::{Ctx, FormErrors, PageError, see_other};
use crate::AppState;
use crate::form::FormData;
use crate::site::Site;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::Response;
use minijinja::context;
use std::collections::BTreeMap;

pub fn site() -> Site {
    Site::new().get("/login", login_form).post("/login", login).post("/logout", logout)
}

/// Where to go after signing in: only a path on this site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/app".to_owned(),
    }
}

async fn login_form(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    if ctx.actor.is_some() {
        return Ok(see_other(&safe_next(ctx.query("next"))));
    }
    ctx.render(&st, "login.html", context! { next => safe_next(ctx.query("next")) })
}

async fn login(
    State(st): State<AppState>,
    ctx: Ctx,
    crate::extract::ClientIp(ip): crate::extract::ClientIp,
    form: FormData,
) -> Result<Response, PageError> {
    let next = safe_next(form.get("next"));
    let (username, password) = (form.get("username").unwrap_or_default(), form.get("password").unwrap_or_default());
    match st.store.accounts().login(username, password, Some(ip)).await? {
        Some(session) => {
            let mut resp = see_other(&next);
            let cookie = crate::routes::session_cookie(&session.token, st.config.secure_cookies);
            resp.headers_mut().insert(header::SET_COOKIE, cookie);
            Ok(resp)
        }
        None => {
            let errors = FormErrors { summary: Some(ctx.t(&st, "login.failed")), fields: BTreeMap::new() };
            let values = BTreeMap::from([("username".to_owned(), username.to_owned())]);
            ctx.render_status(&st, StatusCode::UNAUTHORIZED, "login.html", context! { next, errors, values })
        }
    }
}

async fn logout(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Result<Response, PageError> {
    if let Some(token) = ctx.session_token() {
        ctx.check_csrf(&form)?;
        // "Sign out everywhere": every session of the account, on every device and instance.
        if form.get("everywhere") == Some("true") {
            st.store.accounts().logout_everywhere(token).await?;
        } else {
            st.store.accounts().logout(token).await?;
        }
    }
    let mut resp = see_other("/");
    resp.headers_mut().insert(header::SET_COOKIE, crate::routes::session_cookie("", st.config.secure_cookies));
    Ok(resp)
}
