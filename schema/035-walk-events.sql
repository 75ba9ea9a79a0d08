-- 035: how many of the public's own walkthrough moves a case has recorded
-- (conditions answered, a step sent, either refused). A review repeated a
-- refused step 36,000 times in 10 s, rows of case_events nothing deletes;
-- the events stop at CASES_WALK_EVENTS_MAX per case (cases.h). Counting
-- them with a query on every step cost the group commit a sixth of its
-- rate at 32 clients (the count ran inside the writer's turn); the counter
-- is bumped by the update that already touches the case's row, so it costs
-- no page more. Cases from before start at 0 (a few more events at most).
ALTER TABLE cases ADD COLUMN walk_events INTEGER NOT NULL DEFAULT 0;
