//! HTML form bodies (`application/x-www-form-urlencoded` or `multipart/form-data`), turned into
//! the same JSON objects the API decodes, so a form and an API call are validated by the same
//! code and fail with the same field names.

use crate::error::ApiError;
use crate::extract::decode;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use rectify_domain::{DomainError, Issue};
use rectify_store::cases::UploadedFile;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// How a text field becomes JSON; fields not named are strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Number,
    /// A checkbox: present (any value but `false`) is true. Absent is left out.
    Bool,
    /// Every value of a repeated field, as an array.
    List,
}

/// The fields and files of a submitted form, in order.
#[derive(Debug, Default)]
pub struct FormData {
    pub fields: Vec<(String, String)>,
    pub files: Vec<UploadedFile>,
    /// A digest of everything submitted, for idempotency keys.
    pub digest: String,
}

impl FormData {
    /// The idempotency key of a public form sent from `ip`: its hidden `nonce` and what was
    /// submitted, so a form sent twice makes one record. None without a nonce.
    pub fn public_key(
        &self,
        ip: std::net::IpAddr,
    ) -> Result<Option<rectify_store::idempotency::IdempotencyKey>, ApiError> {
        match self.get("nonce") {
            Some(n) => Ok(Some(rectify_store::idempotency::IdempotencyKey::new(
                format!("public:{ip}"),
                n,
                self.digest.clone(),
            )?)),
            None => Ok(None),
        }
    }

    pub fn from_urlencoded(bytes: &[u8]) -> Result<FormData, ApiError> {
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(bytes).map_err(|e| ApiError::MalformedBody(e.to_string()))?;
        let digest = hex::encode(Sha256::digest(bytes));
        Ok(FormData { fields, files: Vec::new(), digest })
    }

    /// Reads every part; files come from fields named `file` or `files` and empty file inputs
    /// (a form sent without choosing a file) are skipped.
    pub async fn from_multipart(mut form: Multipart) -> Result<FormData, ApiError> {
        let mut data = FormData::default();
        let mut hasher = Sha256::new();
        while let Some(field) = form.next_field().await.map_err(|e| ApiError::MalformedBody(e.body_text()))? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "files" || name == "file" {
                let file_name = field.file_name().unwrap_or("file").to_owned();
                let bytes = field.bytes().await.map_err(|_| ApiError::PayloadTooLarge)?;
                if bytes.is_empty() && file_name.is_empty() {
                    continue;
                }
                hasher.update(file_name.as_bytes());
                hasher.update(&bytes);
                data.files.push(UploadedFile { name: file_name, bytes: bytes.to_vec() });
                continue;
            }
            let text = field.text().await.map_err(|e| ApiError::MalformedBody(e.body_text()))?;
            hasher.update(name.as_bytes());
            hasher.update(text.as_bytes());
            data.fields.push((name, text));
        }
        data.digest = hex::encode(hasher.finalize());
        Ok(data)
    }

    /// The first value of `name`, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// Every non-blank value of `name`, in order (a repeated field).
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty()).collect()
    }

    /// The fields as a JSON object: blank fields left out, `_`-prefixed fields (form plumbing
    /// such as `_csrf`) and names in `skip` ignored.
    pub fn to_json(&self, kinds: &[(&str, Kind)], skip: &[&str]) -> Result<serde_json::Value, ApiError> {
        let kind = |name: &str| kinds.iter().find(|(n, _)| *n == name).map(|(_, k)| *k);
        let mut object = serde_json::Map::new();
        for (name, value) in &self.fields {
            if name.starts_with('_') || skip.contains(&name.as_str()) {
                continue;
            }
            let value = value.trim();
            match kind(name) {
                Some(Kind::List) => {
                    let entry = object.entry(name.clone()).or_insert_with(|| serde_json::Value::Array(Vec::new()));
                    if let (serde_json::Value::Array(items), false) = (entry, value.is_empty()) {
                        items.push(serde_json::Value::String(value.to_owned()));
                    }
                }
                Some(Kind::Bool) => {
                    object.insert(name.clone(), serde_json::Value::Bool(value != "false"));
                }
                _ if value.is_empty() => {}
                Some(Kind::Number) => {
                    let n = value
                        .parse::<f64>()
                        .ok()
                        .and_then(|f| {
                            if f.fract() == 0.0 && f.abs() < 9e15 {
                                Some(serde_json::Number::from(f as i64))
                            } else {
                                serde_json::Number::from_f64(f)
                            }
                        })
                        .ok_or_else(|| {
                            ApiError::from(DomainError::field(
                                name.clone(),
                                Issue::WrongType { expected: rectify_domain::JsonType::Number },
                            ))
                        })?;
                    object.insert(name.clone(), serde_json::Value::Number(n));
                }
                None => {
                    object.insert(name.clone(), serde_json::Value::String(value.to_owned()));
                }
            }
        }
        Ok(serde_json::Value::Object(object))
    }

    /// Decodes the fields into `T` exactly as the API decodes a JSON body.
    pub fn decode<T: DeserializeOwned>(&self, kinds: &[(&str, Kind)], skip: &[&str]) -> Result<T, ApiError> {
        decode_value(&self.to_json(kinds, skip)?)
    }
}

/// Decodes a JSON value built from a form (after a page adjusted it) as the API decodes a body.
pub fn decode_value<T: DeserializeOwned>(body: &serde_json::Value) -> Result<T, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|e| ApiError::MalformedBody(e.to_string()))?;
    decode(&bytes)
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        if ct.starts_with("multipart/form-data") {
            let m = Multipart::from_request(req, state).await.map_err(|e| ApiError::MalformedBody(e.body_text()))?;
            FormData::from_multipart(m).await
        } else if ct.starts_with("application/x-www-form-urlencoded") {
            // A form without files is text: held to the JSON limit, not the upload one.
            let bytes = axum::body::to_bytes(req.into_body(), crate::extract::MAX_JSON_BYTES)
                .await
                .map_err(|_| ApiError::PayloadTooLarge)?;
            FormData::from_urlencoded(&bytes)
        } else {
            Err(ApiError::UnsupportedMediaType)
        }
    }
}
