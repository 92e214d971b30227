//! Whole areas' service catalogs (事项清单), read from tab-separated tables as offices keep them:
//! a line `=name …` opens a station (站所) or window and the item lines after it are its items.
//! Materials and steps are written in short — the common ones by key ([`MATERIALS`], [`FLOWS`]),
//! the rest as printed — so a table line reads like a row of the printed list. Every station's
//! staff are people of the directory, named on its items with their work phones.

use crate::{Demo, DemoError, names, rows};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rectify_domain::ids::{PersonId, ServiceItemId, UnitId};
use rectify_domain::person::{NewPerson, PersonKind};
use rectify_domain::service::catalog::{Delivery, ItemStaff, MaterialForm, NewMaterial, NewServiceItem, ServiceKind};
use rectify_domain::unit::{NewUnit, UnitKind};
use std::collections::HashSet;

use MaterialForm::{Both, Copy, Original};

/// Materials many items ask for: key, name as printed, form, copies.
#[rustfmt::skip]
const MATERIALS: &[(&str, &str, MaterialForm, u32)] = &[
    ("身份证", "申请人居民身份证", Both, 1),
    ("户口簿", "居民户口簿", Both, 1),
    ("照片", "近期一寸免冠照片", Original, 2),
    ("申请表", "申请表（窗口领取或网上下载）", Original, 1),
    ("银行卡", "本人社会保障卡或银行卡", Copy, 1),
    ("结婚证", "结婚证", Both, 1),
    ("营业执照", "营业执照", Copy, 1),
    ("法人", "法定代表人身份证明", Copy, 1),
    ("委托书", "授权委托书及受托人身份证", Original, 1),
    ("承诺书", "告知承诺书", Original, 1),
    ("残疾人证", "中华人民共和国残疾人证", Both, 1),
    ("社保卡", "社会保障卡", Original, 1),
    ("权证", "不动产权证书", Both, 1),
    ("场所", "经营场所使用证明（房产证明或租赁合同）", Copy, 1),
    ("平面图", "场所平面布局图", Original, 1),
    ("收入", "家庭成员收入情况说明", Original, 1),
    ("章程", "章程", Original, 1),
    ("劳动合同", "劳动合同", Copy, 1),
];

/// Step sequences many items share, by key.
#[rustfmt::skip]
const FLOWS: &[(&str, &[&str])] = &[
    ("即办", &["申请", "受理", "办结"]),
    ("审核", &["申请", "受理", "审核", "办结"]),
    ("审批", &["申请", "受理", "审核", "审批", "办结"]),
    ("核查", &["申请", "受理", "实地核查", "审核", "办结"]),
    ("公示", &["申请", "受理", "入户调查", "公示", "审批", "办结"]),
    ("上报", &["申请", "受理", "初审", "上报", "办结"]),
    ("制证", &["申请", "受理", "审核", "制证", "办结"]),
    ("代办", &["申请", "受理", "代办", "办结"]),
    ("登簿", &["申请", "受理", "审核", "登簿", "缮证发证"]),
    ("网即办", &["网上申请", "受理", "办结"]),
    ("网办", &["网上申请", "受理", "审核", "办结"]),
    ("网审批", &["网上申请", "受理", "审核", "审批", "办结"]),
];

#[rustfmt::skip]
const KINDS: [(&str, ServiceKind); 7] = [
    ("许可", ServiceKind::License), ("给付", ServiceKind::Benefit), ("确认", ServiceKind::Confirmation),
    ("征收", ServiceKind::Levy), ("其他", ServiceKind::OtherPower), ("公共", ServiceKind::Public),
    ("便民", ServiceKind::Convenience),
];

const DELIVERIES: [(&str, Delivery); 3] =
    [("网办", Delivery::Online), ("预约", Delivery::Appointment), ("窗口", Delivery::Window)];

/// An item as its table line says it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub name: String,
    pub kind: ServiceKind,
    /// (promised, legal) working days.
    pub limits: (u32, u32),
    pub visits: u32,
    pub delivery: Delivery,
    pub materials: Vec<NewMaterial>,
    pub steps: Vec<String>,
    pub lists: Vec<String>,
}

/// A station's line, as the table words it, and its items.
#[derive(Debug)]
pub(crate) struct StationRow<'a> {
    pub name: &'a str,
    pub code: &'a str,
    pub window: &'a str,
    pub place: &'a str,
    /// None: the area's usual hours.
    pub hours: Option<&'a str>,
    pub head: &'a str,
    pub staff: usize,
    pub items: Vec<Entry>,
}

fn lookup<T: std::marker::Copy>(table: &[(&str, T)], key: &str, what: &str) -> Result<T, String> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v).ok_or_else(|| format!("unknown {what} {key}"))
}

