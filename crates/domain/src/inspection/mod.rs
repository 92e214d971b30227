//! Inspections (督查 / 明察暗访): plans and rounds, the verifiable random draw of inspectors and
//! units (两个不固定), findings that become problems, and re-inspections of closed problems.

pub mod bulletin;
pub mod draw;
pub mod evidence;
pub mod finding;
pub mod plan;
pub mod reinspection;
pub(crate) mod rng;
pub mod round;
pub mod schedule;

pub use bulletin::{
    ActionFact, BulletinAction, BulletinFields, BulletinFinding, BulletinUnit, FindingFact, InspectionBulletin,
    InspectionFigures, NewInspectionBulletin, RoundFact, Tally, inspection_figures,
};
pub use draw::{
    Draw, DrawGroup, DrawInput, DrawRules, PoolInspector, PoolTarget, VerifyError, commitment, draw, sample, verify,
};
pub use evidence::{SampleEvidence, population_digest, release_evidence};
pub use finding::{
    ChecklistAnswer, Finding, FindingFields, NewFinding, NewReinspection, OutcomeRequest, Reinspection,
    ReinspectionFields, ReinspectionItem, sample_size,
};
pub use plan::{
    DrawEvidence, DrawRequest, NewPlan, NewRound, Plan, PlanFields, Rhythm, Round, RoundGroup, ScheduledPlan,
    TargetFilter, Verification,
};
pub use reinspection::{CheckOutcome, CheckState, ReinspectionAction, ReinspectionMachine};
pub use round::{RoundAction, RoundFacts, RoundMachine, RoundParty, RoundRequest, RoundStatus};
pub use schedule::{MAX_PLAN_DAYS, Period, RoundDates, Schedule, schedule};
