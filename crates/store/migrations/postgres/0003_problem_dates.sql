-- The dashboard's found/closed-per-week line counts the last weeks of creations and close-offs;
-- with `archived_at` in the index, the whole ledger's line is counted from the index alone.
CREATE INDEX problems_created_at ON problems(created_at, archived_at);
CREATE INDEX problems_closed_at ON problems(closed_at, archived_at);
