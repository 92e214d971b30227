//! A service case (办件) as the service ledger (服务台账) records it: who came for which item,
//! how, who received them (the first-contact officer, 首问责任人), and where the case stands.
//! The applicant's name and phone are personal details: the store seals them, and everything
//! shown carries them masked. [`NewServiceCase::validate`] names every bad field;
//! [`ServiceTransitionRequest::request`] reads what a step asks for the machine in `case`.

use super::case::{ServiceCaseAction, ServiceCaseState, ServiceRequest};
use super::limits::{ServiceClock, Suspension};
use crate::error::{DomainError, Issue, Problems};
use crate::ids::{PersonId, ServiceCaseId, ServiceItemId, UnitId};
use crate::text;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// How the applicant came.
    pub enum ServiceChannel: "service_case.channel" {
        /// 窗口.
        Window = "window",
        /// 网上办事大厅.
        Online = "online",
        /// 预约.
        Appointment = "appointment",
        /// 电话.
        Phone = "phone",
        /// 上门服务 or 代办.
        Proxy = "proxy",
    }
}

impl ServiceChannel {
    /// Visits the applicant has made when the case is received: one at a window or by
    /// appointment; none online, by phone or when staff came to them (上门, 代办).
    pub fn visits_at_receipt(self) -> u32 {
        match self {
            ServiceChannel::Window | ServiceChannel::Appointment => 1,
            ServiceChannel::Online | ServiceChannel::Phone | ServiceChannel::Proxy => 0,
        }
    }
}

/// Body of `POST /api/v1/service-cases`: an applicant received for an item.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewServiceCase {
    pub item_id: Option<ServiceItemId>,
    pub channel: Option<ServiceChannel>,
    pub applicant_name: Option<String>,
    /// Where the applicant is told of every step by SMS.
    pub applicant_phone: Option<String>,
    /// What the applicant asks, in a line.
    pub note: Option<String>,
    /// The first-contact officer (首问责任人), a person of the directory: responsible until they
    /// hand the case over.
    pub responsible_id: Option<PersonId>,
}

/// A new service case's checked fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCaseFields {
    pub item_id: ServiceItemId,
    pub channel: ServiceChannel,
    pub applicant_name: String,
    pub applicant_phone: String,
    pub note: Option<String>,
    pub responsible_id: PersonId,
}

impl NewServiceCase {
    pub fn validate(&self) -> Result<ServiceCaseFields, DomainError> {
        let mut p = Problems::new();
        if self.item_id.is_none() {
            p.push("item_id", Issue::Required);
        }
        if self.channel.is_none() {
            p.push("channel", Issue::Required);
        }
        if self.responsible_id.is_none() {
            p.push("responsible_id", Issue::Required);
        }
        let (name, phone) = applicant(&mut p, self.applicant_name.as_deref(), self.applicant_phone.as_deref());
        let note = p.take(text::optional("note", self.note.as_deref(), text::SHORT_MAX)).flatten();
        p.finish(|| ())?;
        match (self.item_id, self.channel, name, phone, self.responsible_id) {
            (Some(item_id), Some(channel), Some(applicant_name), Some(applicant_phone), Some(responsible_id)) => {
                Ok(ServiceCaseFields { item_id, channel, applicant_name, applicant_phone, note, responsible_id })
            }
            _ => Err(DomainError::field("item_id", Issue::Required)),
        }
    }
}

/// The applicant's name and mobile, checked into `p`.
pub(crate) fn applicant(p: &mut Problems, name: Option<&str>, phone: Option<&str>) -> (Option<String>, Option<String>) {
    let name = p.take(text::required("applicant_name", name, text::NAME_MAX));
    let phone = match p.take(crate::case::citizen_phone("applicant_phone", phone)) {
        Some(None) => {
            // Every step is told by SMS: a case without a phone leaves the applicant guessing.
            p.push("applicant_phone", Issue::Required);
            None
        }
        other => other.flatten(),
    };
    (name, phone)
}

