//! A citizen's phone, e-mail or ID number written into a case's text, on both databases: an
//! imported case's text is stored masked with the text as written sealed beside it, and the texts
//! of cases written before masking existed are masked and sealed when the store opens.

use chrono::{TimeZone, Utc};
use rectify_domain::actor::Actor;
use rectify_domain::case::{CaseType, Channel, NewCase};
use rectify_domain::exchange::{CaseRecord, ImportOptions, Lines, Records, Row};
use rectify_domain::ids::CaseId;
use rectify_domain::privacy::RevealRequest;
use rectify_store::db::Q;
use rectify_store::exchange::ExportRequest;
use rectify_store::on_both;
use rectify_store::testing::{TestDb, fresh};
use rectify_store::{Backend, FixedClock, Store};
use std::sync::Arc;

const WRITTEN: &str = "夜间施工噪音扰民，我的手机13912345678，邮箱noisy.night@example.com，请处理。";
const SHOWN: &str = "夜间施工噪音扰民，我的手机139****5678，邮箱n***@example.com，请处理。";

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()))
}

async fn store(backend: Backend) -> Option<(Store, TestDb)> {
    let db = fresh(backend).await?;
    let store = db.open(clock()).await.expect("open");
    Some((store, db))
}

async fn stored(s: &Store, id: CaseId) -> (String, Option<String>) {
    s.db()
        .fetch_optional(Q::new("SELECT content, sealed_content FROM cases WHERE id = $1").bind(id.get()))
        .await
        .unwrap()
        .unwrap()
}

async fn revealed(s: &Store, id: CaseId) -> Option<String> {
    let why = RevealRequest { reason: Some("核实".into()) };
    s.cases().reveal_contact(&Actor::system(), id, &why).await.unwrap().content
}

/// The text of the first case of an export.
async fn exported(s: &Store, reveal: Option<RevealRequest>) -> String {
    let req = ExportRequest::Cases { filter: Default::default(), reveal };
    let Lines::Cases { lines, .. } = s.exchange().export(&Actor::system(), req).await.unwrap() else { panic!("cases") };
    lines[0].record.content.clone().unwrap()
}

async fn an_imported_text_is_masked_and_sealed(backend: Backend) {
    let Some((s, _db)) = store(backend).await else { return };
    let admin = Actor::system();
    let rows = vec![Row {
        row: 2,
        record: CaseRecord {
            reference: Some("M1".into()),
            content: Some(WRITTEN.into()),
            received_at: Some(s.now()),
            ..Default::default()
        },
    }];
    let opts = ImportOptions {
        source: "留言.xlsx".into(),
        channel: Some(Channel::Web),
        case_type: Some(CaseType::Complaint),
        ..Default::default()
    };
    let r = s.exchange().import(&admin, Records::Cases(rows), opts, vec![], vec![], None).await.unwrap();
    assert!(r.applied && r.created == 1, "{r:?}");
    let id: i64 = s.db().scalar(Q::new("SELECT id FROM cases WHERE ref = 'M1'")).await.unwrap();
    let id = CaseId(id);
    let (content, sealed) = stored(&s, id).await;
    assert_eq!(content, SHOWN);
    assert!(sealed.is_some_and(|v| v.starts_with("pii1.") && !v.contains("13912345678")));
    assert_eq!(revealed(&s, id).await.as_deref(), Some(WRITTEN));

    // The export shows the masked text, and the text as written only with a reason.
    assert_eq!(exported(&s, None).await, SHOWN);
    assert_eq!(exported(&s, Some(RevealRequest { reason: Some("回访".into()) })).await, WRITTEN);

    // The key's usage counts it (the case has no contact details: the text is its one value), so
    // a key is not forgotten while it still seals a text.
    let uses = s.keys().key_usage().await.unwrap();
    assert!(uses.iter().any(|k| k.primary && k.values == 1), "{uses:?}");
}

/// A case written before texts were masked: its text in the clear, listed by the migration.
async fn texts_written_before_are_masked_and_sealed_when_the_store_opens(backend: Backend) {
    let Some((s, db)) = store(backend).await else { return };
    let admin = Actor::system();
    let mut ids = Vec::new();
    for text in ["路灯不亮", "占道经营"] {
        let input = NewCase { content: Some(text.into()), channel: Some(Channel::Hotline), ..Default::default() };
        ids.push(s.cases().register_case(&admin, input, None).await.unwrap().value.id);
    }
    let (old, plain) = (ids[0], ids[1]);
    s.db()
        .write(move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                c.execute(
                    Q::new("UPDATE cases SET content = $1, sealed_content = NULL WHERE id = $2")
                        .bind(WRITTEN)
                        .bind(old.get()),
                )
                .await?;
                for id in [old, plain] {
                    c.execute(Q::new("INSERT INTO content_to_seal (case_id) VALUES ($1)").bind(id.get())).await?;
                }
                Ok(())
            })
        })
        .await
        .unwrap();
    s.close().await;

    let s = db.open(clock()).await.expect("reopen");
    let (content, sealed) = stored(&s, old).await;
    assert_eq!(content, SHOWN);
    assert!(sealed.is_some_and(|v| v.starts_with("pii1.")));
    assert_eq!(stored(&s, plain).await, ("占道经营".to_owned(), None), "a text with nothing to hide is left alone");
    let pending: i64 = s.db().scalar(Q::new("SELECT COUNT(*) FROM content_to_seal")).await.unwrap();
    assert_eq!(pending, 0);
    assert_eq!(revealed(&s, old).await.as_deref(), Some(WRITTEN));
    assert_eq!(revealed(&s, plain).await, None);
    let recorded: i64 =
        s.db().scalar(Q::new("SELECT COUNT(*) FROM audit_log WHERE action = 'seal_contents'")).await.unwrap();
    assert_eq!(recorded, 1);
    assert!(s.audit().verify_audit(Vec::new()).await.unwrap().broken.is_none());
}

on_both!(an_imported_text_is_masked_and_sealed, texts_written_before_are_masked_and_sealed_when_the_store_opens);
