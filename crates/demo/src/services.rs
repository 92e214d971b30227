//! 王家庄街道 (seed 002): the street printed a 《便民服务一本通》 of what its 33 stations handle —
//! the materials, the steps, who to see, where and at which phone: 130-odd cadres and 200-odd
//! items. Here the 便民服务中心's items on births, pensions, insurance, work, assistance and
//! benefits, each with its materials, steps, promised and legal limits in working days and how
//! many visits it takes (最多跑一次 for most); the other stations come from a table
//! (`data/wangjiazhuang.tsv`, see `catalog.rs`). Names and phones are invented.

use crate::catalog::{self, Area};
use crate::{Demo, DemoError};
use rectify_domain::ids::UnitId;
use rectify_domain::person::{NewPerson, PersonKind};
use rectify_domain::service::catalog::{Delivery, ItemStaff, MaterialForm, NewMaterial, NewServiceItem, ServiceKind};
use rectify_domain::unit::UnitKind;
use std::collections::HashSet;

const STATIONS: &str = include_str!("../data/wangjiazhuang.tsv");

/// One item: code, name, kind, (promised, legal) working days, visits, delivery, lists,
/// materials (name, form, copies, optional), steps, window.
struct Item {
    code: &'static str,
    name: &'static str,
    kind: ServiceKind,
    limits: (u32, u32),
    visits: u32,
    delivery: Delivery,
    lists: &'static [&'static str],
    materials: &'static [(&'static str, MaterialForm, u32, bool)],
    steps: &'static [&'static str],
    window: u32,
}

use Delivery::{Appointment, Online, Window};
use MaterialForm::{Both, Copy, Original};
use ServiceKind::{Benefit, Confirmation, Convenience, License, Public};

const ID: (&str, MaterialForm, u32, bool) = ("申请人居民身份证", Both, 1, false);
const HUKOU: (&str, MaterialForm, u32, bool) = ("居民户口簿", Both, 1, false);
const PHOTO: (&str, MaterialForm, u32, bool) = ("近期一寸免冠照片", Original, 2, false);
const BANK: (&str, MaterialForm, u32, bool) = ("本人社会保障卡或银行卡", Copy, 1, false);
const APPLY: (&str, MaterialForm, u32, bool) = ("申请表（窗口领取或网上下载）", Original, 1, false);

