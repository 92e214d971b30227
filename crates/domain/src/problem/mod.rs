//! Problems in the rectification ledger (问题整改台账).

mod closeoff;
mod measure;
mod progress;
mod reminders;
mod state;

pub use closeoff::{CitizensVerdict, SetAside, SourceCitizen, Standing, citizens_verdict, set_aside_of, standing};
pub use measure::{Measure, MeasureFields, MeasurePatch, NewMeasure};
pub use progress::{MAX_ATTACHMENTS_PER_PROGRESS, NewProgress, Progress, ProgressFields};
pub use reminders::{DueItem, reminders};
pub use state::{
    ExtensionStep, ProblemAction, ProblemDecision, ProblemMachine, ProblemState, TransitionContext, available_actions,
    fire, needs_reason, rebound_note,
};

use crate::actor::Party;
use crate::error::{DomainError, Issue, Problems, Rule};
use crate::extension::Extension;
use crate::figures::CloseBasis;
use crate::ids::{BatchId, CampaignId, CaseId, PersonId, ProblemId, UnitId};
use crate::light::Light;
use crate::patch::Change;
use crate::text;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Measures per problem; real ledgers list three to five.
pub const MAX_MEASURES: usize = 50;

crate::wire_enum! {
    /// Who the problem is about (问题层级).
    pub enum Level: "level" {
        /// 班子: the leadership team as a whole.
        LeadershipTeam = "leadership_team" | "班子",
        /// 班子成员: one member of the leadership team.
        TeamMember = "team_member" | "班子成员",
        /// 单位: the unit.
        Unit = "unit" | "单位",
        /// 个人: an individual cadre (个人整改计划书).
        Individual = "individual" | "个人",
    }
}

crate::wire_enum! {
    /// How the problem is to be fixed (整改类型).
    pub enum ProblemType: "problem_type" {
        /// 立行立改: fixed at once.
        Immediate = "immediate" | "立行立改",
        /// 限期整改: fixed by a deadline.
        TimeLimited = "time_limited" | "限期整改",
        /// 长期坚持: kept up over time.
        LongTerm = "long_term" | "长期坚持",
        /// 建章立制: fixed by a new rule or institution.
        Institutional = "institutional" | "建章立制",
    }
}

crate::wire_enum! {
    /// Where a problem was found (问题来源). Citizen cases and inspection findings are linked
    /// records too (their own issues); this says which channel the item came through.
    pub enum SourceKind: "source" {
        /// 自查自纠, 班子议/自己找.
        SelfCheck = "self_check",
        /// 征求意见: opinions collected from the public and service users.
        PublicOpinion = "public_opinion",
        /// 座谈会.
        Forum = "forum",
        /// 走访.
        Visit = "visit",
        /// 问卷.
        Questionnaire = "questionnaire",
        /// A citizen case (诉求件).
        Case = "case",
        /// 督查发现 / 明察暗访.
        Inspection = "inspection",
        /// 服务台账: a service case (办件), e.g. a second 一次性告知.
        Service = "service",
        /// 上级交办, 督导组反馈.
        Superior = "superior",
        /// 民主评议.
        Evaluation = "evaluation",
        /// 媒体曝光.
        Media = "media",
    }
}

