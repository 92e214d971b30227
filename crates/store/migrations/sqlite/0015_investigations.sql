-- 调查核实 of reports and complaints (seed 001: 受理举报24件，派出调查工作人员37次，查实通报处理3人):
-- each dispatch of investigators, and the outcome, recorded once, with the deduction it made
-- and the action records it links.
CREATE TABLE case_dispatches (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    investigators TEXT NOT NULL,
    dispatched_on TEXT NOT NULL,
    place TEXT NOT NULL,
    findings TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX case_dispatches_case ON case_dispatches(case_id, id);
CREATE INDEX case_dispatches_on ON case_dispatches(dispatched_on);

CREATE TABLE case_outcomes (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id),
    outcome TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    person_id INTEGER REFERENCES people(id),
    deduction_id INTEGER REFERENCES point_deductions(id),
    -- JSON array of action record ids.
    action_ids TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