#[rustfmt::skip]
const ITEMS: &[Item] = &[
    Item { code: "WJZ-WJ-001", name: "生育登记", kind: Public, limits: (0, 5), visits: 0, delivery: Online,
        lists: &["最多跑一次", "生育"], materials: &[("夫妻双方居民身份证", Both, 1, false), HUKOU, ("结婚证", Both, 1, false)],
        steps: &["网上申请", "受理", "审核", "办结"], window: 1 },
    Item { code: "WJZ-WJ-002", name: "独生子女父母光荣证补办", kind: Confirmation, limits: (1, 10), visits: 1, delivery: Window,
        lists: &["最多跑一次", "生育"], materials: &[ID, HUKOU, ("结婚证", Copy, 1, false), PHOTO],
        steps: &["申请", "受理", "审核", "办结"], window: 1 },
    Item { code: "WJZ-WJ-003", name: "计划生育家庭特别扶助金申请", kind: Benefit, limits: (15, 30), visits: 1, delivery: Window,
        lists: &["最多跑一次", "生育", "救助"], materials: &[APPLY, ID, HUKOU, ("独生子女父母光荣证", Copy, 1, false), ("子女死亡证明或伤残证明", Copy, 1, false), BANK],
        steps: &["申请", "受理", "社区公示", "审核", "审批", "办结"], window: 1 },
    Item { code: "WJZ-SB-001", name: "城乡居民基本养老保险参保登记", kind: Public, limits: (1, 5), visits: 1, delivery: Appointment,
        lists: &["最多跑一次", "养老"], materials: &[ID, HUKOU],
        steps: &["申请", "受理", "办结"], window: 2 },
    Item { code: "WJZ-SB-002", name: "城乡居民基本养老保险待遇领取", kind: Benefit, limits: (5, 20), visits: 1, delivery: Appointment,
        lists: &["最多跑一次", "养老"], materials: &[ID, HUKOU, BANK],
        steps: &["申请", "受理", "审核", "办结"], window: 2 },
    Item { code: "WJZ-SB-003", name: "城乡居民基本医疗保险参保登记", kind: Public, limits: (0, 5), visits: 0, delivery: Online,
        lists: &["最多跑一次", "医疗"], materials: &[ID, HUKOU],
        steps: &["网上申请", "受理", "办结"], window: 2 },
    Item { code: "WJZ-SB-004", name: "高龄津贴申领", kind: Benefit, limits: (5, 15), visits: 1, delivery: Window,
        lists: &["最多跑一次", "养老"], materials: &[ID, HUKOU, BANK],
        steps: &["申请", "受理", "审核", "办结"], window: 2 },
    Item { code: "WJZ-SB-005", name: "老年人优待证办理", kind: Convenience, limits: (0, 3), visits: 1, delivery: Window,
        lists: &["最多跑一次", "养老", "优待"], materials: &[ID, PHOTO],
        steps: &["申请", "受理", "办结"], window: 2 },
    Item { code: "WJZ-JY-001", name: "就业失业登记", kind: Public, limits: (0, 5), visits: 1, delivery: Appointment,
        lists: &["最多跑一次", "就业"], materials: &[ID, PHOTO, ("解除或终止劳动合同证明", Copy, 1, true)],
        steps: &["申请", "受理", "办结"], window: 3 },
    Item { code: "WJZ-JY-002", name: "灵活就业人员社会保险补贴申请", kind: Benefit, limits: (10, 20), visits: 1, delivery: Window,
        lists: &["最多跑一次", "就业"], materials: &[APPLY, ID, ("就业创业证", Copy, 1, false), ("社会保险缴费凭证", Original, 1, false), BANK],
        steps: &["申请", "受理", "审核", "公示", "办结"], window: 3 },
    Item { code: "WJZ-JY-003", name: "创业担保贷款申请初审", kind: Public, limits: (5, 15), visits: 2, delivery: Window,
        lists: &["就业"], materials: &[APPLY, ID, ("营业执照", Copy, 1, false), ("创业计划书", Original, 1, false), ("担保人身份证明", Copy, 1, true)],
        steps: &["申请", "受理", "实地核查", "初审", "办结"], window: 3 },
    Item { code: "WJZ-MZ-001", name: "最低生活保障申请", kind: Benefit, limits: (20, 30), visits: 1, delivery: Window,
        lists: &["最多跑一次", "救助"], materials: &[APPLY, ID, HUKOU, ("家庭成员收入情况说明", Original, 1, false), ("残疾人证", Copy, 1, true), BANK],
        steps: &["申请", "受理", "入户调查", "民主评议", "社区公示", "审核", "办结"], window: 4 },
    Item { code: "WJZ-MZ-002", name: "临时救助申请", kind: Benefit, limits: (5, 10), visits: 1, delivery: Window,
        lists: &["最多跑一次", "救助"], materials: &[APPLY, ID, ("困难情况证明（医疗费用票据、事故证明等）", Copy, 1, false), BANK],
        steps: &["申请", "受理", "审核", "办结"], window: 4 },
    Item { code: "WJZ-MZ-003", name: "困难残疾人生活补贴和重度残疾人护理补贴申请", kind: Benefit, limits: (10, 20), visits: 1, delivery: Window,
        lists: &["最多跑一次", "救助", "残疾人"], materials: &[ID, ("中华人民共和国残疾人证", Both, 1, false), BANK],
        steps: &["申请", "受理", "审核", "办结"], window: 4 },
    Item { code: "WJZ-MZ-004", name: "退役军人优待证申领", kind: Public, limits: (5, 15), visits: 1, delivery: Window,
        lists: &["最多跑一次", "优待"], materials: &[ID, ("退役证件", Both, 1, false), PHOTO],
        steps: &["申请", "受理", "审核", "制证", "办结"], window: 4 },
    Item { code: "WJZ-CJ-001", name: "临时占用道路设置摊点初审", kind: License, limits: (5, 20), visits: 2, delivery: Window,
        lists: &["经营"], materials: &[APPLY, ID, ("营业执照", Copy, 1, false), ("占道位置示意图", Original, 1, false)],
        steps: &["申请", "受理", "现场勘查", "初审", "办结"], window: 5 },
    Item { code: "WJZ-CJ-002", name: "门前三包责任书签订", kind: Convenience, limits: (0, 3), visits: 1, delivery: Window,
        lists: &["最多跑一次", "经营"], materials: &[ID, ("营业执照", Copy, 1, false)],
        steps: &["申请", "签订", "办结"], window: 5 },
    Item { code: "WJZ-ZH-001", name: "居民身份证户籍证明开具", kind: Confirmation, limits: (0, 3), visits: 1, delivery: Window,
        lists: &["最多跑一次"], materials: &[ID, HUKOU],
        steps: &["申请", "核对", "办结"], window: 6 },
];

