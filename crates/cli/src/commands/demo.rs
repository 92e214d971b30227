use crate::Failure;
use crate::location::StoreArgs;
use rectify_demo::DemoError;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub store: StoreArgs,
}

pub async fn run(args: Args) -> Result<(), Failure> {
    let store = args.store.open().await?;
    let s = rectify_demo::load(&store).await.map_err(|e| match e {
        DemoError::NotEmpty => Failure::BadInput(e.to_string()),
        other => Failure::runtime(other),
    })?;
    println!("Demo data loaded into {}: {s}.", args.store.describe());
    store.close().await;
    Ok(())
}
