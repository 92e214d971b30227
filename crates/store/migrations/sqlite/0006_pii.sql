-- Citizens' names, phones, e-mails and addresses are stored sealed (see crates/vault): the same
-- columns now hold `pii1.<key>.<ciphertext>`. Finding the same phone again (duplicate
-- submissions) goes through a blind index instead of the phone itself.
ALTER TABLE cases ADD COLUMN phone_index TEXT;
DROP INDEX cases_duplicates;
CREATE INDEX cases_duplicates ON cases(phone_index, content_hash, created_at);

-- One row per key that has sealed something here: a known value sealed with it, so a server
-- started with the wrong key file stops at once instead of writing data nobody can read.
CREATE TABLE pii_keys (
    key_id TEXT PRIMARY KEY,
    canary TEXT NOT NULL,
    created_at TEXT NOT NULL
);
