//! Inspection plans (月计划, 周行动, 日巡查) and their rounds: what is checked, who may go where
//! (一单两库: one checklist, a pool of inspectors and a pool of units) and the life of a round
//! (committed → drawn → ended: `round.rs`).

use super::draw::{Draw, DrawRules};
use super::round::RoundStatus;
use crate::error::{DomainError, Issue, Problems};
use crate::ids::{CampaignId, PersonId, PlanId, RoundId, UnitId};
use crate::text;
use crate::time::Timestamp;
use crate::unit::UnitKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Checklist items per plan; real checklists have five to twenty.
pub const MAX_CHECKLIST: usize = 50;
/// A finding's default deadline, in working days after the visit.
pub const DEFAULT_DEADLINE_WORKING_DAYS: u32 = 10;

crate::wire_enum! {
    /// How often the plan runs (明察暗访跟踪整改制度: 月计划、周行动、日巡查). Its labels are the
    /// inspection pages' own.
    pub enum Rhythm: "inspect.rhythm" {
        /// 月计划
        Monthly = "monthly",
        /// 周行动
        Weekly = "weekly",
        /// 日巡查
        Daily = "daily",
    }
}

/// Which units the target pool holds: the listed units, or the live units matching the filter
/// (kind, and under a unit — a system or an area), resolved when the plan is saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TargetFilter {
    #[serde(default)]
    pub kinds: Vec<UnitKind>,
    /// 系统, e.g. 公安, 教育.
    pub system: Option<String>,
    /// An area or a system's head unit: the units below it.
    pub under_unit_id: Option<UnitId>,
}

/// A plan has no life of its own: it is made and read, never moved from state to state; its
/// rounds are what is drawn and ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub id: PlanId,
    pub name: String,
    pub rhythm: Rhythm,
    /// 上下班纪律, 公车停放, 值班纪律, 机关效能, 中午就餐, 周一夜学, or any other.
    pub theme: String,
    pub checklist: Vec<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub rules: DrawRules,
    /// 暗访: targets are known only to the round's inspectors until the round ends.
    pub covert: bool,
    /// Category given to the problems a finding makes (defaults to the theme).
    pub category: Option<String>,
    pub deadline_working_days: u32,
    pub campaign_id: Option<CampaignId>,
    pub inspector_ids: Vec<PersonId>,
    pub target_filter: TargetFilter,
    pub target_unit_ids: Vec<UnitId>,
    pub version: i64,
    pub created_at: Timestamp,
}

/// A plan as read: its definition and, beside it, where it stands against its rhythm today
/// (the periods, the next round due, the rounds missed; see `schedule.rs`). Reckoned on every
/// read from the calendar and the rounds, never stored, so it cannot go stale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduledPlan {
    #[serde(flatten)]
    pub plan: Plan,
    #[serde(flatten)]
    pub schedule: super::Schedule,
}

/// Body of `POST /api/v1/inspection-plans`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub name: Option<String>,
    pub rhythm: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub theme: Option<String>,
    #[serde(default)]
    pub checklist: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub starts_on: Option<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub ends_on: Option<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub groups: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub inspectors_per_group: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub targets_per_group: Option<u32>,
    /// Defaults to 3.
    pub no_repeat_rounds: Option<u32>,
    #[serde(default)]
    pub covert: bool,
    pub category: Option<String>,
    pub deadline_working_days: Option<u32>,
    pub campaign_id: Option<CampaignId>,
    #[serde(default)]
    pub inspector_ids: Vec<PersonId>,
    /// Explicit target units; with `target_filter` both are combined.
    #[serde(default)]
    pub target_unit_ids: Vec<UnitId>,
    pub target_filter: Option<TargetFilter>,
}

/// A checked [`NewPlan`].
#[derive(Debug, Clone)]
pub struct PlanFields {
    pub name: String,
    pub rhythm: Rhythm,
    pub theme: String,
    pub checklist: Vec<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub rules: DrawRules,
    pub covert: bool,
    pub category: Option<String>,
    pub deadline_working_days: u32,
    pub campaign_id: Option<CampaignId>,
    pub inspector_ids: Vec<PersonId>,
    pub target_unit_ids: Vec<UnitId>,
    pub target_filter: TargetFilter,
}

fn count(p: &mut Problems, field: &str, v: Option<u32>, default: Option<u32>, min: u32, max: u32) -> u32 {
    match v.or(default) {
        None => {
            p.push(field, Issue::Required);
            min
        }
        Some(n) if n < min || n > max => {
            p.push(field, Issue::OutOfRange { min: i64::from(min), max: i64::from(max) });
            min
        }
        Some(n) => n,
    }
}