/// Body of `POST /api/v1/service-cases/{id}/transitions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceTransitionRequest {
    /// `notify`, `accept`, `record_step`, `suspend`, `resume`, `complete`, `refuse`, `hand_over`,
    /// `record_visit`.
    pub action: Option<String>,
    /// `notify`: every material missing (一次性告知); `accept`: what is still missing (must be
    /// empty).
    #[serde(default)]
    pub missing: Vec<String>,
    /// `record_step`: the item's next step.
    pub step: Option<String>,
    /// `suspend`, `refuse`: why.
    pub reason: Option<String>,
    /// `complete`: the result (准予登记, 证件已制发 …).
    pub result: Option<String>,
    /// `hand_over`: the person who takes the case on.
    pub to: Option<PersonId>,
    /// When given, refused with 409 if the case changed since.
    pub version: Option<i64>,
}

impl ServiceTransitionRequest {
    /// What the machine is asked.
    pub fn request(&self) -> Result<ServiceRequest, DomainError> {
        let action = match self.action.as_deref().map(text::clean) {
            None | Some("") => return Err(DomainError::field("action", Issue::Required)),
            Some(a) => ServiceCaseAction::parse(a).ok_or_else(|| {
                let expected = ServiceCaseAction::ALL.iter().map(|a| a.as_str().to_owned()).collect();
                DomainError::field("action", Issue::NotOneOf { expected })
            })?,
        };
        Ok(match action {
            ServiceCaseAction::Notify => ServiceRequest::Notify { missing: self.missing.clone() },
            ServiceCaseAction::Accept => ServiceRequest::Accept { missing: self.missing.clone() },
            ServiceCaseAction::RecordStep => ServiceRequest::RecordStep { step: self.step.clone().unwrap_or_default() },
            ServiceCaseAction::Suspend => ServiceRequest::Suspend { reason: self.reason.clone() },
            ServiceCaseAction::Resume => ServiceRequest::Resume,
            ServiceCaseAction::Complete => ServiceRequest::Complete { result: self.result.clone() },
            ServiceCaseAction::Refuse => ServiceRequest::Refuse { reason: self.reason.clone() },
            ServiceCaseAction::HandOver => {
                ServiceRequest::HandOver { to: self.to.ok_or_else(|| DomainError::field("to", Issue::Required))? }
            }
            ServiceCaseAction::RecordVisit => ServiceRequest::RecordVisit,
        })
    }
}

/// A service case in the ledger. The applicant's name and phone are masked (`张*`,
/// `138****5678`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceCase {
    pub id: ServiceCaseId,
    /// What the applicant follows the case with (查询码), as `XXXXX-XXXXX`.
    pub tracking_code: String,
    pub item_id: ServiceItemId,
    /// The item's version the case is handled under.
    pub item_version: i64,
    pub item_code: String,
    pub item_name: String,
    pub unit_id: UnitId,
    pub window: Option<String>,
    pub channel: ServiceChannel,
    pub state: ServiceCaseState,
    pub applicant_name: String,
    pub applicant_phone: String,
    pub note: Option<String>,
    /// The first-contact officer, or whom they handed the case to.
    pub responsible_id: PersonId,
    pub received_at: Timestamp,
    pub accepted_on: Option<NaiveDate>,
    /// Done or refused on.
    pub done_on: Option<NaiveDate>,
    pub suspensions: Vec<Suspension>,
    /// The item's steps, in order, and those recorded so far.
    pub steps: Vec<String>,
    pub steps_done: Vec<String>,
    /// 一次性告知 given (a second is a problem of manner).
    pub notices_given: u32,
    /// Times the applicant came, the first included, and whether that is more than the item
    /// promises (跑动次数).
    pub visits: u32,
    pub over_visits: bool,
    /// The result (done) or the reason (refused).
    pub outcome: Option<String>,
    pub promised_limit_days: u32,
    pub legal_limit_days: u32,
    /// Once accepted: working days run, due days, standing and light.
    pub clock: Option<ServiceClock>,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One line of a case's record: received, or an action with what it recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceCaseEvent {
    /// None: received.
    pub action: Option<ServiceCaseAction>,
    pub at: Timestamp,
    /// Who did it (their account's name).
    pub by: Option<String>,
    pub step: Option<String>,
    pub note: Option<String>,
    pub missing: Vec<String>,
}

