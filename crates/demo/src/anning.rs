//! 安宁区 (seed 004): the 2018 drive 转变作风改善发展环境建设年. The district published the
//! complaint phones and mailboxes of 8 streets and 45 departments; leadership, its members and
//! every unit listed problems in six aspects. Seed 004's own ledger had 7,393 problems with
//! 4,553 fixed (61.59%); the demo keeps that rate at a few hundred problems, across states and
//! lights, with its 13 效能督查员 and 25 作风督查员; and the 120 items of its 最多跑一次 list.

use crate::catalog::{self, Area};
use crate::inspections::{self, Pools};
use crate::personal;
use crate::plan::{Life, Outcome, schedule};
use crate::timeline::{Timeline, days_after, days_before};
use crate::{Demo, DemoError, names, rows};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rectify_domain::campaign::{NewCampaign, PhaseInput};
use rectify_domain::ids::{PersonId, UnitId};
use rectify_domain::person::PersonKind;
use rectify_domain::problem::{Level, NewMeasure, NewProblem, ProblemType, SourceKind};
use rectify_domain::unit::{NewUnit, UnitKind};
use std::collections::HashSet;

const UNITS: &str = include_str!("../data/anning.tsv");
const ITEMS: &str = include_str!("../data/anning-items.tsv");

/// The six aspects and typical problems found in each.
const ASPECTS: [(&str, [&str; 6]); 6] = [
    (
        "廉政建设",
        ["公务接待超标准", "违规使用公车", "收受服务对象礼品", "办公用房超标", "为亲友办事打招呼", "违规发放津贴补贴"],
    ),
    (
        "依法办事",
        [
            "行政执法程序不规范",
            "执法文书填写不完整",
            "乱收费、乱罚款",
            "行政处罚自由裁量不统一",
            "执法人员未亮证执法",
            "重大决策未经合法性审查",
        ],
    ),
    (
        "服务环境",
        ["办事指南未公开", "办事大厅环境脏乱", "无障碍设施缺失", "收费标准未公示", "服务承诺未上墙", "便民设施不全"],
    ),
    (
        "履职效率",
        [
            "审批超过承诺时限",
            "推诿扯皮、效率低下",
            "群众来电无人接听",
            "项目手续办理慢",
            "企业诉求回应迟缓",
            "会议多、落实少",
        ],
    ),
    (
        "管理效能",
        ["制度执行不到位", "考勤管理松散", "投诉处理不及时", "内部监督不力", "工作台账不健全", "岗位职责不清"],
    ),
    (
        "服务效果",
        ["服务态度生硬", "一次性告知不到位", "群众多次往返", "服务方式单一", "主动服务意识不强", "群众满意度不高"],
    ),
];

const LEADERS: [&str; 26] = [
    "区委书记",
    "区委副书记、区长",
    "区人大常委会主任",
    "区政协主席",
    "区委副书记",
    "区委常委、常务副区长",
    "区委常委、纪委书记",
    "区委常委、组织部部长",
    "区委常委、宣传部部长",
    "区委常委、政法委书记",
    "区委常委、统战部部长",
    "区委常委、副区长",
    "区人大常委会副主任",
    "区人大常委会副主任",
    "区人大常委会副主任",
    "副区长",
    "副区长",
    "副区长",
    "副区长",
    "区政协副主席",
    "区政协副主席",
    "区政协副主席",
    "区政协副主席",
    "区人民法院院长",
    "区人民检察院检察长",
    "区政府党组成员",
];

/// (班子 problems, 班子成员 problems, unit problems, closed): 20 and 104 as in the seed. With the
/// personal problems of 区财政局's cadres (`personal::PROBLEMS`: 13, 8 closed), 424 items at the
/// seed's 61.59% rate.
const COUNTS: (usize, usize, usize, usize) = (20, 104, 287, 253);
const _: () = assert!(COUNTS.2 + personal::PROBLEMS.0 == 300 && COUNTS.3 + personal::PROBLEMS.1 == 261);

