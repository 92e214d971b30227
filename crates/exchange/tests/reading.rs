//! Reading files as offices make them: title rows, annotated headers, mixed dates, words,
//! encodings, bad cells, and the files that cannot be read at all.

use chrono::NaiveDate;
use rectify_domain::error::Issue;
use rectify_domain::exchange::{CaseRecord, ImportKind, ProblemRecord, Records, RowError, UnitRef};
use rectify_domain::problem::{ProblemState, ProblemType};
use rectify_exchange::{Encoding, FileError, Format, Limits, Mapping, Parsed, read};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn problems(p: &Parsed) -> Vec<&ProblemRecord> {
    let Records::Problems(rows) = &p.records else { panic!("not problems") };
    rows.iter().map(|r| &r.record).collect()
}

fn cases(p: &Parsed) -> Vec<&CaseRecord> {
    let Records::Cases(rows) = &p.records else { panic!("not cases") };
    rows.iter().map(|r| &r.record).collect()
}

fn csv(text: &str, kind: ImportKind) -> Result<Parsed, FileError> {
    read(text.as_bytes(), Format::Csv, Encoding::Auto, kind, &Mapping::default(), Limits::default())
}

/// What each error says, briefly: (row, column, issue code).
fn brief(errors: &[RowError]) -> Vec<(usize, String, String)> {
    errors
        .iter()
        .map(|e| {
            let code = serde_json::to_value(&e.issue).unwrap()["code"].as_str().unwrap().to_owned();
            (e.row, e.column.clone().unwrap_or_default(), code)
        })
        .collect()
}

/// A ledger as offices lay it out: a merged title, a line about who filled it in, a blank
/// row, then the header (wrapped, annotated), rows, a blank row in between and at the end.
fn office_ledger() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let title = CellFormat::new().set_bold();
    sheet.merge_range(0, 0, 0, 6, "《蔡甸区公安分局问题整改台账》", &title).unwrap();
    sheet.write_string(1, 0, "填报单位：蔡甸区公安分局\u{3000}\u{3000}填报时间：2019年4月").unwrap();
    let header = ["序号", "存在\n问题", "责任单位", "整改措施", "整改时限（完成时间）", "是否销号", "备注"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(3, c as u16, *h).unwrap();
    }
    let date = CellFormat::new().set_num_format("yyyy/m/d");
    let rows: [[&str; 7]; 6] = [
        ["1", "\n\t\t窗口人员\u{3000}态度生硬 ", "新农派出所", "1.加强教育；2.建立考评制度", "2014年5月底", "否", ""],
        ["2", "办证来回跑", "户政科", "一是一次告知\n二是网上预约", "长期坚持", "是", "已通报"],
        ["3", "接警不及时", "指挥中心", "", "明年", "是", ""],
        ["", "", "", "", "", "", ""],
        ["5", "", "交警大队", "", "", "待定", ""],
        ["6", "值班脱岗", "", "立即整改", "立行立改", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(4 + r as u32, c as u16, *v).unwrap();
            }
        }
    }
    // A real date cell and a serial number without a date format.
    sheet.write_number(10, 0, 7).unwrap();
    sheet.write_string(10, 1, "食堂超标准接待").unwrap();
    sheet.write_string(10, 2, "办公室").unwrap();
    sheet.write_datetime_with_format(10, 4, ExcelDateTime::from_ymd(2019, 6, 30).unwrap(), &date).unwrap();
    sheet.write_number(11, 0, 8).unwrap();
    sheet.write_string(11, 1, "公车私用").unwrap();
    sheet.write_string(11, 2, "办公室").unwrap();
    sheet.write_number(11, 4, 43646.0).unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn an_office_ledger_with_title_rows() {
    let p = read(
        &office_ledger(),
        Format::Xlsx,
        Encoding::Auto,
        ImportKind::Problems,
        &Mapping::default(),
        Limits::default(),
    )
    .unwrap();
    assert_eq!(p.header_row, 4);
    assert_eq!(p.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(p.ignored_columns, vec!["备注"]);
    let Records::Problems(rows) = &p.records else { panic!() };
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), vec![5, 6, 7, 9, 10, 11, 12]);
    let got = problems(&p);
    assert_eq!(got[0].reference.as_deref(), Some("1"));
    assert_eq!(got[0].description.as_deref(), Some("窗口人员\u{3000}态度生硬"), "long text keeps inner blanks");
    assert_eq!(got[0].unit, Some(UnitRef::Path(vec!["新农派出所".into()])));
    assert_eq!(got[0].measures, Some(vec!["加强教育".into(), "建立考评制度".into()]));
    assert_eq!(got[0].deadline, day(2014, 5, 31));
    assert_eq!(got[0].state, None, "否 in 是否销号 says only: not closed off");
    assert_eq!(got[1].measures, Some(vec!["一次告知".into(), "网上预约".into()]));
    assert_eq!((got[1].deadline, got[1].problem_type), (None, Some(ProblemType::LongTerm)));
    assert_eq!(got[1].state, Some(ProblemState::Closed));
    assert_eq!((got[4].deadline, got[4].problem_type), (None, Some(ProblemType::Immediate)));
    assert_eq!(got[4].measures, Some(vec!["立即整改".into()]));
    assert_eq!(got[5].deadline, day(2019, 6, 30));
    assert_eq!(got[6].deadline, day(2019, 6, 30));
    // Every bad cell of every row, numbered as the spreadsheet shows it.
    assert_eq!(
        brief(&p.errors),
        vec![
            (7, "整改时限（完成时间）".into(), "invalid_date".into()),
            (9, "存在 问题".into(), "required".into()),
            (9, "是否销号".into(), "not_one_of".into()),
            (10, "责任单位".into(), "required".into()),
        ]
    );
    assert_eq!(p.errors[0].value.as_deref(), Some("明年"));
}

