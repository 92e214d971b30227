-- The service ledger (服务台账, issue 19): one row per service case (办件), handled under the
-- item version it names; the applicant's name and phone sealed like a citizen's (phone_index
-- finds a phone's cases without opening them). Dates are China dates; suspensions and the steps
-- recorded are JSON arrays. SQLite flavour; postgres/0021_service_cases.sql is the same schema.
CREATE TABLE service_cases (
    id INTEGER PRIMARY KEY,
    tracking_code TEXT NOT NULL,
    item_id INTEGER NOT NULL REFERENCES service_items(id),
    item_version INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    channel TEXT NOT NULL,
    state TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_phone TEXT NOT NULL,
    phone_index TEXT,
    note TEXT,
    responsible_id INTEGER NOT NULL REFERENCES people(id),
    received_at TEXT NOT NULL,
    -- YYYY-MM of received_at in China, for figures by month.
    received_month TEXT NOT NULL,
    accepted_on TEXT,
    done_on TEXT,
    suspensions TEXT NOT NULL,
    steps_done TEXT NOT NULL,
    notices_given INTEGER NOT NULL,
    visits INTEGER NOT NULL,
    over_visits BOOLEAN NOT NULL,
    outcome TEXT,
    -- What the figures count, kept at every step: the working days from acceptance to the end
    -- (suspensions left out) and the day the promise falls due while the case is open.
    worked_days INTEGER,
    promised_due TEXT,
    promised_days INTEGER NOT NULL,
    legal_days INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX service_cases_code ON service_cases(tracking_code);
-- The figures read every column they count from this one index (a narrow scan instead of the
-- wide rows; measured 2.3 s → 0.4 s by unit at a million cases on SQLite), grouped by any of its
-- first four; the lists filter by unit through it too.
CREATE INDEX service_cases_figures ON service_cases(unit_id, received_month, item_id, responsible_id, state,
    accepted_on, worked_days, promised_days, legal_days, promised_due, visits, notices_given);
CREATE INDEX service_cases_phone ON service_cases(phone_index);

-- What happened to a case, in order: received, then each action with what it recorded.
CREATE TABLE service_case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES service_cases(id),
    action TEXT,
    at TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts(id),
    step TEXT,
    note TEXT,
    missing TEXT NOT NULL
);
CREATE INDEX service_case_events_case ON service_case_events(case_id, id);
