-- Citizen cases, intake sessions, their links to problems, and the notification outbox.
-- SQLite flavour; postgres/0002_cases.sql is the same schema.

CREATE TABLE intake_sessions (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    channel TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT,
    unit_id INTEGER REFERENCES units(id),
    participants INTEGER,
    note TEXT,
    created_by INTEGER REFERENCES accounts(id),
    created_at TEXT NOT NULL
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    tracking_code TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    type TEXT NOT NULL,
    title TEXT,
    content TEXT NOT NULL,
    -- SHA-256 of the content, for spotting the same message sent twice.
    content_hash TEXT NOT NULL,
    urgent BOOLEAN NOT NULL,
    citizen_name TEXT,
    phone TEXT,
    email TEXT,
    location TEXT,
    latitude REAL,
    longitude REAL,
    target_unit_id INTEGER REFERENCES units(id),
    unit_id INTEGER REFERENCES units(id),
    session_id INTEGER REFERENCES intake_sessions(id),
    state TEXT NOT NULL,
    received_at TEXT NOT NULL,
    -- YYYY-MM of received_at in China, for figures by month.
    received_month TEXT NOT NULL,
    registered_by INTEGER REFERENCES accounts(id),
    accepted_at TEXT,
    assigned_at TEXT,
    sign_due_on TEXT,
    signed_at TEXT,
    signed_on TEXT,
    due_on TEXT,
    replied_at TEXT,
    replied_on TEXT,
    answer TEXT,
    decline_reason TEXT,
    extension_due TEXT,
    extension_reason TEXT,
    extension_requested_at TEXT,
    extension_status TEXT,
    satisfaction TEXT,
    satisfaction_at TEXT,
    visit_method TEXT,
    visit_count INTEGER NOT NULL,
    visited_at TEXT,
    rated_at TEXT,
    rating_comment TEXT,
    reopen_count INTEGER NOT NULL,
    send_back_count INTEGER NOT NULL,
    closed_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_state_id ON cases(state, id);
CREATE INDEX cases_unit_state ON cases(unit_id, state);
CREATE INDEX cases_duplicates ON cases(phone, content_hash, created_at);
CREATE INDEX cases_month ON cases(received_month);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    account_id INTEGER,
    actor TEXT NOT NULL,
    -- Staff notes: never shown to the citizen.
    note TEXT,
    -- What the citizen may read (a decline reason, the answer).
    public_text TEXT,
    unit_id INTEGER REFERENCES units(id)
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE case_attachments (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    attachment_id INTEGER NOT NULL UNIQUE REFERENCES attachments(id),
    PRIMARY KEY (case_id, attachment_id)
);

CREATE TABLE problem_cases (
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    linked_at TEXT NOT NULL,
    linked_by TEXT NOT NULL,
    PRIMARY KEY (problem_id, case_id)
);
CREATE INDEX problem_cases_case ON problem_cases(case_id);

-- Notifications, written in the same transaction as the change they report and delivered by a
-- background worker with retries.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    case_id INTEGER REFERENCES cases(id),
    -- Set for notices that must go out once (a due-soon reminder for one due date).
    dedupe_key TEXT UNIQUE,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    locked_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
