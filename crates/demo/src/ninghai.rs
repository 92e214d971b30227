//! 宁海县教育局's hotline (seed 001, 县教育局“三听”): through the 清风曝光台 hotline and mailbox
//! it took 70 calls and 40 e-mails, accepted 24 reports, sent investigators out 37 times, and
//! verified and dealt with 3 cases. Replayed as cases on a simulated clock.

use crate::timeline::{days_before, office_time};
use crate::{Demo, DemoError, names};
use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rectify_domain::accountability::NewAction;
use rectify_domain::actor::{Actor, Role};
use rectify_domain::case::{
    CaseTransitionRequest, CaseType, Channel, InvestigationOutcome, NewCase, NewDispatch, NewOutcome, Satisfaction,
    VisitMethod,
};
use rectify_domain::ids::CaseId;
use rectify_domain::person::PersonKind;
use rectify_domain::unit::{NewUnit, UnitKind};
use rectify_store::FixedClock;
use std::sync::Arc;

/// (type, how many, what citizens say): as they write or say it, about their own child or
/// school, with no name in the text (the caller's name, if given, is the case's sealed contact).
const MIX: [(CaseType, usize, &[&str]); 5] = [
    (
        CaseType::Report,
        24,
        &[
            "我孩子班上的数学老师在校外开补习班，暗示不去补课的学生上课就不点名提问，每月收费八百元。这是有偿家教，请教育局调查。",
            "学校以“资料费”的名义每学期向每个学生收两百元，不开收据，也没有公示收费依据，请核查是否属于违规收费。",
            "上周孩子因为作业没写完被班主任罚站了一上午，还被打了手心，现在孩子不敢去学校。请教育局调查处理。",
            "暑假里学校组织初三学生集中补课，每人收一千二百元，说是自愿，可不参加的要家长写说明。请查处违规补课。",
        ],
    ),
    (
        CaseType::Complaint,
        13,
        &[
            "学校食堂的饭菜经常是凉的，上周孩子吃完回家就拉肚子，班上好几个同学也一样，希望派人检查食堂卫生。",
            "早上接送学生的校车坐得满满的，有的孩子只能站在过道里，路上很危险，请有关部门管一管。",
            "孩子读四年级，每天作业要写到晚上十点多，周末还有一沓练习卷，孩子身体吃不消，希望学校减少作业量。",
        ],
    ),
    (
        CaseType::Consult,
        45,
        &[
            "请问今年义务教育段的招生政策有没有变化？我们是外地户籍，在宁海买了房子，孩子上一年级能去哪所学校？",
            "孩子要从外县转回宁海读初二，转学需要准备哪些材料，去哪里办？",
            "听说技校搬到新校区了，今年报名还在老地方吗？什么时候开始报名？",
            "想申请小学教师资格认定，体检和材料交到哪里，今年什么时候开始受理？",
        ],
    ),
    (
        CaseType::Suggestion,
        18,
        &[
            "学校门口上学放学时车多人多，很不安全，建议在校门口设护学岗，安排人员疏导交通。",
            "我们村小学的校舍是七十年代建的，墙上都有裂缝了，建议尽快改建，让孩子们安心上课。",
            "现在学生课业负担太重，建议教育局出台具体办法，控制作业总量和考试次数。",
        ],
    ),
    (
        CaseType::Help,
        10,
        &[
            "我们在宁海打工，孩子跟着过来了，问了好几所学校都说没有学位，孩子已经在家待了两个星期，请帮帮我们。",
            "家里经济困难，孩子考上了高中，学费和住宿费凑不齐，想问有没有资助，怎么申请？",
        ],
    ),
];

enum Step {
    Register(usize, Box<NewCase>),
    Office(usize, CaseTransitionRequest),
    Unit(usize, CaseTransitionRequest),
    /// The bureau's 监察室 goes out to investigate a report.
    Dispatch(usize, NewDispatch),
    /// The office records what was found; a founded report names the teacher concerned, who
    /// is criticised in a bulletin (通报批评) and loses a verified complaint's points.
    Conclude(usize, NewOutcome),
}

