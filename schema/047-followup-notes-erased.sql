-- 047: call-back notes written after their case was erased. An open
-- call-back of an erased case (a complaint stays listed to be put right)
-- was recorded later with its note, and the sweep, which cleared only
-- call-backs not erased before, never cleared that note or a number left
-- (a review, r11; sweep.c now clears them). The cases that hold such a
-- call-back go back to the sweep, which erases them again on its own
-- retention terms, so a note written today is not cut short. Idempotent:
-- the tests that take a database back to an older schema run it again.
UPDATE cases SET needs_erase = 1
 WHERE needs_erase = 0 AND id IN (SELECT case_id FROM followups
   WHERE erased_at IS NOT NULL AND (note IS NOT NULL OR phone IS NOT NULL));
