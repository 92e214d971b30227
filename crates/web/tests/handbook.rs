//! The 便民服务一本通 of an area (`/services/handbook`), on both databases: the area's unit and
//! every unit below it, in the tree's order, each a chapter of its published items with the card a
//! citizen needs; the contents with the pages the chapters start on (PDF); the supervising
//! office's complaint phone at the foot of every page, a setting the office changes on its
//! settings page; the page listing the areas, linked from the catalog; bad parameters named.

mod common;

use common::{TestApp, hidden};
use rectify_store::Backend;
use rectify_store::on_both;
use reqwest::Client;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

/// The area: 王家庄街道 (one item of its own) with 便民服务中心 (two published items and a draft)
/// and 综合文化站 (one item) below it, 社区服务站 below the centre (one item), an archived station
/// with an item, and 安宁区 beside it with an item of its own.
struct Area {
    street: String,
    centre: String,
    archived: String,
    other: String,
}

fn item(unit: &str, code: &str, name: &str) -> Value {
    json!({
        "code": code,
        "name": name,
        "kind": "public",
        "unit_id": unit,
        "window": "3号窗口",
        "staff": [{"name": "李红", "phone": "0931-7612345"}],
        "place": "王家庄街道便民服务中心一楼",
        "hours": "工作日 9:00—17:00",
        "steps": ["申请", "受理", "办结"],
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "max_visits": 1,
    })
}

async fn area(app: &TestApp) -> Area {
    let street = app.unit("王家庄街道", None).await;
    // Made before the centre, sorted after it by name.
    let culture = app.unit("王家庄街道综合文化站", Some(&street)).await;
    let centre = app.unit("王家庄街道便民服务中心", Some(&street)).await;
    let community = app.unit("王家庄社区服务站", Some(&centre)).await;
    let archived = app.unit("王家庄街道计生服务站", Some(&street)).await;
    let other = app.unit("安宁区政务服务中心", None).await;

    let mut birth = item(&centre, "WJZ-WJ-001", "生育登记");
    birth["promised_limit_days"] = json!(0);
    birth["max_visits"] = json!(0);
    birth["delivery"] = json!("online");
    birth["materials"] = json!([
        {"name": "夫妻双方居民身份证", "form": "both"},
        {"name": "结婚证", "form": "copy", "count": 2, "source": "婚姻登记机关"},
        {"name": "残疾人证", "optional": true}
    ]);
    birth["legal_basis"] = json!("《甘肃省人口与计划生育条例》");
    let mut pension = item(&centre, "WJZ-SB-004", "高龄津贴申领");
    pension["staff"] = json!([{"name": "王强", "phone": "13912345678"}, {"name": "赵敏", "phone": "0931-7612346"}]);
    pension["fees"] = json!("工本费5元");
    pension["fee_basis"] = json!("甘发改收费〔2020〕12号");
    pension["delivery"] = json!("appointment");
    let mut draft = item(&centre, "WJZ-XK-009", "食品经营许可");
    draft["published"] = json!(false);
    for body in [
        item(&street, "WJZ-JZ-001", "居住证申领"),
        birth,
        pension,
        draft,
        item(&culture, "WJZ-WH-001", "文化活动场地预约"),
        item(&community, "WJZ-SQ-001", "社区居家养老服务申请"),
        item(&archived, "WJZ-JS-001", "独生子女父母光荣证补办"),
        item(&other, "ANQ-XK-001", "药品零售许可"),
    ] {
        app.post("/api/v1/services", body).await.expect(201);
    }
    let patch = json!({"archived": true, "version": 1});
    app.patch(&format!("/api/v1/units/{archived}"), patch).await.expect(200);
    Area { street, centre, archived, other }
}

/// The chapters in the order they must come: the area itself first, then each unit before the
/// units below it, siblings by name.
const CHAPTERS: [&str; 4] =
    ["一、王家庄街道", "二、王家庄街道便民服务中心", "三、王家庄社区服务站", "四、王家庄街道综合文化站"];

