//! Inspections in the demo, as seed 004 tells them for 安宁区: "成立3个督查组，组织13名效能督查员，
//! 对各街道、各部门开展了4次作风纪律督查，共发现问题38个" and "区作风办组成3个督查组，先后开展2轮次
//! 专项督查，共检查部门单位70余家(次)，发现8个方面15个类型的问题 … 对发现问题的24家单位 … 点名
//! 通报"; then a re-inspection (整改回头看) of recently closed problems. Every round is committed,
//! drawn and ended on its own date through the store, so its draw verifies.

use crate::timeline::{days_after, days_before, office_time};
use crate::{Demo, DemoError};
use chrono::NaiveDate;
use rectify_domain::ids::{CampaignId, PersonId, PlanId, RoundId, UnitId};
use rectify_domain::inspection::{
    ChecklistAnswer, DrawRequest, NewFinding, NewPlan, NewReinspection, NewRound, OutcomeRequest, Round, TargetFilter,
};
use rectify_domain::time::Timestamp;
use rectify_domain::unit::UnitKind;
use rectify_store::{FixedClock, Store};
use std::sync::Arc;

/// Who inspects and who is inspected in 安宁区.
pub(crate) struct Pools {
    pub district: UnitId,
    /// The 13 效能督查员.
    pub efficiency: Vec<PersonId>,
    /// The 25 作风督查员.
    pub conduct: Vec<PersonId>,
}

/// The units found wanting in the special rounds (named in bulletins later).
pub(crate) struct Found {
    pub discipline_plan: PlanId,
    pub special_plan: PlanId,
    /// Each round and its day.
    pub discipline_rounds: Vec<(RoundId, NaiveDate)>,
    pub special_rounds: Vec<(RoundId, NaiveDate)>,
    pub named_units: Vec<UnitId>,
}

const DISCIPLINE: [&str; 6] = [
    "上下班是否按时到岗",
    "工作时间是否上网聊天、看视频",
    "是否提前下班或提前就餐",
    "值班是否在岗在位",
    "公车是否按规定停放",
    "窗口服务是否规范",
];

/// Seed 004's eight aspects (方面) of the special rounds; six are the seed's own words.
const ASPECTS: [&str; 8] =
    ["思想认识", "以学促做", "活动开展", "工作能力", "主动作为", "活动氛围", "工作纪律", "服务态度"];

/// Fifteen types (类型): the special rounds' checklist.
const TYPES: [&str; 15] = [
    "学习记录流于形式",
    "问题查摆不深不实",
    "整改台账不健全",
    "整改措施笼统",
    "活动部署未及时启动",
    "群众反映问题未及时受理",
    "办事指南未公开",
    "服务承诺未上墙",
    "一次性告知不到位",
    "工作人员脱岗",
    "工作时间做与工作无关的事",
    "服务态度生硬",
    "投诉处理不及时",
    "宣传氛围不浓",
    "领导干部带头不够",
];

fn streets_and_departments(district: UnitId) -> TargetFilter {
    TargetFilter { kinds: vec![UnitKind::Street, UnitKind::Department], under_unit_id: Some(district), system: None }
}

fn at(store: &Store, day: NaiveDate, minute: u32) -> Store {
    store.with_clock(Arc::new(FixedClock::new(office_time(day, minute))))
}

async fn plan(d: &Demo<'_>, input: NewPlan) -> Result<PlanId, DemoError> {
    Ok(d.store.inspections().create_plan(&d.actor, input, None).await?.value.plan.id)
}

/// Commits and draws a round on `day`.
async fn drawn(d: &Demo<'_>, plan: PlanId, day: NaiveDate) -> Result<Round, DemoError> {
    let s = at(d.store, day, 30);
    let r = s
        .inspections()
        .create_round(&d.actor, plan, NewRound { scheduled_on: Some(day), ..Default::default() }, None)
        .await?;
    let s = at(d.store, day, 60);
    Ok(s.inspections().draw_round(&d.actor, r.value.id, DrawRequest::default()).await?)
}

async fn finding(d: &Demo<'_>, round: RoundId, day: NaiveDate, n: u32, input: NewFinding) -> Result<(), DemoError> {
    let s = at(d.store, day, 90 + n * 7);
    let input = NewFinding { found_at: Some(Timestamp::from_utc(office_time(day, 90 + n * 7))), ..input };
    s.inspections().record_finding(&d.actor, round, input, None).await?;
    Ok(())
}

async fn end(d: &Demo<'_>, round: RoundId, day: NaiveDate) -> Result<(), DemoError> {
    at(d.store, days_after(day, 1), 400).inspections().end_round(&d.actor, round).await?;
    Ok(())
}

