-- 018: the training scenarios of procedures (ID.practice.md beside ID.md),
-- for the staff practice mode (网页模拟). One row per practice file the last
-- load saw: its result, and the last good text with the procedure version
-- it was proved against. A file with errors keeps its last good text, as a
-- procedure file keeps its last good version; a file that is gone loses
-- its row. Practice files are never served to residents: only the practice
-- API reads this table (practice.h, practice_load).
CREATE TABLE practice_files (
    path                TEXT PRIMARY KEY,   -- "employment/labour-handbook.practice.md"
    procedure_id        TEXT NOT NULL,      -- the id of the procedure file beside it, '' when none
    hash                TEXT NOT NULL,      -- sha256 of the file as last read
    ok                  INTEGER NOT NULL,   -- 1: parsed and proved without error
    checked_at          TEXT NOT NULL,
    good_hash           TEXT,               -- the last good text; NULL until there is one
    good_source         TEXT,
    good_procedure_hash TEXT,               -- the procedure version it was proved against
    good_scenarios      INTEGER,
    good_at             TEXT
) STRICT;

CREATE INDEX practice_files_procedure ON practice_files (procedure_id);