/// Each chapter's heading and the line under it, as the chapters (not the contents) print them.
const CHAPTER_HEADS: [&str; 4] = [
    "一、王家庄街道本单位公开服务事项1项。",
    "二、王家庄街道便民服务中心本单位公开服务事项2项。",
    "三、王家庄社区服务站本单位公开服务事项1项。",
    "四、王家庄街道综合文化站本单位公开服务事项1项。",
];

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A PDF's pages as text (`pdftotext -layout`: a table's row on one line; pages split at form
/// feeds), as laid out.
fn pdf_layout(pdf: &Path) -> Vec<String> {
    let out =
        Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// A PDF's pages as text without whitespace, so a line broken anywhere reads whole.
fn pdf_pages(pdf: &Path) -> Vec<String> {
    pdf_layout(pdf).iter().map(|p| squeeze(p)).collect()
}

/// The text of a DOCX part (`word/document.xml`, `word/footer1.xml`…): its `<w:t>` runs joined,
/// a line break (`<w:br/>`) as a space.
fn docx_part(docx: &Path, part: &str) -> String {
    let out = Command::new("unzip").arg("-p").arg(docx).arg(part).output().expect("unzip runs");
    assert!(out.status.success(), "unzip {part}: {}", String::from_utf8_lossy(&out.stderr));
    let xml = String::from_utf8(out.stdout).unwrap();
    let mut text = String::new();
    for piece in xml.split('<').skip(1) {
        let (tag, rest) = piece.split_once('>').unwrap_or((piece, ""));
        if tag.starts_with("w:t") && !tag.starts_with("w:tbl") && !tag.starts_with("w:tc") && !tag.starts_with("w:tr") {
            text.push_str(rest);
        } else if tag.starts_with("w:br") || tag == "/w:p" {
            text.push(' ');
        }
    }
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

async fn download(app: &TestApp, query: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    // No account: the handbook is public.
    let resp = Client::new().get(app.url(&format!("/services/handbook?{query}"))).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{query}");
    let headers = resp.headers().clone();
    (headers, resp.bytes().await.unwrap().to_vec())
}

/// Positions of `needles` in `text`, each found after the one before.
fn in_order(text: &str, needles: &[&str]) -> bool {
    let mut from = 0;
    for n in needles {
        match text[from..].find(n) {
            Some(at) => from += at + n.len(),
            None => return false,
        }
    }
    true
}

async fn the_pdf_prints_the_area_in_tree_order_with_its_pages_and_phones(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let a = area(&app).await;
    app.put(
        "/api/v1/settings",
        json!({"complaint_phone": "0931-8123456", "office_name": "安宁区作风建设领导小组办公室"}),
    )
    .await
    .ok();
    let (headers, bytes) = download(&app, &format!("unit={}&format=pdf", a.street)).await;
    assert_eq!(headers["content-type"], "application/pdf");
    let disposition = headers["content-disposition"].to_str().unwrap();
    // 王家庄街道便民服务一本通-2026-03-02.pdf, percent-encoded.
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("%E7%8E%8B%E5%AE%B6%E5%BA%84"),
        "{disposition}"
    );
    assert!(disposition.ends_with("-2026-03-02.pdf"), "{disposition}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("handbook.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let laid_out = pdf_layout(&file);
    let pages: Vec<String> = laid_out.iter().map(|p| squeeze(p)).collect();
    let all: String = pages.concat();

    // The title page: the area, the name, the day it was printed.
    assert!(in_order(&pages[0], &["王家庄街道", "便民服务一本通", "2026年3月2日印制"]), "{}", pages[0]);
    // Every page names the office and its phone at its foot.
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains("监督单位：安宁区作风建设领导小组办公室监督电话：0931-8123456"),
            "page {}: {page}",
            i + 1
        );
    }
    // The chapters in the tree's order, each item with its card.
    assert!(in_order(&all, &CHAPTER_HEADS[..]), "chapters in order:\n{all}");
    for text in [
        "居住证申领",
        "生育登记",
        "高龄津贴申领",
        "文化活动场地预约",
        "社区居家养老服务申请",
        "WJZ-WJ-001",
        "李红0931-7612345",
        "王强13912345678",
        "赵敏0931-7612346",
        "跑动次数零跑腿",
        "承诺时限即办",
        "法定时限20个工作日",
        "承诺时限5个工作日",
        "最多跑一次",
        "收费标准不收费",
        "工本费5元",
        "甘发改收费〔2020〕12号",
        "可全程网上办理，无需到现场",
        "可网上预约，按预约时间到窗口办理",
        "设定依据《甘肃省人口与计划生育条例》",
        "1.申请→2.受理→3.办结",
        "夫妻双方居民身份证原件和复印件1",
        "结婚证复印件2婚姻登记机关",
        "残疾人证（视情形提供）",
        "办理窗口3号窗口",
        "办理时间工作日9:00—17:00",
    ] {
        assert!(all.contains(text), "{text} missing from the PDF:\n{all}");
    }
    // Never a draft, another area's item or an archived station's.
    for absent in ["食品经营许可", "药品零售许可", "独生子女父母光荣证补办", "王家庄街道计生服务站"]
    {
        assert!(!all.contains(absent), "{absent} is not in the handbook");
    }
    // The contents: each chapter with the page it starts on, which is where it is.
    let contents = pages.iter().position(|p| p.starts_with("目录")).expect("a contents page");
    for chapter in CHAPTERS {
        // `一、王家庄街道 ........ 4`: the entry's line ends with its page.
        let line = laid_out[contents]
            .lines()
            .find(|l| squeeze(l).starts_with(chapter))
            .unwrap_or_else(|| panic!("{chapter} in the contents:\n{}", laid_out[contents]));
        let number = line.trim_end().rsplit(['.', ' ']).next().unwrap_or_default();
        let page: usize = number.parse().unwrap_or_else(|_| panic!("a page number after {chapter}: {line}"));
        let first = pages.iter().enumerate().skip(contents + 1).find(|(_, p)| p.contains(chapter)).unwrap().0;
        assert_eq!(page, first + 1, "{chapter} starts on page {}", first + 1);
    }
    assert!(in_order(&pages[contents], &CHAPTERS[..]), "{}", pages[contents]);
    assert!(in_order(&pages[contents], &["二、王家庄街道便民服务中心", "1.生育登记", "2.高龄津贴申领", "三、"]));
    // How to read it, and where to complain.
    assert!(all.contains("本手册收录王家庄街道及所属单位公开的服务事项5项"), "{all}");
    assert!(all.contains("可向安宁区作风建设领导小组办公室反映，监督电话：0931-8123456。"));

    // A station's own handbook holds it and what is below it only.
    let (_, bytes) = download(&app, &format!("unit={}&format=pdf", a.centre)).await;
    std::fs::write(&file, &bytes).unwrap();
    let centre = pdf_pages(&file).concat();
    assert!(
        in_order(&centre, &["一、王家庄街道便民服务中心本单位公开服务事项2项", "二、王家庄社区服务站本单位"]),
        "{centre}"
    );
    assert!(!centre.contains("居住证申领") && !centre.contains("文化活动场地预约"));
    let _ = (a.other, a.archived);
}

