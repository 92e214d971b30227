//! The `rectify` command line: exit codes (0 success, 1 runtime failure, 2 bad usage or input),
//! messages that name the problem, and `serve` answering on both databases.

use rectify_store::testing::fresh;
use rectify_store::{Backend, Location};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

fn rectify() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rectify"));
    c.env_remove("RECTIFY_DATABASE_URL").env_remove("RECTIFY_DATA").env("RECTIFY_LOG", "error");
    c
}

fn with_location(mut c: Command, loc: &Location) -> Command {
    match loc {
        Location::DataDir(d) => c.arg("--data").arg(d),
        Location::Postgres(url) => c.arg("--database-url").arg(url).arg("--pii-key-file").arg(key_file(loc)),
    };
    c
}

/// Where the commands of a test keep the keys of its database: the data dir for SQLite, a file
/// named after the test database for PostgreSQL.
fn key_file(loc: &Location) -> std::path::PathBuf {
    match loc {
        Location::DataDir(d) => d.join("pii.key"),
        Location::Postgres(url) => {
            let name: String =
                url.rsplit('/').next().unwrap_or("db").chars().filter(|c| c.is_alphanumeric() || *c == '_').collect();
            std::env::temp_dir().join("rectify-test-keys").join(format!("{name}.key"))
        }
    }
}

/// The store as the commands left it, opened with their key file.
async fn open_store(loc: &Location) -> rectify_store::Store {
    let (keys, _) = rectify_store::Keyring::load_or_create(&key_file(loc)).unwrap();
    rectify_store::Store::open(loc, std::sync::Arc::new(rectify_store::SystemClock), std::sync::Arc::new(keys))
        .await
        .unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(mut c: Command) -> Run {
    let out = c.output().expect("run rectify");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn help_for_every_command() {
    let top = run({
        let mut c = rectify();
        c.arg("--help");
        c
    });
    assert_eq!(top.code, 0);
    for cmd in [
        "serve", "demo", "calendar", "user", "audit", "draw", "backup", "restore", "import", "export", "bulletin",
        "search", "bench",
    ] {
        assert!(top.stdout.contains(cmd), "{cmd} listed");
    }
    for args in [
        &["serve", "--help"][..],
        &["demo", "--help"],
        &["calendar", "import", "--help"],
        &["user", "add", "--help"],
        &["bench", "--help"],
    ] {
        let r = run({
            let mut c = rectify();
            c.args(args);
            c
        });
        assert_eq!(r.code, 0, "{args:?}");
        assert!(r.stdout.contains("--data") || args[0] == "bench", "{args:?} documents --data");
    }
    let bad = run({
        let mut c = rectify();
        c.arg("frobnicate");
        c
    });
    assert_eq!(bad.code, 2);
}

#[test]
fn serve_refuses_a_bad_mail_server_before_touching_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let r = run({
        let mut c = rectify();
        c.args(["serve", "--addr", "127.0.0.1:0", "--smtp-url", "ftp://mail.example"]).arg("--data").arg(&data);
        c
    });
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--smtp-url"), "{}", r.stderr);
    assert!(!data.exists(), "nothing created");
}

#[test]
fn serve_refuses_a_trusted_proxy_that_is_no_address() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let r = run({
        let mut c = rectify();
        c.args(["serve", "--addr", "127.0.0.1:0", "--trusted-proxy", "10.0.0.1,proxy.local"]).arg("--data").arg(&data);
        c
    });
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("proxy.local"), "{}", r.stderr);
    assert!(!data.exists(), "nothing created");
}

#[test]
fn calendar_import_loads_or_names_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let good = dir.path().join("2027.json");
    std::fs::write(&good, r#"{"year": 2027, "holidays": [{"name": "春节", "from": "2027-02-06", "to": "2027-02-12"}], "workdays": [{"name": "春节", "date": "2027-02-20"}]}"#).unwrap();
    let r = run({
        let mut c = rectify();
        c.args(["calendar", "import"]).arg(&good).arg("--data").arg(&data);
        c
    });
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("2027: 7 holidays, 1 make-up working days"), "{}", r.stdout);

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"year": 2028, "workdays": [{"name": "x", "date": "2028-02-16"}]}"#).unwrap();
    let r = run({
        let mut c = rectify();
        c.args(["calendar", "import"]).arg(&bad).arg("--data").arg(&data);
        c
    });
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("workdays[0].date"), "{}", r.stderr);

    let csv = dir.path().join("2029.csv");
    std::fs::write(&csv, "date,kind,name\n2029-13-01,holiday,x\n").unwrap();
    let r = run({
        let mut c = rectify();
        c.args(["calendar", "import"]).arg(&csv).arg("--data").arg(&data);
        c
    });
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("row 2"), "{}", r.stderr);

    let missing = run({
        let mut c = rectify();
        c.args(["calendar", "import", "/nonexistent.json", "--data"]).arg(&data);
        c
    });
    assert_eq!(missing.code, 2);
    let list = run({
        let mut c = rectify();
        c.args(["calendar", "list", "--data"]).arg(&data);
        c
    });
    assert!(list.stdout.contains("2024") && list.stdout.contains("2027"));
}

