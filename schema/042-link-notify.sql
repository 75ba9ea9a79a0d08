-- 042: a web case's link sent again by SMS (kind 'link', ours). A resident
-- who handed a case in from home and lost its link phones the hall; the
-- staffer finds the case and has the daemon text the link to the mobile
-- the case already holds (notify.c, notify_link_send), so that nobody reads
-- the case's secret id aloud. SQLite cannot change a CHECK in place: the
-- table is copied whole (foreign keys are off during migrations and
-- checked before the commit), with its indexes.
CREATE TABLE notifications_new (
    id         INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    ticket     TEXT,                    -- NULL for a case without one (a web case)
    title      TEXT NOT NULL,           -- the item's title when queued (for the staff list)
    kind       TEXT NOT NULL CHECK (kind IN ('ready', 'returned', 'rejected', 'link')),
    phone      TEXT NOT NULL,
    text       TEXT NOT NULL,           -- a 'link' one holds the case's link: never listed as is
    created_at TEXT NOT NULL,
    done_at    TEXT,
    done_by    TEXT,                    -- a user name, or 'notify-command'
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_try   INTEGER,                 -- unix seconds of the next run; NULL: none planned
    last_error TEXT,                    -- why the last run failed (never its output)
    erased_at  TEXT
) STRICT;
INSERT INTO notifications_new (id, case_id, ticket, title, kind, phone, text, created_at,
                               done_at, done_by, attempts, next_try, last_error, erased_at)
    SELECT id, case_id, ticket, title, kind, phone, text, created_at,
           done_at, done_by, attempts, next_try, last_error, erased_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (next_try) WHERE done_at IS NULL;
CREATE INDEX notifications_case ON notifications (case_id);
CREATE INDEX notifications_created ON notifications (created_at);
