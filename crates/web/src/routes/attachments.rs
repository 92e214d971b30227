use super::{Errors, created, idempotency};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, IdempotencyHeader, MultipartBody, PathId};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rectify_domain::attachment::{AttachmentMeta, MAX_ATTACHMENT_BYTES};
use rectify_domain::ids::AttachmentId;
use rectify_domain::{DomainError, Issue};
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload)).routes(routes!(download))
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Upload {
    /// A photo (JPEG, PNG, GIF, WebP), a PDF or an office document, at most 10 MB. The type is
    /// read from the bytes; a name claiming another type is refused.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Uploads an evidence file; attach it to a progress entry with its id.
#[utoipa::path(post, path = "/attachments", tag = "attachments",
    request_body(content = Upload, content_type = "multipart/form-data"),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = AttachmentMeta), Errors))]
async fn upload(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: MultipartBody,
) -> ApiResult<Response> {
    use rectify_domain::actor::{Party, Permission, authorize};
    // Refused before the body is read: who may not upload learns nothing about its shape.
    authorize(&actor, Permission::UploadAttachment, Party::Other)?;
    let mut form = body.form()?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(|e| ApiError::MalformedBody(e.body_text()))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("file").to_owned();
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::MalformedBody(e.body_text())
            }
        })?;
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(ApiError::PayloadTooLarge);
        }
        file = Some((name, bytes.to_vec()));
    }
    let (name, bytes) = file.ok_or_else(|| ApiError::from(DomainError::field("file", Issue::Required)))?;
    let digest = hex::encode(Sha256::digest([name.as_bytes(), b"\n", &bytes].concat()));
    let key = idempotency(&actor, key, &digest)?;
    let c = st.store.files().upload_attachment(&actor, &name, bytes, key.as_ref()).await?;
    Ok(created(format!("/api/v1/attachments/{}", c.value.id), c))
}

/// Downloads a file. Images are shown inline; everything else downloads. Served with a
/// sandboxing policy so a crafted file cannot run script in the site's origin.
#[utoipa::path(get, path = "/attachments/{id}", tag = "attachments", params(("id" = String, Path)),
    responses((status = 200, description = "the file's bytes"), Errors))]
async fn download(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<AttachmentId>,
) -> ApiResult<Response> {
    let f = st.store.files().get_attachment(&actor, id).await?;
    let disposition = if f.meta.content_type.starts_with("image/") { "inline" } else { "attachment" };
    Ok(super::file_response(f.bytes, &f.meta.filename, &f.meta.content_type, disposition))
}
