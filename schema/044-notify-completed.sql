-- 044: the notice that a case is finished (办结告知, kind 'completed'),
-- which POST …/complete of an item without pickup queues when the hall
-- turns it on (`serve --notify-completed`, notify.h): a resident waiting on
-- a 30-working-day review was told nothing once it ended. The kind's CHECK
-- of 042 names the contract's three kinds and the lost link's, and SQLite
-- cannot change a CHECK in place: the table is copied whole, ids and all (the staff page's
-- 已通知 names a row by its id), and its indexes made again.
CREATE TABLE notifications_new (
    id         INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    ticket     TEXT,                    -- NULL for a case without one (a web case)
    title      TEXT NOT NULL,           -- the item's title when queued (for the staff list)
    kind       TEXT NOT NULL CHECK (kind IN ('ready', 'returned', 'rejected', 'link', 'completed')),
    phone      TEXT NOT NULL,
    text       TEXT NOT NULL,           -- a 'link' one holds the case's link: never listed as is
    created_at TEXT NOT NULL,
    done_at    TEXT,
    done_by    TEXT,                    -- a user name, 'notify-command' or '~resident'
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_try   INTEGER,                 -- unix seconds of the next run; NULL: none planned
    last_error TEXT,                    -- why the last run failed (never its output)
    erased_at  TEXT
) STRICT;
INSERT INTO notifications_new (id, case_id, ticket, title, kind, phone, text, created_at, done_at,
                               done_by, attempts, next_try, last_error, erased_at)
    SELECT id, case_id, ticket, title, kind, phone, text, created_at, done_at, done_by, attempts,
           next_try, last_error, erased_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (next_try) WHERE done_at IS NULL;
CREATE INDEX notifications_case ON notifications (case_id);
CREATE INDEX notifications_created ON notifications (created_at);
