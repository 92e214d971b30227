//! Online applications (网上申报) in the online hall: a citizen applies for an item handled fully
//! online (全程网办) with their materials uploaded, and gets a tracking code at once. It waits for
//! the handling unit's pre-check (预审): the member of staff who takes it up becomes the
//! first-contact officer (首问责任人) and it goes into the service ledger as a service case under the
//! same tracking code; or the unit returns it (退回) with a reason, told by SMS. One table
//! ([`OnlineApplicationMachine`]); [`fire`] decides and the store writes what it says.

use super::record::{ServiceCaseFields, ServiceChannel, ServiceProgress, applicant};
use crate::actor::Party;
use crate::error::{DomainError, Entity, Issue, Problems};
use crate::ids::{AttachmentId, OnlineApplicationId, PersonId, ServiceCaseId, ServiceItemId, UnitId};
use crate::machine::{self, Transition};
use crate::notice::{Notice, NoticeTemplate, Recipient};
use crate::text;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    pub enum OnlineApplicationState: "online_application.state" {
        /// 待预审.
        Submitted = "submitted",
        /// 已接件: a service case of the ledger now.
        TakenUp = "taken_up",
        /// 已退回.
        Returned = "returned",
    }
}

crate::wire_enum! {
    pub enum OnlineApplicationAction: "online_application.action" {
        TakeUp = "take_up",
        Return = "return",
    }
}

use OnlineApplicationAction::*;
use OnlineApplicationState::*;

crate::machine! {
    /// Only the handling unit's staff pre-check an application.
    pub struct OnlineApplicationMachine: Entity::OnlineApplication, OnlineApplicationState, OnlineApplicationAction, Party = [
        Transition { action: TakeUp, from: &[Submitted], to: Some(TakenUp), by: &[Party::OwnerUnit] },
        Transition { action: Return, from: &[Submitted], to: Some(Returned), by: &[Party::OwnerUnit] },
    ];
}

/// Body of `POST /api/v1/service-applications` (the public may call it): an application for an
/// item handled fully online. Files are uploaded first by an integration's token (`POST
/// /api/v1/attachments`) or sent with the page's form.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOnlineApplication {
    pub item_id: Option<ServiceItemId>,
    pub applicant_name: Option<String>,
    /// Where the applicant is told of every step by SMS.
    pub applicant_phone: Option<String>,
    /// What the applicant asks, in a line.
    pub note: Option<String>,
    /// The materials, uploaded beforehand.
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
}

/// A new application's checked fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlineApplicationFields {
    pub item_id: ServiceItemId,
    pub applicant_name: String,
    pub applicant_phone: String,
    pub note: Option<String>,
    pub attachment_ids: Vec<AttachmentId>,
}

/// At most this many files with one application.
pub const MAX_FILES: usize = 20;

impl NewOnlineApplication {
    pub fn validate(&self) -> Result<OnlineApplicationFields, DomainError> {
        let mut p = Problems::new();
        if self.item_id.is_none() {
            p.push("item_id", Issue::Required);
        }
        let (name, phone) = applicant(&mut p, self.applicant_name.as_deref(), self.applicant_phone.as_deref());
        let note = p.take(text::optional("note", self.note.as_deref(), text::SHORT_MAX)).flatten();
        if self.attachment_ids.len() > MAX_FILES {
            p.push("attachment_ids", Issue::TooMany { max: MAX_FILES });
        }
        p.finish(|| ())?;
        match (self.item_id, name, phone) {
            (Some(item_id), Some(applicant_name), Some(applicant_phone)) => Ok(OnlineApplicationFields {
                item_id,
                applicant_name,
                applicant_phone,
                note,
                attachment_ids: self.attachment_ids.clone(),
            }),
            _ => Err(DomainError::field("item_id", Issue::Required)),
        }
    }
}

/// Body of `POST /api/v1/service-applications/{id}/transitions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OnlineApplicationTransition {
    /// `take_up` or `return`.
    pub action: Option<String>,
    /// `take_up`: the member of staff who pre-checks it, the first-contact officer from now on.
    pub responsible_id: Option<PersonId>,
    /// `return`: why (not this unit's business, not an online item …).
    pub reason: Option<String>,
}