fn act(action: &str) -> CaseTransitionRequest {
    CaseTransitionRequest { action: Some(action.into()), ..Default::default() }
}

pub async fn load(d: &mut Demo<'_>) -> Result<(), DemoError> {
    let mut rng = StdRng::seed_from_u64(20140301);
    let today = d.store.today();
    let now = d.store.now().utc();
    let county = d.unit("宁海县", None, UnitKind::District, None).await?;
    let bureau = d
        .unit_with(NewUnit {
            name: Some("县教育局".into()),
            parent_id: Some(county),
            kind: Some(UnitKind::Department),
            system: Some("教育".into()),
            complaint_phone: Some("0574-65512345".into()),
            mailbox: Some("qingfeng@nhedu.example.gov.cn".into()),
        })
        .await?;
    for section in ["监察室", "人事科", "基础教育科", "职成教科"] {
        d.unit(section, Some(bureau), UnitKind::Section, Some("教育")).await?;
    }
    let clerk =
        Actor {
            account_id: None, username: "县教育局联络员".into(), role: Role::UnitClerk, unit_id: Some(bureau)
        };
    // The teachers the three founded reports were about, at a school of the county.
    let school = d.unit("宁海县城关中学", Some(county), UnitKind::Section, Some("教育")).await?;
    let mut concerned = Vec::new();
    for _ in 0..3 {
        concerned.push(d.person(names::person(&mut rng), Some(school), PersonKind::Staff, "教师", None).await?);
    }

    // 70 calls and 40 e-mails, spread over the last seven weeks.
    let mut steps: Vec<(DateTime<Utc>, usize, Step)> = Vec::new();
    let mut push = |at: DateTime<Utc>, step: Step| {
        let n = steps.len();
        steps.push((at, n, step));
    };
    let mut n = 0usize;
    let mut verified = 0;
    for (case_type, count, texts) in MIX {
        for k in 0..count {
            let channel = if n % 11 < 7 { Channel::Hotline } else { Channel::Email };
            let day = days_before(today, rng.random_range(5..50));
            let minute = rng.random_range(0..400);
            let received = office_time(day, minute);
            let who = names::person(&mut rng);
            let input = NewCase {
                content: Some(texts[k % texts.len()].to_owned()),
                channel: Some(channel),
                case_type: Some(case_type),
                name: Some(who),
                phone: (channel == Channel::Hotline)
                    .then(|| format!("1{}", rng.random_range(3_500_000_000u64..3_999_999_999))),
                email: (channel == Channel::Email).then(|| format!("parent{n:03}@example.com")),
                received_at: Some(rectify_domain::time::Timestamp::from_utc(received)),
                ..Default::default()
            };
            push(received, Step::Register(n, Box::new(input)));
            let later = |days: i64, m: u32| office_time(day + chrono::Days::new(days as u64), minute + m);
            let investigated = matches!(case_type, CaseType::Report | CaseType::Complaint);
            if investigated {
                // Reports and complaints are accepted and sent to the bureau to investigate.
                push(later(0, 30), Step::Office(n, act("accept")));
                push(later(0, 40), Step::Office(n, CaseTransitionRequest { unit_id: Some(bureau), ..act("assign") }));
                push(later(1, 0), Step::Unit(n, act("sign")));
                let verdict = case_type == CaseType::Report && verified < 3;
                if case_type == CaseType::Report {
                    // Every report is looked into once; 13 of them twice (24 + 13 = 37 dispatches).
                    let visit = |on: i64, what: &str| NewDispatch {
                        investigators: Some(["监察室 王建国、陈晓燕", "监察室 林海、基础教育科 周敏"][k % 2].into()),
                        dispatched_on: Some(day + chrono::Days::new(on as u64)),
                        place: Some("被反映学校".into()),
                        findings: Some(what.into()),
                    };
                    push(later(1, 30), Step::Dispatch(n, visit(1, "调阅相关材料，约谈学校负责人")));
                    if k < 13 {
                        push(later(2, 30), Step::Dispatch(n, visit(2, "走访学生和家长，核实情况")));
                    }
                    if verdict {
                        let outcome = NewOutcome {
                            outcome: Some(InvestigationOutcome::Verified),
                            conclusion: Some("经调查，反映的情况属实，对当事教师通报批评。".into()),
                            person_id: Some(concerned[verified]),
                            action_ids: Vec::new(),
                        };
                        push(later(3, 0), Step::Conclude(n, outcome));
                    }
                }
                if verdict || k % 3 != 0 {
                    let answer = if verdict {
                        verified += 1;
                        "经调查核实，反映情况属实，已对相关人员通报处理。".to_owned()
                    } else {
                        "经派员调查，已责成学校整改并向您反馈处理情况。".to_owned()
                    };
                    push(later(4, 0), Step::Unit(n, CaseTransitionRequest { answer: Some(answer), ..act("reply") }));
                    let satisfaction =
                        if k % 7 == 1 { Satisfaction::BasicallySatisfied } else { Satisfaction::Satisfied };
                    let visit = CaseTransitionRequest {
                        satisfaction: Some(satisfaction),
                        method: Some(VisitMethod::Phone),
                        ..act("visit")
                    };
                    push(later(5, 0), Step::Office(n, visit));
                    if verdict || k % 2 == 0 {
                        push(later(5, 30), Step::Office(n, act("close")));
                    }
                }
            } else if k % 5 != 0 {
                // Questions and suggestions the office answers itself.
                push(received + chrono::TimeDelta::minutes(20), Step::Office(n, act("accept")));
                let answer = "您好，您的问题已按政策解答，详情可登录宁海教育网查询。".to_owned();
                push(
                    received + chrono::TimeDelta::hours(3),
                    Step::Office(n, CaseTransitionRequest { answer: Some(answer), ..act("reply") }),
                );
                if k % 2 == 0 {
                    let visit = CaseTransitionRequest {
                        satisfaction: Some(Satisfaction::VerySatisfied),
                        method: Some(VisitMethod::Phone),
                        ..act("visit")
                    };
                    push(received + chrono::TimeDelta::days(1), Step::Office(n, visit));
                    push(
                        received + chrono::TimeDelta::days(1) + chrono::TimeDelta::minutes(5),
                        Step::Office(n, act("close")),
                    );
                }
            }
            n += 1;
        }
    }

    steps.sort_by_key(|s| (s.0, s.1));
    let clock = Arc::new(FixedClock::new(now));
    let sim = d.store.with_clock(clock.clone());
    let mut ids: Vec<Option<CaseId>> = vec![None; n];
    for (at, _, step) in steps {
        clock.set(at.min(now));
        match step {
            Step::Register(i, input) => {
                ids[i] = Some(sim.cases().register_case(&d.actor, *input, None).await?.value.id)
            }
            Step::Office(i, req) => {
                sim.cases().transition_case(&d.actor, ids[i].ok_or(DemoError::Order)?, req).await?;
            }
            Step::Unit(i, req) => {
                sim.cases().transition_case(&clerk, ids[i].ok_or(DemoError::Order)?, req).await?;
            }
            Step::Dispatch(i, input) => {
                sim.cases().record_dispatch(&clerk, ids[i].ok_or(DemoError::Order)?, input, None).await?;
            }
            Step::Conclude(i, mut input) => {
                let case = ids[i].ok_or(DemoError::Order)?;
                let bulletin = NewAction {
                    kind: Some("criticism_bulletin".into()),
                    person_id: input.person_id,
                    reason: Some(format!("经调查核实，诉求件 {case} 反映的问题属实")),
                    deciding_body: Some("宁海县教育局".into()),
                    case_ids: vec![case],
                    ..Default::default()
                };
                let action = sim.accountability().record_action(&d.actor, bulletin, None).await?.value.id;
                input.action_ids = vec![action];
                sim.cases().record_outcome(&d.actor, case, input).await?;
            }
        }
    }
    d.summary.cases += n;
    crate::renshe::load(d, county).await
}
