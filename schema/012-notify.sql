-- 012: the posts a staffer holds (#10 relay) and the notifications that
-- tell a resident their case is ready, returned or rejected (#10 part 3).
--
-- posts: the post ids of _posts.md a user holds, comma-separated in the
-- order given ('' for none); checked by accounts.c ([a-z][a-z0-9_-]{0,31},
-- at most 16), kept as given: whether each is a post of the library is the
-- relay's business, which reads the current _posts.md.
ALTER TABLE users ADD COLUMN posts TEXT NOT NULL DEFAULT '';

-- One row per message to a resident, queued in the transaction of the move
-- that calls for it (notify.c). phone and text are personal data: the
-- sweep empties them with the case's values (erased_at). text is built
-- only from the item's title, the ticket and the kind, never from what the
-- resident typed. Sent by `serve --notify-command` (attempts, next_try,
-- last_error; next_try NULL and done_at NULL after the last attempt: it
-- failed) or marked done by the staffer who phoned (done_by).
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    ticket     TEXT,                    -- NULL for a case without one (a web case)
    title      TEXT NOT NULL,           -- the item's title when queued (for the staff list)
    kind       TEXT NOT NULL CHECK (kind IN ('ready', 'returned', 'rejected')),
    phone      TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    done_at    TEXT,
    done_by    TEXT,                    -- a user name, or 'notify-command'
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_try   INTEGER,                 -- unix seconds of the next run; NULL: none planned
    last_error TEXT,                    -- why the last run failed (never its output)
    erased_at  TEXT
) STRICT;

CREATE INDEX notifications_due ON notifications (next_try) WHERE done_at IS NULL;
CREATE INDEX notifications_case ON notifications (case_id);
CREATE INDEX notifications_created ON notifications (created_at);
