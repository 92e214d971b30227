//! Accountability (问责) and praise, the rules that propose an action, and the yearly points of
//! staff members (seed 003: 12 points a year, a verified complaint costs 4, 诫勉谈话 at zero).

mod state;

pub use state::{ActionRecordDecision, ActionRecordMachine, ActionRequest, ActionStatus, ActionStep, Opening, fire};

use crate::error::{DomainError, Issue, Problems};
use crate::ids::{ActionRecordId, CaseId, DeductionId, FindingId, PersonId, ProblemId, UnitId};
use crate::text;
use crate::time::Timestamp;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Links per kind on one action; a bulletin of seed 000 names 14 units, so this is generous.
pub const MAX_LINKS: usize = 100;

crate::wire_enum! {
    /// What is done to a unit or a person.
    pub enum ActionKind: "acct.kind" {
        /// 通报
        Bulletin = "bulletin",
        /// 点名批评
        NamedCriticism = "named_criticism",
        /// 通报批评 (书面)
        CriticismBulletin = "criticism_bulletin",
        /// 诫勉谈话
        AdmonishingTalk = "admonishing_talk",
        /// 约谈
        Interview = "interview",
        /// 取消评先评优资格
        NoHonours = "no_honours",
        /// 扣发奖金
        BonusWithheld = "bonus_withheld",
        /// 正面典型通报
        Praise = "praise",
    }
}

impl ActionKind {
    /// Praise is counted apart from sanctions in every figure.
    pub fn is_sanction(self) -> bool {
        self != ActionKind::Praise
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
    /// The day the rules were switched on: they propose nothing for a due date before it (a
    /// history of red items is not a fresh failure). Set when the rules are first saved.
    #[serde(default)]
    pub since: Option<NaiveDate>,
}

impl Default for ProposalRules {
    fn default() -> Self {
        ProposalRules { red_working_days: 10, overdue_after_reminder_working_days: 5, since: None }
    }
}

impl ProposalRules {
    /// Whether a subject due on `due_on`, known here since `known_since` (a problem's creation or
    /// import), falls under the rules: it was not already overdue when it arrived, nor before the
    /// rules were switched on. An imported ledger of old red items proposes nothing by itself.
    pub fn covers(&self, due_on: NaiveDate, known_since: NaiveDate) -> bool {
        due_on >= known_since && self.since.is_none_or(|since| due_on >= since)
    }

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

crate::wire_enum! {
    /// Why the system proposed an action (none: recorded by a person).
    pub enum ProposalRule: "acct.rule" {
        /// A problem red for longer than [`ProposalRules::red_working_days`].
        RedProblem = "red_problem",
        /// A case still overdue long after its overdue reminder (催办).
        OverdueAfterReminder = "overdue_after_reminder",
        /// A person's points for the year reached zero.
        PointsExhausted = "points_exhausted",
    }
}

/// What a rule found, and the reason its proposal states in the office's words (kept with the
/// record as written, like a clerk's own reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grounds<'a> {
    /// Problem `problem`, due on `due_on`, red for `days` working days, over the rule's `limit`.
    RedProblem { problem: ProblemId, due_on: NaiveDate, days: u32, limit: u32 },
    /// Case `case`, due on `due_on`, still open `days` working days after its reminder of `reminded_on`.
    OverdueAfterReminder { case: CaseId, due_on: NaiveDate, reminded_on: NaiveDate, days: u32 },
    /// `person`'s points for `year` (of `yearly`) are spent.
    PointsExhausted { person: &'a str, year: i32, yearly: u32 },
}

impl Grounds<'_> {
    pub fn rule(&self) -> ProposalRule {
        match self {
            Grounds::RedProblem { .. } => ProposalRule::RedProblem,
            Grounds::OverdueAfterReminder { .. } => ProposalRule::OverdueAfterReminder,
            Grounds::PointsExhausted { .. } => ProposalRule::PointsExhausted,
        }
    }

