//! Accounts, sign-in sessions and API tokens. Secrets are never stored: passwords as argon2id
//! hashes, session and API tokens as SHA-256 digests of random values.

use crate::areas::Accounts;
use crate::db::{Conn, Q, record};
use crate::error::{StoreError, StoreResult};
use crate::history::{self, Change};
use crate::units::require_live;
use crate::versioned::{changed, created};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use rand::RngCore;
use rectify_domain::actor::{Actor, Party, Permission, Role, authorize};
use rectify_domain::ids::{AccountId, PersonId, TokenId, UnitId};
use rectify_domain::login::{Failures, LOGIN_THROTTLE};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Issue, text};
use sha2::{Digest, Sha256};

pub use rectify_domain::account::{
    Account, AccountFields, ApiToken, CreatedToken, MIN_PASSWORD_CHARS, NewAccount, NewToken, TokenFields,
    check_password,
};

pub const SESSION_HOURS: i64 = 12;

/// A signed-in session; `token` goes into the cookie and is shown nowhere else.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub expires_at: Timestamp,
    pub account: Account,
}

record! {
    struct AccountRow {
        id: AccountId as i64,
        username: String,
        display_name: Option<String>,
        role: Role as String,
        unit_id: Option<UnitId> as Option<i64>,
        person_id: Option<PersonId> as Option<i64>,
        disabled_at: Option<Timestamp> as Option<DateTime<Utc>>,
        created_at: Timestamp as DateTime<Utc>,
    }
}

const COLUMNS: &str = "id, username, display_name, role, unit_id, person_id, disabled_at, created_at";

impl From<AccountRow> for Account {
    fn from(r: AccountRow) -> Account {
        Account {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role: r.role,
            unit_id: r.unit_id,
            person_id: r.person_id,
            disabled: r.disabled_at.is_some(),
            created_at: r.created_at,
        }
    }
}

pub fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

