//! Inspection bulletins (督查通报): the figures of seed 004's paragraph — groups, inspectors,
//! rounds, units visited, problems found by aspect and type, bulletins issued, units named,
//! people sanctioned — counted from rounds, findings and confirmed actions, and the frozen
//! content of a published bulletin.

use crate::accountability::ActionKind;
use crate::error::{DomainError, Issue, Problems};
use crate::ids::{FindingId, InspectionBulletinId, PersonId, PlanId, ProblemId, RoundId, UnitId};
use crate::text;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A drawn round as the figures see it.
#[derive(Debug, Clone)]
pub struct RoundFact {
    pub groups: Vec<super::DrawGroup>,
}

#[derive(Debug, Clone)]
pub struct FindingFact {
    pub unit: UnitId,
    pub aspect: String,
    /// The checklist items found wanting; a finding with none counts under its aspect.
    pub types: Vec<String>,
}

/// A confirmed action or praise.
#[derive(Debug, Clone)]
pub struct ActionFact {
    pub kind: ActionKind,
    pub unit: Option<UnitId>,
    pub person: Option<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    pub name: String,
    pub count: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionFigures {
    /// Inspection groups formed (the most in one round: 成立3个督查组).
    pub groups: u32,
    /// Different inspectors who went out.
    pub inspectors: u32,
    pub rounds: u32,
    /// Visits, a unit counted once per round (家次).
    pub unit_visits: u32,
    /// Different units visited.
    pub units_visited: u32,
    pub problems_found: u32,
    pub units_with_problems: u32,
    /// Problems by aspect (方面) and by type (类型), most first.
    pub by_aspect: Vec<Tally>,
    pub by_type: Vec<Tally>,
    pub bulletins_issued: u32,
    /// Different units named in a bulletin or criticised by name (点名通报/点名批评).
    pub units_named: u32,
    /// Different people given a sanction (通报批评, 诫勉谈话, 取消评先评优资格, 扣发奖金 …).
    pub people_sanctioned: u32,
    /// Praise bulletins (正面典型通报).
    pub praise: u32,
}

fn tallies(counts: BTreeMap<String, u32>) -> Vec<Tally> {
    let mut v: Vec<Tally> = counts.into_iter().map(|(name, count)| Tally { name, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    v
}

/// Actions that name a unit publicly.
fn names_unit(kind: ActionKind) -> bool {
    matches!(kind, ActionKind::Bulletin | ActionKind::NamedCriticism | ActionKind::CriticismBulletin)
}

pub fn inspection_figures(
    rounds: &[RoundFact],
    findings: &[FindingFact],
    actions: &[ActionFact],
    bulletins_issued: u32,
) -> InspectionFigures {
    let mut inspectors = BTreeSet::new();
    let mut visited = BTreeSet::new();
    let mut visits = 0u32;
    for r in rounds {
        for g in &r.groups {
            inspectors.extend(g.inspectors.iter().copied());
            visited.extend(g.targets.iter().copied());
            visits += g.targets.len() as u32;
        }
    }
    let mut by_aspect = BTreeMap::new();
    let mut by_type = BTreeMap::new();
    for f in findings {
        *by_aspect.entry(f.aspect.clone()).or_insert(0) += 1;
        if f.types.is_empty() {
            *by_type.entry(f.aspect.clone()).or_insert(0) += 1;
        }
        for t in &f.types {
            *by_type.entry(t.clone()).or_insert(0) += 1;
        }
    }
    let units_with_problems = findings.iter().map(|f| f.unit).collect::<BTreeSet<_>>().len() as u32;
    let units_named = actions
        .iter()
        .filter(|a| names_unit(a.kind) && a.person.is_none())
        .filter_map(|a| a.unit)
        .collect::<BTreeSet<_>>()
        .len() as u32;
    let people_sanctioned =
        actions.iter().filter(|a| a.kind.is_sanction()).filter_map(|a| a.person).collect::<BTreeSet<_>>().len() as u32;
    InspectionFigures {
        groups: rounds.iter().map(|r| r.groups.len() as u32).max().unwrap_or(0),
        inspectors: inspectors.len() as u32,
        rounds: rounds.len() as u32,
        unit_visits: visits,
        units_visited: visited.len() as u32,
        problems_found: findings.len() as u32,
        units_with_problems,
        by_aspect: tallies(by_aspect),
        by_type: tallies(by_type),
        bulletins_issued,
        units_named,
        people_sanctioned,
        praise: actions.iter().filter(|a| a.kind == ActionKind::Praise).count() as u32,
    }
}

/// Body of `POST /api/v1/inspection-bulletins`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewInspectionBulletin {
    /// Defaults to 督查通报.
    pub title: Option<String>,
    /// The issuing office (defaults to the office's name in settings or 督查办).
    pub issuer: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub period_from: Option<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub period_to: Option<NaiveDate>,
    /// One round only (its findings); the period still bounds actions and praise.
    pub round_id: Option<RoundId>,
    /// The rounds of one plan only.
    pub plan_id: Option<PlanId>,
    /// An area (a district, a system): only rounds that visited units under it, and actions on
    /// its units and their people.
    pub area_unit_id: Option<UnitId>,
    /// An editor's note printed above the figures.
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BulletinFields {
    pub title: String,
    pub issuer: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub round_id: Option<RoundId>,
    pub plan_id: Option<PlanId>,
    pub area_unit_id: Option<UnitId>,
    pub note: Option<String>,
}

impl NewInspectionBulletin {
    pub fn validate(&self) -> Result<BulletinFields, DomainError> {
        let mut p = Problems::new();
        let title = p.take(text::optional("title", self.title.as_deref(), text::NAME_MAX)).flatten();
        let issuer = p.take(text::optional("issuer", self.issuer.as_deref(), text::NAME_MAX)).flatten();
        let note = p.take(text::optional("note", self.note.as_deref(), text::TEXT_MAX)).flatten();
        for (f, v) in [("period_from", self.period_from), ("period_to", self.period_to)] {
            if v.is_none() {
                p.push(f, Issue::Required);
            }
        }
        if let (Some(a), Some(b)) = (self.period_from, self.period_to)
            && b < a
        {
            p.push("period_to", Issue::BeforeOther { other: "period_from".into() });
        }
        let (Some(period_from), Some(period_to), true) = (self.period_from, self.period_to, p.is_empty()) else {
            return Err(p.into_error());
        };
        Ok(BulletinFields {
            title: title.unwrap_or_else(|| "督查通报".into()),
            issuer: issuer.unwrap_or_else(|| "督查办".into()),
            period_from,
            period_to,
            round_id: self.round_id,
            plan_id: self.plan_id,
            area_unit_id: self.area_unit_id,
            note,
        })
    }
}

/// A finding as a bulletin lists it under its unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinFinding {
    pub finding_id: FindingId,
    pub problem_id: ProblemId,
    pub aspect: String,
    pub description: String,
    pub found_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinUnit {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub findings: Vec<BulletinFinding>,
}

/// An action or praise as printed: on a unit, a person, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulletinAction {
    pub kind: ActionKind,
    pub unit_name: Option<String>,
    pub person_name: Option<String>,
    pub reason: String,
    pub decided_on: NaiveDate,
}

/// A published bulletin: everything it says is frozen at publication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionBulletin {
    pub id: InspectionBulletinId,
    pub year: i32,
    /// 第N期, counted per issuer and year.
    pub number: u32,
    pub title: String,
    pub issuer: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub round_id: Option<RoundId>,
    pub plan_id: Option<PlanId>,
    pub area_unit_id: Option<UnitId>,
    pub note: Option<String>,
    pub figures: InspectionFigures,
    pub units: Vec<BulletinUnit>,
    pub actions: Vec<BulletinAction>,
    pub praise: Vec<BulletinAction>,
    pub published_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspection::DrawGroup;

    #[test]
    fn figures_count_visits_units_and_distinct_people() {
        let g = |i: &[i64], t: &[i64]| DrawGroup {
            inspectors: i.iter().map(|x| PersonId(*x)).collect(),
            targets: t.iter().map(|x| UnitId(*x)).collect(),
        };
        let rounds = vec![
            RoundFact { groups: vec![g(&[1, 2], &[10, 11]), g(&[3, 4], &[12])] },
            RoundFact { groups: vec![g(&[1, 5], &[10])] },
        ];
        let f = |u: i64, a: &str, t: &[&str]| FindingFact {
            unit: UnitId(u),
            aspect: a.into(),
            types: t.iter().map(|s| (*s).to_owned()).collect(),
        };
        let findings = vec![f(10, "工作纪律", &["脱岗"]), f(10, "工作纪律", &["脱岗"]), f(12, "服务态度", &[])];
        let a = |k: ActionKind, u: Option<i64>, p: Option<i64>| ActionFact {
            kind: k,
            unit: u.map(UnitId),
            person: p.map(PersonId),
        };
        let actions = vec![
            a(ActionKind::NamedCriticism, Some(10), None),
            a(ActionKind::NamedCriticism, Some(10), None),
            a(ActionKind::Bulletin, Some(12), None),
            a(ActionKind::BonusWithheld, Some(10), Some(7)),
            a(ActionKind::CriticismBulletin, None, Some(7)),
            a(ActionKind::NoHonours, None, Some(8)),
            a(ActionKind::Praise, Some(11), None),
        ];
        let x = inspection_figures(&rounds, &findings, &actions, 2);
        assert_eq!((x.groups, x.inspectors, x.rounds, x.unit_visits, x.units_visited), (2, 5, 2, 4, 3));
        assert_eq!((x.problems_found, x.units_with_problems), (3, 2));
        assert_eq!(x.by_aspect[0], Tally { name: "工作纪律".into(), count: 2 });
        assert_eq!(x.by_type.len(), 2);
        assert_eq!((x.units_named, x.people_sanctioned, x.praise, x.bulletins_issued), (2, 2, 1, 2));
    }
}