#[test]
fn every_bad_row_is_reported() {
    let text = "编号,问题描述,责任单位,整改时限,整改类型,问题层级,是否公开\n\
                A-1,甲,办公室,2019-13-01,限期整改,单位,是\n\
                A-2,乙,办公室,2019/4/25,马上办,单位,否\n\
                A-3,丙,办公室,2019.4.25,限期整改,全体,也许\n\
                A-4,丁,办公室,20190425,,个人,√\n";
    let p = csv(text, ImportKind::Problems).unwrap();
    assert_eq!(
        brief(&p.errors),
        vec![
            (2, "整改时限".into(), "invalid_date".into()),
            (3, "整改类型".into(), "not_one_of".into()),
            (4, "问题层级".into(), "not_one_of".into()),
            (4, "是否公开".into(), "not_one_of".into()),
        ]
    );
    let Issue::NotOneOf { expected } = &p.errors[1].issue else { panic!() };
    assert!(expected.contains(&"立行立改".to_owned()) && expected.contains(&"time_limited".to_owned()));
    assert_eq!(problems(&p).len(), 4);
    assert_eq!(problems(&p)[3].published, Some(true));
    assert_eq!(problems(&p)[3].deadline, day(2019, 4, 25));
}

#[test]
fn text_over_the_domains_limits() {
    let long = "很".repeat(4001);
    let name = "单".repeat(101);
    let text = format!("问题描述,责任单位,责任人\n{long},办公室,张三\n短,{name},李四\n短,办公室,\"{name}\"\n");
    let p = csv(&text, ImportKind::Problems).unwrap();
    let issues: Vec<(usize, Issue)> = p.errors.iter().map(|e| (e.row, e.issue.clone())).collect();
    assert_eq!(
        issues,
        vec![(2, Issue::TooLong { max: 4000 }), (3, Issue::TooLong { max: 100 }), (4, Issue::TooLong { max: 100 })]
    );
    assert!(p.errors[0].value.as_ref().unwrap().chars().count() <= 101, "values in errors are cut");
}

#[test]
fn duplicates_are_reported_on_the_later_row() {
    let text = "系统编号,编号,问题描述\n1,A-1,甲\n2,A-2,乙\n1,A-3,丙\n3,A-2,丁\n";
    let p = csv(text, ImportKind::Problems).unwrap();
    assert_eq!(
        brief(&p.errors),
        vec![(4, "系统编号".into(), "duplicate".into()), (5, "编号".into(), "duplicate".into())]
    );
    let text = "留言编号,留言详情\n2549,甲\n2549,乙\n";
    let p = csv(text, ImportKind::Cases).unwrap();
    assert_eq!(brief(&p.errors), vec![(3, "留言编号".into(), "duplicate".into())]);
    // The same message listed again under another category is one case, filed under the first.
    let text = "留言编号,留言详情,一级分类\n2549,甲,城乡建设\n2549,甲,劳动和社会保障\n";
    let p = csv(text, ImportKind::Cases).unwrap();
    assert!(p.errors.is_empty());
    assert_eq!(p.records.len(), 1);
    let Records::Cases(rows) = &p.records else { panic!() };
    assert_eq!(rows[0].record.category.as_deref(), Some("城乡建设"));
}