/// A problem as read back from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    pub id: ProblemId,
    /// 编号: the office's own number of the item (from its spreadsheet), unique in the campaign.
    pub reference: Option<String>,
    pub description: String,
    pub unit_id: UnitId,
    /// 责任人.
    pub responsible_person_id: Option<PersonId>,
    /// 分管领导.
    pub leader_person_id: Option<PersonId>,
    pub level: Level,
    /// 四风, one of the six evaluation aspects, or a subject area.
    pub category: Option<String>,
    #[serde(rename = "type")]
    pub problem_type: ProblemType,
    /// 问题根源.
    pub root_cause: Option<String>,
    /// 整改时限.
    pub deadline: Option<NaiveDate>,
    /// The date the light is judged by: the earliest of `deadline` and the deadlines of
    /// unfinished measures.
    pub due_on: Option<NaiveDate>,
    pub campaign_id: Option<CampaignId>,
    pub batch_id: Option<BatchId>,
    pub sources: Vec<SourceKind>,
    /// On the public board (公开晾晒).
    pub published: bool,
    pub state: ProblemState,
    pub light: Light,
    pub archived: bool,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub reported_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// The China date the unit finished (its last report of the work done): what the on-time
    /// figures judge.
    pub done_on: Option<NaiveDate>,
    /// How it was closed off (`verified`, `waived`, `imported`); none while not closed.
    pub close_basis: Option<CloseBasis>,
    /// Times it was reopened after a close-off (反弹).
    pub reopen_count: i64,
    /// The owner unit's latest request for a later deadline (延期), if any.
    pub extension: Option<Extension>,
    /// The deadline a granted extension replaced (原整改时限).
    pub extended_from: Option<NaiveDate>,
    /// Filled in on single-problem reads; lists leave it empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measures: Option<Vec<Measure>>,
    /// The citizen cases behind the problem (single-problem reads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_ids: Option<Vec<CaseId>>,
}

/// Body of `POST /api/v1/problems`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProblem {
    /// 编号: the office's own number of the item, unique within the campaign.
    pub reference: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub description: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub unit_id: Option<UnitId>,
    pub responsible_person_id: Option<PersonId>,
    pub leader_person_id: Option<PersonId>,
    /// Defaults to `unit`.
    pub level: Option<Level>,
    pub category: Option<String>,
    /// Defaults to `time_limited`.
    #[serde(rename = "type")]
    pub problem_type: Option<ProblemType>,
    pub root_cause: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub campaign_id: Option<CampaignId>,
    pub batch_id: Option<BatchId>,
    #[serde(default)]
    pub sources: Vec<SourceKind>,
    #[serde(default)]
    pub published: bool,
    #[serde(default)]
    pub measures: Vec<NewMeasure>,
    /// Citizen cases this problem is made from (梳理归纳).
    #[serde(default)]
    pub case_ids: Vec<CaseId>,
}

/// A problem's own fields, checked (references are checked by the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemFields {
    pub reference: Option<String>,
    pub description: String,
    pub unit_id: UnitId,
    pub responsible_person_id: Option<PersonId>,
    pub leader_person_id: Option<PersonId>,
    pub level: Level,
    pub category: Option<String>,
    pub problem_type: ProblemType,
    pub root_cause: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub campaign_id: Option<CampaignId>,
    pub batch_id: Option<BatchId>,
    pub sources: Vec<SourceKind>,
    pub published: bool,
}

impl NewProblem {
    pub fn validate(&self) -> Result<(ProblemFields, Vec<MeasureFields>), DomainError> {
        let mut p = Problems::new();
        let fields = check_fields(&mut p, self);
        if self.measures.len() > MAX_MEASURES {
            p.push("measures", Issue::TooMany { max: MAX_MEASURES });
        }
        let measures: Vec<_> = self
            .measures
            .iter()
            .enumerate()
            .filter_map(|(i, m)| match m.validate_as(&format!("measures[{i}].")) {
                Ok(f) => Some(f),
                Err(DomainError::Invalid(errs)) => {
                    p.extend(errs);
                    None
                }
                Err(_) => None,
            })
            .collect();
        match fields {
            Some(f) if p.is_empty() => Ok((f, measures)),
            _ => Err(p.into_error()),
        }
    }
}

