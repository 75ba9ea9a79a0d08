-- 039: the outcome of `spkiosk backup`, for /metrics (api_metrics.c). The
-- backup is a process of its own (the nightly timer), so the daemon knew
-- nothing of it: a full backup disk or a broken timer went unnoticed until
-- the day a restore was needed. The command writes here, in the database it
-- copied from, once the copy is on the disk (or once it failed). Bounded:
-- one row per outcome, the last of each, rewritten in place; count is how
-- many of that outcome this database has recorded. A copy holds the rows as
-- they were when it was taken, never its own success (written after it).
CREATE TABLE backup_outcomes (
    outcome TEXT PRIMARY KEY CHECK (outcome IN ('ok', 'failed')),
    at INTEGER NOT NULL,                        -- unix seconds (UTC) the command finished
    bytes INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0),   -- the copy's size; 0 when failed
    target TEXT NOT NULL DEFAULT '',            -- the copy's path, or the FILE or DIR it failed on
    reason TEXT NOT NULL DEFAULT '',            -- why it failed, the command's message; '' when ok
    count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1)
);
