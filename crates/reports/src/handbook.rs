//! An area's 便民服务一本通 as a document, as a street prints it for its residents: a title page
//! (the area, 便民服务一本通, the day it was printed), a page on how to read the cards and where to
//! complain, the contents (each station and its items, with their pages in the PDF), then a chapter per station
//! (一、二、…) with a card per item — what it is, who handles it where and when, the limits and
//! visits, fees, legal basis, whether it is done online, the handlers and their work phones, the
//! steps, and the materials to bring. The supervising office and its complaint phone are at the
//! foot of every page. The labels are the catalog's Chinese ones, as the public pages say them.

use crate::plan::chinese_number;
use crate::{Align, Block, Column, Contents, ContentsEntry, Cover, Document, Table};
use rectify_domain::bulletin::chinese_date;
use rectify_domain::service::catalog::{Delivery, ServiceItem};
use rectify_domain::service::handbook::{Handbook, TITLE};
use rectify_i18n::{Lang, catalog, label};

const CONTENTS: &str = "目　　录";

/// A catalog label in Chinese.
fn zh(key: &str) -> String {
    catalog().text(key, Lang::Zh, &[])
}

/// `5个工作日`; 即办 for the same day.
fn days(n: u32) -> String {
    if n == 0 { zh("service.same_day") } else { catalog().text("service.days", Lang::Zh, &[("n", n.to_string())]) }
}

/// 零跑腿, 最多跑一次, 最多跑3次.
fn visits(n: u32) -> String {
    match n {
        0 => zh("service.visits_zero"),
        1 => zh("service.visits_one"),
        n => catalog().text("service.visits_n", Lang::Zh, &[("n", n.to_string())]),
    }
}

/// Whether and how far it is done online.
fn online(d: Delivery) -> &'static str {
    match d {
        Delivery::Online => "可全程网上办理，无需到现场",
        Delivery::Appointment => "可网上预约，按预约时间到窗口办理",
        Delivery::Window => "暂不能网上办理，请到窗口办理",
    }
}

fn or_dash(text: Option<&str>) -> String {
    text.map(str::trim).filter(|t| !t.is_empty()).unwrap_or("—").to_owned()
}

fn col(header: &str, align: Align, weight: f32) -> Column {
    Column { header: header.into(), align, weight }
}

/// An item's card: a two-column table headed by its name.
fn card(item: &ServiceItem, station: &str) -> Table {
    let f = &item.fields;
    let fees = match (f.fees.as_deref().map(str::trim).filter(|t| !t.is_empty()), &f.fee_basis) {
        (None, _) => zh("service.free"),
        (Some(fees), Some(basis)) => format!("{fees}（收费依据：{basis}）"),
        (Some(fees), None) => fees.to_owned(),
    };
    let staff: Vec<String> = f.staff.iter().map(|s| format!("{}　{}", s.name, s.phone)).collect();
    let steps: Vec<String> = f.steps.iter().enumerate().map(|(i, s)| format!("{}.{s}", i + 1)).collect();
    let mut rows = vec![
        (zh("service.code"), f.code.clone()),
        ("事项类型".to_owned(), label(f.kind, Lang::Zh)),
        (zh("service.unit"), station.to_owned()),
        ("办理窗口".to_owned(), or_dash(f.window.as_deref())),
        (zh("service.place"), or_dash(f.place.as_deref())),
        (zh("service.hours"), or_dash(f.hours.as_deref())),
        (zh("service.promised"), days(f.promised_limit_days)),
        (zh("service.legal"), days(f.legal_limit_days)),
        (zh("service.visits"), visits(f.max_visits)),
        ("网上办理".to_owned(), online(f.delivery).to_owned()),
        (zh("service.fees"), fees),
        (zh("service.legal_basis"), or_dash(f.legal_basis.as_deref())),
        (zh("service.staff"), if staff.is_empty() { "—".into() } else { staff.join("\n") }),
        (zh("service.steps"), if steps.is_empty() { "—".into() } else { steps.join("→") }),
    ];
    if f.materials.is_empty() {
        rows.push((zh("service.materials"), zh("service.no_materials")));
    }
    let rows: Vec<Vec<String>> = rows.into_iter().map(|(k, v)| vec![k, v]).collect();
    Table {
        caption: None,
        columns: vec![col(&zh("service.name"), Align::Center, 1.3), col(&f.name, Align::Left, 4.2)],
        tones: vec![None; rows.len()],
        rows,
    }
}

