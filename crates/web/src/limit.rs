//! Per-client limits for the public routes (tracking lookups, public submissions), so that
//! tracking codes cannot be guessed by brute force and the form cannot be flooded. In memory, per
//! instance: with several instances each allows its own quota, which still bounds guessing.

use crate::error::ApiError;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    max: u32,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimiter {
    /// At most `max` requests per client in each `window`.
    pub fn new(max: u32, window: Duration) -> Self {
        RateLimiter { max, window, seen: Mutex::new(HashMap::new()) }
    }

    /// Refused when `client` has used up its quota, without counting this request: for routes
    /// that count only their failures (`fail`).
    pub fn peek(&self, client: IpAddr) -> Result<(), ApiError> {
        let now = Instant::now();
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        match seen.get(&client) {
            Some((start, n)) if now.duration_since(*start) < self.window && *n >= self.max => {
                let left = self.window.saturating_sub(now.duration_since(*start));
                Err(ApiError::TooManyRequests { retry_after_secs: left.as_secs().max(1) })
            }
            _ => Ok(()),
        }
    }

    pub fn check(&self, client: IpAddr) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() > 100_000 {
            // Forget finished windows rather than grow without bound.
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = seen.entry(client).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            let left = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(ApiError::TooManyRequests { retry_after_secs: left.as_secs().max(1) });
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_quota_per_window() {
        let l = RateLimiter::new(2, Duration::from_secs(60));
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(l.check(a).is_ok() && l.check(a).is_ok());
        assert!(matches!(l.check(a), Err(ApiError::TooManyRequests { .. })));
        assert!(l.check(b).is_ok());
        // Peeking counts nothing, and refuses once the quota is spent.
        assert!(l.peek(b).is_ok() && l.peek(b).is_ok());
        assert!(l.check(b).is_ok() && l.peek(b).is_err());
    }
}
