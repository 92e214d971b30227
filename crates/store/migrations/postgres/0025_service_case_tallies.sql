-- The service figures kept as they go (issue 19): what the cases count whatever the day
-- (`ServiceTally::standing`), per unit, item and month received (the figures by unit, item,
-- window or month read these) and per unit, person responsible and month (by staff). Every
-- write of a service case adds the difference it makes in its own transaction, so the figures
-- sum a row per group and month instead of reading every case; the open cases past their
-- promise (which depend on today) are counted at read time through the partial index below.
-- Filled here from the cases already written. PostgreSQL flavour of sqlite/0025_service_case_tallies.sql.
CREATE TABLE service_case_tallies (
    unit_id BIGINT NOT NULL,
    item_id BIGINT NOT NULL,
    received_month TEXT NOT NULL,
    received BIGINT NOT NULL,
    accepted BIGINT NOT NULL,
    done BIGINT NOT NULL,
    refused BIGINT NOT NULL,
    done_within_promise BIGINT NOT NULL,
    done_within_legal BIGINT NOT NULL,
    one_visit BIGINT NOT NULL,
    notified BIGINT NOT NULL,
    notified_again BIGINT NOT NULL,
    working_days BIGINT NOT NULL,
    PRIMARY KEY (unit_id, item_id, received_month)
);

INSERT INTO service_case_tallies SELECT unit_id, item_id, received_month, COUNT(*),
    COUNT(*) FILTER (WHERE accepted_on IS NOT NULL),
    COUNT(*) FILTER (WHERE state = 'done'),
    COUNT(*) FILTER (WHERE state = 'refused'),
    COUNT(*) FILTER (WHERE state = 'done' AND worked_days <= promised_days),
    COUNT(*) FILTER (WHERE state = 'done' AND worked_days <= legal_days),
    COUNT(*) FILTER (WHERE state = 'done' AND visits <= 1),
    COUNT(*) FILTER (WHERE notices_given >= 1),
    COUNT(*) FILTER (WHERE notices_given >= 2),
    CAST(COALESCE(SUM(CASE WHEN state = 'done' THEN worked_days ELSE 0 END), 0) AS BIGINT)
    FROM service_cases GROUP BY unit_id, item_id, received_month;

CREATE TABLE service_staff_tallies (
    unit_id BIGINT NOT NULL,
    responsible_id BIGINT NOT NULL,
    received_month TEXT NOT NULL,
    received BIGINT NOT NULL,
    accepted BIGINT NOT NULL,
    done BIGINT NOT NULL,
    refused BIGINT NOT NULL,
    done_within_promise BIGINT NOT NULL,
    done_within_legal BIGINT NOT NULL,
    one_visit BIGINT NOT NULL,
    notified BIGINT NOT NULL,
    notified_again BIGINT NOT NULL,
    working_days BIGINT NOT NULL,
    PRIMARY KEY (unit_id, responsible_id, received_month)
);

INSERT INTO service_staff_tallies SELECT unit_id, responsible_id, received_month, COUNT(*),
    COUNT(*) FILTER (WHERE accepted_on IS NOT NULL),
    COUNT(*) FILTER (WHERE state = 'done'),
    COUNT(*) FILTER (WHERE state = 'refused'),
    COUNT(*) FILTER (WHERE state = 'done' AND worked_days <= promised_days),
    COUNT(*) FILTER (WHERE state = 'done' AND worked_days <= legal_days),
    COUNT(*) FILTER (WHERE state = 'done' AND visits <= 1),
    COUNT(*) FILTER (WHERE notices_given >= 1),
    COUNT(*) FILTER (WHERE notices_given >= 2),
    CAST(COALESCE(SUM(CASE WHEN state = 'done' THEN worked_days ELSE 0 END), 0) AS BIGINT)
    FROM service_cases GROUP BY unit_id, responsible_id, received_month;

CREATE INDEX service_cases_open ON service_cases(promised_due, unit_id, item_id, responsible_id, received_month)
    WHERE state IN ('in_process', 'suspended');

-- The figures no longer read every case: the wide covering index they used gives way to one a
-- unit's list of cases walks newest first.
DROP INDEX service_cases_figures;
CREATE INDEX service_cases_unit ON service_cases(unit_id, id);

-- The figures by window name each item's window: a column beside the item's JSON, kept by every
-- write of the item, so they read 10,000 items' windows without opening their JSON.
ALTER TABLE service_items ADD COLUMN window_name TEXT;
UPDATE service_items SET window_name = item::jsonb ->> 'window';
