//! Appeals (申诉复核): the staff member rated, or their unit, appeals a bad rating they hold
//! mistaken or malicious — within working days of the rating (a setting), with a reason and
//! evidence — and the office reviews it. An upheld appeal takes the rating out of the figures; the
//! rating stays in the record, marked, and in the audit chain. One appeal a rating: a second is a
//! state conflict of the first. One table ([`AppealMachine`]); [`file`] and [`fire`] decide.

use super::level::RatingLevel;
use super::settings::RatingSettings;
use crate::actor::Party;
use crate::calendar::{Reckoned, WorkCalendar};
use crate::error::{DomainError, Entity, Issue, Problems, Rule};
use crate::ids::AttachmentId;
use crate::machine::{self, Machine, Transition};
use crate::text;
use crate::wire::WireName;
use chrono::NaiveDate;
use serde::Deserialize;

crate::wire_enum! {
    pub enum AppealState: "rating.appeal.state" {
        /// 待复核.
        Filed = "filed",
        /// 申诉成立: the rating leaves the figures.
        Upheld = "upheld",
        /// 申诉不成立.
        Rejected = "rejected",
    }
}

crate::wire_enum! {
    pub enum AppealAction: "rating.appeal.action" {
        /// 申诉.
        File = "file",
        /// 复核成立.
        Uphold = "uphold",
        /// 复核不成立.
        Reject = "reject",
    }
}

/// Who acts on an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealParty {
    /// The supervising office (政务服务管理机构), which reviews.
    Office,
    /// The staff member rated, or staff of their unit.
    Rated,
    /// Anyone else signed in.
    Other,
}

impl AppealParty {
    /// `is_rated`: the actor is the staff member the rating names.
    pub fn of(party: Party, is_rated: bool) -> AppealParty {
        match party {
            Party::Office => AppealParty::Office,
            Party::OwnerUnit => AppealParty::Rated,
            Party::Other if is_rated => AppealParty::Rated,
            Party::Other => AppealParty::Other,
        }
    }
}

use AppealAction::*;
use AppealState::*;

crate::machine! {
    /// The rated file (from no appeal: the rating's page offers it, [`file`] fires it); the office
    /// reviews.
    pub struct AppealMachine: Entity::RatingAppeal, AppealState, AppealAction, AppealParty = [
        Transition { action: File, from: &[], to: Some(Filed), by: &[AppealParty::Rated] },
        Transition { action: Uphold, from: &[Filed], to: Some(Upheld), by: &[AppealParty::Office] },
        Transition { action: Reject, from: &[Filed], to: Some(Rejected), by: &[AppealParty::Office] },
    ];
}

/// The most evidence files with one appeal.
pub const EVIDENCE_MAX: usize = 20;

/// Body of an appeal.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAppeal {
    /// Why the rating is mistaken or malicious.
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub reason: Option<String>,
    /// The evidence, uploaded beforehand (the window's recording, the case's record).
    #[serde(default)]
    pub evidence_ids: Vec<AttachmentId>,
}

/// What filing needs of the rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppealFiling {
    pub level: RatingLevel,
    pub rated_on: NaiveDate,
    /// The rating's appeal, when one was filed.
    pub appeal: Option<AppealState>,
    pub today: NaiveDate,
}

/// An appeal as filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealOpening {
    pub state: AppealState,
    pub reason: String,
    pub evidence_ids: Vec<AttachmentId>,
}

/// The last day an appeal of a rating made on `rated_on` may be filed.
pub fn appeal_until(cal: &WorkCalendar, rated_on: NaiveDate, s: &RatingSettings) -> Reckoned<NaiveDate> {
    cal.add_working_days(rated_on, s.appeal_working_days)
}

/// Files an appeal: the rated only, once, against a 差评, within the working days set, with a
/// reason and evidence.
pub fn file(
    f: &AppealFiling,
    cal: &WorkCalendar,
    s: &RatingSettings,
    party: AppealParty,
    body: &NewAppeal,
) -> Result<AppealOpening, DomainError> {
    if !AppealMachine::TABLE.iter().any(|t| t.action == File && t.by.contains(&party)) {
        return Err(DomainError::NotPermitted { entity: Entity::RatingAppeal, action: WireName::of(File) });
    }
    if let Some(state) = f.appeal {
        return Err(machine::conflict::<AppealMachine>(state, File));
    }
    if !f.level.is_bad() {
        return Err(DomainError::rule(Rule::AppealNotBad, "rating_id"));
    }
    if f.today > appeal_until(cal, f.rated_on, s).value {
        return Err(DomainError::rule(Rule::AppealClosed, "rating_id"));
    }
    let mut p = Problems::new();
    let reason = p.take(text::required("reason", body.reason.as_deref(), text::TEXT_MAX));
    match body.evidence_ids.len() {
        0 => p.push("evidence_ids", Issue::Required),
        n if n > EVIDENCE_MAX => p.push("evidence_ids", Issue::TooMany { max: EVIDENCE_MAX }),
        _ => {}
    }
    match reason {
        Some(reason) if p.is_empty() => {
            Ok(AppealOpening { state: Filed, reason, evidence_ids: body.evidence_ids.clone() })
        }
        _ => Err(p.into_error()),
    }
}

/// The office's review, with its opinion (复核意见).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppealRequest {
    Uphold { note: Option<String> },
    Reject { note: Option<String> },
}