async fn hash_password(password: String) -> StoreResult<String> {
    // argon2 is deliberately slow: keep it off the async workers.
    tokio::task::spawn_blocking(move || {
        let salt =
            SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| StoreError::Encode(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Encode(e.to_string()))
    })
    .await
    .map_err(|e| StoreError::Io(e.to_string()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

async fn get(c: &mut Conn<'_>, id: AccountId) -> StoreResult<Option<Account>> {
    let row: Option<AccountRow> =
        c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM accounts WHERE id = $1")).bind(id)).await?;
    Ok(row.map(Account::from))
}

/// The account's actor, as it would sign in today (work recorded earlier in its name).
pub(crate) async fn actor_of(c: &mut Conn<'_>, id: AccountId) -> StoreResult<Option<Actor>> {
    Ok(get(c, id).await?.map(|a| a.actor()))
}

impl Accounts<'_> {
    pub async fn create_account(&self, actor: &Actor, input: NewAccount) -> StoreResult<Account> {
        authorize(actor, Permission::ManageAccounts, Party::Office)?;
        let AccountFields { username, display_name, role, unit_id, person_id, password } = input.validate()?;
        let hash = hash_password(password).await?;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    if let Some(u) = unit_id {
                        require_live(&mut c, u, "unit_id").await?;
                    }
                    if let Some(p) = person_id {
                        crate::people::require_live_person(&mut c, p, "person_id").await?;
                    }
                    let id: AccountId = c
                        .returning_id(
                            Q::new(
                                "INSERT INTO accounts (username, display_name, password_hash, role, unit_id, person_id, \
                                 version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
                            )
                            .bind(username.as_str())
                            .bind(display_name)
                            .bind(hash)
                            .bind(role.as_str())
                            .bind(unit_id)
                            .bind(person_id)
                            .bind(now),
                        )
                        .await
                        .map_err(|e| {
                            if e.is_unique_violation() {
                                DomainError::field("username", Issue::Duplicate).into()
                            } else {
                                e
                            }
                        })?;
                    let account =
                        get(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Account, id))?;
                    created(&mut c, &actor, now, Entity::Account, id, account).await
                })
            })
            .await
    }

    /// Ties an account to the person it stands for (or unties it), recorded in history.
    pub async fn set_account_person(
        &self,
        actor: &Actor,
        id: AccountId,
        person: Option<PersonId>,
    ) -> StoreResult<Account> {
        authorize(actor, Permission::ManageAccounts, Party::Office)?;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = get(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Account, id))?;
                    if let Some(p) = person {
                        crate::people::require_live_person(&mut c, p, "person_id").await?;
                    }
                    c.execute(
                        Q::new("UPDATE accounts SET person_id = $1, updated_at = $2 WHERE id = $3")
                            .bind(person)
                            .bind(now)
                            .bind(id),
                    )
                    .await?;
                    let after = get(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Account, id))?;
                    changed(&mut c, &actor, now, Entity::Account, id, "link_person", None, &before, after).await
                })
            })
            .await
    }

    pub async fn list_accounts(&self, actor: &Actor) -> StoreResult<Vec<Account>> {
        authorize(actor, Permission::ManageAccounts, Party::Office)?;
        let rows: Vec<AccountRow> =
            self.db.fetch_all(Q::new(format!("SELECT {COLUMNS} FROM accounts ORDER BY id"))).await?;
        Ok(rows.into_iter().map(Account::from).collect())
    }

    /// First start: creates `admin` when there is no account yet. Returns the password when it
    /// had to make one up (to be printed once).
    pub async fn ensure_admin(&self, password: Option<String>) -> StoreResult<Option<String>> {
        let count: i64 = self.db.scalar(Q::new("SELECT COUNT(*) FROM accounts")).await?;
        if count > 0 {
            return Ok(None);
        }
        let generated = password.is_none();
        let password = password.unwrap_or_else(|| random_secret("").chars().take(20).collect());
        self.accounts()
            .create_account(
                &Actor::system(),
                NewAccount {
                    username: Some("admin".into()),
                    password: Some(password.clone()),
                    role: Some(Role::OfficeAdmin),
                    unit_id: None,
                    display_name: Some("管理员".into()),
                    person_id: None,
                },
            )
            .await?;
        Ok(generated.then_some(password))
    }

    /// Checks a password and opens a session. `None` for a wrong name or password (the caller
    /// must not say which).
    /// Signs in. Failed attempts are counted per account name from one client address, and per
    /// client address (every instance sees the same counts); past the limits of [`LOGIN_THROTTLE`] attempts are refused
    /// with `Throttled` before the password is even checked.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: Option<std::net::IpAddr>,
    ) -> StoreResult<Option<Session>> {
        record! {
            struct Row {
                id: AccountId as i64,
                password_hash: String,
                disabled_at: Option<DateTime<Utc>>,
            }
        }
        let name = text::clean(username).to_lowercase();
        // An account's failures count per client address: five wrong passwords from one place
        // must not lock the owner out from another (anyone could lock out `admin`).
        let account_key = match client {
            Some(ip) => format!("account:{name}@{ip}"),
            None => format!("account:{name}"),
        };
        let keys = (account_key, client.map(|ip| format!("client:{ip}")));
        self.check_throttle(&keys).await?;
        let row: Option<Row> = self
            .db
            .fetch_optional(
                Q::new("SELECT id, password_hash, disabled_at FROM accounts WHERE username = $1").bind(name.as_str()),
            )
            .await?;
        let Some(row) = row else {
            // Spend the same time as a real check, so timing does not tell which names exist.
            let _ = hash_password(password.to_owned()).await;
            self.record_failure(keys).await?;
            return Ok(None);
        };
        if !verify_password(password.to_owned(), row.password_hash).await || row.disabled_at.is_some() {
            self.record_failure(keys).await?;
            return Ok(None);
        }
        let id = row.id;
        let token = random_secret("");
        let now = self.now();
        let expires = Timestamp::from_utc(now.utc() + TimeDelta::hours(SESSION_HOURS));
        let token_hash = digest(&token);
        let account_key = keys.0;
        let account = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    c.execute(
                        Q::new(
                            "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(token_hash)
                        .bind(id)
                        .bind(now)
                        .bind(expires),
                    )
                    .await?;
                    c.execute(Q::new("DELETE FROM sessions WHERE expires_at < $1").bind(now)).await?;
                    c.execute(Q::new("DELETE FROM login_failures WHERE key = $1").bind(account_key)).await?;
                    let account = get(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Account, id))?;
                    let event = crate::audit::Event {
                        actor: &account.username,
                        kind: "login",
                        subject: format!("account:{id}"),
                        action: "login",
                        payload: serde_json::json!({ "expires_at": expires }),
                    };
                    crate::audit::append(&mut c, now, event).await?;
                    Ok(account)
                })
            })
            .await?;
        Ok(Some(Session { token, expires_at: expires, account }))
    }

    /// The account behind a session cookie, if the session is live.
    pub async fn session_account(&self, token: &str) -> StoreResult<Option<Account>> {
        let row: Option<AccountRow> = self
            .db
            .fetch_optional(
                Q::new(
                    "SELECT a.id, a.username, a.display_name, a.role, a.unit_id, a.person_id, a.disabled_at, a.created_at \
                     FROM sessions s JOIN accounts a ON a.id = s.account_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL",
                )
                .bind(digest(token))
                .bind(self.now()),
            )
            .await?;
        Ok(row.map(Account::from))
    }

    pub async fn logout(&self, token: &str) -> StoreResult<()> {
        let hash = digest(token);
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    tx.conn().execute(Q::new("DELETE FROM sessions WHERE token_hash = $1").bind(hash)).await?;
                    Ok(())
                })
            })
            .await
    }

    pub async fn create_token(&self, actor: &Actor, input: NewToken) -> StoreResult<CreatedToken> {
        authorize(actor, Permission::ManageAccounts, Party::Office)?;
        let TokenFields { name, role, unit_id } = input.validate()?;
        let secret = random_secret("rtf_");
        let hash = digest(&secret);
        let now = self.now();
        let actor = actor.clone();
        let info = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    if let Some(u) = unit_id {
                        require_live(&mut c, u, "unit_id").await?;
                    }
                    let id: TokenId = c
                        .returning_id(
                            Q::new(
                                "INSERT INTO api_tokens (name, token_hash, role, unit_id, created_by, created_at) \
                                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                            )
                            .bind(name.as_str())
                            .bind(hash)
                            .bind(role.as_str())
                            .bind(unit_id)
                            .bind(actor.account_id)
                            .bind(now),
                        )
                        .await?;
                    let info = ApiToken { id, name, role, unit_id, created_at: now, revoked: false };
                    history::record(
                        &mut c,
                        &actor,
                        now,
                        Change {
                            entity: Entity::Account,
                            entity_id: format!("token:{id}"),
                            action: "create_token",
                            note: None,
                            before: None,
                            after: Some(&info),
                        },
                    )
                    .await?;
                    Ok(info)
                })
            })
            .await?;
        Ok(CreatedToken { info, token: secret })
    }

    /// The actor behind a bearer token, if the token is live.
    pub async fn token_actor(&self, secret: &str) -> StoreResult<Option<Actor>> {
        record! {
            struct Row {
                id: TokenId as i64,
                name: String,
                role: Role as String,
                unit_id: Option<UnitId> as Option<i64>,
            }
        }
        let row: Option<Row> = self
            .db
            .fetch_optional(
                Q::new("SELECT id, name, role, unit_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
                    .bind(digest(secret)),
            )
            .await?;
        Ok(row.map(|r| Actor {
            account_id: None,
            username: format!("token:{}:{}", r.id, r.name),
            role: r.role,
            unit_id: r.unit_id,
        }))
    }
}

