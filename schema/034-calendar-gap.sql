-- 034: dates counted into a year the hall's calendar had no dates of.
-- Before a year's holiday notice is entered, a due date in that year is
-- counted with weekends only: 元旦 and 春节 count as working days and the
-- date comes early (the receipt says so: 遇节假日，办结日期相应顺延). When
-- the year's dates were entered nothing moved, the note vanished and cases
-- went overdue a day early (a year-end review). Each such date now keeps
-- the local day after which it was counted by weekends alone (NULL: it
-- was counted with the calendar all the way), and relay_recount counts it
-- again, later only, once the year is in (docs/http-api.md, "Due dates").
ALTER TABLE case_stages ADD COLUMN gap_from TEXT;
ALTER TABLE cases ADD COLUMN due_gap_from TEXT;
ALTER TABLE followups ADD COLUMN gap_from TEXT;

CREATE INDEX case_stages_gap ON case_stages (case_id, idx) WHERE gap_from IS NOT NULL;
CREATE INDEX cases_gap ON cases (id) WHERE due_gap_from IS NOT NULL;
CREATE INDEX followups_gap ON followups (id) WHERE gap_from IS NOT NULL;

-- whether the dates stored before this migration were marked (relay_recount
-- does it once per database, with a calendar in force: a year missing then
-- was missing when they were counted)
CREATE TABLE calendar_backfill (done INTEGER NOT NULL CHECK (done IN (0, 1))) STRICT;
INSERT INTO calendar_backfill (done) VALUES (0);
