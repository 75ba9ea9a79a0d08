-- One hall's export (CSV, from standard input) into hall_daily, in the one
-- transaction load.sh runs it in (psql --single-transaction): nothing of a
-- file that fails halfway is kept.
--
-- The (hall, day) pairs in the file are replaced whole: their rows absent
-- from the file are deleted (a re-export is the day's complete count), the
-- rest inserted or, when already there, updated (ON CONFLICT): loading the
-- same file twice leaves the same figures.

-- one load at a time: two files of one hall and day cannot interleave
LOCK TABLE export_staging IN EXCLUSIVE MODE;
TRUNCATE export_staging;

-- load.sh sets old_export for a file whose header is exactly the 16
-- columns of an export made before 2026-12-07: the satisfaction columns
-- stay NULL (not sorted) in its rows
\if :old_export
\copy export_staging (date, hall, procedure, channel, stage, created, submitted, completed, rejected, abandoned, ratings, rating_sum, rating_avg, stages_done, on_time, late) FROM pstdin WITH (FORMAT csv, HEADER MATCH)
\else
\copy export_staging FROM pstdin WITH (FORMAT csv, HEADER MATCH)
\endif

DELETE FROM hall_daily d
 USING (SELECT DISTINCT hall, date FROM export_staging) f
 WHERE d.hall = f.hall AND d.day = f.date
   AND NOT EXISTS (SELECT 1 FROM export_staging s
                    WHERE s.hall = d.hall AND s.date = d.day AND s.procedure = d.procedure
                      AND s.channel = d.channel AND coalesce(s.stage, '') = d.stage);

INSERT INTO hall_daily (day, hall, procedure, channel, stage, created, submitted, completed,
                        rejected, abandoned, ratings, rating_sum, stages_done, on_time, late,
                        ratings_counted, rating_counted_sum, ratings_counted_good, ratings_staff,
                        ratings_not_handed_in)
SELECT date, hall, procedure, channel, coalesce(stage, ''), created, submitted, completed,
       rejected, abandoned, ratings, rating_sum, stages_done, on_time, late,
       ratings_counted, rating_counted_sum, ratings_counted_good, ratings_staff,
       ratings_not_handed_in
  FROM export_staging
    ON CONFLICT (day, hall, procedure, channel, stage) DO UPDATE
   SET created = EXCLUDED.created, submitted = EXCLUDED.submitted,
       completed = EXCLUDED.completed, rejected = EXCLUDED.rejected,
       abandoned = EXCLUDED.abandoned, ratings = EXCLUDED.ratings,
       rating_sum = EXCLUDED.rating_sum, stages_done = EXCLUDED.stages_done,
       on_time = EXCLUDED.on_time, late = EXCLUDED.late,
       ratings_counted = EXCLUDED.ratings_counted,
       rating_counted_sum = EXCLUDED.rating_counted_sum,
       ratings_counted_good = EXCLUDED.ratings_counted_good,
       ratings_staff = EXCLUDED.ratings_staff,
       ratings_not_handed_in = EXCLUDED.ratings_not_handed_in, loaded_at = now();

TRUNCATE export_staging;