pub async fn load(d: &mut Demo<'_>) -> Result<(), DemoError> {
    let mut rng = StdRng::seed_from_u64(20180815);
    let today = d.store.today();
    let now = d.store.now().utc();
    let district = d.unit("安宁区", None, UnitKind::District, None).await?;
    let office = d
        .unit_with(NewUnit {
            name: Some("安宁区转变作风改善发展环境建设年活动领导小组办公室".into()),
            parent_id: Some(district),
            kind: Some(UnitKind::Office),
            complaint_phone: Some("0931-7661234".into()),
            mailbox: Some("zfb@anning.example.gov.cn".into()),
            ..Default::default()
        })
        .await?;
    let mut units = Vec::new();
    for (i, row) in rows(UNITS).enumerate() {
        let id = d
            .unit_with(NewUnit {
                name: Some(row[0].into()),
                parent_id: Some(district),
                kind: UnitKind::parse(row[1]),
                complaint_phone: Some(format!("0931-76{:05}", 10_000 + i * 137)),
                mailbox: Some(format!("xinxiang{:02}@anning.example.gov.cn", i + 1)),
                ..Default::default()
            })
            .await?;
        let head = d.person(names::person(&mut rng), Some(id), PersonKind::Staff, "主要负责人", None).await?;
        units.push((id, head));
    }
    let mut leaders: Vec<PersonId> = Vec::new();
    for position in LEADERS {
        leaders.push(d.person(names::person(&mut rng), Some(district), PersonKind::Staff, position, None).await?);
    }
    let mut pools = Pools { district, efficiency: Vec::new(), conduct: Vec::new() };
    for (count, title) in [(13, "效能督查员"), (25, "作风督查员")] {
        for _ in 0..count {
            let affiliation = ["区人大代表", "区政协委员", "企业代表", "社区群众代表"][rng.random_range(0..4)];
            let p = d
                .person(names::person(&mut rng), Some(office), PersonKind::Supervisor, title, Some(affiliation))
                .await?;
            if count == 13 { pools.efficiency.push(p) } else { pools.conduct.push(p) }
        }
    }

    let start = days_before(today, 120);
    let mut participants: Vec<UnitId> = units.iter().map(|u| u.0).collect();
    participants.push(district);
    let campaign = d
        .store
        .campaigns().create_campaign(
            &d.actor,
            NewCampaign {
                name: Some("安宁区转变作风改善发展环境建设年".into()),
                description: Some("聚焦6个方面突出问题，通过班子议、领导点、自己找、主动问、相互帮、群众提查找问题，建立整改台账，明确整改措施和时限。".into()),
                starts_on: Some(start),
                ends_on: Some(days_after(today, 90)),
                phases: vec![
                    PhaseInput { name: Some("动员部署".into()), due_on: Some(days_before(today, 110)) },
                    PhaseInput { name: Some("查摆问题".into()), due_on: Some(days_before(today, 80)) },
                    PhaseInput { name: Some("整改落实".into()), due_on: Some(days_after(today, 30)) },
                    PhaseInput { name: Some("总结提升".into()), due_on: Some(days_after(today, 90)) },
                ],
                unit_ids: participants,
            },
            None,
        )
        .await?
        .value;
    d.summary.campaigns += 1;

    let (team, members, unit_items, closed) = COUNTS;
    let total = team + members + unit_items;
    let mut outcomes: Vec<Outcome> = (0..total)
        .map(|i| match i {
            i if i < closed => Outcome::Closed,
            i if i < closed + 30 => Outcome::Reported,
            i if i < closed + 30 + 95 => Outcome::InProgress,
            _ => Outcome::Open,
        })
        .collect();
    outcomes.shuffle(&mut rng);

    let mut t = Timeline::new();
    for (n, outcome) in outcomes.into_iter().enumerate() {
        let (aspect, problems) = ASPECTS[n % ASPECTS.len()];
        let what = problems[rng.random_range(0..problems.len())];
        let (unit, level, person, description) = if n < team {
            (district, Level::LeadershipTeam, None, format!("区级领导班子：{what}问题在分管领域督促整改不够"))
        } else if n < team + members {
            let p = leaders[(n - team) % leaders.len()];
            (district, Level::TeamMember, Some(p), format!("{}：分管领域{what}", LEADERS[(n - team) % LEADERS.len()]))
        } else {
            let (u, head) = units[rng.random_range(0..units.len())];
            (u, Level::Unit, Some(head), what.to_owned())
        };
        let created = days_after(start, rng.random_range(15..45));
        let deadline = match outcome {
            Outcome::Closed => days_after(created, rng.random_range(15..70)),
            // Work still owed: about a third overdue, some due within days, the rest later.
            _ => match rng.random_range(0..100) {
                0..35 => days_before(today, rng.random_range(1..40)),
                35..50 => days_after(today, rng.random_range(0..3)),
                _ => days_after(today, rng.random_range(8..80)),
            },
        };
        let started = days_after(created, rng.random_range(1..10));
        let reported = days_after(started, rng.random_range(5..50)).min(days_before(today, 2));
        let input = NewProblem {
            description: Some(description),
            unit_id: Some(unit),
            responsible_person_id: person,
            level: Some(level),
            category: Some(aspect.into()),
            problem_type: Some(if n % 9 == 0 { ProblemType::Institutional } else { ProblemType::TimeLimited }),
            root_cause: Some("宗旨意识不强，作风建设抓得不紧不实".into()),
            deadline: Some(deadline),
            campaign_id: Some(campaign.id),
            sources: vec![
                [SourceKind::SelfCheck, SourceKind::PublicOpinion, SourceKind::Superior, SourceKind::Inspection][n % 4],
            ],
            published: n % 3 != 0,
            measures: vec![NewMeasure {
                description: Some(format!("针对“{what}”制定整改措施，明确责任人和时限")),
                deadline: Some(deadline),
                ..Default::default()
            }],
            ..Default::default()
        };
        let life = Life {
            created,
            outcome,
            started: started.min(today),
            reported,
            closed: days_after(reported, rng.random_range(1..6)).min(days_before(today, 1)),
            progress: "已召开专题会议，制定整改方案和个人整改计划书".into(),
            result: "整改措施已落实，相关制度已建立并执行".into(),
        };
        schedule(&mut t, input, &life, (n as u32 * 7) % 400);
    }
    let finance = rows(UNITS).position(|r| r[0] == "区财政局").map(|i| units[i].0).ok_or(DemoError::Order)?;
    personal::finance_bureau(d, &mut t, finance, campaign.id, start).await?;
    d.summary.problems += t.run(d.store, &d.actor, now).await?.len();
    let found = inspections::anning(d, &pools, start).await?;
    d.summary.rounds += found.discipline_rounds.len() + found.special_rounds.len();
    let praised: Vec<UnitId> = units.iter().map(|u| u.0).filter(|u| !found.named_units.contains(u)).collect();
    crate::accountability::anning(d, district, &found, &praised, start).await?;
    // The 120 items of its 最多跑一次 list, at the windows of 区政务服务中心 (windows, not
    // departments: the 45 departments stay as published).
    let hall = rows(UNITS).position(|r| r[0] == "区政务服务中心").map(|i| units[i].0).ok_or(DemoError::Order)?;
    let area = Area {
        parent: hall,
        kind: UnitKind::Window,
        system: None,
        code: "620105",
        phone: "0931-762",
        hours: "周一至周五 9:00—12:00，14:30—17:30（法定节假日除外）",
        seed: 20180601,
    };
    catalog::load(d, &area, ITEMS, &mut HashSet::new()).await?;
    Ok(())
}
