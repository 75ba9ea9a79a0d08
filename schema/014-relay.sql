-- 014: the case after the window (#10): its walk along the procedure's
-- review chain (relay.c), pickup, rejection and the B post's home visit.
--
-- New statuses: `visit` (asked for a home visit instead of a hall ticket),
-- `ready` (待领取: done, waiting to be handed out at the window) and
-- `rejected` (不予办理). SQLite cannot widen a CHECK in place, so the table
-- is rebuilt as 011 did it (foreign keys off during migrations; db_migrate
-- checks every reference before it commits); every column of 011 is copied
-- by name, and the indexes are made again, cases_due now also taking
-- rejected cases, which retention erases like completed ones.

CREATE TABLE cases_new (
    id                   TEXT PRIMARY KEY,
    procedure_id         TEXT NOT NULL,
    hash                 TEXT NOT NULL,
    channel              TEXT NOT NULL CHECK (channel IN ('kiosk', 'window', 'web')),
    status               TEXT NOT NULL CHECK (status IN
                            ('open', 'waiting', 'accepted', 'returned', 'completed', 'abandoned',
                             'prereview', 'invited', 'visit', 'ready', 'rejected')),
    conditions_confirmed INTEGER NOT NULL DEFAULT 0,
    ticket_day           TEXT,
    ticket               TEXT,
    returned_reason      TEXT,
    outcome              TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    submitted_at         TEXT,
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
    erased_at            TEXT,
    needs_erase          INTEGER NOT NULL DEFAULT 1 CHECK (needs_erase IN (0, 1)),
    missing_items        TEXT,
    invite_date          TEXT,
    invite_note          TEXT,
    invited_at           TEXT,
    invited_by           TEXT,
    -- 014: the chain. stage is the index of the current stage (case_stages)
    -- from the first acceptance on, NULL before; owner is who answers for
    -- the case (首问负责: the accepting staffer until assigned); due the
    -- committed local date of the whole chain, moved on by the working days
    -- the case spent back with the resident; paused_on the local date it
    -- was returned while accepted (the clock stopped), NULL while it runs.
    stage                INTEGER,
    owner                TEXT,
    due                  TEXT,
    paused_on            TEXT,
    rejected_reason      TEXT,
    rejected_at          TEXT,
    rejected_by          TEXT,
    ready_at             TEXT,
    handed_at            TEXT,
    handed_by            TEXT,
    -- the home visit asked for (status visit): local date, 上午/下午, and
    -- where and whom to call; personal, erased with the case
    visit_date           TEXT,
    visit_slot           TEXT,
    visit_address        TEXT,
    visit_phone          TEXT,
    FOREIGN KEY (procedure_id, hash) REFERENCES procedure_versions (procedure_id, hash)
) STRICT;

INSERT INTO cases_new (id, procedure_id, hash, channel, status, conditions_confirmed, ticket_day,
                       ticket, returned_reason, outcome, created_at, updated_at, submitted_at,
                       created_by, called_at, called_by, calls, accepted_at, accepted_by,
                       completed_at, completed_by, returned_at, returned_by, returned_items,
                       no_show_at, queue_seq, erased_at, needs_erase, missing_items,
                       invite_date, invite_note, invited_at, invited_by, owner)
SELECT id, procedure_id, hash, channel, status, conditions_confirmed, ticket_day,
       ticket, returned_reason, outcome, created_at, updated_at, submitted_at,
       created_by, called_at, called_by, calls, accepted_at, accepted_by,
       completed_at, completed_by, returned_at, returned_by, returned_items,
       no_show_at, queue_seq, erased_at, needs_erase, missing_items,
       invite_date, invite_note, invited_at, invited_by, accepted_by
  FROM cases;

DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;

CREATE UNIQUE INDEX cases_ticket ON cases (ticket_day, ticket) WHERE ticket IS NOT NULL;
CREATE INDEX cases_status ON cases (status, submitted_at);
CREATE INDEX cases_queue ON cases (status, queue_seq);
CREATE INDEX cases_call ON cases (status, calls, queue_seq);
CREATE INDEX cases_activity ON cases (status, updated_at);
CREATE INDEX cases_due ON cases (updated_at, id)
    WHERE status IN ('completed', 'abandoned', 'rejected') AND needs_erase = 1;
CREATE INDEX cases_created ON cases (created_at);
CREATE INDEX cases_owner ON cases (owner, status);
CREATE INDEX cases_visit ON cases (visit_date) WHERE status = 'visit';

-- One row per stage of an accepted case's chain, written at the first
-- acceptance from the pinned version's stages (key, label, post and days
-- copied, so lists need not parse the procedure). due is the stage's local
-- deadline: for the current stage counted from when it began (or resumed
-- with the days it had left), for later ones projected from the stage
-- before; done_at/done_by/note when it was passed (the last: completed).
-- A case accepted before 014 has no rows: its stage and due are unknown.
CREATE TABLE case_stages (
    case_id  TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL CHECK (idx >= 0),
    key      TEXT NOT NULL,
    label    TEXT NOT NULL,
    post     TEXT NOT NULL,
    days     INTEGER NOT NULL,
    begun_on TEXT,                      -- local date the stage began (last resumed)
    due      TEXT NOT NULL,             -- local YYYY-MM-DD
    done_at  TEXT,
    done_by  TEXT,
    note     TEXT,                      -- what the staffer wrote passing it; erased with the case
    PRIMARY KEY (case_id, idx)
) STRICT;

CREATE INDEX case_stages_post ON case_stages (post, due) WHERE done_at IS NULL;
