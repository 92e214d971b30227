-- 延期 for ledger problems: the latest request of the owner unit for a later deadline, as cases
-- keep theirs, and the deadline it replaced once the office granted it (shown as
-- "原时限…，延期至…（已批准）"). PostgreSQL flavour of sqlite/0011_problem_extensions.sql.
ALTER TABLE problems ADD COLUMN extension_due DATE;
ALTER TABLE problems ADD COLUMN extension_reason TEXT;
ALTER TABLE problems ADD COLUMN extension_requested_at TIMESTAMPTZ;
ALTER TABLE problems ADD COLUMN extension_status TEXT;
ALTER TABLE problems ADD COLUMN extended_from DATE;
