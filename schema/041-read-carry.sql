-- 041: a staffer's read follows a file whose id is renamed. A file saved
-- with `id: retire-apply` where it said `retire` (a new required material
-- with it) retired `retire` and made `retire-apply` new: a staffer who had
-- confirmed `retire` took the new id's first look as their baseline and
-- was never shown the material (a review). The load that makes a new id
-- live from the file an old id was live from now carries each staffer's
-- read of the old id to the new one (store.c, store_carry), so the rename
-- is an update they confirm. Such a read is of a version of another id:
-- seen_id is the id of the version read (procedure_id itself but for a
-- carried read), and the foreign key names it, which SQLite cannot change
-- in place. Rows are copied whole; foreign keys are off during migrations
-- and checked before the commit.
CREATE TABLE procedure_reads_new (
    user_id      TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    procedure_id TEXT NOT NULL,
    hash         TEXT NOT NULL,           -- the version confirmed (or first seen)
    read_at      TEXT NOT NULL,           -- ISO 8601 UTC
    seen_id      TEXT NOT NULL,           -- the id hash is a version of
    PRIMARY KEY (user_id, procedure_id),
    FOREIGN KEY (seen_id, hash) REFERENCES procedure_versions (procedure_id, hash)
) STRICT, WITHOUT ROWID;
INSERT INTO procedure_reads_new (user_id, procedure_id, hash, read_at, seen_id)
    SELECT user_id, procedure_id, hash, read_at, procedure_id FROM procedure_reads;
DROP TABLE procedure_reads;
ALTER TABLE procedure_reads_new RENAME TO procedure_reads;
-- The carry asks which id was live from a file: at 10,000 procedures a
-- scan per new id of a bulk import.
CREATE INDEX procedures_path ON procedures (path);
