use crate::Failure;
use crate::location::StoreArgs;
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Walk the audit chain and check every entry; exit 0 when intact, 1 naming the first
    /// broken entry.
    Verify {
        /// Published heads to check against, one `SEQ HASH` per line (what `audit head` prints).
        #[arg(long)]
        heads: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print the chain's head (`SEQ HASH`) to publish or hand to a superior.
    Head {
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
                        Some((seq, hash)) => {
                            println!("audit chain intact: {} entries, head {seq} {hash}", report.checked)
                        }
                        None => println!("audit chain intact: no entries yet"),
                    }
                    Ok(())
                }
            }
        }
        Command::Head { store } => {
            let s = store.open().await?;
            let head = s.audit().audit_head().await;
            s.close().await;
            match head? {
                Some((seq, hash)) => println!("{seq} {hash}"),
                None => println!("0 {}", rectify_domain::audit::GENESIS),
            }
            Ok(())
        }
    }
}