record! {
    struct FailureRow {
        key: String,
        n: i64,
        oldest: DateTime<Utc>,
    }
}

impl Accounts<'_> {
    /// Refuses the attempt when the account name or the client address is over its limit.
    async fn check_throttle(&self, keys: &(String, Option<String>)) -> StoreResult<()> {
        let now = self.now().utc();
        let since = Timestamp::from_utc(now - LOGIN_THROTTLE.window);
        let client = keys.1.as_deref().unwrap_or(keys.0.as_str());
        let q = Q::new(
            "SELECT key, COUNT(*) AS n, MIN(at) AS oldest FROM login_failures \
             WHERE at > $1 AND key IN ($2, $3) GROUP BY key",
        )
        .bind(since)
        .bind(keys.0.as_str())
        .bind(client);
        let rows: Vec<FailureRow> = self.db.fetch_all(q).await?;
        let of = |key: Option<&str>| {
            rows.iter()
                .find(|r| Some(r.key.as_str()) == key)
                .map(|r| Failures { count: r.n.max(0) as u64, oldest: r.oldest })
        };
        LOGIN_THROTTLE.check(of(Some(&keys.0)), of(keys.1.as_deref()), now)?;
        Ok(())
    }

    async fn record_failure(&self, keys: (String, Option<String>)) -> StoreResult<()> {
        let now = self.now();
        let since = Timestamp::from_utc(now.utc() - LOGIN_THROTTLE.window);
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    for key in std::iter::once(keys.0).chain(keys.1) {
                        c.execute(Q::new("INSERT INTO login_failures (key, at) VALUES ($1, $2)").bind(key).bind(now))
                            .await?;
                    }
                    // Failures older than the window no longer count: drop them as we go.
                    c.execute(Q::new("DELETE FROM login_failures WHERE at <= $1").bind(since)).await?;
                    Ok(())
                })
            })
            .await
    }
}

/// What an administrator changes about an account's access.
#[derive(Debug, Clone)]
pub enum AccessChange {
    /// No more sign-ins; every session of the account ends. (API tokens belong to integrations,
    /// not accounts, and are revoked on their own.)
    Disable,
    /// A new password (hashed here); every session ends, so whoever knew the old one is out.
    ResetPassword(String),
}