/// What is asked of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnlineApplicationRequest {
    TakeUp { responsible: PersonId },
    Return { reason: Option<String> },
}

impl OnlineApplicationTransition {
    pub fn request(&self) -> Result<OnlineApplicationRequest, DomainError> {
        let action = match self.action.as_deref().map(text::clean) {
            None | Some("") => return Err(DomainError::field("action", Issue::Required)),
            Some(a) => OnlineApplicationAction::parse(a).ok_or_else(|| {
                let expected = OnlineApplicationAction::ALL.iter().map(|a| a.as_str().to_owned()).collect();
                DomainError::field("action", Issue::NotOneOf { expected })
            })?,
        };
        Ok(match action {
            TakeUp => OnlineApplicationRequest::TakeUp {
                responsible: self
                    .responsible_id
                    .ok_or_else(|| DomainError::field("responsible_id", Issue::Required))?,
            },
            Return => OnlineApplicationRequest::Return { reason: self.reason.clone() },
        })
    }
}

impl OnlineApplicationRequest {
    pub fn action(&self) -> OnlineApplicationAction {
        match self {
            OnlineApplicationRequest::TakeUp { .. } => TakeUp,
            OnlineApplicationRequest::Return { .. } => Return,
        }
    }
}

/// What `fire` needs of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlineApplicationFacts {
    pub state: OnlineApplicationState,
    pub item_name: String,
    pub applicant_name: String,
    pub applicant_phone: String,
    pub note: Option<String>,
    pub item_id: ServiceItemId,
}

/// Everything an action changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlineApplicationDecision {
    pub action: OnlineApplicationAction,
    pub from: OnlineApplicationState,
    pub to: OnlineApplicationState,
    /// Take-up: the service case to receive (channel online, no visit), under the
    /// application's tracking code; receiving it tells the applicant.
    pub receive: Option<ServiceCaseFields>,
    /// Return: why.
    pub reason: Option<String>,
    /// The SMS to the applicant.
    pub notices: Vec<Notice>,
}

/// Fires what `party` asks of an application.
pub fn fire(
    f: &OnlineApplicationFacts,
    party: Party,
    req: OnlineApplicationRequest,
) -> Result<OnlineApplicationDecision, DomainError> {
    let action = req.action();
    let row = machine::permit::<OnlineApplicationMachine>(f.state, action, party)?;
    let mut d = OnlineApplicationDecision {
        action,
        from: f.state,
        to: machine::target::<OnlineApplicationMachine>(row, f.state),
        receive: None,
        reason: None,
        notices: Vec::new(),
    };
    match req {
        OnlineApplicationRequest::TakeUp { responsible } => {
            d.receive = Some(ServiceCaseFields {
                item_id: f.item_id,
                channel: ServiceChannel::Online,
                applicant_name: f.applicant_name.clone(),
                applicant_phone: f.applicant_phone.clone(),
                note: f.note.clone(),
                responsible_id: responsible,
            });
        }
        OnlineApplicationRequest::Return { reason } => {
            let reason = text::required("reason", reason.as_deref(), text::SHORT_MAX)
                .map_err(|e| DomainError::field(e.field, e.issue))?;
            d.notices.push(
                Notice::new(Recipient::Citizen, NoticeTemplate::ServiceReturned)
                    .with("item", &f.item_name)
                    .with("reason", &reason),
            );
            d.reason = Some(reason);
        }
    }
    Ok(d)
}

/// The first SMS: the online application for `item` is submitted (the store adds the code).
pub fn submitted(item: &str) -> Notice {
    Notice::new(Recipient::Citizen, NoticeTemplate::ServiceSubmitted).with("item", item)
}