#[test]
fn state_words() {
    let text = "问题描述,责任单位,状态\n\
                a,u,待整改\nb,u,整改中\nc,u,已整改（待验收）\nd,u,已完成\ne,u,已销号\nf,u,closed\ng,u,是\n";
    let p = csv(text, ImportKind::Problems).unwrap();
    let states: Vec<_> = problems(&p).iter().map(|r| r.state).collect();
    use ProblemState::*;
    assert_eq!(
        states,
        vec![Some(Open), Some(InProgress), Some(Reported), Some(Reported), Some(Closed), Some(Closed), None]
    );
    assert_eq!(brief(&p.errors), vec![(8, "状态".into(), "not_one_of".into())], "是 means closed only under 是否销号");
}

#[test]
fn headers_in_english_with_synonyms_and_brackets() {
    let text = "No.,Description,UNIT,Deadline,Root_Cause,\u{3000}反对数 \n1,a,u,2019-4-25,why,3\n";
    let p = csv(text, ImportKind::Problems).unwrap();
    assert_eq!(p.ignored_columns, vec!["反对数"]);
    let r = problems(&p)[0];
    assert_eq!((r.reference.as_deref(), r.root_cause.as_deref()), (Some("1"), Some("why")));
    // Two columns for one field: the better name is read, the other reported.
    let text = "序号,编号,问题,问题描述,责任单位\n1,A-1,短,长一些,u\n";
    let p = csv(text, ImportKind::Problems).unwrap();
    assert_eq!(p.ignored_columns, vec!["序号", "问题"]);
    assert_eq!(
        (problems(&p)[0].reference.as_deref(), problems(&p)[0].description.as_deref()),
        (Some("A-1"), Some("长一些"))
    );
}

#[test]
fn export_only_columns_are_skipped_quietly() {
    let text = "系统编号,问题描述,预警,到期日,所属活动,批次,登记时间,销号时间\n1,a,红灯,2019-01-01,x,y,z,w\n";
    let p = csv(text, ImportKind::Problems).unwrap();
    assert_eq!((p.errors.len(), p.ignored_columns.len()), (0, 0));
    let text = "留言编号,留言详情,查询码,办理状态,办理时限,办结时间\n1,a,b,c,d,e\n";
    let p = csv(text, ImportKind::Cases).unwrap();
    assert_eq!((p.errors.len(), p.ignored_columns.len()), (0, 0));
}

#[test]
fn a_mapping_names_columns() {
    let text = "序号,问题内容,单位,责任人,备注\n1,窗口态度差,办公室,张三,x\n";
    let none = Mapping::default();
    let err =
        read(text.as_bytes(), Format::Csv, Encoding::Auto, ImportKind::Problems, &none, Limits::default()).unwrap_err();
    assert!(matches!(&err, FileError::MissingColumns(c) if c.len() == 2), "{err}");
    assert!(err.to_string().contains("问题描述 (description)"), "{err}");
    let map = Mapping::from_args(["问题内容=description", "单位=责任单位", "序号=-"]).unwrap();
    let p = read(text.as_bytes(), Format::Csv, Encoding::Auto, ImportKind::Problems, &map, Limits::default()).unwrap();
    let r = problems(&p)[0];
    assert_eq!((r.reference.as_deref(), r.description.as_deref()), (None, Some("窗口态度差")));
    assert_eq!(p.ignored_columns, vec!["备注"]);

    let bad = Mapping::from_args(["问题内容=descr"]).unwrap();
    let err =
        read(text.as_bytes(), Format::Csv, Encoding::Auto, ImportKind::Problems, &bad, Limits::default()).unwrap_err();
    assert!(matches!(&err, FileError::UnknownField { known, .. } if known.contains(&"description".to_owned())));
    let absent = Mapping::from_args(["问题详情=description"]).unwrap();
    let err = read(text.as_bytes(), Format::Csv, Encoding::Auto, ImportKind::Problems, &absent, Limits::default())
        .unwrap_err();
    assert!(matches!(err, FileError::NoHeaderRow { .. } | FileError::MappedHeaderNotFound { .. }), "{err}");
    let text = "编号,问题内容,责任单位\n1,a,u\n";
    let err = read(text.as_bytes(), Format::Csv, Encoding::Auto, ImportKind::Problems, &absent, Limits::default())
        .unwrap_err();
    assert_eq!(
        err,
        FileError::MappedHeaderNotFound { header: "问题详情".into(), field: "description".into(), header_row: 1 }
    );
}

