//! 金东区行政服务中心 (seed 000): the centre offered 预约排号 and 办事查询 and reached 99% on time
//! within its promises. The demo's centre has eight windows, each with an item and two staff, and
//! three months of service cases replayed on a simulated clock through the service ledger's own
//! use cases: most accepted on the spot and done within the promise, a few told what was missing
//! (一次性告知) and back the next day, one in a hundred late, a few refused or paused for 补正, and
//! this week's still in process.

use crate::timeline::office_time;
use crate::{Demo, DemoError, names};
use chrono::{DateTime, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rectify_domain::actor::{Actor, Role};
use rectify_domain::calendar::WorkCalendar;
use rectify_domain::ids::{PersonId, ServiceCaseId, ServiceItemId, UnitId};
use rectify_domain::person::PersonKind;
use rectify_domain::service::catalog::{Delivery, ItemStaff, MaterialForm, NewMaterial, NewServiceItem, ServiceKind};
use rectify_domain::service::record::{NewServiceCase, ServiceChannel, ServiceTransitionRequest};
use rectify_domain::unit::UnitKind;
use rectify_store::{FixedClock, Store};
use std::sync::Arc;

/// One window's item: code, name, kind, (promised, legal) working days, visits, delivery,
/// materials, steps, the result when done.
struct Item {
    code: &'static str,
    name: &'static str,
    kind: ServiceKind,
    limits: (u32, u32),
    visits: u32,
    delivery: Delivery,
    materials: &'static [&'static str],
    steps: &'static [&'static str],
    result: &'static str,
    /// Cases a working day, on average.
    daily: f64,
}

use Delivery::{Appointment, Online, Window};
use ServiceKind::{Confirmation, License, Public};

#[rustfmt::skip]
const ITEMS: &[Item] = &[
    Item { code: "JD-SC-001", name: "个体工商户设立登记", kind: License, limits: (1, 15), visits: 1, delivery: Window,
        materials: &["经营者居民身份证", "经营场所使用证明", "个体工商户开业登记申请书"],
        steps: &["申请", "受理", "审核", "发照"], result: "准予登记，营业执照已发放", daily: 1.6 },
    Item { code: "JD-SC-002", name: "企业名称自主申报", kind: Confirmation, limits: (0, 5), visits: 0, delivery: Online,
        materials: &["投资人身份证明", "企业名称自主申报承诺书"],
        steps: &["网上申报", "受理", "办结"], result: "名称已保留", daily: 0.9 },
    Item { code: "JD-SP-001", name: "食品经营许可证核发", kind: License, limits: (10, 20), visits: 1, delivery: Window,
        materials: &["食品经营许可申请书", "营业执照复印件", "法定代表人身份证明", "经营场所平面图", "食品安全管理制度文本"],
        steps: &["申请", "受理", "现场核查", "审批", "发证"], result: "准予许可，许可证已发放", daily: 0.7 },
    Item { code: "JD-BDC-001", name: "不动产转移登记", kind: Confirmation, limits: (5, 30), visits: 1, delivery: Appointment,
        materials: &["不动产登记申请书", "双方身份证明", "不动产权证书", "买卖合同", "完税凭证"],
        steps: &["预约", "受理", "审核", "登簿", "缮证发证"], result: "登记完成，不动产权证书已发放", daily: 1.8 },
    Item { code: "JD-RS-001", name: "社会保障卡申领", kind: Public, limits: (3, 10), visits: 1, delivery: Window,
        materials: &["居民身份证", "近期一寸免冠照片"],
        steps: &["申请", "受理", "制卡", "发卡"], result: "社会保障卡已制发", daily: 1.5 },
    Item { code: "JD-JS-001", name: "建筑工程施工许可证核发", kind: License, limits: (7, 15), visits: 1, delivery: Window,
        materials: &["建筑工程施工许可证申请表", "建设工程规划许可证", "施工合同", "安全施工措施资料"],
        steps: &["申请", "受理", "审查", "审批", "发证"], result: "准予许可，施工许可证已发放", daily: 0.4 },
    Item { code: "JD-GA-001", name: "居民身份证换领", kind: Public, limits: (15, 60), visits: 1, delivery: Appointment,
        materials: &["居民户口簿", "原居民身份证"],
        steps: &["预约", "受理", "采集", "制证", "领证"], result: "新证已领取", daily: 1.4 },
    Item { code: "JD-MZ-001", name: "结婚登记", kind: Confirmation, limits: (0, 30), visits: 1, delivery: Appointment,
        materials: &["双方居民户口簿", "双方居民身份证", "双方近期二寸合影照片"],
        steps: &["预约", "受理", "颁证"], result: "准予登记，结婚证已颁发", daily: 1.0 },
];