fn check_fields(p: &mut Problems, input: &NewProblem) -> Option<ProblemFields> {
    let reference = p.take(text::optional("reference", input.reference.as_deref(), text::NAME_MAX));
    let description = p.take(text::required("description", input.description.as_deref(), text::TEXT_MAX));
    let category = p.take(text::optional("category", input.category.as_deref(), text::NAME_MAX));
    let root_cause = p.take(text::optional("root_cause", input.root_cause.as_deref(), text::TEXT_MAX));
    if input.unit_id.is_none() {
        p.push("unit_id", Issue::Required);
    }
    let mut sources = input.sources.clone();
    if !input.case_ids.is_empty() && !sources.contains(&SourceKind::Case) {
        sources.push(SourceKind::Case);
    }
    sources.dedup();
    Some(ProblemFields {
        reference: reference?,
        description: description?,
        unit_id: input.unit_id?,
        responsible_person_id: input.responsible_person_id,
        leader_person_id: input.leader_person_id,
        level: input.level.unwrap_or(Level::Unit),
        category: category?,
        problem_type: input.problem_type.unwrap_or(ProblemType::TimeLimited),
        root_cause: root_cause?,
        deadline: input.deadline,
        campaign_id: input.campaign_id,
        batch_id: input.batch_id,
        sources,
        published: input.published,
    })
}

/// Body of `PATCH /api/v1/problems/{id}`. `version` is required: two clerks editing one ledger
/// row must not silently overwrite each other.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProblemPatch {
    pub version: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub reference: Change<String>,
    pub description: Option<String>,
    pub unit_id: Option<UnitId>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub responsible_person_id: Change<PersonId>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub leader_person_id: Change<PersonId>,
    pub level: Option<Level>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub category: Change<String>,
    #[serde(rename = "type")]
    pub problem_type: Option<ProblemType>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub root_cause: Change<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub deadline: Change<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub campaign_id: Change<CampaignId>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub batch_id: Change<BatchId>,
    pub sources: Option<Vec<SourceKind>>,
    pub published: Option<bool>,
    pub archived: Option<bool>,
}

/// Who may change what in an edit. The owner unit cannot move what it is judged by: the owner
/// unit, the deadline (it asks for an extension instead), publication and archiving are the
/// office's; and it rewords the problem only while it is open.
pub fn check_edit(party: Party, before: &Problem, after: &ProblemFields, archive: bool) -> Result<(), DomainError> {
    if party == Party::Office {
        return Ok(());
    }
    let office_only = [
        ("unit_id", after.unit_id != before.unit_id),
        ("deadline", after.deadline != before.deadline),
        ("published", after.published != before.published),
        ("archived", archive != before.archived),
    ];
    if let Some((field, _)) = office_only.iter().find(|(_, changed)| *changed) {
        return Err(DomainError::rule(Rule::OfficeOnlyField, *field));
    }
    let wording = [
        ("reference", after.reference != before.reference),
        ("description", after.description != before.description),
        ("level", after.level != before.level),
        ("category", after.category != before.category),
        ("type", after.problem_type != before.problem_type),
        ("root_cause", after.root_cause != before.root_cause),
        ("responsible_person_id", after.responsible_person_id != before.responsible_person_id),
        ("leader_person_id", after.leader_person_id != before.leader_person_id),
        ("campaign_id", after.campaign_id != before.campaign_id),
        ("batch_id", after.batch_id != before.batch_id),
        ("sources", after.sources != before.sources),
    ];
    match wording.iter().find(|(_, changed)| *changed) {
        Some((field, _)) if before.state != ProblemState::Open => Err(DomainError::rule(Rule::WordingFixed, *field)),
        _ => Ok(()),
    }
}

/// Who may change what in a measure: its deadline and withdrawing it are the office's, as the
/// problem's deadline is (a unit could otherwise turn its own red light green).
pub fn check_measure_edit(
    party: Party,
    before: &Measure,
    after: &MeasureFields,
    archive: bool,
) -> Result<(), DomainError> {
    if party == Party::Office {
        return Ok(());
    }
    if after.deadline != before.deadline {
        return Err(DomainError::rule(Rule::OfficeOnlyField, "deadline"));
    }
    if archive != before.archived {
        return Err(DomainError::rule(Rule::OfficeOnlyField, "archived"));
    }
    Ok(())
}

