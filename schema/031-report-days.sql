-- 031: a past day's overdue figure, fixed once the day is over.
-- The day's report reads `overdue` from the stages as they stand, and a
-- return and a resumption rewrite a stage's begin and due and the case's
-- committed date: a day's report printed at closing time said 3 overdue and
-- said 2 a week later. Every other figure is read from rows never rewritten
-- (events, ratings, creation times). The main loop stores each ended day's
-- figure right after midnight, or at the first start after it (nothing
-- changes a case while the daemon is down), and the report of a past day
-- reads it from here (report.c).
CREATE TABLE report_days (
    day TEXT PRIMARY KEY,         -- local date, YYYY-MM-DD
    overdue INTEGER NOT NULL,     -- as sql_overdue counted it at the day's end
    closed_at TEXT NOT NULL       -- the UTC instant it was stored
) WITHOUT ROWID;
