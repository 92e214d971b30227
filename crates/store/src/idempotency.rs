//! `Idempotency-Key`: a create sent twice with the same key creates once and answers the same.
//! The key is stored in the same transaction as what it created, so a crash cannot separate them.

use crate::Store;
use crate::db::{Conn, Q, Tx};
use crate::error::{StoreError, StoreResult};
use futures::future::BoxFuture;
use rectify_domain::{DomainError, Issue, Rule};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub const MAX_KEY_LEN: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// Whose key it is (an account, a token, or the public with the route), so two callers'
    /// keys never collide.
    pub scope: String,
    pub key: String,
    /// A digest of the request, to refuse a key reused for a different request.
    pub request_hash: String,
}

impl IdempotencyKey {
    pub fn new(scope: String, key: &str, request_hash: String) -> Result<Self, DomainError> {
        let key = key.trim();
        if key.is_empty() || key.len() > MAX_KEY_LEN || !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err(DomainError::field(
                "Idempotency-Key",
                Issue::Malformed { expected: rectify_domain::Expected::IdempotencyKey },
            ));
        }
        Ok(IdempotencyKey { scope, key: key.to_owned(), request_hash })
    }
}

/// What a create returned, and whether it is a replay of an earlier identical request.
#[derive(Debug, Clone)]
pub struct Created<T> {
    pub value: T,
    pub replayed: bool,
}

async fn replay<T: DeserializeOwned>(c: &mut Conn<'_>, k: &IdempotencyKey) -> StoreResult<Option<T>> {
    let row: Option<(String, String)> = c
        .fetch_optional(
            Q::new("SELECT request_hash, response FROM idempotency_keys WHERE scope = $1 AND key = $2")
                .bind(&k.scope)
                .bind(&k.key),
        )
        .await?;
    match row {
        None => Ok(None),
        Some((hash, _)) if hash != k.request_hash => {
            Err(DomainError::rule(Rule::IdempotencyKeyReused, "Idempotency-Key").into())
        }
        Some((_, body)) => {
            serde_json::from_str(&body).map(Some).map_err(|e| StoreError::Corrupt(format!("idempotent response: {e}")))
        }
    }
}

impl Store {
    /// Runs a create once per idempotency key (or every time when there is none).
    pub async fn create_once<T, F>(&self, key: Option<&IdempotencyKey>, f: F) -> StoreResult<Created<T>>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, StoreResult<T>> + Send + 'static,
    {
        self.create_once_or_find(key, move |tx| {
            let fut = f(tx);
            Box::pin(async move { Ok(Created { value: fut.await?, replayed: false }) })
        })
        .await
    }

    /// Like [`Store::create_once`], for creates that may themselves find the record already
    /// exists (a citizen sending the same message twice) and answer with it.
    pub async fn create_once_or_find<T, F>(&self, key: Option<&IdempotencyKey>, f: F) -> StoreResult<Created<T>>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, StoreResult<Created<T>>> + Send + 'static,
    {
        let now = self.now();
        let k = key.cloned();
        let result = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    if let Some(k) = &k
                        && let Some(v) = replay(&mut tx.conn(), k).await?
                    {
                        return Ok(Created { value: v, replayed: true });
                    }
                    let created = f(tx).await?;
                    if let Some(k) = &k {
                        let body =
                            serde_json::to_string(&created.value).map_err(|e| StoreError::Encode(e.to_string()))?;
                        tx.conn()
                            .execute(
                                Q::new(
                                    "INSERT INTO idempotency_keys (scope, key, request_hash, response, created_at) \
                                     VALUES ($1, $2, $3, $4, $5)",
                                )
                                .bind(&k.scope)
                                .bind(&k.key)
                                .bind(&k.request_hash)
                                .bind(body)
                                .bind(now),
                            )
                            .await?;
                    }
                    Ok(created)
                })
            })
            .await;
        match (result, key) {
            // A concurrent request with the same key committed first: answer with its result.
            (Err(e), Some(k)) if e.is_unique_violation() => {
                let k = k.clone();
                match self.db.read(move |tx| Box::pin(async move { replay::<T>(&mut tx.conn(), &k).await })).await? {
                    Some(value) => Ok(Created { value, replayed: true }),
                    None => Err(e),
                }
            }
            (result, _) => result,
        }
    }
}
