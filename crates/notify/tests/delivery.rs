//! Notices reach citizens and units through real peers: an SMTP server (aiosmtpd from PyPI,
//! started by the test) and an HTTP receiver standing in for the SMS gateway. Failed sends are
//! retried with backoff; queued notices survive a restart of the store.

use axum::routing::post;
use axum::{Json, Router};
use rectify_domain::actor::Actor;
use rectify_domain::case::{CaseTransitionRequest, NewCase};
use rectify_domain::unit::NewUnit;
use rectify_notify::{Notifier, NotifyConfig, SmsConfig, SmtpConfig};
use rectify_store::on_both;
use rectify_store::testing::{TestDb, fresh};
use rectify_store::{Backend, FixedClock, PageRequest, Store};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// aiosmtpd writing every message it receives into a Maildir.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let port = free_port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd)");
        // Owned at once, so Drop stops the process on every path.
        let server = SmtpServer { child, port, maildir, _dir: dir };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("aiosmtpd did not start (is it installed? python3 -m pip install aiosmtpd)");
    }

    fn messages(&self) -> Vec<String> {
        let new = self.maildir.join("new");
        let Ok(entries) = std::fs::read_dir(&new) else { return Vec::new() };
        entries.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP endpoint that records what the SMS webhook receives.
async fn sms_receiver() -> (String, Arc<Mutex<Vec<serde_json::Value>>>) {
    let got: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let sink = got.clone();
    let app = Router::new().route(
        "/sms",
        post(move |Json(v): Json<serde_json::Value>| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(v);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

fn monday() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-03-02T10:00:00+08:00").unwrap().to_utc()
}

/// The outbox's notices in `status` (newest first).
async fn outbox(store: &Store, status: &str) -> Vec<rectify_store::notices::OutboxEntry> {
    let page = PageRequest::first(50);
    store.outbox().list_outbox(&Actor::system(), Some(status.into()), None, &page).await.unwrap().items
}

async fn open(db: &TestDb, clock: Arc<FixedClock>) -> Store {
    db.open(clock).await.expect("open")
}

/// A citizen submits with a phone and an e-mail; returns the tracking code.
async fn submit(store: &Store, text: &str) -> String {
    let input = NewCase {
        content: Some(text.into()),
        phone: Some("13812345678".into()),
        email: Some("citizen@example.com".into()),
        ..Default::default()
    };
    store.cases().submit_public_case(input, Vec::new(), None).await.unwrap().value.tracking_code
}

async fn citizens_get_their_code_by_email_and_sms(backend: Backend) {
    let Some(db) = fresh(backend).await else { return };
    let clock = Arc::new(FixedClock::new(monday()));
    let store = open(&db, clock.clone()).await;
    let smtp = SmtpServer::start();
    let (webhook, sms) = sms_receiver().await;
    let code = submit(&store, "路灯不亮").await;
    let config = NotifyConfig {
        smtp: Some(SmtpConfig {
            url: format!("smtp://127.0.0.1:{}", smtp.port),
            from: "整改通 <noreply@rectify.example>".into(),
        }),
        sms: Some(SmsConfig { webhook, token: Some("secret-token".into()) }),
        ..NotifyConfig::default()
    };
    let notifier = Notifier::new(&config).unwrap();
    assert_eq!(notifier.deliver_pending(&store).await.unwrap(), 2);
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("citizen@example.com"), "{}", mails[0]);
    assert!(mails[0].contains(&code), "the e-mail carries the tracking code: {}", mails[0]);
    let texts = sms.lock().unwrap().clone();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0]["to"], "13812345678");
    assert!(texts[0]["text"].as_str().unwrap().contains(&code));
    // Nothing is sent twice.
    assert_eq!(notifier.deliver_pending(&store).await.unwrap(), 0);
    let sent = outbox(&store, "sent").await;
    assert_eq!(sent.len(), 2);
}

