-- 005: privacy retention and statistics. A case completed or abandoned more
-- than --retention-days ago has what people typed erased (src/sweep.c);
-- its anonymous figures stay so that statistics still count it. erased_at is
-- when that happened; any activity after it (a late rating) sets it back to
-- NULL (cases.c), so that the case is due again.

ALTER TABLE cases ADD COLUMN erased_at TEXT;

-- the sweep: open cases idle for an hour, handed-in cases nobody touched
CREATE INDEX cases_activity ON cases (status, updated_at);
-- the sweep's retention pass: only closed cases not erased yet, in the
-- order it takes them, so that erased cases (most of the table, growing
-- without end) are never read again and nothing is sorted
CREATE INDEX cases_due ON cases (updated_at, id)
    WHERE status IN ('completed', 'abandoned') AND erased_at IS NULL;
-- statistics select the cases started in a date range
CREATE INDEX cases_created ON cases (created_at);
