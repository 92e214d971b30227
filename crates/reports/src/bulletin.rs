//! A campaign bulletin (简报) as a document, laid out like seed 000's 《简报》第8期: the masthead,
//! the headline, the 【编者按】 with the figures in sentences, then the tables, charts, overdue
//! items, the public's hot spots and the items chosen by staff. Every number comes from the bulletin's content, which
//! the domain counted (`rectify_domain::bulletin::compose`).

use crate::{Align, Block, Chart, Column, Document, LightRow, Masthead, RateRow, Table, Tone};
use rectify_domain::bulletin::{BulletinContent, BulletinHotSpots, BulletinServices, chinese_date, percent};
use rectify_domain::figures::{GroupTally, LedgerTally};

/// Units drawn in a chart (the rest are in the tables).
const CHART_UNITS: usize = 15;

fn col(header: &str, align: Align, weight: f32) -> Column {
    Column { header: header.into(), align, weight }
}

/// The columns of a figures table, after its first (the unit's or category's name).
fn figure_columns(first: &str) -> Vec<Column> {
    vec![
        col(first, Align::Left, 2.2),
        col("问题数", Align::Right, 1.0),
        col("已销号", Align::Right, 1.0),
        col("整改到位", Align::Right, 1.0),
        col("待验收", Align::Right, 1.0),
        col("整改中", Align::Right, 1.0),
        col("逾期", Align::Right, 0.8),
        col("整改率", Align::Right, 1.5),
        col("按期整改率", Align::Right, 1.5),
    ]
}

fn figure_cells(t: &LedgerTally) -> Vec<String> {
    vec![
        t.total.to_string(),
        t.closed.to_string(),
        t.verified.to_string(),
        t.reported.to_string(),
        t.unfinished().to_string(),
        t.red.to_string(),
        percent(t.rate()),
        if t.settled == 0 { "—".into() } else { percent(t.on_time_rate()) },
    ]
}

fn tone(t: &LedgerTally) -> Option<Tone> {
    (t.red > 0).then_some(Tone::Red)
}

/// The ranking table: ranked units with their place, then the units under the minimum.
fn units_table(c: &BulletinContent) -> Table {
    let mut columns = vec![col("名次", Align::Center, 0.7)];
    columns.extend(figure_columns("单位"));
    let mut rows = Vec::new();
    let mut tones = Vec::new();
    for r in &c.ranking.ranked {
        let mut row = vec![r.rank.to_string(), r.group.name.clone()];
        row.extend(figure_cells(&r.group.tally));
        rows.push(row);
        tones.push(tone(&r.group.tally));
    }
    for g in &c.ranking.unranked {
        let mut row = vec!["—".into(), g.name.clone()];
        row.extend(figure_cells(&g.tally));
        rows.push(row);
        tones.push(tone(&g.tally));
    }
    let mut total = vec![String::new(), "合计".into()];
    total.extend(figure_cells(&c.figures));
    rows.push(total);
    tones.push(None);
    Table { caption: Some("表1 各单位整改情况（按整改率排名）".into()), columns, rows, tones }
}

fn categories_table(c: &BulletinContent) -> Table {
    let rows: Vec<Vec<String>> = c
        .categories
        .iter()
        .map(|g: &GroupTally| {
            let mut row = vec![g.name.clone()];
            row.extend(figure_cells(&g.tally));
            row
        })
        .collect();
    let tones = c.categories.iter().map(|g| tone(&g.tally)).collect();
    Table {
        caption: Some("表2 各类问题整改情况".into()), columns: figure_columns("问题类别"), rows, tones
    }
}

fn overdue_table(c: &BulletinContent) -> Table {
    let columns = vec![
        col("序号", Align::Center, 0.7),
        col("责任单位", Align::Left, 2.2),
        col("问题", Align::Left, 4.4),
        col("整改时限", Align::Center, 2.2),
        col("逾期（工作日）", Align::Right, 1.4),
    ];
    let rows: Vec<Vec<String>> = c
        .overdue
        .iter()
        .enumerate()
        .map(|(i, o)| {
            vec![
                (i + 1).to_string(),
                o.unit.clone(),
                o.description.clone(),
                // In words, so a narrow column breaks between 年, 月 and 日, never inside a number.
                chinese_date(o.due_on),
                o.days_overdue.to_string(),
            ]
        })
        .collect();
    let tones = vec![Some(Tone::Red); rows.len()];
    Table { caption: Some("表3 逾期未整改问题".into()), columns, rows, tones }
}