impl NewPlan {
    pub fn validate(&self) -> Result<PlanFields, DomainError> {
        let mut p = Problems::new();
        let name = p.take(text::required("name", self.name.as_deref(), text::NAME_MAX));
        let theme = p.take(text::required("theme", self.theme.as_deref(), text::NAME_MAX));
        let rhythm = match self.rhythm.as_deref().map(text::clean) {
            None | Some("") => Some(Rhythm::Monthly),
            Some(r) => {
                let parsed = Rhythm::parse(r);
                if parsed.is_none() {
                    let expected = Rhythm::ALL.iter().map(|r| r.as_str().to_owned()).collect();
                    p.push("rhythm", Issue::NotOneOf { expected });
                }
                parsed
            }
        };
        if self.checklist.len() > MAX_CHECKLIST {
            p.push("checklist", Issue::TooMany { max: MAX_CHECKLIST });
        }
        let checklist: Vec<String> = self
            .checklist
            .iter()
            .enumerate()
            .filter_map(|(i, item)| p.take(text::required(&format!("checklist[{i}]"), Some(item), text::SHORT_MAX)))
            .collect();
        if self.starts_on.is_none() {
            p.push("starts_on", Issue::Required);
        }
        if self.ends_on.is_none() {
            p.push("ends_on", Issue::Required);
        }
        if let (Some(s), Some(e)) = (self.starts_on, self.ends_on) {
            if e < s {
                p.push("ends_on", Issue::BeforeOther { other: "starts_on".into() });
            } else if (e - s).num_days() >= super::MAX_PLAN_DAYS as i64 {
                p.push("ends_on", Issue::Rule { rule: crate::error::Rule::PlanTooLong });
            }
        }
        let rules = DrawRules {
            groups: count(&mut p, "groups", self.groups, None, 1, 100),
            inspectors_per_group: count(&mut p, "inspectors_per_group", self.inspectors_per_group, None, 2, 50),
            targets_per_group: count(&mut p, "targets_per_group", self.targets_per_group, None, 1, 200),
            no_repeat_rounds: count(&mut p, "no_repeat_rounds", self.no_repeat_rounds, Some(3), 0, 100),
        };
        let deadline_working_days = count(
            &mut p,
            "deadline_working_days",
            self.deadline_working_days,
            Some(DEFAULT_DEADLINE_WORKING_DAYS),
            1,
            250,
        );
        let category = p.take(text::optional("category", self.category.as_deref(), text::NAME_MAX));
        let mut inspector_ids = self.inspector_ids.clone();
        inspector_ids.sort();
        inspector_ids.dedup();
        let mut target_unit_ids = self.target_unit_ids.clone();
        target_unit_ids.sort();
        target_unit_ids.dedup();
        let target_filter = self.target_filter.clone().unwrap_or_default();
        if target_unit_ids.is_empty() && target_filter == TargetFilter::default() {
            p.push("target_unit_ids", Issue::Required);
        }
        let (Some(name), Some(theme), Some(rhythm), Some(starts_on), Some(ends_on), Some(category), true) =
            (name, theme, rhythm, self.starts_on, self.ends_on, category, p.is_empty())
        else {
            return Err(p.into_error());
        };
        Ok(PlanFields {
            name,
            rhythm,
            theme,
            checklist,
            starts_on,
            ends_on,
            rules,
            covert: self.covert,
            category,
            deadline_working_days,
            campaign_id: self.campaign_id,
            inspector_ids,
            target_unit_ids,
            target_filter,
        })
    }
}

/// A round as its reader may see it: a covert round's targets are `None` (hidden) for everyone
/// but its inspectors until it ends, and the seed only once it has ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Round {
    pub id: RoundId,
    pub plan_id: PlanId,
    pub plan_name: String,
    pub theme: String,
    pub number: u32,
    pub scheduled_on: NaiveDate,
    pub covert: bool,
    pub status: RoundStatus,
    /// SHA-256 of the seed, published before the draw.
    pub seed_commitment: String,
    /// Whether the office holds the seed itself (given at the draw) rather than Rectify.
    pub office_seed: bool,
    /// SHA-256 of the canonical pool snapshot, published with the commitment.
    pub snapshot_digest: String,
    pub inspector_pool: usize,
    pub target_pool: usize,
    /// Revealed when the round ends.
    pub seed: Option<String>,
    pub groups: Vec<RoundGroup>,
    /// Whether the targets are withheld from this reader.
    pub targets_hidden: bool,
    pub drawn_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundGroup {
    pub number: u32,
    pub inspectors: Vec<PersonId>,
    /// Empty when withheld (see [`Round::targets_hidden`]).
    pub targets: Vec<UnitId>,
}

