//! 区财政局's personal rectification plans (seed 004: "区财政局……全体干部根据个人问题台账制定了
//! 详细的个人整改计划书，剖析了问题根源、确定了整改时限"): three cadres, each with the problems they
//! found in themselves (个人 level), a root cause, measures with their own deadlines and a
//! deadline, at every stage of the work — so a plan in the demo has something in each section.

use crate::plan::{Life, Outcome, schedule};
use crate::timeline::{Timeline, days_after, days_before};
use crate::{Demo, DemoError};
use chrono::NaiveDate;
use rectify_domain::ids::{CampaignId, UnitId};
use rectify_domain::person::PersonKind;
use rectify_domain::problem::{Level, NewMeasure, NewProblem, ProblemType, SourceKind};

/// A measure: what, its deadline in days from today (negative: past), done before the report.
type Step = (&'static str, i64, bool);

struct Own {
    what: &'static str,
    aspect: &'static str,
    cause: &'static str,
    measures: &'static [Step],
    outcome: Outcome,
    /// The problem's deadline, in days from today.
    due: i64,
}

const fn own(
    what: &'static str,
    aspect: &'static str,
    cause: &'static str,
    measures: &'static [Step],
    outcome: Outcome,
    due: i64,
) -> Own {
    Own { what, aspect, cause, measures, outcome, due }
}

/// (name, position, their problems).
const CADRES: [(&str, &str, &[Own]); 3] = [
    (
        "马建华",
        "预算科科长",
        &[
            own(
                "预算审核中对基层单位的合理诉求回应不及时，存在“门难进、脸难看”现象",
                "服务效果",
                "宗旨意识淡薄，服务基层的主动性不强，对“放管服”改革要求理解不深",
                &[
                    ("建立预算单位诉求登记台账，做到件件有记录、事事有回音", -60, false),
                    ("实行首问负责和限时答复制度，一般事项3个工作日内答复", -50, false),
                ],
                Outcome::Closed,
                -45,
            ),
            own(
                "部门预算编制与项目实际进度脱节，部分项目资金下达迟缓",
                "履职效率",
                "调查研究不够深入，对项目建设进度掌握不全面，统筹协调能力有待提高",
                &[("每月深入对口预算单位，掌握项目实施进度", -40, false), ("建立项目资金拨付限时办结制度", -30, false)],
                Outcome::Closed,
                -30,
            ),
            own(
                "学习政策法规不系统，对新出台的预算管理规定掌握不全面",
                "管理效能",
                "重业务轻学习，学习的自觉性和系统性不够",
                &[("制定个人学习计划，每周集中学习不少于4小时", -20, true), ("撰写学习心得并在科室交流", -10, false)],
                Outcome::Reported,
                -5,
            ),
            own(
                "对预算单位的指导服务以会代训、以文代训，深入一线不够",
                "服务效果",
                "工作作风不够扎实，存在以会议落实会议、以文件落实文件的思想",
                &[
                    ("每季度到基层预算单位现场指导不少于2次", -25, true),
                    ("编印预算编制操作指南并送到基层单位", -8, false),
                    ("建立预算单位意见征集和反馈机制", 20, false),
                ],
                Outcome::InProgress,
                20,
            ),
            own(
                "预算执行分析报告内容空泛，对领导决策的参考作用不大",
                "管理效能",
                "研究分析能力不足，对数据背后的问题挖掘不深",
                &[
                    ("改进预算执行分析报告格式，增加问题分析和对策建议", 2, false),
                    ("每月召开一次预算执行分析会", 30, false),
                ],
                Outcome::Open,
                30,
            ),
        ],
    ),
    (
        "刘晓燕",
        "国库科副科长",
        &[
            own(
                "国库集中支付审核把关不严，个别支付凭证要素不全即予办理",
                "依法办事",
                "制度执行的刚性不足，存在重效率、轻规范的思想",
                &[("逐笔审核支付凭证，实行审核、复核双签制度", -70, false), ("开展国库支付业务自查", -60, false)],
                Outcome::Closed,
                -60,
            ),
            own(
                "工作时间偶有浏览与工作无关的网页",
                "管理效能",
                "纪律意识松懈，自我约束不严",
                &[("严格遵守工作纪律，主动接受科室和群众监督", -55, false)],
                Outcome::Closed,
                -55,
            ),
            own(
                "对服务对象的咨询解答不够耐心细致，一次性告知不到位",
                "服务效果",
                "服务意识不强，业务知识不够全面",
                &[("编制国库业务办事指南和一次性告知单", -40, false), ("参加文明服务培训", -35, false)],
                Outcome::Closed,
                -35,
            ),
            own(
                "国库资金动态监控预警信息处理不及时",
                "履职效率",
                "对监控系统运用不熟练，预警信息处理流程不清晰",
                &[("梳理预警信息处理流程，明确办理时限", -10, true), ("每日查看监控预警信息并及时核实处理", 40, false)],
                Outcome::InProgress,
                40,
            ),
        ],
    ),
    (
        "陈志强",
        "综合科科员",
        &[
            own(
                "公文办理时效不高，个别文件流转超时",
                "履职效率",
                "工作统筹安排不够，对办文程序不熟悉",
                &[("建立公文办理登记和催办制度", -65, false)],
                Outcome::Closed,
                -60,
            ),
            own(
                "值班期间擅自离岗",
                "管理效能",
                "纪律观念淡薄，对值班制度重视不够",
                &[("作出书面检查", -58, false), ("严格执行值班制度，做到在岗在位", -50, false)],
                Outcome::Closed,
                -50,
            ),
            own(
                "接听群众来电用语不规范",
                "服务效果",
                "文明服务意识不强",
                &[("学习文明用语规范，使用标准服务用语", -40, false)],
                Outcome::Closed,
                -40,
            ),
            own(
                "办公区域物品摆放杂乱，档案资料管理不规范",
                "服务环境",
                "日常管理不细致，对办公环境整治重视不够",
                &[("清理办公区域，规范物品摆放", 10, false), ("按档案管理规定整理归档近三年资料", 25, false)],
                Outcome::Open,
                25,
            ),
        ],
    ),
];

/// Problems the cadres' plans add to the campaign, and how many of them are closed off.
pub const PROBLEMS: (usize, usize) = count();

const fn count() -> (usize, usize) {
    let (mut all, mut closed, mut i) = (0, 0, 0);
    while i < CADRES.len() {
        let list = CADRES[i].2;
        let mut j = 0;
        while j < list.len() {
            all += 1;
            if matches!(list[j].outcome, Outcome::Closed) {
                closed += 1;
            }
            j += 1;
        }
        i += 1;
    }
    (all, closed)
}

fn on(today: NaiveDate, offset: i64) -> NaiveDate {
    if offset < 0 { days_before(today, offset.unsigned_abs()) } else { days_after(today, offset as u64) }
}

/// Adds the cadres of `unit` (区财政局) and schedules their problems on `t`.
pub async fn finance_bureau(
    d: &mut Demo<'_>,
    t: &mut Timeline,
    unit: UnitId,
    campaign: CampaignId,
    start: NaiveDate,
) -> Result<(), DemoError> {
    let today = d.store.today();
    let mut n = 0u32;
    for (name, position, problems) in CADRES {
        let person = d.person(name.to_owned(), Some(unit), PersonKind::Staff, position, None).await?;
        for p in problems {
            let deadline = on(today, p.due);
            let input = NewProblem {
                description: Some(p.what.into()),
                unit_id: Some(unit),
                responsible_person_id: Some(person),
                level: Some(Level::Individual),
                category: Some(p.aspect.into()),
                problem_type: Some(ProblemType::TimeLimited),
                root_cause: Some(p.cause.into()),
                deadline: Some(deadline),
                campaign_id: Some(campaign),
                sources: vec![SourceKind::SelfCheck],
                measures: p
                    .measures
                    .iter()
                    .map(|(what, due, done)| NewMeasure {
                        description: Some((*what).into()),
                        deadline: Some(on(today, *due)),
                        done: *done,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            };
            // Found in the self-check weeks, fixed (and reported) a few days before the deadline.
            let created = days_after(start, 20 + u64::from(n));
            let reported = days_before(deadline, 3).min(days_before(today, 2));
            let life = Life {
                created,
                outcome: p.outcome,
                started: days_after(created, 3),
                reported,
                closed: days_after(reported, 2).min(days_before(today, 1)),
                progress: "已对照问题剖析根源，制定个人整改计划书，明确整改措施和时限".into(),
                result: "整改措施已逐项落实，整改情况已向本单位报告".into(),
            };
            schedule(t, input, &life, 300 + n * 11);
            n += 1;
        }
    }
    Ok(())
}