fn hot_spots_table(h: &BulletinHotSpots) -> Table {
    let columns = vec![
        col("序号", Align::Center, 0.7),
        col("地点或人群", Align::Left, 1.8),
        col("反映事项", Align::Left, 4.2),
        col("诉求件数", Align::Right, 1.2),
        col("点赞数", Align::Right, 1.1),
        col("反映时间", Align::Center, 2.6),
    ];
    let rows: Vec<Vec<String>> = h
        .items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let place = [s.place.as_deref(), s.crowd.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("、");
            let period = format!("{}至{}", chinese_date(s.from), chinese_date(s.to));
            vec![(i + 1).to_string(), place, s.description.clone(), s.count.to_string(), s.likes.to_string(), period]
        })
        .collect();
    let tones = vec![None; rows.len()];
    Table { caption: Some("表4 群众反映热点问题".into()), columns, rows, tones }
}

fn services_table(s: &BulletinServices) -> Table {
    let columns = vec![
        col("单位", Align::Left, 2.6),
        col("受理", Align::Right, 1.0),
        col("办结", Align::Right, 1.0),
        col("承诺期内按时办结率", Align::Right, 1.6),
        col("一次办结率", Align::Right, 1.3),
        col("超承诺期未办结", Align::Right, 1.4),
        col("重复告知", Align::Right, 1.1),
        col("平均办理工作日", Align::Right, 1.4),
    ];
    let rows: Vec<Vec<String>> = s
        .units
        .iter()
        .chain(std::iter::once(&s.total))
        .map(|l| {
            vec![
                l.name.clone(),
                l.received.to_string(),
                l.done.to_string(),
                percent(l.on_time_rate),
                percent(l.one_visit_rate),
                l.overdue.to_string(),
                l.notified_again.to_string(),
                format!("{:.2}", l.average_days),
            ]
        })
        .collect();
    let tones = s.units.iter().map(|l| (l.overdue > 0).then_some(Tone::Red)).chain([None]).collect();
    Table { caption: Some("表5 政务服务办件情况".into()), columns, rows, tones }
}

