-- Return-visit samples of the service ledger (回访抽查, issue 19): the done cases of a period drawn
-- at random with a seed kept beside the digest of the ids drawn from, so the draw can be run
-- again; and what each call found. SQLite flavour; postgres/0023_service_samples.sql is the same.
CREATE TABLE service_samples (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER REFERENCES units(id),
    from_on TEXT NOT NULL,
    to_on TEXT NOT NULL,
    size INTEGER NOT NULL,
    pool_size INTEGER NOT NULL,
    seed TEXT NOT NULL,
    snapshot_digest TEXT NOT NULL,
    -- The cases drawn, in the order drawn, as a JSON array of ids.
    case_ids TEXT NOT NULL,
    drawn_by INTEGER REFERENCES accounts(id),
    drawn_at TEXT NOT NULL
);

CREATE TABLE service_sample_calls (
    sample_id INTEGER NOT NULL REFERENCES service_samples(id),
    case_id INTEGER NOT NULL REFERENCES service_cases(id),
    outcome TEXT NOT NULL,
    note TEXT,
    problem_id INTEGER REFERENCES problems(id),
    called_by INTEGER REFERENCES accounts(id),
    called_at TEXT NOT NULL,
    PRIMARY KEY (sample_id, case_id)
);
