-- The search index's change feed: one row per change to a searchable record, written in the
-- transaction of the change (from the history row), so an index that replays the rows after the
-- last number it applied misses nothing, and every instance keeps its own index from the same
-- rows. SQLite flavour; postgres/0016_search_feed.sql is the same.
CREATE TABLE search_feed (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    at TEXT NOT NULL
);
-- Records written before the feed existed: an upgraded instance indexes them on its first start.
INSERT INTO search_feed (kind, record_id, at) SELECT 'case', id, received_at FROM cases ORDER BY id;
INSERT INTO search_feed (kind, record_id, at) SELECT 'problem', id, created_at FROM problems ORDER BY id;
