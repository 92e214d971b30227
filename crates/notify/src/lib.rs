//! Delivery of notifications: a background worker takes notices from the outbox (written by the
//! store in the same transaction as the change they report) and sends them — e-mail over SMTP,
//! SMS through an HTTP webhook — retrying failures with backoff. It also queues the reminders to
//! units (due soon, overdue) at a slower pace. Several instances may run it at once: notices are
//! leased before sending.

use chrono::TimeDelta;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rectify_store::Store;
use rectify_store::notices::{Delivery, NoticeChannel, Outgoing};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// `smtp://host:port` (plain, or `?tls=required` for STARTTLS), `smtps://host:port` (TLS);
    /// user and password in the URL when the server needs them.
    pub url: String,
    /// The sender, e.g. `整改通 <noreply@example.gov.cn>`.
    pub from: String,
}

#[derive(Debug, Clone)]
pub struct SmsConfig {
    /// Receives `POST {"to": "<mobile>", "text": "<message>"}`; any 2xx is delivered.
    pub webhook: String,
    /// Sent as `Authorization: Bearer <token>` when set.
    pub token: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NotifyConfig {
    pub smtp: Option<SmtpConfig>,
    pub sms: Option<SmsConfig>,
    /// How often the outbox is checked.
    pub poll: Duration,
    /// How often reminders are looked for.
    pub reminders: Duration,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig { smtp: None, sms: None, poll: Duration::from_secs(5), reminders: Duration::from_secs(600) }
    }
}

/// The configured ways to send.
pub struct Notifier {
    mailer: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    sms: Option<SmsConfig>,
    http: reqwest::Client,
    poll: Duration,
    reminders: Duration,
}

#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// A notice is leased for this long while one worker sends it.
const LEASE_SECONDS: i64 = 120;
const BATCH: u32 = 20;

impl Notifier {
    pub fn new(config: &NotifyConfig) -> Result<Notifier, ConfigError> {
        let mailer = match &config.smtp {
            None => None,
            Some(s) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&s.url)
                    .map_err(|e| ConfigError(format!("--smtp-url: {e}")))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                let from: Mailbox =
                    s.from.parse().map_err(|e| ConfigError(format!("--smtp-from {:?}: {e}", s.from)))?;
                Some((transport, from))
            }
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| ConfigError(format!("HTTP client: {e}")))?;
        Ok(Notifier { mailer, sms: config.sms.clone(), http, poll: config.poll, reminders: config.reminders })
    }

    async fn send_email(&self, n: &Outgoing) -> Delivery {
        let Some((transport, from)) = &self.mailer else {
            return Delivery::Skipped("no SMTP server configured".into());
        };
        let Ok(to) = n.recipient.parse::<Mailbox>() else {
            // The reason is stored and listed: name the problem, never the address.
            return Delivery::Skipped("the recipient is not an e-mail address".into());
        };
        // Quoted-printable keeps Chinese text intact and ASCII (codes, numbers) readable.
        let body = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(ContentTransferEncoding::QuotedPrintable)
            .body(n.body.clone());
        let message = match Message::builder().from(from.clone()).to(to).subject(n.subject.clone()).singlepart(body) {
            Ok(m) => m,
            Err(e) => return Delivery::Skipped(format!("cannot build the message: {e}")),
        };
        match transport.send(message).await {
            Ok(_) => Delivery::Sent,
            Err(e) => Delivery::Failed { error: e.to_string(), attempts: n.attempts },
        }
    }

    async fn send_sms(&self, n: &Outgoing) -> Delivery {
        let Some(sms) = &self.sms else {
            return Delivery::Skipped("no SMS webhook configured".into());
        };
        let mut req = self.http.post(&sms.webhook).json(&serde_json::json!({"to": n.recipient, "text": n.body}));
        if let Some(t) = &sms.token {
            req = req.bearer_auth(t);
        }
        match req.send().await {
            Ok(r) if r.status().is_success() => Delivery::Sent,
            Ok(r) => Delivery::Failed { error: format!("webhook answered {}", r.status()), attempts: n.attempts },
            Err(e) => Delivery::Failed { error: e.to_string(), attempts: n.attempts },
        }
    }

    /// Sends every notice due now; returns how many were handled.
    pub async fn deliver_pending(&self, store: &Store) -> Result<usize, rectify_store::StoreError> {
        let mut handled = 0;
        loop {
            let batch = store.outbox().claim_notices(BATCH, TimeDelta::seconds(LEASE_SECONDS)).await?;
            if batch.is_empty() {
                return Ok(handled);
            }
            for n in batch {
                let outcome = match n.channel {
                    NoticeChannel::Email => self.send_email(&n).await,
                    NoticeChannel::Sms => self.send_sms(&n).await,
                }
                .scrubbed(&n.recipient);
                if let Delivery::Failed { error, .. } = &outcome {
                    tracing::warn!(
                        notice = n.id.get(),
                        channel = n.channel.as_str(),
                        error,
                        "notice not delivered; will retry"
                    );
                }
                store.outbox().record_delivery(n.id, outcome).await?;
                handled += 1;
            }
        }
    }

    /// Runs until `shutdown` resolves: delivers the outbox every `poll`, queues reminders every
    /// `reminders` (and runs the accountability rules then). Errors are logged and retried on the next round.
    pub async fn run(self, store: Store, shutdown: impl std::future::Future<Output = ()>) {
        let mut poll = tokio::time::interval(self.poll);
        let mut remind = tokio::time::interval(self.reminders);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => return,
                _ = remind.tick() => {
                    if let Err(e) = store.cases().queue_case_reminders().await {
                        tracing::error!(error = %e, "queueing reminders failed");
                    }
                    if let Err(e) = store.ledger().queue_problem_reminders().await {
                        tracing::error!(error = %e, "queueing ledger reminders failed");
                    }
                    // After the reminders, so that a reminder queued this round is counted.
                    if let Err(e) = store.accountability().propose_actions().await {
                        tracing::error!(error = %e, "proposing accountability actions failed");
                    }
                }
                _ = poll.tick() => {
                    if let Err(e) = self.deliver_pending(&store).await {
                        tracing::error!(error = %e, "delivering notices failed");
                    }
                }
            }
        }
    }
}