#[test]
fn user_add() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_path_buf();
    let r = run({
        let mut c = rectify();
        c.args(["user", "add", "wang", "--role", "office_staff", "--data"]).arg(&data);
        c
    });
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Password: "), "a generated password is printed once");
    let r = run({
        let mut c = rectify();
        c.args(["user", "add", "wang", "--role", "office_staff", "--data"]).arg(&data);
        c
    });
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("username"), "{}", r.stderr);
    let r = run({
        let mut c = rectify();
        c.args(["user", "add", "li", "--role", "unit_clerk", "--data"]).arg(&data);
        c
    });
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unit_id"), "{}", r.stderr);
    let r = run({
        let mut c = rectify();
        c.args(["user", "add", "li", "--role", "emperor", "--data"]).arg(&data);
        c
    });
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--role"), "{}", r.stderr);
    let mut child = {
        let mut c = rectify();
        c.args(["user", "add", "zhao", "--role", "inspector", "--password-stdin", "--data"]).arg(&data);
        c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
    };
    child.stdin.take().unwrap().write_all(b"a-long-password\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Password"));
}

async fn serve_and_demo(backend: Backend) {
    let Some(db) = fresh(backend).await else { return };
    let demo = run(with_location(
        {
            let mut c = rectify();
            c.arg("demo");
            c
        },
        &db.location,
    ));
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    assert!(demo.stdout.contains("Demo data loaded"));
    let again = run(with_location(
        {
            let mut c = rectify();
            c.arg("demo");
            c
        },
        &db.location,
    ));
    assert_eq!(again.code, 2, "only into an empty database");
    assert!(again.stderr.contains("not empty"));
    draw_verify(&db.location);

    let mut cmd = with_location(
        {
            let mut c = rectify();
            c.args(["serve", "--addr", "127.0.0.1:0"]);
            c
        },
        &db.location,
    );
    let mut child = cmd.env("RECTIFY_ADMIN_PASSWORD", "").stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut password = None;
    let mut url = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(p) = line.strip_prefix("Created the account admin with password: ") {
            password = Some(p.to_owned());
        }
        if let Some(rest) = line.strip_prefix("Rectify listening on ") {
            url = rest.split_whitespace().next().map(str::to_owned);
            break;
        }
    }
    let (url, password) = (url.expect("listening line"), password.expect("admin password printed"));
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let health: serde_json::Value = client.get(format!("{url}/healthz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["database"], if backend == Backend::Sqlite { "sqlite" } else { "postgres" });
    let login = client
        .post(format!("{url}/api/v1/session"))
        .json(&serde_json::json!({"username": "admin", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let stats: serde_json::Value =
        client.get(format!("{url}/api/v1/stats/problems?group_by=batch")).send().await.unwrap().json().await.unwrap();
    let first = stats["groups"].as_array().unwrap().iter().find(|g| g["name"] == "第一批立改项目").unwrap().clone();
    assert_eq!((first["total"].as_u64(), first["closed"].as_u64()), (Some(98), Some(80)));
    // The server publishes today's audit head by itself, at start and then daily.
    let started = std::time::Instant::now();
    loop {
        let record: serde_json::Value =
            client.get(format!("{url}/api/v1/transparency")).send().await.unwrap().json().await.unwrap();
        if let Some(head) = record["heads"]["items"].as_array().and_then(|h| h.first()) {
            assert!(head["seq"].as_i64().unwrap() > 0 && head["hash"].as_str().unwrap().len() == 64, "{head}");
            break;
        }
        assert!(started.elapsed().as_secs() < 30, "no audit head published: {record}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// `rectify search status` before and after `rectify search rebuild` (with a progress bar off a
/// terminal: hidden), on the demo data.
async fn search_rebuild_and_status(backend: Backend) {
    let Some(db) = fresh(backend).await else { return };
    let index_home = tempfile::tempdir().unwrap();
    let search = |args: &[&str]| {
        let mut c = with_location(
            {
                let mut c = rectify();
                c.arg("search").args(args);
                c
            },
            &db.location,
        );
        if let Location::Postgres(_) = db.location {
            c.arg("--data").arg(index_home.path());
        }
        run(c)
    };
    let demo = run(with_location(
        {
            let mut c = rectify();
            c.arg("demo");
            c
        },
        &db.location,
    ));
    assert_eq!(demo.code, 0, "{}", demo.stderr);
    let none = search(&["status"]);
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert!(none.stdout.contains("no search index"), "{}", none.stdout);
    let rebuilt = search(&["rebuild"]);
    assert_eq!(rebuilt.code, 0, "{}", rebuilt.stderr);
    assert!(rebuilt.stdout.starts_with("indexed "), "{}", rebuilt.stdout);
    let status = search(&["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(status.stdout.contains("lag        0 changes"), "{}", status.stdout);
    assert!(status.stdout.contains("oldest     1 (pruned through 0)"), "{}", status.stdout);
    assert!(!status.stdout.contains("documents  0\n"), "{}", status.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_rebuild_and_status_on_sqlite() {
    search_rebuild_and_status(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_rebuild_and_status_on_postgres() {
    search_rebuild_and_status(Backend::Postgres).await
}

/// The demo's first round verifies from the database and from its evidence alone; evidence with
/// another seed does not; a round that does not exist is named.
fn draw_verify(loc: &Location) {
    let draw = |args: &[&str]| {
        run(with_location(
            {
                let mut c = rectify();
                c.arg("draw").arg("verify").args(args);
                c
            },
            loc,
        ))
    };
    let ok = draw(&["1", "--print-evidence"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("round 1: verified"), "{}", ok.stdout);
    let json_end = ok.stdout.rfind('}').unwrap() + 1;
    let evidence: serde_json::Value = serde_json::from_str(&ok.stdout[..json_end]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("round-1.json");
    std::fs::write(&file, serde_json::to_string(&evidence).unwrap()).unwrap();
    let offline = run({
        let mut c = rectify();
        c.args(["draw", "verify", "--evidence"]).arg(&file);
        c
    });
    assert_eq!(offline.code, 0, "{}", offline.stderr);
    let mut forged = evidence.clone();
    forged["seed"] = serde_json::json!("a seed chosen afterwards");
    std::fs::write(&file, serde_json::to_string(&forged).unwrap()).unwrap();
    let bad = run({
        let mut c = rectify();
        c.args(["draw", "verify", "--evidence"]).arg(&file);
        c
    });
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("seed_mismatch"), "{}", bad.stderr);
    let re = draw(&["1", "--reinspection", "--print-evidence"]);
    assert_eq!(re.code, 0, "the demo's re-inspection verifies: {}", re.stderr);
    // Its evidence, as /transparency publishes it, re-checks without the database.
    let json_end = re.stdout.rfind('}').unwrap() + 1;
    std::fs::write(&file, &re.stdout[..json_end]).unwrap();
    let offline = run({
        let mut c = rectify();
        c.args(["draw", "verify", "--evidence"]).arg(&file);
        c
    });
    assert!(offline.code == 0 && offline.stdout.contains("re-inspection 1"), "{}{}", offline.stdout, offline.stderr);
    let missing = draw(&["999"]);
    assert_eq!(missing.code, 2, "an unknown round is bad input");
    assert!(missing.stderr.contains("not found"), "{}", missing.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_and_demo_on_sqlite() {
    serve_and_demo(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_and_demo_on_postgres() {
    serve_and_demo(Backend::Postgres).await;
}

/// Runs raw SQL against the store, as someone with database access would.
async fn tamper(location: &Location, sql: &'static [&'static str]) {
    let store = open_store(location).await;
    store
        .db()
        .write(move |tx| {
            Box::pin(async move {
                for s in sql {
                    tx.conn().execute(rectify_store::db::Q::new(*s)).await?;
                }
                Ok(())
            })
        })
        .await
        .unwrap();
    store.close().await;
}

fn audit(loc: &Location, args: &[&str]) -> Run {
    run(with_location(
        {
            let mut c = rectify();
            c.arg("audit").args(args);
            c
        },
        loc,
    ))
}

async fn audit_verify_names_the_first_broken_entry(backend: Backend) {
    let Some(db) = fresh(backend).await else { return };
    let loc = &db.location;
    // Changes: the shipped holiday calendar loaded on first open, then three accounts.
    for name in ["staff1", "staff2", "staff3"] {
        let mut c = with_location(
            {
                let mut c = rectify();
                c.args(["user", "add", name, "--role", "office_staff", "--password-stdin"]);
                c
            },
            loc,
        );
        let mut child = c.stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(b"a-long-password\n").unwrap();
        assert!(child.wait().unwrap().success());
    }
    let ok = audit(loc, &["verify"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let head = audit(loc, &["head"]);
    let n: usize = head.stdout.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n >= 3, "every account is in the chain: {}", head.stdout);
    assert!(ok.stdout.contains(&format!("intact: {n} entries")), "{}", ok.stdout);
    assert_eq!(head.stdout.split_whitespace().nth(1).map(str::len), Some(64));
    let dir = tempfile::tempdir().unwrap();
    let heads = dir.path().join("heads.txt");
    std::fs::write(&heads, &head.stdout).unwrap();
    let heads = heads.to_str().unwrap();
    assert_eq!(audit(loc, &["verify", "--heads", heads]).code, 0);
    // Published as today's head: the same line on stdout, once a day.
    let published = audit(loc, &["head", "--publish"]);
    assert_eq!((published.code, published.stdout.as_str()), (0, head.stdout.as_str()), "{}", published.stderr);
    assert!(published.stderr.contains("published as the head of"), "{}", published.stderr);
    let again = audit(loc, &["head", "--publish"]);
    assert!(again.code == 0 && again.stderr.contains("published already"), "{}", again.stderr);
    let ok = audit(loc, &["verify"]);
    assert!(ok.code == 0 && ok.stdout.contains("1 published heads match"), "{}", ok.stdout);

    // Edited: found at the entry, and undoing the edit mends it.
    tamper(loc, &["UPDATE audit_log SET actor = 'nobody' WHERE seq = 2"]).await;
    let r = audit(loc, &["verify"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("entry 2") && r.stderr.contains("altered"), "{}", r.stderr);
    tamper(loc, &["UPDATE audit_log SET actor = 'system' WHERE seq = 2"]).await;
    assert_eq!(audit(loc, &["verify"]).code, 0, "the original content verifies again");

    // Reordered: entries 2 and 3 swapped (their numbers too).
    tamper(
        loc,
        &[
            "UPDATE audit_log SET seq = -2 WHERE seq = 2",
            "UPDATE audit_log SET seq = 2 WHERE seq = 3",
            "UPDATE audit_log SET seq = 3 WHERE seq = -2",
        ],
    )
    .await;
    let r = audit(loc, &["verify"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("entry 2") && r.stderr.contains("reordered"), "{}", r.stderr);

    // Removed: the gap is named.
    tamper(loc, &["DELETE FROM audit_log WHERE seq = 2"]).await;
    let r = audit(loc, &["verify"]);
    assert!(r.code == 1 && r.stderr.contains("entry 2: missing"), "{}", r.stderr);

    // Entries cut off after a published head.
    tamper(loc, &["DELETE FROM audit_log WHERE seq >= 3"]).await;
    let r = audit(loc, &["verify", "--heads", heads]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("published head"), "{}", r.stderr);
    // The head published in the database is checked without a file too.
    tamper(loc, &["DELETE FROM audit_log"]).await;
    let r = audit(loc, &["verify"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("the head published on") && r.stderr.contains("cut off"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_on_sqlite() {
    audit_verify_names_the_first_broken_entry(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_on_postgres() {
    audit_verify_names_the_first_broken_entry(Backend::Postgres).await;
}

/// A `rectify serve` on a SQLite data folder, with its URL.
struct Server {
    child: std::process::Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &std::path::Path) -> Server {
    serve_logging(data, None)
}

/// `serve`, with its log (at debug level) written to `log` when given.
fn serve_logging(data: &std::path::Path, log: Option<&std::path::Path>) -> Server {
    let mut c = rectify();
    c.args(["serve", "--no-notify", "--submit-per-minute", "100000", "--addr", "127.0.0.1:0", "--data"]).arg(data);
    let stderr = match log {
        Some(path) => {
            c.env("RECTIFY_LOG", "debug");
            Stdio::from(std::fs::File::create(path).unwrap())
        }
        None => Stdio::null(),
    };
    let child =
        c.env("RECTIFY_ADMIN_PASSWORD", "admin-password-1").stdout(Stdio::piped()).stderr(stderr).spawn().unwrap();
    // Owned at once, so Drop stops the process on every path.
    let mut server = Server { child, url: String::new() };
    let lines = BufReader::new(server.child.stdout.take().unwrap()).lines();
    for line in lines {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("Rectify listening on ") {
            server.url = rest.split_whitespace().next().unwrap().to_owned();
            return server;
        }
    }
    panic!("serve printed no URL");
}

/// Submits a public case; its tracking code when the server answered 2xx.
async fn submit(client: &reqwest::Client, url: &str, i: usize) -> Option<String> {
    let body = serde_json::json!({"content": format!("第{i}号诉求：路灯不亮"), "type": "help", "channel": "web"});
    let r = client.post(format!("{url}/api/v1/cases")).json(&body).send().await.ok()?;
    if !r.status().is_success() {
        return None;
    }
    let v: serde_json::Value = r.json().await.ok()?;
    v["tracking_code"].as_str().map(str::to_owned)
}

/// Every row of every table, in rowid order.
fn dump(db: &std::path::Path) -> Vec<(String, Vec<String>)> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid")).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (t, rows)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_serving_and_restore_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let (data, restored) = (dir.path().join("data"), dir.path().join("restored"));
    let server = serve(&data);
    let client = reqwest::Client::new();
    // A backup taken in the middle of a stream of submissions is consistent on its own.
    let during = dir.path().join("during.db");
    let load = futures::future::join_all((0..40).map(|i| submit(&client, &server.url, i)));
    let backup = {
        let mut c = rectify();
        c.arg("backup").arg(&during).arg("--data").arg(&data);
        tokio::task::spawn_blocking(move || run(c))
    };
    let (codes, backup) = tokio::join!(load, backup);
    let backup = backup.unwrap();
    assert_eq!(backup.code, 0, "{}", backup.stderr);
    assert!(codes.iter().all(Option::is_some));
    assert!(backup.stdout.contains("pii.key is not in the backup"), "{}", backup.stdout);
    // The backup holds sealed values only: restoring it needs the key file, kept apart.
    let keyless = run({
        let mut c = rectify();
        c.arg("restore").arg(&during).arg("--data").arg(dir.path().join("during-restored"));
        c
    });
    assert_eq!(keyless.code, 2, "{}", keyless.stderr);
    assert!(keyless.stderr.contains("no key file"), "{}", keyless.stderr);
    let r = run({
        let mut c = rectify();
        c.arg("restore").arg(&during).arg("--data").arg(dir.path().join("during-restored"));
        c.arg("--pii-key-file").arg(data.join("pii.key"));
        c
    });
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("audit chain intact"));
    // The key file given comes along, so the server started on the restored data opens it.
    let installed = dir.path().join("during-restored").join("pii.key");
    assert_eq!(std::fs::read(&installed).unwrap(), std::fs::read(data.join("pii.key")).unwrap());
    assert_eq!(std::fs::metadata(&installed).unwrap().permissions().mode() & 0o777, 0o600);

    // Idle now: the restored copy equals the live database row for row.
    let after = dir.path().join("after.db");
    let b = run({
        let mut c = rectify();
        c.arg("backup").arg(&after).arg("--data").arg(&data);
        c
    });
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert!(b.stdout.contains("40 cases"), "{}", b.stdout);
    let r = run({
        let mut c = rectify();
        c.arg("restore").arg(&after).arg("--data").arg(&restored);
        c.arg("--pii-key-file").arg(data.join("pii.key"));
        c
    });
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (live, copy) = (dump(&data.join("rectify.db")), dump(&restored.join("rectify.db")));
    assert_eq!(live.len(), copy.len());
    for ((t, rows), (t2, rows2)) in live.iter().zip(&copy) {
        assert_eq!(t, t2);
        assert_eq!(rows, rows2, "table {t} differs after restore");
    }
    assert!(live.iter().any(|(t, rows)| t == "cases" && rows.len() == 40));

    // Never over an existing database, never onto an existing file.
    let again = run({
        let mut c = rectify();
        c.arg("restore").arg(&after).arg("--data").arg(&restored);
        c.arg("--pii-key-file").arg(data.join("pii.key"));
        c
    });
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already here"));
    let over = run({
        let mut c = rectify();
        c.arg("backup").arg(&after).arg("--data").arg(&data);
        c
    });
    assert_eq!(over.code, 2);
    drop(server);
}

/// Commands beside a server on the same SQLite data: a dry run reads a snapshot and needs no
/// write lock (it succeeds while another process holds it); a real import refuses, naming the
/// server, rather than hold the server's writes up; and when another process does hold the
/// write lock too long, a citizen's submission answers 503 with Retry-After, never a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_beside_a_running_server_never_cost_a_citizen_a_500() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = serve(&data);
    let file = dir.path().join("units.csv").to_string_lossy().into_owned();
    let out = run({
        let mut c = rectify();
        c.args(["export", "units", "-o", &file, "--data"]).arg(&data);
        c
    });
    assert_eq!(out.code, 0, "{}", out.stderr);

    // Another process holds SQLite's write lock (as a long import would).
    let holder = rusqlite::Connection::open(data.join("rectify.db")).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let dry = run({
        let mut c = rectify();
        c.args(["import", "units", &file, "--dry-run", "--quiet", "--data"]).arg(&data);
        c
    });
    assert_eq!(dry.code, 0, "a dry run needs no write lock: {}{}", dry.stdout, dry.stderr);
    let body = serde_json::json!({"content": "路灯不亮", "type": "help", "channel": "web"});
    let r = reqwest::Client::new().post(format!("{}/api/v1/cases", server.url)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    holder.execute_batch("ROLLBACK").unwrap();
    assert!(submit(&reqwest::Client::new(), &server.url, 1).await.is_some(), "and it goes through a moment later");

    let real = run({
        let mut c = rectify();
        c.args(["import", "units", &file, "--quiet", "--data"]).arg(&data);
        c
    });
    assert_eq!(real.code, 2, "{}", real.stdout);
    assert!(real.stderr.contains("a server is running") && real.stderr.contains(&server.url), "{}", real.stderr);
    drop(server);
    let alone = run({
        let mut c = rectify();
        c.args(["import", "units", &file, "--quiet", "--data"]).arg(&data);
        c
    });
    assert_eq!(alone.code, 0, "with the server stopped: {}", alone.stderr);
}

/// The PostgreSQL backup and restore exactly as docs/OPERATIONS.md gives them (pg_dump,
/// pg_restore into an empty database, `rectify audit verify` with the key file). Without a key
/// file a command over PostgreSQL says what to give and makes none up in ./rectify-data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restore_as_the_operations_guide_says() {
    let Some(live) = fresh(Backend::Postgres).await else { return };
    let Some(empty) = fresh(Backend::Postgres).await else { return };
    let (Location::Postgres(from), Location::Postgres(to)) = (&live.location, &empty.location) else { unreachable!() };
    let key = key_file(&live.location);
    let _ = std::fs::remove_file(&key);
    let added = run(with_location(
        {
            let mut c = rectify();
            c.args(["user", "add", "wang", "--role", "office_staff"]);
            c
        },
        &live.location,
    ));
    assert_eq!(added.code, 0, "{}", added.stderr);
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("rectify.dump");
    let pg = |program: &str, args: &[&str]| {
        let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(out.status.success(), "{program}: {}", String::from_utf8_lossy(&out.stderr));
    };
    pg("pg_dump", &["--format=custom", &format!("--file={}", dump.display()), from]);
    pg("pg_restore", &[&format!("--dbname={to}"), dump.to_str().unwrap()]);
    let verify = |key: Option<&std::path::Path>| {
        let mut c = rectify();
        c.current_dir(dir.path()).args(["audit", "verify", "--database-url", to]);
        if let Some(k) = key {
            c.arg("--pii-key-file").arg(k);
        }
        run(c)
    };
    let ok = verify(Some(&key));
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    let keyless = verify(None);
    assert_eq!(keyless.code, 2, "{}", keyless.stdout);
    assert!(keyless.stderr.contains("--pii-key-file"), "{}", keyless.stderr);
    assert!(!dir.path().join("rectify-data").exists(), "no stray key beside the working directory");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_loses_no_acknowledged_submission() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = serve(&data);
    let url = server.url.clone();
    let client = reqwest::Client::new();
    // Eight clients submit until the server dies under them.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let (client, url, acknowledged) = (client.clone(), url.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    match submit(&client, &url, t * 100_000 + i).await {
                        Some(code) => acknowledged.lock().unwrap().push(code),
                        None => break,
                    }
                }
            })
        })
        .collect();
    // kill -9 once a few hundred are in.
    let started = std::time::Instant::now();
    while acknowledged.lock().unwrap().len() < 300 {
        assert!(started.elapsed().as_secs() < 120, "submissions stalled");
        assert!(!tasks.iter().all(|t| t.is_finished()), "every client stopped before the crash");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let store = open_store(&Location::DataDir(data.clone())).await;
    let stored: Vec<(String,)> =
        store.db().fetch_all(rectify_store::db::Q::new("SELECT tracking_code FROM cases")).await.unwrap();
    let stored: std::collections::HashSet<String> = stored.into_iter().map(|(c,)| c).collect();
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|c| !stored.contains(c.replace('-', "").as_str()) && !stored.contains(c.as_str()))
        .collect();
    assert!(lost.is_empty(), "{} of {} acknowledged submissions lost: {lost:?}", lost.len(), acknowledged.len());
    let report = store.audit().verify_audit(Vec::new()).await.unwrap();
    assert_eq!(report.broken, None, "the chain verifies after the crash");
    store.close().await;
    // And the server starts again on it.
    drop(serve(&data));
}

fn user_cmd(data: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut c = rectify();
    c.arg("user").args(args).arg("--data").arg(data);
    match stdin {
        Some(input) => {
            let mut child = c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
            let out = child.wait_with_output().unwrap();
            Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        }
        None => run(c),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_disable_and_reset_password() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert_eq!(
        user_cmd(&data, &["add", "staff1", "--role", "office_staff", "--password-stdin"], Some("first-password\n"))
            .code,
        0
    );
    let r = user_cmd(&data, &["reset-password", "staff1", "--password-stdin"], Some("second-password\n"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("second-password"), "a password typed in is not echoed");
    let generated = user_cmd(&data, &["reset-password", "staff1"], None);
    let new = generated
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Password: "))
        .expect("a generated password is printed")
        .to_owned();

    let open = || async { open_store(&Location::DataDir(data.clone())).await };
    let store = open().await;
    assert!(
        store.accounts().login("staff1", "second-password", None).await.unwrap().is_none(),
        "the old password is gone"
    );
    assert!(store.accounts().login("staff1", &new, None).await.unwrap().is_some());
    store.close().await;

    assert_eq!(user_cmd(&data, &["disable", "staff1"], None).code, 0);
    let store = open().await;
    assert!(store.accounts().login("staff1", &new, None).await.unwrap().is_none(), "a disabled account cannot sign in");
    assert_eq!(store.audit().verify_audit(Vec::new()).await.unwrap().broken, None);
    store.close().await;
    let missing = user_cmd(&data, &["disable", "nobody"], None);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nobody"), "{}", missing.stderr);
    let short = user_cmd(&data, &["reset-password", "staff1", "--password-stdin"], Some("short\n"));
    assert_eq!(short.code, 2);
}

fn keys(data: &std::path::Path, args: &[&str]) -> Run {
    let mut c = rectify();
    c.arg("keys").args(args).arg("--data").arg(data);
    run(c)
}

/// Citizens' details through a rotation done while the server runs, and never in the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_rotate_while_serving_and_the_log_holds_no_personal_details() {
    let dir = tempfile::tempdir().unwrap();
    let (data, log) = (dir.path().join("data"), dir.path().join("server.log"));
    let server = serve_logging(&data, Some(&log));
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let url = server.url.clone();
    let submit_pii = |phone: &'static str| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let body = serde_json::json!({"content": "反映某窗口推诿扯皮", "name": "欧阳秘密", "phone": phone,
                "email": "whistle.blower@example.com", "location": "宁海县跃龙街道秘密小区7幢302室"});
            let r = client.post(format!("{url}/api/v1/cases")).json(&body).send().await.unwrap();
            assert_eq!(r.status(), 201);
            let v: serde_json::Value = r.json().await.unwrap();
            (v["id"].as_str().unwrap().to_owned(), v["tracking_code"].as_str().unwrap().to_owned())
        }
    };
    let (first, code1) = submit_pii("13912345678").await;
    // A refused submission, a sign-in, a reveal and the pages: everything that could log.
    let bad = client
        .post(format!("{url}/api/v1/cases"))
        .json(&serde_json::json!({"content": "x", "phone": "13912345678", "email": "whistle.blower@", "name": "欧阳秘密"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let login = serde_json::json!({"username": "admin", "password": "admin-password-1"});
    assert_eq!(client.post(format!("{url}/api/v1/session")).json(&login).send().await.unwrap().status(), 200);
    let reveal = serde_json::json!({"reason": "电话回访"});
    let r = client.post(format!("{url}/api/v1/cases/{first}/contact")).json(&reveal).send().await.unwrap();
    assert_eq!(r.status(), 200);
    for path in [
        format!("/app/cases/{first}"),
        format!("/api/v1/cases/{first}"),
        format!("/track?code={code1}&phone_tail=5678"),
    ] {
        assert_eq!(client.get(format!("{url}{path}")).send().await.unwrap().status(), 200, "{path}");
    }

    // Rotate while serving: the running server picks the new key up from the file.
    let r = keys(&data, &["rotate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("re-sealed with key") && r.stdout.contains("1 cases"), "{}", r.stdout);
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    let (_, code2) = submit_pii("13800001111").await;
    let status = keys(&data, &["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(status.stdout.contains("primary") && status.stdout.contains("opens only"), "{}", status.stdout);
    let r = keys(&data, &["prune"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("removed key"), "{}", r.stdout);
    // Both citizens still track their cases by phone tail, on this server and after a restart.
    let track = |code: String, tail: &'static str| {
        let url = url.clone();
        async move { reqwest::get(format!("{url}/api/v1/track/{code}?phone_tail={tail}")).await.unwrap().status() }
    };
    assert_eq!(track(code1.clone(), "5678").await, 200);
    assert_eq!(track(code2.clone(), "1111").await, 200);
    drop(server);
    let again = serve(&data);
    for (code, tail) in [(code1, "5678"), (code2, "1111")] {
        let r = reqwest::get(format!("{}/api/v1/track/{code}?phone_tail={tail}", again.url)).await.unwrap();
        assert_eq!(r.status(), 200);
    }
    drop(again);

    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("DEBUG") || text.contains("INFO"), "the log was written");
    for needle in ["欧阳秘密", "13912345678", "13800001111", "whistle.blower", "秘密小区"] {
        assert!(!text.contains(needle), "the server log holds {needle}");
    }

    // A database does not open with keys that did not seal it.
    let other = dir.path().join("other.key");
    let r = keys(&data, &["status", "--pii-key-file", other.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    rectify_store::Keyring::load_or_create(&other).unwrap();
    let r = keys(&data, &["status", "--pii-key-file", other.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("sealed with key"), "{}", r.stderr);
}

/// `rectify` with `args` on the test's database.
fn on(loc: &Location, args: &[&str]) -> Run {
    run(with_location(
        {
            let mut c = rectify();
            c.args(args);
            c
        },
        loc,
    ))
}

/// The demo's campaign, as the commands name it.
async fn demo_campaign(loc: &Location) -> String {
    let store = open_store(loc).await;
    let page = store
        .campaigns()
        .list_campaigns(&rectify_domain::actor::Actor::system(), false, &rectify_store::PageRequest::first(50))
        .await
        .unwrap();
    store.close().await;
    page.items.iter().find(|c| c.name.contains("金东")).or(page.items.first()).unwrap().id.to_string()
}

/// Files in and out from the command line: the demo ledger out as .xlsx and .csv and back in
/// unchanged; a GBK ledger with a bad unit refused by row and column, all or nothing; the
/// bulletin as the demo's published 第8期, as today's preview, and published as 第9期.
async fn files_in_and_out(backend: Backend) {
    let Some(db) = fresh(backend).await else { return };
    let loc = &db.location;
    assert_eq!(on(loc, &["demo"]).code, 0);
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).to_string_lossy().into_owned();

    for name in ["台账.xlsx", "台账.csv"] {
        let out = on(loc, &["export", "problems", "-o", &path(name)]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let bytes = std::fs::read(path(name)).unwrap();
        if name.ends_with(".csv") {
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM, so that Excel reads UTF-8");
        } else {
            assert!(bytes.starts_with(b"PK"), "an .xlsx is a zip");
        }
        for args in [&["--dry-run"][..], &[]] {
            let back = on(loc, &[&["import", "problems", &path(name), "--quiet"][..], args].concat());
            assert_eq!(back.code, 0, "{name} {args:?}: {}{}", back.stdout, back.stderr);
            assert!(back.stdout.contains(" 0 new, 0 updated, "), "{name} re-imports unchanged: {}", back.stdout);
        }
    }
    // Every kind goes out and back in as a no-op: nothing new or updated, no audit entry, and the
    // same export afterwards.
    let head = || on(loc, &["audit", "head"]).stdout;
    for kind in ["units", "people", "problems", "cases"] {
        let (first, second) = (path(&format!("{kind}-1.csv")), path(&format!("{kind}-2.csv")));
        let out = on(loc, &["export", kind, "-o", &first]);
        assert_eq!(out.code, 0, "{kind}: {}", out.stderr);
        let seq = head();
        let back = on(loc, &["import", kind, &first, "--quiet"]);
        assert_eq!(back.code, 0, "{kind}: {}{}", back.stdout, back.stderr);
        assert!(back.stdout.contains(" 0 new, 0 updated, "), "{kind} re-imports unchanged: {}", back.stdout);
        assert_eq!(head(), seq, "{kind}: the re-import wrote no audit entry");
        assert_eq!(on(loc, &["export", kind, "-o", &second]).code, 0);
        assert_eq!(std::fs::read_to_string(&first).unwrap(), std::fs::read_to_string(&second).unwrap(), "{kind}");
    }
    let filtered = on(loc, &["export", "problems", "-o", &path("红灯.csv"), "--filter", "light=red"]);
    assert_eq!(filtered.code, 0, "{}", filtered.stderr);
    let typo = on(loc, &["export", "problems", "-o", &path("x.csv"), "--filter", "stat=open"]);
    assert_eq!(typo.code, 2);
    assert!(typo.stderr.contains("stat"), "the unknown filter is named: {}", typo.stderr);
    assert_eq!(on(loc, &["export", "problems", "-o", &path("x.txt")]).code, 2);

    // A ledger as an office keeps it: GBK, a title row, one row naming a unit that does not exist.
    let campaign = demo_campaign(loc).await;
    let ledger = "金东区立改项目台账,,,,\r\n序号,存在问题,责任单位,整改措施,整改时限\r\n\
                  CLI-1,会议室空调常年开启,金东区/区水务局,人走关空调,2026-12-31\r\n\
                  CLI-2,窗口人员脱岗,区不存在局,设立AB岗,2026-12-31\r\n";
    std::fs::write(path("台账gbk.csv"), encoding_rs::GBK.encode(ledger).0).unwrap();
    let before = on(loc, &["export", "problems", "-o", &path("before.csv")]);
    assert_eq!(before.code, 0);
    let refused = on(loc, &["import", "problems", &path("台账gbk.csv"), "--campaign", &campaign]);
    assert_eq!(refused.code, 2, "{}{}", refused.stdout, refused.stderr);
    assert!(refused.stdout.contains("row 4, 责任单位 \"区不存在局\""), "{}", refused.stdout);
    assert!(refused.stdout.contains("gb18030"), "the encoding was detected: {}", refused.stdout);
    assert!(refused.stderr.contains("nothing was written"));
    let after = on(loc, &["export", "problems", "-o", &path("after.csv")]);
    assert_eq!(after.code, 0);
    assert_eq!(std::fs::read(path("before.csv")).unwrap(), std::fs::read(path("after.csv")).unwrap(), "all or nothing");
    std::fs::write(path("台账gbk.csv"), encoding_rs::GBK.encode(&ledger.replace("区不存在局", "金东区/区审计局")).0)
        .unwrap();
    for expected in [" 2 new, 0 updated, 0 unchanged", " 0 new, 0 updated, 2 unchanged"] {
        let done = on(loc, &["import", "problems", &path("台账gbk.csv"), "--campaign", &campaign]);
        assert_eq!(done.code, 0, "{}{}", done.stdout, done.stderr);
        assert!(done.stdout.contains(expected), "{expected}: {}", done.stdout);
    }
    let unknown = on(loc, &["import", "widgets", &path("台账gbk.csv")]);
    assert_eq!(unknown.code, 2);

    // A 1.5 KB workbook with cells at A1 and XFD1048576 once aborted the command (exit 134).
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (row, col, text) in [(0, 0, "序号"), (0, 1, "存在问题"), (0, 2, "责任单位"), (1_048_575, 16_383, "x")]
    {
        sheet.write_string(row, col, text).unwrap();
    }
    book.save(path("炸弹.xlsx")).unwrap();
    let bomb = on(loc, &["import", "problems", &path("炸弹.xlsx"), "--dry-run"]);
    assert_eq!(bomb.code, 2, "{}{}", bomb.stdout, bomb.stderr);
    assert!(bomb.stderr.contains("2000000"), "the limit is named: {}", bomb.stderr);
    // The limits are options.
    let tight = on(loc, &["import", "problems", &path("台账gbk.csv"), "--dry-run", "--import-max-cells", "10"]);
    assert_eq!(tight.code, 2, "{}{}", tight.stdout, tight.stderr);
    assert!(tight.stderr.contains("10 "), "{}", tight.stderr);
    let small = on(loc, &["import", "problems", &path("台账gbk.csv"), "--dry-run", "--import-max-bytes", "100"]);
    assert_eq!(small.code, 2, "{}{}", small.stdout, small.stderr);
    assert!(small.stderr.contains("100 bytes"), "{}", small.stderr);

    // The bulletin: the demo published 第8期; a preview is not kept; --publish adds 第9期.
    let issue8 = on(loc, &["bulletin", "--campaign", &campaign, "--number", "8", "-o", &path("第8期.docx")]);
    assert_eq!(issue8.code, 0, "{}", issue8.stderr);
    assert!(std::fs::read(path("第8期.docx")).unwrap().starts_with(b"PK"));
    let preview = on(loc, &["bulletin", "--campaign", &campaign, "-o", &path("预览.pdf")]);
    assert_eq!(preview.code, 0, "{}", preview.stderr);
    assert!(preview.stdout.contains("not published"));
    assert!(std::fs::read(path("预览.pdf")).unwrap().starts_with(b"%PDF"));
    let published = on(loc, &["bulletin", "--campaign", &campaign, "--publish", "-o", &path("第9期.pdf")]);
    assert_eq!(published.code, 0, "{}", published.stderr);
    assert!(published.stdout.contains("第9期"), "{}", published.stdout);
    let missing = on(loc, &["bulletin", "--campaign", &campaign, "--number", "42", "-o", &path("x.pdf")]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert_eq!(on(loc, &["bulletin", "--campaign", &campaign, "-o", &path("x.txt")]).code, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_in_and_out_on_sqlite() {
    files_in_and_out(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_in_and_out_on_postgres() {
    files_in_and_out(Backend::Postgres).await;
}
