use crate::Failure;
use crate::location::StoreArgs;
use rectify_domain::actor::Actor;
use rectify_domain::ids::{ReinspectionId, RoundId};
use rectify_domain::inspection::{DrawEvidence, SampleEvidence, Verification};
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Rerun an ended round's draw (or a re-inspection's sample) and check it gives exactly the
    /// recorded selection: exit 0 when it does, 1 naming what differs. With `--evidence FILE`
    /// (a round's or a re-inspection's, as /transparency publishes them) no database is needed.
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

/// A saved evidence file: a round's draw or a re-inspection's sample.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Evidence {
    Round(DrawEvidence),
    Sample(SampleEvidence),
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
        let ev: Evidence = serde_json::from_str(&text).map_err(|_| {
            Failure::BadInput(format!("{}: not the evidence of a round or a re-inspection", file.display()))
        })?;
        return match ev {
            Evidence::Round(ev) => report(&format!("round {} (from {})", ev.round_id, file.display()), &ev.verify()),
            Evidence::Sample(ev) => {
                report(&format!("re-inspection {} (from {})", ev.reinspection_id, file.display()), &ev.verify())
            }
        };
    }
    let Some(id) = id else {
        return Err(Failure::BadInput("give a round id, or --evidence FILE".into()));
    };
    let s = store.open().await?;
    let system = Actor::system();
    let result = verify_stored(&s, &system, &id, reinspection, print_evidence).await;
    s.close().await;
    let (what, v, ev) = result?;
    if let Some(ev) = ev {
        println!("{}", serde_json::to_string_pretty(&ev).map_err(Failure::runtime)?);
    }
    report(&what, &v)
}

/// The verdict on a stored draw, and its evidence when asked for (the published evidence of an
/// ended re-inspection; a round's unless it is held for a running covert round).
async fn verify_stored(
    s: &rectify_store::Store,
    system: &Actor,
    id: &str,
    reinspection: bool,
    print_evidence: bool,
) -> Result<(String, Verification, Option<serde_json::Value>), Failure> {
    if reinspection {
        let rid: ReinspectionId = id.parse().map_err(|_| Failure::BadInput(format!("{id:?} is not an id")))?;
        let v = s.inspections().verify_reinspection(system, rid).await?;
        // Its evidence exists once it has ended (before, the verdict says `not_revealed`).
        let ended = v.problem.as_deref() != Some("not_revealed");
        let ev = match print_evidence && ended {
            true => Some(to_value(&s.inspections().public_sample_evidence(rid).await?)?),
            false => None,
        };
        Ok((format!("re-inspection {rid}"), v, ev))
    } else {
        let rid: RoundId = id.parse().map_err(|_| Failure::BadInput(format!("{id:?} is not an id")))?;
        // The verdict needs no released evidence; printing it does.
        let v = s.inspections().verify_round(system, rid).await?;
        let ev = match print_evidence {
            true => Some(to_value(&s.inspections().round_evidence(system, rid).await?)?),
            false => None,
        };
        Ok((format!("round {rid}"), v, ev))
    }
}

fn to_value(ev: &impl serde::Serialize) -> Result<serde_json::Value, Failure> {
    serde_json::to_value(ev).map_err(Failure::runtime)
}