impl AppealRequest {
    pub fn action(&self) -> AppealAction {
        match self {
            AppealRequest::Uphold { .. } => Uphold,
            AppealRequest::Reject { .. } => Reject,
        }
    }
}

/// Everything a review changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealDecision {
    pub action: AppealAction,
    pub from: AppealState,
    pub to: AppealState,
    pub note: String,
    pub decided_on: NaiveDate,
    /// Upheld: the rating leaves the figures (and its follow-up is no longer owed); it is kept.
    pub excludes_rating: bool,
}

/// Fires the review `party` asks of an appeal in `state`.
pub fn fire(
    state: AppealState,
    today: NaiveDate,
    party: AppealParty,
    req: AppealRequest,
) -> Result<AppealDecision, DomainError> {
    let action = req.action();
    let row = machine::permit::<AppealMachine>(state, action, party)?;
    let (AppealRequest::Uphold { note } | AppealRequest::Reject { note }) = req;
    let note =
        text::required("note", note.as_deref(), text::TEXT_MAX).map_err(|e| DomainError::field(e.field, e.issue))?;
    let to = machine::target::<AppealMachine>(row, state);
    Ok(AppealDecision { action, from: state, to, note, decided_on: today, excludes_rating: to == Upheld })
}

#[cfg(test)]
mod tests {
    use super::*;
    use AppealParty::{Office, Other, Rated};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn review(action: AppealAction) -> AppealRequest {
        let note = Some("调取窗口录像核实".to_owned());
        if action == Uphold { AppealRequest::Uphold { note } } else { AppealRequest::Reject { note } }
    }

    #[test]
    fn every_cell_of_the_table() {
        // Filing is from no appeal: on an appeal in any state it is a conflict for the rated.
        machine::assert_every_cell::<AppealMachine, _>(&[Office, Rated, Other], |s, a, p| match a {
            File => machine::permit::<AppealMachine>(s, a, p).map(|_| ()),
            _ => fire(s, d("2026-11-10"), p, review(a)).map(|_| ()),
        });
        assert_eq!(machine::available::<AppealMachine>(Filed, Office), [Uphold, Reject]);
        assert!(machine::available::<AppealMachine>(Filed, Rated).is_empty());
        assert_eq!(AppealParty::of(Party::Other, true), Rated);
        assert_eq!(AppealParty::of(Party::OwnerUnit, false), Rated);
        assert_eq!(AppealParty::of(Party::Other, false), Other);
    }

    fn filing(level: RatingLevel, today: &str) -> AppealFiling {
        AppealFiling { level, rated_on: d("2026-09-29"), appeal: None, today: d(today) }
    }

    fn body() -> NewAppeal {
        NewAppeal { reason: Some("评价人误触".into()), evidence_ids: vec![AttachmentId(3)] }
    }

    #[test]
    fn the_rated_file_once_against_a_bad_rating_within_the_working_days() {
        let (cal, s) = (crate::rating::shipped_calendar(), RatingSettings::default());
        // Rated Tuesday 29 September: 30 Sep, 8, 9, the make-up Saturday 10 and Monday 12 October.
        assert_eq!(appeal_until(&cal, d("2026-09-29"), &s).value, d("2026-10-12"));
        let bad = RatingLevel::VeryDissatisfied;
        let ok = file(&filing(bad, "2026-10-12"), &cal, &s, Rated, &body()).unwrap();
        assert_eq!((ok.state, ok.reason.as_str(), ok.evidence_ids.len()), (Filed, "评价人误触", 1));
        assert_eq!(
            file(&filing(bad, "2026-10-13"), &cal, &s, Rated, &body()),
            Err(DomainError::rule(Rule::AppealClosed, "rating_id"))
        );
        assert_eq!(
            file(&filing(RatingLevel::Basic, "2026-09-30"), &cal, &s, Rated, &body()),
            Err(DomainError::rule(Rule::AppealNotBad, "rating_id"))
        );
        for party in [Office, Other] {
            assert_eq!(
                file(&filing(bad, "2026-09-30"), &cal, &s, party, &body()),
                Err(DomainError::NotPermitted { entity: Entity::RatingAppeal, action: WireName::of(File) })
            );
        }
        let again = AppealFiling { appeal: Some(Rejected), ..filing(bad, "2026-09-30") };
        assert_eq!(file(&again, &cal, &s, Rated, &body()), Err(machine::conflict::<AppealMachine>(Rejected, File)));
        let empty = NewAppeal { reason: Some(" ".into()), evidence_ids: Vec::new() };
        assert_eq!(
            file(&filing(bad, "2026-09-30"), &cal, &s, Rated, &empty).unwrap_err().fields(),
            ["reason", "evidence_ids"]
        );
    }

    #[test]
    fn an_upheld_appeal_excludes_the_rating_and_every_review_says_why() {
        let up = fire(Filed, d("2026-10-12"), Office, review(Uphold)).unwrap();
        assert_eq!((up.to, up.excludes_rating, up.decided_on), (Upheld, true, d("2026-10-12")));
        let down = fire(Filed, d("2026-10-12"), Office, review(Reject)).unwrap();
        assert_eq!((down.to, down.excludes_rating), (Rejected, false));
        let silent = fire(Filed, d("2026-10-12"), Office, AppealRequest::Reject { note: None }).unwrap_err();
        assert_eq!(silent.fields(), ["note"]);
    }
}
