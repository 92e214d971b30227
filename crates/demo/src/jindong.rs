//! 金东区 (seed 000): 49 departments, the first batch of the immediate-rectification list
//! (98 items, 80 fixed), published on the public board.

use crate::plan::{Life, Outcome, schedule};
use crate::timeline::{Timeline, days_after, days_before};
use crate::{Demo, DemoError, names, rows};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rectify_domain::campaign::{NewBatch, NewCampaign, PhaseInput};
use rectify_domain::person::PersonKind;
use rectify_domain::problem::{Level, NewMeasure, NewProblem, ProblemType, SourceKind};
use rectify_domain::unit::UnitKind;

const UNITS: &str = include_str!("../data/jindong.tsv");
const COMMON: &str = include_str!("../data/common-items.tsv");

/// Open items of the 18 not yet fixed: (outcome, days from today to the deadline).
const STILL_OPEN: [(Outcome, i64); 18] = [
    (Outcome::InProgress, -12),
    (Outcome::InProgress, -6),
    (Outcome::Open, -3),
    (Outcome::InProgress, -1),
    (Outcome::Open, -9),
    (Outcome::InProgress, -4),
    (Outcome::InProgress, 0),
    (Outcome::InProgress, 1),
    (Outcome::Open, 2),
    (Outcome::InProgress, 3),
    (Outcome::InProgress, 12),
    (Outcome::InProgress, 20),
    (Outcome::Open, 25),
    (Outcome::InProgress, 30),
    (Outcome::Reported, -2),
    (Outcome::Reported, 5),
    (Outcome::Reported, 9),
    (Outcome::InProgress, 40),
];

struct Item {
    description: String,
    category: String,
    measure: String,
    result: String,
}

fn item(fields: &[&str]) -> Item {
    let f = |i: usize| fields.get(i).copied().unwrap_or("").to_owned();
    Item { description: f(0), category: f(1), measure: f(2), result: f(3) }
}

pub async fn load(d: &mut Demo<'_>) -> Result<(), DemoError> {
    let mut rng = StdRng::seed_from_u64(20140427);
    let today = d.store.today();
    let now = d.store.now().utc();
    let district = d.unit("金东区", None, UnitKind::District, None).await?;
    d.unit("金东区委群众路线教育实践活动领导小组办公室", Some(district), UnitKind::Office, None).await?;
    let commission = d.unit("金东区纪委监督检查室", Some(district), UnitKind::Office, None).await?;
    let mut inspectors = Vec::new();
    for i in 0..8 {
        let (kind, position) = if i < 5 {
            (PersonKind::Staff, "监督检查员")
        } else {
            (PersonKind::Supervisor, "特邀廉政监察员")
        };
        inspectors.push(d.person(names::person(&mut rng), Some(commission), kind, position, None).await?);
    }

    let common: Vec<Item> = rows(COMMON).map(|r| item(&r)).collect();
    let mut units = Vec::new();
    let mut items: Vec<(usize, Item)> = Vec::new();
    let mut next_common = 0;
    for (i, row) in rows(UNITS).enumerate() {
        let name = row[0];
        let id = d.unit(name, Some(district), UnitKind::Department, None).await?;
        let head = d.person(names::person(&mut rng), Some(id), PersonKind::Staff, "主要负责人", None).await?;
        let deputy = d.person(names::person(&mut rng), Some(id), PersonKind::Staff, "分管领导", None).await?;
        units.push((id, head, deputy));
        let mut own: Vec<Item> = row[1..].iter().map(|f| item(&f.split('|').collect::<Vec<_>>())).collect();
        while own.len() < 2 {
            let c = &common[next_common % common.len()];
            next_common += 7; // walk the list with a stride so neighbours differ
            own.push(Item {
                description: c.description.clone(),
                category: c.category.clone(),
                measure: c.measure.clone(),
                result: c.result.clone(),
            });
        }
        items.extend(own.into_iter().map(|it| (i, it)));
    }

    let start = days_before(today, 75);
    let campaign = d
        .store
        .campaigns().create_campaign(
            &d.actor,
            NewCampaign {
                name: Some("金东区党的群众路线教育实践活动".into()),
                description: Some("坚持抓早抓小抓具体，建立“立改清单”制度，每个机关部门提出2项立即整改且见效较快的整改事项，公开晾晒、整改销号、跟踪检查。".into()),
                starts_on: Some(start),
                ends_on: Some(days_after(today, 90)),
                phases: vec![
                    PhaseInput { name: Some("学习教育、听取意见".into()), due_on: Some(days_before(today, 30)) },
                    PhaseInput { name: Some("查摆问题、开展批评".into()), due_on: Some(days_after(today, 30)) },
                    PhaseInput { name: Some("整改落实、建章立制".into()), due_on: Some(days_after(today, 90)) },
                ],
                unit_ids: units.iter().map(|u| u.0).collect(),
            },
            None,
        )
        .await?
        .value;
    d.summary.campaigns += 1;
    let batch = d
        .store
        .campaigns()
        .create_batch(
            &d.actor,
            NewBatch {
                campaign_id: Some(campaign.id),
                name: Some("第一批立改项目".into()),
                items_per_unit: Some(2),
                due_on: Some(days_before(today, 45)),
            },
            None,
        )
        .await?
        .value;

    // The seed's named items (the first 8) were all fixed; 18 of the rest are still open.
    let open_slots: Vec<usize> = (0..items.len()).filter(|i| *i >= 8).step_by(5).take(STILL_OPEN.len()).collect();
    let mut t = Timeline::new();
    for (n, (unit_idx, it)) in items.into_iter().enumerate() {
        let (unit, head, deputy) = units[unit_idx];
        let created = days_after(start, rng.random_range(0..10));
        let (outcome, deadline) = match open_slots.iter().position(|s| *s == n) {
            Some(k) => {
                let (o, offset) = STILL_OPEN[k];
                let dl = if offset < 0 {
                    days_before(today, offset.unsigned_abs())
                } else {
                    days_after(today, offset as u64)
                };
                (o, dl)
            }
            None => (Outcome::Closed, days_after(created, rng.random_range(12..30))),
        };
        let started = days_after(created, rng.random_range(1..4));
        let reported = days_after(started, rng.random_range(2..25)).min(days_before(today, 2));
        let closed = days_after(reported, rng.random_range(1..5)).min(days_before(today, 1));
        let input = NewProblem {
            description: Some(it.description),
            unit_id: Some(unit),
            responsible_person_id: Some(head),
            leader_person_id: Some(deputy),
            level: Some(Level::Unit),
            category: Some(it.category),
            problem_type: Some(ProblemType::Immediate),
            deadline: Some(deadline),
            campaign_id: Some(campaign.id),
            batch_id: Some(batch.id),
            sources: vec![if n % 3 == 0 { SourceKind::Forum } else { SourceKind::PublicOpinion }],
            published: true,
            measures: vec![NewMeasure {
                description: Some(it.measure),
                owner_person_id: Some(deputy),
                deadline: Some(deadline),
                done: false,
            }],
            ..Default::default()
        };
        let life = Life {
            created,
            outcome,
            started: started.min(today),
            reported,
            closed,
            progress: "已制定整改方案，明确责任人和完成时限".into(),
            result: it.result,
        };
        schedule(&mut t, input, &life, (n as u32) * 3);
    }
    let problems = t.run(d.store, &d.actor, now).await?;
    d.summary.problems += problems.len();
    let found = crate::inspections::jindong(d, district, inspectors).await?;
    crate::accountability::jindong(d, district, &found, &mut rng).await?;
    bulletin(d, campaign.id, batch.id, &problems).await?;
    crate::hall::load(d, district).await
}