pub(crate) async fn anning(d: &mut Demo<'_>, pools: &Pools, start: NaiveDate) -> Result<Found, DemoError> {
    let today = d.store.today();
    // 作风纪律督查: four monthly rounds by 3 groups of the 13 效能督查员; 38 problems found.
    let discipline = plan(
        d,
        NewPlan {
            name: Some("作风纪律督查".into()),
            rhythm: Some("monthly".into()),
            theme: Some("作风纪律".into()),
            checklist: DISCIPLINE.iter().map(|s| (*s).to_owned()).collect(),
            starts_on: Some(start),
            ends_on: Some(days_after(today, 60)),
            groups: Some(3),
            inspectors_per_group: Some(4),
            targets_per_group: Some(4),
            no_repeat_rounds: Some(2),
            inspector_ids: pools.efficiency.clone(),
            target_filter: Some(streets_and_departments(pools.district)),
            ..Default::default()
        },
    )
    .await?;
    let mut found = Found {
        discipline_plan: discipline,
        special_plan: discipline,
        discipline_rounds: Vec::new(),
        special_rounds: Vec::new(),
        named_units: Vec::new(),
    };
    let mut n = 0u32;
    for (k, count) in [10u32, 10, 9, 9].into_iter().enumerate() {
        let day = days_before(today, 100 - 21 * k as u64);
        let round = drawn(d, discipline, day).await?;
        let targets: Vec<UnitId> = round.groups.iter().flat_map(|g| g.targets.iter().copied()).collect();
        for i in 0..count {
            let item = DISCIPLINE[(n as usize) % DISCIPLINE.len()];
            let unit = targets[i as usize % targets.len()];
            let input = NewFinding {
                unit_id: Some(unit),
                answers: vec![ChecklistAnswer { item: item.into(), ok: false, note: None }],
                note: Some(format!("突击检查发现{}名工作人员存在“{}”问题", 1 + n % 3, item.trim_start_matches("是否"))),
                ..Default::default()
            };
            finding(d, round.id, day, i, input).await?;
            n += 1;
        }
        end(d, round.id, day).await?;
        found.discipline_rounds.push((round.id, day));
    }

    // 专项督查: two rounds by 3 groups of the 作风督查员, 36 units each (72 家次); 24 units
    // found wanting in 8 aspects and 15 types.
    let special = plan(
        d,
        NewPlan {
            name: Some("作风建设年活动专项督查".into()),
            rhythm: Some("monthly".into()),
            theme: Some("作风建设年活动开展情况".into()),
            checklist: TYPES.iter().map(|s| (*s).to_owned()).collect(),
            starts_on: Some(start),
            ends_on: Some(days_after(today, 60)),
            groups: Some(3),
            inspectors_per_group: Some(4),
            targets_per_group: Some(12),
            no_repeat_rounds: Some(1),
            inspector_ids: pools.conduct.clone(),
            target_filter: Some(streets_and_departments(pools.district)),
            ..Default::default()
        },
    )
    .await?;
    found.special_plan = special;
    let mut t = 0usize;
    for k in 0..2u64 {
        let day = days_before(today, 60 - 25 * k);
        let round = drawn(d, special, day).await?;
        let fresh: Vec<UnitId> = round
            .groups
            .iter()
            .flat_map(|g| g.targets.iter().copied())
            .filter(|u| !found.named_units.contains(u))
            .take(12)
            .collect();
        for (i, unit) in fresh.into_iter().enumerate() {
            let kind = TYPES[t % TYPES.len()];
            let input = NewFinding {
                unit_id: Some(unit),
                answers: vec![ChecklistAnswer { item: kind.into(), ok: false, note: None }],
                aspect: Some(ASPECTS[t % ASPECTS.len()].into()),
                note: Some(format!("暗访发现：{kind}")),
                ..Default::default()
            };
            finding(d, round.id, day, i as u32, input).await?;
            found.named_units.push(unit);
            t += 1;
        }
        end(d, round.id, day).await?;
        found.special_rounds.push((round.id, day));
    }

    Ok(found)
}

