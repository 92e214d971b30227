//! 个人整改计划书 (seed 004: "全体干部根据个人问题台账制定了详细的个人整改计划书，剖析了问题根源、
//! 确定了整改时限"): one cadre's problems from the ledger — what is wrong, why, what will be done
//! and by when — as far as the viewer may see them. Which rows belong, their order and the counts
//! are decided here; the store only loads candidates and the renderers only lay the plan out.

use crate::bulletin::chinese_date;
use crate::ids::{PersonId, ProblemId, UnitId};
use crate::light::Light;
use crate::person::Person;
use crate::problem::{Level, Problem, ProblemState, ProblemType};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

crate::wire_enum! {
    /// Which rows of the ledger the viewer may see: a plan lists those only, and says so.
    pub enum PlanScope: "plan_scope" {
        /// The whole ledger (the office, inspectors).
        All = "all",
        /// The viewer's own units' problems and every published one (unit staff).
        OwnUnits = "own_units",
        /// Published problems only.
        Published = "published",
    }
}

/// A cadre's personal rectification plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalPlan {
    /// The document's title: `张三同志个人整改计划书`.
    pub title: String,
    pub person: PlanPerson,
    /// The China date the lights and the overdue count were judged on (数据截至).
    pub as_of: NaiveDate,
    /// Which rows of the ledger the viewer may see; every count is of those rows only.
    pub scope: PlanScope,
    pub counts: PlanCounts,
    /// Work still owed first, the earliest due first; then what waits for verification; then
    /// what is closed off.
    pub items: Vec<PlanItem>,
}

/// Who the plan is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanPerson {
    pub id: PersonId,
    pub name: String,
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    /// 职务.
    pub position: Option<String>,
}

/// One problem the cadre is responsible for (责任人).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanItem {
    pub problem_id: ProblemId,
    /// 编号: the office's own number of the item.
    pub reference: Option<String>,
    /// 存在的问题.
    pub description: String,
    /// The owner unit (it may differ from the cadre's own).
    pub unit_id: UnitId,
    pub unit_name: String,
    pub level: Level,
    pub category: Option<String>,
    #[serde(rename = "type")]
    pub problem_type: ProblemType,
    /// 原因分析 (问题根源).
    pub root_cause: Option<String>,
    /// 整改措施, in their order; withdrawn ones left out.
    pub measures: Vec<PlanMeasure>,
    /// 整改时限.
    pub deadline: Option<NaiveDate>,
    /// The date the light is judged by: the deadline or an earlier unfinished measure's.
    pub due_on: Option<NaiveDate>,
    pub state: ProblemState,
    pub light: Light,
    /// Still owed and past its due date (the red light).
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanMeasure {
    pub description: String,
    /// 完成时限.
    pub deadline: Option<NaiveDate>,
    pub done: bool,
    pub light: Light,
}

/// The plan's figures, each a count of its `items`: `total = unfinished + reported + closed`,
/// `overdue ≤ unfinished`, `measures_done ≤ measures`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanCounts {
    pub total: u64,
    /// 正在整改: 待整改 and 整改中.
    pub unfinished: u64,
    /// 已整改，待验收.
    pub reported: u64,
    /// 已销号.
    pub closed: u64,
    /// Unfinished and past their due date (逾期).
    pub overdue: u64,
    /// The measures of every listed problem.
    pub measures: u64,
    pub measures_done: u64,
}

impl PlanCounts {
    fn count(&mut self, item: &PlanItem) {
        self.total += 1;
        match item.state {
            ProblemState::Closed => self.closed += 1,
            ProblemState::Reported => self.reported += 1,
            ProblemState::Open | ProblemState::InProgress => self.unfinished += 1,
        }
        self.overdue += u64::from(item.overdue);
        self.measures += item.measures.len() as u64;
        self.measures_done += item.measures.iter().filter(|m| m.done).count() as u64;
    }
}

/// Where an item stands in the plan's order: work owed, then awaiting verification, then done.
fn stage(state: ProblemState) -> u8 {
    match state {
        ProblemState::Open | ProblemState::InProgress => 0,
        ProblemState::Reported => 1,
        ProblemState::Closed => 2,
    }
}