/// The bulletin as a document.
pub fn document(c: &BulletinContent) -> Document {
    let issue = match c.number {
        Some(n) => format!("第{n}期"),
        None => "（未发布稿）".into(),
    };
    let mut blocks = vec![Block::Heading { level: 1, text: c.headline.clone() }];
    let note = match &c.editor_note {
        Some(n) => format!("{n}{}", c.summary),
        None => c.summary.clone(),
    };
    blocks.push(Block::Paragraph { lead: Some("【编者按】".into()), text: note });
    blocks.extend(c.body.iter().map(|p| Block::Paragraph { lead: None, text: p.clone() }));
    // The sections go on from the body's own 一、二、 and skip none when one is left out.
    let mut sections = Sections(body_sections(&c.body));
    let s = c.sections;
    let has_units = !c.ranking.ranked.is_empty() || !c.ranking.unranked.is_empty();
    if s.units && has_units {
        blocks.push(sections.heading("各单位整改情况"));
        blocks.push(Block::Table(units_table(c)));
        blocks.push(Block::Note {
            text: format!(
                "注：整改率＝已销号÷问题数；整改到位指经验收销号（不含导入的历史销号和未取得群众满意的销号）；按期整改率＝按期销号÷（已销号＋逾期未整改）；问题数少于{}个的单位不参与排名。",
                c.ranking.min_items
            ),
        });
    }
    if s.charts && has_units {
        let units: Vec<&GroupTally> =
            c.ranking.ranked.iter().map(|r| &r.group).chain(c.ranking.unranked.iter()).take(CHART_UNITS).collect();
        blocks.push(Block::Chart(Chart::Rates {
            title: "各单位整改率".into(),
            rows: units
                .iter()
                .map(|g| RateRow { label: g.name.clone(), value: g.tally.rate(), text: percent(g.tally.rate()) })
                .collect(),
        }));
        let mut lit: Vec<&GroupTally> = units.clone();
        lit.sort_by_key(|g| std::cmp::Reverse((g.tally.red, g.tally.yellow)));
        blocks.push(Block::Chart(Chart::Lights {
            title: "各单位预警情况（红灯逾期、黄灯临期、绿灯正常）".into(),
            rows: lit
                .iter()
                .map(|g| LightRow {
                    label: g.name.clone(),
                    red: g.tally.red,
                    yellow: g.tally.yellow,
                    green: g.tally.green,
                })
                .collect(),
        }));
    }
    if s.categories && !c.categories.is_empty() {
        blocks.push(sections.heading("各类问题整改情况"));
        blocks.push(Block::Table(categories_table(c)));
    }
    if s.overdue && !c.overdue.is_empty() {
        blocks.push(sections.heading("逾期未整改问题"));
        blocks.push(Block::Table(overdue_table(c)));
        if c.overdue_unlisted > 0 {
            blocks.push(Block::Note { text: format!("另有{}个逾期问题未列出。", c.overdue_unlisted) });
        }
    }
    if let Some(h) = c.hot_spots.as_ref().filter(|h| s.hot_spots && !h.items.is_empty()) {
        blocks.push(sections.heading("群众反映热点问题"));
        blocks.push(Block::Table(hot_spots_table(h)));
        blocks.push(Block::Note {
            text: format!(
                "注：统计{}至{}受理的全部诉求件，同一地点或人群反映同一事项的归为一个热点，按热度（综合件数、点赞、持续时间和时效）列前{}位。",
                chinese_date(h.from),
                chinese_date(h.to),
                h.items.len()
            ),
        });
    }
    if let Some(sv) = c.services.as_ref().filter(|_| s.services) {
        blocks.push(sections.heading("政务服务办件情况"));
        blocks.push(Block::Table(services_table(sv)));
        blocks.push(Block::Note {
            text: format!(
                "注：统计{}至{}受理的全部服务办件；承诺期内按时办结率＝承诺期内办结÷（办结＋超承诺期未办结）；一次办结率＝跑动一次以内办结÷办结。",
                sv.from_month, sv.to_month
            ),
        });
    }
    if !c.selected.is_empty() {
        blocks.push(sections.heading("整改工作选登"));
        for (i, item) in c.selected.iter().enumerate() {
            // Each item under its own heading (（一）单位：标题), its text a paragraph of its own.
            let heading = match &item.unit {
                Some(u) => format!("（{}）{u}：{}", chinese_number(i + 1), item.title),
                None => format!("（{}）{}", chinese_number(i + 1), item.title),
            };
            blocks.push(Block::Heading { level: 3, text: heading });
            blocks.push(Block::Paragraph { lead: None, text: item.text.clone() });
            if let Some(o) = &item.outcome {
                blocks.push(Block::Paragraph { lead: Some("整改情况：".into()), text: o.clone() });
            }
            if let Some(comment) = &item.comment {
                blocks.push(Block::Paragraph { lead: None, text: comment.clone() });
            }
        }
    }
    blocks.push(Block::Note {
        text: format!("本期数据截至{}，据问题整改台账统计。", chinese_date(c.as_of.china_date())),
    });
    Document {
        title: format!("{}简报{issue}", c.campaign),
        masthead: Some(Masthead {
            name: "简报".into(),
            issue,
            issuer: c.issuer.clone(),
            date: chinese_date(c.issued_on),
        }),
        blocks,
        footer: None,
    }
}

/// The numbered section headings of a bulletin (一、二、…), counting on from `.0`.
struct Sections(usize);

impl Sections {
    fn heading(&mut self, title: &str) -> Block {
        self.0 += 1;
        Block::Heading { level: 2, text: format!("{}、{title}", chinese_number(self.0)) }
    }
}

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五: how documents number their parts.
fn chinese_number(n: usize) -> String {
    let (tens, ones) = (n / 10, n % 10);
    let mut s = String::new();
    match tens {
        0 => {}
        1 => s.push('十'),
        t => {
            s.push(DIGITS[t % 10]);
            s.push('十');
        }
    }
    if ones > 0 || tens == 0 {
        s.push(DIGITS[ones]);
    }
    s
}

/// The highest section number (一、 … 九十九、) a paragraph of the body begins with; 0 if none.
fn body_sections(body: &[String]) -> usize {
    let number = |p: &str| {
        let (head, _) = p.split_once('、')?;
        (1..100).find(|n| chinese_number(*n) == head)
    };
    body.iter().filter_map(|p| number(p.trim())).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_numbered_as_documents_number_them() {
        let words: Vec<String> = [1, 9, 10, 11, 20, 35].into_iter().map(chinese_number).collect();
        assert_eq!(words, ["一", "九", "十", "十一", "二十", "三十五"]);
        let body: Vec<String> =
            ["一、提高认识", "各单位要……", "二、狠抓落实", "三是加强督查"].into_iter().map(String::from).collect();
        assert_eq!(body_sections(&body), 2);
        assert_eq!(body_sections(&[]), 0);
        let mut s = Sections(body_sections(&body));
        let Block::Heading { text, .. } = s.heading("各单位整改情况") else { panic!() };
        assert_eq!(text, "三、各单位整改情况");
    }
}
