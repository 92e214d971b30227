-- Inspections: plans, rounds with their committed pool snapshots and draws, findings, and
-- re-inspections of closed problems. SQLite flavour; postgres/0007_inspections.sql is the same.

-- An account may stand for a person of the directory: an inspector's account is how Rectify
-- knows which rounds it belongs to (and so which covert targets it may see).
ALTER TABLE accounts ADD COLUMN person_id INTEGER REFERENCES people(id);

CREATE TABLE inspection_plans (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    rhythm TEXT NOT NULL,
    theme TEXT NOT NULL,
    -- JSON array of the checklist items.
    checklist TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    groups_count INTEGER NOT NULL,
    inspectors_per_group INTEGER NOT NULL,
    targets_per_group INTEGER NOT NULL,
    no_repeat_rounds INTEGER NOT NULL,
    covert BOOLEAN NOT NULL,
    category TEXT,
    deadline_working_days INTEGER NOT NULL,
    campaign_id INTEGER REFERENCES campaigns(id),
    -- JSON of the target filter the pool was resolved from.
    target_filter TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_by INTEGER REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The two pools (一单两库).
CREATE TABLE plan_inspectors (
    plan_id INTEGER NOT NULL REFERENCES inspection_plans(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (plan_id, person_id)
);
CREATE TABLE plan_targets (
    plan_id INTEGER NOT NULL REFERENCES inspection_plans(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (plan_id, unit_id)
);

-- A round keeps the pool snapshot it was committed with: the draw is a function of it, the
-- rules and the seed, and the snapshot (not today's pools) is what verification reruns.
CREATE TABLE inspection_rounds (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES inspection_plans(id),
    number INTEGER NOT NULL,
    scheduled_on TEXT NOT NULL,
    status TEXT NOT NULL,
    seed_commitment TEXT NOT NULL,
    -- Rectify's own seed, kept until the round ends; NULL while the office holds it.
    seed TEXT,
    office_seed BOOLEAN NOT NULL,
    snapshot TEXT NOT NULL,
    snapshot_digest TEXT NOT NULL,
    drawn_at TEXT,
    ended_at TEXT,
    version INTEGER NOT NULL,
    created_by INTEGER REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    UNIQUE (plan_id, number)
);

CREATE TABLE round_inspectors (
    round_id INTEGER NOT NULL REFERENCES inspection_rounds(id),
    group_no INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (round_id, person_id)
);
CREATE INDEX round_inspectors_person ON round_inspectors(person_id);
CREATE TABLE round_targets (
    round_id INTEGER NOT NULL REFERENCES inspection_rounds(id),
    group_no INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (round_id, unit_id)
);

CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES inspection_rounds(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    inspector_person_id INTEGER REFERENCES people(id),
    -- JSON array of checklist answers.
    answers TEXT NOT NULL,
    note TEXT,
    aspect TEXT NOT NULL,
    found_at TEXT NOT NULL,
    -- NULL while a covert round runs: its problems are written when it ends.
    problem_id INTEGER REFERENCES problems(id),
    recorded_by INTEGER REFERENCES accounts(id),
    created_at TEXT NOT NULL
);
CREATE INDEX findings_round ON findings(round_id);
CREATE INDEX findings_problem ON findings(problem_id);
CREATE TABLE finding_attachments (
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    PRIMARY KEY (finding_id, attachment_id)
);

CREATE TABLE reinspections (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    closed_from TEXT NOT NULL,
    closed_to TEXT NOT NULL,
    share_percent INTEGER NOT NULL,
    campaign_id INTEGER REFERENCES campaigns(id),
    status TEXT NOT NULL,
    seed_commitment TEXT NOT NULL,
    seed TEXT,
    office_seed BOOLEAN NOT NULL,
    -- JSON array of the closed problem ids sampled from, canonical order.
    population TEXT NOT NULL,
    population_digest TEXT NOT NULL,
    drawn_at TEXT,
    version INTEGER NOT NULL,
    created_by INTEGER REFERENCES accounts(id),
    created_at TEXT NOT NULL
);
CREATE TABLE reinspection_items (
    reinspection_id INTEGER NOT NULL REFERENCES reinspections(id),
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    outcome TEXT,
    note TEXT,
    checked_by INTEGER REFERENCES accounts(id),
    checked_at TEXT,
    PRIMARY KEY (reinspection_id, problem_id)
);

-- Published inspection bulletins (督查通报): numbered per issuer and year, their content frozen
-- as JSON.
CREATE TABLE inspection_bulletins (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    issuer TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    round_id INTEGER REFERENCES inspection_rounds(id),
    plan_id INTEGER REFERENCES inspection_plans(id),
    area_unit_id INTEGER REFERENCES units(id),
    body TEXT NOT NULL,
    published_by INTEGER REFERENCES accounts(id),
    published_at TEXT NOT NULL,
    UNIQUE (issuer, year, number)
);
