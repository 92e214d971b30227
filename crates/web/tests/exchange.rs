//! Files in and out over HTTP, on both databases: an office's ledger and a message board's
//! export come in (dry run first, all or nothing, idempotent), the lists go out as files that
//! read back the same, and a replied-message file counts in the case figures like native cases.

mod common;

use common::{TestApp, TextOf};
use rectify_domain::exchange::{ImportKind, Records};
use rectify_exchange::{Encoding, Format, Limits, Mapping};
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::{Client, Method};
use serde_json::{Value, json};

const TEDDY: &str = "/work/shared/data/teddycup2020c";

async fn upload(
    app: &TestApp,
    client: &Client,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
    fields: &[(&str, &str)],
) -> common::Reply {
    let mut form =
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let resp = client.post(app.url(&format!("/api/v1/imports/{kind}"))).multipart(form).send().await.expect("upload");
    TestApp::reply(resp).await
}

/// A ledger as an office keeps it: a title row, then the header, in GBK as Excel on Chinese
/// Windows saves CSV.
fn ledger_csv(bad_unit: bool) -> Vec<u8> {
    let unit = if bad_unit { "区不存在局" } else { "金东区/区水务局" };
    let text = format!(
        "金东区第一批立改项目台账,,,,,,\r\n\
         序号,存在问题,责任单位,责任人,整改措施,整改时限,是否销号\r\n\
         1,开会使用一次性纸杯,金东区/区水务局,王五,\"1.开会禁用一次性纸杯\n2.干部自带水杯\",2026年2月底,是\r\n\
         2,办公场所摆放花卉,区科技局,赵六,撤销花卉租赁合同,2026-03-20,否\r\n\
         3,群众办事进错门,{unit},孙七,设立便民查询岗,长期坚持,\r\n"
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    gbk.into_owned()
}

async fn a_ledger_comes_in_and_goes_out(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let district = app.unit("金东区", None).await;
    let water = app.unit("区水务局", Some(&district)).await;
    app.unit("区科技局", Some(&district)).await;
    let camp = app
        .post("/api/v1/campaigns", json!({"name": "教育实践活动", "starts_on": "2026-01-01"}))
        .await
        .expect(201)
        .id();
    let camp_field = [("campaign_id", camp.as_str())];

    // A dry run names every bad cell by row and column and writes nothing.
    let dry = upload(&app, &app.admin, "problems", "台账.csv", ledger_csv(true), &[("dry_run", "true"), camp_field[0]])
        .await
        .ok();
    assert_eq!(
        (dry["applied"].as_bool(), dry["encoding"].as_str(), dry["header_row"].as_u64()),
        (Some(false), Some("gb18030"), Some(2))
    );
    let errors = dry["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{dry}");
    assert_eq!(
        (errors[0]["row"].as_u64(), errors[0]["column"].as_str(), errors[0]["value"].as_str()),
        (Some(5), Some("责任单位"), Some("区不存在局"))
    );
    // A real import of the same file is refused, naming the cell, and nothing is written.
    let refused = upload(&app, &app.admin, "problems", "台账.csv", ledger_csv(true), &camp_field).await.expect(422);
    assert_eq!(refused.fields(), ["rows[5].责任单位"]);
    assert_eq!(app.count_rows("problems").await, 0);

    let done = upload(&app, &app.admin, "problems", "台账.csv", ledger_csv(false), &camp_field).await.ok();
    assert_eq!(
        (done["applied"].as_bool(), done["created"].as_u64(), done["people_created"].as_u64()),
        (Some(true), Some(3), Some(3))
    );
    let items = app.all(&format!("/api/v1/problems?campaign={camp}")).await;
    let cups = items.iter().find(|p| p["reference"] == "1").unwrap();
    assert_eq!(
        (cups["state"].as_str(), cups["close_basis"].as_str(), cups["deadline"].as_str()),
        (Some("closed"), Some("imported"), Some("2026-02-28"))
    );
    let detail = app.get(&format!("/api/v1/problems/{}", cups["id"].as_str().unwrap())).await.ok();
    assert_eq!(detail["measures"].as_array().unwrap().len(), 2);
    let long = items.iter().find(|p| p["reference"] == "3").unwrap();
    assert_eq!((long["type"].as_str(), long["deadline"].as_str()), (Some("long_term"), None));
    // Imported close-offs are closed, not verified here.
    let stats = app.get(&format!("/api/v1/stats/problems?campaign={camp}&group_by=state")).await.ok();
    assert_eq!((stats["closed"].as_u64(), stats["verified"].as_u64()), (Some(1), Some(0)));
    // The same file again changes nothing.
    let again = upload(&app, &app.admin, "problems", "台账.csv", ledger_csv(false), &camp_field).await.ok();
    assert_eq!(
        (again["created"].as_u64(), again["updated"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(0), Some(3))
    );

    // Out as .xlsx and .csv, and back in unchanged.
    for format in ["xlsx", "csv"] {
        let resp = app
            .admin
            .get(app.url(&format!("/api/v1/exports/problems?format={format}&campaign={camp}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.contains(&format!(".{format}")), "{disposition}");
        let bytes = resp.bytes().await.unwrap().to_vec();
        if format == "csv" {
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "CSV carries a BOM so Excel reads UTF-8");
        }
        let parsed = rectify_exchange::read(
            &bytes,
            Format::parse(format).unwrap(),
            Encoding::Auto,
            ImportKind::Problems,
            &Mapping::default(),
            Limits::default(),
        )
        .unwrap();
        let Records::Problems(rows) = &parsed.records else { panic!("problems") };
        assert_eq!(rows.len(), 3);
        assert!(
            parsed.errors.is_empty() && parsed.ignored_columns.is_empty(),
            "{:?} {:?}",
            parsed.errors,
            parsed.ignored_columns
        );
        let back = upload(&app, &app.admin, "problems", &format!("导出.{format}"), bytes, &[]).await.ok();
        assert_eq!(
            (back["created"].as_u64(), back["updated"].as_u64(), back["unchanged"].as_u64()),
            (Some(0), Some(0), Some(3)),
            "{format}"
        );
    }

    // A clerk exports what the clerk's list shows: their unit's, and may not import.
    let clerk = app.user("clerk", "unit_clerk", Some(&water)).await;
    let bytes = clerk.get(app.url("/api/v1/exports/problems?format=csv")).send().await.unwrap().bytes().await.unwrap();
    let parsed = rectify_exchange::read(
        &bytes,
        Format::Csv,
        Encoding::Auto,
        ImportKind::Problems,
        &Mapping::default(),
        Limits::default(),
    )
    .unwrap();
    assert_eq!(parsed.records.len(), 2, "items 1 and 3 are 区水务局's; item 2 is another unit's");
    assert_eq!(upload(&app, &clerk, "problems", "台账.csv", ledger_csv(false), &[]).await.status, 403);
    // Bad requests name the field.
    assert_eq!(app.get("/api/v1/exports/problems?format=pdf").await.expect(422).fields(), ["format"]);
    assert_eq!(app.get("/api/v1/exports/problems?colour=red").await.expect(422).fields(), ["colour"]);
    assert_eq!(app.get("/api/v1/exports/widgets").await.status, 404);
    let r = upload(&app, &app.admin, "problems", "台账.pdf", b"%PDF-1.4".to_vec(), &[]).await.expect(422);
    assert_eq!(r.fields(), ["file"]);
    let r = upload(&app, &app.admin, "problems", "空.csv", b"\xEF\xBB\xBF".to_vec(), &[]).await.expect(422);
    assert_eq!(r.fields(), ["file"]);
}

async fn units_and_people_from_paths(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let units = "单位名称,上级单位,单位类型,系统,投诉电话\n蔡甸区,,区,,\n公安,蔡甸区,部门,公安,027-84941234\n新农派出所,蔡甸区/公安,站所,公安,\n";
    let r = upload(&app, &app.admin, "units", "单位.csv", units.as_bytes().to_vec(), &[]).await.ok();
    assert_eq!(r["created"], 3, "{r}");
    let people = "姓名,所在单位,职务\n李明,蔡甸区/公安/新农派出所,所长\n";
    let r = upload(&app, &app.admin, "people", "人员.csv", people.as_bytes().to_vec(), &[]).await.ok();
    assert_eq!(r["created"], 1, "{r}");
    let found = app.all("/api/v1/units?q=新农").await;
    assert_eq!(found[0]["kind"], "station");
    for kind in ["units", "people"] {
        let bytes = app
            .admin
            .get(app.url(&format!("/api/v1/exports/{kind}")))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec();
        let back = upload(&app, &app.admin, kind, &format!("{kind}.xlsx"), bytes, &[]).await.ok();
        assert_eq!((back["created"].as_u64(), back["updated"].as_u64()), (Some(0), Some(0)), "{kind}: {back}");
    }
}

/// The on-time figure recounted for each imported message with the calendar API: due 13
/// working days (a complaint) after the day it was received, replied by then.
async fn replied_messages_count_like_native_cases(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let bytes = std::fs::read(format!("{TEDDY}/messages_replied_附件4_sample.xlsx")).expect("the Teddy Cup files");
    let r =
        upload(&app, &app.admin, "cases", "附件4.xlsx", bytes.clone(), &[("channel", "web"), ("type", "complaint")])
            .await
            .ok();
    assert_eq!((r["applied"].as_bool(), r["created"].as_u64()), (Some(true), Some(120)), "{r}");
    let again = upload(&app, &app.admin, "cases", "附件4.xlsx", bytes, &[]).await.ok();
    assert_eq!(again["unchanged"], 120);

    let cases = app.all("/api/v1/cases?limit=500").await;
    assert_eq!(cases.len(), 120);
    let mut on_time = 0;
    for c in &cases {
        let received = &c["received_at"].as_str().unwrap()[..10];
        let due = app.get(&format!("/api/v1/calendar/deadline?from={received}&working_days=13")).await.ok();
        assert_eq!(c["due_on"], due["due"], "case {}", c["id"]);
        let replied = &c["replied_at"].as_str().unwrap()[..10];
        on_time += u64::from(replied <= due["due"].as_str().unwrap());
        assert_eq!(c["state"], "replied");
    }
    let stats = app.get("/api/v1/stats/cases?group_by=channel").await.ok();
    assert_eq!(
        (stats["received"].as_u64(), stats["replied"].as_u64(), stats["reply_counted"].as_u64()),
        (Some(120), Some(120), Some(120))
    );
    assert_eq!(stats["replied_on_time"].as_u64(), Some(on_time));
    assert!(on_time > 0 && on_time < 120, "the sample has both: {on_time}");
    // The citizen's timeline shows the recorded reply.
    let one = &cases[0];
    let detail = app.get(&format!("/api/v1/cases/{}", one["id"].as_str().unwrap())).await.ok();
    assert!(detail["answer"].as_str().is_some_and(|a| !a.is_empty()));

    // Names go out only to the office, with a reason, and the reveal is recorded.
    let plain = app.admin.get(app.url("/api/v1/exports/cases?format=csv")).send().await.unwrap().text().await.unwrap();
    // (Answers quote the board's user names themselves; the column of names is what a reveal adds.)
    assert!(!plain.contains("留言用户"), "no citizen names without a reveal");
    let audit_before = app.count_rows("audit_log").await;
    let named = app.admin.get(app.url("/api/v1/exports/cases?format=csv&reveal_reason=回访核实")).text_of().await;
    assert!(named.lines().next().unwrap().contains("留言用户"));
    assert_eq!(app.count_rows("audit_log").await, audit_before + 1);
    let inspector = app.user("insp", "inspector", None).await;
    let r = app.send(&inspector, Method::GET, "/api/v1/exports/cases?reveal_reason=x", None).await;
    assert_eq!(r.status, 403);
    let body: Value = r.body;
    assert_eq!(body["status"], 403);
}

/// A 1.5 KB workbook with cells at A1 and XFD1048576 once took the server down; it is refused
/// with the limit it broke, in the caller's language, and the server goes on answering.
async fn a_workbook_spanning_the_sheet_is_refused(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (row, col, text) in [(0, 0, "编号"), (0, 1, "问题描述"), (0, 2, "责任单位"), (1_048_575, 16_383, "x")]
    {
        sheet.write_string(row, col, text).unwrap();
    }
    let bomb = book.save_to_buffer().unwrap();
    for (lang, words) in [("zh-CN", "2000000 个单元格"), ("en", "2000000 cells")] {
        let part = reqwest::multipart::Part::bytes(bomb.clone()).file_name("台账.xlsx");
        let form = reqwest::multipart::Form::new().part("file", part).text("dry_run", "true");
        let req = app.admin.post(app.url("/api/v1/imports/problems")).header("accept-language", lang).multipart(form);
        let r = TestApp::reply(req.send().await.unwrap()).await.expect(422);
        assert_eq!(r.fields(), vec!["file"]);
        let message = r.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(words), "{message}");
    }
    app.get("/healthz").await.expect(200);
}

/// A street's 事项清单 as offices keep it: the item's cells merged over its materials' rows,
/// limits in words, staff as name and phone; row errors by cell; the export reads back unchanged.
async fn a_service_catalog_sheet_comes_in_and_goes_out(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.unit("王家庄街道", None).await;
    let sheet = "王家庄街道便民服务事项清单\n\
        事项编码,事项名称,事项类型,实施主体,办理窗口,经办人员,申请材料,办理流程,法定时限,承诺时限,跑动次数,办理方式,所属清单\n\
        WJZ-MZ-001,生育登记,公共服务,王家庄街道,3号窗口,\"李红 0931-7612345\",夫妻双方居民身份证（原件和复印件）,申请→受理→办结,5个工作日,即办,最多跑一次,网上办理,最多跑一次、生育\n\
        ,,,,,,结婚证（复印件，2份）,,,,,,\n\
        ,,,,,,居民户口簿,,,,,,\n\
        WJZ-SB-004,高龄津贴申领,行政给付,王家庄街道,2号窗口,\"赵敏：0931-7612401\",申请人居民身份证,\"1.申请\n2.审核\n3.办结\",15,5,1,窗口办理,养老\n";
    let r = upload(&app, &app.admin, "services", "事项清单.csv", sheet.as_bytes().to_vec(), &[]).await.ok();
    assert_eq!((r["created"].as_u64(), r["rows"].as_u64()), (Some(2), Some(2)), "{r}");
    let items = app.all("/api/v1/services?q=生育登记").await;
    assert_eq!(items.len(), 1, "{r} {items:?}");
    let item = &items[0];
    let materials: Vec<(&str, &str, u64)> = item["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["name"].as_str().unwrap(), m["form"].as_str().unwrap(), m["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        materials,
        [("夫妻双方居民身份证", "both", 1), ("结婚证", "copy", 2), ("居民户口簿", "original", 1)],
        "the rows under a merged item cell are its materials"
    );
    assert_eq!((item["promised_limit_days"].as_u64(), item["legal_limit_days"].as_u64()), (Some(0), Some(5)));
    assert_eq!((item["delivery"].as_str(), item["max_visits"].as_u64()), (Some("online"), Some(1)));
    assert_eq!(item["steps"], json!(["申请", "受理", "办结"]));
    assert_eq!(item["lists"], json!(["最多跑一次", "生育"]));

    // The export reads back as it is: nothing created, nothing changed.
    let bytes =
        app.admin.get(app.url("/api/v1/exports/services")).send().await.unwrap().bytes().await.unwrap().to_vec();
    let back = upload(&app, &app.admin, "services", "事项清单.xlsx", bytes, &[]).await.ok();
    assert_eq!(
        (back["created"].as_u64(), back["updated"].as_u64(), back["unchanged"].as_u64()),
        (Some(0), Some(0), Some(2)),
        "{back}"
    );

    // A changed row makes the item's next version, its note naming the file and the row.
    let changed = "事项编码,承诺时限\nWJZ-SB-004,3个工作日\n";
    let r = upload(&app, &app.admin, "services", "调整.csv", changed.as_bytes().to_vec(), &[]).await.ok();
    assert_eq!(r["updated"], 1, "{r}");
    let id = app.all("/api/v1/services?q=高龄津贴").await[0]["id"].as_str().unwrap().to_owned();
    let versions = app.get(&format!("/api/v1/services/{id}/versions")).await.ok();
    assert_eq!(versions[0]["reason"], "导入 调整.csv 第2行");
    assert_eq!(versions[0]["item"]["staff"][0]["phone"], "0931-7612401", "blank columns keep what is stored");

    // Bad cells are named by row and column, and nothing is written.
    let bad = "事项编码,事项名称,事项类型,实施主体,法定时限,承诺时限\nWJZ-X-1,新事项,许可,王家庄街道,5,8\nWJZ-X-2,另一事项,行政审批,王家庄街道,五天,1\nWJZ-X-3,第三事项,公共服务,不存在街道,5,1\n";
    let r = upload(&app, &app.admin, "services", "错误.csv", bad.as_bytes().to_vec(), &[]).await;
    let fields: Vec<&str> = r.body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["rows[2].承诺时限", "rows[3].事项类型", "rows[3].法定时限", "rows[4].实施主体"], "{}", r.body);
    assert_eq!(app.all("/api/v1/services").await.len(), 2);
}

on_both!(
    a_ledger_comes_in_and_goes_out,
    units_and_people_from_paths,
    replied_messages_count_like_native_cases,
    a_workbook_spanning_the_sheet_is_refused,
    a_service_catalog_sheet_comes_in_and_goes_out
);