async fn the_docx_holds_the_same_cards(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let a = area(&app).await;
    let (headers, bytes) = download(&app, &format!("unit={}&format=docx", a.street)).await;
    assert_eq!(headers["content-type"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert!(headers["content-disposition"].to_str().unwrap().ends_with("-2026-03-02.docx"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("handbook.docx");
    std::fs::write(&file, &bytes).unwrap();
    let text = squeeze(&docx_part(&file, "word/document.xml"));
    assert!(in_order(&text, &["王家庄街道", "便民服务一本通", "2026年3月2日印制", "目录"]), "{text}");
    // The contents list, then the chapters in the same order.
    assert!(in_order(&text, &CHAPTERS[..]), "the contents in order:\n{text}");
    assert!(in_order(&text, &CHAPTER_HEADS[..]), "chapters in order:\n{text}");
    for expected in [
        "生育登记",
        "高龄津贴申领",
        "社区居家养老服务申请",
        "文化活动场地预约",
        "李红0931-7612345",
        "王强13912345678",
        "赵敏0931-7612346",
        "零跑腿",
        "不收费",
        "残疾人证（视情形提供）",
        "原件和复印件",
        "1.申请→2.受理→3.办结",
    ] {
        assert!(text.contains(expected), "{expected} missing from the DOCX:\n{text}");
    }
    for absent in ["食品经营许可", "药品零售许可", "独生子女父母光荣证补办"] {
        assert!(!text.contains(absent), "{absent} is not in the handbook");
    }
    // Without a phone set, the foot of every page names the office only; the title page's too.
    for footer in ["word/footer1.xml", "word/footer2.xml"] {
        let foot = squeeze(&docx_part(&file, footer));
        assert!(foot.contains("监督单位：作风建设领导小组办公室") && !foot.contains("监督电话"), "{footer}: {foot}");
    }
    app.put("/api/v1/settings", json!({"complaint_phone": "0931-8123456"})).await.ok();
    let (_, bytes) = download(&app, &format!("unit={}&format=docx", a.street)).await;
    std::fs::write(&file, &bytes).unwrap();
    for footer in ["word/footer1.xml", "word/footer2.xml"] {
        let foot = squeeze(&docx_part(&file, footer));
        assert!(foot.contains("监督单位：作风建设领导小组办公室监督电话：0931-8123456"), "{footer}: {foot}");
    }
}

async fn the_page_lists_the_areas_and_names_bad_parameters(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let a = area(&app).await;
    let citizen = Client::new();
    let page = |path: String| {
        let citizen = citizen.clone();
        let url = app.url(&path);
        async move {
            let resp = citizen.get(url).send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    // The catalog links the handbooks.
    let (_, catalog) = page("/services".into()).await;
    assert!(catalog.contains(r#"<a href="/services/handbook">打印便民服务一本通</a>"#), "{catalog}");

    // The areas: units with published items in or below them, in tree order, each downloadable.
    let (status, list) = page("/services/handbook".into()).await;
    assert_eq!(status, 200);
    let rows: Vec<&str> = list.split("<tr data-unit=\"").skip(1).map(|r| r.split('"').next().unwrap()).collect();
    assert_eq!(rows.len(), 5, "{list}");
    assert_eq!(rows[0], a.other, "安宁区 sorts first by its name");
    assert_eq!(rows[1], a.street);
    assert_eq!(rows[2], a.centre, "a unit before those below it, siblings by name");
    for format in ["pdf", "docx"] {
        assert!(list.contains(&format!("href=\"/services/handbook?unit={}&amp;format={format}\"", a.street)));
    }
    assert!(!list.contains(&format!("data-unit=\"{}\"", a.archived)), "no archived station");
    assert!(list.contains("data-depth=\"2\""), "the centre's community station is indented twice");

    // An area's page: its stations and items, links to both formats, what the foot of a page says.
    let (status, html) = page(format!("/services/handbook?unit={}", a.street)).await;
    assert_eq!(status, 200);
    assert!(html.contains("王家庄街道便民服务一本通") && html.contains("收录4个单位公开的服务事项5项"), "{html}");
    assert!(in_order(&html, &["王家庄街道", "王家庄街道便民服务中心", "王家庄社区服务站", "王家庄街道综合文化站"]));
    assert!(html.contains("生育登记") && !html.contains("食品经营许可"), "no draft");
    assert!(html.contains("每页页脚印有：监督单位：作风建设领导小组办公室"));
    for format in ["pdf", "docx"] {
        assert!(html.contains(&format!("href=\"/services/handbook?unit={}&amp;format={format}\"", a.street)));
    }
    let (_, en) = page(format!("/services/handbook?unit={}&lang=en", a.street)).await;
    assert!(en.contains("Service handbook: 王家庄街道") && en.contains("Download PDF"), "{en}");

    // Bad parameters: the site's error page naming the field, in the reader's language.
    for (query, said) in [
        (format!("unit={}&format=doc", a.street), "格式必须是以下之一：docx、pdf"),
        ("unit=999999&format=pdf".to_owned(), "单位不存在或已归档"),
        (format!("unit={}&format=pdf", a.archived), "单位不存在或已归档"),
        (format!("unit={}", a.archived), "单位不存在或已归档"),
        ("unit=abc&format=pdf".to_owned(), "单位格式不正确，应为数字编号"),
        ("format=pdf".to_owned(), "请填写单位"),
        (format!("unit={}&colour=red", a.street), "不是可识别的字段"),
    ] {
        let (status, html) = page(format!("/services/handbook?{query}")).await;
        assert_eq!(status, 422, "{query}");
        assert!(html.contains(said) && html.contains("<html lang=\"zh-CN\">"), "{query}: {said} in\n{html}");
    }
    let (status, html) = page(format!("/services/handbook?unit={}&format=doc&lang=en", a.street)).await;
    assert!(status == 422 && html.contains("Format must be one of: docx, pdf"), "{html}");
}

async fn the_complaint_phone_is_a_setting_of_the_office(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    assert_eq!(app.get("/api/v1/settings").await.ok()["complaint_phone"], Value::Null, "none by default");
    // Through the API: a phone checked, an empty text removes it.
    let r = app.put("/api/v1/settings", json!({"complaint_phone": "call us"})).await.expect(422);
    assert_eq!(r.fields(), ["complaint_phone"]);
    assert_eq!(
        app.put("/api/v1/settings", json!({"complaint_phone": " 0931-8123456 "})).await.ok()["complaint_phone"],
        "0931-8123456"
    );
    assert_eq!(app.put("/api/v1/settings", json!({"complaint_phone": ""})).await.ok()["complaint_phone"], Value::Null);

    // Through the settings page.
    let html = app.admin.get(app.url("/app/admin/settings")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"name="complaint_phone" type="tel" value="""#), "{html}");
    assert!(html.contains("监督电话") && html.contains("印在便民服务一本通每页页脚"));
    let token = hidden(&html, "_csrf");
    let send = |phone: &'static str| {
        let form = [("_csrf", token.clone()), ("complaint_phone", phone.to_owned())];
        let req = app.admin.post(app.url("/app/admin/settings")).form(&form);
        async move {
            let resp = req.send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let (status, html) = send("0931-8123456").await;
    assert_eq!(status, 200, "saved, and the page again: {html}");
    assert!(html.contains(r#"name="complaint_phone" type="tel" value="0931-8123456""#));
    assert_eq!(app.get("/api/v1/settings").await.ok()["complaint_phone"], "0931-8123456");
    let (status, html) = send("打电话").await;
    assert_eq!(status, 422);
    assert!(html.contains("投诉电话格式不正确，应为电话号码") && html.contains(r#"value="打电话""#), "{html}");
    assert_eq!(app.get("/api/v1/settings").await.ok()["complaint_phone"], "0931-8123456", "nothing saved");
    let (status, _) = send("").await;
    assert_eq!(status, 200);
    assert_eq!(app.get("/api/v1/settings").await.ok()["complaint_phone"], Value::Null, "removed");
}

on_both!(
    the_pdf_prints_the_area_in_tree_order_with_its_pages_and_phones,
    the_docx_holds_the_same_cards,
    the_page_lists_the_areas_and_names_bad_parameters,
    the_complaint_phone_is_a_setting_of_the_office
);