impl PersonalPlan {
    /// The plan of `person` from the ledger rows the viewer may see (`problems`, lit on `as_of`,
    /// with their measures). Rows of other people and archived ones are left out here, so the
    /// plan never depends on how the caller chose its candidates. `units` names the units.
    pub fn build(
        person: &Person,
        units: &HashMap<UnitId, String>,
        problems: impl IntoIterator<Item = Problem>,
        scope: PlanScope,
        as_of: NaiveDate,
    ) -> PersonalPlan {
        let name_of = |u: UnitId| units.get(&u).cloned().unwrap_or_else(|| u.to_string());
        let mut items: Vec<PlanItem> = problems
            .into_iter()
            .filter(|p| p.responsible_person_id == Some(person.id) && !p.archived)
            .map(|p| PlanItem {
                problem_id: p.id,
                reference: p.reference,
                description: p.description,
                unit_name: name_of(p.unit_id),
                unit_id: p.unit_id,
                level: p.level,
                category: p.category,
                problem_type: p.problem_type,
                root_cause: p.root_cause,
                measures: p
                    .measures
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|m| !m.archived)
                    .map(|m| PlanMeasure {
                        description: m.description,
                        deadline: m.deadline,
                        done: m.done,
                        light: m.light,
                    })
                    .collect(),
                deadline: p.deadline,
                due_on: p.due_on,
                overdue: p.state.is_lit() && p.due_on.is_some_and(|d| d < as_of),
                state: p.state,
                light: p.light,
            })
            .collect();
        // Undated work sorts after dated work of its stage; the id keeps equal dates stable.
        items.sort_by_key(|i| {
            let due = i.due_on.or(i.deadline);
            (stage(i.state), due.is_none(), due, i.problem_id)
        });
        let mut counts = PlanCounts::default();
        items.iter().for_each(|i| counts.count(i));
        PersonalPlan {
            title: format!("{}同志个人整改计划书", person.name),
            person: PlanPerson {
                id: person.id,
                name: person.name.clone(),
                unit_id: person.unit_id,
                unit_name: person.unit_id.map(name_of),
                position: person.position.clone(),
            },
            as_of,
            scope,
            counts,
            items,
        }
    }

    /// The figures in a sentence, as the plan's opening paragraph says them: "截至2026年3月2日，
    /// 张三同志负责整改的问题共5个，已销号2个，已整改待验收1个，正在整改2个，其中逾期1个。"
    pub fn summary(&self) -> String {
        let c = &self.counts;
        let (day, name) = (chinese_date(self.as_of), &self.person.name);
        if c.total == 0 {
            return format!("截至{day}，问题整改台账中暂无{name}同志负责整改的问题。");
        }
        let mut s = format!("截至{day}，{name}同志负责整改的问题共{}个，已销号{}个", c.total, c.closed);
        if c.reported > 0 {
            s.push_str(&format!("，已整改待验收{}个", c.reported));
        }
        s.push_str(&format!("，正在整改{}个", c.unfinished));
        if c.overdue > 0 {
            s.push_str(&format!("，其中逾期{}个", c.overdue));
        }
        s.push('。');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::MeasureId;
    use crate::light::LightThresholds;
    use crate::problem::Measure;
    use crate::time::Timestamp;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn person() -> Person {
        let t = Timestamp::from_utc(chrono::Utc::now());
        Person {
            id: PersonId(7),
            name: "李明".into(),
            kind: crate::person::PersonKind::Staff,
            unit_id: Some(UnitId(3)),
            position: Some("预算科科长".into()),
            affiliation: None,
            phone: None,
            archived: false,
            version: 1,
            created_at: t,
            updated_at: t,
        }
    }

    fn measure(id: i64, deadline: u32, done: bool, archived: bool) -> Measure {
        let t = Timestamp::from_utc(chrono::Utc::now());
        Measure {
            id: MeasureId(id),
            problem_id: crate::ids::ProblemId(0),
            description: format!("措施{id}"),
            owner_person_id: None,
            deadline: Some(day(deadline)),
            done,
            done_at: None,
            light: Light::Green,
            archived,
            version: 1,
            created_at: t,
            updated_at: t,
        }
    }

    /// A problem of person 7 in `state`, due on `due` (lit as the store would on 10 March).
    fn problem(id: i64, state: ProblemState, due: Option<u32>) -> Problem {
        let lights = LightThresholds { today: day(10), yellow_until: day(13) };
        let mut p = crate::problem::tests::sample();
        p.id = ProblemId(id);
        p.responsible_person_id = Some(PersonId(7));
        p.state = state;
        p.deadline = due.map(day);
        p.due_on = due.map(day);
        p.light = lights.of_problem(state, p.due_on);
        p.measures = Some(vec![measure(id * 10, 5, true, false), measure(id * 10 + 1, 20, false, false)]);
        p
    }

    fn build(problems: Vec<Problem>) -> PersonalPlan {
        let units = HashMap::from([(UnitId(3), "区财政局".to_owned())]);
        PersonalPlan::build(&person(), &units, problems, PlanScope::All, day(10))
    }

    #[test]
    fn owed_work_comes_first_by_due_date_then_reported_then_closed() {
        let plan = build(vec![
            problem(1, ProblemState::Closed, Some(2)),
            problem(2, ProblemState::Open, None),
            problem(3, ProblemState::Reported, Some(1)),
            problem(4, ProblemState::InProgress, Some(20)),
            problem(5, ProblemState::Open, Some(6)),
            problem(6, ProblemState::Open, Some(20)),
        ]);
        let order: Vec<i64> = plan.items.iter().map(|i| i.problem_id.get()).collect();
        assert_eq!(order, [5, 4, 6, 2, 3, 1]);
        assert_eq!(plan.title, "李明同志个人整改计划书");
        assert_eq!(plan.person.unit_name.as_deref(), Some("区财政局"));
    }

    #[test]
    fn counts_reconcile_with_the_rows() {
        let plan = build(vec![
            problem(1, ProblemState::Closed, Some(2)),
            problem(2, ProblemState::Open, Some(9)),
            problem(3, ProblemState::Reported, Some(1)),
            problem(4, ProblemState::InProgress, Some(4)),
            problem(5, ProblemState::Open, Some(10)),
        ]);
        let c = plan.counts;
        assert_eq!((c.total, c.unfinished, c.reported, c.closed, c.overdue), (5, 3, 1, 1, 2));
        assert_eq!(c.total, c.unfinished + c.reported + c.closed);
        assert_eq!(c.total as usize, plan.items.len());
        // Overdue is the red light: owed work due before the day (due today is not late yet),
        // never a reported or closed problem however old its deadline.
        let red: Vec<i64> = plan.items.iter().filter(|i| i.light == Light::Red).map(|i| i.problem_id.get()).collect();
        let overdue: Vec<i64> = plan.items.iter().filter(|i| i.overdue).map(|i| i.problem_id.get()).collect();
        assert_eq!(red, overdue);
        assert_eq!(overdue, [4, 2]);
        assert_eq!((c.measures, c.measures_done), (10, 5));
        assert_eq!(
            plan.summary(),
            "截至2026年3月10日，李明同志负责整改的问题共5个，已销号1个，已整改待验收1个，正在整改3个，其中逾期2个。"
        );
    }

    #[test]
    fn only_the_persons_live_problems_and_live_measures_belong() {
        let mut other = problem(1, ProblemState::Open, Some(20));
        other.responsible_person_id = Some(PersonId(8));
        let mut archived = problem(2, ProblemState::Open, Some(20));
        archived.archived = true;
        let mut withdrawn = problem(3, ProblemState::Open, Some(20));
        withdrawn.measures = Some(vec![measure(30, 12, false, true), measure(31, 14, false, false)]);
        withdrawn.unit_id = UnitId(9);
        let plan = build(vec![other, archived, withdrawn]);
        assert_eq!(plan.items.len(), 1);
        let item = &plan.items[0];
        assert_eq!(item.measures.iter().map(|m| m.description.as_str()).collect::<Vec<_>>(), ["措施31"]);
        assert_eq!(item.unit_name, "9", "an unnamed unit shows its id rather than nothing");
        assert_eq!(plan.counts.measures, 1);
    }

    #[test]
    fn an_empty_plan_says_there_is_nothing() {
        let plan = build(vec![]);
        assert_eq!(plan.counts, PlanCounts::default());
        assert_eq!(plan.summary(), "截至2026年3月10日，问题整改台账中暂无李明同志负责整改的问题。");
    }
}