impl ProblemPatch {
    pub fn apply(&self, pr: &Problem) -> Result<ProblemFields, DomainError> {
        let mut p = Problems::new();
        if self.version.is_none() {
            p.push("version", Issue::Required);
        }
        let merged = NewProblem {
            reference: self.reference.clone().apply_to(pr.reference.clone()),
            description: Some(self.description.clone().unwrap_or_else(|| pr.description.clone())),
            unit_id: Some(self.unit_id.unwrap_or(pr.unit_id)),
            responsible_person_id: self.responsible_person_id.clone().apply_to(pr.responsible_person_id),
            leader_person_id: self.leader_person_id.clone().apply_to(pr.leader_person_id),
            level: Some(self.level.unwrap_or(pr.level)),
            category: self.category.clone().apply_to(pr.category.clone()),
            problem_type: Some(self.problem_type.unwrap_or(pr.problem_type)),
            root_cause: self.root_cause.clone().apply_to(pr.root_cause.clone()),
            deadline: self.deadline.clone().apply_to(pr.deadline),
            campaign_id: self.campaign_id.clone().apply_to(pr.campaign_id),
            batch_id: self.batch_id.clone().apply_to(pr.batch_id),
            sources: self.sources.clone().unwrap_or_else(|| pr.sources.clone()),
            published: self.published.unwrap_or(pr.published),
            measures: vec![],
            case_ids: vec![],
        };
        let fields = check_fields(&mut p, &merged);
        match fields {
            Some(f) if p.is_empty() => Ok(f),
            _ => Err(p.into_error()),
        }
    }
}

/// Body of `POST /api/v1/problems/{id}/transitions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub action: Option<String>,
    /// Required for `reject` and `reopen` (the reason). For `verify` of a problem raised by
    /// citizens, also the answer each citizen receives.
    pub note: Option<String>,
    /// When given, the transition is refused with 409 if the problem changed since.
    pub version: Option<i64>,
    /// `extend` by the owner unit: the later deadline asked for (the reason goes in `note`).
    pub due: Option<NaiveDate>,
    /// `extend` by the office: grant (true) or refuse (false) the request waiting.
    pub approve: Option<bool>,
    /// `verify`: for source cases whose citizen's satisfaction could not be obtained, why.
    /// Not for a citizen who answered unsatisfied: that takes a review.
    #[serde(default)]
    pub waivers: Vec<Waiver>,
    /// `verify`: for source cases whose citizen answered unsatisfied, the review (复核) that
    /// found the problem fixed all the same. Counted apart from "verified fixed".
    #[serde(default)]
    pub reviews: Vec<Review>,
}

/// Why a citizen's satisfaction was not obtained before a close-off.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub case_id: Option<CaseId>,
    pub reason: Option<String>,
}