/// `身份证`, `死亡医学证明*` (copy), `结婚证+` (original and copy), `委托书?` (only in some cases).
fn material(token: &str) -> NewMaterial {
    let optional = token.ends_with('?');
    let token = token.trim_end_matches('?');
    let (name, form) = match token.chars().last() {
        Some('*') => (token.trim_end_matches('*'), Some(Copy)),
        Some('+') => (token.trim_end_matches('+'), Some(Both)),
        _ => (token, None),
    };
    let (name, shared_form, count) = match MATERIALS.iter().find(|m| m.0 == name) {
        Some(&(_, printed, form, count)) => (printed, form, count),
        None => (name, Original, 1),
    };
    NewMaterial {
        name: Some(name.into()),
        form: Some(form.unwrap_or(shared_form)),
        count: Some(count),
        source: None,
        optional,
    }
}

/// The lists an item is in: 最多跑一次 when a visit at most does it, the 权力清单 for an
/// administrative power, then its topics (`-` for none).
pub(crate) fn lists(kind: ServiceKind, visits: u32, topics: &[&str]) -> Vec<String> {
    let own = [(visits <= 1, "最多跑一次"), (kind.is_power(), "权力清单")];
    let own = own.into_iter().filter(|(yes, _)| *yes).map(|(_, name)| name);
    own.chain(topics.iter().copied().filter(|t| *t != "-")).map(Into::into).collect()
}

fn entry(cols: &[&str]) -> Result<Entry, String> {
    let [name, kind, limits, visits, delivery, materials, flow, topics] = cols else {
        return Err(format!("an item line has 8 columns: {cols:?}"));
    };
    let kind = lookup(&KINDS, kind, "kind")?;
    let limits = limits
        .split_once('/')
        .and_then(|(p, l)| Some((p.parse().ok()?, l.parse().ok()?)))
        .filter(|(p, l)| p <= l)
        .ok_or_else(|| format!("{name}: limits {limits}"))?;
    let visits = visits.parse().map_err(|_| format!("{name}: visits {visits}"))?;
    let steps = match FLOWS.iter().find(|(k, _)| k == flow) {
        Some((_, steps)) => steps.iter().map(|s| (*s).to_owned()).collect(),
        None => flow.split('>').map(str::to_owned).collect(),
    };
    let topics: Vec<&str> = topics.split(' ').collect();
    Ok(Entry {
        name: (*name).into(),
        kind,
        limits,
        visits,
        delivery: lookup(&DELIVERIES, delivery, "delivery")?,
        materials: materials.split(' ').map(material).collect(),
        steps,
        lists: lists(kind, visits, &topics),
    })
}

/// Reads a table: `=name, code, window, place, hours (- usual), head's title, staff` opens a
/// station; `name, kind, promised/legal, visits, delivery, materials, flow, topics` is an item.
pub(crate) fn parse(data: &str) -> Result<Vec<StationRow<'_>>, String> {
    let mut out: Vec<StationRow> = Vec::new();
    for cols in rows(data) {
        if let Some(name) = cols[0].strip_prefix('=') {
            let [_, code, window, place, hours, head, staff] = cols[..] else {
                return Err(format!("a station line has 7 columns: {cols:?}"));
            };
            out.push(StationRow {
                name,
                code,
                window,
                place,
                hours: (hours != "-").then_some(hours),
                head,
                staff: staff.parse().ok().filter(|n| *n > 0).ok_or_else(|| format!("{name}: staff {staff}"))?,
                items: Vec::new(),
            });
        } else {
            let station = out.last_mut().ok_or("an item before any station")?;
            station.items.push(entry(&cols)?);
        }
    }
    Ok(out)
}

/// Where an area's stations go and how its codes and phones read.
pub(crate) struct Area {
    pub parent: UnitId,
    pub kind: UnitKind,
    pub system: Option<&'static str>,
    /// Codes read `{code}-{station's code}-{n:03}`.
    pub code: &'static str,
    /// Work phones read `{phone}{station:02}{person:02}`.
    pub phone: &'static str,
    pub hours: &'static str,
    pub seed: u64,
}

/// A station as loaded.
pub(crate) struct Station {
    pub name: String,
    pub unit: UnitId,
    pub staff: Vec<PersonId>,
    pub items: Vec<(ServiceItemId, Entry)>,
}

/// Loads `data` under `area.parent`: its stations, their staff (named apart from `taken`) and
/// their published items.
pub(crate) async fn load(
    d: &mut Demo<'_>,
    area: &Area,
    data: &str,
    taken: &mut HashSet<String>,
) -> Result<Vec<Station>, DemoError> {
    let mut rng = StdRng::seed_from_u64(area.seed);
    let mut out = Vec::new();
    for (s, row) in parse(data).map_err(DemoError::Data)?.into_iter().enumerate() {
        let unit = d
            .unit_with(NewUnit {
                name: Some(row.name.into()),
                parent_id: Some(area.parent),
                kind: Some(area.kind),
                system: area.system.map(Into::into),
                ..Default::default()
            })
            .await?;
        let mut staff = Vec::new();
        let mut contacts = Vec::new();
        for k in 0..row.staff {
            let name = loop {
                let name = names::person(&mut rng);
                if taken.insert(name.clone()) {
                    break name;
                }
            };
            let phone = format!("{}{:02}{:02}", area.phone, s + 1, k + 1);
            let position = if k == 0 { row.head } else { "工作人员" };
            let input = NewPerson {
                name: Some(name.clone()),
                kind: Some(PersonKind::Staff),
                unit_id: Some(unit),
                position: Some(position.into()),
                affiliation: None,
                phone: Some(phone.clone()),
            };
            staff.push(d.person_with(input).await?);
            contacts.push(ItemStaff { name: Some(name), phone: Some(phone) });
        }
        let mut items = Vec::new();
        for (n, entry) in row.items.iter().enumerate() {
            let input = input(area, &row, n, unit, &contacts);
            let id = d.store.services().create_item(&d.actor, input, None).await?.value.id;
            d.summary.services += 1;
            items.push((id, entry.clone()));
        }
        out.push(Station { name: row.name.into(), unit, staff, items });
    }
    Ok(out)
}

