use crate::Failure;
use crate::location::StoreArgs;
use rectify_domain::actor::Actor;
use rectify_domain::ids::{ReinspectionId, RoundId};
use rectify_domain::inspection::{DrawEvidence, Verification};
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Rerun an ended round's draw (or a re-inspection's sample) and check it gives exactly the
    /// recorded selection: exit 0 when it does, 1 naming what differs. With `--evidence FILE`
    /// (what `GET /api/v1/rounds/{id}/evidence` gives) no database is needed.
    Verify {
        /// The round (or, with `--reinspection`, the re-inspection) id.
        id: Option<String>,
        #[arg(long, conflicts_with = "evidence")]
        reinspection: bool,
        #[arg(long, value_name = "FILE")]
        evidence: Option<PathBuf>,
        /// Print the evidence as JSON (to publish it or check it elsewhere).
        #[arg(long)]
        print_evidence: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

fn report(what: &str, v: &Verification) -> Result<(), Failure> {
    if v.verified {
        println!(
            "{what}: verified — drawing again from snapshot {} with the seed committed to as {} gives the recorded selection",
            v.snapshot_digest, v.seed_commitment
        );
        Ok(())
    } else {
        Err(Failure::Runtime(format!("{what}: NOT verified ({})", v.problem.as_deref().unwrap_or("unknown"))))
    }
}

pub async fn run(cmd: Command) -> Result<(), Failure> {
    let Command::Verify { id, reinspection, evidence, print_evidence, store } = cmd;
    if let Some(file) = evidence {
        let text = std::fs::read_to_string(&file).map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?;
        let ev: DrawEvidence = serde_json::from_str(&text)
            .map_err(|e| Failure::BadInput(format!("{}: not draw evidence: {e}", file.display())))?;
        return report(&format!("round {} (from {})", ev.round_id, file.display()), &ev.verify());
    }
    let Some(id) = id else {
        return Err(Failure::BadInput("give a round id, or --evidence FILE".into()));
    };
    let s = store.open().await?;
    let system = Actor::system();
    let result = if reinspection {
        let rid: ReinspectionId = id.parse().map_err(|_| Failure::BadInput(format!("{id:?} is not an id")))?;
        s.inspections().verify_reinspection(&system, rid).await.map(|v| (format!("re-inspection {rid}"), v, None))
    } else {
        let rid: RoundId = id.parse().map_err(|_| Failure::BadInput(format!("{id:?} is not an id")))?;
        match s.inspections().round_evidence(&system, rid).await {
            Ok(ev) => Ok((format!("round {rid}"), ev.verify(), Some(ev))),
            Err(e) => Err(e),
        }
    };
    s.close().await;
    let (what, v, ev) = result?;
    if print_evidence && let Some(ev) = ev {
        println!("{}", serde_json::to_string_pretty(&ev).map_err(Failure::runtime)?);
    }
    report(&what, &v)
}
