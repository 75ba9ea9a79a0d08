-- 015: the day's report (report.c) reads one local day of events and of
-- ratings; without these it would scan every event the hall ever kept.
-- case_stages by due serves the overdue count of a past day (the partial
-- case_stages_post index covers only stages not done yet).
CREATE INDEX case_events_at ON case_events (at, what);
CREATE INDEX ratings_at ON ratings (at);
CREATE INDEX case_stages_due ON case_stages (due);
