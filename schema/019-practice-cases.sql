-- 019: a staffer's practice record (网页模拟): one row per scenario played
-- at /staff/practice. Never a real case: no ticket, no queue, no events;
-- statistics, the day's report and the sweep read only the case tables, so
-- a practice case is in none of them. Kept as the staffer's record (their
-- attempts, their passes and when): who is ready for what (readiness) is
-- counted from it. The row names the procedure version and the practice
-- file's text it was played on, so a change of either asks for practice
-- again while the old pass still shows as "before the change".
CREATE TABLE practice_cases (
    id             TEXT PRIMARY KEY,        -- 32 hex, random (128 bits) like a case id
    user           TEXT NOT NULL,           -- the staffer who played it
    procedure_id   TEXT NOT NULL,
    procedure_hash TEXT NOT NULL,           -- the procedure version played on
    practice_hash  TEXT NOT NULL,           -- the practice file's text played on
    scenarios      INTEGER NOT NULL,        -- how many scenarios that file had
    scenario       INTEGER NOT NULL,        -- index from 0 in that file
    title          TEXT NOT NULL,           -- the scenario's title, as played
    created_at     TEXT NOT NULL,           -- ISO 8601 UTC
    answered_at    TEXT,                    -- ISO 8601 UTC; NULL until answered (once)
    answered_day   TEXT,                    -- the hall's local YYYY-MM-DD of the answer
    correct        INTEGER,                 -- 1 right, 0 wrong; NULL until answered
    decision       TEXT CHECK (decision IN ('accept', 'return', 'refuse')),
    flags          TEXT,                    -- JSON array of field keys and item ids (return)
    condition      INTEGER                  -- refuse: the condition's number, from 1
) STRICT;

CREATE INDEX practice_cases_user ON practice_cases (user, procedure_id, answered_day);
CREATE INDEX practice_cases_passes ON practice_cases (procedure_id, answered_day) WHERE correct = 1;
