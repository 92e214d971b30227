//! The one place where failures become HTTP answers: `application/problem+json` (RFC 9457).
//! Bad input is 400/422 and names the field; internal failures are logged and shown only as
//! "internal error" with a reference.

use crate::i18n::{self, Lang};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rectify_domain::{DomainError, FieldError, Issue};
use rectify_store::StoreError;
use serde::Serialize;

#[derive(Debug)]
pub enum ApiError {
    Store(StoreError),
    /// No valid session or token.
    Unauthenticated,
    /// Sign-in with a wrong name or password.
    BadCredentials,
    /// The body is not JSON at all (syntax), or missing.
    MalformedBody(String),
    UnsupportedMediaType,
    /// The route exists but not for this method, or there is no such route.
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    /// A client asked too often (public lookups, public submissions).
    TooManyRequests {
        retry_after_secs: u64,
    },
    /// The database could not take a write in time (another process holds it): nothing was
    /// written; 503 with Retry-After, never a 500.
    Busy,
    /// A failure of the program itself (a template that does not render): logged, shown as
    /// "internal error" with a reference.
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => d.into(),
            busy if busy.is_busy() => ApiError::Busy,
            other => ApiError::Store(other),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            // Throttling is answered like every other "too many": 429 with Retry-After.
            DomainError::Throttled { retry_after_secs } => ApiError::TooManyRequests { retry_after_secs },
            other => ApiError::Store(StoreError::Domain(other)),
        }
    }
}

