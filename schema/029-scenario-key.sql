-- 029: a practice pass is held to each scenario, not to the whole file.
-- A pass was kept per practice file text, so a scenario added to a file
-- (or a typo fixed in another's story) set every staffer back to 0 of N and
-- the AB岗 grid (readiness) went short for an item that everyone had
-- practised. Each scenario now has a key (practice.h: a digest of what it is
-- judged on), and a staffer has passed an item when every scenario of its
-- current file has a right answer under its key on the version's practice
-- key, within the window.
--
-- good_keys: the keys of good_source's scenarios in order, each 32 hex
-- digits, separated by one space (so the key of scenario k starts at
-- k * 33 + 1); written by store_sync with the good text. NULL for a row an
-- older build stored: the next load parses its good_source and fills it.
-- Either way, the cases played on that same text get their scenario_key.
ALTER TABLE practice_files ADD COLUMN good_keys TEXT;

-- scenario_key: the key of the scenario played; NULL for a case played
-- before this column on a text no longer current (its pass still shows as
-- passed_before when it was a whole pass).
ALTER TABLE practice_cases ADD COLUMN scenario_key TEXT;

-- The cases still to key, found by their item and text when a load stores
-- that text (store_sync): only rows from before this column are in it.
CREATE INDEX practice_cases_unkeyed ON practice_cases (procedure_id, practice_hash)
    WHERE scenario_key IS NULL;
