//! `/app/points`: every staff member's points in a year, and the form to deduct.

use super::{decides, pickers};
use crate::AppState;
use crate::error::ApiError;
use crate::form::FormData;
use crate::pages::{Answer, Ctx, Shown, settle};
use crate::routes::accountability::year;
use crate::site::Site;
use axum::extract::State;
use minijinja::context;
use rectify_domain::accountability::NewDeduction;
use rectify_domain::ids::UnitId;

pub fn site() -> Site {
    Site::new().get("/app/points", table).post("/app/points", deduct)
}

async fn table(State(st): State<AppState>, ctx: Ctx) -> Answer {
    view(&st, &ctx, Shown::fresh()).await
}

async fn view(st: &AppState, ctx: &Ctx, shown: Shown) -> Answer {
    let Shown { status, values, errors } = shown;
    let actor = ctx.staff()?;
    let year = year(&mut ctx.params(), st);
    let unit = ctx.query("unit").and_then(|u| u.parse::<UnitId>().ok());
    let lines = st.store.accountability().points_table(actor, year, unit).await?;
    let scheme = st.store.reference().settings().await?.points;
    let (unit_options, people) = pickers(st, actor).await?;
    // The scheme's types are configurable: one without a catalog text shows by its name.
    let deduction_kinds: Vec<[String; 2]> = scheme
        .deductions
        .iter()
        .map(|(k, cost)| {
            let label = st.view.catalog.get(&format!("points.kind.{k}"), ctx.lang).unwrap_or(k);
            [k.clone(), format!("{label} (−{cost})")]
        })
        .collect();
    ctx.render_status(
        st,
        status,
        "app/points.html",
        context! {
            lines, year, scheme, deduction_kinds, unit_options, people, values, errors,
            decides => decides(ctx), filters => ctx.query_map(),
        },
    )
}

async fn deduct(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewDeduction = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.accountability().deduct_points(actor, input, None).await?)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    let done = |c: rectify_store::idempotency::Created<rectify_domain::accountability::PointsStatement>| {
        format!("/app/points?year={}&done=deducted", c.value.points.year)
    };
    settle(ctx.lang, attempt.await, done, |errors| async move { view(st, ctx, Shown::again(form, errors)).await }).await
}
