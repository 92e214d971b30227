//! A sample bulletin after seed 000 (金东区《简报》第8期), shared by the tests and the timing
//! example, and the checks that read rendered files back with poppler-utils and LibreOffice.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use rectify_reports::{Align, Block, Chart, Column, Document, LightRow, Masthead, RateRow, Table, Tone};

pub const EDITOR_NOTE: &str = "截至目前，各单位上报的98个第一批立改项目中，已有80个整改到位，整改率81.63%。";

/// Long enough to run from the first page onto the second.
pub const LONG: &str = "区纪委针对部分区机关建立了明查暗访跟踪整改制度。一是严密行动谋划。建立“月计划、周行动、日巡查”制度，\
累计开展上下班纪律、公车停放、值班纪律、机关效能、中午就餐、周一夜学等专项检查行动13次。二是严格组织检查。\
实行监督检查“两个不固定”，即检查人员不固定、检查对象不固定，一律通过随机抽调、临时确定、突击检查等方式进行。\
三是严厉问责处理。对群众举报或检查发现问题的单位和个人，从严从快进行处理。截至目前，已发出通报4起，对14家单位\
进行了点名批评，对18名工作时间上网聊天、观看视频、提前就餐等违反纪律的工作人员给予通报批评、取消评先评优资格、\
扣发奖金等处理。区检察院针对群众办事经常“进错门”问题，在一楼大厅设立“便民查询岗”，让干警“微笑服务”，让群众\
“开心办事”。一是改造清理办公用房，设立敞开式的“便民查询岗”，由中层以上干部和全体干警轮流值班。二是设立热线电话，\
通过接听热线电话的方式，对不便到该院办事的群众提供服务，及时记录并研究回复。三是实行巡查制度。由院政治处、监察室\
定期、不定期地开展巡查，对于服务态度冷淡、不按时在岗值班的干警进行处置，确保该项制度取得实效。自4月初便民查询岗\
设立以来，已接待群众90余人次。";

pub const TRAFFIC: &str = "区交通局针对路口绿化影响交通视线问题，一步整改到位。3月18日，该局在得到群众的反映以及省委督导组的\
反馈意见后，次日即带领公路段人员到现场进行勘察，并于20日将影响视线的苗木全部进行清理，换成了草皮。30日，积极联系\
交警二大队，对该路段的红绿灯设置进行了整修，及时处置了该隐患，体现了立行立改的要求。";

/// (unit, items, fixed)
pub const UNITS: [(&str, u32, u32); 12] = [
    ("区纪委", 2, 2),
    ("区检察院", 2, 2),
    ("区交通局", 2, 2),
    ("区农林局", 2, 2),
    ("区教育局", 2, 1),
    ("区卫生局", 2, 2),
    ("区民政局", 2, 1),
    ("区财政局", 2, 2),
    ("区人力社保局", 2, 0),
    ("区住建局", 2, 2),
    ("区环保局", 2, 1),
    ("区市场监管局", 2, 2),
];

pub fn rate(fixed: u32, items: u32) -> String {
    format!("{:.2}%", f64::from(fixed) / f64::from(items) * 100.0)
}

pub fn table_rows() -> Vec<Vec<String>> {
    UNITS
        .iter()
        .enumerate()
        .map(|(i, (unit, items, fixed))| {
            vec![(i + 1).to_string(), unit.to_string(), items.to_string(), fixed.to_string(), rate(*fixed, *items)]
        })
        .collect()
}

