//! A cadre's personal rectification plan (个人整改计划书) as a document, in the order such plans
//! are written: the title "XXX同志个人整改计划书", an opening paragraph with the figures, then
//! 一、存在的问题, 二、原因分析, 三、整改措施 and 四、整改时限, each problem under the same number
//! (（一）, （二）…) in every section. Everything comes from the plan the domain built
//! (`rectify_domain::personal_plan`); the labels are the catalog's Chinese ones.

use crate::{Align, Block, Column, Document, Table, Tone};
use rectify_domain::bulletin::chinese_date;
use rectify_domain::light::Light;
use rectify_domain::personal_plan::{PersonalPlan, PlanItem, PlanMeasure, PlanScope};
use rectify_domain::problem::ProblemType;
use rectify_i18n::{Lang, label};

/// 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 105 → 一百零五 (to 999, the most a plan could list).
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let (h, t, u) = ((n / 100 % 10) as usize, (n / 10 % 10) as usize, (n % 10) as usize);
    let mut s = String::new();
    if h > 0 {
        s.push(DIGITS[h]);
        s.push('百');
        if t == 0 && u > 0 {
            s.push('零');
        }
    }
    if t > 0 {
        // 十二, not 一十二, when the tens lead.
        if t > 1 || h > 0 {
            s.push(DIGITS[t]);
        }
        s.push('十');
    }
    if u > 0 || s.is_empty() {
        s.push(DIGITS[u]);
    }
    s
}

/// `（一）`: the number of the `i`-th problem (from 0) in every section.
fn number(i: usize) -> String {
    format!("（{}）", chinese_number(i as u32 + 1))
}

/// A text without its closing punctuation, to be joined into a sentence.
fn clause(text: &str) -> &str {
    text.trim().trim_end_matches(['。', '；', ';', '.', '，', ','])
}

fn measure_text(i: usize, m: &PlanMeasure) -> String {
    let mut notes = Vec::new();
    if let Some(d) = m.deadline {
        notes.push(format!("{}前完成", chinese_date(d)));
    }
    if m.done {
        notes.push("已完成".to_owned());
    }
    let notes = if notes.is_empty() { String::new() } else { format!("（{}）", notes.join("，")) };
    format!("{}.{}{notes}", i + 1, clause(&m.description))
}

fn problem_text(plan: &PersonalPlan, item: &PlanItem) -> String {
    let mut s = clause(&item.description).to_owned();
    if plan.person.unit_id != Some(item.unit_id) {
        s.push_str(&format!("（责任单位：{}）", item.unit_name));
    }
    s.push('。');
    s
}

fn cause_text(item: &PlanItem) -> String {
    match item.root_cause.as_deref().map(clause).filter(|c| !c.is_empty()) {
        Some(c) => format!("{c}。"),
        None => "问题根源尚待剖析。".to_owned(),
    }
}

fn measures_text(item: &PlanItem) -> String {
    if item.measures.is_empty() {
        return "尚未制定整改措施。".to_owned();
    }
    let parts: Vec<String> = item.measures.iter().enumerate().map(|(i, m)| measure_text(i, m)).collect();
    format!("{}。", parts.join("；"))
}

/// 整改时限 as the table prints it: the date, 长期坚持 for long-term work without one, else —.
fn deadline_cell(item: &PlanItem) -> String {
    match (item.deadline, item.problem_type) {
        (Some(d), _) => chinese_date(d),
        (None, ProblemType::LongTerm) => label(ProblemType::LongTerm, Lang::Zh),
        (None, _) => "—".to_owned(),
    }
}