#[test]
fn required_columns() {
    let err = csv("上级单位,系统\n区,公安\n", ImportKind::Units).unwrap_err();
    assert!(matches!(err, FileError::NoHeaderRow { .. } | FileError::MissingColumns(_)));
    let err = csv("上级单位,系统,投诉电话\n区,公安,12345\n", ImportKind::Units).unwrap_err();
    assert_eq!(err.to_string(), "required column missing: 单位名称 (name)");
    // With 系统编号 a file only updates what it names.
    let p = csv("系统编号,投诉电话\n3,027-12345678\n", ImportKind::Units).unwrap();
    assert!(p.errors.is_empty());
    let p = csv("系统编号,整改进展\n3,已完成一半\n,\n", ImportKind::Problems).unwrap();
    assert_eq!((p.records.len(), p.errors.len()), (1, 0));
    // Cases by their message number need no content.
    assert!(csv("留言编号,答复意见\n2549,已办\n", ImportKind::Cases).unwrap().errors.is_empty());
    let err = csv("留言主题,答复意见\n噪音,已办\n", ImportKind::Cases).unwrap_err();
    assert_eq!(err.to_string(), "required column missing: 留言详情 (content)");
}

#[test]
fn files_that_cannot_be_read() {
    let none = Mapping::default();
    let kind = ImportKind::Problems;
    assert_eq!(read(b"", Format::Csv, Encoding::Auto, kind, &none, Limits::default()), Err(FileError::Empty));
    assert_eq!(read(b" \r\n", Format::Xlsx, Encoding::Auto, kind, &none, Limits::default()), Err(FileError::Empty));
    assert_eq!(
        read(b",,,\r\n,,\r\n", Format::Csv, Encoding::Auto, kind, &none, Limits::default()),
        Err(FileError::Empty)
    );
    let err =
        read(b"PK\x03\x04 not really a zip", Format::Xlsx, Encoding::Auto, kind, &none, Limits::default()).unwrap_err();
    assert!(matches!(err, FileError::NotASpreadsheet(_)), "{err}");
    let err =
        read("编号,问题描述\n".as_bytes(), Format::Xlsx, Encoding::Auto, kind, &none, Limits::default()).unwrap_err();
    assert!(matches!(err, FileError::NotASpreadsheet(_)), "{err}");
    let err = read(&[0u8, 1, 2, 3, 4, 5], Format::Csv, Encoding::Auto, kind, &none, Limits::default()).unwrap_err();
    assert!(matches!(err, FileError::NotASpreadsheet(_)), "{err}");
    let err = csv("《台账》\n说明：见附件\n", kind).unwrap_err();
    let FileError::NoHeaderRow { expected, seen, .. } = &err else { panic!("{err}") };
    assert!(expected.contains(&"问题描述".to_owned()) && seen == &vec!["《台账》".to_owned()], "{err}");
    // A workbook named .csv is still a workbook.
    let p = read(&office_ledger(), Format::Csv, Encoding::Auto, kind, &none, Limits::default()).unwrap();
    assert_eq!(p.header_row, 4);
}

#[test]
fn the_ledger_sheet_is_found_after_a_notes_sheet() {
    let mut book = Workbook::new();
    book.add_worksheet().set_name("填报说明").unwrap().write_string(0, 0, "请按模板填写").unwrap();
    let ledger = book.add_worksheet().set_name("台账").unwrap();
    ledger.write_string(0, 0, "问题描述").unwrap();
    ledger.write_string(0, 1, "责任单位").unwrap();
    ledger.write_string(1, 0, "a").unwrap();
    ledger.write_string(1, 1, "u").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let p = read(&bytes, Format::Xlsx, Encoding::Auto, ImportKind::Problems, &Mapping::default(), Limits::default())
        .unwrap();
    assert_eq!((p.sheet.as_deref(), p.records.len()), (Some("台账"), 1));
}

