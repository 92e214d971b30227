-- Failed sign-ins by account name and by client address, for throttling (kept for the window
-- only; shared by every app instance).
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);
