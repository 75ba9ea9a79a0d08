-- 048: the call-back tries (followup.c's events "unreachable_try KIND")
-- looked up by case. The day's report, the statistics and the call-back
-- list ask, for each call-back, whether a 联系不上 try came before its
-- result; through case_events_case that read every event of the case, and
-- a year of statistics took 1.7-2.6 s against 0.2 s without the question
-- (1.5 million events, 30,000 call-backs; r14's review). Partial: only the
-- call-backs' own events, a few per case. IF NOT EXISTS: the tests that
-- take a database back to an older schema run it again.
CREATE INDEX IF NOT EXISTS case_events_tries ON case_events (case_id, detail, at) WHERE what = 'followup';
