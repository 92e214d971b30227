//! The words of a rating: the five levels, the two channels, the standard's indicators per
//! channel (GB/T 39734-2020 at the window, GB/T 39735-2020 online), and the body a rating is made
//! with ([`NewRating`]), whose [`NewRating::validate`] names every bad field.

use crate::case::Satisfaction;
use crate::error::{DomainError, Issue, Problems};
use crate::text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::wire_enum! {
    /// 评价等级. The aliases read the case's satisfaction words, so a citizen case's rating
    /// becomes the same object.
    pub enum RatingLevel: "rating.level" {
        /// 非常满意.
        VerySatisfied = "very_satisfied" | "非常满意",
        /// 满意.
        Satisfied = "satisfied" | "满意",
        /// 基本满意.
        Basic = "basic" | "basically_satisfied" | "基本满意",
        /// 不满意.
        Dissatisfied = "dissatisfied" | "unsatisfied" | "不满意",
        /// 非常不满意.
        VeryDissatisfied = "very_dissatisfied" | "very_unsatisfied" | "非常不满意",
    }
}

impl RatingLevel {
    /// 好评: counts towards 好评率.
    pub fn is_good(self) -> bool {
        matches!(self, RatingLevel::VerySatisfied | RatingLevel::Satisfied)
    }

    /// 差评: called back, rectified, and open to appeal.
    pub fn is_bad(self) -> bool {
        matches!(self, RatingLevel::Dissatisfied | RatingLevel::VeryDissatisfied)
    }
}

impl From<Satisfaction> for RatingLevel {
    fn from(s: Satisfaction) -> RatingLevel {
        match s {
            Satisfaction::VerySatisfied => RatingLevel::VerySatisfied,
            Satisfaction::Satisfied => RatingLevel::Satisfied,
            Satisfaction::BasicallySatisfied => RatingLevel::Basic,
            Satisfaction::Unsatisfied => RatingLevel::Dissatisfied,
            Satisfaction::VeryUnsatisfied => RatingLevel::VeryDissatisfied,
        }
    }
}

crate::wire_enum! {
    /// Where a rating is made.
    pub enum RatingChannel: "rating.channel" {
        /// 窗口评价器: right after the case, at the window (一次一评).
        Window = "window",
        /// The link sent by SMS or the online hall (一事一评).
        Online = "online",
    }
}

crate::wire_enum! {
    /// An indicator scored 1–5 beside the overall level. Ordered, so scores keep one order.
    #[derive(PartialOrd, Ord)]
    pub enum Indicator: "rating.indicator" {
        /// 整体满意度 (both channels).
        Overall = "overall",
        /// 服务效率 (window).
        ServiceEfficiency = "service_efficiency",
        /// 服务水平 (window).
        ServiceLevel = "service_level",
        /// 服务态度 (window).
        ServiceAttitude = "service_attitude",
        /// 办事效率 (online).
        HandlingEfficiency = "handling_efficiency",
        /// 办事指南精确度 (online).
        GuideAccuracy = "guide_accuracy",
        /// 办事便捷度 (online).
        Convenience = "convenience",
        /// 平台操作性 (online).
        Operability = "operability",
    }
}

impl RatingChannel {
    /// The indicators the standard asks on this channel.
    pub fn indicators(self) -> &'static [Indicator] {
        use Indicator::*;
        match self {
            RatingChannel::Window => &[Overall, ServiceEfficiency, ServiceLevel, ServiceAttitude],
            RatingChannel::Online => &[Overall, HandlingEfficiency, GuideAccuracy, Convenience, Operability],
        }
    }
}

/// An indicator's lowest and highest score.
pub const SCORE_MIN: u8 = 1;
pub const SCORE_MAX: u8 = 5;
/// A comment typed on a phone: a few sentences.
pub const COMMENT_MAX: usize = 500;

/// Body of a rating (the device's tap, the SMS link's form). Indicators are named by their wire
/// names so that an unknown one is named as a bad field, not the first failure of the body.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRating {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub level: Option<RatingLevel>,
    /// Scores 1–5 of the channel's indicators, each optional (`{"service_attitude": 5}`).
    #[serde(default)]
    pub indicators: BTreeMap<String, i64>,
    pub comment: Option<String>,
}

/// A rating's checked fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingFields {
    pub level: RatingLevel,
    pub indicators: BTreeMap<Indicator, u8>,
    pub comment: Option<String>,
}

