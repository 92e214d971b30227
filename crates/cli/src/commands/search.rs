//! `rectify search rebuild` and `rectify search status`: this instance's full-text index, kept in
//! `DATA/search` (the administrators' dictionary is `DATA/search/dictionary.txt`).

use crate::Failure;
use crate::location::StoreArgs;
use rectify_search::SearchIndex;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Rebuild the index from the database beside the live one and swap it in (stop the server
    /// of this data directory first; run it after changing the dictionary).
    Rebuild {
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Where the index stands: the last feed number applied, the feed's head, the lag, the
    /// oldest number the feed still holds (older ones are pruned), the documents and the size on
    /// disk.
    Status {
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// The index's directory in the data directory.
pub fn index_dir(store: &StoreArgs) -> PathBuf {
    store.data.join("search")
}

/// Opens this instance's index (finishing a swap a crash interrupted).
pub fn open_index(store: &StoreArgs) -> Result<SearchIndex, Failure> {
    let dir = index_dir(store);
    SearchIndex::open(&dir).map_err(|e| Failure::Runtime(format!("{}: {e}", dir.display())))
}

pub async fn run(cmd: Command) -> Result<(), Failure> {
    match cmd {
        Command::Rebuild { quiet, store } => {
            let index = open_index(&store)?;
            index.claim().map_err(|e| {
                Failure::BadInput(format!(
                    "the search index in {} is in use ({e}): stop the server of this data directory first",
                    index_dir(&store).display()
                ))
            })?;
            let s = store.open().await?;
            s.search().attach(Arc::new(index));
            let bar = super::progress_bar(quiet, "indexing", "records");
            let done = s
                .search()
                .rebuild(&|done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .await;
            bar.finish_and_clear();
            let done = done?;
            // What changed while the rebuild read, and since.
            let mut cursor = s.search().cursor()?;
            s.search().catch_up(&mut cursor).await?;
            let status = s.search().status(None).await?;
            s.close().await;
            println!("indexed {done} records; {} documents, {}", status.docs, size(status.bytes));
            Ok(())
        }
        Command::Status { store } => {
            let dir = index_dir(&store);
            if !dir.join("index").join("meta.json").exists() {
                println!(
                    "no search index in {} yet: `rectify serve` or `rectify search rebuild` makes it",
                    dir.display()
                );
                return Ok(());
            }
            let index =
                SearchIndex::open_as_is(&dir).map_err(|e| Failure::Runtime(format!("{}: {e}", dir.display())))?;
            let s = store.open().await?;
            let status = s.search().status(Some(Arc::new(index))).await;
            s.close().await;
            let status = status?;
            println!("index      {}", dir.display());
            println!("applied    {}", status.applied);
            println!("feed head  {}", status.head);
            println!("lag        {} changes", status.lag());
            match status.oldest {
                Some(oldest) => println!("oldest     {oldest} (pruned through {})", status.pruned_through),
                None => println!("oldest     none (pruned through {})", status.pruned_through),
            }
            println!("documents  {}", status.docs);
            println!("size       {}", size(status.bytes));
            Ok(())
        }
    }
}

fn size(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}