impl Accounts<'_> {
    /// Disables an account or resets its password, ending its sessions, in one transaction with
    /// its history (the new password is never recorded).
    pub async fn change_access(&self, actor: &Actor, username: &str, change: AccessChange) -> StoreResult<Account> {
        authorize(actor, Permission::ManageAccounts, Party::Office)?;
        let hash = match &change {
            AccessChange::ResetPassword(p) => {
                check_password(p)?;
                Some(hash_password(p.clone()).await?)
            }
            AccessChange::Disable => None,
        };
        let name = text::clean(username).to_lowercase();
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let id: AccountId = c
                        .fetch_ids(Q::new("SELECT id FROM accounts WHERE username = $1").bind(name.as_str()))
                        .await?
                        .pop()
                        .ok_or_else(|| DomainError::not_found(Entity::Account, name.as_str()))?;
                    let before = get(&mut c, id).await?;
                    let action = match hash {
                        Some(h) => {
                            c.execute(
                                Q::new("UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE id = $3")
                                    .bind(h)
                                    .bind(now)
                                    .bind(id),
                            )
                            .await?;
                            "reset_password"
                        }
                        None => {
                            c.execute(
                                Q::new(
                                    "UPDATE accounts SET disabled_at = COALESCE(disabled_at, $1), updated_at = $1 \
                                     WHERE id = $2",
                                )
                                .bind(now)
                                .bind(id),
                            )
                            .await?;
                            "disable"
                        }
                    };
                    c.execute(Q::new("DELETE FROM sessions WHERE account_id = $1").bind(id)).await?;
                    let after = get(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Account, id))?;
                    let change = Change {
                        entity: Entity::Account,
                        entity_id: id.to_string(),
                        action,
                        note: None,
                        before: before.as_ref(),
                        after: Some(&after),
                    };
                    history::record(&mut c, &actor, now, change).await?;
                    Ok(after)
                })
            })
            .await
    }
}

record! {
    struct TokenRow {
        id: TokenId as i64,
        name: String,
        role: Role as String,
        unit_id: Option<UnitId> as Option<i64>,
        created_at: Timestamp as DateTime<Utc>,
        revoked_at: Option<Timestamp> as Option<DateTime<Utc>>,
    }
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> ApiToken {
        ApiToken {
            id: r.id,
            name: r.name,
            role: r.role,
            unit_id: r.unit_id,
            created_at: r.created_at,
            revoked: r.revoked_at.is_some(),
        }
    }
}

const TOKEN_COLUMNS: &str = "id, name, role, unit_id, created_at, revoked_at";

impl Accounts<'_> {
    /// Every API token, revoked ones too (never their secrets: only hashes are stored).
    pub async fn list_tokens(&self, actor: &Actor) -> StoreResult<Vec<ApiToken>> {
        authorize(actor, Permission::ManageAccounts, Party::Office)?;
        let rows: Vec<TokenRow> =
            self.db.fetch_all(Q::new(format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY id"))).await?;
        Ok(rows.into_iter().map(ApiToken::from).collect())
    }

    /// Revokes a token at once for every instance (each request looks the token up). Revoking
    /// twice is harmless; the token row stays for the record.
    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> StoreResult<ApiToken> {
        authorize(actor, Permission::ManageAccounts, Party::Office)?;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let q = || Q::new(format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1")).bind(id);
                    let before: TokenRow =
                        c.fetch_optional(q()).await?.ok_or_else(|| DomainError::not_found(Entity::Account, id))?;
                    let before = ApiToken::from(before);
                    c.execute(
                        Q::new("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2")
                            .bind(now)
                            .bind(id),
                    )
                    .await?;
                    let after: TokenRow =
                        c.fetch_optional(q()).await?.ok_or_else(|| DomainError::not_found(Entity::Account, id))?;
                    let after = ApiToken::from(after);
                    let change = Change {
                        entity: Entity::Account,
                        entity_id: format!("token:{id}"),
                        action: "revoke_token",
                        note: None,
                        before: Some(&before),
                        after: Some(&after),
                    };
                    history::record(&mut c, &actor, now, change).await?;
                    Ok(after)
                })
            })
            .await
    }

    /// Ends every session of the account signed in with `token` (a lost phone, a shared
    /// computer): all instances, since sessions live in the database.
    pub async fn logout_everywhere(&self, token: &str) -> StoreResult<u64> {
        let hash = digest(token);
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let account: Option<i64> = c
                        .scalar_optional(Q::new("SELECT account_id FROM sessions WHERE token_hash = $1").bind(hash))
                        .await?;
                    let Some(account) = account else { return Ok(0) };
                    c.execute(Q::new("DELETE FROM sessions WHERE account_id = $1").bind(account)).await
                })
            })
            .await
    }
}
