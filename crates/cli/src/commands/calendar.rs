use crate::Failure;
use crate::location::StoreArgs;
use rectify_domain::actor::Actor;
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Load holiday notices from FILE (JSON, or CSV with columns date,kind,name[,year]).
    /// A year already loaded is replaced.
    Import {
        file: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the loaded years.
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
}

pub async fn run(cmd: Command) -> Result<(), Failure> {
    match cmd {
        Command::Import { file, store } => {
            let content =
                std::fs::read_to_string(&file).map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?;
            let s = store.open().await?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let loaded = s.reference().import_calendar_file(&Actor::system(), &name, &content).await.map_err(|e| {
                match e.domain() {
                    Some(d) => Failure::BadInput(format!("{}: {}", file.display(), super::describe(d))),
                    None => Failure::runtime(e),
                }
            })?;
            for y in loaded {
                println!("{}: {} holidays, {} make-up working days loaded", y.year, y.holidays, y.workdays);
            }
            s.close().await;
            Ok(())
        }
        Command::List { store } => {
            let s = store.open().await?;
            for y in s.reference().loaded_years(&Actor::system()).await? {
                println!(
                    "{}\t{} holidays\t{} make-up working days\t{}",
                    y.year,
                    y.holidays,
                    y.workdays,
                    y.source.unwrap_or_default()
                );
            }
            s.close().await;
            Ok(())
        }
    }
}
