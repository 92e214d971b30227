pub async fn run(_a: Args) -> Result<(), crate::Failure> { Ok(()) }
#[derive(clap::Args, Debug)] pub struct Args {}
