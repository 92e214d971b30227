//! Accounts: the office administrator lists them and adds new ones. Passwords are only ever
//! typed in; the page never shows a hash or sends a password back.

use super::{all_units, choices, names_of, unit_options};
use crate::AppState;
use crate::error::ApiError;
use crate::form::FormData;
use crate::pages::{Ctx, FormErrors, PageError, form_values, settle};
use crate::site::Site;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use rectify_domain::actor::{Actor, Role};
use rectify_store::accounts::NewAccount;
use std::collections::{BTreeMap, HashSet};

pub fn site() -> Site {
    Site::new().get("/app/admin/accounts", accounts_page).post("/app/admin/accounts", create_account)
}

async fn accounts_page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let actor = ctx.staff()?;
    accounts_view(&st, &ctx, actor, StatusCode::OK, BTreeMap::new(), None).await
}

async fn accounts_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    status: StatusCode,
    values: BTreeMap<String, String>,
    errors: Option<FormErrors>,
) -> Result<Response, PageError> {
    let accounts = st.store.list_accounts(actor).await?;
    let units = all_units(st, actor, true).await?;
    let names = names_of(&units);
    let unit_options = unit_options(&units, &HashSet::new());
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    let roles = choices(ctx, st, "role", &roles);
    ctx.render_status(
        st,
        status,
        "app/admin/accounts.html",
        context! { accounts, names, unit_options, roles, values, errors },
    )
}

async fn create_account(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Result<Response, PageError> {
    ctx.check_csrf(&form)?;
    let actor = ctx.staff()?;
    let attempt = async {
        let input: NewAccount = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.create_account(actor, input).await?)
    };
    let (st, ctx) = (&st, &ctx);
    settle(
        ctx.lang,
        attempt.await,
        |_| "/app/admin/accounts?done=created".into(),
        |errors| async move {
            let mut values = form_values(&form);
            // A refused form is shown again without the password in the page.
            values.remove("password");
            accounts_view(st, ctx, actor, StatusCode::UNPROCESSABLE_ENTITY, values, Some(errors)).await
        },
    )
    .await
}
