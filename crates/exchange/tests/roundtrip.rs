//! The key property: what an export writes, an import reads back unchanged, for every kind and
//! both formats, awkward values included.

use chrono::{NaiveDate, TimeZone, Utc};
use rectify_domain::case::{CaseState, CaseType, Channel, Satisfaction};
use rectify_domain::exchange::{
    CaseLine, CaseRecord, CategoryRecord, ImportKind, Lines, PersonRecord, ProblemLine, ProblemRecord, Records,
    UnitRecord, UnitRef,
};
use rectify_domain::ids::{CaseId, PersonId, ProblemId, UnitId};
use rectify_domain::light::Light;
use rectify_domain::person::PersonKind;
use rectify_domain::problem::{Level, ProblemState, ProblemType};
use rectify_domain::time::Timestamp;
use rectify_domain::unit::UnitKind;
use rectify_exchange::{Encoding, Format, Limits, Mapping, Parsed, read, write};

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Timestamp {
    // China time: 8 hours ahead of UTC.
    Timestamp::from_utc(Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap() - chrono::TimeDelta::hours(8))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn path(p: &str) -> Option<UnitRef> {
    UnitRef::parse(p)
}

fn back(lines: &Lines, kind: ImportKind, format: Format) -> Parsed {
    let bytes = write(lines, format).unwrap();
    let parsed = read(&bytes, format, Encoding::Auto, kind, &Mapping::default(), Limits::default()).unwrap();
    assert_eq!(parsed.errors, vec![], "{format:?}");
    assert_eq!(parsed.ignored_columns, Vec::<String>::new(), "{format:?}");
    assert_eq!(parsed.header_row, 1);
    parsed
}

fn units() -> Vec<UnitRecord> {
    vec![
        UnitRecord {
            id: Some(UnitId(1)),
            name: Some("蔡甸区".into()),
            parent: None,
            kind: Some(UnitKind::District),
            system: None,
            complaint_phone: Some("027-84941234".into()),
            mailbox: Some("https://www.caidian.gov.cn/xx".into()),
        },
        UnitRecord {
            id: Some(UnitId(12)),
            name: Some("新农派出所, \"窗口\"".into()),
            parent: path("蔡甸区/公安"),
            kind: Some(UnitKind::Station),
            system: Some("公安".into()),
            complaint_phone: Some("057187654321".into()),
            mailbox: Some("xn@gaj.gov.cn".into()),
        },
        UnitRecord { id: None, name: Some("区交通局".into()), ..Default::default() },
    ]
}

#[test]
fn units_round_trip() {
    let lines = Lines::Units(units());
    for format in [Format::Xlsx, Format::Csv] {
        let Records::Units(rows) = back(&lines, ImportKind::Units, format).records else { panic!() };
        let got: Vec<UnitRecord> = rows.into_iter().map(|r| r.record).collect();
        assert_eq!(got, units(), "{format:?}");
    }
}

fn people() -> Vec<PersonRecord> {
    vec![
        PersonRecord {
            id: Some(PersonId(3)),
            name: Some("欧阳娜娜".into()),
            kind: Some(PersonKind::Staff),
            unit: path("蔡甸区/公安/新农派出所"),
            position: Some("所长（副科级）".into()),
            affiliation: None,
            phone: Some("13812345678".into()),
        },
        PersonRecord {
            id: None,
            name: Some("张三".into()),
            kind: Some(PersonKind::Supervisor),
            unit: None,
            position: None,
            affiliation: Some("区人大代表；企业代表".into()),
            phone: Some("0571-87654321".into()),
        },
    ]
}

#[test]
fn people_round_trip() {
    let lines = Lines::People(people());
    for format in [Format::Xlsx, Format::Csv] {
        let Records::People(rows) = back(&lines, ImportKind::People, format).records else { panic!() };
        let got: Vec<PersonRecord> = rows.into_iter().map(|r| r.record).collect();
        assert_eq!(got, people(), "{format:?}");
    }
}

fn categories() -> Vec<CategoryRecord> {
    let path = |p: &[&str]| p.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    vec![
        CategoryRecord { code: None, path: path(&["城乡建设"]) },
        CategoryRecord { code: Some("A01".into()), path: path(&["城乡建设", "安全生产"]) },
        CategoryRecord { code: None, path: path(&["城乡建设", "安全生产", "事故处理"]) },
    ]
}

#[test]
fn categories_round_trip() {
    let lines = Lines::Categories(categories());
    for format in [Format::Xlsx, Format::Csv] {
        let Records::Categories(rows) = back(&lines, ImportKind::Categories, format).records else { panic!() };
        let got: Vec<CategoryRecord> = rows.into_iter().map(|r| r.record).collect();
        assert_eq!(got, categories(), "{format:?}");
    }
}

fn problems() -> Vec<ProblemLine> {
    let long = "窗口服务态度生硬，群众反映强烈。".repeat(200);
    let full = ProblemRecord {
        id: Some(ProblemId(101)),
        reference: Some("0571".into()),
        description: Some(
            "办事群众反映：\n1）窗口人员态度生硬，\"门难进、脸难看\"；\n2）一次告知不到位, 来回跑。".into(),
        ),
        unit: path("蔡甸区/公安/新农派出所"),
        responsible: Some("欧阳娜娜".into()),
        leader: Some("李四".into()),
        measures: Some(vec![
            "开展“服务之星”评比，每月一次".into(),
            "完善一次性告知制度\n（附清单）".into(),
            "=SUM(A1) 不是公式".into(),
        ]),
        deadline: Some(day(2019, 6, 30)),
        progress: Some("已完成第一阶段。\n\n下一步：回访群众".into()),
        state: Some(ProblemState::InProgress),
        category: Some("官僚主义".into()),
        problem_type: Some(ProblemType::TimeLimited),
        level: Some(Level::Unit),
        root_cause: Some(long),
        published: Some(true),
    };
    let sparse = ProblemRecord {
        id: Some(ProblemId(102)),
        description: Some("-公车私用".into()),
        unit: path("区交通局"),
        state: Some(ProblemState::Closed),
        problem_type: Some(ProblemType::LongTerm),
        published: Some(false),
        ..Default::default()
    };
    let reported = ProblemRecord {
        id: None,
        reference: Some("2019-003".into()),
        description: Some("会议多、文件多".into()),
        unit: path("蔡甸区"),
        state: Some(ProblemState::Reported),
        problem_type: Some(ProblemType::Immediate),
        level: Some(Level::LeadershipTeam),
        ..Default::default()
    };
    let line = |record, light, closed_at| ProblemLine {
        record,
        light,
        due_on: Some(day(2019, 6, 28)),
        campaign: Some("作风建设年".into()),
        batch: None,
        created_at: at(2019, 4, 25, 9, 32, 9),
        closed_at,
    };
    vec![
        line(full, Light::Red, None),
        line(sparse, Light::Green, Some(at(2019, 12, 31, 23, 59, 59))),
        line(reported, Light::Yellow, None),
    ]
}

#[test]
fn problems_round_trip() {
    let lines = Lines::Problems(problems());
    for format in [Format::Xlsx, Format::Csv] {
        let Records::Problems(rows) = back(&lines, ImportKind::Problems, format).records else { panic!() };
        let got: Vec<ProblemRecord> = rows.into_iter().map(|r| r.record).collect();
        let want: Vec<ProblemRecord> = problems().into_iter().map(|l| l.record).collect();
        assert_eq!(got, want, "{format:?}");
    }
}

fn cases() -> Vec<CaseLine> {
    let full = CaseRecord {
        id: Some(CaseId(7)),
        reference: Some("00188006".into()),
        citizen_name: Some("A000102948".into()),
        phone: Some("13912345678".into()),
        title: Some("A3区一米阳光婚纱摄影是否合法纳税了？".into()),
        received_at: Some(at(2019, 4, 25, 9, 32, 9)),
        content: Some("座落在A市A3区联丰路，\"一米阳光\"，\n请税务局查一下,谢谢！\n@所有人".into()),
        answer: Some("您好！\n经核查……".into()),
        replied_at: Some(at(2019, 5, 9, 0, 0, 0)),
        channel: Some(Channel::Hotline),
        case_type: Some(CaseType::Report),
        unit: path("A3区/税务局"),
        satisfaction: Some(Satisfaction::BasicallySatisfied),
        category: Some("商贸旅游/税务".into()),
        likes: Some(12),
        dislikes: Some(0),
    };
    let bare = CaseRecord {
        id: Some(CaseId(8)),
        content: Some("+86 噪音扰民".into()),
        received_at: Some(at(2017, 6, 8, 17, 31, 20)),
        ..Default::default()
    };
    vec![
        CaseLine {
            record: full,
            tracking_code: "7KQ4M-X9D2H".into(),
            state: CaseState::Replied,
            due_on: Some(day(2019, 5, 14)),
            closed_at: None,
        },
        CaseLine {
            record: bare,
            tracking_code: "AAAAA-BBBBB".into(),
            state: CaseState::Closed,
            due_on: None,
            closed_at: Some(at(2017, 7, 1, 8, 0, 0)),
        },
    ]
}

#[test]
fn cases_round_trip_with_and_without_contacts() {
    for contacts in [true, false] {
        let lines = Lines::Cases { lines: cases(), contacts };
        for format in [Format::Xlsx, Format::Csv] {
            let Records::Cases(rows) = back(&lines, ImportKind::Cases, format).records else { panic!() };
            let got: Vec<CaseRecord> = rows.into_iter().map(|r| r.record).collect();
            let want: Vec<CaseRecord> = cases()
                .into_iter()
                .map(|l| l.record)
                .map(|r| if contacts { r } else { CaseRecord { citizen_name: None, phone: None, ..r } })
                .collect();
            assert_eq!(got, want, "{format:?} contacts={contacts}");
        }
    }
}

#[test]
fn without_contacts_the_columns_are_not_written() {
    let csv = write(&Lines::Cases { lines: cases(), contacts: false }, Format::Csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let header = text.lines().next().unwrap();
    assert!(!header.contains("留言用户") && !header.contains("联系电话"), "{header}");
    assert!(!text.contains("A000102948") && !text.contains("13912345678"));
    let with =
        String::from_utf8(write(&Lines::Cases { lines: cases(), contacts: true }, Format::Csv).unwrap()).unwrap();
    assert!(with.lines().next().unwrap().contains("留言用户,联系电话"));
}

#[test]
fn xlsx_cells_are_typed_and_headers_in_order() {
    use calamine::{Data, Reader, Xlsx};
    let bytes = write(&Lines::Problems(problems()), Format::Xlsx).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), vec!["问题整改台账"]);
    let range = book.worksheet_range("问题整改台账").unwrap();
    let header: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let want = "系统编号 编号 问题描述 责任单位 责任人 分管领导 整改措施 整改时限 整改进展 状态 预警 问题类别 整改类型 \
                问题层级 问题根源 是否公开 到期日 所属活动 批次 登记时间 销号时间";
    assert_eq!(header.join(" "), want);
    let row = range.rows().nth(1).unwrap();
    assert_eq!(row[0], Data::Float(101.0), "ids are numbers");
    assert_eq!(row[1], Data::String("0571".into()), "numbers of the office's own stay text");
    assert!(matches!(row[7], Data::DateTime(_)), "deadlines are dates: {:?}", row[7]);
    assert!(matches!(row[19], Data::DateTime(_)), "times are date-times: {:?}", row[19]);
    assert_eq!(row[10], Data::String("红灯".into()));
    assert_eq!(
        row[6],
        Data::String("1. 开展“服务之星”评比，每月一次\n2. 完善一次性告知制度\n（附清单）\n3. =SUM(A1) 不是公式".into())
    );
    for (lines, sheet) in [
        (Lines::Units(units()), "单位"),
        (Lines::People(people()), "人员"),
        (Lines::Cases { lines: cases(), contacts: false }, "诉求件"),
        (Lines::Categories(categories()), "问题分类"),
    ] {
        let bytes = write(&lines, Format::Xlsx).unwrap();
        let book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec![sheet]);
    }
}