/// Working days of service cases replayed, up to today (about three months).
const DAYS: u32 = 65;

/// One step of the replay: receive a case, or act on the `i`-th case.
pub(crate) enum Step {
    Receive(NewServiceCase),
    Act(ServiceTransitionRequest),
}

pub(crate) fn act(action: &str) -> ServiceTransitionRequest {
    ServiceTransitionRequest { action: Some(action.into()), ..Default::default() }
}

/// The `n`-th working day after `day` (`n` = 0: `day` itself).
pub(crate) fn working_day(cal: &WorkCalendar, day: NaiveDate, n: u32) -> NaiveDate {
    if n == 0 { day } else { cal.add_working_days(day, n).value }
}

/// The `n`-th working day before `day`.
pub(crate) fn working_days_before(cal: &WorkCalendar, day: NaiveDate, n: u32) -> NaiveDate {
    let mut back = day;
    for _ in 0..n {
        back = back.pred_opt().unwrap_or(back);
        while !cal.is_working_day(back) {
            back = back.pred_opt().unwrap_or(back);
        }
    }
    back
}

/// Runs the steps of the cases in time order on a simulated clock, the `i`-th case's as
/// `clerks[i]` (a clerk of the unit that handles it); steps still in the future are left for later.
pub(crate) async fn replay(
    store: &Store,
    clerks: &[Actor],
    mut steps: Vec<(DateTime<Utc>, usize, Step)>,
) -> Result<(), DemoError> {
    steps.sort_by_key(|s| (s.0, s.1));
    let now = store.now().utc();
    let clock = Arc::new(FixedClock::new(now));
    let sim = store.with_clock(clock.clone());
    let mut ids: Vec<Option<ServiceCaseId>> = vec![None; clerks.len()];
    for (at, i, step) in steps {
        if at > now {
            continue;
        }
        clock.set(at);
        let clerk = clerks.get(i).ok_or(DemoError::Order)?;
        match step {
            Step::Receive(input) => ids[i] = Some(sim.services().create_case(clerk, input, None).await?.value.id),
            Step::Act(req) => {
                sim.services().transition_case(clerk, ids[i].ok_or(DemoError::Order)?, req).await?;
            }
        }
    }
    Ok(())
}

pub async fn load(d: &mut Demo<'_>, district: UnitId) -> Result<(), DemoError> {
    let mut rng = StdRng::seed_from_u64(20140501);
    let centre = d.unit("金东区行政服务中心", Some(district), UnitKind::Station, None).await?;
    let mut items: Vec<(ServiceItemId, &Item, [PersonId; 2])> = Vec::new();
    for (i, item) in ITEMS.iter().enumerate() {
        let window = i + 1;
        let first = names::person(&mut rng);
        let second = names::person(&mut rng);
        let staff = [
            d.person(first.clone(), Some(centre), PersonKind::Staff, &format!("{window}号窗口工作人员"), None).await?,
            d.person(second.clone(), Some(centre), PersonKind::Staff, &format!("{window}号窗口工作人员"), None).await?,
        ];
        let input = input(item, centre, window, [first, second]);
        let id = d.store.services().create_item(&d.actor, input, None).await?.value.id;
        d.summary.services += 1;
        items.push((id, item, staff));
    }

    let cal = d.store.reference().calendar().await?;
    let today = d.store.today();
    let start = working_days_before(&cal, today, DAYS);
    let mut steps: Vec<(DateTime<Utc>, usize, Step)> = Vec::new();
    let mut n = 0usize;
    let mut day = start;
    while day <= today {
        if cal.is_working_day(day) {
            for (item_id, item, staff) in &items {
                let count = (item.daily + rng.random_range(-0.6..0.6f64)).round().max(0.0) as u32;
                for _ in 0..count {
                    plan_case(&mut steps, &mut rng, &cal, day, n, (*item_id, item, staff));
                    n += 1;
                }
            }
        }
        day = day.succ_opt().unwrap_or(today);
        if day == today.succ_opt().unwrap_or(today) {
            break;
        }
    }

    // The centre's own staff handle its cases.
    let clerk = Actor { account_id: None, username: "window".into(), role: Role::UnitClerk, unit_id: Some(centre) };
    replay(d.store, &vec![clerk; n], steps).await?;
    d.summary.service_cases += n;
    book_next_week(d, &mut rng, &items).await?;
    Ok(())
}