/// An application as the handling unit's staff see it: the applicant masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnlineApplication {
    pub id: OnlineApplicationId,
    /// The tracking code (查询码), as `XXXXX-XXXXX`; the service case keeps it.
    pub tracking_code: String,
    pub item_id: ServiceItemId,
    pub item_version: i64,
    pub item_code: String,
    pub item_name: String,
    pub unit_id: UnitId,
    pub state: OnlineApplicationState,
    pub applicant_name: String,
    pub applicant_phone: String,
    pub note: Option<String>,
    /// The uploaded materials.
    pub files: Vec<crate::attachment::AttachmentMeta>,
    pub submitted_at: Timestamp,
    /// Taken up or returned at.
    pub decided_at: Option<Timestamp>,
    /// Return: why.
    pub reason: Option<String>,
    /// Taken up: the service case it became.
    pub service_case_id: Option<ServiceCaseId>,
    pub version: i64,
}

/// What the public sees of an application by its tracking code: nothing personal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationProgress {
    pub tracking_code: String,
    pub item_name: String,
    pub state: OnlineApplicationState,
    pub submitted_on: chrono::NaiveDate,
    pub files: u32,
    /// Returned: why.
    pub reason: Option<String>,
    /// Taken up: the service case's progress.
    pub service_case: Option<ServiceProgress>,
}

impl ApplicationProgress {
    pub fn of(
        tracking_code: String,
        item_name: String,
        state: OnlineApplicationState,
        submitted_at: Timestamp,
        files: usize,
        reason: Option<String>,
    ) -> ApplicationProgress {
        ApplicationProgress {
            tracking_code,
            item_name,
            state,
            submitted_on: submitted_at.china_date(),
            files: u32::try_from(files).unwrap_or(u32::MAX),
            reason,
            service_case: None,
        }
    }
}

impl OnlineApplication {
    /// What the applicant sees of it.
    pub fn progress(&self) -> ApplicationProgress {
        let (code, item) = (self.tracking_code.clone(), self.item_name.clone());
        ApplicationProgress::of(code, item, self.state, self.submitted_at, self.files.len(), self.reason.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(state: OnlineApplicationState) -> OnlineApplicationFacts {
        OnlineApplicationFacts {
            state,
            item_name: "生育登记".into(),
            applicant_name: "张三".into(),
            applicant_phone: "13812345678".into(),
            note: None,
            item_id: ServiceItemId(1),
        }
    }

    #[test]
    fn taking_up_receives_an_online_case_with_the_officer_and_no_visit() {
        let d =
            fire(&facts(Submitted), Party::OwnerUnit, OnlineApplicationRequest::TakeUp { responsible: PersonId(7) })
                .unwrap();
        let receive = d.receive.unwrap();
        assert_eq!((d.to, receive.channel, receive.responsible_id), (TakenUp, ServiceChannel::Online, PersonId(7)));
        assert_eq!(receive.channel.visits_at_receipt(), 0);
        assert!(d.notices.is_empty(), "receiving the case tells the applicant");
    }

    #[test]
    fn a_return_needs_a_reason_and_is_told() {
        let none = fire(&facts(Submitted), Party::OwnerUnit, OnlineApplicationRequest::Return { reason: None });
        assert_eq!(none.map(|_| ()).unwrap_err().fields(), vec!["reason".to_owned()]);
        let d = fire(
            &facts(Submitted),
            Party::OwnerUnit,
            OnlineApplicationRequest::Return { reason: Some("非本单位事项".into()) },
        )
        .unwrap();
        assert_eq!((d.to, d.notices.len()), (Returned, 1));
        assert_eq!(d.notices[0].template, NoticeTemplate::ServiceReturned);
    }

    #[test]
    fn only_the_unit_decides_and_only_once() {
        let take = || OnlineApplicationRequest::TakeUp { responsible: PersonId(7) };
        assert!(fire(&facts(Submitted), Party::Other, take()).is_err());
        assert!(fire(&facts(Submitted), Party::Office, take()).is_err());
        assert!(fire(&facts(TakenUp), Party::OwnerUnit, take()).is_err());
        assert!(fire(&facts(Returned), Party::OwnerUnit, take()).is_err());
    }

    #[test]
    fn an_application_names_every_bad_field() {
        let bad = NewOnlineApplication { applicant_phone: Some("12".into()), ..Default::default() };
        let fields = bad.validate().unwrap_err().fields();
        for f in ["item_id", "applicant_name", "applicant_phone"] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
    }
}
