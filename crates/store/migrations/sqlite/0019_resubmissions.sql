-- Near-identical resubmissions (issue 18): the sending device as a keyed digest (never the
-- identifier itself), looked up with the phone's blind index over the last days' cases.
ALTER TABLE cases ADD COLUMN device_index TEXT;
CREATE INDEX cases_device_index ON cases(device_index, created_at) WHERE device_index IS NOT NULL;
CREATE INDEX cases_phone_recent ON cases(phone_index, created_at) WHERE phone_index IS NOT NULL;
