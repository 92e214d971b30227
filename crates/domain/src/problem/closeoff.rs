//! The citizens' say in a close-off (销号): every reachable citizen behind the problem is found
//! satisfied since the unit reported it fixed, or their verdict is set aside — by a waiver when
//! they could not be reached, or by a recorded review (复核) when they answered unsatisfied. A
//! waiver cannot silence an unsatisfied citizen; only a review by someone outside the owner unit
//! (the verifier, see `Rule::VerifierInOwnerUnit`) can, and the figures count it apart.

use crate::case::{CaseCourse, CaseState, Satisfaction};
use crate::error::{DomainError, Entity, Issue, Rule};
use crate::ids::CaseId;
use crate::time::Timestamp;

/// One source case as the close-off sees it.
#[derive(Debug, Clone, Copy)]
pub struct SourceCitizen<'a> {
    pub course: &'a CaseCourse,
    /// The citizen left a phone or e-mail (an anonymous one cannot be asked).
    pub reachable: bool,
}

/// Where one source case's citizen stands at a close-off: what the verifier must do about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Declined, or anonymous: nobody to ask.
    NotAsked,
    /// Found satisfied since the unit reported the problem fixed.
    Satisfied,
    /// Their latest answer is unsatisfied: only a review overturns it.
    Unsatisfied,
    /// Not (yet) answered since the report: ask them, or waive with the reason they cannot be.
    Unanswered,
}

/// Where the citizen of a case in `state`, with the latest `verdict` (answer and when), stands
/// for a problem reported fixed at `reported_at`.
pub fn standing(
    state: CaseState,
    reachable: bool,
    verdict: Option<(Satisfaction, Timestamp)>,
    reported_at: Option<Timestamp>,
) -> Standing {
    if state == CaseState::Declined || !reachable {
        return Standing::NotAsked;
    }
    match (verdict, reported_at) {
        (Some((s, _)), _) if !s.is_satisfied() => Standing::Unsatisfied,
        (Some((_, at)), Some(rep)) if at >= rep => Standing::Satisfied,
        _ => Standing::Unanswered,
    }
}

impl SourceCitizen<'_> {
    fn standing(&self, reported_at: Option<Timestamp>) -> Standing {
        let c = self.course;
        standing(c.state, self.reachable, c.satisfaction.zip(c.satisfaction_at), reported_at)
    }
}

/// Why one citizen's own verdict is set aside at the close-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetAside {
    /// 未能取得满意意见: the citizen could not be reached; the reason.
    Waived(String),
    /// 复核: the citizen answered unsatisfied and a review found the problem fixed; its finding.
    Reviewed(String),
}

impl SetAside {
    /// The case event it is recorded as, and its note.
    pub fn step(&self) -> (&'static str, String) {
        match self {
            SetAside::Waived(reason) => ("waived", format!("未取得群众满意意见：{reason}")),
            SetAside::Reviewed(finding) => ("reviewed", format!("群众不满意，经复核认定整改到位：{finding}")),
        }
    }
}

/// What the citizens' side of a close-off comes to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CitizensVerdict {
    /// Reachable citizens neither found satisfied since the report nor set aside.
    pub pending: u64,
    pub waived: bool,
    pub reviewed: bool,
}

