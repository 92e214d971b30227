-- The audit chain's heads as published (/transparency): at most one per China date, appended by
-- the running server each day and by `rectify audit head --publish`, only when the chain grew.
-- `rectify audit verify` checks the chain against every row, so a rewritten chain fails against
-- heads already public. SQLite flavour; postgres/0012_published_heads.sql is the same.
CREATE TABLE published_heads (
    published_on TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    published_at TEXT NOT NULL
);