impl NewRating {
    /// The fields, or every bad one: the level, each indicator not of `channel` or scored outside
    /// 1–5 (`indicators.service_attitude`), a comment too long.
    pub fn validate(&self, channel: RatingChannel) -> Result<RatingFields, DomainError> {
        let mut p = Problems::new();
        if self.level.is_none() {
            p.push("level", Issue::Required);
        }
        let mut indicators = BTreeMap::new();
        for (name, &score) in &self.indicators {
            let field = format!("indicators.{name}");
            match Indicator::parse(name).filter(|i| channel.indicators().contains(i)) {
                None => p.push(field, Issue::NotOneOf { expected: names(channel.indicators()) }),
                Some(i) => match u8::try_from(score).ok().filter(|s| (SCORE_MIN..=SCORE_MAX).contains(s)) {
                    Some(s) => {
                        indicators.insert(i, s);
                    }
                    None => p.push(field, Issue::OutOfRange { min: SCORE_MIN.into(), max: SCORE_MAX.into() }),
                },
            }
        }
        let comment = p.take(comment("comment", self.comment.as_deref())).flatten();
        match self.level {
            Some(level) if p.is_empty() => Ok(RatingFields { level, indicators, comment }),
            _ => Err(p.into_error()),
        }
    }
}

/// A rating's comment or its follow-up comment: optional, at most [`COMMENT_MAX`] characters.
pub fn comment(field: &str, v: Option<&str>) -> Result<Option<String>, crate::error::FieldError> {
    text::optional(field, v, COMMENT_MAX)
}

fn names(indicators: &[Indicator]) -> Vec<String> {
    indicators.iter().map(|i| i.as_str().to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_and_bad_are_the_top_two_and_the_bottom_two() {
        let good: Vec<_> = RatingLevel::ALL.into_iter().filter(|l| l.is_good()).collect();
        let bad: Vec<_> = RatingLevel::ALL.into_iter().filter(|l| l.is_bad()).collect();
        assert_eq!(good, [RatingLevel::VerySatisfied, RatingLevel::Satisfied]);
        assert_eq!(bad, [RatingLevel::Dissatisfied, RatingLevel::VeryDissatisfied]);
        assert!(!RatingLevel::Basic.is_good() && !RatingLevel::Basic.is_bad());
    }

    #[test]
    fn a_cases_satisfaction_reads_as_the_same_level() {
        for s in Satisfaction::ALL {
            assert_eq!(RatingLevel::parse(s.as_str()), Some(RatingLevel::from(s)), "{s:?}");
        }
        assert_eq!(RatingLevel::parse("基本满意"), Some(RatingLevel::Basic));
    }

    #[test]
    fn each_channel_asks_the_standards_indicators() {
        assert_eq!(RatingChannel::Window.indicators().len(), 4);
        assert_eq!(RatingChannel::Online.indicators().len(), 5);
        for i in Indicator::ALL {
            let on = RatingChannel::ALL.iter().filter(|c| c.indicators().contains(&i)).count();
            assert_eq!(on, if i == Indicator::Overall { 2 } else { 1 }, "{i:?}");
        }
    }

    fn body(level: Option<RatingLevel>, scores: &[(&str, i64)], comment: Option<String>) -> NewRating {
        NewRating { level, indicators: scores.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(), comment }
    }

    #[test]
    fn a_rating_is_checked_against_its_channel() {
        let ok = body(Some(RatingLevel::Satisfied), &[("overall", 5), ("service_attitude", 4)], Some(" 很好 ".into()));
        let f = ok.validate(RatingChannel::Window).unwrap();
        assert_eq!(f.indicators, BTreeMap::from([(Indicator::Overall, 5), (Indicator::ServiceAttitude, 4)]));
        assert_eq!(f.comment.as_deref(), Some("很好"));
        // The same scores online: the attitude is the window's indicator.
        let e = ok.validate(RatingChannel::Online).unwrap_err();
        assert_eq!(
            e,
            DomainError::field(
                "indicators.service_attitude",
                Issue::NotOneOf { expected: names(RatingChannel::Online.indicators()) }
            )
        );
        let bare = body(Some(RatingLevel::VeryDissatisfied), &[], None).validate(RatingChannel::Online).unwrap();
        assert!(bare.indicators.is_empty() && bare.comment.is_none(), "the device has no keyboard");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad =
            body(None, &[("overall", 0), ("guide_accuracy", 6), ("speed", 3)], Some("慢".repeat(COMMENT_MAX + 1)));
        let e = bad.validate(RatingChannel::Online).unwrap_err();
        assert_eq!(
            e.fields(),
            ["level", "indicators.guide_accuracy", "indicators.overall", "indicators.speed", "comment"]
        );
        let DomainError::Invalid(errors) = e else { unreachable!() };
        assert_eq!(errors[1].issue, Issue::OutOfRange { min: 1, max: 5 });
        assert_eq!(errors[4].issue, Issue::TooLong { max: COMMENT_MAX });
        let body: Result<NewRating, _> = serde_json::from_str(r#"{"level": "satisfied", "rater": "x"}"#);
        assert!(body.is_err(), "an unknown field is refused");
    }
}
