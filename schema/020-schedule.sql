-- 020: versions that go live later, and when a live version last changed.
-- A good file whose front matter `effective` is after the hall's local
-- today is stored (procedure_versions) but not made live: it waits here,
-- one per procedure (a newer text of the file replaces it), until the first
-- load on or after that date promotes it. The search row is kept beside it
-- so that promotion needs neither the file nor a parse.
CREATE TABLE schedule (
    procedure_id TEXT PRIMARY KEY,
    hash         TEXT NOT NULL,
    path         TEXT NOT NULL,             -- the file, relative to the procedures folder
    effective    INTEGER NOT NULL,          -- YYYYMMDD, local date it goes live
    category     TEXT NOT NULL,             -- the search rows it will get
    title        TEXT NOT NULL,
    keywords     TEXT NOT NULL,
    body         TEXT NOT NULL,
    FOREIGN KEY (procedure_id, hash) REFERENCES procedure_versions (procedure_id, hash)
) STRICT;

-- The local date (YYYYMMDD) on which the live version replaced an earlier
-- one of another hash; 0 while the first version ever is live. Residents
-- see 「本事项于 X月X日 更新」 for 30 days from it (updated_at also moves on
-- retire and revive, and is UTC).
ALTER TABLE procedures ADD COLUMN updated_on INTEGER NOT NULL DEFAULT 0;
