//! The public transparency page (`/transparency`): the draws' commitments, the revealed seeds
//! and evidence files of ended ones, the audit chain's published heads, and how anyone re-checks
//! them. The same store read as `GET /api/v1/transparency`; the downloads are the API's answers
//! saved as files.

use super::{Answer, Ctx, path_id};
use crate::AppState;
use crate::i18n::Lang;
use crate::routes::file_response;
use crate::site::Site;
use axum::extract::{Path, State};
use minijinja::context;
use rectify_domain::ids::{ReinspectionId, RoundId};

pub fn site() -> Site {
    Site::new()
        .get("/transparency", page)
        .get("/transparency/rounds/{id}/evidence.json", round_evidence)
        .get("/transparency/reinspections/{id}/evidence.json", reinspection_evidence)
        .get("/transparency/audit-heads.txt", heads_file)
}

async fn page(State(st): State<AppState>, ctx: Ctx) -> Answer {
    // Read leniently: a stale cursor shows the first page of its list.
    let req = crate::routes::transparency::request(&mut ctx.params());
    let record = st.store.portal().transparency(&req).await?;
    ctx.render(&st, "transparency.html", context! { record })
}

fn json_file(value: &impl serde::Serialize, name: &str) -> axum::response::Response {
    let bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    file_response(bytes, name, "application/json", "attachment")
}

async fn round_evidence(State(st): State<AppState>, Path(id): Path<String>) -> Answer {
    let id: RoundId = path_id(&id)?;
    let evidence = st.store.inspections().public_round_evidence(id).await?;
    Ok(json_file(&evidence, &format!("round-{id}-evidence.json")))
}

async fn reinspection_evidence(State(st): State<AppState>, Path(id): Path<String>) -> Answer {
    let id: ReinspectionId = path_id(&id)?;
    let evidence = st.store.inspections().public_sample_evidence(id).await?;
    Ok(json_file(&evidence, &format!("reinspection-{id}-evidence.json")))
}

/// Every published head as `SEQ HASH DATE` lines, oldest first: the file
/// `rectify audit verify --heads FILE` reads.
async fn heads_file(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let heads = st.store.audit().all_published_heads().await?;
    let comment = match ctx.lang {
        Lang::Zh => "# 审计链已公开的链头：每行为 序号 哈希 公开日期；校验：rectify audit verify --heads 本文件\n",
        Lang::En => {
            "# Published heads of the audit chain: SEQ HASH DATE per line; check: rectify audit verify --heads FILE\n"
        }
    };
    let mut text = comment.to_owned();
    for h in &heads {
        text.push_str(&h.line());
        text.push('\n');
    }
    Ok(file_response(text.into_bytes(), "audit-heads.txt", "text/plain; charset=utf-8", "inline"))
}