/// 整改回头看 of a campaign: a tenth of the problems it closed in the last month checked
/// again; one has slipped back and is reopened (反弹).
pub(crate) async fn reinspect(d: &mut Demo<'_>, campaign: CampaignId) -> Result<(), DemoError> {
    let today = d.store.today();
    let s = d.store.clone();
    let re = s
        .inspections()
        .create_reinspection(
            &d.actor,
            NewReinspection {
                name: Some("整改回头看（近一个月销号问题）".into()),
                closed_from: Some(days_before(today, 30)),
                closed_to: Some(today),
                share_percent: Some(10),
                campaign_id: Some(campaign),
                seed_commitment: None,
            },
            None,
        )
        .await?
        .value;
    let drawn = s.inspections().draw_reinspection(&d.actor, re.id, DrawRequest::default()).await?;
    for (i, item) in drawn.items.iter().enumerate() {
        let (outcome, note) = if i == 0 {
            ("failed", Some("回访发现问题反弹：办事大厅仍有工作人员脱岗".to_owned()))
        } else {
            ("passed", None)
        };
        let req = OutcomeRequest { problem_id: Some(item.problem_id), outcome: Some(outcome.into()), note };
        s.inspections().record_check(&d.actor, re.id, req).await?;
    }
    Ok(())
}

/// (name, rhythm, theme, covert, rounds, checklist)
type JindongPlan = (&'static str, &'static str, &'static str, bool, u64, [&'static str; 3]);

/// 金东区 (seed 000): "建立“月计划、周行动、日巡查”制度，累计开展上下班纪律、公车停放、值班纪律、
/// 机关效能、中午就餐、周一夜学等专项检查行动13次 … 实行监督检查“两个不固定”". Thirteen rounds
/// over six plans by the district discipline commission's inspectors; the covert weekly round of
/// this week is drawn and still secret. Returns the units found wanting, most recent last.
pub(crate) async fn jindong(
    d: &mut Demo<'_>,
    district: UnitId,
    inspectors: Vec<PersonId>,
) -> Result<Vec<(UnitId, NaiveDate)>, DemoError> {
    let today = d.store.today();
    let start = days_before(today, 150);
    let plans: [JindongPlan; 6] = [
        (
            "机关效能月度检查",
            "monthly",
            "机关效能",
            false,
            3,
            ["办事是否超时限", "首问负责是否落实", "窗口是否有人值守"],
        ),
        ("上下班纪律周行动", "weekly", "上下班纪律", false, 2, ["是否按时到岗", "是否提前离岗", "是否代打卡"]),
        ("公车停放日巡查", "daily", "公车停放", false, 2, ["公车是否入库停放", "节假日公车是否封存", "是否公车私用"]),
        (
            "值班纪律周行动",
            "weekly",
            "值班纪律",
            false,
            2,
            ["值班人员是否在岗", "值班记录是否完整", "电话是否有人接听"],
        ),
        ("中午就餐日巡查", "daily", "中午就餐", false, 2, ["是否提前就餐", "是否午间饮酒", "是否超时就餐"]),
        ("周一夜学周行动", "weekly", "周一夜学", true, 2, ["是否按时参加", "是否请假手续齐全", "学习记录是否真实"]),
    ];
    let mut found = Vec::new();
    let mut k = 0u64;
    for (name, rhythm, theme, covert, rounds, checklist) in plans {
        let id = plan(
            d,
            NewPlan {
                name: Some(name.into()),
                rhythm: Some(rhythm.into()),
                theme: Some(theme.into()),
                checklist: checklist.iter().map(|s| (*s).to_owned()).collect(),
                starts_on: Some(start),
                ends_on: Some(days_after(today, 30)),
                groups: Some(2),
                inspectors_per_group: Some(2),
                targets_per_group: Some(3),
                no_repeat_rounds: Some(3),
                covert,
                inspector_ids: inspectors.clone(),
                target_filter: Some(TargetFilter {
                    kinds: vec![UnitKind::Department],
                    under_unit_id: Some(district),
                    system: None,
                }),
                ..Default::default()
            },
        )
        .await?;
        for r in 0..rounds {
            // The last round of the covert plan is this week's: drawn, not yet ended.
            let running = covert && r + 1 == rounds;
            let day = if running { days_before(today, 1) } else { days_before(today, 140 - 10 * k) };
            k += 1;
            let round = drawn(d, id, day).await?;
            if running {
                continue;
            }
            let targets: Vec<UnitId> = round.groups.iter().flat_map(|g| g.targets.iter().copied()).collect();
            // Roughly one unit in three visited is found wanting.
            for (i, unit) in targets.iter().enumerate().filter(|(i, _)| (i + k as usize).is_multiple_of(3)) {
                let item = checklist[i % checklist.len()];
                let input = NewFinding {
                    unit_id: Some(*unit),
                    answers: vec![ChecklistAnswer { item: item.into(), ok: false, note: None }],
                    note: Some(format!("{theme}检查：{}", item.trim_start_matches("是否"))),
                    ..Default::default()
                };
                finding(d, round.id, day, i as u32, input).await?;
                found.push((*unit, day));
            }
            end(d, round.id, day).await?;
        }
    }
    d.summary.rounds += k as usize;
    Ok(found)
}