impl From<rectify_app::AppError> for ApiError {
    fn from(e: rectify_app::AppError) -> Self {
        match e {
            rectify_app::AppError::Store(s) => s.into(),
            rectify_app::AppError::Internal(m) => ApiError::Internal(m),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// An error answer (RFC 9457 problem details).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldMessage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

fn code_of(issue: &Issue) -> String {
    serde_json::to_value(issue)
        .ok()
        .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "invalid".into())
}

/// Each field's error as a sentence naming the field by its label, one per field.
pub(crate) fn sentences(errors: &[FieldError], lang: Lang) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    errors
        .iter()
        .filter(|e| seen.insert(e.field.split(['.', '[']).next().unwrap_or(&e.field).to_owned()))
        .map(|e| i18n::field_sentence(&e.field, &e.issue, lang))
        .collect()
}

fn field_messages(errors: &[FieldError], lang: Lang) -> Vec<FieldMessage> {
    errors
        .iter()
        .map(|e| FieldMessage {
            field: e.field.clone(),
            code: match &e.issue {
                Issue::Rule { rule } => {
                    serde_json::to_value(rule).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
                }
                other => code_of(other),
            },
            message: i18n::issue(&e.issue, lang),
        })
        .collect()
}

impl ApiError {
    /// The answer in `lang`.
    pub fn into_problem(self, lang: Lang) -> (StatusCode, ProblemBody) {
        let zh = lang == Lang::Zh;
        let pick = |en: &str, cn: &str| if zh { cn.to_owned() } else { en.to_owned() };
        let body = |status: StatusCode, kind: &str, title: String, detail: String, errors: Vec<FieldMessage>| {
            (
                status,
                ProblemBody {
                    kind: format!("urn:rectify:error:{kind}"),
                    title,
                    status: status.as_u16(),
                    detail,
                    errors,
                    current_version: None,
                },
            )
        };
        match self {
            ApiError::Unauthenticated => body(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                pick("Sign-in required", "需要登录"),
                pick(
                    "sign in with POST /api/v1/session or send a bearer token",
                    "请通过 POST /api/v1/session 登录或提供令牌",
                ),
                vec![],
            ),
            ApiError::BadCredentials => body(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                pick("Wrong username or password", "用户名或密码错误"),
                pick("wrong username or password", "用户名或密码错误"),
                vec![],
            ),
            ApiError::MalformedBody(detail) => body(
                StatusCode::BAD_REQUEST,
                "malformed_body",
                pick("Malformed request body", "请求体格式错误"),
                detail.clone(),
                vec![FieldMessage { field: "body".into(), code: "malformed".into(), message: detail }],
            ),
            ApiError::UnsupportedMediaType => body(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                pick("Unsupported media type", "不支持的内容类型"),
                pick("send the body as application/json", "请以 application/json 发送请求体"),
                vec![],
            ),
            ApiError::NotFound => body(
                StatusCode::NOT_FOUND,
                "not_found",
                pick("Not found", "未找到"),
                pick("no such resource", "资源不存在"),
                vec![],
            ),
            ApiError::MethodNotAllowed => body(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                pick("Method not allowed", "不支持的请求方法"),
                pick("this route does not take that method", "该地址不支持此请求方法"),
                vec![],
            ),
            ApiError::TooManyRequests { retry_after_secs } => body(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                pick("Too many requests", "请求过于频繁"),
                if zh {
                    format!("请 {retry_after_secs} 秒后再试")
                } else {
                    format!("try again in {retry_after_secs} seconds")
                },
                vec![],
            ),
            ApiError::PayloadTooLarge => body(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                pick("Request too large", "请求过大"),
                pick("the request body is too large", "请求体过大"),
                vec![],
            ),
            ApiError::Store(StoreError::Domain(e)) => match e {
                DomainError::Invalid(errors) => {
                    let detail = i18n::correct_these(&sentences(&errors, lang), lang);
                    body(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "validation",
                        pick("Invalid input", "输入有误"),
                        detail,
                        field_messages(&errors, lang),
                    )
                }
                DomainError::RuleViolated { rule, field } => {
                    let message = i18n::rule(rule, lang).to_owned();
                    let code =
                        serde_json::to_value(rule).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                    body(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &code,
                        pick("Rule violated", "不符合规则"),
                        message.clone(),
                        vec![FieldMessage { field, code: code.clone(), message }],
                    )
                }
                DomainError::NotFound { entity, id } => body(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    pick("Not found", "未找到"),
                    i18n::not_found(entity, &id, lang),
                    vec![],
                ),
                DomainError::Forbidden(denial) => body(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    pick("Forbidden", "无权操作"),
                    i18n::denial(&denial, lang),
                    vec![],
                ),
                DomainError::StaleVersion { entity, current } => {
                    let (status, mut b) = body(
                        StatusCode::CONFLICT,
                        "stale_version",
                        pick("Changed by someone else", "已被他人修改"),
                        if zh {
                            format!("该{}已更新到版本 {current}，请刷新后重试", i18n::entity(entity, lang))
                        } else {
                            format!("the {entity} is now at version {current}; reload and retry")
                        },
                        vec![FieldMessage {
                            field: "version".into(),
                            code: "stale".into(),
                            message: pick("stale version", "版本已过期"),
                        }],
                    );
                    b.current_version = Some(current);
                    (status, b)
                }
                DomainError::StateConflict { entity, action, state } => {
                    let message = i18n::state_conflict(entity, action, state, lang);
                    body(
                        StatusCode::CONFLICT,
                        "invalid_transition",
                        pick("Transition not allowed", "不允许的状态变更"),
                        message.clone(),
                        vec![FieldMessage { field: "action".into(), code: "not_allowed_from_state".into(), message }],
                    )
                }
                DomainError::NotPermitted { entity, action } => body(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    pick("Forbidden", "无权操作"),
                    i18n::not_permitted(entity, action, lang),
                    vec![],
                ),
                DomainError::Throttled { retry_after_secs } => {
                    ApiError::TooManyRequests { retry_after_secs }.into_problem(lang)
                }
            },
            ApiError::Busy => body(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                pick("Busy", "系统繁忙"),
                pick(
                    "the system is busy and nothing was saved; please try again in a few seconds",
                    "系统繁忙，本次未保存，请稍候几秒再试",
                ),
                vec![],
            ),
            e @ (ApiError::Store(_) | ApiError::Internal(_)) => {
                let reference = rectify_store::accounts::random_secret("").chars().take(12).collect::<String>();
                tracing::error!(error = ?e, reference, "internal error");
                body(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    pick("Internal error", "内部错误"),
                    if zh {
                        format!("服务器内部错误（编号 {reference}）")
                    } else {
                        format!("internal error (reference {reference})")
                    },
                    vec![],
                )
            }
        }
    }
}

/// How long a client waits before trying a write again after a 503 "busy".
const BUSY_RETRY_SECS: u64 = 5;

/// A problem+json response.
pub fn problem_response(status: StatusCode, body: &ProblemBody) -> Response {
    let mut resp = (status, serde_json::to_string(body).unwrap_or_default()).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    resp
}

/// Handlers return errors with `?`; the response carries the error itself and
/// [`render_errors`] words it in the request's language on the way out.
#[derive(Clone)]
struct PendingError(std::sync::Arc<std::sync::Mutex<Option<ApiError>>>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        resp.extensions_mut().insert(PendingError(std::sync::Arc::new(std::sync::Mutex::new(Some(self)))));
        resp
    }
}

/// Middleware: renders a pending [`ApiError`] as problem+json in the caller's language.
pub async fn render_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = crate::i18n::lang_from_headers(req.headers());
    let resp = next.run(req).await;
    let pending = resp.extensions().get::<PendingError>().and_then(|p| p.0.lock().ok()?.take());
    match pending {
        Some(err) => {
            let retry = match &err {
                ApiError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
                ApiError::Busy => Some(BUSY_RETRY_SECS),
                _ => None,
            };
            let (status, body) = err.into_problem(lang);
            let mut resp = problem_response(status, &body);
            if let Some(secs) = retry
                && let Ok(v) = HeaderValue::from_str(&secs.to_string())
            {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
        None => resp,
    }
}
