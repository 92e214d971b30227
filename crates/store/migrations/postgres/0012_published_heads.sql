-- The audit chain's heads as published (/transparency): at most one per China date, appended by
-- the running server each day and by `rectify audit head --publish`, only when the chain grew.
-- The primary key makes several instances publishing at once safe (ON CONFLICT DO NOTHING).
-- `rectify audit verify` checks the chain against every row, so a rewritten chain fails against
-- heads already public. PostgreSQL flavour of sqlite/0012_published_heads.sql.
CREATE TABLE published_heads (
    published_on DATE PRIMARY KEY,
    seq BIGINT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    published_at TIMESTAMPTZ NOT NULL
);
