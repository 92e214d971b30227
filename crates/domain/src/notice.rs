//! Notices (通知) as decisions: who is told, which message, with which values. A state machine's
//! decision carries them; the store finds the recipient's address and queues them in the same
//! transaction; the words of each message are in the catalog (`notice_subject.*`,
//! `notice_body.*`), never in the code that decides or stores.

use crate::ids::{PersonId, UnitId};

crate::wire_enum! {
    /// How a notice is delivered.
    pub enum NoticeChannel: "notice_channel" {
        Email = "email",
        Sms = "sms",
    }
}

crate::wire_enum! {
    /// The messages Rectify sends. Each has a subject and a body in the catalog; `{name}` in the
    /// text is filled from the notice's parameters.
    pub enum NoticeTemplate: "notice" {
        /// To the citizen: registered, with the tracking code (`code`).
        CaseRegistered = "case_registered",
        /// To the citizen: accepted.
        CaseAccepted = "case_accepted",
        /// To the citizen: declined, with the `reason`.
        CaseDeclined = "case_declined",
        /// To the citizen: the `answer`.
        CaseReplied = "case_replied",
        /// To the citizen: please rate the reply.
        RateRequest = "rate_request",
        /// To the citizen: forwarded to a unit (`unit`, named by the store), answered by `due`.
        CaseForwarded = "case_forwarded",
        /// To the citizen: the unit asked for more time, until `due`.
        ExtensionAsked = "extension_asked",
        /// To the citizen: the office granted the extension; the answer is due by `due`.
        ExtensionGranted = "extension_granted",
        /// To the citizen: the office refused the extension; the answer is still due by `due`.
        ExtensionRefused = "extension_refused",
        /// To the citizen: the case is handled again (by `unit`, answered by `due`).
        CaseReopened = "case_reopened",
        /// To the citizen: taken into the rectification ledger as problem `problem` (its public
        /// page `link`).
        CaseMerged = "case_merged",
        /// To the citizen: the case is closed (办结).
        CaseClosed = "case_closed",
        /// To a unit: a case (`case`) to sign for and answer by `due`.
        CaseAssigned = "case_assigned",
        /// To a unit: case `case` was due to be signed for by `due`.
        CaseSignOverdue = "case_sign_overdue",
        /// To a unit: case `case` was due to be answered by `due`.
        CaseOverdue = "case_overdue",
        /// To a unit: case `case` is due on `due`.
        CaseDueSoon = "case_due_soon",
        /// To a unit and the person responsible: problem `problem` was due by `due`.
        ProblemOverdue = "problem_overdue",
        /// To a unit and the person responsible: problem `problem` is due on `due`.
        ProblemDueSoon = "problem_due_soon",
        /// To a unit and the person responsible: measure `measure` of problem `problem` was due by `due`.
        MeasureOverdue = "measure_overdue",
        /// To a unit and the person responsible: measure `measure` of problem `problem` is due on `due`.
        MeasureDueSoon = "measure_due_soon",
        /// To an applicant: their online application for `item` is submitted, with its tracking code.
        ServiceSubmitted = "service_submitted",
        /// To an applicant: their online application for `item` is returned, for `reason`.
        ServiceReturned = "service_returned",
        /// To an applicant: their application for `item` is received, with its tracking code.
        ServiceReceived = "service_received",
        /// To an applicant: the materials still `missing`, all of them at once (一次性告知).
        ServiceNotified = "service_notified",
        /// To an applicant: accepted (受理).
        ServiceAccepted = "service_accepted",
        /// To an applicant: `step` is done.
        ServiceStep = "service_step",
        /// To an applicant: the clock stopped for `reason`.
        ServiceSuspended = "service_suspended",
        /// To an applicant: handled again.
        ServiceResumed = "service_resumed",
        /// To an applicant: done (办结), with the `result`.
        ServiceDone = "service_done",
        /// To an applicant: refused, for `reason`.
        ServiceRefused = "service_refused",
        /// To a citizen: an appointment for `item` on `day` at `time`, `place`, with its code.
        AppointmentBooked = "appointment_booked",
        /// To a citizen: the appointment for `item` on `day` at `time` is cancelled.
        AppointmentCancelled = "appointment_cancelled",
        /// To an applicant: `item` is done; rate it at `link` within `days` days (一事一评).
        RatingLink = "rating_link",
        /// To a unit: a bad rating of service case `case`, to call back by `call_by` and
        /// rectify by `rectify_by`.
        RatingBad = "rating_bad",
        /// To an applicant: their bad rating was looked into and `measure` taken.
        RatingRectified = "rating_rectified",
    }
}

/// Who a notice is for; the store knows their addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// The citizen who raised the case (by SMS to a mobile, and e-mail if given).
    Citizen,
    /// A unit, at its published mailbox.
    Unit(UnitId),
    /// A person in the directory (a cadre responsible for a problem), by SMS to their mobile.
    Person(PersonId),
}

/// One message to send, decided by the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub to: Recipient,
    pub template: NoticeTemplate,
    /// Values for the template's `{name}` placeholders.
    pub params: Vec<(&'static str, String)>,
    /// Notices that must go out at most once (a reminder for one due date) carry a key.
    pub once_key: Option<String>,
    /// The unit the text names as `{unit}` (the store looks its name up).
    pub names_unit: Option<UnitId>,
}

impl Notice {
    pub fn new(to: Recipient, template: NoticeTemplate) -> Notice {
        Notice { to, template, params: Vec::new(), once_key: None, names_unit: None }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> Notice {
        self.params.push((name, value.to_string()));
        self
    }

    /// Names `unit` in the text as `{unit}`.
    pub fn naming(mut self, unit: UnitId) -> Notice {
        self.names_unit = Some(unit);
        self
    }

    pub fn once(mut self, key: String) -> Notice {
        self.once_key = Some(key);
        self
    }
}
