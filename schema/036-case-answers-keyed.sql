-- 036: a case's answers (case_steps, case_values, case_checklist) stored in
-- their primary key's b-tree (WITHOUT ROWID). Each is looked up and
-- replaced by (case_id, x) only; as rowid tables each row lived twice, in
-- the table and in the primary key's automatic index, so every step wrote
-- two pages per table where one does (issue #13 item 2: a step committed
-- 9 pages, now 7; docs/performance.md item 20). Rows are copied whole;
-- foreign keys are off during migrations and checked before the commit.

CREATE TABLE case_steps_new (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    step    INTEGER NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (case_id, step)
) STRICT, WITHOUT ROWID;
INSERT INTO case_steps_new (case_id, step, at) SELECT case_id, step, at FROM case_steps;
DROP TABLE case_steps;
ALTER TABLE case_steps_new RENAME TO case_steps;

CREATE TABLE case_values_new (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    step    INTEGER NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (case_id, key)
) STRICT, WITHOUT ROWID;
INSERT INTO case_values_new (case_id, key, step, value) SELECT case_id, key, step, value FROM case_values;
DROP TABLE case_values;
ALTER TABLE case_values_new RENAME TO case_values;

CREATE TABLE case_checklist_new (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    step    INTEGER NOT NULL,
    PRIMARY KEY (case_id, item_id)
) STRICT, WITHOUT ROWID;
INSERT INTO case_checklist_new (case_id, item_id, step) SELECT case_id, item_id, step FROM case_checklist;
DROP TABLE case_checklist;
ALTER TABLE case_checklist_new RENAME TO case_checklist;
