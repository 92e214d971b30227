//! Files in and out at scale: an office's ledger of N problem rows (.xlsx, and .csv in GBK as
//! Excel on Chinese Windows saves it) read, checked, imported in one transaction, imported
//! again unchanged, and the ledger exported.

use crate::Failure;
use rectify_app::imports::{self, ImportRequest};
use rectify_domain::actor::Actor;
use rectify_domain::exchange::{ImportKind, ImportOptions};
use rectify_exchange::{Encoding, Format, Limits, Mapping};
use rectify_store::Store;
use rectify_store::exchange::ExportRequest;
use std::time::Instant;

const HEADER: [&str; 8] = ["序号", "问题描述", "责任单位", "责任人", "整改措施", "整改时限", "整改进展", "是否销号"];

/// Row `n` of the ledger, as offices write them: mixed date formats, a few items closed.
fn row(n: usize, units: &[String]) -> [String; 8] {
    let deadline = match n % 4 {
        0 => "2027-06-30".to_owned(),
        1 => "2027/3/31".to_owned(),
        2 => "2027年5月20日".to_owned(),
        _ => "2027-01-15 17:30:00".to_owned(),
    };
    [
        format!("TZ-{n:06}"),
        format!("基准台账问题{n}：窗口服务态度生硬，群众反映同一事项需要跑多次"),
        units[n % units.len()].clone(),
        ["张伟", "王芳", "李娜"][n % 3].to_owned(),
        "1.开展窗口作风专项整治\n2.推行首问负责和一次性告知".to_owned(),
        deadline,
        if n.is_multiple_of(3) { "已制定整改方案".to_owned() } else { String::new() },
        if n.is_multiple_of(5) { "是".to_owned() } else { "否".to_owned() },
    ]
}

fn csv_gbk(rows: usize, units: &[String]) -> Result<Vec<u8>, Failure> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    w.write_record(["基准测试问题整改台账"]).map_err(Failure::runtime)?;
    w.write_record(HEADER).map_err(Failure::runtime)?;
    for n in 0..rows {
        w.write_record(row(n, units)).map_err(Failure::runtime)?;
    }
    let text = String::from_utf8(w.into_inner().map_err(Failure::runtime)?).map_err(Failure::runtime)?;
    Ok(encoding_rs::GBK.encode(&text).0.into_owned())
}

fn xlsx(rows: usize, units: &[String]) -> Result<Vec<u8>, Failure> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "基准测试问题整改台账").map_err(Failure::runtime)?;
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).map_err(Failure::runtime)?;
    }
    for n in 0..rows {
        for (c, v) in row(n, units).iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(n as u32 + 2, c as u16, v).map_err(Failure::runtime)?;
            }
        }
    }
    book.save_to_buffer().map_err(Failure::runtime)
}

fn request(name: &str, bytes: Vec<u8>, dry_run: bool) -> ImportRequest {
    ImportRequest {
        kind: ImportKind::Problems,
        file_name: name.into(),
        bytes,
        encoding: Encoding::Auto,
        mapping: Mapping::default(),
        options: ImportOptions { dry_run, source: name.into(), ..ImportOptions::default() },
        limits: Limits::default(),
    }
}

/// Prints the table of the files section; `units` are the names of units that exist.
pub async fn measure(store: &Store, units: &[String], rows: usize) -> Result<(), Failure> {
    let system = Actor::system();
    println!("\n## Files in and out: a ledger of {rows} problem rows\n");
    let (xlsx, csv) = (xlsx(rows, units)?, csv_gbk(rows, units)?);
    println!(
        "The files: .xlsx {:.1} MB, .csv (GBK) {:.1} MB; a title row above the header, four date formats, 3 responsible people per unit, every fifth row closed.\n",
        xlsx.len() as f64 / 1e6,
        csv.len() as f64 / 1e6
    );
    println!("| step | seconds | rows per second | result |");
    println!("|---|---|---|---|");
    let step = |name: &str, secs: f64, result: String| {
        println!("| {name} | {secs:.2} | {:.0} | {result} |", rows as f64 / secs);
    };

    let read = |bytes: &[u8], format| {
        let limits = Limits::default();
        rectify_exchange::read(bytes, format, Encoding::Auto, ImportKind::Problems, &Mapping::default(), limits)
            .map_err(Failure::runtime)
    };
    let t = Instant::now();
    let parsed = read(&xlsx, Format::Xlsx)?;
    step("read .xlsx (calamine, no database)", t.elapsed().as_secs_f64(), format!("{} errors", parsed.errors.len()));
    let t = Instant::now();
    let parsed = read(&csv, Format::Csv)?;
    step(
        &format!("read .csv ({})", parsed.encoding),
        t.elapsed().as_secs_f64(),
        format!("{} errors", parsed.errors.len()),
    );

    let imports = [
        ("dry run of the .csv", "台账.csv", csv.clone(), true),
        ("import the .xlsx (one transaction)", "台账.xlsx", xlsx, false),
        ("import the .csv again (every row matched)", "台账.csv", csv, false),
    ];
    for (name, file, bytes, dry_run) in imports {
        let t = Instant::now();
        let a = imports::run(store, &system, request(file, bytes, dry_run), None)
            .await
            .map_err(|e| Failure::Runtime(format!("{name}: {e:?}")))?;
        let r = a.report;
        if !r.errors.is_empty() {
            return Err(Failure::Runtime(format!("{name}: {} rows refused, first {:?}", r.errors.len(), r.errors[0])));
        }
        step(
            name,
            t.elapsed().as_secs_f64(),
            format!(
                "{} new, {} updated, {} unchanged, {} people added",
                r.created, r.updated, r.unchanged, r.people_created
            ),
        );
    }
    for format in [Format::Xlsx, Format::Csv] {
        let t = Instant::now();
        let req = ExportRequest::Problems(Default::default());
        let bytes = rectify_app::exports::file(store, &system, format, req)
            .await
            .map_err(|e| Failure::Runtime(format!("export: {e:?}")))?
            .bytes;
        step(
            &format!("export the whole ledger as .{}", format.extension()),
            t.elapsed().as_secs_f64(),
            format!("{:.1} MB", bytes.len() as f64 / 1e6),
        );
    }
    Ok(())
}
