//! Accounts and API tokens: who may sign in or call the API, in which role and unit, and the
//! rules their inputs follow. Secrets are the store's business (hashes, digests); the rules are
//! here.

use crate::actor::{Actor, Role};
use crate::error::{DomainError, Issue, Problems};
use crate::ids::{AccountId, PersonId, TokenId, UnitId};
use crate::text;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: AccountId,
    pub username: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub unit_id: Option<UnitId>,
    /// The person of the directory this account stands for (an inspector's own record).
    pub person_id: Option<PersonId>,
    pub disabled: bool,
    pub created_at: Timestamp,
}

impl Account {
    pub fn actor(&self) -> Actor {
        Actor { account_id: Some(self.id), username: self.username.clone(), role: self.role, unit_id: self.unit_id }
    }
}

/// Body of `POST /api/v1/accounts`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub username: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub password: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub role: Option<Role>,
    pub unit_id: Option<UnitId>,
    pub display_name: Option<String>,
    /// The person of the directory the account stands for.
    pub person_id: Option<PersonId>,
}

/// An API token as listed; the secret is only in [`CreatedToken`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: TokenId,
    pub name: String,
    pub role: Role,
    pub unit_id: Option<UnitId>,
    pub created_at: Timestamp,
    pub revoked: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    #[serde(flatten)]
    pub info: ApiToken,
    /// Shown once. Send as `Authorization: Bearer TOKEN`.
    pub token: String,
}

/// Body of `POST /api/v1/tokens`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub role: Option<Role>,
    pub unit_id: Option<UnitId>,
}

/// A checked `NewAccount`.
#[derive(Debug, Clone)]
pub struct AccountFields {
    pub username: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub unit_id: Option<UnitId>,
    pub person_id: Option<PersonId>,
    pub password: String,
}

/// A checked `NewToken`.
#[derive(Debug, Clone)]
pub struct TokenFields {
    pub name: String,
    pub role: Role,
    pub unit_id: Option<UnitId>,
}

/// Account names are ASCII letters, digits and `_ . - @`, compared in lower case.
fn check_username(p: &mut Problems, u: Option<&str>) -> Option<String> {
    let u = p.take(text::required("username", u, 64))?;
    let ok = u.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '@'));
    if !ok {
        p.push("username", Issue::Malformed { expected: crate::error::Expected::Username });
        return None;
    }
    Some(u.to_lowercase())
}

/// A role given to an account or a token: never the public's, and a unit for unit roles.
fn check_role_unit(p: &mut Problems, role: Option<Role>, unit: Option<UnitId>) -> Option<Role> {
    let Some(role) = role else {
        p.push("role", Issue::Required);
        return None;
    };
    if role == Role::Public {
        p.push(
            "role",
            Issue::NotOneOf { expected: Role::ACCOUNT_ROLES.iter().map(|r| r.as_str().to_owned()).collect() },
        );
        return None;
    }
    if role.is_unit_bound() && unit.is_none() {
        p.push("unit_id", Issue::Required);
    }
    Some(role)
}

fn password_issue() -> Issue {
    Issue::OutOfRange { min: MIN_PASSWORD_CHARS as i64, max: 1024 }
}

/// A new password is long enough.
pub fn check_password(password: &str) -> Result<(), DomainError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(DomainError::field("password", password_issue()));
    }
    Ok(())
}

impl NewAccount {
    pub fn validate(self) -> Result<AccountFields, DomainError> {
        let mut p = Problems::new();
        let username = check_username(&mut p, self.username.as_deref());
        let display_name = p.take(text::optional("display_name", self.display_name.as_deref(), text::NAME_MAX));
        let role = check_role_unit(&mut p, self.role, self.unit_id);
        let password = self.password.unwrap_or_default();
        if password.chars().count() < MIN_PASSWORD_CHARS {
            p.push("password", password_issue());
        }
        match (username, display_name, role, p.is_empty()) {
            (Some(username), Some(display_name), Some(role), true) => Ok(AccountFields {
                username,
                display_name,
                role,
                unit_id: self.unit_id,
                person_id: self.person_id,
                password,
            }),
            _ => Err(p.into_error()),
        }
    }
}

impl NewToken {
    pub fn validate(self) -> Result<TokenFields, DomainError> {
        let mut p = Problems::new();
        let name = p.take(text::required("name", self.name.as_deref(), text::NAME_MAX));
        let role = check_role_unit(&mut p, self.role, self.unit_id);
        match (name, role, p.is_empty()) {
            (Some(name), Some(role), true) => Ok(TokenFields { name, role, unit_id: self.unit_id }),
            _ => Err(p.into_error()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_name_a_real_role_and_a_unit_for_unit_roles() {
        let ok = NewAccount {
            username: Some("Clerk.One".into()),
            password: Some("longenough".into()),
            role: Some(Role::UnitClerk),
            unit_id: Some(UnitId(4)),
            ..Default::default()
        };
        assert_eq!(ok.clone().validate().unwrap().username, "clerk.one");
        let bad = NewAccount { username: Some("张三".into()), password: Some("short".into()), unit_id: None, ..ok };
        assert_eq!(bad.validate().unwrap_err().fields(), ["username", "unit_id", "password"]);
        let public = NewToken { name: Some("app".into()), role: Some(Role::Public), unit_id: None };
        assert_eq!(public.validate().unwrap_err().fields(), ["role"]);
        assert!(check_password("1234567").is_err() && check_password("12345678").is_ok());
    }
}
