//! Request extractors that turn bad input into field-level errors instead of axum's plain-text
//! rejections: JSON bodies, query parameters, path ids, the signed-in actor.

use crate::AppState;
use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use rectify_domain::actor::Actor;
use rectify_domain::error::FieldError;
use rectify_domain::{DomainError, Issue};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::str::FromStr;

pub const SESSION_COOKIE: &str = "rectify_session";
/// Largest JSON body accepted.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// A JSON body, decoded strictly (unknown fields refused), with a digest of its bytes for
/// idempotency checks.
pub struct JsonBody<T> {
    pub value: T,
    pub digest: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let json =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
                ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        let path = req.uri().path().to_owned();
        // Read no further than the JSON limit: a body past it is refused without being buffered.
        let bytes =
            axum::body::to_bytes(req.into_body(), MAX_JSON_BYTES).await.map_err(|_| ApiError::PayloadTooLarge)?;
        if !json && !bytes.is_empty() {
            return Err(ApiError::UnsupportedMediaType);
        }
        let digest = hex::encode(Sha256::digest([path.as_bytes(), b"\n", &bytes].concat()));
        let bytes = if bytes.iter().all(u8::is_ascii_whitespace) { Bytes::from_static(b"{}") } else { bytes };
        // Every body of this API is an object; serde would otherwise read an array positionally.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{')
            && serde_json::from_slice::<serde_json::Value>(&bytes).is_ok()
        {
            return Err(
                DomainError::field("body", Issue::WrongType { expected: rectify_domain::JsonType::Object }).into()
            );
        }
        let value = decode(&bytes)?;
        Ok(JsonBody { value, digest })
    }
}

/// A multipart body whose refusal waits for the handler: it authorizes the caller first, so
/// someone who may not call the route hears 403 whatever they sent, and a body that is not
/// multipart is refused as problem+json like every other bad body (axum's own rejection is
/// plain text, and comes before any permission check).
pub struct MultipartBody(Result<axum::extract::Multipart, ApiError>);

impl<S: Send + Sync> FromRequest<S> for MultipartBody {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let form = axum::extract::Multipart::from_request(req, state).await;
        Ok(MultipartBody(form.map_err(|e| ApiError::MalformedBody(e.body_text()))))
    }
}

impl MultipartBody {
    /// The form, once the caller is known to be allowed.
    pub fn form(self) -> Result<axum::extract::Multipart, ApiError> {
        self.0
    }
}

/// Decodes JSON, mapping serde's failures to 400 (not JSON) or 422 (JSON of the wrong shape,
/// naming the field).
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => ApiError::from(DomainError::Invalid(vec![data_error(&path, &inner)])),
            _ => ApiError::MalformedBody(strip_position(&inner.to_string())),
        }
    })?;
    de.end().map_err(|e| ApiError::MalformedBody(strip_position(&e.to_string())))?;
    Ok(value)
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

fn backticked(msg: &str) -> Vec<String> {
    msg.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// `path.field`, unless the decoder's path already ends at the field.
fn join(path: &str, field: &str) -> String {
    if path.is_empty() || path == "." {
        field.to_owned()
    } else if path == field || path.ends_with(&format!(".{field}")) {
        path.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// Words serde's data errors as field issues.
fn data_error(path: &str, err: &serde_json::Error) -> FieldError {
    let msg = strip_position(&err.to_string());
    let path = if path == "." { "" } else { path };
    let (field, issue) = if msg.starts_with("unknown field") {
        let name = backticked(&msg).into_iter().next().unwrap_or_default();
        (join(path, &name), Issue::UnknownField)
    } else if msg.starts_with("missing field") {
        let name = backticked(&msg).into_iter().next().unwrap_or_default();
        (join(path, &name), Issue::Required)
    } else if msg.starts_with("unknown variant") {
        (path.to_owned(), Issue::NotOneOf { expected: backticked(&msg).into_iter().skip(1).collect() })
    } else if [
        "input contains invalid characters",
        "premature end of input",
        "input is out of range",
        "trailing input",
        "input is not enough",
    ]
    .iter()
    .any(|m| msg.contains(m))
    {
        (path.to_owned(), Issue::InvalidDate)
    } else if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let expected = rest.split_once(", expected ").map(|(_, e)| e).unwrap_or_default();
        (path.to_owned(), Issue::WrongType { expected: rectify_domain::JsonType::from_serde(expected) })
    } else if let Some(rest) = msg.strip_prefix("invalid value: ") {
        let expected = rest.split_once(", expected ").map(|(_, e)| e.to_owned()).unwrap_or_default();
        (path.to_owned(), Issue::Malformed { expected: rectify_domain::Expected::Text(expected) })
    } else {
        (path.to_owned(), Issue::Decode { detail: msg })
    };
    FieldError { field: if field.is_empty() { "body".into() } else { field }, issue }
}

/// The signed-in actor: a bearer token, else the session cookie. Routes that take it refuse
/// anonymous callers with 401.
pub struct Auth(pub Actor);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(actor) = parts.extensions.get::<Actor>() {
            return Ok(Auth(actor.clone()));
        }
        let actor = actor_of(&parts.headers, state).await?.ok_or(ApiError::Unauthenticated)?;
        parts.extensions.insert(actor.clone());
        Ok(Auth(actor))
    }
}