/// The appointment items' daily slots (预约排号), and a handful of bookings for next week.
async fn book_next_week(
    d: &mut Demo<'_>,
    rng: &mut StdRng,
    items: &[(ServiceItemId, &Item, [PersonId; 2])],
) -> Result<(), DemoError> {
    use rectify_domain::service::appointment::{NewAppointment, NewSlot, NewSlots, booking_days};
    let hours = [("09:00", "10:00"), ("10:00", "11:00"), ("14:00", "15:00"), ("15:00", "16:00")];
    let slots = NewSlots {
        slots: hours
            .iter()
            .map(|(a, b)| NewSlot { starts: Some((*a).into()), ends: Some((*b).into()), capacity: Some(6) })
            .collect(),
    };
    let cal = d.store.reference().calendar().await?;
    let days = booking_days(&cal, d.store.today());
    for (id, _, _) in items.iter().filter(|(_, item, _)| item.delivery == Appointment) {
        d.store.services().set_slots(&d.actor, *id, slots.clone()).await?;
        for day in days.iter().skip(5).take(3) {
            for _ in 0..rng.random_range(1..=3) {
                let (starts, _) = hours[rng.random_range(0..hours.len())];
                let phone = format!("139{:08}", rng.random_range(0..100_000_000u32));
                let input = NewAppointment {
                    item_id: Some(*id),
                    day: Some(day.to_string()),
                    slot: Some(starts.into()),
                    name: Some(names::person(rng)),
                    phone: Some(phone),
                };
                d.store.services().book(input, None).await?;
            }
        }
    }
    Ok(())
}

/// The steps of one case received on `day`, each after the one before.
fn plan_case(
    all: &mut Vec<(DateTime<Utc>, usize, Step)>,
    rng: &mut StdRng,
    cal: &WorkCalendar,
    day: NaiveDate,
    i: usize,
    (item_id, item, staff): (ServiceItemId, &Item, &[PersonId; 2]),
) {
    let mut steps: Vec<(DateTime<Utc>, usize, Step)> = Vec::new();
    plan_steps(&mut steps, rng, cal, day, i, (item_id, item, staff));
    let mut last: Option<DateTime<Utc>> = None;
    for (at, _, _) in steps.iter_mut() {
        if let Some(before) = last
            && *at <= before
        {
            *at = before + chrono::TimeDelta::minutes(1);
        }
        last = Some(*at);
    }
    all.extend(steps);
}

