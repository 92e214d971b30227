//! The authorization matrix, on both databases: every route of the application (the OpenAPI
//! document's operations and the pages, as `rectify_web::route_table` lists them) × every kind
//! of caller × a record of the caller's own unit and one of another unit, with the outcome the
//! rules give. A route without an entry here fails the test, so a new route is refused until
//! someone decides who may use it.
//!
//! Outcomes: `A` the request got past authorization (2xx, a redirect other than to the sign-in
//! page, or 409/422 from the use case), `D` it was refused: 401 for the anonymous on the API, a
//! redirect to `/login` for the anonymous on staff pages, 403 or 404 (a record outside the
//! caller's scope is hidden as "not found") for everyone else. On list routes the caller asks
//! for one record by its text: `A` it is listed, `D` it is refused or left out. Anything else
//! (400, 429, 500 …) fails the test: the request itself is wrong.
//!
//! Every state-changing request carries a valid body (and the session's CSRF token on pages),
//! so that a refusal comes from authorization, not from validation. Requests that use up a
//! record's state (transitions, edits with a version) get a fresh record per caller.

mod common;

use common::{ADMIN_PASSWORD, PNG, TestApp, TextOf};
use rectify_store::Backend;
use rectify_store::on_both;
use rectify_web::WebConfig;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, Method};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Instant;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Caller {
    Anonymous,
    OfficeAdmin,
    OfficeStaff,
    UnitLeader,
    UnitClerk,
    Inspector,
    Evaluator,
}

/// The column order of the expectations.
const CALLERS: [Caller; 7] = [
    Caller::Anonymous,
    Caller::OfficeAdmin,
    Caller::OfficeStaff,
    Caller::UnitLeader,
    Caller::UnitClerk,
    Caller::Inspector,
    Caller::Evaluator,
];

impl Caller {
    fn index(self) -> usize {
        CALLERS.iter().position(|c| *c == self).unwrap()
    }

    /// The account's name and password (`admin` is the first account).
    fn credentials(self) -> (String, String) {
        match self {
            Caller::Anonymous | Caller::OfficeAdmin => ("admin".into(), ADMIN_PASSWORD.into()),
            other => (format!("mx-{}", other.role()), "password-123".into()),
        }
    }

    fn role(self) -> &'static str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::OfficeAdmin => "office_admin",
            Caller::OfficeStaff => "office_staff",
            Caller::UnitLeader => "unit_leader",
            Caller::UnitClerk => "unit_clerk",
            Caller::Inspector => "inspector",
            Caller::Evaluator => "evaluator",
        }
    }

    fn is_office(self) -> bool {
        matches!(self, Caller::OfficeAdmin | Caller::OfficeStaff)
    }
}

/// Which record a request is about: for ownership fixtures, the caller's own unit's (for the
/// leader, a sub-unit of theirs) or another unit's; otherwise the one record there is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scope {
    Only,
    Own,
    Other,
}

/// What a request needs before it is sent.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fix {
    None,
    StaticFile,
    VendorFile,
    /// A file of a map library (`/static/vendor/leaflet/…`).
    MapLibraryFile,
    /// A loaded calendar year.
    Year,
    /// A year to load.
    NewYear,
    Campaign,
    Batch,
    IntakeSession,
    FreshToken,
    /// A replied case's tracking code and phone tail.
    Track,
    FreshTrack,
    /// A published problem (the public board).
    Published,
    /// The caller's own credentials.
    Login,
    /// A second session of the caller, to end.
    SpareSession,
    // With ownership: the records of the own and the other unit.
    /// A unit named by the body (a parent, an owner).
    InUnit,
    Unit,
    Person,
    Problem,
    FreshProblem,
    /// A fresh problem with one measure.
    FreshMeasure,
    /// Evidence on a problem.
    Attachment,
    /// A problem, and a fresh case to attach to it.
    ProblemAndCase,
    /// A fresh case, and a problem to merge it into (the case page's form).
    CaseAndProblem,
    /// A case assigned to the unit.
    Case,
    FreshCase,
    /// The problem list, asked for one problem by its text.
    ProblemList,
    CaseList,
    /// Search, asked for one problem by its text (once the index has caught up).
    SearchList,
    // Inspections (no ownership: the office and inspectors).
    Plan,
    /// A drawn overt round (with a finding), its plan's target named by the body.
    DrawnRound,
    EndedRound,
    FreshRound,
    FreshDrawnRound,
    Finding,
    Reinspection,
    /// A re-inspection whose every check is in (its seed and evidence public).
    EndedReinspection,
    FreshReinspection,
    /// A drawn re-inspection, a sampled problem named by the body.
    FreshDrawnReinspection,
    /// A published inspection bulletin.
    Bulletin,
    /// The inspector's account, to tie to a person (one in no plan's pool, so that the
    /// inspector stays outside every round).
    Account,
    /// An accountability action recorded (so confirmed) about the unit.
    Action,
    /// The kind of file (`{kind}`) imported or exported.
    Kind,
    /// A published campaign bulletin (简报).
    Issue,
    /// The campaign bulletins, asked for a draft (the office's only).
    Drafts,
    /// A fresh draft of a campaign bulletin (version 1), to edit or publish.
    FreshDraft,
    /// A fresh published item of the service catalog in the unit (version 1).
    FreshService,
    FreshServiceCase,
    FreshServiceTrack,
    /// A return-visit sample of one done service case (p.id the sample, p.extra the case).
    FreshSample,
    /// A fresh appointment item of the unit with slots (`{id}`).
    FreshAppointmentItem,
    /// A booking made today of a fresh appointment item of the unit (`{id}`), and a person of
    /// the unit to receive the citizen.
    FreshBooking,
    /// An appointment item of unit A with slots (`{id}`), to book (a fresh phone each).
    BookableItem,
    /// A booking of unit A: its code (`{tracking_code}`, `code=`) and its phone's tail.
    PublicBooking,
    /// An area (unit A) whose 便民服务一本通 is asked for (`unit=`).
    Area,
    /// An item of unit A handled fully online (`{id}`), to apply for.
    OnlineItem,
    /// An online application waiting for the pre-check in the unit (`{id}`), and a person of
    /// the unit to take it up.
    FreshApplication,
    /// An online application of unit A by its tracking code (`{tracking_code}`).
    ApplicationTrack,
}

impl Fix {
    fn owned(self) -> bool {
        matches!(
            self,
            Fix::InUnit
                | Fix::Unit
                | Fix::Person
                | Fix::Problem
                | Fix::FreshProblem
                | Fix::FreshMeasure
                | Fix::Attachment
                | Fix::ProblemAndCase
                | Fix::CaseAndProblem
                | Fix::Case
                | Fix::FreshCase
                | Fix::ProblemList
                | Fix::CaseList
                | Fix::SearchList
                | Fix::Action
                | Fix::FreshService
                | Fix::FreshAppointmentItem
                | Fix::FreshBooking
                | Fix::FreshServiceCase
                | Fix::FreshApplication
        )
    }
}