fn deadlines_table(plan: &PersonalPlan) -> Table {
    let col = |header: &str, align, weight| Column { header: header.into(), align, weight };
    let columns = vec![
        col("序号", Align::Center, 0.9),
        col("存在的问题", Align::Left, 4.0),
        col("整改时限", Align::Center, 2.3),
        col("整改状态", Align::Center, 2.0),
        col("预警", Align::Center, 0.9),
    ];
    let rows = plan
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            vec![
                (i + 1).to_string(),
                clause(&item.description).to_owned(),
                deadline_cell(item),
                label(item.state, Lang::Zh),
                label(item.light, Lang::Zh),
            ]
        })
        .collect();
    let tones = plan
        .items
        .iter()
        .map(|item| match item.light {
            Light::Red => Some(Tone::Red),
            Light::Yellow => Some(Tone::Yellow),
            Light::Green => None,
        })
        .collect();
    Table { caption: Some("表1 问题整改时限及进度".into()), columns, rows, tones }
}

/// Who the plan covers, as the closing note says it.
fn scope_note(scope: PlanScope) -> &'static str {
    match scope {
        PlanScope::All => "",
        PlanScope::OwnUnits => "本件仅列出查阅人有权查看的问题（所在单位的问题和已公开的问题）。",
        PlanScope::Published => "本件仅列出已公开的问题。",
    }
}

