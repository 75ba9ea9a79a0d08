-- 002: residents' cases. A case pins the procedure version it started on
-- (procedure_versions is never pruned), keeps only accepted answers, and
-- records every change as an event.

CREATE TABLE cases (
    id                   TEXT PRIMARY KEY,          -- 32 hex digits, 128 random bits
    procedure_id         TEXT NOT NULL,
    hash                 TEXT NOT NULL,             -- the pinned version
    channel              TEXT NOT NULL CHECK (channel IN ('kiosk', 'window', 'web')),
    status               TEXT NOT NULL CHECK (status IN
                            ('open', 'waiting', 'accepted', 'returned', 'completed', 'abandoned')),
    conditions_confirmed INTEGER NOT NULL DEFAULT 0,
    ticket_day           TEXT,                      -- local YYYY-MM-DD of the ticket
    ticket               TEXT,                      -- "A017", unique per day
    returned_reason      TEXT,
    outcome              TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    submitted_at         TEXT,
    FOREIGN KEY (procedure_id, hash) REFERENCES procedure_versions (procedure_id, hash)
) STRICT;

CREATE UNIQUE INDEX cases_ticket ON cases (ticket_day, ticket) WHERE ticket IS NOT NULL;
CREATE INDEX cases_status ON cases (status, submitted_at);

-- Steps whose answers were accepted (indexes in file order).
CREATE TABLE case_steps (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    step    INTEGER NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (case_id, step)
) STRICT;

-- Accepted, normalised field values.
CREATE TABLE case_values (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    step    INTEGER NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (case_id, key)
) STRICT;

-- Ticked checklist items.
CREATE TABLE case_checklist (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    step    INTEGER NOT NULL,
    PRIMARY KEY (case_id, item_id)
) STRICT;

-- Every change: what, when, by which channel or user. Never a field value.
CREATE TABLE case_events (
    id      INTEGER PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    what    TEXT NOT NULL,      -- created, conditions, step, step_rejected, submitted, rated, ...
    channel TEXT,
    user    TEXT,
    step    INTEGER,
    detail  TEXT                -- e.g. the reason of a return; never personal data
) STRICT;

CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE ratings (
    case_id TEXT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    score   INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT NOT NULL,
    at      TEXT NOT NULL
) STRICT;

-- Last ticket number handed out per local day.
CREATE TABLE ticket_counters (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;