/// A case with its record, as `GET /api/v1/service-cases/{id}` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceCaseDetail {
    #[serde(flatten)]
    pub case: ServiceCase,
    pub events: Vec<ServiceCaseEvent>,
}

/// What the public tracking page shows of a case: the item, the steps and where it stands,
/// nothing of the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceProgress {
    pub tracking_code: String,
    pub item_name: String,
    pub state: ServiceCaseState,
    pub steps: Vec<String>,
    pub steps_done: Vec<String>,
    pub received_on: NaiveDate,
    pub accepted_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub promised_due: Option<NaiveDate>,
    pub outcome: Option<String>,
}

impl ServiceCase {
    pub fn progress(&self) -> ServiceProgress {
        ServiceProgress {
            tracking_code: self.tracking_code.clone(),
            item_name: self.item_name.clone(),
            state: self.state,
            steps: self.steps.clone(),
            steps_done: self.steps_done.clone(),
            received_on: self.received_at.china_date(),
            accepted_on: self.accepted_on,
            done_on: self.done_on,
            promised_due: self.clock.and_then(|c| c.promised_due),
            outcome: self.outcome.clone(),
        }
    }
}

/// The first SMS: the application for `item` is received (the store adds the tracking code).
pub fn received(item: &str) -> crate::notice::Notice {
    use crate::notice::{Notice, NoticeTemplate, Recipient};
    Notice::new(Recipient::Citizen, NoticeTemplate::ServiceReceived).with("item", item)
}

/// The ledger problem a second 一次性告知 makes: the unit told the applicant twice what to
/// bring, which is a problem of manner (作风) by definition.
pub fn repeated_notice_problem(case: &ServiceCase, missing: &[String]) -> String {
    format!(
        "办件{}（{}）第{}次一次性告知，补告材料：{}。一次性告知应一次讲清全部材料。",
        case.tracking_code,
        case.item_name,
        case.notices_given,
        missing.join("、")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_case() -> NewServiceCase {
        NewServiceCase {
            item_id: Some(ServiceItemId(1)),
            channel: Some(ServiceChannel::Window),
            applicant_name: Some("王秀英".into()),
            applicant_phone: Some("13912345678".into()),
            note: None,
            responsible_id: Some(PersonId(3)),
        }
    }

    #[test]
    fn a_new_case_names_every_bad_field() {
        let ok = new_case().validate().unwrap();
        assert_eq!((ok.applicant_name.as_str(), ok.applicant_phone.as_str()), ("王秀英", "13912345678"));
        let bad = NewServiceCase { applicant_phone: Some("12".into()), ..Default::default() }.validate().unwrap_err();
        assert_eq!(bad.fields(), ["item_id", "channel", "responsible_id", "applicant_name", "applicant_phone"]);
        let no_phone = NewServiceCase { applicant_phone: None, ..new_case() }.validate().unwrap_err();
        assert_eq!(no_phone, DomainError::field("applicant_phone", Issue::Required));
    }

    #[test]
    fn a_transition_names_its_action_and_what_it_needs() {
        let none = ServiceTransitionRequest::default().request().unwrap_err();
        assert_eq!(none, DomainError::field("action", Issue::Required));
        let typo = ServiceTransitionRequest { action: Some("acept".into()), ..Default::default() };
        assert_eq!(typo.request().unwrap_err().fields(), ["action"]);
        let hand = ServiceTransitionRequest { action: Some("hand_over".into()), ..Default::default() };
        assert_eq!(hand.request().unwrap_err(), DomainError::field("to", Issue::Required));
        let step = ServiceTransitionRequest {
            action: Some("record_step".into()),
            step: Some("审核".into()),
            ..Default::default()
        };
        assert_eq!(step.request().unwrap(), ServiceRequest::RecordStep { step: "审核".into() });
    }
}
