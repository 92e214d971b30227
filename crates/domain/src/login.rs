//! Sign-in throttling: how many failed attempts an account from one client address, or a client
//! address, may make in a window before further attempts are refused until the oldest failure
//! leaves the window. Counting an account's failures per address means nobody can lock the
//! owner out from elsewhere; the per-address limit still bounds guessing from any one place.

use crate::error::DomainError;
use chrono::{DateTime, TimeDelta, Utc};

#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    /// Failures of one account from one client address within the window.
    pub per_account: u64,
    /// Failures from one client address within the window (an office behind one address has
    /// many people, so this is higher).
    pub per_client: u64,
    pub window: TimeDelta,
}

pub const LOGIN_THROTTLE: Throttle = Throttle { per_account: 5, per_client: 30, window: TimeDelta::minutes(15) };

/// Failures recorded under one key within the window: how many, and the oldest.
#[derive(Debug, Clone, Copy)]
pub struct Failures {
    pub count: u64,
    pub oldest: DateTime<Utc>,
}

impl Throttle {
    /// Refuses an attempt when either key has used up its failures, saying when to retry.
    pub fn check(
        &self,
        account: Option<Failures>,
        client: Option<Failures>,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        let over = [(account, self.per_account), (client, self.per_client)]
            .into_iter()
            .filter_map(|(f, max)| f.filter(|f| f.count >= max))
            .map(|f| (f.oldest + self.window - now).num_seconds().max(1) as u64)
            .max();
        match over {
            Some(retry_after_secs) => Err(DomainError::Throttled { retry_after_secs }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_account_is_held_after_five_failures_until_the_oldest_leaves_the_window() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        let t = LOGIN_THROTTLE;
        let f = |count, mins_ago| Some(Failures { count, oldest: now - TimeDelta::minutes(mins_ago) });
        assert!(t.check(f(4, 10), None, now).is_ok());
        assert_eq!(t.check(f(5, 10), None, now).unwrap_err(), DomainError::Throttled { retry_after_secs: 300 });
        assert!(t.check(None, f(29, 1), now).is_ok(), "an office's shared address gets more");
        assert!(t.check(None, f(30, 1), now).is_err());
    }
}
