//! Cursor pagination: `limit` (default 50, max 500) and an opaque `cursor` naming the last row
//! seen, so pages stay stable while rows are added.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rectify_domain::{DomainError, Issue};
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Where the previous page ended: the sort key of its last row (when sorting by something
/// other than the id) and that row's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub key: Option<String>,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    fn decode(s: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(s.trim()).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<Cursor>,
}

impl PageRequest {
    pub fn new(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, DomainError> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(n) if (1..=i64::from(MAX_LIMIT)).contains(&n) => n as u32,
            Some(_) => {
                return Err(DomainError::field("limit", Issue::OutOfRange { min: 1, max: i64::from(MAX_LIMIT) }));
            }
        };
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(Cursor::decode(c).ok_or_else(|| {
                DomainError::field("cursor", Issue::Malformed { expected: rectify_domain::Expected::Cursor })
            })?),
        };
        Ok(PageRequest { limit, after })
    }

    pub fn first(limit: u32) -> PageRequest {
        PageRequest { limit, after: None }
    }

    /// Pages a list read whole, in ascending `id` order: a problem's history or a case's events
    /// (tens of rows, read together because their order spans several tables).
    pub fn slice<T>(&self, items: Vec<T>, id_of: impl Fn(&T) -> i64) -> Page<T> {
        let after = self.after.as_ref().map(|c| c.id);
        let mut rows: Vec<T> = items.into_iter().filter(|t| after.is_none_or(|a| id_of(t) > a)).collect();
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next_cursor = if more { rows.last().map(|r| Cursor { key: None, id: id_of(r) }.encode()) } else { None };
        Page { items: rows, next_cursor }
    }

    /// Turns `limit + 1` fetched rows into a page: the extra row only says there is more.
    pub fn finish<R, T>(
        &self,
        mut rows: Vec<R>,
        cursor_of: impl Fn(&R) -> Cursor,
        map: impl FnMut(R) -> Result<T, crate::StoreError>,
    ) -> Result<Page<T>, crate::StoreError> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next_cursor = if more { rows.last().map(|r| cursor_of(r).encode()) } else { None };
        Ok(Page { items: rows.into_iter().map(map).collect::<Result<_, _>>()?, next_cursor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_junk_is_refused() {
        let c = Cursor { key: Some("2026-03-01".into()), id: 42 };
        let p = PageRequest::new(Some(10), Some(&c.encode())).unwrap();
        assert_eq!(p.after, Some(c));
        assert!(PageRequest::new(None, Some("!!")).is_err());
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(Some(501), None).is_err());
        assert_eq!(PageRequest::new(None, None).unwrap().limit, 50);
    }
}