#[test]
fn a_gbk_csv_from_excel_on_chinese_windows() {
    let text = "《留言台账》,,\r\n留言编号,留言时间,留言详情\r\n2549,2019/4/25 9:32:09,\"\n\t\t\t\u{3000}\u{3000}小区噪音扰民\r\n  已多次反映 \"\r\n2550,2017-06-08 17:31:20,占道经营\r\n,,\r\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    let p = read(&gbk, Format::Csv, Encoding::Auto, ImportKind::Cases, &Mapping::default(), Limits::default()).unwrap();
    assert_eq!((p.encoding, p.header_row, p.errors.len()), ("gb18030", 2, 0));
    let got = cases(&p);
    assert_eq!(got[0].content.as_deref(), Some("小区噪音扰民\n已多次反映"));
    assert_eq!(got[0].received_at.unwrap().to_rfc3339(), "2019-04-25T09:32:09+08:00");
    assert_eq!(got[1].received_at.unwrap().to_rfc3339(), "2017-06-08T17:31:20+08:00");
    let Records::Cases(rows) = &p.records else { panic!() };
    assert_eq!(rows[1].row, 4, "the quoted cell spans three lines but is one row");
    // Told the encoding, the reader uses it.
    let p =
        read(&gbk, Format::Csv, Encoding::Gb18030, ImportKind::Cases, &Mapping::default(), Limits::default()).unwrap();
    assert_eq!(p.records.len(), 2);
    assert!(
        read(&gbk, Format::Csv, Encoding::Utf8, ImportKind::Cases, &Mapping::default(), Limits::default()).is_err()
    );
    // UTF-8 with a byte-order mark, tab-separated.
    let tsv = "\u{FEFF}留言编号\t留言详情\n1\t噪音\n";
    let p =
        read(tsv.as_bytes(), Format::Csv, Encoding::Auto, ImportKind::Cases, &Mapping::default(), Limits::default())
            .unwrap();
    assert_eq!((p.encoding, cases(&p)[0].content.as_deref()), ("utf-8", Some("噪音")));
}

#[test]
fn times_in_workbook_cells() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["留言编号", "留言时间", "答复时间", "留言详情"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let fmt = CellFormat::new().set_num_format("yyyy/m/d h:mm:ss");
    let when = ExcelDateTime::from_ymd(2019, 4, 25).unwrap().and_hms(9, 32, 9).unwrap();
    sheet.write_number(1, 0, 2549).unwrap();
    sheet.write_datetime_with_format(1, 1, when, &fmt).unwrap();
    sheet.write_number(1, 2, 43580.5).unwrap();
    sheet.write_string(1, 3, "噪音").unwrap();
    sheet.write_number(2, 0, 2550).unwrap();
    sheet.write_string(2, 1, "2019年4月25日").unwrap();
    sheet.write_string(2, 2, "下午三点").unwrap();
    sheet.write_string(2, 3, "占道").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let p =
        read(&bytes, Format::Xlsx, Encoding::Auto, ImportKind::Cases, &Mapping::default(), Limits::default()).unwrap();
    let got = cases(&p);
    assert_eq!(got[0].reference.as_deref(), Some("2549"));
    assert_eq!(got[0].received_at.unwrap().to_rfc3339(), "2019-04-25T09:32:09+08:00");
    assert_eq!(got[0].replied_at.unwrap().to_rfc3339(), "2019-04-25T12:00:00+08:00");
    assert_eq!(got[1].received_at.unwrap().to_rfc3339(), "2019-04-25T00:00:00+08:00");
    assert_eq!(brief(&p.errors), vec![(3, "答复时间".into(), "invalid_date".into())]);
    assert_eq!(p.errors[0].value.as_deref(), Some("下午三点"));
}

#[test]
fn phones_and_mailboxes_are_checked() {
    let text = "单位名称,投诉电话,投诉信箱\n甲,027-84941234,a@b.cn\n乙,打电话,邮箱\n";
    let p = csv(text, ImportKind::Units).unwrap();
    assert_eq!(
        brief(&p.errors),
        vec![(3, "投诉电话".into(), "malformed".into()), (3, "投诉信箱".into(), "malformed".into())]
    );
}

/// 100,000 ledger rows must parse in a few seconds in release mode (`cargo test --release
/// -p rectify-exchange --test reading -- --nocapture hundred` prints the time).
#[test]
fn a_hundred_thousand_rows() {
    let mut text = String::from("编号,问题描述,责任单位,责任人,整改措施,整改时限,状态,问题类别,整改类型\r\n");
    for i in 0..100_000 {
        text.push_str(&format!(
            "A-{i},\"窗口人员态度生硬，群众反映强烈（第{i}项）\n办事来回跑\",蔡甸区/公安/新农派出所,张三,\"1.加强教育；2.建立考评制度\",2019/{}/{},整改中,官僚主义,限期整改\r\n",
            i % 12 + 1,
            i % 28 + 1
        ));
    }
    let started = std::time::Instant::now();
    let p = csv(&text, ImportKind::Problems).unwrap();
    println!("100,000 rows parsed in {:?}", started.elapsed());
    assert_eq!((p.records.len(), p.errors.len()), (100_000, 0));
    assert_eq!(problems(&p)[99_999].measures.as_ref().map(Vec::len), Some(2));
}
