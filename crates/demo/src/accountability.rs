//! Accountability, praise and inspection bulletins in the demo, as the seeds tell them:
//! 安宁区 (seed 004) named the 24 units its special rounds found wanting, published 6 positive
//! examples and 5 inspection bulletins; 金东区 (seed 000) "已发出通报4起，对14家单位进行了点名批评，
//! 对18名工作时间上网聊天、观看视频、提前就餐等违反纪律的工作人员给予通报批评、取消评先评优资格、
//! 扣发奖金等处理".

use crate::inspections::Found;
use crate::timeline::{days_after, days_before, office_time};
use crate::{Demo, DemoError, names};
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rectify_domain::accountability::{ActionKind, NewAction};
use rectify_domain::ids::{PersonId, UnitId};
use rectify_domain::inspection::NewInspectionBulletin;
use rectify_domain::person::PersonKind;
use rectify_store::{FixedClock, Store};
use std::sync::Arc;

fn on(store: &Store, day: NaiveDate) -> Store {
    store.with_clock(Arc::new(FixedClock::new(office_time(day, 200))))
}

async fn act(
    d: &Demo<'_>,
    kind: ActionKind,
    unit: Option<UnitId>,
    person: Option<PersonId>,
    reason: &str,
    day: NaiveDate,
    body: &str,
) -> Result<(), DemoError> {
    let input = NewAction {
        kind: Some(kind.as_str().into()),
        unit_id: unit,
        person_id: person,
        reason: Some(reason.into()),
        decided_on: Some(day),
        deciding_body: Some(body.into()),
        ..Default::default()
    };
    on(d.store, day).accountability().record_action(&d.actor, input, None).await?;
    Ok(())
}

async fn bulletin(d: &Demo<'_>, day: NaiveDate, input: NewInspectionBulletin) -> Result<(), DemoError> {
    on(d.store, day).inspections().publish_inspection_bulletin(&d.actor, input).await?;
    Ok(())
}

const ANNING: &str = "安宁区作风办";

pub(crate) async fn anning(
    d: &mut Demo<'_>,
    district: UnitId,
    found: &Found,
    praised: &[UnitId],
    start: NaiveDate,
) -> Result<(), DemoError> {
    let (_, last_special) = found.special_rounds.last().copied().ok_or(DemoError::Order)?;
    let named_on = days_after(last_special, 1);
    for unit in &found.named_units {
        let reason = "作风建设年活动专项督查发现问题，在全区范围内点名通报";
        act(d, ActionKind::Bulletin, Some(*unit), None, reason, named_on, ANNING).await?;
    }
    for (i, unit) in praised.iter().take(6).enumerate() {
        let reason = "勇于直面作风问题、严肃执纪问责、整改落实有力，作为正面典型在全区通报";
        act(d, ActionKind::Praise, Some(*unit), None, reason, days_after(start, 20 + 12 * i as u64), ANNING).await?;
    }
    let area = Some(district);
    // One bulletin after each of the first three 作风纪律督查 rounds.
    for (round, day) in found.discipline_rounds.iter().take(3) {
        let input = NewInspectionBulletin {
            issuer: Some(ANNING.into()),
            period_from: Some(*day),
            period_to: Some(days_after(*day, 2)),
            round_id: Some(*round),
            area_unit_id: area,
            ..Default::default()
        };
        bulletin(d, days_after(*day, 2), input).await?;
    }
    // The special rounds, and the 24 units they named.
    let (_, first_special) = found.special_rounds.first().copied().ok_or(DemoError::Order)?;
    let input = NewInspectionBulletin {
        title: Some("作风建设年活动专项督查通报".into()),
        issuer: Some(ANNING.into()),
        period_from: Some(first_special),
        period_to: Some(days_after(last_special, 2)),
        plan_id: Some(found.special_plan),
        area_unit_id: area,
        note: Some(
            "通过两轮次督查，发现各单位在活动开展过程中仍然存在一些不容忽视的问题，现将有关情况通报如下。".into(),
        ),
        ..Default::default()
    };
    bulletin(d, days_after(last_special, 2), input).await?;
    // The summary of 作风纪律督查: 3 groups, 13 inspectors, 4 rounds, 38 problems, 5 bulletins.
    let (_, last_discipline) = found.discipline_rounds.last().copied().ok_or(DemoError::Order)?;
    let end = days_after(last_discipline, 7);
    let input = NewInspectionBulletin {
        title: Some("作风纪律督查情况通报".into()),
        issuer: Some(ANNING.into()),
        period_from: Some(start),
        period_to: Some(end),
        plan_id: Some(found.discipline_plan),
        area_unit_id: area,
        ..Default::default()
    };
    bulletin(d, end, input).await
}

const JINDONG: &str = "金东区纪委";

/// (offence, action) for the 18 people: 通报批评, 取消评先评优资格, 扣发奖金.
const SANCTIONS: [(&str, ActionKind); 3] = [
    ("工作时间上网聊天", ActionKind::CriticismBulletin),
    ("工作时间观看视频", ActionKind::NoHonours),
    ("提前就餐", ActionKind::BonusWithheld),
];

pub(crate) async fn jindong(
    d: &mut Demo<'_>,
    district: UnitId,
    found: &[(UnitId, NaiveDate)],
    rng: &mut StdRng,
) -> Result<(), DemoError> {
    let today = d.store.today();
    let start = days_before(today, 150);
    let mut named: Vec<UnitId> = Vec::new();
    for (unit, day) in found {
        if named.len() < 14 && !named.contains(unit) {
            let reason = "明查暗访发现工作纪律问题，予以点名批评";
            act(d, ActionKind::NamedCriticism, Some(*unit), None, reason, days_after(*day, 2), JINDONG).await?;
            named.push(*unit);
        }
    }
    for i in 0..18 {
        let (unit, day) = found[i % found.len()];
        let person = d.person(names::person(rng), Some(unit), PersonKind::Staff, "工作人员", None).await?;
        let (offence, kind) = SANCTIONS[i % SANCTIONS.len()];
        act(d, kind, None, Some(person), &format!("{offence}，违反工作纪律"), days_after(day, 3), JINDONG).await?;
    }
    // Three bulletins over the months, then the summary: 4 bulletins, 14 units, 18 people.
    let area = Some(district);
    for (from, to) in [(150u64, 106u64), (105, 71), (70, 36)] {
        let input = NewInspectionBulletin {
            issuer: Some(JINDONG.into()),
            period_from: Some(days_before(today, from)),
            period_to: Some(days_before(today, to)),
            area_unit_id: area,
            ..Default::default()
        };
        bulletin(d, days_before(today, to - 1), input).await?;
    }
    let input = NewInspectionBulletin {
        title: Some("明查暗访跟踪整改情况通报".into()),
        issuer: Some(JINDONG.into()),
        period_from: Some(start),
        period_to: Some(today),
        area_unit_id: area,
        ..Default::default()
    };
    bulletin(d, today, input).await
}
