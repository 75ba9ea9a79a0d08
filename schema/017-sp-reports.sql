-- 017: "this step is wrong" (SP有误, #11 part 5). A staffer reports a step of
-- a procedure version as wrong or unclear, with a note; an admin marks it
-- dealt with, with an optional reply. A report is about the SP, never about
-- a resident: it holds no case id and no case value, so it is made the same
-- way from a real case, from practice or from nowhere, and retention has
-- nothing to erase here. The step's title is kept as it was when reported,
-- since a later version may move or rename the step.
CREATE TABLE sp_reports (
    id           INTEGER PRIMARY KEY,
    procedure_id TEXT NOT NULL,
    hash         TEXT NOT NULL,           -- the version the staffer saw
    step         INTEGER NOT NULL CHECK (step >= 0),   -- index into that version's steps
    step_title   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('wrong', 'unclear')),
    note         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_on   TEXT NOT NULL,           -- local YYYY-MM-DD: the per-day bound
    dealt_at     TEXT,
    dealt_by     TEXT,
    reply        TEXT,                    -- the admin's answer; NULL: none
    FOREIGN KEY (procedure_id, hash) REFERENCES procedure_versions (procedure_id, hash)
) STRICT;

-- the admin's list per procedure, open first, newest first; the count of
-- open ones beside each file
CREATE INDEX sp_reports_proc ON sp_reports (procedure_id, dealt_at IS NOT NULL, id);
-- the bound: open reports of one staffer on one procedure on one day
CREATE INDEX sp_reports_user ON sp_reports (created_by, procedure_id, created_on)
    WHERE dealt_at IS NULL;
