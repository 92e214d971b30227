//! Signing in and out with a form. The session is the same as the API's (`POST /session`):
//! a random token in an HttpOnly, SameSite=Strict cookie, stored hashed in the database.

use super::{Answer, Ctx, FormErrors, PageError, see_other};
use crate::AppState;
use crate::form::FormData;
use crate::site::Site;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use minijinja::context;
use std::collections::BTreeMap;

pub fn site() -> Site {
    Site::new().get("/login", login_form).post("/login", login).post("/logout", logout)
}

/// Where to go after signing in: a path on this site, else `/app`.
fn safe_next(next: Option<&str>) -> String {
    next.and_then(same_site_path).unwrap_or_else(|| "/app".to_owned())
}

/// `next` as a path of this site, or `None`. Resolved the way a browser resolves a link —
/// which drops tabs and line breaks and reads `/\` as `//` — so `/\t/evil.example` cannot
/// slip through as a path and then leave the site. What comes back is the parser's own
/// serialization (path and query, percent-encoded), safe in a `Location` header.
fn same_site_path(next: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(next).decode_utf8_lossy();
    let unsafe_text =
        |s: &str| !s.starts_with('/') || s.starts_with("//") || s.starts_with("/\\") || s.chars().any(char::is_control);
    if unsafe_text(next) || unsafe_text(&decoded) {
        return None;
    }
    let base = url::Url::parse("http://rectify.invalid/").ok()?;
    let url = base.join(next).ok()?;
    if url.origin() != base.origin() {
        return None;
    }
    Some(match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    })
}

/// Whether a browser says the form was posted from another site (login CSRF: signing a
/// victim into the attacker's account). No session exists yet to bind a token to, so the
/// browser's own headers decide: `Sec-Fetch-Site` where sent, else `Origin` against `Host`.
/// Clients that send neither are not browsers, and cannot be made to post by another site.
fn cross_site(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (text("origin"), text("host")) {
        (None, _) => false,
        (Some(origin), Some(host)) => {
            url::Url::parse(origin).ok().and_then(|o| Some(format!("{}{}", o.host_str()?, port_suffix(&o))))
                != Some(host.to_ascii_lowercase())
        }
        (Some(_), None) => true,
    }
}

fn port_suffix(u: &url::Url) -> String {
    u.port().map(|p| format!(":{p}")).unwrap_or_default()
}

async fn login_form(State(st): State<AppState>, ctx: Ctx) -> Answer {
    if ctx.actor.is_some() {
        return Ok(see_other(&safe_next(ctx.query("next"))));
    }
    ctx.render(&st, "login.html", context! { next => safe_next(ctx.query("next")) })
}

async fn login(
    State(st): State<AppState>,
    ctx: Ctx,
    crate::extract::ClientIp(ip): crate::extract::ClientIp,
    headers: HeaderMap,
    form: FormData,
) -> Answer {
    if cross_site(&headers) {
        return Err(PageError::Csrf);
    }
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
            let errors = FormErrors { summary: Some(ctx.t(&st, "login.failed")), ..FormErrors::default() };
            let values = BTreeMap::from([("username".to_owned(), username.to_owned())]);
            ctx.render_status(&st, StatusCode::UNAUTHORIZED, "login.html", context! { next, errors, values })
        }
    }
}

async fn logout(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        for (given, want) in [
            ("/app/cases", "/app/cases"),
            ("/app/problems?state=open&unit=3", "/app/problems?state=open&unit=3"),
            ("/app/x y", "/app/x%20y"),
            ("/\t/evil.example", "/app"),
            ("/%09/evil.example", "/app"),
            ("//evil.example", "/app"),
            ("/\\evil.example", "/app"),
            ("/%5Cevil.example", "/app"),
            ("/%2F/evil.example", "/app"),
            ("/app\nSet-Cookie: x=1", "/app"),
            ("/app%0d%0aSet-Cookie:%20x=1", "/app"),
            ("https://evil.example/", "/app"),
            ("javascript:alert(1)", "/app"),
            ("app", "/app"),
            ("", "/app"),
        ] {
            assert_eq!(safe_next(Some(given)), want, "{given:?}");
        }
    }
}