/// The actor behind the request's credentials, if any.
pub async fn actor_of(headers: &HeaderMap, state: &AppState) -> Result<Option<Actor>, ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let token =
            auth.strip_prefix("Bearer ").or_else(|| auth.strip_prefix("bearer ")).ok_or(ApiError::Unauthenticated)?;
        return Ok(Some(state.store.accounts().token_actor(token.trim()).await?.ok_or(ApiError::Unauthenticated)?));
    }
    match session_token(headers) {
        Some(token) => Ok(state.store.accounts().session_account(&token).await?.map(|a| a.actor())),
        None => Ok(None),
    }
}

pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the cookie `name`, if sent and not empty.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name && !v.is_empty()).then(|| v.to_owned())
    })
}

/// The `Idempotency-Key` header, if sent.
pub struct IdempotencyHeader(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyHeader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        match parts.headers.get("idempotency-key") {
            None => Ok(IdempotencyHeader(None)),
            Some(v) => v.to_str().map(|s| IdempotencyHeader(Some(s.to_owned()))).map_err(|_| {
                DomainError::field(
                    "Idempotency-Key",
                    Issue::Malformed { expected: rectify_domain::Expected::VisibleAscii },
                )
                .into()
            }),
        }
    }
}

/// An id in the path. A malformed id names nothing that exists: 404.
pub struct PathId<T>(pub T);

impl<S: Send + Sync, T: FromStr + Send> FromRequestParts<S> for PathId<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state).await.map_err(|_| ApiError::NotFound)?;
        raw.parse().map(PathId).map_err(|_| ApiError::NotFound)
    }
}

/// Two ids in the path (`/problems/{id}/measures/{mid}`).
pub struct PathIds<A, B>(pub A, pub B);

impl<S: Send + Sync, A: FromStr + Send, B: FromStr + Send> FromRequestParts<S> for PathIds<A, B> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path((a, b)) = axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        Ok(PathIds(a.parse().map_err(|_| ApiError::NotFound)?, b.parse().map_err(|_| ApiError::NotFound)?))
    }
}

/// The request's query as [`rectify_app::Params`]: read one by one with field-level errors;
/// parameters a route does not know are refused, so a typo (`stat=open`) is not silently
/// ignored. The list filters the edges share read it through `Deref`.
pub struct Params(rectify_app::Params);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> =
            parts.uri.query().map(|q| serde_urlencoded::from_str(q).unwrap_or_default()).unwrap_or_default();
        Ok(Params::from_pairs(pairs))
    }
}

impl Params {
    /// Parameters from elsewhere than the request line (a page's query, read leniently).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Params {
        Params(rectify_app::Params::from_pairs(pairs))
    }

    /// Ends parsing: every bad or unknown parameter at once, or nothing.
    pub fn finish(self) -> Result<(), ApiError> {
        Ok(self.0.finish()?)
    }

    /// For a use case that reads and finishes the parameters itself (an export).
    pub fn into_inner(self) -> rectify_app::Params {
        self.0
    }
}

