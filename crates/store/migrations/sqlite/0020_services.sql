-- The service catalog (事项清单, issue 19). SQLite flavour; postgres/0020_services.sql is the
-- same schema. An item's current version is its row (the columns lists and searches filter on,
-- and the whole item as JSON); every version stays in service_item_versions with who wrote it
-- and why, so a service case can keep the version it was handled under.
CREATE TABLE service_items (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    delivery TEXT NOT NULL,
    max_visits INTEGER NOT NULL,
    -- The lists and life events it is in, as a JSON array.
    lists TEXT NOT NULL,
    item TEXT NOT NULL,
    published BOOLEAN NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX service_items_code ON service_items(code);
CREATE INDEX service_items_unit ON service_items(unit_id);

CREATE TABLE service_item_versions (
    item_id INTEGER NOT NULL REFERENCES service_items(id),
    version INTEGER NOT NULL,
    item TEXT NOT NULL,
    reason TEXT,
    written_by INTEGER REFERENCES accounts(id),
    written_at TEXT NOT NULL,
    PRIMARY KEY (item_id, version)
);
