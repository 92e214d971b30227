//! The `rectify` command line: exit codes (0 success, 1 runtime failure, 2 bad usage or input),
//! messages that name the problem, and `serve` answering on both databases.

use rectify_store::testing::fresh;
use rectify_store::{Backend, Location};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn rectify() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rectify"));
    c.env_remove("RECTIFY_DATABASE_URL").env_remove("RECTIFY_DATA").env("RECTIFY_LOG", "error");
    c
}

fn with_location(mut c: Command, loc: &Location) -> Command {
    match loc {
        Location::DataDir(d) => c.arg("--data").arg(d),
        Location::Postgres(url) => c.arg("--database-url").arg(url),
    };
    c
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
    for cmd in ["serve", "demo", "calendar", "user", "bench"] {
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
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_and_demo_on_sqlite() {
    serve_and_demo(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_and_demo_on_postgres() {
    serve_and_demo(Backend::Postgres).await;
}
