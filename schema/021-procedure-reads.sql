-- 021: what each staffer last confirmed reading of each procedure (issue
-- #11 point 6). One row per staffer and procedure: the version they
-- confirmed with 我已阅读, or the live one when they first saw the
-- procedure (the first sight is the baseline: there is nothing to compare
-- it with). The live version moving past it is "本事项已更新" for them
-- until they confirm the newer one. No resident data.
CREATE TABLE procedure_reads (
    user_id      TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    procedure_id TEXT NOT NULL,
    hash         TEXT NOT NULL,           -- the version confirmed (or first seen)
    read_at      TEXT NOT NULL,           -- ISO 8601 UTC
    PRIMARY KEY (user_id, procedure_id),
    FOREIGN KEY (procedure_id, hash) REFERENCES procedure_versions (procedure_id, hash)
) STRICT, WITHOUT ROWID;