/// Body of `POST /api/v1/inspection-plans/{id}/rounds`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRound {
    /// Defaults to today.
    pub scheduled_on: Option<NaiveDate>,
    /// SHA-256 (hex) of a seed the office keeps to itself and gives at the draw. Without it,
    /// Rectify makes the seed and keeps it secret until the round ends.
    pub seed_commitment: Option<String>,
}

impl NewRound {
    pub fn commitment(&self) -> Result<Option<String>, DomainError> {
        match self.seed_commitment.as_deref().map(text::clean) {
            None | Some("") => Ok(None),
            Some(c) if c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()) => Ok(Some(c.to_ascii_lowercase())),
            Some(_) => Err(DomainError::field(
                "seed_commitment",
                Issue::Malformed { expected: crate::error::Expected::HexDigest },
            )),
        }
    }
}

/// Body of `POST /api/v1/rounds/{id}/draw`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DrawRequest {
    /// The seed, when the office committed to its own.
    pub seed: Option<String>,
}

/// Everything needed to check a round's draw without Rectify: published after the round ends
/// (`GET /api/v1/rounds/{id}/evidence`), checked by `rectify draw verify --evidence FILE`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawEvidence {
    pub round_id: RoundId,
    pub snapshot: super::DrawInput,
    pub seed_commitment: String,
    /// The seed as text; its UTF-8 bytes are what the draw used.
    pub seed: Option<String>,
    pub draw: Draw,
}

/// Outcome of verifying a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    pub verified: bool,
    /// `seed_mismatch`, `snapshot_changed`, `different_groups`, `impossible` or `not_revealed`.
    pub problem: Option<String>,
    pub seed_commitment: String,
    pub snapshot_digest: String,
}

impl DrawEvidence {
    /// Reruns the draw from the evidence alone.
    pub fn verify(&self) -> Verification {
        let problem = match &self.seed {
            None => Some("not_revealed".to_owned()),
            Some(seed) => match super::verify(&self.snapshot, seed.as_bytes(), &self.seed_commitment, &self.draw) {
                Ok(()) => None,
                Err(e) => Some(e.code().to_owned()),
            },
        };
        Verification {
            verified: problem.is_none(),
            problem,
            seed_commitment: self.seed_commitment.clone(),
            snapshot_digest: self.draw.snapshot_digest.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> NewPlan {
        NewPlan {
            name: Some("十月 上下班纪律".into()),
            theme: Some("上下班纪律".into()),
            checklist: vec!["是否按时到岗".into(), "是否擅离岗位".into()],
            starts_on: NaiveDate::from_ymd_opt(2026, 10, 1),
            ends_on: NaiveDate::from_ymd_opt(2026, 10, 31),
            groups: Some(3),
            inspectors_per_group: Some(2),
            targets_per_group: Some(4),
            target_unit_ids: vec![UnitId(3)],
            ..Default::default()
        }
    }

    #[test]
    fn a_plan_names_every_bad_field() {
        assert!(plan().validate().is_ok());
        let bad = NewPlan {
            rhythm: Some("hourly".into()),
            inspectors_per_group: Some(1),
            ends_on: NaiveDate::from_ymd_opt(2026, 9, 1),
            target_unit_ids: vec![],
            ..plan()
        };
        let mut fields = bad.validate().unwrap_err().fields();
        fields.sort();
        assert_eq!(fields, ["ends_on", "inspectors_per_group", "rhythm", "target_unit_ids"]);
    }

    #[test]
    fn a_plan_runs_at_most_three_years() {
        let longest = NewPlan { ends_on: NaiveDate::from_ymd_opt(2029, 9, 30), ..plan() };
        assert!(longest.validate().is_ok(), "1096 days from 1 October 2026");
        let longer = NewPlan { ends_on: NaiveDate::from_ymd_opt(2029, 10, 1), ..plan() };
        let err = longer.validate().unwrap_err();
        assert_eq!(err.fields(), ["ends_on"]);
        let crate::DomainError::Invalid(errors) = err else { panic!() };
        assert_eq!(errors[0].issue, Issue::Rule { rule: crate::error::Rule::PlanTooLong });
    }

    #[test]
    fn a_commitment_is_a_sha256() {
        let bad = NewRound { seed_commitment: Some("abc".into()), ..Default::default() };
        assert_eq!(bad.commitment().unwrap_err().fields(), ["seed_commitment"]);
    }
}