#[test]
fn csv_is_utf8_with_a_bom_and_crlf() {
    let bytes = write(&Lines::Problems(problems()), Format::Csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("系统编号,编号,问题描述,责任单位,"));
    let second = text.split("\r\n").nth(2).unwrap();
    assert!(second.starts_with("102,,'-公车私用,区交通局,"), "{second}");
    assert!(text.contains(",2019-06-30,") && text.contains(",2019-04-25 09:32:09,"));
    assert!(text.contains("\"办事群众反映：\n1）窗口人员态度生硬，\"\"门难进、脸难看\"\"；"));
}

#[test]
fn control_characters_do_not_reach_a_file() {
    let lines = Lines::Units(vec![UnitRecord {
        id: Some(UnitId(3)),
        name: Some("新农\0派出所\u{1b}[31m\u{7}".into()),
        system: Some("公安\r\n分局\t窗口".into()),
        ..Default::default()
    }]);
    let csv = write(&lines, Format::Csv).unwrap();
    assert!(!csv.iter().any(|b| matches!(b, 0 | 0x07 | 0x1b)), "no NUL, bell or escape in the CSV");
    for format in [Format::Csv, Format::Xlsx] {
        let Records::Units(read) = back(&lines, ImportKind::Units, format).records else { panic!() };
        assert_eq!(read[0].record.name.as_deref(), Some("新农派出所[31m"), "{format:?}");
    }
}