async fn failures_are_retried_with_backoff(backend: Backend) {
    let Some(db) = fresh(backend).await else { return };
    let clock = Arc::new(FixedClock::new(monday()));
    let store = open(&db, clock.clone()).await;
    submit(&store, "噪音扰民").await;
    // Nobody listens on this port yet.
    let port = free_port();
    let config = NotifyConfig {
        smtp: Some(SmtpConfig { url: format!("smtp://127.0.0.1:{port}"), from: "noreply@rectify.example".into() }),
        ..NotifyConfig::default()
    };
    let notifier = Notifier::new(&config).unwrap();
    assert_eq!(notifier.deliver_pending(&store).await.unwrap(), 2);
    let pending = outbox(&store, "pending").await;
    assert_eq!(pending.len(), 1, "the e-mail waits for a retry");
    assert_eq!(pending[0].attempts, 1);
    assert!(pending[0].last_error.is_some());
    let skipped = outbox(&store, "skipped").await;
    assert_eq!(skipped.len(), 1, "no SMS gateway: the SMS is skipped, with the reason");
    // Not before the backoff has passed.
    assert_eq!(notifier.deliver_pending(&store).await.unwrap(), 0);
    clock.set(monday() + chrono::TimeDelta::minutes(1));
    assert_eq!(notifier.deliver_pending(&store).await.unwrap(), 1);
    let pending = outbox(&store, "pending").await;
    assert_eq!(pending[0].attempts, 2);
}

async fn queued_notices_survive_a_restart(backend: Backend) {
    let Some(db) = fresh(backend).await else { return };
    let clock = Arc::new(FixedClock::new(monday()));
    let store = open(&db, clock.clone()).await;
    let code = submit(&store, "井盖缺失").await;
    // The process stops between the write and the delivery.
    store.close().await;
    drop(store);
    let store = open(&db, clock).await;
    let (webhook, sms) = sms_receiver().await;
    let notifier =
        Notifier::new(&NotifyConfig { sms: Some(SmsConfig { webhook, token: None }), ..NotifyConfig::default() })
            .unwrap();
    notifier.deliver_pending(&store).await.unwrap();
    let texts = sms.lock().unwrap().clone();
    assert_eq!(texts.len(), 1);
    assert!(texts[0]["text"].as_str().unwrap().contains(&code));
}

async fn units_are_reminded_once_per_due_date(backend: Backend) {
    let Some(db) = fresh(backend).await else { return };
    let clock = Arc::new(FixedClock::new(monday()));
    let store = open(&db, clock.clone()).await;
    let admin = Actor::system();
    let unit =
        NewUnit { name: Some("区城管局".into()), mailbox: Some("cgj@example.gov.cn".into()), ..Default::default() };
    let unit = store.directory().create_unit(&admin, unit, None).await.unwrap().value.id;
    let case = NewCase {
        content: Some("咨询".into()),
        channel: Some(rectify_domain::case::Channel::Hotline),
        case_type: Some(rectify_domain::case::CaseType::Consult),
        ..Default::default()
    };
    let id = store.cases().register_case(&admin, case, None).await.unwrap().value.id;
    let act =
        |action: &str| CaseTransitionRequest { action: Some(action.into()), unit_id: Some(unit), ..Default::default() };
    store.cases().transition_case(&admin, id, act("accept")).await.unwrap();
    let c = store.cases().transition_case(&admin, id, act("assign")).await.unwrap();
    assert_eq!(c.due_on.map(|d| d.to_string()).as_deref(), Some("2026-03-05"));
    let smtp = SmtpServer::start();
    let notifier = Notifier::new(&NotifyConfig {
        smtp: Some(SmtpConfig {
            url: format!("smtp://127.0.0.1:{}", smtp.port),
            from: "noreply@rectify.example".into(),
        }),
        ..NotifyConfig::default()
    })
    .unwrap();
    // Monday: nothing due yet.
    assert_eq!(store.cases().queue_case_reminders().await.unwrap(), 0);
    // Wednesday: signing is overdue and the reply is due tomorrow.
    clock.set(monday() + chrono::TimeDelta::days(2));
    assert_eq!(store.cases().queue_case_reminders().await.unwrap(), 2);
    assert_eq!(store.cases().queue_case_reminders().await.unwrap(), 0, "once per due date");
    // Friday: overdue.
    clock.set(monday() + chrono::TimeDelta::days(4));
    assert_eq!(store.cases().queue_case_reminders().await.unwrap(), 1);
    notifier.deliver_pending(&store).await.unwrap();
    let mails = smtp.messages();
    // The assignment notice and three reminders, all to the unit's mailbox.
    assert_eq!(mails.len(), 4);
    assert!(mails.iter().all(|m| m.contains("cgj@example.gov.cn")));
}