/// Seed 000: 《简报》第8期 of the office, whose note counts the first batch (98 items, 80 fixed)
/// and which prints the practice of the units named in it. The seven issues before it were on
/// paper, so the count continues at 8; the figures are the ledger's.
async fn bulletin(
    d: &mut Demo<'_>,
    campaign: rectify_domain::ids::CampaignId,
    batch: rectify_domain::ids::BatchId,
    problems: &[rectify_domain::ids::ProblemId],
) -> Result<(), DemoError> {
    use rectify_domain::bulletin::{NewBulletin, Selection};
    let comments = [
        "建立明查暗访跟踪整改制度，严格组织检查，严厉问责处理。",
        "让干警“微笑服务”，让群众“开心办事”。",
        "在得到群众的反映以及省委督导组的反馈意见后，次日即到现场勘察，一步整改到位，体现了立行立改的要求。",
        "多方面为农户提供技术指导。",
        "从小处着手立即整改，培养务实节俭会风。",
        "撤销办公场所花卉摆放，每年可节省经费支出7000余元。",
        "坚持立行立改，切实解决群众反映强烈的问题。",
    ];
    let selected = problems
        .iter()
        .zip(comments)
        .map(|(p, c)| Selection { problem_id: Some(*p), case_id: None, comment: Some(c.into()) })
        .collect();
    let draft = d
        .store
        .bulletins().create_bulletin(
            &d.actor,
            NewBulletin {
                campaign_id: Some(campaign),
                batch_id: Some(batch),
                headline: Some("各单位坚持问题导向立查立改 确保教育实践活动不走过场".into()),
                issuer: Some("金东区委党的群众路线教育实践活动领导小组办公室".into()),
                editor_note: Some(
                    "自群众路线教育实践活动开展以来，我区不等不靠，坚持抓早抓小抓具体，建立“立改清单”制度，每个机关部门（单位）提出2项立即整改且见效较快的整改事项，公开晾晒，对已整改的及时进行销号，未整改到位的实行定期跟踪检查。".into(),
                ),
                body: Some("现择优刊登部分单位做法，供学习参考。".into()),
                selected,
                ..Default::default()
            },
            None,
        )
        .await?
        .value;
    d.store.bulletins().publish_bulletin(&d.actor, draft.id, None, Some(8)).await?;
    Ok(())
}
