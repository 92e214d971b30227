//! What local rules set differently (区 and 市 rules differ on every period), kept as a setting.

use crate::error::{DomainError, Issue, Problems};
use serde::{Deserialize, Serialize};

/// The periods and the ranking minimum of ratings. Working days count on the office's calendar;
/// the citizen's periods (the link, the follow-up comment) count calendar days, as an SMS says them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RatingSettings {
    /// A bad rating is called back within this many working days of the rating.
    pub call_back_working_days: u32,
    /// And rectified within this many working days of the rating.
    pub rectify_working_days: u32,
    /// The staff member rated or their unit appeals within this many working days of the rating.
    pub appeal_working_days: u32,
    /// The SMS link is valid this many days from the day it is sent.
    pub link_days: u32,
    /// A follow-up comment (追评) is made within this many days of the rating.
    pub added_comment_days: u32,
    /// Groups with fewer ratings are not ranked.
    pub ranking_min_ratings: u32,
}

impl Default for RatingSettings {
    fn default() -> Self {
        RatingSettings {
            call_back_working_days: 1,
            rectify_working_days: 15,
            appeal_working_days: 5,
            link_days: 7,
            added_comment_days: 15,
            ranking_min_ratings: 20,
        }
    }
}

/// The longest period any setting may name: a quarter of working days, a year of days.
const MAX_WORKING_DAYS: u32 = 60;
const MAX_DAYS: u32 = 366;

impl RatingSettings {
    /// The settings, or every field out of its range.
    pub fn validate(self) -> Result<RatingSettings, DomainError> {
        let mut p = Problems::new();
        let mut within = |field: &str, v: u32, min: u32, max: u32| {
            if !(min..=max).contains(&v) {
                p.push(field, Issue::OutOfRange { min: i64::from(min), max: i64::from(max) });
            }
        };
        within("call_back_working_days", self.call_back_working_days, 0, MAX_WORKING_DAYS);
        within("rectify_working_days", self.rectify_working_days, 0, MAX_WORKING_DAYS);
        within("appeal_working_days", self.appeal_working_days, 0, MAX_WORKING_DAYS);
        within("link_days", self.link_days, 1, MAX_DAYS);
        within("added_comment_days", self.added_comment_days, 0, MAX_DAYS);
        within("ranking_min_ratings", self.ranking_min_ratings, 1, 10_000);
        if self.rectify_working_days < self.call_back_working_days {
            p.push("rectify_working_days", Issue::BeforeOther { other: "call_back_working_days".into() });
        }
        p.finish(|| self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_issues_and_bad_ones_are_named() {
        let d = RatingSettings::default().validate().unwrap();
        assert_eq!((d.call_back_working_days, d.rectify_working_days), (1, 15));
        let bad = RatingSettings { link_days: 0, rectify_working_days: 0, call_back_working_days: 2, ..d };
        assert_eq!(bad.validate().unwrap_err().fields(), ["link_days", "rectify_working_days"]);
        let partial: RatingSettings = serde_json::from_str(r#"{"rectify_working_days": 10}"#).unwrap();
        assert_eq!(partial, RatingSettings { rectify_working_days: 10, ..d });
    }
}