/// The materials to bring: name (视情形提供 when only sometimes), original or copy, copies, where
/// to get it.
fn materials(item: &ServiceItem) -> Table {
    let rows: Vec<Vec<String>> = item
        .fields
        .materials
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let name = if m.optional { format!("{}（{}）", m.name, zh("service.optional")) } else { m.name.clone() };
            vec![(i + 1).to_string(), name, label(m.form, Lang::Zh), m.count.to_string(), or_dash(m.source.as_deref())]
        })
        .collect();
    Table {
        caption: Some(format!("{}{}", item.fields.name, zh("service.materials"))),
        columns: vec![
            col("序号", Align::Center, 0.6),
            col(&zh("service.material"), Align::Left, 3.2),
            col(&zh("service.form"), Align::Center, 1.5),
            col(&zh("service.copies"), Align::Center, 0.7),
            col(&zh("service.source"), Align::Left, 1.6),
        ],
        tones: vec![None; rows.len()],
        rows,
    }
}

/// How to read the handbook: what it holds, what the limits and visits mean, where to complain.
fn preface(h: &Handbook, printed: &str) -> Vec<Block> {
    let complain = match &h.complaint_phone {
        Some(phone) => format!("{}反映，监督电话：{phone}", h.office),
        None => format!("{}反映", h.office),
    };
    let paragraphs = [
        format!(
            "本手册收录{}及所属单位公开的服务事项{}项，按单位分章编排，逐项列明办理单位和窗口、办理地点和时间、申请材料、\
             办理流程、承诺时限和法定时限、跑动次数、收费标准、设定依据、能否网上办理，以及经办人员姓名和工作电话。",
            h.area,
            h.item_count()
        ),
        "承诺时限、法定时限均按工作日计算，自受理之日起算；“即办”指申请材料齐全、符合受理条件的当场办结。\
         “零跑腿”指可全程网上办理，无需到现场；“最多跑一次”指申请材料齐全、符合法定受理条件时，到现场不超过一次。"
            .to_owned(),
        format!("所列信息截至{printed}；如有变动，以各单位公布的办事指南为准。"),
        format!("办事中遇到推诿扯皮、吃拿卡要、超过承诺时限未办结等问题，可向{complain}。"),
    ];
    let mut blocks = vec![Block::Heading { level: 1, text: "说　　明".into() }];
    blocks.extend(paragraphs.into_iter().map(|text| Block::Paragraph { lead: None, text }));
    blocks
}

