-- A citizen's phone, e-mail or ID number written into a case's text: `content` holds the text
-- masked (what every list, search, export and page reads), and `sealed_content` the text as
-- written, sealed like the contact columns (`pii1.<key>.<ciphertext>`). NULL when nothing in the
-- text was masked. PostgreSQL flavour of sqlite/0010_content_pii.sql.
ALTER TABLE cases ADD COLUMN sealed_content TEXT;

-- Cases written before this: the server masks and seals their texts when it starts (it holds
-- the key, SQL does not), a batch per transaction; each case leaves this list once done, so an
-- interrupted start goes on where it stopped.
CREATE TABLE content_to_seal (
    case_id BIGINT PRIMARY KEY
);
INSERT INTO content_to_seal (case_id) SELECT id FROM cases;
