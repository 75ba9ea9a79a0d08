-- 005: privacy retention and statistics. A case completed or abandoned more
-- than --retention-days ago has what people typed erased (src/sweep.c);
-- its anonymous figures stay so that statistics still count it. erased_at is
-- when that happened; activity after it (a late rating) makes the case due
-- again.

ALTER TABLE cases ADD COLUMN erased_at TEXT;

-- the sweep: open cases idle for an hour; closed cases past retention
CREATE INDEX cases_activity ON cases (status, updated_at);
-- statistics select the cases started in a date range
CREATE INDEX cases_created ON cases (created_at);