/// The handbook as a document.
pub fn document(h: &Handbook) -> Document {
    let printed = chinese_date(h.printed_on);
    let mut blocks = vec![Block::Cover(Cover {
        over: Some(h.area.clone()),
        title: TITLE.into(),
        under: vec![format!("{printed}印制")],
    })];
    blocks.extend(preface(h, &printed));
    blocks.push(Block::PageBreak);
    // The contents, filled in once the chapters know where they are.
    let contents = blocks.len();
    blocks.push(Block::Contents(Contents { title: CONTENTS.into(), entries: Vec::new() }));
    let mut entries = Vec::new();
    if h.stations.is_empty() {
        blocks.push(Block::Paragraph { lead: None, text: format!("{}暂无公开的服务事项。", h.area) });
    }
    for (i, station) in h.stations.iter().enumerate() {
        let heading = format!("{}、{}", chinese_number(i as u32 + 1), station.name);
        blocks.push(Block::PageBreak);
        entries.push(ContentsEntry { level: 1, text: heading.clone(), target: blocks.len() });
        blocks.push(Block::Heading { level: 1, text: heading });
        let phone = station.complaint_phone.as_ref().map(|p| format!("；本单位投诉电话：{p}")).unwrap_or_default();
        blocks.push(Block::Note { text: format!("本单位公开服务事项{}项{phone}。", station.items.len()) });
        for (j, item) in station.items.iter().enumerate() {
            let heading = format!("{}.{}", j + 1, item.fields.name);
            entries.push(ContentsEntry { level: 2, text: heading.clone(), target: blocks.len() });
            blocks.push(Block::Heading { level: 2, text: heading });
            blocks.push(Block::Table(card(item, &station.name)));
            if !item.fields.materials.is_empty() {
                blocks.push(Block::Table(materials(item)));
            }
        }
    }
    blocks[contents] = Block::Contents(Contents { title: CONTENTS.into(), entries });
    Document { title: h.title(), masthead: None, blocks, footer: Some(h.footer()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rectify_domain::ids::{ServiceItemId, UnitId};
    use rectify_domain::service::catalog::{Material, MaterialForm, ServiceItemFields, ServiceKind, StaffContact};
    use rectify_domain::service::handbook::Station;
    use rectify_domain::time::Timestamp;

    pub(crate) fn item(id: i64, name: &str) -> ServiceItem {
        let at = Timestamp::from_utc(chrono::DateTime::UNIX_EPOCH);
        ServiceItemFields {
            code: format!("WJZ-{id:03}"),
            name: name.into(),
            kind: ServiceKind::Public,
            unit_id: UnitId(2),
            window: Some("1号窗口".into()),
            staff: vec![
                StaffContact { name: "李红".into(), phone: "0931-7612345".into() },
                StaffContact { name: "王强".into(), phone: "13912345678".into() },
            ],
            place: Some("便民服务中心一楼".into()),
            hours: None,
            materials: vec![
                Material {
                    name: "居民身份证".into(),
                    form: MaterialForm::Both,
                    count: 1,
                    source: None,
                    optional: false,
                },
                Material {
                    name: "残疾人证".into(), form: MaterialForm::Copy, count: 2, source: None, optional: true
                },
            ],
            steps: vec!["申请".into(), "受理".into(), "办结".into()],
            legal_limit_days: 20,
            promised_limit_days: 0,
            fees: None,
            fee_basis: None,
            legal_basis: Some("《中华人民共和国人口与计划生育法》".into()),
            max_visits: 0,
            delivery: Delivery::Online,
            lists: vec![],
        }
        .into_item(ServiceItemId(id), true, 1, (at, at))
    }

    pub(crate) fn handbook() -> Handbook {
        Handbook {
            area_id: UnitId(1),
            area: "王家庄街道".into(),
            printed_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            office: "作风建设领导小组办公室".into(),
            complaint_phone: Some("0931-8123456".into()),
            stations: vec![
                Station {
                    unit_id: UnitId(2),
                    name: "王家庄街道便民服务中心".into(),
                    complaint_phone: None,
                    items: vec![item(1, "生育登记"), item(2, "高龄津贴申领")],
                },
                Station {
                    unit_id: UnitId(3),
                    name: "王家庄街道社区卫生服务站".into(),
                    complaint_phone: Some("0931-7600000".into()),
                    items: vec![item(3, "预防接种证补办")],
                },
            ],
        }
    }

    #[test]
    fn the_contents_point_at_each_station_and_item() {
        let doc = document(&handbook());
        assert_eq!(doc.title, "王家庄街道便民服务一本通");
        assert_eq!(doc.footer.as_deref(), Some("监督单位：作风建设领导小组办公室　监督电话：0931-8123456"));
        let Block::Cover(cover) = &doc.blocks[0] else { panic!("a title page first") };
        assert_eq!(
            (cover.over.as_deref(), cover.under.as_slice()),
            (Some("王家庄街道"), &["2026年3月2日印制".to_owned()][..])
        );
        let Some(Block::Contents(contents)) = doc.blocks.iter().find(|b| matches!(b, Block::Contents(_))) else {
            panic!("the contents")
        };
        let said: Vec<&str> = doc
            .blocks
            .iter()
            .filter_map(|b| if let Block::Paragraph { text, .. } = b { Some(text.as_str()) } else { None })
            .collect();
        assert!(said[0].starts_with("本手册收录王家庄街道及所属单位公开的服务事项3项"), "{said:?}");
        assert!(said[3].ends_with("可向作风建设领导小组办公室反映，监督电话：0931-8123456。"), "{said:?}");
        let listed: Vec<(u8, &str)> = contents.entries.iter().map(|e| (e.level, e.text.as_str())).collect();
        assert_eq!(
            listed,
            [
                (1, "一、王家庄街道便民服务中心"),
                (2, "1.生育登记"),
                (2, "2.高龄津贴申领"),
                (1, "二、王家庄街道社区卫生服务站"),
                (2, "1.预防接种证补办")
            ]
        );
        for e in &contents.entries {
            let Block::Heading { text, .. } = &doc.blocks[e.target] else { panic!("{} points at a heading", e.text) };
            assert_eq!(text, &e.text);
        }
    }

    #[test]
    fn a_card_says_what_a_citizen_needs() {
        let doc = document(&handbook());
        let tables: Vec<&Table> =
            doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect();
        let card: Vec<String> = tables[0].rows.iter().map(|r| r.join("：")).collect();
        assert_eq!(tables[0].columns[1].header, "生育登记");
        for line in [
            "事项编号：WJZ-001",
            "事项类型：公共服务",
            "办理单位：王家庄街道便民服务中心",
            "办理窗口：1号窗口",
            "办理时间：—",
            "承诺时限：即办",
            "法定时限：20个工作日",
            "跑动次数：零跑腿",
            "网上办理：可全程网上办理，无需到现场",
            "收费标准：不收费",
            "经办人员：李红　0931-7612345\n王强　13912345678",
            "办理流程：1.申请→2.受理→3.办结",
        ] {
            assert!(card.contains(&line.to_owned()), "{line} in {card:?}");
        }
        let materials: Vec<String> = tables[1].rows.iter().map(|r| r.join("|")).collect();
        assert_eq!(materials, ["1|居民身份证|原件和复印件|1|—", "2|残疾人证（视情形提供）|复印件|2|—"]);
    }
}
