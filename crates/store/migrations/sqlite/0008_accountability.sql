-- Accountability (问责) and praise, proposed by rules or recorded by a person, and the yearly
-- points of staff members (seed 003: 12 a year, a verified complaint costs 4).

CREATE TABLE action_records (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    person_id INTEGER REFERENCES people(id),
    -- The unit whose staff may see the record: unit_id, else the person's unit when recorded.
    owner_unit_id INTEGER REFERENCES units(id),
    reason TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    deciding_body TEXT,
    -- NULL when recorded by a person; otherwise the rule that proposed it.
    rule TEXT,
    -- One proposal per rule and subject: re-running the rules finds it (even dismissed) and adds
    -- nothing. NULL for manual records (NULLs never collide).
    proposal_key TEXT UNIQUE,
    -- JSON arrays of ids. Findings have no foreign key: they live in another module.
    problem_ids TEXT NOT NULL,
    case_ids TEXT NOT NULL,
    finding_ids TEXT NOT NULL,
    created_by TEXT NOT NULL,
    confirmed_by TEXT,
    confirmed_at TEXT,
    dismissed_by TEXT,
    dismissed_at TEXT,
    dismissed_reason TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX action_records_owner ON action_records(owner_unit_id, status, id);
CREATE INDEX action_records_person ON action_records(person_id, id);
CREATE INDEX action_records_status ON action_records(status, id);
CREATE INDEX action_records_decided ON action_records(decided_on, id);

CREATE TABLE point_deductions (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    points INTEGER NOT NULL,
    reason TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    case_id INTEGER REFERENCES cases(id),
    problem_id INTEGER REFERENCES problems(id),
    finding_id INTEGER,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX point_deductions_year_person ON point_deductions(year, person_id, id);