/// The plan as a document.
pub fn document(plan: &PersonalPlan) -> Document {
    let p = &plan.person;
    let post: String = [p.unit_name.as_deref(), p.position.as_deref()].into_iter().flatten().collect();
    let who = if post.is_empty() { format!("{}同志", p.name) } else { format!("{}同志（{post}）", p.name) };
    let mut blocks = vec![
        Block::Heading { level: 1, text: plan.title.clone() },
        Block::Paragraph {
            lead: None,
            text: format!(
                "为切实抓好问题整改，根据问题整改台账，现将{who}负责整改的问题逐项列明，剖析问题根源，明确整改措施和整改时限，制定个人整改计划如下。"
            ),
        },
        Block::Paragraph { lead: None, text: plan.summary() },
    ];
    if !plan.items.is_empty() {
        let section = |blocks: &mut Vec<Block>, heading: &str, text: &dyn Fn(&PlanItem) -> String| {
            blocks.push(Block::Heading { level: 2, text: heading.into() });
            for (i, item) in plan.items.iter().enumerate() {
                blocks.push(Block::Paragraph { lead: Some(number(i)), text: text(item) });
            }
        };
        section(&mut blocks, "一、存在的问题", &|item| problem_text(plan, item));
        section(&mut blocks, "二、原因分析", &cause_text);
        section(&mut blocks, "三、整改措施", &measures_text);
        blocks.push(Block::Heading { level: 2, text: "四、整改时限".into() });
        blocks.push(Block::Table(deadlines_table(plan)));
        blocks.push(Block::Note {
            text: "注：逾期指尚未整改完成且已过到期日；到期日取问题整改时限与未完成整改措施时限中最早者。".into(),
        });
        blocks.push(Block::Paragraph {
            lead: None,
            text: "以上问题，逐项对照整改措施抓好落实，按整改时限完成整改，整改情况及时报告，主动接受组织和群众监督。"
                .into(),
        });
    }
    blocks.push(Block::Note {
        text: format!("本件据问题整改台账生成，数据截至{}。{}", chinese_date(plan.as_of), scope_note(plan.scope)),
    });
    Document { title: plan.title.clone(), masthead: None, blocks, footer: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_chinese_numerals() {
        let got: Vec<String> = [1, 9, 10, 12, 20, 21, 100, 105, 110, 999].map(chinese_number).to_vec();
        assert_eq!(got, ["一", "九", "十", "十二", "二十", "二十一", "一百", "一百零五", "一百一十", "九百九十九"]);
        assert_eq!(number(0), "（一）");
    }

    fn plan(items: Vec<PlanItem>, scope: PlanScope) -> PersonalPlan {
        use rectify_domain::ids::{PersonId, UnitId};
        use rectify_domain::personal_plan::{PlanCounts, PlanPerson};
        PersonalPlan {
            title: "李明同志个人整改计划书".into(),
            person: PlanPerson {
                id: PersonId(1),
                name: "李明".into(),
                unit_id: Some(UnitId(3)),
                unit_name: Some("区财政局".into()),
                position: Some("预算科科长".into()),
            },
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            scope,
            counts: PlanCounts { total: items.len() as u64, unfinished: items.len() as u64, ..Default::default() },
            items,
        }
    }

    fn item(unit: i64, cause: Option<&str>) -> PlanItem {
        use rectify_domain::ids::{ProblemId, UnitId};
        use rectify_domain::problem::{Level, ProblemState};
        PlanItem {
            problem_id: ProblemId(9),
            reference: None,
            description: "公文办理超时。".into(),
            unit_id: UnitId(unit),
            unit_name: "区教育局".into(),
            level: Level::Individual,
            category: None,
            problem_type: ProblemType::LongTerm,
            root_cause: cause.map(Into::into),
            measures: vec![],
            deadline: None,
            due_on: None,
            state: ProblemState::Open,
            light: Light::Green,
            overdue: false,
        }
    }

    fn texts(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { text, .. } | Block::Note { text } => Some(text.clone()),
                Block::Paragraph { lead, text } => Some(format!("{}{text}", lead.clone().unwrap_or_default())),
                Block::Table(t) => Some(t.rows.iter().map(|r| r.join("|")).collect::<Vec<_>>().join("\n")),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_sections_follow_the_official_order_and_say_the_scope() {
        let doc = document(&plan(vec![item(3, None), item(4, Some("制度不健全"))], PlanScope::OwnUnits));
        let t = texts(&doc);
        assert_eq!(t[0], "李明同志个人整改计划书");
        assert!(t[1].contains("李明同志（区财政局预算科科长）负责整改的问题"), "{}", t[1]);
        let headings: Vec<&String> = t.iter().filter(|x| x.chars().count() < 10 && x.contains('、')).collect();
        assert_eq!(headings, ["一、存在的问题", "二、原因分析", "三、整改措施", "四、整改时限"]);
        assert!(t.contains(&"（一）公文办理超时。".to_owned()), "the own unit is not repeated: {t:?}");
        assert!(t.contains(&"（二）公文办理超时（责任单位：区教育局）。".to_owned()));
        assert!(t.contains(&"（一）问题根源尚待剖析。".to_owned()) && t.contains(&"（二）制度不健全。".to_owned()));
        assert!(t.contains(&"（一）尚未制定整改措施。".to_owned()));
        assert!(
            t.contains(&"1|公文办理超时|长期坚持|待整改|绿灯\n2|公文办理超时|长期坚持|待整改|绿灯".to_owned()),
            "{t:?}"
        );
        assert!(t.last().unwrap().contains("数据截至2026年3月2日。本件仅列出查阅人有权查看的问题"));
        assert_eq!(doc.title, "李明同志个人整改计划书");
    }

    #[test]
    fn an_empty_plan_has_no_sections() {
        let t = texts(&document(&plan(vec![], PlanScope::All)));
        assert_eq!(t.len(), 4, "{t:?}");
        assert!(t[2].contains("暂无李明同志负责整改的问题"));
        assert!(t[3].ends_with("数据截至2026年3月2日。"));
    }

    #[test]
    fn measures_join_into_one_sentence_with_their_deadlines() {
        let m = |d: &str, day: Option<u32>, done| PlanMeasure {
            description: d.into(),
            deadline: day.and_then(|x| chrono::NaiveDate::from_ymd_opt(2026, 3, x)),
            done,
            light: Light::Green,
        };
        let parts = [m("召开专题会议。", Some(5), true), m("建立台账", Some(31), false), m("长期坚持；", None, false)];
        let text: Vec<String> = parts.iter().enumerate().map(|(i, x)| measure_text(i, x)).collect();
        assert_eq!(
            text,
            ["1.召开专题会议（2026年3月5日前完成，已完成）", "2.建立台账（2026年3月31日前完成）", "3.长期坚持"]
        );
    }
}
