-- The ledger schema, SQLite flavour. crates/store/migrations/postgres/0001_ledger.sql is the
-- same schema for PostgreSQL; a test compares the two. Times are UTC text written by the
-- application (fixed microsecond RFC 3339), dates are YYYY-MM-DD text.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES units(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    system TEXT,
    complaint_phone TEXT,
    mailbox TEXT,
    archived_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE UNIQUE INDEX units_sibling_name ON units(COALESCE(parent_id, 0), name) WHERE archived_at IS NULL;

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    position TEXT,
    affiliation TEXT,
    phone TEXT,
    archived_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX people_unit ON people(unit_id);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    disabled_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    created_by INTEGER REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    archived_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE campaign_phases (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    due_on TEXT
);
CREATE INDEX campaign_phases_campaign ON campaign_phases(campaign_id, position);

CREATE TABLE campaign_units (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (campaign_id, unit_id)
);

CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    name TEXT NOT NULL,
    items_per_unit INTEGER NOT NULL,
    due_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX batches_campaign ON batches(campaign_id);

CREATE TABLE problems (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    description TEXT NOT NULL,
    responsible_person_id INTEGER REFERENCES people(id),
    leader_person_id INTEGER REFERENCES people(id),
    level TEXT NOT NULL,
    category TEXT,
    type TEXT NOT NULL,
    root_cause TEXT,
    deadline TEXT,
    -- Earliest of deadline and the deadlines of unfinished measures: what the light is judged by.
    due_on TEXT,
    campaign_id INTEGER REFERENCES campaigns(id),
    batch_id INTEGER REFERENCES batches(id),
    sources TEXT NOT NULL,
    published BOOLEAN NOT NULL,
    state TEXT NOT NULL,
    archived_at TEXT,
    version INTEGER NOT NULL,
    created_by INTEGER REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    reported_at TEXT,
    closed_at TEXT
);
-- Figures by unit read this index alone (it holds every column they look at, archived_at
-- included), and list pages filtered by unit and state search it.
CREATE INDEX problems_unit_state ON problems(unit_id, state, due_on, archived_at);
-- List pages filtered by state or light walk this in id order and test due_on without reading
-- the rows, so a dense filter finds a page without sorting.
CREATE INDEX problems_state_id ON problems(state, archived_at, id, due_on);
CREATE INDEX problems_campaign ON problems(campaign_id, batch_id);
CREATE INDEX problems_batch ON problems(batch_id, unit_id);
CREATE INDEX problems_category ON problems(category);

CREATE TABLE measures (
    id INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    owner_person_id INTEGER REFERENCES people(id),
    deadline TEXT,
    done BOOLEAN NOT NULL,
    done_at TEXT,
    archived_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX measures_problem ON measures(problem_id, position);

CREATE TABLE attachment_blobs (
    sha256 TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES attachment_blobs(sha256),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by INTEGER REFERENCES accounts(id),
    created_at TEXT NOT NULL
);

CREATE TABLE progress (
    id INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    on_date TEXT NOT NULL,
    note TEXT,
    account_id INTEGER REFERENCES accounts(id),
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX progress_problem ON progress(problem_id, id);

CREATE TABLE progress_attachments (
    progress_id INTEGER NOT NULL REFERENCES progress(id),
    attachment_id INTEGER NOT NULL UNIQUE REFERENCES attachments(id),
    PRIMARY KEY (progress_id, attachment_id)
);

CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    account_id INTEGER,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT,
    before TEXT,
    after TEXT
);
CREATE INDEX history_entity ON history(entity, entity_id, id);

CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    source TEXT,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL
);

CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    year INTEGER NOT NULL REFERENCES calendar_years(year),
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days(year);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
