-- 024: a stat stamp per source file (issue #13, item 3). A warm start at
-- 10,000 procedures spent half its time reading and hashing files that had
-- not changed. stamp is "SIZE:MTIME_NS:CTIME_NS:INODE:DEVICE" as stat(2) gave
-- it before the file was last read ('' when unknown or taken too close to
-- a write: library.h, LIBRARY_STAMP_RACY_NS); a file whose stamp is the
-- same is reused without being read. chain says whether that text has a
-- ```chain block (such files are read while _posts.md exists, since their
-- posts are checked against it); unknown counts as yes.
ALTER TABLE source_files ADD COLUMN stamp TEXT NOT NULL DEFAULT '';
ALTER TABLE source_files ADD COLUMN chain INTEGER NOT NULL DEFAULT 1;

-- The snapshot's list of live procedures reads each version's category and
-- order, which sit after its source text in the row: from this index, a
-- reload reads none of the 40 MB of text at 10,000 procedures.
CREATE INDEX procedure_versions_snap ON procedure_versions (procedure_id, hash, category, ord);
