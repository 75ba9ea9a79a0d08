-- 005: privacy retention and statistics. A case completed or abandoned more
-- than --retention-days ago has what people typed erased (src/sweep.c);
-- its anonymous figures stay so that statistics still count it.

-- when what people typed was last erased; never cleared (the window
-- refuses to take up a case whose answers are gone)
ALTER TABLE cases ADD COLUMN erased_at TEXT;
-- 1 while the case may hold personal data the sweep has not erased since
-- its last activity: any activity sets it (cases_event_add: a late rating
-- brings a comment), erasure clears it. A flag, not a comparison of
-- erased_at with updated_at, which a clock set back would defeat.
ALTER TABLE cases ADD COLUMN needs_erase INTEGER NOT NULL DEFAULT 1
    CHECK (needs_erase IN (0, 1));

-- the sweep: open cases idle for an hour, handed-in cases nobody touched
CREATE INDEX cases_activity ON cases (status, updated_at);
-- the sweep's retention pass: only closed cases not erased since their
-- last activity, in the order it takes them, so that erased cases (most of
-- the table, growing without end) are never read again and nothing is
-- sorted
CREATE INDEX cases_due ON cases (updated_at, id)
    WHERE status IN ('completed', 'abandoned') AND needs_erase = 1;
-- statistics select the cases started in a date range
CREATE INDEX cases_created ON cases (created_at);
