//! `rectify bulletin --campaign ID -o FILE`: a campaign's bulletin (简报) as DOCX or PDF — the
//! live figures of a preview, a published issue, or a new issue published on the spot.

use crate::Failure;
use crate::location::StoreArgs;
use chrono::NaiveDate;
use rectify_app::documents::{self, DocFormat};
use rectify_domain::actor::Actor;
use rectify_domain::bulletin::NewBulletin;
use rectify_domain::ids::CampaignId;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The campaign.
    #[arg(long, value_name = "CAMPAIGN_ID")]
    campaign: String,
    /// Where to write: .docx or .pdf, by the extension.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Write the published issue 第N期 (frozen as it was published); with --publish, the number
    /// the new issue takes (to continue a count begun on paper).
    #[arg(long, value_name = "N")]
    number: Option<u32>,
    /// Publish a new issue with these settings, then write it (otherwise nothing is kept and
    /// the file carries today's figures, marked as not published).
    #[arg(long)]
    publish: bool,
    /// Limit the figures to one batch (第一批立改项目).
    #[arg(long, value_name = "BATCH_ID")]
    batch: Option<String>,
    /// The headline [default: the campaign's name].
    #[arg(long)]
    headline: Option<String>,
    /// The issuing office [default: the setting office_name].
    #[arg(long)]
    issuer: Option<String>,
    /// The date on the masthead, YYYY-MM-DD [default: today].
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// The editor's note (编者按) before the figures' sentence.
    #[arg(long, conflicts_with = "note_file")]
    note: Option<String>,
    /// The editor's note, read from a UTF-8 text file.
    #[arg(long, value_name = "FILE")]
    note_file: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

fn new_bulletin(a: &Args, campaign: CampaignId) -> Result<NewBulletin, Failure> {
    let batch_id = match &a.batch {
        Some(b) => Some(b.parse().map_err(|_| Failure::BadInput(format!("--batch {b:?} is not a batch id")))?),
        None => None,
    };
    let issued_on = match &a.date {
        Some(d) => Some(
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| Failure::BadInput(format!("--date {d:?} is not a date (YYYY-MM-DD)")))?,
        ),
        None => None,
    };
    let editor_note = match (&a.note, &a.note_file) {
        (Some(n), _) => Some(n.clone()),
        (None, Some(f)) => Some(
            std::fs::read_to_string(f).map_err(|e| Failure::BadInput(format!("--note-file {}: {e}", f.display())))?,
        ),
        (None, None) => None,
    };
    Ok(NewBulletin {
        campaign_id: Some(campaign),
        batch_id,
        headline: a.headline.clone(),
        issuer: a.issuer.clone(),
        issued_on,
        editor_note,
        ..NewBulletin::default()
    })
}

pub async fn run(a: Args) -> Result<(), Failure> {
    let campaign: CampaignId = a
        .campaign
        .parse()
        .map_err(|_| Failure::BadInput(format!("--campaign {:?} is not a campaign id", a.campaign)))?;
    let name = a.output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let format = DocFormat::of_file(&name)
        .ok_or_else(|| Failure::BadInput(format!("-o {}: the file must end in .docx or .pdf", a.output.display())))?;
    let composing = a.publish
        || a.batch.is_some()
        || a.headline.is_some()
        || a.issuer.is_some()
        || a.date.is_some()
        || a.note.is_some()
        || a.note_file.is_some();
    if a.number.is_some() && !a.publish && composing {
        return Err(Failure::BadInput(
            "--number alone writes a published issue as it was; to publish a new one add --publish".into(),
        ));
    }
    let input = new_bulletin(&a, campaign)?;
    let store = a.store.open().await?;
    let actor = Actor::system();
    let result = async {
        if a.publish {
            let draft = store.bulletins().create_bulletin(&actor, input, None).await?.value;
            let issue = store.bulletins().publish_bulletin(&actor, draft.id, Some(draft.version), a.number).await?;
            store.bulletins().bulletin_content(&actor, issue.id).await
        } else if let Some(n) = a.number {
            let issue = store.bulletins().bulletin_by_number(&actor, campaign, n).await?;
            store.bulletins().bulletin_content(&actor, issue.id).await
        } else {
            store.bulletins().bulletin_preview(&actor, input).await
        }
    }
    .await;
    store.close().await;
    let content = result?;
    let number = content.number;
    let bytes = documents::bulletin(content, format).await?.bytes;
    std::fs::write(&a.output, &bytes).map_err(|e| Failure::Runtime(format!("{}: {e}", a.output.display())))?;
    match number {
        Some(n) => println!("Wrote 第{n}期 to {} ({} bytes)", a.output.display(), bytes.len()),
        None => println!(
            "Wrote a preview with today's figures (not published) to {} ({} bytes)",
            a.output.display(),
            bytes.len()
        ),
    }
    Ok(())
}
