-- 043: what the manager's satisfaction figure leaves out (好差评 kept
-- apart). The case's rating route is public and answers 204 to anyone
-- (the contract), so a rating is recorded whoever sends it; two kinds are
-- not the resident's word on a service and are marked here, counted and
-- listed apart by the day's report and the statistics (report.c, stats.c)
-- instead of in 满意率:
-- staff: the name of the live staff or admin session whose cookie the
--   request carried (a staffer rating a case from the window's PC, or the
--   kiosk page opened beside the staff page), NULL otherwise. A staff name,
--   as the report keeps: retention leaves it.
-- handed_in: 0 when the case had never been handed in to the hall when it
--   was rated (no ticket, no home visit asked, no pre-review): the hall's
--   pages offer a rating only after the window, so such a rating served
--   nobody, and anyone can make a case and rate it 1 at once.
ALTER TABLE ratings ADD COLUMN staff TEXT;
ALTER TABLE ratings ADD COLUMN handed_in INTEGER NOT NULL DEFAULT 1 CHECK (handed_in IN (0, 1));

-- the ratings before this: a hand-in is a `submitted` or `visit_requested`
-- event (cases.submitted_at holds only the last one, which may come after
-- a rating given between two hand-ins)
UPDATE ratings SET handed_in = 0 WHERE NOT EXISTS (SELECT 1 FROM case_events e
    WHERE e.case_id = ratings.case_id AND e.what IN ('submitted', 'visit_requested')
    AND e.at <= ratings.at);
