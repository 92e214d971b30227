use crate::Failure;
use crate::location::StoreArgs;
use rectify_domain::audit::Publication;
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Walk the audit chain and check every entry, and the heads published so far (the
    /// database's and those in --heads); exit 0 when intact, 1 naming the first broken entry.
    Verify {
        /// Published heads kept elsewhere, one `SEQ HASH [DATE]` per line (what `audit head`
        /// prints, or /transparency/audit-heads.txt).
        #[arg(long)]
        heads: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print the chain's head (`SEQ HASH`) to publish or hand to a superior.
    Head {
        /// Also publish it as today's head (on /transparency) unless today's is published
        /// already or the chain has not grown; the server does this daily by itself.
        #[arg(long)]
        publish: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

pub async fn run(cmd: Command) -> Result<(), Failure> {
    match cmd {
        Command::Verify { heads, store } => {
            let heads = match heads {
                Some(file) => {
                    let text = std::fs::read_to_string(&file)
                        .map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?;
                    rectify_domain::audit::parse_heads(&text)
                        .map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?
                }
                None => Vec::new(),
            };
            let s = store.open().await?;
            let report = s.audit().verify_audit(heads).await;
            s.close().await;
            let report = report?;
            match report.broken {
                Some(broken) => Err(Failure::Runtime(format!(
                    "audit chain broken at {broken} ({} entries before it intact)",
                    report.checked
                ))),
                None => {
                    match report.head {
                        Some((seq, hash)) => println!(
                            "audit chain intact: {} entries, head {seq} {hash}; {} published heads match",
                            report.checked, report.heads
                        ),
                        None => println!("audit chain intact: no entries yet"),
                    }
                    Ok(())
                }
            }
        }
        Command::Head { publish, store } => {
            let s = store.open().await?;
            let head = s.audit().audit_head().await;
            let published = if publish { Some(s.audit().publish_head().await) } else { None };
            s.close().await;
            match head? {
                Some((seq, hash)) => println!("{seq} {hash}"),
                None => println!("0 {}", rectify_domain::audit::GENESIS),
            }
            // The head line stays alone on stdout (scripts save it); what publishing did goes to stderr.
            match published.transpose()? {
                None => Ok(()),
                Some(Publication::Publish(h)) => {
                    eprintln!("published as the head of {} (seq {})", h.published_on, h.seq);
                    Ok(())
                }
                Some(Publication::AlreadyToday(h)) => {
                    eprintln!("today's head is published already: {} {} {}", h.seq, h.hash, h.published_on);
                    Ok(())
                }
                Some(Publication::Unchanged(h)) => {
                    eprintln!(
                        "nothing to publish: the chain has not grown since {} (published {})",
                        h.seq, h.published_on
                    );
                    Ok(())
                }
                Some(Publication::Empty) => {
                    eprintln!("nothing to publish: the chain has no entries yet");
                    Ok(())
                }
                Some(Publication::Diverged { published, found }) => Err(Failure::Runtime(format!(
                    "not published: entry {} hashes to {} but {} {} was published on {}; run `rectify audit verify`",
                    published.seq,
                    found.as_deref().unwrap_or("nothing (it is gone)"),
                    published.seq,
                    published.hash,
                    published.published_on
                ))),
            }
        }
    }
}
