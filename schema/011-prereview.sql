-- 011: online pre-review (网上预审) of cases started from home (channel
-- web). A web case handed in is not a same-day hall ticket: it waits as
-- `prereview` until a staffer either returns it for correction (the
-- existing `returned`) or asks the resident to come with the originals on
-- a date (`invited`, then accepted at the hall as a waiting case is).
--
-- The status CHECK of 002 cannot be altered in place, so the table is
-- rebuilt as SQLite's documented procedure says (ALTER TABLE, "Making
-- Other Kinds Of Table Schema Changes"): the migration runs with foreign
-- keys off (db_migrate), so dropping the old table does not cascade into
-- case_steps, case_values, case_checklist, case_events and ratings, which
-- keep referring to `cases` by name; db_migrate checks every reference
-- (PRAGMA foreign_key_check) before it commits. No trigger or view names
-- cases; its indexes (002, 004, 005) are dropped with it and made again
-- below, unchanged. Every column of 002, 004, 005 and 008 is copied by name.

CREATE TABLE cases_new (
    id                   TEXT PRIMARY KEY,
    procedure_id         TEXT NOT NULL,
    hash                 TEXT NOT NULL,
    channel              TEXT NOT NULL CHECK (channel IN ('kiosk', 'window', 'web')),
    status               TEXT NOT NULL CHECK (status IN
                            ('open', 'waiting', 'accepted', 'returned', 'completed', 'abandoned',
                             'prereview', 'invited')),
    conditions_confirmed INTEGER NOT NULL DEFAULT 0,
    ticket_day           TEXT,
    ticket               TEXT,
    returned_reason      TEXT,
    outcome              TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    submitted_at         TEXT,
    -- 004
    created_by           TEXT,
    called_at            TEXT,
    called_by            TEXT,
    calls                INTEGER NOT NULL DEFAULT 0,
    accepted_at          TEXT,
    accepted_by          TEXT,
    completed_at         TEXT,
    completed_by         TEXT,
    returned_at          TEXT,
    returned_by          TEXT,
    returned_items       TEXT,
    no_show_at           TEXT,
    queue_seq            INTEGER,
    -- 005
    erased_at            TEXT,
    needs_erase          INTEGER NOT NULL DEFAULT 1 CHECK (needs_erase IN (0, 1)),
    -- 008
    missing_items        TEXT,
    -- 010: the staffer's invitation to the hall (status invited); kept
    -- after acceptance as history of the case, cleared by a new hand-in
    invite_date          TEXT,      -- local YYYY-MM-DD the resident is asked to come
    invite_note          TEXT,      -- what the staffer added for the resident, or NULL
    invited_at           TEXT,
    invited_by           TEXT,
    FOREIGN KEY (procedure_id, hash) REFERENCES procedure_versions (procedure_id, hash)
) STRICT;

INSERT INTO cases_new (id, procedure_id, hash, channel, status, conditions_confirmed, ticket_day,
                       ticket, returned_reason, outcome, created_at, updated_at, submitted_at,
                       created_by, called_at, called_by, calls, accepted_at, accepted_by,
                       completed_at, completed_by, returned_at, returned_by, returned_items,
                       no_show_at, queue_seq, erased_at, needs_erase, missing_items)
SELECT id, procedure_id, hash, channel, status, conditions_confirmed, ticket_day,
       ticket, returned_reason, outcome, created_at, updated_at, submitted_at,
       created_by, called_at, called_by, calls, accepted_at, accepted_by,
       completed_at, completed_by, returned_at, returned_by, returned_items,
       no_show_at, queue_seq, erased_at, needs_erase, missing_items
  FROM cases;

DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;

-- 002
CREATE UNIQUE INDEX cases_ticket ON cases (ticket_day, ticket) WHERE ticket IS NOT NULL;
CREATE INDEX cases_status ON cases (status, submitted_at);
-- 004 (cases_queue also orders the pre-review list: status, then hand-in)
CREATE INDEX cases_queue ON cases (status, queue_seq);
CREATE INDEX cases_call ON cases (status, calls, queue_seq);
-- 005
CREATE INDEX cases_activity ON cases (status, updated_at);
CREATE INDEX cases_due ON cases (updated_at, id)
    WHERE status IN ('completed', 'abandoned') AND needs_erase = 1;
CREATE INDEX cases_created ON cases (created_at);