    pub fn reason(&self) -> String {
        match self {
            Grounds::RedProblem { problem, due_on, days, limit } => {
                format!(
                    "问题 {problem} 自 {due_on} 起亮红灯已 {days} 个工作日（超过 {limit} 个工作日），建议约谈责任领导。"
                )
            }
            Grounds::OverdueAfterReminder { case, due_on, reminded_on, days } => format!(
                "诉求件 {case} 应于 {due_on} 前答复，{reminded_on} 催办后 {days} 个工作日仍未办结，建议书面通报批评。"
            ),
            Grounds::PointsExhausted { person, year, yearly } => {
                format!("{person} {year} 年度积分已扣完（{yearly} 分），建议进行诫勉谈话。")
            }
        }
    }
}

/// An accountability action or praise, recorded by a person or proposed by a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionRecord {
    pub id: ActionRecordId,
    pub kind: ActionKind,
    pub status: ActionStatus,
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    pub person_id: Option<PersonId>,
    pub person_name: Option<String>,
    pub reason: String,
    /// The day of the decision (for a proposal: the day it was proposed, then the day confirmed).
    pub decided_on: NaiveDate,
    /// Who decided (e.g. 区纪委).
    pub deciding_body: Option<String>,
    pub rule: Option<ProposalRule>,
    pub problem_ids: Vec<ProblemId>,
    pub case_ids: Vec<CaseId>,
    /// Inspection findings (plain ids: findings live in their own module).
    pub finding_ids: Vec<FindingId>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<Timestamp>,
    pub dismissed_by: Option<String>,
    pub dismissed_at: Option<Timestamp>,
    pub dismissed_reason: Option<String>,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Body of `POST /api/v1/actions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAction {
    /// One of [`ActionKind`]'s names (`bulletin`, `admonishing_talk`, …).
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub kind: Option<String>,
    /// The unit acted on; at least one of `unit_id` and `person_id`.
    pub unit_id: Option<UnitId>,
    pub person_id: Option<PersonId>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub reason: Option<String>,
    /// Defaults to today.
    pub decided_on: Option<NaiveDate>,
    pub deciding_body: Option<String>,
    #[serde(default)]
    pub problem_ids: Vec<ProblemId>,
    #[serde(default)]
    pub case_ids: Vec<CaseId>,
    #[serde(default)]
    pub finding_ids: Vec<FindingId>,
}

/// A valid [`NewAction`] (references still to be checked by the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionFields {
    pub kind: ActionKind,
    pub unit_id: Option<UnitId>,
    pub person_id: Option<PersonId>,
    pub reason: String,
    pub decided_on: NaiveDate,
    pub deciding_body: Option<String>,
    pub problem_ids: Vec<ProblemId>,
    pub case_ids: Vec<CaseId>,
    pub finding_ids: Vec<FindingId>,
}

/// Sorted, without repeats, at most [`MAX_LINKS`].
fn links<T: Ord + Copy>(p: &mut Problems, field: &str, ids: &[T]) -> Vec<T> {
    if ids.len() > MAX_LINKS {
        p.push(field, Issue::TooMany { max: MAX_LINKS });
    }
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    ids
}

fn kind_of(p: &mut Problems, kind: Option<&str>) -> Option<ActionKind> {
    match kind.map(text::clean) {
        None | Some("") => {
            p.push("kind", Issue::Required);
            None
        }
        Some(k) => ActionKind::parse(k).or_else(|| {
            let expected = ActionKind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
            p.push("kind", Issue::NotOneOf { expected });
            None
        }),
    }
}

impl NewAction {
    /// `today` is the default decision date; a decision cannot be dated in the future.
    pub fn validate(&self, today: NaiveDate) -> Result<ActionFields, DomainError> {
        let mut p = Problems::new();
        let kind = kind_of(&mut p, self.kind.as_deref());
        if self.unit_id.is_none() && self.person_id.is_none() {
            p.push("unit_id", Issue::Required);
        }
        let reason = p.take(text::required("reason", self.reason.as_deref(), text::TEXT_MAX));
        let deciding_body = p.take(text::optional("deciding_body", self.deciding_body.as_deref(), text::NAME_MAX));
        let decided_on = self.decided_on.unwrap_or(today);
        if decided_on > today {
            p.push("decided_on", Issue::OutOfRange { min: 0, max: 0 });
        }
        let problem_ids = links(&mut p, "problem_ids", &self.problem_ids);
        let case_ids = links(&mut p, "case_ids", &self.case_ids);
        let finding_ids = links(&mut p, "finding_ids", &self.finding_ids);
        let (Some(kind), Some(reason), Some(deciding_body), true) = (kind, reason, deciding_body, p.is_empty()) else {
            return Err(p.into_error());
        };
        Ok(ActionFields {
            kind,
            unit_id: self.unit_id,
            person_id: self.person_id,
            reason,
            decided_on,
            deciding_body,
            problem_ids,
            case_ids,
            finding_ids,
        })
    }
}

/// Body of `POST /api/v1/actions/{id}/dismiss`: a proposal is only set aside with a reason.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DismissRequest {
    pub reason: Option<String>,
    /// The version read, to refuse a decision on a record that changed since.
    pub version: Option<i64>,
}

impl DismissRequest {
    pub fn validate(&self) -> Result<String, DomainError> {
        text::required("reason", self.reason.as_deref(), text::TEXT_MAX).map_err(|e| DomainError::Invalid(vec![e]))
    }
}

/// Proposals decided at once, at most.
pub const MAX_BULK_DECISION: usize = 500;

/// Body of `POST /api/v1/actions/decisions`: one decision, with one reason, on many proposals
/// (the waiting table's checkboxes).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkDecision {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub ids: Vec<ActionRecordId>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub decision: Option<ActionStep>,
    /// Why, for the whole batch: kept in each record's history (and as a dismissal's reason).
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub reason: Option<String>,
}

impl BulkDecision {
    /// The proposals (each once, in order), the request to fire on each, and the reason.
    pub fn validate(&self) -> Result<(Vec<ActionRecordId>, ActionRequest, String), DomainError> {
        let mut p = Problems::new();
        let mut ids: Vec<ActionRecordId> = Vec::new();
        for id in &self.ids {
            if !ids.contains(id) {
                ids.push(*id);
            }
        }
        if ids.is_empty() {
            p.push("ids", Issue::Required);
        } else if ids.len() > MAX_BULK_DECISION {
            p.push("ids", Issue::TooMany { max: MAX_BULK_DECISION });
        }
        if self.decision.is_none() {
            p.push("decision", Issue::Required);
        }
        let reason = p.take(text::required("reason", self.reason.as_deref(), text::TEXT_MAX));
        match (self.decision, reason) {
            (Some(step), Some(reason)) if p.is_empty() => {
                let req = match step {
                    ActionStep::Confirm => ActionRequest::Confirm,
                    ActionStep::Dismiss => ActionRequest::Dismiss { reason: reason.clone() },
                };
                Ok((ids, req, reason))
            }
            _ => Err(p.into_error()),
        }
    }
}

/// Body of `POST /api/v1/points/deductions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDeduction {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub person_id: Option<PersonId>,
    /// A deduction type of the points scheme (`verified_complaint`, …).
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub kind: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub reason: Option<String>,
    /// The day of the offence; its year is the year charged. Defaults to today.
    pub date: Option<NaiveDate>,
    pub case_id: Option<CaseId>,
    pub problem_id: Option<ProblemId>,
    pub finding_id: Option<FindingId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeductionFields {
    pub person_id: PersonId,
    pub kind: String,
    pub points: u32,
    pub reason: String,
    pub date: NaiveDate,
    pub year: i32,
    pub case_id: Option<CaseId>,
    pub problem_id: Option<ProblemId>,
    pub finding_id: Option<FindingId>,
}

impl NewDeduction {
    pub fn validate(&self, scheme: &PointsScheme, today: NaiveDate) -> Result<DeductionFields, DomainError> {
        let mut p = Problems::new();
        if self.person_id.is_none() {
            p.push("person_id", Issue::Required);
        }
        let kind = match self.kind.as_deref().map(text::clean) {
            None | Some("") => {
                p.push("kind", Issue::Required);
                None
            }
            Some(k) => match scheme.cost(k) {
                Ok(cost) => Some((k.to_owned(), cost)),
                Err(DomainError::Invalid(errors)) => {
                    p.extend(errors);
                    None
                }
                Err(other) => return Err(other),
            },
        };
        let reason = p.take(text::required("reason", self.reason.as_deref(), text::TEXT_MAX));
        let date = self.date.unwrap_or(today);
        if date > today {
            p.push("date", Issue::OutOfRange { min: 0, max: 0 });
        }
        let (Some(person_id), Some((kind, points)), Some(reason), true) = (self.person_id, kind, reason, p.is_empty())
        else {
            return Err(p.into_error());
        };
        Ok(DeductionFields {
            person_id,
            kind,
            points,
            reason,
            date,
            year: date.year(),
            case_id: self.case_id,
            problem_id: self.problem_id,
            finding_id: self.finding_id,
        })
    }
}

/// One deduction of points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deduction {
    pub id: DeductionId,
    pub person_id: PersonId,
    pub year: i32,
    pub kind: String,
    /// What the scheme charged when it was recorded (the balance never goes below zero).
    pub points: u32,
    pub reason: String,
    pub date: NaiveDate,
    pub case_id: Option<CaseId>,
    pub problem_id: Option<ProblemId>,
    pub finding_id: Option<FindingId>,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// A person's points in a year: a line of the points table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonPoints {
    pub person_id: PersonId,
    pub name: String,
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    pub year: i32,
    pub yearly: u32,
    pub remaining: u32,
    pub deducted: u32,
    pub reached_zero: bool,
}

/// `GET /api/v1/people/{id}/points`: the balance and the deductions behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsStatement {
    pub points: PersonPoints,
    pub deductions: Vec<Deduction>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_leave_out_what_was_overdue_before_it_arrived_or_before_they_were_on() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let rules = ProposalRules::default();
        assert!(rules.covers(day(10), day(1)), "due after it was written down");
        assert!(!rules.covers(day(1), day(10)), "imported already overdue");
        let on = ProposalRules { since: Some(day(5)), ..rules };
        assert!(!on.covers(day(4), day(1)) && on.covers(day(5), day(1)));
    }

    #[test]
    fn a_bulk_decision_names_what_is_missing() {
        let ok = BulkDecision {
            ids: vec![ActionRecordId(2), ActionRecordId(2), ActionRecordId(3)],
            decision: Some(ActionStep::Dismiss),
            reason: Some("历史数据，不予追责".into()),
        };
        let (ids, req, reason) = ok.validate().unwrap();
        assert_eq!(ids, [ActionRecordId(2), ActionRecordId(3)]);
        assert_eq!(req, ActionRequest::Dismiss { reason: reason.clone() });
        let DomainError::Invalid(errors) = BulkDecision::default().validate().unwrap_err() else { panic!() };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["ids", "decision", "reason"]);
    }

    #[test]
    fn a_rule_states_its_grounds_in_the_offices_words() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let red = Grounds::RedProblem { problem: ProblemId(7), due_on: day(1), days: 12, limit: 10 };
        assert_eq!(red.rule(), ProposalRule::RedProblem);
        assert_eq!(red.reason(), "问题 7 自 2026-12-01 起亮红灯已 12 个工作日（超过 10 个工作日），建议约谈责任领导。");
        let late = Grounds::OverdueAfterReminder { case: CaseId(3), due_on: day(1), reminded_on: day(2), days: 6 };
        assert_eq!(
            late.reason(),
            "诉求件 3 应于 2026-12-01 前答复，2026-12-02 催办后 6 个工作日仍未办结，建议书面通报批评。"
        );
        let spent = Grounds::PointsExhausted { person: "张三", year: 2026, yearly: 12 };
        assert_eq!(spent.reason(), "张三 2026 年度积分已扣完（12 分），建议进行诫勉谈话。");
    }
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

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_action_names_its_bad_fields() {
        let today = day(2026, 3, 2);
        let a = NewAction { kind: Some("scolding".into()), decided_on: Some(day(2026, 3, 3)), ..Default::default() };
        assert_eq!(a.validate(today).unwrap_err().fields(), ["kind", "unit_id", "reason", "decided_on"]);
        let a = NewAction {
            kind: Some("admonishing_talk".into()),
            person_id: Some(PersonId(7)),
            reason: Some(" 工作时间上网聊天 ".into()),
            problem_ids: vec![ProblemId(3), ProblemId(1), ProblemId(3)],
            ..Default::default()
        };
        let f = a.validate(today).unwrap();
        assert_eq!((f.kind, f.decided_on, f.reason.as_str()), (ActionKind::AdmonishingTalk, today, "工作时间上网聊天"));
        assert_eq!(f.problem_ids, [ProblemId(1), ProblemId(3)]);
        assert_eq!(DismissRequest::default().validate().unwrap_err().fields(), ["reason"]);
    }

    #[test]
    fn a_deduction_is_charged_to_the_year_of_its_date() {
        let s = PointsScheme::default();
        let today = day(2027, 1, 5);
        let d = NewDeduction {
            person_id: Some(PersonId(1)),
            kind: Some("verified_complaint".into()),
            reason: Some("有效投诉".into()),
            date: Some(day(2026, 12, 30)),
            ..Default::default()
        };
        let f = d.validate(&s, today).unwrap();
        assert_eq!((f.year, f.points), (2026, 4));
        let bad = NewDeduction { kind: Some("late".into()), ..Default::default() };
        assert_eq!(bad.validate(&s, today).unwrap_err().fields(), ["person_id", "kind", "reason"]);
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