impl std::ops::Deref for Params {
    type Target = rectify_app::Params;

    fn deref(&self) -> &rectify_app::Params {
        &self.0
    }
}

impl std::ops::DerefMut for Params {
    fn deref_mut(&mut self) -> &mut rectify_app::Params {
        &mut self.0
    }
}

/// The actor when the request carries credentials, `None` for the public. Bad credentials are
/// still refused (401): a broken token must not silently become an anonymous request.
pub struct MaybeAuth(pub Option<Actor>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(MaybeAuth(actor_of(&parts.headers, state).await?))
    }
}

/// The client's address, for per-client limits and sign-in throttling (see `client_address`).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        Ok(ClientIp(client_address(peer, &parts.headers, &state.config.trusted_proxies)))
    }
}

/// The peer's address, unless the peer is a trusted proxy (`--trusted-proxy`): then the
/// nearest address in `X-Forwarded-For` that is not itself a trusted proxy. Each proxy appends
/// the address it was reached from, so the list is read from the right; entries left of the
/// first untrusted one may have been written by the client and are never believed.
pub(crate) fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer.to_canonical();
    if !is_trusted(&client) {
        return client;
    }
    let values = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    let hops: Vec<&str> = values.flat_map(|v| v.split(',')).collect();
    for hop in hops.iter().rev() {
        let hop = hop.trim();
        let Some(ip) = hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        else {
            break;
        };
        client = ip.to_canonical();
        if !is_trusted(&client) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;
    use rectify_domain::problem::NewProblem;

    fn fields(r: Result<NewProblem, ApiError>) -> Vec<(String, Issue)> {
        match r {
            Err(ApiError::Store(rectify_store::StoreError::Domain(DomainError::Invalid(e)))) => {
                e.into_iter().map(|e| (e.field, e.issue)).collect()
            }
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("decoded"),
        }
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.0.0.2".parse().unwrap());
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/24".parse().unwrap()];
        assert_eq!(client_address(ip("198.51.100.1"), &headers, &trusted), ip("198.51.100.1"), "untrusted peer");
        assert_eq!(client_address(ip("10.0.0.1"), &headers, &[]), ip("10.0.0.1"), "no proxy configured");
        // Through two trusted hops; the forged left entry is not believed.
        assert_eq!(client_address(ip("10.0.0.1"), &headers, &trusted), ip("203.0.113.7"));
        assert_eq!(client_address(ip("::ffff:10.0.0.1"), &headers, &trusted), ip("203.0.113.7"));
        headers.insert("x-forwarded-for", "garbage".parse().unwrap());
        assert_eq!(client_address(ip("10.0.0.1"), &headers, &trusted), ip("10.0.0.1"));
    }

    #[test]
    fn decoding_errors_name_the_field() {
        let f = fields(decode(br#"{"deadline":"2026-02-30"}"#));
        assert_eq!(f, vec![("deadline".into(), Issue::InvalidDate)]);
        let f = fields(decode(br#"{"colour":"red"}"#));
        assert_eq!(f, vec![("colour".into(), Issue::UnknownField)]);
        let f = fields(decode(br#"{"measures":[{"descripton":"x"}]}"#));
        assert_eq!(f[0].0, "measures[0].descripton");
        let f = fields(decode(br#"{"type":"soon"}"#));
        assert_eq!(f[0].0, "type");
        assert!(matches!(&f[0].1, Issue::NotOneOf { expected } if expected.contains(&"immediate".to_owned())));
        let f = fields(decode(br#"{"description":5}"#));
        assert!(matches!(&f[0].1, Issue::WrongType { .. }));
        let f = fields(decode(br#"{"unit_id":"abc"}"#));
        assert_eq!(f[0].0, "unit_id");
        assert!(matches!(decode::<NewProblem>(b"{\"description\":"), Err(ApiError::MalformedBody(_))));
        assert!(matches!(decode::<NewProblem>(b"{} x"), Err(ApiError::MalformedBody(_))));
    }
}
