//! The SQLite backup: what it reports, and that the database and its copies are the owner's only.

use rectify_domain::actor::Actor;
use rectify_store::backup::{DB_FILE, backup_sqlite, restore_sqlite};
use rectify_store::testing::fresh;
use rectify_store::{Backend, Location, SystemClock};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Two people attach the same photograph: two attachments, one stored blob. The backup reports
/// what people attached. The database, the backup and the restored copy are created 0600.
#[tokio::test]
async fn a_backup_counts_attachments_and_every_copy_is_private() {
    let db = fresh(Backend::Sqlite).await.unwrap();
    let Location::DataDir(dir) = db.location.clone() else { unreachable!() };
    let store = db.open(Arc::new(SystemClock)).await.unwrap();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82".to_vec();
    for name in ["现场.png", "现场（复查）.png"] {
        store.files().upload_attachment(&Actor::system(), name, png.clone(), None).await.unwrap();
    }
    store.close().await;
    assert_eq!(mode(&dir.join(DB_FILE)), 0o600, "the database");

    let out = tempfile::tempdir().unwrap();
    let copy = out.path().join("backup.db");
    let report = backup_sqlite(&dir, &copy).unwrap();
    assert_eq!(report.attachments, 2);
    assert_eq!(mode(&copy), 0o600, "the backup");
    let restored = out.path().join("restored");
    assert_eq!(restore_sqlite(&copy, &restored).unwrap().attachments, 2);
    assert_eq!(mode(&restored.join(DB_FILE)), 0o600, "the restored database");
}
