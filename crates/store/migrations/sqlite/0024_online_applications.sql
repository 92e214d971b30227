-- Online applications of the online hall (网上申报, issue 19): an application for an item handled
-- fully online, its applicant sealed like a service case's, waiting for the unit's pre-check.
-- Taken up, it becomes a service case under the same tracking code (service_case_id); returned,
-- it keeps the reason. Its uploaded materials are linked in online_application_files.
-- SQLite flavour; postgres/0024_online_applications.sql is the same schema.
CREATE TABLE online_applications (
    id INTEGER PRIMARY KEY,
    tracking_code TEXT NOT NULL,
    item_id INTEGER NOT NULL REFERENCES service_items(id),
    item_version INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    state TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_phone TEXT NOT NULL,
    phone_index TEXT NOT NULL,
    note TEXT,
    reason TEXT,
    service_case_id INTEGER REFERENCES service_cases(id),
    submitted_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by INTEGER REFERENCES accounts(id),
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX online_applications_code ON online_applications(tracking_code);
CREATE INDEX online_applications_unit ON online_applications(unit_id, state, submitted_at);

CREATE TABLE online_application_files (
    application_id INTEGER NOT NULL REFERENCES online_applications(id),
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    PRIMARY KEY (application_id, attachment_id)
);
CREATE INDEX online_application_files_attachment ON online_application_files(attachment_id);