fn plan_steps(
    steps: &mut Vec<(DateTime<Utc>, usize, Step)>,
    rng: &mut StdRng,
    cal: &WorkCalendar,
    day: NaiveDate,
    i: usize,
    (item_id, item, staff): (ServiceItemId, &Item, &[PersonId; 2]),
) {
    let minute = rng.random_range(0..400u32);
    let at = |d: NaiveDate, m: u32| office_time(d, m);
    let channel = match item.delivery {
        Online => ServiceChannel::Online,
        Appointment if rng.random_bool(0.8) => ServiceChannel::Appointment,
        _ => ServiceChannel::Window,
    };
    steps.push((
        at(day, minute),
        i,
        Step::Receive(NewServiceCase {
            item_id: Some(item_id),
            channel: Some(channel),
            applicant_name: Some(names::person(rng)),
            applicant_phone: Some(format!("139{:08}", rng.random_range(0..100_000_000u32))),
            note: None,
            responsible_id: Some(staff[rng.random_range(0..2)]),
        }),
    ));
    let mut accepted_on = day;
    let mut m = minute + 10;
    // 一次性告知 of one material; the applicant comes back the next working day.
    if rng.random_bool(0.04) {
        let missing = item.materials[rng.random_range(0..item.materials.len())];
        let notice = ServiceTransitionRequest { missing: vec![missing.into()], ..act("notify") };
        steps.push((at(day, m), i, Step::Act(notice)));
        accepted_on = working_day(cal, day, 1);
        m = rng.random_range(0..300);
        steps.push((at(accepted_on, m), i, Step::Act(act("record_visit"))));
    }
    // A few are refused at the window (不属于受理范围).
    if rng.random_bool(0.01) {
        let refuse = ServiceTransitionRequest {
            reason: Some("申请事项不属于本窗口受理范围，已告知向属地办理".into()),
            ..act("refuse")
        };
        steps.push((at(accepted_on, m + 5), i, Step::Act(refuse)));
        return;
    }
    steps.push((at(accepted_on, m + 5), i, Step::Act(act("accept"))));
    // Done within the promise; now and then a day or two late (never past the law).
    let late = rng.random_bool(0.006);
    let mut took = if item.limits.0 == 0 { 0 } else { rng.random_range(0..=item.limits.0) };
    if late {
        took = (item.limits.0 + rng.random_range(1..=2)).min(item.limits.1);
    }
    // 补正 now and then on the longer items: the clock stops for two working days.
    let paused = item.limits.0 >= 5 && rng.random_bool(0.03);
    let total = item.steps.len() as u32;
    // The clock stands from the day of the second step until two working days later: the days
    // it stood that would have counted move the end on by as many.
    let pause_on = working_day(cal, accepted_on, took * 2 / total);
    let stood = match (paused, pause_on == accepted_on) {
        (false, _) => 0,
        (true, true) => 1,
        (true, false) => 2,
    };
    let done_on = working_day(cal, accepted_on, took + stood);
    for (k, s) in item.steps.iter().enumerate() {
        let k = k as u32;
        let on = working_day(cal, accepted_on, took * (k + 1) / total);
        let minute = if on == accepted_on { m + 10 + k * 5 } else { 60 + k * 20 };
        let step = ServiceTransitionRequest { step: Some((*s).into()), ..act("record_step") };
        steps.push((at(on, minute), i, Step::Act(step)));
        if paused && k == 1 {
            let reason = ServiceTransitionRequest {
                reason: Some("申请材料需补正，已告知申请人".into()),
                ..act("suspend")
            };
            steps.push((at(on, minute + 2), i, Step::Act(reason)));
            steps.push((at(working_day(cal, on, 2), 30), i, Step::Act(act("resume"))));
        }
    }
    let complete = ServiceTransitionRequest { result: Some(item.result.into()), ..act("complete") };
    steps.push((at(done_on, 400), i, Step::Act(complete)));
}

fn input(item: &Item, unit: UnitId, window: usize, staff: [String; 2]) -> NewServiceItem {
    NewServiceItem {
        code: Some(item.code.into()),
        name: Some(item.name.into()),
        kind: Some(item.kind),
        unit_id: Some(unit),
        window: Some(format!("{window}号窗口")),
        staff: staff
            .into_iter()
            .enumerate()
            .map(|(k, name)| ItemStaff { name: Some(name), phone: Some(format!("0579-8260{window:02}{}", k + 1)) })
            .collect(),
        place: Some("金东区行政服务中心一楼大厅".into()),
        hours: Some("周一至周五 8:30—12:00，13:30—17:00；周六上午预约办理".into()),
        materials: item
            .materials
            .iter()
            .map(|name| NewMaterial {
                name: Some((*name).into()),
                form: Some(MaterialForm::Original),
                ..Default::default()
            })
            .collect(),
        steps: item.steps.iter().map(|s| (*s).into()).collect(),
        legal_limit_days: Some(item.limits.1),
        promised_limit_days: Some(item.limits.0),
        max_visits: Some(item.visits),
        delivery: Some(item.delivery),
        lists: vec!["最多跑一次".into()],
        published: Some(true),
        ..Default::default()
    }
}
