//! 延期: a unit that cannot finish in time asks, before its due date, for a later date with a
//! reason; the office grants or refuses it. Citizens' cases (答复期限) and ledger problems
//! (整改时限) share these rules.

use crate::error::{DomainError, Issue, Rule};
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// Where a unit's request for more time stands.
    pub enum ExtensionStatus: "extension_status" {
        Pending = "pending",
        Granted = "granted",
        Refused = "refused",
    }
}

/// The latest request to move a due date (延期).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Extension {
    pub due: NaiveDate,
    pub reason: String,
    pub requested_at: Timestamp,
    pub status: ExtensionStatus,
}

impl Extension {
    /// The request as stored in a row's four columns; none unless all the required ones are set.
    pub fn from_columns(
        due: Option<NaiveDate>,
        reason: Option<String>,
        requested_at: Option<Timestamp>,
        status: Option<ExtensionStatus>,
    ) -> Option<Extension> {
        Some(Extension { due: due?, reason: reason.unwrap_or_default(), requested_at: requested_at?, status: status? })
    }
}

/// Checks a unit's request (its reason is checked by the caller, which names the field): a new
/// date later than the `current` one, asked no later than the current date, and none already
/// waiting. `current` is `None` when there is no date to judge against (a case not yet given
/// one). Answers the date asked for.
pub fn check_request(
    status: Option<ExtensionStatus>,
    current: Option<NaiveDate>,
    asked: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, DomainError> {
    let Some(asked) = asked else { return Err(DomainError::field("due", Issue::Required)) };
    if status == Some(ExtensionStatus::Pending) {
        return Err(DomainError::rule(Rule::ExtensionPending, "due"));
    }
    if let Some(current) = current {
        if today > current {
            return Err(DomainError::rule(Rule::ExtensionAfterDue, "due"));
        }
        if asked <= current {
            return Err(DomainError::rule(Rule::ExtensionNotLater, "due"));
        }
    }
    Ok(asked)
}

/// Checks the office's decision on the request waiting: answers whether it is granted.
pub fn check_decision(status: Option<ExtensionStatus>, approve: Option<bool>) -> Result<bool, DomainError> {
    if status != Some(ExtensionStatus::Pending) {
        return Err(DomainError::rule(Rule::NoExtensionPending, "approve"));
    }
    approve.ok_or_else(|| DomainError::field("approve", Issue::Required))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ExtensionStatus::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    #[test]
    fn a_request_is_made_in_time_for_a_later_date_with_a_reason() {
        let ask = |status, asked, today| check_request(status, Some(d(10)), asked, today);
        assert_eq!(ask(None, Some(d(20)), d(10)), Ok(d(20)));
        assert_eq!(ask(Some(Refused), Some(d(20)), d(9)), Ok(d(20)), "asked again after a refusal");
        assert_eq!(ask(None, None, d(9)).unwrap_err().fields(), ["due"]);
        assert_eq!(ask(Some(Pending), Some(d(20)), d(9)), Err(DomainError::rule(Rule::ExtensionPending, "due")));
        assert_eq!(ask(None, Some(d(20)), d(11)), Err(DomainError::rule(Rule::ExtensionAfterDue, "due")));
        assert_eq!(ask(None, Some(d(10)), d(9)), Err(DomainError::rule(Rule::ExtensionNotLater, "due")));
        assert_eq!(check_request(None, None, Some(d(1)), d(9)), Ok(d(1)), "no date to judge against");
    }

    #[test]
    fn the_office_decides_only_a_waiting_request() {
        assert_eq!(check_decision(Some(Pending), Some(false)), Ok(false));
        assert_eq!(check_decision(Some(Pending), None).unwrap_err().fields(), ["approve"]);
        for status in [None, Some(Granted), Some(Refused)] {
            assert_eq!(check_decision(status, Some(true)), Err(DomainError::rule(Rule::NoExtensionPending, "approve")));
        }
    }
}