/// A prepared request's parameters.
#[derive(Debug, Clone, Default)]
struct P {
    /// `{id}`, `{year}`, `{file}`, `{tracking_code}`.
    id: String,
    /// `{measure_id}`, `{mid}`.
    sub: String,
    /// The unit a body names.
    unit: String,
    /// More query parameters.
    query: String,
    /// List routes: the record asked for by its text, as (text, id, its page's address).
    listed: Option<(String, String, &'static str)>,
    /// A second id (a case to attach), a phone tail, a name.
    extra: String,
    /// A password.
    secret: String,
    /// Sent with this session instead of the caller's (`Some(None)`: with none).
    session: Option<Option<String>>,
    /// A number unique to this request, for names that must not repeat.
    n: usize,
}

enum Body {
    None,
    Json(Value),
    Form(Vec<(&'static str, String)>),
    Upload,
    /// A spreadsheet to import (a dry run), with these form fields.
    Spreadsheet(Vec<(&'static str, String)>),
}

type BodyFn = fn(&P, Caller) -> Body;

struct Entry {
    method: Method,
    path: &'static str,
    /// A fixed query string.
    query: &'static str,
    fix: Fix,
    body: BodyFn,
    /// Per caller (in [`CALLERS`] order), `A` or `D`; two letters (own, other) for ownership
    /// fixtures.
    expect: &'static str,
}

// Expectations used by many routes.
/// Everyone, signed in or not.
const PUBLIC: &str = "A A A A A A A";
/// Any account.
const SIGNED: &str = "D A A A A A A";
/// The supervising office.
const OFFICE: &str = "D A A D D D D";
/// The office administrator.
const ADMIN: &str = "D A D D D D D";
/// Reference data (directory), with a record of the own and another unit: any account.
const DIRECTORY: &str = "DD AA AA AA AA AA AA";
/// Managing reference data with a record of the own and another unit: the office only.
const MANAGE: &str = "DD AA AA DD DD DD DD";
/// Reading the ledger or a case: the office and inspectors everything, a unit's staff their
/// own (a leader's sub-units included), evaluators only what is published.
const READ: &str = "DD AA AA AD AD AA DD";
/// Acting on a problem or case: the office anything, a unit's staff their own.
const WRITE: &str = "DD AA AA AD AD DD DD";
/// Inspections: the office and inspectors read them.
const INSPECT: &str = "D A A D D A D";
/// Accountability records and points: the office all, a unit's staff their own, nobody else.
const ACCOUNTABLE: &str = "DD AA AA AD AD DD DD";
/// Lists of accountability records and points: the office and unit staff (their own rows).
const ACCOUNTABLE_LIST: &str = "D A A A A D D";

fn row(method: Method, path: &'static str, query: &'static str, fix: Fix, body: BodyFn, expect: &'static str) -> Entry {
    Entry { method, path, query, fix, body, expect }
}

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const PATCH: Method = Method::PATCH;
const DELETE: Method = Method::DELETE;

/// The authorization matrix: one line per route.
#[rustfmt::skip]
fn entries() -> Vec<Entry> {
    use Fix as F;
    vec![
        // Health, the API's document and its viewer, static files.
        row(GET,    "/healthz",                                    "", F::None,           none,            PUBLIC),
        row(GET,    "/api/v1/openapi.json",                        "", F::None,           none,            PUBLIC),
        row(GET,    "/api/docs",                                   "", F::None,           none,            PUBLIC),
        row(GET,    "/api/docs/init.js",                           "", F::None,           none,            PUBLIC),
        row(GET,    "/api/docs/vendor/{file}",                     "", F::VendorFile,     none,            PUBLIC),
        row(GET,    "/static/{file}",                              "", F::StaticFile,     none,            PUBLIC),
        row(GET,    "/static/vendor/{lib}/{*file}",                "", F::MapLibraryFile, none,            PUBLIC),
        // Sessions: signing in and out needs no account; asking who is signed in does.
        row(POST,   "/api/v1/session",                             "", F::Login,          credentials,     PUBLIC),
        row(GET,    "/api/v1/session",                             "", F::None,           none,            SIGNED),
        row(DELETE, "/api/v1/session",                             "", F::SpareSession,   none,            PUBLIC),
        // Accounts and tokens: the administrator.
        row(GET,    "/api/v1/accounts",                            "", F::None,           none,            ADMIN),
        row(POST,   "/api/v1/accounts",                            "", F::None,           new_account,     ADMIN),
        row(GET,    "/api/v1/tokens",                              "", F::None,           none,            ADMIN),
        row(POST,   "/api/v1/tokens",                              "", F::None,           new_token,       ADMIN),
        row(DELETE, "/api/v1/tokens/{id}",                         "", F::FreshToken,     none,            ADMIN),
        // The unit tree and people: every account reads them, the office changes them.
        row(GET,    "/api/v1/units",                               "", F::None,           none,            SIGNED),
        row(POST,   "/api/v1/units",                               "", F::InUnit,         new_unit,        MANAGE),
        row(GET,    "/api/v1/units/{id}",                          "", F::Unit,           none,            DIRECTORY),
        row(PATCH,  "/api/v1/units/{id}",                          "", F::Unit,           unit_patch,      MANAGE),
        row(GET,    "/api/v1/people",                              "", F::None,           none,            SIGNED),
        row(POST,   "/api/v1/people",                              "", F::InUnit,         new_person,      MANAGE),
        row(GET,    "/api/v1/people/{id}",                         "", F::Person,         none,            DIRECTORY),
        row(PATCH,  "/api/v1/people/{id}",                         "", F::Person,         person_patch,    MANAGE),
        // A person's rectification plan: whoever may see the person; its rows follow the ledger's
        // visibility (tests/plans.rs).
        row(GET,    "/api/v1/people/{id}/plan",                    "", F::Person,         none,            DIRECTORY),
        row(GET,    "/api/v1/people/{id}/plan/document",           "format=pdf", F::Person, none,          DIRECTORY),
        // Campaigns and batches: every account reads them, the office runs them.
        row(GET,    "/api/v1/campaigns",                           "", F::None,           none,            SIGNED),
        row(POST,   "/api/v1/campaigns",                           "", F::InUnit,         new_campaign,    MANAGE),
        row(GET,    "/api/v1/campaigns/{id}",                      "", F::Campaign,       none,            SIGNED),
        row(PATCH,  "/api/v1/campaigns/{id}",                      "", F::Campaign,       campaign_patch,  OFFICE),
        row(GET,    "/api/v1/campaigns/{id}/batches",              "", F::Campaign,       none,            SIGNED),
        row(POST,   "/api/v1/campaigns/{id}/batches",              "", F::Campaign,       new_batch,       OFFICE),
        row(GET,    "/api/v1/batches",                             "", F::None,           none,            SIGNED),
        row(POST,   "/api/v1/batches",                             "", F::Campaign,       new_batch,       OFFICE),
        row(GET,    "/api/v1/batches/{id}",                        "", F::Batch,          none,            SIGNED),
        row(GET,    "/api/v1/batches/{id}/immediate-list",         "", F::Batch,          none,            SIGNED),
        // The ledger.
        row(GET,    "/api/v1/problems",                            "", F::ProblemList,    none,            READ),
        row(POST,   "/api/v1/problems",                            "", F::InUnit,         new_problem,     WRITE),
        row(GET,    "/api/v1/problems/{id}",                       "", F::Problem,        none,            READ),
        row(PATCH,  "/api/v1/problems/{id}",                       "", F::FreshProblem,   problem_patch,   WRITE),
        row(POST,   "/api/v1/problems/{id}/transitions",           "", F::FreshProblem,   start,           WRITE),
        row(GET,    "/api/v1/problems/{id}/progress",              "", F::Problem,        none,            READ),
        row(POST,   "/api/v1/problems/{id}/progress",              "", F::Problem,        progress,        WRITE),
        row(POST,   "/api/v1/problems/{id}/measures",              "", F::Problem,        new_measure,     WRITE),
        row(PATCH,  "/api/v1/problems/{id}/measures/{measure_id}", "", F::FreshMeasure,   measure_done,    WRITE),
        row(GET,    "/api/v1/problems/{id}/history",               "", F::Problem,        none,            READ),
        row(POST,   "/api/v1/problems/{id}/cases",                 "", F::ProblemAndCase, attach_case,     MANAGE),
        row(POST,   "/api/v1/attachments",                         "", F::None,           |_, _| Body::Upload, SIGNED),
        row(GET,    "/api/v1/attachments/{id}",                    "", F::Attachment,     none,            READ),
        row(GET,    "/api/v1/stats/problems",                      "", F::None,           none,            SIGNED),
        // Search: everyone may ask; each finds what they may read (READ), published problems
        // included for the anonymous (tests/search.rs).
        // The taxonomy: anyone signed in who reads the directory.
        row(GET,    "/api/v1/categories",                          "", F::None,           none,            SIGNED),
        // Scores a reply; writes nothing.
        row(POST,   "/api/v1/triage/reply-check",                  "", F::None,           reply_check,     SIGNED),
        // Suggestions answer categories and unit ids, never text: anyone signed in.
        row(POST,   "/api/v1/triage/suggest",                      "", F::None,           suggest,         SIGNED),
        row(GET,    "/api/v1/triage/status",                       "", F::None,           none,            SIGNED),
        row(GET,    "/api/v1/hotspots",                            "", F::None,           none,            SIGNED),
        row(POST,   "/api/v1/triage/retrain",                      "", F::None,           none,            ADMIN),
        row(GET,    "/api/v1/search",                              "", F::SearchList,     none,            READ),
        // The working-day calendar and settings: every account reads them, the administrator
        // sets them.
        row(GET,    "/api/v1/calendar",                            "", F::None,           none,            SIGNED),
        row(GET,    "/api/v1/calendar/{year}",                     "", F::Year,           none,            SIGNED),
        row(PUT,    "/api/v1/calendar/{year}",                     "", F::NewYear,        calendar_year,   ADMIN),
        row(GET,    "/api/v1/calendar/deadline", "from=2026-03-02&working_days=3", F::None, none,          SIGNED),
        row(GET,    "/api/v1/calendar/working-days", "from=2026-03-02&to=2026-03-20", F::None, none,       SIGNED),
        row(GET,    "/api/v1/settings",                            "", F::None,           none,            SIGNED),
        row(PUT,    "/api/v1/settings",                            "", F::None,           settings,        ADMIN),
        // Citizen cases. Without an account `POST /cases` is the public form; with one it
        // registers a case from another channel, which is the office's job.
        row(GET,    "/api/v1/cases",                               "", F::CaseList,       none,            READ),
        row(POST,   "/api/v1/cases",                               "", F::None,           new_case,        "A A A D D D D"),
        row(GET,    "/api/v1/cases/{id}",                          "", F::Case,           none,            READ),
        row(GET,    "/api/v1/cases/{id}/events",                   "", F::Case,           none,            READ),
        // Similar records: only those the caller may open, of a case they may open.
        row(GET,    "/api/v1/cases/{id}/similar",                  "", F::Case,           none,            READ),
        row(POST,   "/api/v1/cases/{id}/transitions",              "", F::FreshCase,      case_action,     WRITE),
        // A citizen's contact details in full: the office only, with a reason.
        row(POST,   "/api/v1/cases/{id}/contact",                  "", F::Case,           reveal,          MANAGE),
        // Investigations of reports: the office and the assigned unit dispatch, the office
        // concludes; a case that is not an accepted report answers 422 past authorization.
        row(GET,    "/api/v1/cases/{id}/investigation",            "", F::Case,           none,            READ),
        row(POST,   "/api/v1/cases/{id}/dispatches",               "", F::Case,           dispatch,        WRITE),
        row(PUT,    "/api/v1/cases/{id}/investigation",            "", F::Case,           outcome,         MANAGE),
        row(POST,   "/app/cases/{id}/dispatches",                  "", F::Case,           dispatch_form,   WRITE),
        row(POST,   "/app/cases/{id}/attach",                      "", F::CaseAndProblem, merge_form,      MANAGE),
        row(POST,   "/app/cases/{id}/investigation",               "", F::Case,           outcome_form,    MANAGE),
        row(GET,    "/api/v1/stats/investigations",                "", F::None,           none,            INSPECT),
        row(GET,    "/api/v1/track/{tracking_code}",               "", F::Track,          none,            PUBLIC),
        row(POST,   "/api/v1/track/{tracking_code}/rating",        "", F::FreshTrack,     rating,          PUBLIC),
        row(GET,    "/api/v1/stats/cases",                         "", F::None,           none,            SIGNED),
        row(GET,    "/api/v1/intake-sessions",                     "", F::None,           none,            OFFICE),
        row(POST,   "/api/v1/intake-sessions",                     "", F::None,           intake_session,  OFFICE),
        row(GET,    "/api/v1/intake-sessions/{id}",                "", F::IntakeSession,  none,            OFFICE),
        row(GET,    "/api/v1/outbox",                              "", F::None,           none,            ADMIN),
        // Inspections: the office runs them, inspectors read them and record findings in the
        // rounds they are drawn into (the matrix's inspector is in none).
        row(GET,    "/api/v1/inspection-plans",                    "", F::None,           none,            INSPECT),
        row(POST,   "/api/v1/inspection-plans",                    "", F::Plan,           new_plan,        OFFICE),
        row(GET,    "/api/v1/inspection-plans/{id}",               "", F::Plan,           none,            INSPECT),
        row(GET,    "/api/v1/inspection-plans/{id}/rounds",        "", F::Plan,           none,            INSPECT),
        row(POST,   "/api/v1/inspection-plans/{id}/rounds",        "", F::Plan,           empty,           OFFICE),
        row(GET,    "/api/v1/rounds",                              "", F::None,           none,            INSPECT),
        row(GET,    "/api/v1/rounds/{id}",                         "", F::DrawnRound,     none,            INSPECT),
        row(POST,   "/api/v1/rounds/{id}/draw",                    "", F::FreshRound,     empty,           OFFICE),
        row(POST,   "/api/v1/rounds/{id}/end",                     "", F::FreshDrawnRound, empty,          OFFICE),
        row(GET,    "/api/v1/rounds/{id}/evidence",                "", F::EndedRound,     none,            INSPECT),
        row(GET,    "/api/v1/rounds/{id}/verify",                  "", F::EndedRound,     none,            INSPECT),
        row(GET,    "/api/v1/rounds/{id}/findings",                "", F::DrawnRound,     none,            INSPECT),
        row(POST,   "/api/v1/rounds/{id}/findings",                "", F::DrawnRound,     new_finding,     OFFICE),
        row(GET,    "/api/v1/findings/{id}",                       "", F::Finding,        none,            INSPECT),
        row(GET,    "/api/v1/reinspections",                       "", F::None,           none,            INSPECT),
        row(POST,   "/api/v1/reinspections",                       "", F::None,           new_reinspection, OFFICE),
        row(GET,    "/api/v1/reinspections/{id}",                  "", F::Reinspection,   none,            INSPECT),
        row(POST,   "/api/v1/reinspections/{id}/draw",             "", F::FreshReinspection, empty,        OFFICE),
        row(POST,   "/api/v1/reinspections/{id}/checks",           "", F::FreshDrawnReinspection, check_passed, OFFICE),
        row(GET,    "/api/v1/reinspections/{id}/verify",           "", F::Reinspection,   none,            INSPECT),
        row(PUT,    "/api/v1/accounts/{id}/person",                "", F::Account,        account_person,  ADMIN),
        row(GET,    "/app/inspections",                            "", F::None,           none,            INSPECT),
        row(POST,   "/app/inspection-plans",                       "", F::Plan,           plan_form,       OFFICE),
        row(GET,    "/app/inspection-plans/{id}",                  "", F::Plan,           none,            INSPECT),
        row(POST,   "/app/inspection-plans/{id}/rounds",           "", F::Plan,           |_, _| form(&[]), OFFICE),
        row(GET,    "/app/rounds/{id}",                            "", F::DrawnRound,     none,            INSPECT),
        row(POST,   "/app/rounds/{id}/draw",                       "", F::FreshRound,     |_, _| form(&[]), OFFICE),
        row(POST,   "/app/rounds/{id}/end",                        "", F::FreshDrawnRound, |_, _| form(&[]), OFFICE),
        row(POST,   "/app/rounds/{id}/findings",                   "", F::DrawnRound,     finding_form,    OFFICE),
        row(GET,    "/api/v1/inspection-bulletins",                "", F::None,           none,            INSPECT),
        row(POST,   "/api/v1/inspection-bulletins",                "", F::None,           new_bulletin,    OFFICE),
        row(GET,    "/api/v1/inspection-bulletins/{id}",           "", F::Bulletin,       none,            INSPECT),
        row(POST,   "/app/inspection-bulletins",                   "", F::None,           bulletin_form,   OFFICE),
        row(GET,    "/app/inspection-bulletins/{id}",              "", F::Bulletin,       none,            INSPECT),
        // Accountability: the office decides; a unit's staff read their own. Confirming or
        // dismissing a recorded (already confirmed) action is a 409 for the office.
        row(GET,    "/api/v1/actions",                             "", F::None,           none,            ACCOUNTABLE_LIST),
        row(POST,   "/api/v1/actions",                             "", F::InUnit,         new_action,      MANAGE),
        row(GET,    "/api/v1/actions/{id}",                        "", F::Action,         none,            ACCOUNTABLE),
        row(POST,   "/api/v1/actions/{id}/confirm",                "", F::Action,         none,            MANAGE),
        row(POST,   "/api/v1/actions/{id}/dismiss",                "", F::Action,         dismissal,       MANAGE),
        row(POST,   "/api/v1/actions/decisions",                   "", F::Action,         bulk_decision,   MANAGE),
        row(POST,   "/app/accountability/decisions",               "", F::Action,         bulk_decision_form, MANAGE),
        row(POST,   "/api/v1/actions/proposals/run",               "", F::None,           none,            OFFICE),
        row(GET,    "/api/v1/points",                              "", F::None,           none,            ACCOUNTABLE_LIST),
        // Files in and out: the administrator imports; every account exports what its lists
        // show it (the store scopes the rows and keeps citizens' details to the office).
        row(POST,   "/api/v1/imports/{kind}",                      "", F::Kind,           |_, _| Body::Spreadsheet(vec![("dry_run", "true".into())]), ADMIN),
        row(GET,    "/api/v1/exports/{kind}",                      "format=csv", F::Kind, none,            SIGNED),
        // The service catalog: published items are everyone's; the office writes any, a unit's
        // staff their own unit's.
        row(GET,    "/api/v1/services",                            "", F::None,           none,            PUBLIC),
        row(POST,   "/api/v1/services",                            "", F::InUnit,         new_service,     WRITE),
        row(GET,    "/api/v1/services/{id}",                       "", F::FreshService,   none,            "AA AA AA AA AA AA AA"),
        row(PUT,    "/api/v1/services/{id}",                       "", F::FreshService,   service_revision, WRITE),
        row(GET,    "/api/v1/services/{id}/versions",              "", F::FreshService,   none,            DIRECTORY),
        // The service ledger: the office and the unit's staff receive; the unit's staff handle.
        row(GET,    "/api/v1/service-cases",                       "", F::None,           none,            ACCOUNTABLE_LIST),
        row(POST,   "/api/v1/service-cases",                       "", F::FreshService,   new_service_case, WRITE),
        row(GET,    "/api/v1/service-cases/{id}",                  "", F::FreshServiceCase, none,          READ),
        row(POST,   "/api/v1/service-cases/{id}/transitions",      "", F::FreshServiceCase, service_visit, "DD DD DD AD AD DD DD"),
        row(GET,    "/api/v1/service-cases/track/{tracking_code}", "", F::FreshServiceTrack, none,         PUBLIC),
        row(GET,    "/api/v1/stats/services",                      "", F::None,           none,            SIGNED),
        // Return-visit samples: the office.
        row(GET,    "/api/v1/service-samples",                     "", F::None,           none,            OFFICE),
        row(POST,   "/api/v1/service-samples",                     "", F::None,           new_sample,      OFFICE),
        row(GET,    "/api/v1/service-samples/{id}",                "", F::FreshSample,    none,            OFFICE),
        row(POST,   "/api/v1/service-samples/{id}/calls",          "", F::FreshSample,    sample_call,     OFFICE),
        row(POST,   "/api/v1/service-cases/{id}/contact",          "", F::FreshServiceCase, reveal,        "DD AA AA DD DD DD DD"),
        row(GET,    "/app/service-samples",                        "", F::None,           none,            OFFICE),
        row(POST,   "/app/service-samples",                        "", F::None,           sample_form,     OFFICE),
        row(GET,    "/app/service-samples/{id}",                   "", F::FreshSample,    none,            OFFICE),
        row(POST,   "/app/service-samples/{id}/calls",             "", F::FreshSample,    sample_call_form, OFFICE),
        row(POST,   "/app/service-samples/{id}/reveal",            "", F::FreshSample,    sample_reveal_form, OFFICE),
        row(GET,    "/services",                                   "", F::None,           none,            PUBLIC),
        row(GET,    "/services/{id}",                              "", F::FreshService,   none,            "AA AA AA AA AA AA AA"),
        // Appointments: the public books, looks up and cancels by code and phone tail; the office
        // and the item's unit set slots; the unit's staff take citizens in, the office and the unit
        // cancel.
        row(GET,    "/api/v1/appointments/items/{id}/slots",       "", F::BookableItem,   none,            PUBLIC),
        row(PUT,    "/api/v1/appointments/items/{id}/slots",       "", F::FreshAppointmentItem, slots_body, WRITE),
        row(POST,   "/api/v1/appointments",                        "", F::BookableItem,   new_booking,     PUBLIC),
        row(GET,    "/api/v1/appointments/booking/{tracking_code}", "", F::PublicBooking, none,            PUBLIC),
        row(POST,   "/api/v1/appointments/booking/{tracking_code}/cancel", "", F::PublicBooking, booking_tail, PUBLIC),
        row(GET,    "/api/v1/appointments",                        "", F::None,           none,            ACCOUNTABLE_LIST),
        row(POST,   "/api/v1/appointments/{id}/arrive",            "", F::FreshBooking,   arrival,         "DD DD DD AD AD DD DD"),
        row(POST,   "/api/v1/appointments/{id}/cancel",            "", F::FreshBooking,   no_body_json,    WRITE),
        row(GET,    "/services/{id}/book",                         "", F::BookableItem,   none,            PUBLIC),
        row(POST,   "/services/{id}/book",                         "", F::BookableItem,   booking_form,    PUBLIC),
        row(GET,    "/appointments",                               "", F::PublicBooking,  none,            PUBLIC),
        row(POST,   "/appointments/cancel",                        "", F::PublicBooking,  booking_tail_form, PUBLIC),
        row(GET,    "/app/appointments",                           "", F::None,           none,            ACCOUNTABLE_LIST),
        row(POST,   "/app/appointments/{id}/arrive",               "", F::FreshBooking,   arrival_form,    "DD DD DD AD AD DD DD"),
        row(POST,   "/app/appointments/{id}/cancel",               "", F::FreshBooking,   no_body_form,    WRITE),
        row(GET,    "/app/appointment-slots",                      "", F::None,           none,            ACCOUNTABLE_LIST),
        row(POST,   "/app/appointment-slots/{id}",                 "", F::FreshAppointmentItem, slots_form, WRITE),
        row(GET,    "/services/handbook",                          "format=pdf", F::Area, none,            PUBLIC),
        // Online applications: the public applies and follows by code; the unit's staff
        // pre-check their own unit's (the office reads them, only the unit decides).
        row(POST,   "/api/v1/service-applications",                "", F::OnlineItem,     new_application, PUBLIC),
        row(GET,    "/api/v1/service-applications",                "", F::None,           none,            ACCOUNTABLE_LIST),
        row(GET,    "/api/v1/service-applications/{id}",           "", F::FreshApplication, none,          WRITE),
        row(POST,   "/api/v1/service-applications/{id}/transitions", "", F::FreshApplication, take_up,     "DD DD DD AD AD DD DD"),
        row(GET,    "/api/v1/service-applications/track/{tracking_code}", "", F::ApplicationTrack, none,   PUBLIC),
        row(GET,    "/services/{id}/apply",                        "", F::OnlineItem,     none,            PUBLIC),
        row(POST,   "/services/{id}/apply",                        "", F::OnlineItem,     application_form, PUBLIC),
        row(GET,    "/app/service-applications",                   "", F::None,           none,            ACCOUNTABLE_LIST),
        row(GET,    "/app/service-applications/{id}",              "", F::FreshApplication, none,          WRITE),
        row(POST,   "/app/service-applications/{id}/transitions",  "", F::FreshApplication, take_up_form,  "DD DD DD AD AD DD DD"),
        // Campaign bulletins: published issues are everyone's, drafts and writing the office's.
        row(GET,    "/api/v1/bulletins",                           "", F::Drafts,         none,            OFFICE),
        row(POST,   "/api/v1/bulletins",                           "", F::Campaign,       new_campaign_bulletin, OFFICE),
        row(GET,    "/api/v1/bulletins/{id}",                      "", F::Issue,          none,            PUBLIC),
        row(PATCH,  "/api/v1/bulletins/{id}",                      "", F::FreshDraft,     draft_patch,     OFFICE),
        row(POST,   "/api/v1/bulletins/{id}/publish",              "version=1", F::FreshDraft, none,       OFFICE),
        row(GET,    "/api/v1/bulletins/{id}/content",              "", F::Issue,          none,            PUBLIC),
        row(GET,    "/api/v1/bulletins/{id}/document",             "format=docx", F::Issue, none,          PUBLIC),
        row(POST,   "/api/v1/points/deductions",                   "", F::Person,         deduction,       MANAGE),
        row(GET,    "/api/v1/people/{id}/points",                  "", F::Person,         none,            ACCOUNTABLE),
        // The public record of draws and audit heads: everyone, no account needed.
        row(GET,    "/api/v1/transparency",                        "", F::None,           none,            PUBLIC),
        row(GET,    "/api/v1/transparency/rounds/{id}/evidence",   "", F::EndedRound,     none,            PUBLIC),
        row(GET,    "/api/v1/transparency/reinspections/{id}/evidence", "", F::EndedReinspection, none,    PUBLIC),
        row(GET,    "/transparency",                               "", F::None,           none,            PUBLIC),
        row(GET,    "/transparency/rounds/{id}/evidence.json",     "", F::EndedRound,     none,            PUBLIC),
        row(GET,    "/transparency/reinspections/{id}/evidence.json", "", F::EndedReinspection, none,      PUBLIC),
        row(GET,    "/transparency/audit-heads.txt",               "", F::None,           none,            PUBLIC),
        // The public portal.
        row(GET,    "/",                                           "", F::None,           none,            PUBLIC),
        row(GET,    "/submit",                                     "", F::None,           none,            PUBLIC),
        row(POST,   "/submit",                                     "", F::None,           portal_case,     PUBLIC),
        row(GET,    "/track",                                      "", F::None,           none,            PUBLIC),
        row(POST,   "/track/rating",                               "", F::FreshTrack,     rating_form,     PUBLIC),
        // Forgetting the remembered code touches only the device's cookie; a sent photo needs
        // the code and phone tail of its case, which no caller here gives.
        row(POST,   "/track/forget",                               "", F::None,           none,            PUBLIC),
        row(GET,    "/track/photos/{id}",                          "", F::None,           none,            "D D D D D D D"),
        row(GET,    "/board",                                      "", F::None,           none,            PUBLIC),
        row(GET,    "/board/{id}",                                 "", F::Published,      none,            PUBLIC),
        row(GET,    "/directory",                                  "", F::None,           none,            PUBLIC),
        row(GET,    "/bulletins",                                  "", F::None,           none,            PUBLIC),
        // The portal's search: published items and bulletins only (tests/search.rs).
        row(GET,    "/search",                                     "q=mx", F::None,       none,            PUBLIC),
        row(GET,    "/bulletins/{id}",                             "", F::Issue,          none,            PUBLIC),
        row(GET,    "/login",                                      "", F::None,           none,            PUBLIC),
        row(POST,   "/login",                                      "", F::Login,          login_form,      PUBLIC),
        row(POST,   "/logout",                                     "", F::SpareSession,   |_, _| form(&[]), PUBLIC),
        // The workbench.
        row(GET,    "/app",                                        "", F::None,           none,            SIGNED),
        row(GET,    "/app/dashboard",                              "", F::None,           none,            SIGNED),
        row(GET,    "/app/search",                                 "q=mx", F::None,       none,            SIGNED),
        // The map of the open cases the user handles (empty for those who handle none).
        row(GET,    "/app/hotspots",                               "", F::None,           none,            SIGNED),
        row(GET,    "/app/map",                                    "", F::None,           none,            SIGNED),
        row(GET,    "/app/problems",                               "", F::ProblemList,    none,            READ),
        // The form is for those who may write a problem for some unit.
        row(GET,    "/app/problems/new",                           "", F::None,           none,            "D A A A A D D"),
        row(POST,   "/app/problems/new",                           "", F::InUnit,         problem_form,    WRITE),
        row(GET,    "/app/problems/{id}",                          "", F::Problem,        none,            READ),
        row(POST,   "/app/problems/{id}/transitions",              "", F::FreshProblem,   start_form,      WRITE),
        row(POST,   "/app/problems/{id}/progress",                 "", F::Problem,        progress_form,   WRITE),
        row(POST,   "/app/problems/{id}/measures",                 "", F::Problem,        measure_form,    WRITE),
        row(POST,   "/app/problems/{id}/measures/{mid}/done",      "", F::FreshMeasure,   done_form,       WRITE),
        row(GET,    "/app/cases",                                  "box=all", F::CaseList, none,           READ),
        row(GET,    "/app/cases/new",                              "", F::None,           none,            OFFICE),
        row(GET,    "/app/service-cases",                          "", F::None,           none,            ACCOUNTABLE_LIST),
        row(GET,    "/app/service-cases/new",                      "", F::None,           none,            ACCOUNTABLE_LIST),
        row(POST,   "/app/service-cases/new",                      "", F::FreshService,   service_case_form, WRITE),
        row(GET,    "/app/service-cases/{id}",                     "", F::FreshServiceCase, none,          READ),
        row(POST,   "/app/service-cases/{id}/transitions",         "", F::FreshServiceCase, service_visit_form, "DD DD DD AD AD DD DD"),
        row(POST,   "/app/cases/new",                              "", F::None,           case_form,       OFFICE),
        row(GET,    "/app/cases/{id}",                             "", F::Case,           none,            READ),
        row(POST,   "/app/cases/{id}/transitions",                 "", F::FreshCase,      case_action_form, WRITE),
        row(POST,   "/app/cases/{id}/contact",                     "", F::Case,           reveal_form,     MANAGE),
        // Administration: the directory for every account, changes for the office, accounts
        // for the administrator.
        row(GET,    "/app/admin",                                  "", F::None,           none,            SIGNED),
        row(GET,    "/app/admin/units",                            "", F::None,           none,            SIGNED),
        row(POST,   "/app/admin/units",                            "", F::InUnit,         unit_form,       MANAGE),
        row(GET,    "/app/admin/units/{id}",                       "", F::Unit,           none,            DIRECTORY),
        row(POST,   "/app/admin/units/{id}",                       "", F::Unit,           unit_edit_form,  MANAGE),
        row(GET,    "/app/admin/people",                           "", F::None,           none,            SIGNED),
        row(POST,   "/app/admin/people",                           "", F::InUnit,         person_form,     MANAGE),
        row(GET,    "/app/people/{id}/plan",                       "", F::Person,         none,            DIRECTORY),
        row(GET,    "/app/admin/campaigns",                        "", F::None,           none,            SIGNED),
        row(POST,   "/app/admin/campaigns",                        "", F::InUnit,         campaign_form,   MANAGE),
        row(GET,    "/app/admin/campaigns/{id}",                   "", F::Campaign,       none,            SIGNED),
        row(POST,   "/app/admin/campaigns/{id}/batches",           "", F::Campaign,       batch_form,      OFFICE),
        row(GET,    "/app/admin/calendar",                         "", F::None,           none,            SIGNED),
        row(GET,    "/app/admin/settings",                         "", F::None,           none,            SIGNED),
        row(POST,   "/app/admin/settings",                         "", F::None,           |_, _| form(&[("yellow_working_days", "3".into())]), ADMIN),
        row(GET,    "/app/admin/accounts",                         "", F::None,           none,            ADMIN),
        row(POST,   "/app/admin/accounts",                         "", F::None,           account_form,    ADMIN),
        row(POST,   "/app/admin/tokens",                           "", F::None,           token_form,      ADMIN),
        row(POST,   "/app/admin/tokens/{id}/revoke",               "", F::FreshToken,     |_, _| form(&[]), ADMIN),
        // Accountability pages: as the API.
        row(GET,    "/app/accountability",                         "", F::None,           none,            ACCOUNTABLE_LIST),
        row(POST,   "/app/accountability",                         "", F::InUnit,         action_form,     MANAGE),
        row(POST,   "/app/accountability/{id}/confirm",            "", F::Action,         |_, _| form(&[]), MANAGE),
        row(POST,   "/app/accountability/{id}/dismiss",            "", F::Action,         |_, _| form(&[("reason", "mx".into())]), MANAGE),
        row(GET,    "/app/points",                                 "", F::None,           none,            ACCOUNTABLE_LIST),
        row(POST,   "/app/points",                                 "", F::Person,         deduction_form,  MANAGE),
        // Files and bulletins pages: as the API.
        row(GET,    "/app/imports",                                "", F::None,           none,            ADMIN),
        row(POST,   "/app/imports",                                "", F::None,           |_, _| Body::Spreadsheet(vec![("kind", "units".into()), ("dry_run", "true".into())]), ADMIN),
        row(GET,    "/app/bulletins",                              "", F::Drafts,         none,            OFFICE),
        row(POST,   "/app/bulletins",                              "", F::Campaign,       campaign_bulletin_form, OFFICE),
        // A published issue for every account; a draft only for the office (its page is
        // asked for by the list above and the editing routes below).
        row(GET,    "/app/bulletins/{id}",                         "", F::Issue,          none,            SIGNED),
        row(POST,   "/app/bulletins/{id}",                         "", F::FreshDraft,     draft_form,      OFFICE),
        row(POST,   "/app/bulletins/{id}/publish",                 "", F::FreshDraft,     |_, _| form(&[("version", "1".into())]), OFFICE),
        row(POST,   "/app/bulletins/{id}/items",                   "", F::FreshDraft,     |p, _| form(&[("kind", "problem".into()), ("item_id", p.id.clone())]), OFFICE),
        row(POST,   "/app/problems/{id}/bulletin",                 "", F::FreshDraft,     |p, _| form(&[("bulletin_id", p.id.clone())]), OFFICE),
    ]
}

// Bodies: valid, so that a refusal comes from authorization. `p.n` keeps names unique.

fn none(_: &P, _: Caller) -> Body {
    Body::None
}

fn form(fields: &[(&'static str, String)]) -> Body {
    Body::Form(fields.to_vec())
}

fn phone(n: usize) -> String {
    format!("139{n:08}")
}

fn credentials(p: &P, _: Caller) -> Body {
    Body::Json(json!({"username": p.extra, "password": p.secret}))
}

fn login_form(p: &P, _: Caller) -> Body {
    form(&[("username", p.extra.clone()), ("password", p.secret.clone()), ("next", "/app".into())])
}

fn new_account(p: &P, _: Caller) -> Body {
    Body::Json(json!({"username": format!("mx-new-{}", p.n), "password": "password-123", "role": "evaluator"}))
}

fn account_form(p: &P, _: Caller) -> Body {
    form(&[("username", format!("mx-page-{}", p.n)), ("password", "password-123".into()), ("role", "evaluator".into())])
}

fn token_form(p: &P, _: Caller) -> Body {
    form(&[("name", format!("mx page token {}", p.n)), ("role", "office_staff".into())])
}

fn new_token(p: &P, _: Caller) -> Body {
    Body::Json(json!({"name": format!("mx token {}", p.n), "role": "office_staff"}))
}

fn suggest(_: &P, _: Caller) -> Body {
    Body::Json(json!({"title": "路灯", "content": "小区路灯不亮"}))
}

fn reply_check(_: &P, _: Caller) -> Body {
    Body::Json(json!({"question": "路灯不亮", "answer": "您好，经核实已修复。"}))
}

fn new_unit(p: &P, _: Caller) -> Body {
    Body::Json(json!({"name": format!("mx unit {}", p.n), "parent_id": p.unit, "kind": "department"}))
}

fn unit_form(p: &P, _: Caller) -> Body {
    form(&[("name", format!("mx page unit {}", p.n)), ("parent_id", p.unit.clone()), ("kind", "department".into())])
}

fn unit_patch(_: &P, _: Caller) -> Body {
    Body::Json(json!({"system": "mx"}))
}

/// The unit's edit form, sent back with its own name.
fn unit_edit_form(p: &P, _: Caller) -> Body {
    form(&[("name", p.extra.clone())])
}

fn new_action(p: &P, _: Caller) -> Body {
    Body::Json(json!({"kind": "bulletin", "unit_id": p.unit, "reason": format!("mx action {}", p.n)}))
}

fn action_form(p: &P, _: Caller) -> Body {
    form(&[("kind", "bulletin".into()), ("unit_id", p.unit.clone()), ("reason", format!("mx page action {}", p.n))])
}

fn deduction_form(p: &P, _: Caller) -> Body {
    form(&[("person_id", p.id.clone()), ("kind", "verified_complaint".into()), ("reason", "mx page complaint".into())])
}

fn dismissal(_: &P, _: Caller) -> Body {
    Body::Json(json!({"reason": "mx dismissed"}))
}

fn dispatch(_: &P, _: Caller) -> Body {
    Body::Json(json!({"investigators": "mx team", "place": "mx school"}))
}

fn merge_form(p: &P, _: Caller) -> Body {
    form(&[("problem_id", p.extra.clone())])
}

fn dispatch_form(_: &P, _: Caller) -> Body {
    form(&[("investigators", "mx team".into()), ("place", "mx school".into())])
}

fn outcome(_: &P, _: Caller) -> Body {
    Body::Json(json!({"outcome": "unfounded", "conclusion": "mx unfounded"}))
}

fn outcome_form(_: &P, _: Caller) -> Body {
    form(&[("outcome", "unfounded".into()), ("conclusion", "mx unfounded".into())])
}

fn bulk_decision(p: &P, _: Caller) -> Body {
    Body::Json(json!({"ids": [p.id], "decision": "dismiss", "reason": "mx batch"}))
}

fn bulk_decision_form(p: &P, _: Caller) -> Body {
    form(&[("ids", p.id.clone()), ("decision", "dismiss".into()), ("reason", "mx batch".into())])
}

fn deduction(p: &P, _: Caller) -> Body {
    Body::Json(json!({"person_id": p.id, "kind": "verified_complaint", "reason": "mx complaint"}))
}

fn new_person(p: &P, _: Caller) -> Body {
    Body::Json(json!({"name": format!("mx person {}", p.n), "unit_id": p.unit}))
}

fn person_form(p: &P, _: Caller) -> Body {
    form(&[("name", format!("mx page person {}", p.n)), ("unit_id", p.unit.clone())])
}

fn person_patch(_: &P, _: Caller) -> Body {
    Body::Json(json!({"position": "mx"}))
}

fn new_campaign(p: &P, _: Caller) -> Body {
    Body::Json(json!({"name": format!("mx campaign {}", p.n), "starts_on": "2026-03-01", "unit_ids": [p.unit]}))
}

fn campaign_form(p: &P, _: Caller) -> Body {
    form(&[
        ("name", format!("mx page campaign {}", p.n)),
        ("starts_on", "2026-03-01".into()),
        ("unit_ids", p.unit.clone()),
    ])
}

fn campaign_patch(_: &P, _: Caller) -> Body {
    Body::Json(json!({"description": "mx"}))
}

/// A batch of the campaign in the path (or, for `/batches`, named in the body).
fn new_batch(p: &P, _: Caller) -> Body {
    Body::Json(json!({"campaign_id": p.id, "name": format!("mx batch {}", p.n)}))
}

fn batch_form(p: &P, _: Caller) -> Body {
    form(&[("name", format!("mx page batch {}", p.n))])
}

fn new_problem(p: &P, _: Caller) -> Body {
    Body::Json(json!({"description": format!("mx new problem {}", p.n), "unit_id": p.unit, "deadline": "2026-04-30"}))
}

fn problem_form(p: &P, _: Caller) -> Body {
    form(&[
        ("description", format!("mx page problem {}", p.n)),
        ("unit_id", p.unit.clone()),
        ("deadline", "2026-04-30".into()),
        ("type", "time_limited".into()),
    ])
}

/// A fresh problem is at version 1.
fn problem_patch(_: &P, _: Caller) -> Body {
    Body::Json(json!({"version": 1, "description": "mx edited"}))
}

/// The first step, which the office and the owner unit may both take.
fn start(_: &P, _: Caller) -> Body {
    Body::Json(json!({"action": "start"}))
}

fn start_form(_: &P, _: Caller) -> Body {
    form(&[("action", "start".into())])
}

fn progress(_: &P, _: Caller) -> Body {
    Body::Json(json!({"note": "mx progress"}))
}

fn progress_form(_: &P, _: Caller) -> Body {
    form(&[("note", "mx page progress".into())])
}

fn new_measure(p: &P, _: Caller) -> Body {
    Body::Json(json!({"description": format!("mx measure {}", p.n)}))
}

fn measure_form(p: &P, _: Caller) -> Body {
    form(&[("description", format!("mx page measure {}", p.n))])
}

fn measure_done(_: &P, _: Caller) -> Body {
    Body::Json(json!({"done": true}))
}

fn done_form(_: &P, _: Caller) -> Body {
    form(&[("done", "true".into())])
}

fn attach_case(p: &P, _: Caller) -> Body {
    Body::Json(json!({"case_ids": [p.extra]}))
}

fn calendar_year(p: &P, _: Caller) -> Body {
    Body::Json(json!({"year": p.id.parse::<i32>().unwrap(), "holidays": []}))
}

fn settings(_: &P, _: Caller) -> Body {
    Body::Json(json!({"yellow_working_days": 3}))
}

/// The public form without an account; a registration from the hotline with one.
fn new_case(p: &P, c: Caller) -> Body {
    Body::Json(match c {
        Caller::Anonymous => {
            json!({"content": format!("mx public case {}", p.n), "type": "complaint", "phone": phone(p.n)})
        }
        _ => json!({"content": format!("mx hotline case {}", p.n), "type": "complaint", "channel": "hotline"}),
    })
}

fn case_form(p: &P, _: Caller) -> Body {
    form(&[("content", format!("mx page case {}", p.n)), ("channel", "hotline".into()), ("type", "complaint".into())])
}

fn portal_case(p: &P, _: Caller) -> Body {
    form(&[
        ("content", format!("mx portal case {}", p.n)),
        ("type", "complaint".into()),
        ("phone", phone(p.n)),
        ("nonce", format!("mx-nonce-{}", p.n)),
    ])
}

/// What each party would do with an assigned case: the office reassigns it, a unit signs for it.
fn case_action(p: &P, c: Caller) -> Body {
    Body::Json(if c.is_office() { json!({"action": "assign", "unit_id": p.unit}) } else { json!({"action": "sign"}) })
}

fn case_action_form(p: &P, c: Caller) -> Body {
    if c.is_office() {
        form(&[("action", "assign".into()), ("unit_id", p.unit.clone())])
    } else {
        form(&[("action", "sign".into())])
    }
}

fn reveal(_: &P, _: Caller) -> Body {
    Body::Json(json!({"reason": "电话回访"}))
}

fn reveal_form(_: &P, _: Caller) -> Body {
    form(&[("reason", "电话回访".into())])
}

fn intake_session(p: &P, _: Caller) -> Body {
    Body::Json(json!({"title": format!("mx session {}", p.n), "held_on": "2026-02-27"}))
}

fn rating(p: &P, _: Caller) -> Body {
    Body::Json(json!({"phone_tail": p.extra, "satisfaction": "satisfied"}))
}

fn rating_form(p: &P, _: Caller) -> Body {
    form(&[("code", p.id.clone()), ("phone_tail", p.extra.clone()), ("satisfaction", "satisfied".into())])
}

fn empty(_: &P, _: Caller) -> Body {
    Body::Json(json!({}))
}

fn new_plan(p: &P, _: Caller) -> Body {
    Body::Json(json!({
        "name": format!("mx plan {}", p.n), "theme": "上下班纪律", "checklist": ["是否按时到岗"],
        "starts_on": "2026-03-01", "ends_on": "2026-03-31",
        "groups": 1, "inspectors_per_group": 2, "targets_per_group": 1, "no_repeat_rounds": 0,
        "inspector_ids": p.extra.split(',').collect::<Vec<_>>(), "target_unit_ids": [p.unit],
    }))
}

fn plan_form(p: &P, _: Caller) -> Body {
    let mut fields = vec![
        ("name", format!("mx page plan {}", p.n)),
        ("theme", "公车停放".into()),
        ("checklist", "公车是否入库\n节假日是否封存".into()),
        ("starts_on", "2026-03-01".into()),
        ("ends_on", "2026-03-31".into()),
        ("groups", "1".into()),
        ("inspectors_per_group", "2".into()),
        ("targets_per_group", "1".into()),
        ("target_unit_ids", p.unit.clone()),
    ];
    fields.extend(p.extra.split(',').map(|i| ("inspector_ids", i.to_owned())));
    form(&fields)
}

fn new_finding(p: &P, _: Caller) -> Body {
    Body::Json(json!({"unit_id": p.extra, "answers": [{"item": "是否按时到岗", "ok": false}]}))
}

fn finding_form(p: &P, _: Caller) -> Body {
    form(&[("unit_id", p.extra.clone()), ("failed", "是否按时到岗".into())])
}

fn new_reinspection(p: &P, _: Caller) -> Body {
    Body::Json(json!({"name": format!("mx re {}", p.n), "closed_from": "2026-03-01", "closed_to": "2026-03-31"}))
}

fn check_passed(p: &P, _: Caller) -> Body {
    Body::Json(json!({"problem_id": p.extra, "outcome": "passed"}))
}

fn new_bulletin(_: &P, _: Caller) -> Body {
    Body::Json(json!({"period_from": "2026-03-01", "period_to": "2026-03-31"}))
}

fn bulletin_form(_: &P, _: Caller) -> Body {
    form(&[("period_from", "2026-03-01".into()), ("period_to", "2026-03-31".into())])
}

fn new_service(p: &P, _: Caller) -> Body {
    Body::Json(json!({"code": format!("MX-N-{}", p.n), "name": format!("mx new service {}", p.n), "kind": "public",
        "unit_id": p.unit, "legal_limit_days": 20, "promised_limit_days": 5}))
}

/// A published item of `unit` and a service case received for it: its id and tracking code.
async fn service_case(app: &TestApp, unit: &str, person: &str, n: usize) -> (String, String) {
    let item = json!({"code": format!("MX-C-{n}"), "name": format!("mx case service {n}"), "kind": "public",
        "unit_id": unit, "legal_limit_days": 20, "promised_limit_days": 5});
    let item = app.post("/api/v1/services", item).await.expect(201).id();
    let case = json!({"item_id": item, "channel": "window", "applicant_name": "mx applicant",
        "applicant_phone": "13912345678", "responsible_id": person});
    let case = app.post("/api/v1/service-cases", case).await.expect(201).body;
    (case["id"].as_str().unwrap().to_owned(), case["tracking_code"].as_str().unwrap().to_owned())
}

/// A done service case of `unit` (worked by the unit's own staff, in process) and a sample that
/// drew it: the sample's id and the case's.
async fn service_sample(app: &TestApp, unit: &str, person: &str, n: usize) -> (String, String) {
    use rectify_domain::service::record::ServiceTransitionRequest;
    let (case, _) = service_case(app, unit, person, n).await;
    let clerk = rectify_domain::actor::Actor {
        account_id: None,
        username: "mx-window".into(),
        role: rectify_domain::actor::Role::UnitClerk,
        unit_id: unit.parse().ok(),
    };
    for (action, result) in [("accept", None), ("complete", Some("准予登记".to_owned()))] {
        let req = ServiceTransitionRequest { action: Some(action.into()), result, ..Default::default() };
        app.store.services().transition_case(&clerk, case.parse().unwrap(), req).await.expect("worked");
    }
    let today = app.store.today().to_string();
    let body = json!({"from": today, "to": today, "size": 500});
    let sample = app.post("/api/v1/service-samples", body).await.expect(201).id();
    (sample, case)
}

fn sample_form(_: &P, _: Caller) -> Body {
    form(&[("from", "2020-01-01".into()), ("to", "2020-01-02".into()), ("size", "1".into())])
}

fn new_sample(_: &P, _: Caller) -> Body {
    Body::Json(json!({"from": "2020-01-01", "to": "2020-01-02", "size": 1}))
}

fn sample_call(p: &P, _: Caller) -> Body {
    Body::Json(json!({"case_id": p.extra, "outcome": "satisfied"}))
}

fn sample_call_form(p: &P, _: Caller) -> Body {
    form(&[("case_id", p.extra.clone()), ("outcome", "satisfied".into())])
}

fn sample_reveal_form(p: &P, _: Caller) -> Body {
    form(&[("case_id", p.extra.clone()), ("reason", "电话回访".into())])
}

fn new_service_case(p: &P, _: Caller) -> Body {
    Body::Json(json!({"item_id": p.id, "channel": "window", "applicant_name": "mx applicant",
        "applicant_phone": "13912345678", "responsible_id": p.extra}))
}

fn service_case_form(p: &P, _: Caller) -> Body {
    form(&[
        ("item_id", p.id.clone()),
        ("channel", "window".into()),
        ("applicant_name", "mx applicant".into()),
        ("applicant_phone", "13912345678".into()),
        ("responsible_id", p.extra.clone()),
    ])
}

fn service_visit_form(_: &P, _: Caller) -> Body {
    form(&[("action", "record_visit".into())])
}

fn service_visit(_: &P, _: Caller) -> Body {
    Body::Json(json!({"action": "record_visit"}))
}

fn service_revision(p: &P, _: Caller) -> Body {
    Body::Json(json!({"code": format!("MX-S-{}", p.n), "name": format!("mx service {} revised", p.n), "kind": "public",
        "unit_id": p.unit, "legal_limit_days": 20, "promised_limit_days": 3, "version": 1, "reason": "承诺时限缩短"}))
}

/// An appointment item of `unit` with two slots this afternoon, and (given a phone) a booking
/// of it today: the item's id, and the booking's id and code.
async fn appointment(app: &TestApp, unit: &str, n: usize, phone: Option<&str>) -> (String, String, String) {
    let item = json!({"code": format!("MX-A-{n}"), "name": format!("mx appointment service {n}"), "kind": "public",
        "unit_id": unit, "window": format!("mx 窗口{n}"), "legal_limit_days": 20, "promised_limit_days": 5,
        "delivery": "appointment"});
    let item = app.post("/api/v1/services", item).await.expect(201).id();
    let slots = json!({"slots": [{"starts": "14:00", "ends": "15:00", "capacity": 50},
        {"starts": "15:00", "ends": "16:00", "capacity": 50}]});
    app.put(&format!("/api/v1/appointments/items/{item}/slots"), slots).await.expect(200);
    let Some(phone) = phone else { return (item, String::new(), String::new()) };
    let body = json!({"item_id": item, "day": "2026-03-02", "slot": "14:00", "name": "mx citizen", "phone": phone});
    let made = TestApp::reply(http().post(app.url("/api/v1/appointments")).json(&body).send().await.unwrap()).await;
    let code = made.expect(201).body["code"].as_str().unwrap().to_owned();
    let listed = app.get(&format!("/api/v1/appointments?item={item}")).await.ok();
    (item, listed["items"][0]["id"].as_str().unwrap().to_owned(), code)
}

/// An item of `unit` handled fully online and, when `apply`, an application for it: the item,
/// the application's id and its tracking code.
async fn online_application(app: &TestApp, unit: &str, n: usize, apply: bool) -> (String, String, String) {
    let item = json!({"code": format!("MX-O-{n}"), "name": format!("mx online service {n}"), "kind": "public",
        "unit_id": unit, "legal_limit_days": 20, "promised_limit_days": 5, "delivery": "online"});
    let item = app.post("/api/v1/services", item).await.expect(201).id();
    if !apply {
        return (item, String::new(), String::new());
    }
    let body = json!({"item_id": item, "applicant_name": "mx citizen", "applicant_phone": format!("137{n:08}")});
    let made = TestApp::reply(http().post(app.url("/api/v1/service-applications")).json(&body).send().await.unwrap());
    let code = made.await.expect(201).body["tracking_code"].as_str().unwrap().to_owned();
    let listed = app.get(&format!("/api/v1/service-applications?unit={unit}")).await.ok();
    let id =
        listed.as_array().and_then(|a| a.iter().find(|x| x["tracking_code"] == code.as_str())).unwrap()["id"].clone();
    (item, id.as_str().unwrap().to_owned(), code)
}

fn new_application(p: &P, _: Caller) -> Body {
    Body::Json(json!({"item_id": p.id, "applicant_name": "mx citizen", "applicant_phone": format!("138{:08}", p.n)}))
}

fn application_form(p: &P, _: Caller) -> Body {
    form(&[("applicant_name", "mx citizen".into()), ("applicant_phone", format!("139{:08}", p.n))])
}

fn take_up(p: &P, _: Caller) -> Body {
    Body::Json(json!({"action": "take_up", "responsible_id": p.sub}))
}

fn take_up_form(p: &P, _: Caller) -> Body {
    form(&[("action", "take_up".into()), ("responsible_id", p.sub.clone())])
}

fn slots_body(_: &P, _: Caller) -> Body {
    Body::Json(json!({"slots": [{"starts": "14:00", "ends": "15:00", "capacity": 40}]}))
}

fn slots_form(_: &P, _: Caller) -> Body {
    form(&[("starts", "14:00".into()), ("ends", "15:00".into()), ("capacity", "40".into())])
}

fn new_booking(p: &P, _: Caller) -> Body {
    Body::Json(json!({"item_id": p.id, "day": "2026-03-02", "slot": "15:00", "name": "mx citizen",
        "phone": format!("136{:08}", p.n)}))
}

fn booking_form(p: &P, _: Caller) -> Body {
    form(&[("choice", "2026-03-02 15:00".into()), ("name", "mx citizen".into()), ("phone", format!("135{:08}", p.n))])
}

fn booking_tail(p: &P, _: Caller) -> Body {
    Body::Json(json!({"phone_tail": p.extra}))
}

fn booking_tail_form(p: &P, _: Caller) -> Body {
    form(&[("code", p.secret.clone()), ("phone_tail", p.extra.clone())])
}

fn arrival(p: &P, _: Caller) -> Body {
    Body::Json(json!({"responsible_id": p.sub}))
}

fn arrival_form(p: &P, _: Caller) -> Body {
    form(&[("responsible_id", p.sub.clone())])
}

fn no_body_json(_: &P, _: Caller) -> Body {
    Body::Json(json!({}))
}

fn no_body_form(_: &P, _: Caller) -> Body {
    form(&[])
}

fn new_campaign_bulletin(p: &P, _: Caller) -> Body {
    Body::Json(json!({"campaign_id": p.id, "headline": format!("mx bulletin {}", p.n), "sections": {"charts": false}}))
}

fn campaign_bulletin_form(p: &P, _: Caller) -> Body {
    form(&[("campaign_id", p.id.clone()), ("headline", format!("mx page bulletin {}", p.n))])
}

fn draft_patch(_: &P, _: Caller) -> Body {
    Body::Json(json!({"version": 1, "editor_note": "mx note"}))
}

fn draft_form(p: &P, _: Caller) -> Body {
    form(&[
        ("version", "1".into()),
        ("headline", format!("mx edited bulletin {}", p.n)),
        ("issuer", "mx office".into()),
        ("issued_on", "2026-03-02".into()),
        ("editor_note", "mx note".into()),
    ])
}

fn account_person(p: &P, _: Caller) -> Body {
    Body::Json(json!({"person_id": p.extra}))
}

/// The expected outcome of `entry` for `caller` on the `scope` record.
fn expected(entry: &Entry, caller: Caller, scope: Scope) -> bool {
    let token = entry.expect.split_whitespace().nth(caller.index()).unwrap();
    let letter = match scope {
        Scope::Only | Scope::Own => token.as_bytes()[0],
        Scope::Other => token.as_bytes()[1],
    };
    letter == b'A'
}

fn check_expectations(entries: &[Entry]) {
    for e in entries {
        let tokens: Vec<&str> = e.expect.split_whitespace().collect();
        let width = if e.fix.owned() { 2 } else { 1 };
        assert!(
            tokens.len() == CALLERS.len()
                && tokens.iter().all(|t| t.len() == width && t.bytes().all(|b| b == b'A' || b == b'D')),
            "{} {}: expectations need {} tokens of {width} letters (A or D): {:?}",
            e.method,
            e.path,
            CALLERS.len(),
            e.expect
        );
    }
}

/// Every route of the application has exactly one entry, and every entry names a route.
fn check_routes_match(entries: &[Entry]) {
    let served: BTreeSet<(String, String)> =
        rectify_web::route_table().into_iter().map(|(m, p)| (m.as_str().to_owned(), p)).collect();
    let mut listed: BTreeSet<(String, String)> = BTreeSet::new();
    for e in entries {
        let key = (e.method.as_str().to_owned(), e.path.to_owned());
        assert!(listed.insert(key), "{} {} is in the authorization matrix twice", e.method, e.path);
    }
    let mut problems = Vec::new();
    for (m, p) in served.difference(&listed) {
        problems
            .push(format!("route {m} {p} has no entry: add it to the authorization matrix (tests/authz_matrix.rs)"));
    }
    for (m, p) in listed.difference(&served) {
        problems.push(format!("the authorization matrix names {m} {p}, which the application does not serve"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_route_has_an_entry_in_the_matrix() {
    let entries = entries();
    check_expectations(&entries);
    check_routes_match(&entries);
}

/// The route table is only complete if nothing routes around it: API routes go through
/// utoipa-axum's `routes!` (into the OpenAPI document), everything else through `Site`.
#[test]
fn nothing_is_routed_around_the_registry() {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("site.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, line) in text.lines().enumerate() {
                    if [".route(", "_service(", "axum::routing::"].iter().any(|p| line.contains(p)) {
                        out.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    assert!(found.is_empty(), "register routes with utoipa_axum::routes! or site::Site:\n{}", found.join("\n"));
}

/// The records the matrix asks about.
struct World {
    /// Unit A, its sub-unit (the leader's own records live there), and unit B elsewhere.
    unit_a: String,
    unit_sub: String,
    unit_b: String,
    names: [(String, String); 3],
    people: [String; 3],
    problems: [(String, String); 3],
    cases: [(String, String); 3],
    attachments: [String; 3],
    actions: [String; 3],
    published: String,
    campaign: String,
    /// The bulletins' own campaign (so that the fresh drafts of other requests stay out of
    /// its list), with a published issue and a draft.
    bulletin_campaign: String,
    issue: String,
    draft: String,
    batch: String,
    intake_session: String,
    track: (String, String),
    inspection: InspectionWorld,
    /// Each caller's session.
    sessions: Vec<Option<String>>,
    /// Further sessions of each caller, from the sign-in routes, to be ended by the sign-out
    /// routes.
    spare: Vec<Vec<String>>,
    n: usize,
}

/// Requests without a cookie jar or redirects: each carries its caller's session itself, and a
/// redirect is an answer to look at.
fn http() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn session_of(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers.get_all(SET_COOKIE).iter().find_map(|v| {
        let v = v.to_str().ok()?.strip_prefix("rectify_session=")?;
        Some(v.split(';').next()?.to_owned()).filter(|s| !s.is_empty())
    })
}

async fn sign_in(app: &TestApp, username: &str, password: &str) -> String {
    let resp = http()
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{username} signs in");
    session_of(resp.headers()).expect("a session cookie")
}

/// The session's CSRF token, as its pages carry it.
async fn csrf(app: &TestApp, session: &str) -> String {
    let html = http().get(app.url("/app")).header(COOKIE, format!("rectify_session={session}")).text_of().await;
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("a CSRF token in the page") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

impl World {
    async fn build(app: &TestApp) -> World {
        let unit_a = app.unit("mx 甲单位", None).await;
        let unit_sub = app.unit("mx 甲单位下属科室", Some(&unit_a)).await;
        let unit_b = app.unit("mx 乙单位", None).await;
        let units = [unit_a.clone(), unit_sub.clone(), unit_b.clone()];
        let names = [
            (unit_a.clone(), "mx 甲单位".to_owned()),
            (unit_sub.clone(), "mx 甲单位下属科室".to_owned()),
            (unit_b.clone(), "mx 乙单位".to_owned()),
        ];
        // The accounts: leader and clerk of unit A, the others without a unit. Made and signed
        // in together: password hashing is most of the set-up's time.
        let make = CALLERS.iter().filter(|c| !matches!(c, Caller::Anonymous | Caller::OfficeAdmin)).map(|c| {
            let unit = matches!(c, Caller::UnitLeader | Caller::UnitClerk).then(|| unit_a.clone());
            let (username, password) = c.credentials();
            let mut body = json!({"username": username, "password": password, "role": c.role()});
            if let Some(u) = unit {
                body["unit_id"] = json!(u);
            }
            async move { app.post("/api/v1/accounts", body).await.expect(201) }
        });
        futures::future::join_all(make).await;
        let sign = CALLERS.iter().map(|c| async move {
            match c {
                Caller::Anonymous => None,
                _ => {
                    let (u, p) = c.credentials();
                    Some(sign_in(app, &u, &p).await)
                }
            }
        });
        let sessions = futures::future::join_all(sign).await;

        let mut people = Vec::new();
        let mut problems = Vec::new();
        let mut cases = Vec::new();
        let mut attachments = Vec::new();
        let mut actions = Vec::new();
        for (u, tag) in units.iter().zip(["alpha", "sub", "beta"]) {
            people.push(
                app.post("/api/v1/people", json!({"name": format!("mx {tag}"), "unit_id": u})).await.expect(201).id(),
            );
            // Markers that are not part of one another, so that a text search finds one only.
            let marker = format!("mx-problem-{tag}");
            let p = app.problem(json!({"description": marker, "unit_id": u, "deadline": "2026-04-30"})).await;
            let pid = p["id"].as_str().unwrap().to_owned();
            let photo = app.upload_png(&app.admin).await;
            app.post(
                &format!("/api/v1/problems/{pid}/progress"),
                json!({"note": "mx evidence", "attachment_ids": [photo]}),
            )
            .await
            .expect(201);
            attachments.push(photo);
            problems.push((pid, marker));
            let marker = format!("mx-case-{tag}");
            let case = assigned_case(app, u, &marker).await;
            cases.push((case, marker));
            actions.push(
                app.post(
                    "/api/v1/actions",
                    json!({"kind": "bulletin", "unit_id": u, "reason": format!("mx-action-{tag}")}),
                )
                .await
                .expect(201)
                .id(),
            );
        }
        let published =
            app.problem(json!({"description": "mx published", "unit_id": &unit_b, "published": true})).await["id"]
                .as_str()
                .unwrap()
                .to_owned();
        let campaign = app
            .post(
                "/api/v1/campaigns",
                json!({"name": "mx campaign", "starts_on": "2026-03-01", "unit_ids": [&unit_a, &unit_b]}),
            )
            .await
            .expect(201)
            .id();
        let batch = app
            .post(&format!("/api/v1/campaigns/{campaign}/batches"), json!({"name": "mx batch"}))
            .await
            .expect(201)
            .id();
        let intake_session = app
            .post("/api/v1/intake-sessions", json!({"title": "mx session", "held_on": "2026-02-27"}))
            .await
            .expect(201)
            .id();
        let bulletin_campaign = app
            .post("/api/v1/campaigns", json!({"name": "mx bulletin campaign", "starts_on": "2026-03-01"}))
            .await
            .expect(201)
            .id();
        let bulletin = |headline: &'static str| {
            let body = json!({"campaign_id": &bulletin_campaign, "headline": headline, "sections": {"charts": false}});
            async move { app.post("/api/v1/bulletins", body).await.expect(201).id() }
        };
        let issue = bulletin("mx issue").await;
        app.post(&format!("/api/v1/bulletins/{issue}/publish"), json!({})).await.expect(200);
        let draft = bulletin("mx-draft-bulletin").await;
        let track = replied_case(app, 0).await;
        let inspection = InspectionWorld::build(app, &unit_a, &unit_b).await;
        World {
            unit_a,
            unit_sub,
            unit_b,
            names,
            people: people.try_into().unwrap(),
            problems: problems.try_into().unwrap(),
            cases: cases.try_into().unwrap(),
            attachments: attachments.try_into().unwrap(),
            actions: actions.try_into().unwrap(),
            published,
            campaign,
            bulletin_campaign,
            issue,
            draft,
            batch,
            intake_session,
            track,
            inspection,
            sessions,
            spare: vec![Vec::new(); CALLERS.len()],
            n: 1,
        }
    }

    /// Which of the three units a request is about: the caller's own (the leader's sub-unit,
    /// so that the subtree rule is exercised), or unit B.
    fn slot(&self, caller: Caller, scope: Scope) -> usize {
        match (scope, caller) {
            (Scope::Other, _) => 2,
            (_, Caller::UnitLeader) => 1,
            _ => 0,
        }
    }

    fn unit(&self, slot: usize) -> String {
        [&self.unit_a, &self.unit_sub, &self.unit_b][slot].clone()
    }

    async fn prepare(&mut self, app: &TestApp, fix: Fix, caller: Caller, scope: Scope) -> P {
        self.n += 1;
        let slot = self.slot(caller, scope);
        let unit = self.unit(slot);
        let mut p = P { n: self.n, unit: unit.clone(), ..P::default() };
        match fix {
            Fix::None | Fix::InUnit => {}
            Fix::StaticFile => p.id = "app.css".into(),
            Fix::VendorFile => p.id = "swagger-ui.css".into(),
            Fix::MapLibraryFile => p.id = "images/marker-icon.png".into(),
            Fix::Year => p.id = "2026".into(),
            Fix::NewYear => p.id = "2030".into(),
            Fix::Campaign => p.id = self.campaign.clone(),
            Fix::Batch => p.id = self.batch.clone(),
            Fix::IntakeSession => p.id = self.intake_session.clone(),
            Fix::FreshToken => {
                p.id = app
                    .post("/api/v1/tokens", json!({"name": format!("mx fixture {}", p.n), "role": "office_staff"}))
                    .await
                    .expect(201)
                    .id()
            }
            Fix::Track => {
                (p.id, p.extra) = self.track.clone();
                p.query = format!("phone_tail={}", p.extra);
            }
            Fix::FreshTrack => (p.id, p.extra) = replied_case(app, p.n).await,
            Fix::Published => p.id = self.published.clone(),
            Fix::Login => (p.extra, p.secret) = caller.credentials(),
            Fix::SpareSession => {
                p.session = Some(match caller {
                    Caller::Anonymous => None,
                    _ => Some(match self.spare[caller.index()].pop() {
                        Some(s) => s,
                        None => {
                            let (u, pw) = caller.credentials();
                            sign_in(app, &u, &pw).await
                        }
                    }),
                })
            }
            Fix::Unit => {
                p.id = unit;
                p.extra = self.names[slot].1.clone();
            }
            Fix::Person => p.id = self.people[slot].clone(),
            Fix::Problem => p.id = self.problems[slot].0.clone(),
            Fix::FreshProblem => {
                p.id = app
                    .problem(
                        json!({"description": format!("mx fresh {}", p.n), "unit_id": unit, "deadline": "2026-04-30"}),
                    )
                    .await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
            Fix::FreshMeasure => {
                let made = app
                    .problem(json!({"description": format!("mx fresh {}", p.n), "unit_id": unit,
                        "measures": [{"description": "mx measure", "deadline": "2026-04-15"}]}))
                    .await;
                p.id = made["id"].as_str().unwrap().to_owned();
                p.sub = made["measures"][0]["id"].as_str().unwrap().to_owned();
            }
            Fix::Attachment => p.id = self.attachments[slot].clone(),
            Fix::ProblemAndCase => {
                p.id = self.problems[slot].0.clone();
                p.extra = app
                    .post(
                        "/api/v1/cases",
                        json!({"content": format!("mx to attach {}", p.n), "channel": "hotline", "type": "complaint"}),
                    )
                    .await
                    .expect(201)
                    .id();
            }
            Fix::CaseAndProblem => {
                p.extra = self.problems[slot].0.clone();
                p.id = app
                    .post(
                        "/api/v1/cases",
                        json!({"content": format!("mx to merge {}", p.n), "channel": "hotline", "type": "complaint"}),
                    )
                    .await
                    .expect(201)
                    .id();
            }
            Fix::Case => p.id = self.cases[slot].0.clone(),
            Fix::Action => p.id = self.actions[slot].clone(),
            Fix::FreshCase => p.id = assigned_case(app, &unit, &format!("mx fresh case {}", p.n)).await,
            Fix::Plan => {
                p.id = self.inspection.plan.clone();
                p.extra = self.inspection.inspectors.join(",");
            }
            Fix::DrawnRound => {
                p.id = self.inspection.drawn.clone();
                p.extra = self.inspection.target.clone();
            }
            Fix::EndedRound => p.id = self.inspection.ended.clone(),
            Fix::FreshRound => p.id = self.inspection.round(app, false).await.0,
            Fix::FreshDrawnRound => p.id = self.inspection.round(app, true).await.0,
            Fix::Finding => p.id = self.inspection.finding.clone(),
            Fix::Reinspection => p.id = self.inspection.reinspection.clone(),
            Fix::EndedReinspection => p.id = self.inspection.ended_reinspection.clone(),
            Fix::Bulletin => p.id = self.inspection.bulletin.clone(),
            Fix::FreshReinspection => p.id = InspectionWorld::reinspection(app, p.n, false).await.0,
            Fix::FreshDrawnReinspection => (p.id, p.extra) = InspectionWorld::reinspection(app, p.n, true).await,
            Fix::Account => {
                p.id = self.inspection.account.clone();
                p.extra = self.people[0].clone();
            }
            Fix::ProblemList => {
                let (id, text) = self.problems[slot].clone();
                p.query = format!("q={text}");
                p.listed = Some((text, id, "/app/problems/"));
            }
            Fix::SearchList => {
                let (id, text) = self.problems[slot].clone();
                app.indexed().await;
                p.query = format!("q={text}");
                p.listed = Some((text, id, "/app/problems/"));
            }
            Fix::Kind => p.id = "units".into(),
            Fix::Issue => p.id = self.issue.clone(),
            Fix::Drafts => {
                p.query = format!("campaign={}", self.bulletin_campaign);
                p.listed = Some(("mx-draft-bulletin".into(), self.draft.clone(), "/app/bulletins/"));
            }
            Fix::FreshDraft => {
                let body = json!({"campaign_id": self.campaign, "headline": format!("mx fresh draft {}", p.n),
                    "sections": {"charts": false}});
                p.id = app.post("/api/v1/bulletins", body).await.expect(201).id();
            }
            Fix::FreshService => {
                let body = json!({"code": format!("MX-S-{}", p.n), "name": format!("mx service {}", p.n),
                    "kind": "public", "unit_id": unit, "legal_limit_days": 20, "promised_limit_days": 5});
                p.id = app.post("/api/v1/services", body).await.expect(201).id();
                // Whom a service case for the item names as its first-contact officer.
                p.extra = self.people[0].clone();
            }
            Fix::FreshServiceCase => (p.id, p.extra) = service_case(app, &unit, &self.people[0], p.n).await,
            Fix::FreshServiceTrack => p.id = service_case(app, &unit, &self.people[0], p.n).await.1,
            Fix::FreshSample => (p.id, p.extra) = service_sample(app, &unit, &self.people[0], p.n).await,
            Fix::FreshAppointmentItem => p.id = appointment(app, &unit, p.n, None).await.0,
            Fix::BookableItem => p.id = appointment(app, &self.unit_a, p.n, None).await.0,
            Fix::FreshBooking => {
                p.id = appointment(app, &unit, p.n, Some(&format!("134{:08}", p.n))).await.1;
                p.sub = self.people[slot].clone();
            }
            Fix::PublicBooking => {
                let phone = format!("133{:08}", p.n);
                let code = appointment(app, &self.unit_a, p.n, Some(&phone)).await.2;
                p.id = code.clone();
                p.query = format!("code={code}");
                p.secret = code;
                p.extra = phone[phone.len() - 4..].to_owned();
            }
            Fix::Area => p.query = format!("unit={}", self.unit_a),
            Fix::OnlineItem => p.id = online_application(app, &self.unit_a, p.n, false).await.0,
            Fix::FreshApplication => {
                p.id = online_application(app, &unit, p.n, true).await.1;
                p.sub = self.people[slot].clone();
            }
            Fix::ApplicationTrack => p.id = online_application(app, &self.unit_a, p.n, true).await.2,
            Fix::CaseList => {
                let (id, text) = self.cases[slot].clone();
                p.query = format!("q={text}");
                p.listed = Some((text, id, "/app/cases/"));
            }
        }
        p
    }
}

/// The inspection records the matrix asks about: a plan over units A and B with four
/// inspectors of a unit of their own, a drawn round with a finding, an ended round, closed
/// problems to re-inspect.
struct InspectionWorld {
    plan: String,
    inspectors: Vec<String>,
    drawn: String,
    target: String,
    ended: String,
    finding: String,
    reinspection: String,
    ended_reinspection: String,
    bulletin: String,
    account: String,
}

impl InspectionWorld {
    async fn build(app: &TestApp, unit_a: &str, unit_b: &str) -> InspectionWorld {
        let office = app.unit("mx 督查室", None).await;
        let mut inspectors = Vec::new();
        for i in 0..4 {
            let body = json!({"name": format!("mx 督查员{i}"), "kind": "supervisor", "unit_id": office});
            inspectors.push(app.post("/api/v1/people", body).await.expect(201).id());
        }
        let plan = app
            .post(
                "/api/v1/inspection-plans",
                json!({
                    "name": "mx plan", "theme": "上下班纪律", "checklist": ["是否按时到岗"],
                    "starts_on": "2026-03-01", "ends_on": "2026-03-31",
                    "groups": 1, "inspectors_per_group": 2, "targets_per_group": 1, "no_repeat_rounds": 0,
                    "inspector_ids": inspectors, "target_unit_ids": [unit_a, unit_b],
                }),
            )
            .await
            .expect(201)
            .id();
        let accounts = app.get("/api/v1/accounts").await.ok();
        let account = accounts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == "mx-inspector")
            .and_then(|a| a["id"].as_str())
            .unwrap()
            .to_owned();
        let mut w = InspectionWorld {
            plan,
            inspectors,
            drawn: String::new(),
            target: String::new(),
            ended: String::new(),
            finding: String::new(),
            reinspection: String::new(),
            ended_reinspection: String::new(),
            bulletin: String::new(),
            account,
        };
        (w.drawn, w.target) = w.round(app, true).await;
        let body = json!({"unit_id": w.target, "note": "mx finding"});
        w.finding = app.post(&format!("/api/v1/rounds/{}/findings", w.drawn), body).await.expect(201).id();
        w.ended = w.round(app, true).await.0;
        app.post(&format!("/api/v1/rounds/{}/end", w.ended), json!({})).await.expect(200);
        for n in 0..2 {
            let made = app.problem(json!({"description": format!("mx closed {n}"), "unit_id": unit_b})).await;
            app.close_off(made["id"].as_str().unwrap()).await;
        }
        w.reinspection = Self::reinspection(app, 0, false).await.0;
        // Every check in (all of both closed problems are sampled): the re-inspection ends.
        let (ended, _) = Self::reinspection(app, 1, true).await;
        let drawn = app.get(&format!("/api/v1/reinspections/{ended}")).await.ok();
        for item in drawn["items"].as_array().unwrap() {
            let body = json!({"problem_id": item["problem_id"], "outcome": "passed"});
            app.post(&format!("/api/v1/reinspections/{ended}/checks"), body).await.expect(200);
        }
        w.ended_reinspection = ended;
        let body = json!({"period_from": "2026-03-01", "period_to": "2026-03-31"});
        w.bulletin = app.post("/api/v1/inspection-bulletins", body).await.expect(201).id();
        w
    }

    /// A fresh round of the plan (drawn or not), and a unit it visits.
    async fn round(&self, app: &TestApp, drawn: bool) -> (String, String) {
        let id = app.post(&format!("/api/v1/inspection-plans/{}/rounds", self.plan), json!({})).await.expect(201).id();
        if !drawn {
            return (id, String::new());
        }
        let r = app.post(&format!("/api/v1/rounds/{id}/draw"), json!({})).await.expect(200).body;
        let target = r["groups"][0]["targets"][0].as_str().unwrap().to_owned();
        (id, target)
    }

    /// A fresh re-inspection of everything closed in March (drawn or not), and a sampled problem.
    async fn reinspection(app: &TestApp, n: usize, drawn: bool) -> (String, String) {
        let body = json!({"name": format!("mx re fixture {n}"), "closed_from": "2026-03-01", "closed_to": "2026-03-31", "share_percent": 100});
        let id = app.post("/api/v1/reinspections", body).await.expect(201).id();
        if !drawn {
            return (id, String::new());
        }
        let r = app.post(&format!("/api/v1/reinspections/{id}/draw"), json!({})).await.expect(200).body;
        (id, r["items"][0]["problem_id"].as_str().unwrap().to_owned())
    }
}

/// A case registered by the office and assigned to `unit`; `text` is its title and content.
async fn assigned_case(app: &TestApp, unit: &str, text: &str) -> String {
    let id = app
        .post("/api/v1/cases", json!({"content": text, "title": text, "channel": "hotline", "type": "complaint"}))
        .await
        .expect(201)
        .id();
    let path = format!("/api/v1/cases/{id}/transitions");
    app.post(&path, json!({"action": "accept"})).await.expect(200);
    app.post(&path, json!({"action": "assign", "unit_id": unit})).await.expect(200);
    id
}

/// A case from the public form that the office has answered: its tracking code and phone tail.
async fn replied_case(app: &TestApp, n: usize) -> (String, String) {
    let phone = format!("137{n:08}");
    let receipt = TestApp::reply(
        http()
            .post(app.url("/api/v1/cases"))
            .json(&json!({"content": format!("mx tracked case {n}"), "type": "consult", "phone": phone}))
            .send()
            .await
            .unwrap(),
    )
    .await
    .expect(201)
    .body;
    let path = format!("/api/v1/cases/{}/transitions", receipt["id"].as_str().unwrap());
    app.post(&path, json!({"action": "accept"})).await.expect(200);
    app.post(&path, json!({"action": "reply", "answer": "mx answer"})).await.expect(200);
    (receipt["tracking_code"].as_str().unwrap().to_owned(), phone[phone.len() - 4..].to_owned())
}

/// What the application did with a request.
#[derive(Debug)]
enum Seen {
    Allowed,
    Refused,
    /// Neither: the request or the application is wrong.
    Odd(String),
}

/// An answer in a line: a page's title, or the start of anything else.
fn summary(text: &str) -> String {
    match (text.find("<title>"), text.find("</title>")) {
        (Some(a), Some(b)) if a < b => text[a + 7..b].to_owned(),
        _ => text.chars().take(200).collect(),
    }
}

fn is_page(path: &str) -> bool {
    !path.starts_with("/api/") && path != "/healthz"
}

fn judge(path: &str, caller: Caller, status: u16, location: &str, text: &str, marker: Option<&str>) -> Seen {
    let to_login = (300..400).contains(&status) && location.starts_with("/login");
    let anonymous = caller == Caller::Anonymous;
    match status {
        401 if !is_page(path) && anonymous => Seen::Refused,
        403 | 404 if !anonymous || is_page(path) => Seen::Refused,
        _ if to_login && anonymous && is_page(path) => Seen::Refused,
        _ if to_login || status == 401 => Seen::Odd(format!("{status} {location}: treated as not signed in")),
        200..=299 => match marker {
            Some(m) if !text.contains(m) => Seen::Refused,
            _ => Seen::Allowed,
        },
        300..=399 | 409 | 422 if marker.is_none() => Seen::Allowed,
        _ => Seen::Odd(format!("{status} {location}")),
    }
}

async fn send(app: &TestApp, world: &mut World, entry: &Entry, caller: Caller, scope: Scope) -> Result<(), String> {
    let p = world.prepare(app, entry.fix, caller, scope).await;
    let mut path = entry.path.to_owned();
    let library = "leaflet".to_owned();
    for (name, value) in [
        ("{lib}", &library),
        ("{*file}", &p.id),
        ("{id}", &p.id),
        ("{year}", &p.id),
        ("{file}", &p.id),
        ("{tracking_code}", &p.id),
        ("{kind}", &p.id),
        ("{measure_id}", &p.sub),
        ("{mid}", &p.sub),
    ] {
        path = path.replace(name, value);
    }
    let query: Vec<&str> = [entry.query, p.query.as_str()].into_iter().filter(|q| !q.is_empty()).collect();
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    let session = p.session.clone().unwrap_or_else(|| world.sessions[caller.index()].clone());
    let mut req = http().request(entry.method.clone(), app.url(&path));
    if let Some(s) = &session {
        req = req.header(COOKIE, format!("rectify_session={s}"));
    }
    req = match (entry.body)(&p, caller) {
        Body::None => req,
        Body::Json(v) => req.json(&v),
        Body::Form(mut fields) => {
            if let Some(s) = &session {
                fields.push(("_csrf", csrf(app, s).await));
            }
            req.form(&fields)
        }
        Body::Upload => {
            let part = reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("mx.png");
            req.multipart(reqwest::multipart::Form::new().part("file", part))
        }
        Body::Spreadsheet(mut fields) => {
            if let Some(s) = &session
                && is_page(entry.path)
            {
                fields.push(("_csrf", csrf(app, s).await));
            }
            let csv = format!("单位名称,上级单位,单位类型\nmx imported unit {},,部门\n", p.n);
            let part = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("mx.csv");
            let form = fields.into_iter().fold(reqwest::multipart::Form::new(), |f, (k, v)| f.text(k, v));
            req.multipart(form.part("file", part))
        }
    };
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let location = resp.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    if entry.fix == Fix::Login
        && caller != Caller::Anonymous
        && let Some(s) = session_of(resp.headers())
    {
        world.spare[caller.index()].push(s);
    }
    let text = resp.text().await.unwrap_or_default();
    // A listed record: its id in the API's items, a link to its page on pages (the search text
    // itself is on the page anyway, in the filter form).
    let needle = p.listed.as_ref().map(|(_, id, page)| {
        if is_page(entry.path) { format!("href=\"{page}{id}\"") } else { format!("\"id\":\"{id}\"") }
    });
    let seen = judge(entry.path, caller, status, &location, &text, needle.as_deref());
    let want = expected(entry, caller, scope);
    if std::env::var_os("MATRIX_VERBOSE").is_some() {
        eprintln!("{} {path} as {} ({scope:?}): {status} {location} {}", entry.method, caller.role(), summary(&text));
    }
    let what = |s: bool| if s { "allowed" } else { "refused" };
    match seen {
        Seen::Allowed if want => Ok(()),
        Seen::Refused if !want => Ok(()),
        Seen::Odd(why) => Err(format!("{why}: {}", summary(&text))),
        _ => Err(format!("expected {}, was {} ({status} {location}): {}", what(want), what(!want), summary(&text))),
    }
    .map_err(|e| format!("{} {} as {} on the {:?} record: {e}", entry.method, path, caller.role(), scope))
}

async fn the_matrix_holds(backend: Backend) {
    let entries = entries();
    check_expectations(&entries);
    check_routes_match(&entries);
    // Every caller looks up tracking codes from this one address.
    let config = WebConfig { submit_per_minute: 10_000, track_per_minute: 10_000, ..WebConfig::default() };
    let Some(app) = TestApp::spawn_with(backend, config).await else { return };
    let started = Instant::now();
    let mut world = World::build(&app).await;
    let built = started.elapsed();
    let mut failures = Vec::new();
    let mut requests = 0;
    for entry in &entries {
        let scopes: &[Scope] = if entry.fix.owned() { &[Scope::Own, Scope::Other] } else { &[Scope::Only] };
        for caller in CALLERS {
            for scope in scopes {
                requests += 1;
                if let Err(e) = send(&app, &mut world, entry, caller, *scope).await {
                    failures.push(e);
                }
            }
        }
    }
    eprintln!(
        "authorization matrix on {backend:?}: {} routes, {requests} requests, set-up {built:?}, total {:?}",
        entries.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} of {requests} outcomes differ from the matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

on_both!(the_matrix_holds);