/// A review (复核) of a citizen's unsatisfied answer, by the verifier (never the owner unit).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub case_id: Option<CaseId>,
    /// What the review found (复核意见).
    pub finding: Option<String>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_minimal_problem_takes_defaults() {
        let input: NewProblem =
            serde_json::from_str(r#"{"description":"开会使用一次性纸杯","unit_id":"7","deadline":"2026-03-31"}"#)
                .unwrap();
        let (f, m) = input.validate().unwrap();
        assert_eq!(f.level, Level::Unit);
        assert_eq!(f.problem_type, ProblemType::TimeLimited);
        assert!(m.is_empty());
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = NewProblem {
            description: Some("x".repeat(4001)),
            measures: vec![NewMeasure::default()],
            ..Default::default()
        };
        let DomainError::Invalid(errors) = input.validate().unwrap_err() else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["description", "unit_id", "measures[0].description"]);
    }

    #[test]
    fn chinese_type_names_and_unknown_fields() {
        let ok: NewProblem = serde_json::from_str(r#"{"type":"立行立改"}"#).unwrap();
        assert_eq!(ok.problem_type, Some(ProblemType::Immediate));
        assert!(serde_json::from_str::<NewProblem>(r#"{"colour":"red"}"#).is_err());
    }

    #[test]
    fn patches_need_the_version() {
        let patch = ProblemPatch { description: Some("新描述".into()), ..Default::default() };
        let DomainError::Invalid(errors) = patch.apply(&sample()).unwrap_err() else { panic!() };
        assert_eq!(errors[0].field, "version");
        let patch = ProblemPatch { version: Some(1), deadline: Change::Clear, ..Default::default() };
        assert_eq!(patch.apply(&sample()).unwrap().deadline, None);
    }

    pub(crate) fn sample() -> Problem {
        let t = Timestamp::from_utc(chrono::Utc::now());
        Problem {
            id: ProblemId(1),
            reference: None,
            description: "花卉摆放".into(),
            unit_id: UnitId(3),
            responsible_person_id: None,
            leader_person_id: None,
            level: Level::Unit,
            category: Some("奢靡之风".into()),
            problem_type: ProblemType::Immediate,
            root_cause: None,
            deadline: NaiveDate::from_ymd_opt(2026, 3, 20),
            due_on: NaiveDate::from_ymd_opt(2026, 3, 20),
            campaign_id: None,
            batch_id: None,
            sources: vec![SourceKind::PublicOpinion],
            published: true,
            state: ProblemState::Open,
            light: Light::Green,
            archived: false,
            version: 1,
            created_at: t,
            updated_at: t,
            reported_at: None,
            closed_at: None,
            done_on: None,
            close_basis: None,
            reopen_count: 0,
            extension: None,
            extended_from: None,
            measures: None,
            case_ids: None,
        }
    }

    /// The owner unit cannot move its own deadline, hide or archive the item, or hand it on;
    /// it rewords it only while it is open. The office may do all of it.
    #[test]
    fn the_owner_unit_edits_wording_only_and_only_while_open() {
        let before = sample();
        let edit = |patch: ProblemPatch| patch.apply(&before).unwrap();
        let patch = |p: ProblemPatch| ProblemPatch { version: Some(1), ..p };
        let later = patch(ProblemPatch {
            deadline: Change::Set(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()),
            ..Default::default()
        });
        let hidden = patch(ProblemPatch { published: Some(false), ..Default::default() });
        let moved = patch(ProblemPatch { unit_id: Some(UnitId(9)), ..Default::default() });
        let reworded = patch(ProblemPatch { description: Some("花卉摆放过多".into()), ..Default::default() });
        for (p, field) in [(&later, "deadline"), (&hidden, "published"), (&moved, "unit_id")] {
            assert_eq!(
                check_edit(Party::OwnerUnit, &before, &edit(p.clone()), false),
                Err(DomainError::rule(Rule::OfficeOnlyField, field))
            );
            assert_eq!(check_edit(Party::Office, &before, &edit(p.clone()), false), Ok(()));
        }
        let same = edit(patch(ProblemPatch::default()));
        assert_eq!(
            check_edit(Party::OwnerUnit, &before, &same, true),
            Err(DomainError::rule(Rule::OfficeOnlyField, "archived"))
        );
        assert_eq!(check_edit(Party::OwnerUnit, &before, &edit(reworded.clone()), false), Ok(()));
        let started = Problem { state: ProblemState::InProgress, ..sample() };
        assert_eq!(
            check_edit(Party::OwnerUnit, &started, &reworded.apply(&started).unwrap(), false),
            Err(DomainError::rule(Rule::WordingFixed, "description"))
        );
        assert_eq!(check_edit(Party::OwnerUnit, &started, &same, false), Ok(()), "an unchanged save is fine");
    }
}
