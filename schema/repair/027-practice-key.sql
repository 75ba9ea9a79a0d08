-- Repair of 027 (applied by db.c when its probe finds the shape, never as
-- a numbered migration). 027's first text, landed at 5f9e058 and replaced
-- by f09d567 before the next landing, made a view practice_keys instead of
-- the column procedure_versions.practice_key. A database migrated by it is
-- at schema 27 or later without the column, so every later load failed on
-- "no column named practice_key" while /healthz stayed 200 (an IT
-- officer's review replayed it). The view goes; the column comes, NULL:
-- each version's hash stands in until the first load stores the live
-- versions again (their render version is older), which fills theirs.
DROP VIEW IF EXISTS practice_keys;
ALTER TABLE procedure_versions ADD COLUMN practice_key TEXT;