/// The `n`-th item of `row` as the catalog receives it, with two of the station's people on it
/// in turn.
fn input(area: &Area, row: &StationRow, n: usize, unit: UnitId, contacts: &[ItemStaff]) -> NewServiceItem {
    let entry = &row.items[n];
    let staff = (n..n + contacts.len().min(2)).map(|i| contacts[i % contacts.len()].clone()).collect();
    NewServiceItem {
        code: Some(format!("{}-{}-{:03}", area.code, row.code, n + 1)),
        name: Some(entry.name.clone()),
        kind: Some(entry.kind),
        unit_id: Some(unit),
        window: Some(row.window.into()),
        staff,
        place: Some(row.place.into()),
        hours: Some(row.hours.unwrap_or(area.hours).into()),
        materials: entry.materials.clone(),
        steps: entry.steps.clone(),
        legal_limit_days: Some(entry.limits.1),
        promised_limit_days: Some(entry.limits.0),
        max_visits: Some(entry.visits),
        delivery: Some(entry.delivery),
        lists: entry.lists.clone(),
        published: Some(true),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLES: [(&str, &str); 3] = [
        ("王家庄街道", include_str!("../data/wangjiazhuang.tsv")),
        ("安宁区", include_str!("../data/anning-items.tsv")),
        ("宁海县人社局", include_str!("../data/ninghai-renshe.tsv")),
    ];

    fn table(i: usize) -> Vec<StationRow<'static>> {
        parse(TABLES[i].1).unwrap_or_else(|e| panic!("{}: {e}", TABLES[i].0))
    }

    /// (stations, staff, items) of a table.
    fn counts(rows: &[StationRow]) -> (usize, usize, usize) {
        (rows.len(), rows.iter().map(|r| r.staff).sum(), rows.iter().map(|r| r.items.len()).sum())
    }

    #[test]
    fn every_item_of_every_table_is_valid() {
        let area = Area {
            parent: UnitId(1),
            kind: UnitKind::Station,
            system: None,
            code: "T",
            phone: "0579-8263",
            hours: "工作日",
            seed: 0,
        };
        let mut codes = HashSet::new();
        for (i, (name, _)) in TABLES.iter().enumerate() {
            for row in table(i) {
                let contacts: Vec<ItemStaff> = (0..row.staff)
                    .map(|k| ItemStaff { name: Some(format!("干部{k}")), phone: Some(format!("0579-826301{k:02}")) })
                    .collect();
                for n in 0..row.items.len() {
                    let item = input(&area, &row, n, UnitId(2), &contacts);
                    let f = item.validate().unwrap_or_else(|e| panic!("{name} {}: {e:?}", row.items[n].name));
                    assert!(codes.insert(format!("{name}{}", f.code)), "{} twice", f.code);
                    // Done online means no visit at all.
                    assert!(f.delivery != Delivery::Online || f.max_visits == 0, "{}", f.name);
                }
            }
        }
    }

    #[test]
    fn the_tables_hold_the_seeds_figures() {
        // 王家庄街道: with the 便民服务中心 (18 items, 12 cadres), 33 stations, 130-odd cadres
        // and 200-odd items.
        let (stations, staff, items) = counts(&table(0));
        assert_eq!(stations + 1, 33);
        assert!(staff + 12 > 130 && items + 18 > 200, "{staff} cadres, {items} items");
        assert!(table(0).iter().all(|r| (4..=9).contains(&r.items.len()) && (2..=6).contains(&r.staff)));
        // 安宁区: 120 items, every one in the 最多跑一次 list.
        let anning = table(1);
        assert_eq!(counts(&anning).2, 120);
        let items = || anning.iter().flat_map(|r| r.items.iter());
        assert!(items().all(|e| e.visits <= 1 && e.lists[0] == "最多跑一次"));
        // 宁海县人社局: thirty items, all done online.
        let renshe = table(2);
        assert_eq!(counts(&renshe).2, 30);
        assert!(renshe.iter().flat_map(|r| r.items.iter()).all(|e| e.delivery == Delivery::Online));
    }
}