/// Judges the source cases of a problem reported fixed at `reported_at` against the waivers and
/// reviews of a `verify` request (each a case and its reason or finding, in request order).
pub fn citizens_verdict(
    cases: &[SourceCitizen<'_>],
    reported_at: Option<Timestamp>,
    set_aside: &[(CaseId, SetAside)],
) -> Result<CitizensVerdict, DomainError> {
    let (mut waivers, mut reviews) = (0usize, 0usize);
    let mut verdict = CitizensVerdict::default();
    for (case, why) in set_aside {
        let (list, index) = match why {
            SetAside::Waived(_) => ("waivers", &mut waivers),
            SetAside::Reviewed(_) => ("reviews", &mut reviews),
        };
        let field = format!("{list}[{index}].case_id");
        *index += 1;
        let Some(c) = cases.iter().find(|c| c.course.id == *case) else {
            return Err(DomainError::unknown(field, Entity::Case));
        };
        let unsatisfied = c.standing(reported_at) == Standing::Unsatisfied;
        match why {
            SetAside::Waived(_) if unsatisfied => return Err(DomainError::rule(Rule::UnsatisfiedNeedsReview, field)),
            SetAside::Reviewed(_) if !unsatisfied => return Err(DomainError::rule(Rule::NothingToReview, field)),
            SetAside::Waived(_) => verdict.waived = true,
            SetAside::Reviewed(_) => verdict.reviewed = true,
        }
    }
    for c in cases {
        let owed = matches!(c.standing(reported_at), Standing::Unsatisfied | Standing::Unanswered);
        if owed && !set_aside.iter().any(|(id, _)| *id == c.course.id) {
            verdict.pending += 1;
        }
    }
    Ok(verdict)
}

/// Reads a `verify` request's waivers and reviews: each names its case and gives its reason or
/// finding, or the field that is missing.
pub fn set_aside_of(
    waivers: Vec<super::Waiver>,
    reviews: Vec<super::Review>,
) -> Result<Vec<(CaseId, SetAside)>, DomainError> {
    let entry = |list: &str, i: usize, case: Option<CaseId>, text: Option<String>, text_field: &str| {
        let case = case.ok_or_else(|| DomainError::field(format!("{list}[{i}].case_id"), Issue::Required))?;
        let text = crate::text::required(&format!("{list}[{i}].{text_field}"), text.as_deref(), crate::text::SHORT_MAX)
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        Ok::<_, DomainError>((case, text))
    };
    let mut out = Vec::new();
    for (i, w) in waivers.into_iter().enumerate() {
        let (case, reason) = entry("waivers", i, w.case_id, w.reason, "reason")?;
        out.push((case, SetAside::Waived(reason)));
    }
    for (i, r) in reviews.into_iter().enumerate() {
        let (case, finding) = entry("reviews", i, r.case_id, r.finding, "finding")?;
        out.push((case, SetAside::Reviewed(finding)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32) -> Timestamp {
        Timestamp::from_utc(
            chrono::DateTime::parse_from_rfc3339(&format!("2026-03-02T{h:02}:00:00Z")).unwrap().to_utc(),
        )
    }

    fn course(id: i64, verdict: Option<(Satisfaction, u32)>) -> CaseCourse {
        let mut c = CaseCourse::sample(CaseId(id), CaseState::Assigned);
        c.satisfaction = verdict.map(|v| v.0);
        c.satisfaction_at = verdict.map(|v| at(v.1));
        c
    }

    fn judge(courses: &[CaseCourse], set_aside: &[(CaseId, SetAside)]) -> Result<CitizensVerdict, DomainError> {
        let cases: Vec<_> = courses.iter().map(|course| SourceCitizen { course, reachable: true }).collect();
        citizens_verdict(&cases, Some(at(10)), set_aside)
    }

    #[test]
    fn satisfied_since_the_report_counts_older_answers_do_not() {
        let cs = [course(1, Some((Satisfaction::Satisfied, 11))), course(2, Some((Satisfaction::Satisfied, 9)))];
        assert_eq!(judge(&cs, &[]).unwrap().pending, 1);
        let anonymous = SourceCitizen { course: &cs[1], reachable: false };
        assert_eq!(citizens_verdict(&[anonymous], Some(at(10)), &[]).unwrap().pending, 0);
    }

    #[test]
    fn an_unreachable_citizen_may_be_waived_an_unsatisfied_one_only_reviewed() {
        let cs = [course(1, None), course(2, Some((Satisfaction::Unsatisfied, 11)))];
        let waive = |id| (CaseId(id), SetAside::Waived("电话停机".into()));
        let review = |id| (CaseId(id), SetAside::Reviewed("现场核查，已整改到位".into()));
        let e = judge(&cs, &[waive(1), waive(2)]).unwrap_err();
        assert_eq!(e, DomainError::rule(Rule::UnsatisfiedNeedsReview, "waivers[1].case_id"));
        let e = judge(&cs, &[waive(1), review(1)]).unwrap_err();
        assert_eq!(e, DomainError::rule(Rule::NothingToReview, "reviews[0].case_id"));
        assert_eq!(judge(&cs, &[waive(1)]).unwrap(), CitizensVerdict { pending: 1, waived: true, reviewed: false });
        assert_eq!(
            judge(&cs, &[waive(1), review(2)]).unwrap(),
            CitizensVerdict { pending: 0, waived: true, reviewed: true }
        );
        // An unsatisfied answer given before the report still stands until the citizen is asked again.
        let old = [course(3, Some((Satisfaction::VeryUnsatisfied, 9)))];
        assert_eq!(
            judge(&old, &[(CaseId(3), SetAside::Waived("x".into()))]),
            Err(DomainError::rule(Rule::UnsatisfiedNeedsReview, "waivers[0].case_id"))
        );
        let e = judge(&cs, &[(CaseId(7), SetAside::Reviewed("x".into()))]).unwrap_err();
        assert_eq!(e, DomainError::unknown("reviews[0].case_id", Entity::Case));
    }

    #[test]
    fn a_request_names_the_missing_field() {
        use super::super::{Review, Waiver};
        let e = set_aside_of(vec![], vec![Review { case_id: Some(CaseId(1)), finding: None }]).unwrap_err();
        assert_eq!(e.fields(), ["reviews[0].finding"]);
        let e = set_aside_of(vec![Waiver { case_id: None, reason: Some("x".into()) }], vec![]).unwrap_err();
        assert_eq!(e.fields(), ["waivers[0].case_id"]);
    }
}
