-- 延期 for ledger problems: the latest request of the owner unit for a later deadline, as cases
-- keep theirs, and the deadline it replaced once the office granted it (shown as
-- "原时限…，延期至…（已批准）").
ALTER TABLE problems ADD COLUMN extension_due TEXT;
ALTER TABLE problems ADD COLUMN extension_reason TEXT;
ALTER TABLE problems ADD COLUMN extension_requested_at TEXT;
ALTER TABLE problems ADD COLUMN extension_status TEXT;
ALTER TABLE problems ADD COLUMN extended_from TEXT;
