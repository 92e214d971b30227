//! A real `rectify` HTTP server on a fresh database per test, on SQLite or PostgreSQL, with a
//! pinned clock, and a signed-in client.

#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use rectify_store::testing::{TestDb, fresh};
use rectify_store::{Backend, FixedClock, Store};
use rectify_web::{AppState, WebConfig};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;

/// The answer's body as text: the page a browser would get.
pub trait TextOf {
    fn text_of(self) -> impl std::future::Future<Output = String>;
}

impl TextOf for reqwest::RequestBuilder {
    async fn text_of(self) -> String {
        self.send().await.unwrap().text().await.unwrap()
    }
}

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub clock: Arc<FixedClock>,
    /// Signed in as `admin` (office administrator).
    pub admin: Client,
    _db: TestDb,
    /// The search index's directory (its indexer follows the feed as `rectify serve`'s does).
    _index: tempfile::TempDir,
}

/// Monday 2 March 2026, 10:00 in China: a working week with no holidays nearby.
pub fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The fields named in a problem+json answer.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    pub fn id(&self) -> String {
        self.body["id"].as_str().unwrap_or_else(|| panic!("no id in {}", self.body)).to_owned()
    }

    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(self.status.is_success(), "expected success, got {}: {}", self.status, self.body);
        self.body
    }

    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status.as_u16(), status, "unexpected answer: {}", self.body);
        if status >= 400 {
            let ct = self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
            assert_eq!(ct, "application/problem+json", "errors are problem+json");
            assert_eq!(self.body["status"].as_u64(), Some(u64::from(status)));
        }
        self
    }
}

impl TestApp {
    /// `None` when PostgreSQL is not configured outside CI (the test is then not run).
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        // Tests submit many public cases from one address; tracking keeps its real limit.
        Self::spawn_with(backend, WebConfig { submit_per_minute: 10_000, ..WebConfig::default() }).await
    }

    /// [`TestApp::spawn`] with the given per-client limits and cookie settings.
    pub async fn spawn_with(backend: Backend, config: WebConfig) -> Option<TestApp> {
        let _ = tracing_subscriber::fmt().with_test_writer().try_init();
        let Some(db) = fresh(backend).await else {
            eprintln!("skipping: PostgreSQL not configured (set RECTIFY_TEST_DATABASE_URL)");
            return None;
        };
        let clock = Arc::new(FixedClock::new(monday()));
        let store = db.open(clock.clone()).await.expect("open store");
        store.accounts().ensure_admin(Some(ADMIN_PASSWORD.into())).await.expect("admin");
        let index = tempfile::tempdir().expect("index dir");
        store.search().attach(Arc::new(rectify_search::SearchIndex::open(index.path()).expect("index")));
        let indexer = store.clone();
        tokio::spawn(async move {
            indexer.search().follow(std::time::Duration::from_millis(50), std::future::pending()).await
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let state = AppState::new(store.clone(), config);
        tokio::spawn(rectify_web::serve(listener, state, std::future::pending()));
        let admin = Client::builder().cookie_store(true).build().expect("client");
        let app = TestApp { base, store, clock, admin, _db: db, _index: index };
        app.login(&app.admin, "admin", ADMIN_PASSWORD).await.expect(200);
        Some(app)
    }

    /// Moves the clock, and signs `admin` in again (sessions last twelve hours).
    pub async fn travel(&self, to: DateTime<Utc>) {
        self.clock.set(to);
        self.login(&self.admin, "admin", ADMIN_PASSWORD).await.expect(200);
    }

    /// Signs in again an account made by [`TestApp::user`].
    pub async fn relogin(&self, client: &Client, username: &str) {
        self.login(client, username, "password-123").await.expect(200);
    }

    /// Where this test's data lives.
    pub fn location(&self) -> &rectify_store::Location {
        &self._db.location
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn login(&self, client: &Client, username: &str, password: &str) -> Reply {
        self.send(client, Method::POST, "/api/v1/session", Some(json!({"username": username, "password": password})))
            .await
    }

    /// A new signed-in client for a fresh account with `role` (and `unit` for unit roles).
    pub async fn user(&self, username: &str, role: &str, unit: Option<&str>) -> Client {
        let mut body = json!({"username": username, "password": "password-123", "role": role});
        if let Some(u) = unit {
            body["unit_id"] = json!(u);
        }
        self.post("/api/v1/accounts", body).await.expect(201);
        let c = Client::builder().cookie_store(true).build().expect("client");
        self.login(&c, username, "password-123").await.expect(200);
        c
    }

    pub async fn send(&self, client: &Client, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut req = client.request(method, self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        Self::reply(req.send().await.expect("request")).await
    }

    pub async fn reply(resp: reqwest::Response) -> Reply {
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Reply { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(&self.admin, Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(&self.admin, Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(&self.admin, Method::PATCH, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(&self.admin, Method::PUT, path, Some(body)).await
    }

    pub async fn unit(&self, name: &str, parent: Option<&str>) -> String {
        self.post("/api/v1/units", json!({"name": name, "parent_id": parent, "kind": "department"}))
            .await
            .expect(201)
            .id()
    }

    pub async fn problem(&self, body: Value) -> Value {
        self.post("/api/v1/problems", body).await.expect(201).body
    }

    /// Uploads a small PNG and returns its id.
    pub async fn upload_png(&self, client: &Client) -> String {
        let part = reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("现场照片.png");
        let form = reqwest::multipart::Form::new().part("file", part);
        let resp = client.post(self.url("/api/v1/attachments")).multipart(form).send().await.expect("upload");
        Self::reply(resp).await.expect(201).id()
    }

    /// Every item of a list, following cursors.
    pub async fn all(&self, path: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut next: Option<String> = None;
        loop {
            let url = match &next {
                Some(c) => format!("{path}{sep}cursor={c}"),
                None => path.to_owned(),
            };
            let page = self.get(&url).await.ok();
            out.extend(page["items"].as_array().cloned().unwrap_or_default());
            match page["next_cursor"].as_str() {
                Some(c) => next = Some(c.to_owned()),
                None => return out,
            }
        }
    }

    pub async fn all_owned(&self, path: String) -> Vec<Value> {
        self.all(&path).await
    }

    /// Closes a problem off through the API: start, evidence, report, verify.
    pub async fn close_off(&self, id: &str) {
        let act = format!("/api/v1/problems/{id}/transitions");
        self.post(&act, json!({"action": "start"})).await.ok();
        let file = self.upload_png(&self.admin).await;
        self.post(&format!("/api/v1/problems/{id}/progress"), json!({"note": "整改完成", "attachment_ids": [file]}))
            .await
            .ok();
        self.post(&act, json!({"action": "report_done"})).await.ok();
        self.post(&act, json!({"action": "verify", "note": "验收合格"})).await.ok();
    }

    /// Waits until the search index holds every change so far (its indexer polls the feed).
    pub async fn indexed(&self) {
        for _ in 0..200 {
            if self.store.search().status(None).await.is_ok_and(|s| s.lag() == 0) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the search index did not catch up");
    }

    pub async fn count_rows(&self, table: &str) -> i64 {
        self.store.db().scalar(rectify_store::db::Q::new(format!("SELECT COUNT(*) FROM {table}"))).await.expect("count")
    }
}

/// The value of a hidden form field (the CSRF token) in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in the page")) + marker.len();
    html[start..].split('"').next().unwrap_or_default().to_owned()
}

pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
