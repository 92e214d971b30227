-- Appointments and queue numbers (预约排号, issue 19). An item's daily slots apply on every working
-- day; a booking takes a seat of a slot of a day (seats of live bookings are unique, the lowest
-- free one is taken), its name and mobile sealed like an applicant's (phone_index finds a phone's
-- open bookings without opening them). Arrival draws the window's queue number of the day from
-- appointment_queues (one row per window and day, counted up in the arrival's transaction, so
-- numbers are gapless and never repeat) and links the service case received. SQLite flavour;
-- postgres/0022_appointments.sql is the same schema.
CREATE TABLE appointment_slots (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES service_items(id),
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    capacity INTEGER NOT NULL
);
CREATE UNIQUE INDEX appointment_slots_item ON appointment_slots(item_id, starts);

CREATE TABLE appointments (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    item_id INTEGER NOT NULL REFERENCES service_items(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    -- The item's window when booked ('' for none): queue numbers are the window's.
    window_name TEXT NOT NULL,
    day TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    seat INTEGER NOT NULL,
    state TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    phone_index TEXT NOT NULL,
    queue_number TEXT,
    arrived_at TEXT,
    service_case_id INTEGER REFERENCES service_cases(id),
    cancelled_at TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX appointments_code ON appointments(code);
CREATE UNIQUE INDEX appointments_seat ON appointments(item_id, day, starts, seat) WHERE state <> 'cancelled';
CREATE INDEX appointments_day ON appointments(day, unit_id, window_name);
CREATE INDEX appointments_phone ON appointments(item_id, phone_index, state);
CREATE UNIQUE INDEX appointments_queue ON appointments(unit_id, window_name, day, queue_number)
    WHERE queue_number IS NOT NULL;

CREATE TABLE appointment_queues (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    window_name TEXT NOT NULL,
    day TEXT NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (unit_id, window_name, day)
);
