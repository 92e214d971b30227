-- Files in and out, fair figures, and campaign bulletins (简报). SQLite flavour;
-- postgres/0009_exchange_bulletins.sql is the same schema.

-- The office's own number of a ledger item (编号 / 序号 in its spreadsheet), unique within a
-- campaign: re-importing the file updates the item instead of adding it again.
ALTER TABLE problems ADD COLUMN ref TEXT;
CREATE UNIQUE INDEX problems_ref ON problems(COALESCE(campaign_id, 0), ref) WHERE ref IS NOT NULL;
-- How a closed problem was closed off (verified / waived / imported); NULL while not closed.
ALTER TABLE problems ADD COLUMN close_basis TEXT;
-- The China date the unit finished: its last report of the work done, or an imported close-off.
ALTER TABLE problems ADD COLUMN done_on TEXT;
-- Times the problem was reopened after a close-off (反弹).
ALTER TABLE problems ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0;

UPDATE problems SET close_basis = 'verified' WHERE state = 'closed';
UPDATE problems SET done_on = date(COALESCE(reported_at, closed_at), '+8 hours')
    WHERE state IN ('reported', 'closed');
UPDATE problems SET reopen_count = (
    SELECT COUNT(*) FROM history h
    WHERE h.entity = 'problem' AND h.entity_id = CAST(problems.id AS TEXT) AND h.action = 'reopen');

-- The number another system gave a case (留言编号): re-importing its export updates the case.
ALTER TABLE cases ADD COLUMN ref TEXT;
CREATE UNIQUE INDEX cases_ref ON cases(ref) WHERE ref IS NOT NULL;

-- Bulletins (简报) of a campaign: composed as drafts, numbered 第N期 per campaign when published,
-- and frozen then (content holds every figure, table and text as published).
CREATE TABLE bulletins (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    batch_id INTEGER REFERENCES batches(id),
    number INTEGER,
    status TEXT NOT NULL,
    headline TEXT NOT NULL,
    issuer TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    -- What the staff wrote and chose (JSON): the editor's note, selected items, sections shown.
    composition TEXT NOT NULL,
    content TEXT,
    published_by INTEGER REFERENCES accounts(id),
    published_at TEXT,
    version INTEGER NOT NULL,
    created_by INTEGER REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX bulletins_number ON bulletins(campaign_id, number) WHERE number IS NOT NULL;
CREATE INDEX bulletins_published ON bulletins(status, published_at);