pub fn bulletin() -> Document {
    let columns = [
        ("序号", Align::Center, 0.6),
        ("单位", Align::Left, 2.2),
        ("立改项目", Align::Right, 1.0),
        ("已整改到位", Align::Right, 1.2),
        ("整改率", Align::Right, 1.0),
    ]
    .map(|(header, align, weight)| Column { header: header.into(), align, weight })
    .to_vec();
    let tones = UNITS
        .iter()
        .map(|(_, items, fixed)| match items - fixed {
            0 => None,
            1 => Some(Tone::Yellow),
            _ => Some(Tone::Red),
        })
        .collect();
    Document {
        title: "《简报》第8期".into(),
        masthead: Some(Masthead {
            name: "简报".into(),
            issue: "第8期".into(),
            issuer: "金东区委党的群众路线教育实践活动领导小组办公室".into(),
            date: "2014年4月27日".into(),
        }),
        blocks: vec![
            Block::Paragraph {
                lead: Some("【编者按】".into()),
                text: format!(
                    "自群众路线教育实践活动开展以来，我区建立“立改清单”制度，每个机关部门（单位）提出2项立即整改\
                     且见效较快的整改事项，对已整改的及时进行销号。{EDITOR_NOTE}"
                ),
            },
            Block::Heading {
                level: 1, text: "各单位坚持问题导向立查立改 确保教育实践活动不走过场".into()
            },
            Block::Heading { level: 2, text: "一、明查暗访，跟踪整改".into() },
            Block::Paragraph { lead: None, text: LONG.into() },
            Block::Heading { level: 2, text: "二、立改清单完成情况".into() },
            Block::Table(Table {
                caption: Some("第一批立改项目完成情况（部分单位）".into()),
                columns,
                rows: table_rows(),
                tones,
            }),
            Block::Note {
                text: "整改率＝已整改到位项目数÷立改项目数；每个单位提出2项立改项目。".into()
            },
            Block::Chart(Chart::Rates {
                title: "各单位整改率".into(),
                rows: UNITS
                    .iter()
                    .map(|(unit, items, fixed)| RateRow {
                        label: unit.to_string(),
                        value: f64::from(*fixed) / f64::from(*items),
                        text: rate(*fixed, *items),
                    })
                    .collect(),
            }),
            Block::Chart(Chart::Lights {
                title: "各单位预警情况".into(),
                rows: UNITS
                    .iter()
                    .take(6)
                    .enumerate()
                    .map(|(i, (unit, _, _))| LightRow {
                        label: unit.to_string(),
                        red: (i % 3) as u64,
                        yellow: (i % 2) as u64 + 1,
                        green: 3 + i as u64,
                    })
                    .collect(),
            }),
            Block::Heading { level: 2, text: "三、立行立改，一步到位".into() },
            Block::Paragraph { lead: None, text: TRAFFIC.into() },
        ],
        footer: None,
    }
}

/// Runs a required tool; a missing one fails the test with what to install.
pub fn run(program: &str, args: &[&str], package: &str) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is required for this test (apt-get install {package}): {e}"));
    assert!(out.status.success(), "{program} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The text of a PDF, per page, by poppler's pdftotext.
pub fn pdf_pages(pdf: &Path) -> Vec<String> {
    let text = run("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"], "poppler-utils");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Whitespace and page numbers (`— 2 —`) removed, so a sentence broken over lines and pages reads
/// as one.
pub fn squash(text: &str) -> String {
    let joined: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::new();
    let mut rest = joined.as_str();
    while let Some(at) = rest.find('—') {
        out.push_str(&rest[..at]);
        let after = &rest[at + '—'.len_utf8()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with('—') {
            rest = &after[digits + '—'.len_utf8()..];
        } else {
            out.push('—');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Every sentence of the sample and every figure of its table, in the extracted text.
pub fn assert_bulletin_text(pages: &[String]) {
    let all = squash(&pages.concat());
    for sentence in [EDITOR_NOTE, LONG, TRAFFIC, "各单位坚持问题导向立查立改确保教育实践活动不走过场"]
    {
        let sentence = squash(sentence);
        assert!(all.contains(&sentence), "missing {sentence:?} in\n{all}");
    }
    for row in table_rows() {
        for cell in row {
            assert!(all.contains(&cell), "missing table cell {cell:?}");
        }
    }
    let first = squash(&pages[0]);
    for masthead in ["简报", "第8期", "金东区委党的群众路线教育实践活动领导小组办公室", "2014年4月27日"]
    {
        assert!(first.contains(masthead), "masthead {masthead:?} not on page 1:\n{first}");
    }
    assert!(pages.len() >= 2, "{} page(s)", pages.len());
}