/// Two handlers per window, with the work phones printed in the handbook.
#[rustfmt::skip]
const STAFF: [(&str, &str); 12] = [
    ("陈丽华", "0579-82610101"), ("周晓燕", "0579-82610102"),
    ("王建国", "0579-82610201"), ("李秀英", "0579-82610202"),
    ("张伟", "0579-82610301"), ("刘芳", "0579-82610302"),
    ("赵敏", "0579-82610401"), ("孙志强", "0579-82610402"),
    ("吴海军", "0579-82610501"), ("郑红梅", "0579-82610502"),
    ("冯国庆", "0579-82610601"), ("蒋玉兰", "0579-82610602"),
];

/// Office hours of the street's stations unless a station keeps its own.
const HOURS: &str = "周一至周五 8:30—12:00，14:00—17:30（法定节假日除外）";

pub async fn load(d: &mut Demo<'_>) -> Result<(), DemoError> {
    let street = d.unit("王家庄街道", None, UnitKind::Street, None).await?;
    let centre = d.unit("王家庄街道便民服务中心", Some(street), UnitKind::Station, None).await?;
    for item in ITEMS {
        d.store.services().create_item(&d.actor, input(item, centre), None).await?;
        d.summary.services += 1;
    }
    // The handbook names its cadres: they are people of the directory too.
    for (k, (name, phone)) in STAFF.iter().enumerate() {
        let person = NewPerson {
            name: Some((*name).into()),
            kind: Some(PersonKind::Staff),
            unit_id: Some(centre),
            position: Some(format!("{}号窗口工作人员", k / 2 + 1)),
            affiliation: None,
            phone: Some((*phone).into()),
        };
        d.person_with(person).await?;
    }
    // The other 32 of its 33 stations, 130-odd cadres and 200-odd items in all.
    let area = Area {
        parent: street,
        kind: UnitKind::Station,
        system: None,
        code: "WJZ",
        phone: "0579-8263",
        hours: HOURS,
        seed: 20140509,
    };
    let mut taken: HashSet<String> = STAFF.iter().map(|(name, _)| (*name).to_owned()).collect();
    catalog::load(d, &area, STATIONS, &mut taken).await?;
    Ok(())
}

fn input(item: &Item, unit: UnitId) -> NewServiceItem {
    let window = item.window as usize;
    let staff = STAFF[(window - 1) * 2..window * 2]
        .iter()
        .map(|(name, phone)| ItemStaff { name: Some((*name).into()), phone: Some((*phone).into()) })
        .collect();
    let materials = item
        .materials
        .iter()
        .map(|(name, form, count, optional)| NewMaterial {
            name: Some((*name).into()),
            form: Some(*form),
            count: Some(*count),
            source: None,
            optional: *optional,
        })
        .collect();
    NewServiceItem {
        code: Some(item.code.into()),
        name: Some(item.name.into()),
        kind: Some(item.kind),
        unit_id: Some(unit),
        window: Some(format!("{}号窗口", item.window)),
        staff,
        place: Some("王家庄街道便民服务中心一楼".into()),
        hours: Some(HOURS.into()),
        materials,
        steps: item.steps.iter().map(|s| (*s).into()).collect(),
        legal_limit_days: Some(item.limits.1),
        promised_limit_days: Some(item.limits.0),
        fees: None,
        fee_basis: None,
        legal_basis: None,
        max_visits: Some(item.visits),
        delivery: Some(item.delivery),
        lists: item.lists.iter().map(|s| (*s).into()).chain(item.kind.is_power().then(|| "权力清单".into())).collect(),
        published: Some(true),
        version: None,
        reason: None,
    }
}
