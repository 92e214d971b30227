//! The hot spots of a message board's export, for docs/TRIAGE.md:
//!
//! ```sh
//! cargo run --release -p rectify-triage --example hotspots -- ../shared/data/teddycup2020c/messages_hot_附件3.xlsx
//! ```
//!
//! Read as an import reads it (`rectify_exchange`), places found with the built-in dictionary,
//! the window ending at the last message.

use rectify_domain::exchange::{ImportKind, Records};
use rectify_exchange::{Encoding, Format, Limits, Mapping};
use rectify_triage::hotspots::{Message, hot_spots};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: hotspots FILE.xlsx");
    let bytes = std::fs::read(&path).expect("read the file");
    let format = Format::from_file_name(&path).expect(".xlsx or .csv");
    let parsed = rectify_exchange::read(
        &bytes,
        format,
        Encoding::default(),
        ImportKind::Cases,
        &Mapping::default(),
        Limits::default(),
    )
    .expect("a cases file");
    let Records::Cases(rows) = parsed.records else { unreachable!("a cases file reads as cases") };
    let jieba = rectify_search::dictionary::segmenter(None).expect("the dictionary");
    let started = Instant::now();
    let messages: Vec<Message> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, row)| {
            let r = &row.record;
            let (title, content) = (r.title.clone().unwrap_or_default(), r.content.clone()?);
            let text = format!("{title}\n{content}");
            let (places, crowds) =
                (rectify_search::similar::places(&jieba, &text), rectify_search::similar::crowds(&text));
            Some(Message {
                id: r.reference.as_deref().and_then(|n| n.parse().ok()).unwrap_or(i as i64),
                title,
                content,
                at: r.received_at?.utc(),
                likes: r.likes.unwrap_or(0),
                dislikes: r.dislikes.unwrap_or(0),
                places,
                crowds,
            })
        })
        .collect();
    let placed = started.elapsed();
    let end = messages.iter().map(|m| m.at).max().expect("messages");
    let started = Instant::now();
    let spots = hot_spots(&messages, end, 5);
    let clustered = started.elapsed();
    println!(
        "messages: {} · places found in {:.1} s · grouped in {:.2} s",
        messages.len(),
        placed.as_secs_f64(),
        clustered.as_secs_f64()
    );
    println!(
        "\n| # | place / crowd | description | messages | likes / dislikes | from – to | heat |\n|---|---|---|---|---|---|---|"
    );
    for (i, s) in spots.iter().enumerate() {
        println!(
            "| {} | {} | {} | {} | {} / {} | {} – {} | {:.2} |",
            i + 1,
            s.place.as_deref().or(s.crowd.as_deref()).unwrap_or("—"),
            s.description,
            s.count,
            s.likes,
            s.dislikes,
            s.from.date_naive(),
            s.to.date_naive(),
            s.heat
        );
    }
}
