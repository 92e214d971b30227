//! The citizen's progress bar (办件进度): five steps — 已登记 → 已受理 → 已转办 → 已答复 → 已评价 —
//! read from the case's state, so the tracking page, the API and any other view agree on where a
//! case stands.

use super::CaseState;
use serde::Serialize;

/// One of the five steps a citizen follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TrackStep {
    /// 已登记.
    Registered,
    /// 已受理.
    Accepted,
    /// 已转办: with a unit.
    Forwarded,
    /// 已答复.
    Replied,
    /// 已评价: the citizen's satisfaction is known (their own rating or a return visit).
    Rated,
}

impl TrackStep {
    pub const ALL: [TrackStep; 5] =
        [TrackStep::Registered, TrackStep::Accepted, TrackStep::Forwarded, TrackStep::Replied, TrackStep::Rated];

    pub fn as_str(self) -> &'static str {
        match self {
            TrackStep::Registered => "registered",
            TrackStep::Accepted => "accepted",
            TrackStep::Forwarded => "forwarded",
            TrackStep::Replied => "replied",
            TrackStep::Rated => "rated",
        }
    }
}

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Passed.
    Done,
    /// The step the case has reached last.
    Current,
    /// Not reached yet.
    Todo,
    /// Where the case stopped: declined (不予受理) instead of accepted.
    Stopped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepView {
    pub step: TrackStep,
    pub status: StepStatus,
}

/// The five steps of a case in `state`; `rated`: the citizen's satisfaction with the latest reply
/// is known. A declined case stops at the second step; a case sent back to its unit after an
/// unsatisfied rating is with the unit again (已转办).
pub fn progress(state: CaseState, rated: bool) -> Vec<StepView> {
    let reached = match state {
        CaseState::Received | CaseState::Declined => 1,
        CaseState::Accepted => 2,
        CaseState::Assigned | CaseState::InProgress => 3,
        CaseState::Replied | CaseState::Closed if rated => 5,
        CaseState::Replied | CaseState::Closed => 4,
    };
    TrackStep::ALL
        .iter()
        .enumerate()
        .map(|(i, &step)| {
            let n = i + 1;
            let status = if state == CaseState::Declined && n == 2 {
                StepStatus::Stopped
            } else if n < reached {
                StepStatus::Done
            } else if n == reached {
                StepStatus::Current
            } else {
                StepStatus::Todo
            };
            StepView { step, status }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statuses as letters: D done, C current, T to do, S stopped.
    fn letters(state: CaseState, rated: bool) -> String {
        progress(state, rated)
            .iter()
            .map(|s| match s.status {
                StepStatus::Done => 'D',
                StepStatus::Current => 'C',
                StepStatus::Todo => 'T',
                StepStatus::Stopped => 'S',
            })
            .collect()
    }

    #[test]
    fn every_state_maps_to_its_step() {
        assert_eq!(letters(CaseState::Received, false), "CTTTT");
        assert_eq!(letters(CaseState::Accepted, false), "DCTTT");
        assert_eq!(letters(CaseState::Assigned, false), "DDCTT");
        assert_eq!(letters(CaseState::InProgress, false), "DDCTT");
        assert_eq!(letters(CaseState::Replied, false), "DDDCT");
        assert_eq!(letters(CaseState::Replied, true), "DDDDC");
        assert_eq!(letters(CaseState::Closed, true), "DDDDC");
        // Closed without a rating (the office recorded why none was obtained).
        assert_eq!(letters(CaseState::Closed, false), "DDDCT");
        assert_eq!(letters(CaseState::Declined, false), "CSTTT");
        // Rated unsatisfied and sent back: with the unit again.
        assert_eq!(letters(CaseState::InProgress, true), "DDCTT");
        for s in CaseState::ALL {
            let steps = progress(s, false);
            assert_eq!(steps.iter().map(|v| v.step).collect::<Vec<_>>(), TrackStep::ALL);
            assert_eq!(steps.iter().filter(|v| v.status == StepStatus::Current).count(), 1, "{s:?}");
        }
    }
}
