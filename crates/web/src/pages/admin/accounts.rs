//! Accounts: the office administrator lists them and adds new ones, and manages API tokens for
//! integrations (a new token's secret is shown once, on the answer that created it). Passwords
//! are only ever typed in; the page never shows a hash or sends a password back.

use super::{all_units, choices, names_of, unit_options};
use crate::AppState;
use crate::error::ApiError;
use crate::form::FormData;
use crate::pages::{Answer, Ctx, FormErrors, form_values, path_id, see_other, settle};
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minijinja::context;
use rectify_domain::actor::{Actor, Party, Permission, Role, authorize};
use rectify_domain::ids::TokenId;
use rectify_store::accounts::{CreatedToken, NewAccount, NewToken};
use std::collections::{BTreeMap, HashSet};

pub fn site() -> Site {
    Site::new()
        .get("/app/admin/accounts", accounts_page)
        .post("/app/admin/accounts", create_account)
        .post("/app/admin/tokens", create_token)
        .post("/app/admin/tokens/{id}/revoke", revoke_token)
}

/// What the page shows besides the lists: a refused form again, or a token just made.
#[derive(Default)]
struct Showing {
    values: BTreeMap<String, String>,
    errors: Option<FormErrors>,
    token_values: BTreeMap<String, String>,
    token_errors: Option<FormErrors>,
    created: Option<CreatedToken>,
}

async fn accounts_page(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    accounts_view(&st, &ctx, actor, StatusCode::OK, Showing::default()).await
}

async fn accounts_view(st: &AppState, ctx: &Ctx, actor: &Actor, status: StatusCode, shown: Showing) -> Answer {
    let Showing { values, errors, token_values, token_errors, created } = shown;
    let accounts = st.store.accounts().list_accounts(actor).await?;
    let tokens = match authorize(actor, Permission::ManageAccounts, Party::Office) {
        Ok(()) => Some(st.store.accounts().list_tokens(actor).await?),
        Err(_) => None,
    };
    let units = all_units(st, actor, true).await?;
    let names = names_of(&units);
    let unit_options = unit_options(&units, &HashSet::new());
    let roles = choices(ctx, st, &Role::ACCOUNT_ROLES);
    ctx.render_status(
        st,
        status,
        "app/admin/accounts.html",
        context! { accounts, tokens, created, token_values, token_errors, names, unit_options, roles, values, errors },
    )
}

async fn create_account(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewAccount = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.accounts().create_account(actor, input).await?)
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
            let shown = Showing { values, errors: Some(errors), ..Showing::default() };
            accounts_view(st, ctx, actor, StatusCode::UNPROCESSABLE_ENTITY, shown).await
        },
    )
    .await
}

/// A new token: the page answers with its secret, shown this once (never in a redirect or URL).
async fn create_token(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewToken = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.accounts().create_token(actor, input).await?)
    };
    let shown = match attempt.await {
        Ok(token) => (StatusCode::OK, Showing { created: Some(token), ..Showing::default() }),
        Err(e) => {
            let errors = FormErrors::from_error(e, ctx.lang)?;
            let shown = Showing { token_values: form_values(&form), token_errors: Some(errors), ..Showing::default() };
            (StatusCode::UNPROCESSABLE_ENTITY, shown)
        }
    };
    accounts_view(&st, &ctx, actor, shown.0, shown.1).await
}

/// Revokes a token: refused from the next request on.
async fn revoke_token(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: TokenId = path_id(&id)?;
    st.store.accounts().revoke_token(actor, id).await?;
    Ok(see_other("/app/admin/accounts?done=revoked"))
}
