//! 蔡甸区 (seed 003): 300 units in 46 systems taking part in the 2010 campaign to create
//! "群众满意基层站所", with the self-check problems of its 创建评议 phase.

use crate::plan::{Life, Outcome, schedule};
use crate::timeline::{Action, Timeline, days_after, days_before, office_time};
use crate::{Demo, DemoError, names, rows};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rectify_domain::campaign::{NewCampaign, PhaseInput};
use rectify_domain::person::PersonKind;
use rectify_domain::problem::{Level, NewMeasure, NewProblem, ProblemType, SourceKind};
use rectify_domain::unit::UnitKind;

const UNITS: &str = include_str!("../data/caidian.tsv");

/// The six failings the 2010 opinion asks each station to look for in its self-check, with the
/// evaluation aspect each belongs to.
const SELF_CHECK: [(&str, &str, &str); 6] = [
    ("敷衍群众、态度蛮横", "服务效果", "开展文明服务教育，实行首问负责制"),
    ("办事拖拉、互相推诿", "履职效率", "公开办理时限，实行限时办结"),
    ("履责不力、失职渎职", "管理效能", "明确岗位职责，建立过错追究制度"),
    ("野蛮执法、违法行政", "依法办事", "规范执法程序，推行执法全过程记录"),
    ("乱收乱罚、设置障碍", "依法办事", "公示收费罚款标准，清理不合理门槛"),
    ("吃拿卡要、行为不廉", "廉政建设", "签订廉洁承诺书，设立举报电话和意见箱"),
];

fn kind(s: &str) -> UnitKind {
    UnitKind::parse(s).unwrap_or(UnitKind::Department)
}

pub async fn load(d: &mut Demo<'_>) -> Result<(), DemoError> {
    let mut rng = StdRng::seed_from_u64(20100408);
    let today = d.store.today();
    let now = d.store.now().utc();
    let district = d.unit("蔡甸区", None, UnitKind::District, None).await?;
    d.unit("蔡甸区创建“群众满意基层站所”活动领导小组办公室", Some(district), UnitKind::Office, None).await?;

    let mut stations = Vec::new();
    for row in rows(UNITS) {
        let (system, parent_name, parent_kind) = (row[1], row[3], row[4]);
        let parent = d.unit(parent_name, Some(district), kind(parent_kind), Some(system)).await?;
        let listed = |i: usize| {
            row.get(i).map(|s| s.split('、').filter(|n| !n.is_empty()).collect::<Vec<_>>()).unwrap_or_default()
        };
        let mut members: Vec<(String, UnitKind)> = listed(5)
            .into_iter()
            .map(|n| (n.to_owned(), if n.ends_with("窗口") { UnitKind::Window } else { UnitKind::Station }))
            .collect();
        members.extend(listed(6).into_iter().map(|n| (n.to_owned(), UnitKind::Section)));
        if members.is_empty() {
            let count: usize = row[2].parse().unwrap_or(0);
            members = (1..=count).map(|i| (format!("{i}号窗口"), UnitKind::Window)).collect();
        }
        for (name, k) in members {
            stations.push(d.unit(&name, Some(parent), k, Some(system)).await?);
        }
    }

    let start = days_before(today, 60);
    let campaign = d
        .store
        .campaigns()
        .create_campaign(
            &d.actor,
            NewCampaign {
                name: Some("蔡甸区创建“群众满意基层站所”活动".into()),
                description: Some("以“提高效能，优化服务”为主题，提高行政效能、服务质量、执法水平和综合素质。".into()),
                starts_on: Some(start),
                ends_on: Some(days_after(today, 150)),
                phases: vec![
                    PhaseInput { name: Some("动员学习阶段".into()), due_on: Some(days_before(today, 30)) },
                    PhaseInput { name: Some("创建评议阶段".into()), due_on: Some(days_after(today, 60)) },
                    PhaseInput { name: Some("考核评选阶段".into()), due_on: Some(days_after(today, 120)) },
                    PhaseInput { name: Some("总结命名阶段".into()), due_on: Some(days_after(today, 150)) },
                ],
                unit_ids: stations.clone(),
            },
            None,
        )
        .await?
        .value;
    d.summary.campaigns += 1;

    let mut t = Timeline::new();
    for n in 0..60usize {
        let unit = stations[rng.random_range(0..stations.len())];
        let (failing, aspect, measure) = SELF_CHECK[n % SELF_CHECK.len()];
        let head = d.person(names::person(&mut rng), Some(unit), PersonKind::Staff, "站所负责人", None).await?;
        let created = days_after(start, rng.random_range(25..40));
        let outcome = match n % 5 {
            0 | 1 => Outcome::Closed,
            2 => Outcome::Reported,
            3 => Outcome::InProgress,
            _ => Outcome::Open,
        };
        let deadline = match outcome {
            Outcome::Closed | Outcome::Reported => days_after(created, 20),
            _ => days_after(today, rng.random_range(0..45)),
        };
        let input = NewProblem {
            description: Some(format!("自查发现：个别工作人员存在“{failing}”现象")),
            unit_id: Some(unit),
            responsible_person_id: Some(head),
            level: Some(Level::Individual),
            category: Some(aspect.into()),
            problem_type: Some(ProblemType::TimeLimited),
            deadline: Some(deadline),
            campaign_id: Some(campaign.id),
            sources: vec![SourceKind::SelfCheck],
            published: n % 2 == 0,
            measures: vec![NewMeasure {
                description: Some(measure.into()),
                deadline: Some(deadline),
                ..Default::default()
            }],
            ..Default::default()
        };
        let started = days_after(created, 2);
        let life = Life {
            created,
            outcome,
            started,
            reported: days_after(started, rng.random_range(3..12)).min(days_before(today, 1)),
            closed: days_before(today, 1),
            progress: "已召开专题会议研究分析，制定整改措施".into(),
            result: "整改情况已形成报告，在辖区范围内向企业和群众代表报告".into(),
        };
        let p = schedule(&mut t, input, &life, n as u32 * 5);
        // Two stations ask for more time on work under way: one is granted, one refused.
        if let (3 | 8, Outcome::InProgress) = (n, outcome) {
            let asked = office_time(days_before(today, 3), 60);
            let reason = "涉及场地改造，需待区财政资金下达后实施".to_owned();
            t.step(p, asked, Action::AskExtension { due: days_after(deadline, 30), reason });
            t.step(p, office_time(days_before(today, 2), 90), Action::DecideExtension { approve: n == 3 });
        }
    }
    d.summary.problems += t.run(d.store, &d.actor, now).await?.len();
    crate::inspections::reinspect(d, campaign.id).await
}
