//! The SQLite and PostgreSQL migrations describe the same schema.

use rectify_store::testing::{TestDb, fresh};
use rectify_store::{Backend, SystemClock};
use std::collections::BTreeSet;
use std::sync::Arc;

async fn columns(db: &TestDb) -> BTreeSet<(String, String)> {
    let store = db.open(Arc::new(SystemClock)).await.expect("open");
    let sql = match store.backend() {
        Backend::Sqlite => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'"
        }
        Backend::Postgres => {
            "SELECT table_name::TEXT AS t, column_name::TEXT AS c FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'"
        }
    };
    let rows: Vec<(String, String)> = store.db().fetch_all(rectify_store::db::Q::new(sql)).await.expect("columns");
    rows.into_iter().collect()
}

#[tokio::test]
async fn sqlite_and_postgres_have_the_same_tables_and_columns() {
    let sqlite = fresh(Backend::Sqlite).await.expect("sqlite");
    let Some(pg) = fresh(Backend::Postgres).await else {
        eprintln!("PostgreSQL not configured: set RECTIFY_TEST_DATABASE_URL to compare schemas");
        return;
    };
    let a = columns(&sqlite).await;
    let b = columns(&pg).await;
    assert!(!a.is_empty());
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_pg: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_pg:?}"
    );
}