/// Ledger problems and their measures are chased like cases: the owner unit (its mailbox) and
/// the person responsible (SMS) hear of a deadline the working day before and once it has passed,
/// once per due date; a problem reported done is no longer chased.
async fn ledger_problems_and_measures_are_reminded_once_per_due_date(backend: Backend) {
    let Some(db) = fresh(backend).await else { return };
    let clock = Arc::new(FixedClock::new(monday()));
    let store = open(&db, clock.clone()).await;
    let admin = Actor::system();
    let unit =
        NewUnit { name: Some("区住建局".into()), mailbox: Some("zjj@example.gov.cn".into()), ..Default::default() };
    let unit = store.directory().create_unit(&admin, unit, None).await.unwrap().value.id;
    let person = rectify_domain::person::NewPerson {
        name: Some("王建国".into()),
        unit_id: Some(unit),
        phone: Some("13900001111".into()),
        ..Default::default()
    };
    let person = store.directory().create_person(&admin, person, None).await.unwrap().value.id;
    let d = |day: u32| chrono::NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
    let problem = rectify_domain::problem::NewProblem {
        description: Some("老旧小区加装电梯审批慢".into()),
        unit_id: Some(unit),
        responsible_person_id: Some(person),
        deadline: Some(d(6)),
        measures: vec![rectify_domain::problem::NewMeasure {
            description: Some("梳理审批流程".into()),
            deadline: Some(d(3)),
            ..Default::default()
        }],
        ..Default::default()
    };
    store.ledger().create_problem(&admin, problem, None).await.unwrap();
    // Monday: the measure is due on Tuesday, the next working day.
    assert_eq!(store.ledger().queue_problem_reminders().await.unwrap(), 2, "the unit and the person");
    assert_eq!(store.ledger().queue_problem_reminders().await.unwrap(), 0, "once per due date");
    // Thursday: the measure is overdue; the problem is due on Friday.
    clock.set(monday() + chrono::TimeDelta::days(3));
    assert_eq!(store.ledger().queue_problem_reminders().await.unwrap(), 4);
    let sent = store.outbox().list_outbox(&admin, None, None, &PageRequest::first(50)).await.unwrap().items;
    let subjects: Vec<(&str, &str)> =
        sent.iter().map(|n| (n.channel.as_str(), n.subject.as_deref().unwrap_or(""))).collect();
    for expected in [
        ("email", "整改措施即将到期"),
        ("sms", "整改措施即将到期"),
        ("email", "整改措施逾期"),
        ("sms", "整改措施逾期"),
        ("email", "整改即将到期"),
        ("sms", "整改即将到期"),
    ] {
        let found = subjects.iter().any(|(channel, subject)| *channel == expected.0 && subject.ends_with(expected.1));
        assert!(found, "{expected:?} missing from {subjects:?}");
    }
    assert!(sent.iter().all(|n| n.case_id.is_none()));
}

on_both!(
    citizens_get_their_code_by_email_and_sms,
    failures_are_retried_with_backoff,
    queued_notices_survive_a_restart,
    units_are_reminded_once_per_due_date,
    ledger_problems_and_measures_are_reminded_once_per_due_date
);
