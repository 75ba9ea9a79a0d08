-- 008: a case handed in without every required paper (材料不全). A
-- resident whose step failed only on unticked required items may take a
-- number anyway to ask at the window (POST
-- /api/v1/cases/{id}/steps/{n}/incomplete): the step's valid answers are
-- kept, the step stays not done, and this column lists what was missing.
-- JSON ["item id", …] of the pinned version (whose texts never change, so
-- the ids name the texts as they were); NULL for a case handed in
-- complete. Written only by window.c: set by that hand-in, cleared by a
-- complete one.
ALTER TABLE cases ADD COLUMN missing_items TEXT;
