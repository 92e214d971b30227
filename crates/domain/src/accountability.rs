//! Accountability (问责) and praise, the rules that propose an action, and the yearly points of
//! staff members (seed 003: 12 points a year, a verified complaint costs 4, 诫勉谈话 at zero).

use crate::error::{DomainError, Issue};
use serde::{Deserialize, Serialize};

/// What is done to a unit or a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// 通报
    Bulletin,
    /// 点名批评
    NamedCriticism,
    /// 通报批评 (书面)
    CriticismBulletin,
    /// 诫勉谈话
    AdmonishingTalk,
    /// 约谈
    Interview,
    /// 取消评先评优资格
    NoHonours,
    /// 扣发奖金
    BonusWithheld,
    /// 正面典型通报
    Praise,
}

impl ActionKind {
    pub const ALL: [ActionKind; 8] = [
        ActionKind::Bulletin,
        ActionKind::NamedCriticism,
        ActionKind::CriticismBulletin,
        ActionKind::AdmonishingTalk,
        ActionKind::Interview,
        ActionKind::NoHonours,
        ActionKind::BonusWithheld,
        ActionKind::Praise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Bulletin => "bulletin",
            ActionKind::NamedCriticism => "named_criticism",
            ActionKind::CriticismBulletin => "criticism_bulletin",
            ActionKind::AdmonishingTalk => "admonishing_talk",
            ActionKind::Interview => "interview",
            ActionKind::NoHonours => "no_honours",
            ActionKind::BonusWithheld => "bonus_withheld",
            ActionKind::Praise => "praise",
        }
    }

    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Praise is counted apart from sanctions in every figure.
    pub fn is_sanction(self) -> bool {
        self != ActionKind::Praise
    }
}

/// A proposal waits for a person to confirm or dismiss it; only confirmed actions count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Proposed,
    Confirmed,
    Dismissed,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Proposed => "proposed",
            ActionStatus::Confirmed => "confirmed",
            ActionStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<ActionStatus> {
        [ActionStatus::Proposed, ActionStatus::Confirmed, ActionStatus::Dismissed].into_iter().find(|k| k.as_str() == s)
    }
}

/// The thresholds of the proposing rules (a setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalRules {
    /// A problem red for more than this many working days proposes 约谈 of the unit's leader.
    pub red_working_days: u32,
    /// A case still overdue this many working days after a reminder (催办) proposes 书面通报批评.
    pub overdue_after_reminder_working_days: u32,
}

impl Default for ProposalRules {
    fn default() -> Self {
        ProposalRules { red_working_days: 10, overdue_after_reminder_working_days: 5 }
    }
}

impl ProposalRules {
    /// What a problem red for `red_days` working days calls for.
    pub fn for_red_problem(&self, red_days: u32) -> Option<ActionKind> {
        (red_days > self.red_working_days).then_some(ActionKind::Interview)
    }

    /// What a case overdue `days_since_reminder` working days after its reminder calls for.
    pub fn for_overdue_case(&self, days_since_reminder: u32) -> Option<ActionKind> {
        (days_since_reminder >= self.overdue_after_reminder_working_days).then_some(ActionKind::CriticismBulletin)
    }
}

/// The points scheme (a setting): points at the start of each year and what each deduction costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsScheme {
    pub yearly: u32,
    /// Deduction types and their cost, e.g. `verified_complaint` → 4.
    pub deductions: Vec<(String, u32)>,
}

impl Default for PointsScheme {
    fn default() -> Self {
        PointsScheme {
            yearly: 12,
            deductions: vec![("verified_complaint".into(), 4), ("inspection_finding".into(), 2)],
        }
    }
}

impl PointsScheme {
    pub fn cost(&self, kind: &str) -> Result<u32, DomainError> {
        self.deductions.iter().find(|(k, _)| k == kind).map(|(_, c)| *c).ok_or_else(|| {
            DomainError::field(
                "kind",
                Issue::NotOneOf { expected: self.deductions.iter().map(|(k, _)| k.clone()).collect() },
            )
        })
    }
}

/// One person's points in one year after a list of deductions (in order): never below zero, and
/// whether they reached zero (which proposes 诫勉谈话). Each year starts afresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsBalance {
    pub year: i32,
    pub remaining: u32,
    pub deducted: u32,
    pub reached_zero: bool,
}

pub fn balance(scheme: &PointsScheme, year: i32, costs: &[u32]) -> PointsBalance {
    let deducted: u32 = costs.iter().fold(0u32, |a, c| a.saturating_add(*c));
    let remaining = scheme.yearly.saturating_sub(deducted);
    PointsBalance { year, remaining, deducted: deducted.min(scheme.yearly), reached_zero: remaining == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn three_verified_complaints_use_up_a_year() {
        let s = PointsScheme::default();
        let c = s.cost("verified_complaint").unwrap();
        assert_eq!(balance(&s, 2026, &[c, c]).remaining, 4);
        let b = balance(&s, 2026, &[c, c, c]);
        assert_eq!((b.remaining, b.reached_zero), (0, true));
        assert_eq!(balance(&s, 2027, &[]).remaining, 12, "a new year starts at 12");
        assert_eq!(s.cost("late").unwrap_err().fields(), ["kind"]);
    }

    #[test]
    fn rules_propose_past_their_thresholds() {
        let r = ProposalRules::default();
        assert_eq!(r.for_red_problem(10), None);
        assert_eq!(r.for_red_problem(11), Some(ActionKind::Interview));
        assert_eq!(r.for_overdue_case(4), None);
        assert_eq!(r.for_overdue_case(5), Some(ActionKind::CriticismBulletin));
    }

    proptest! {
        #[test]
        fn points_never_go_below_zero(costs in proptest::collection::vec(0u32..20, 0..30)) {
            let b = balance(&PointsScheme::default(), 2026, &costs);
            prop_assert!(b.remaining <= 12);
            prop_assert_eq!(b.remaining + b.deducted, 12);
            prop_assert_eq!(b.reached_zero, costs.iter().map(|c| u64::from(*c)).sum::<u64>() >= 12);
        }
    }
}
