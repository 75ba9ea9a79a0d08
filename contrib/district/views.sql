-- The district's views over hall_daily (schema.sql); run after it:
-- psql -v ON_ERROR_STOP=1 -f views.sql. Each is over everything loaded;
-- add `WHERE day BETWEEN ...` on hall_daily in a query of your own for a
-- period (the views' columns are sums, so they add up over any range).

-- Cases per hall and item (事项): started, handed in, completed (办结),
-- rejected (不予办理), left unfinished, over every channel.
CREATE OR REPLACE VIEW district_cases AS
SELECT hall, procedure,
       sum(created)::bigint   AS created,
       sum(submitted)::bigint AS submitted,
       sum(completed)::bigint AS completed,
       sum(rejected)::bigint  AS rejected,
       sum(abandoned)::bigint AS abandoned,
       min(day) AS first_day, max(day) AS last_day
  FROM hall_daily
 WHERE stage = ''
 GROUP BY hall, procedure;

-- On-time rate per hall (按期办结率): chain stages passed on or before their
-- due date among all stages passed; NULL for a hall with none passed.
CREATE OR REPLACE VIEW district_on_time AS
SELECT hall,
       sum(stages_done)::bigint AS stages_done,
       sum(on_time)::bigint     AS on_time,
       sum(late)::bigint        AS late,
       round(sum(on_time)::numeric / nullif(sum(stages_done), 0), 4) AS on_time_rate
  FROM hall_daily
 WHERE stage <> ''
 GROUP BY hall;

-- Ratings per hall (好差评): how many, their average score (1 to 5, two
-- places; NULL without any), from the sums so that days and items add up.
-- Then (2026-12-07) the satisfaction figures the halls' pages show: the
-- ratings counted (a resident's on a case handed in), their sum, average
-- and 好评率 (3 to 5 over those counted, 4 places; NULL without any), those
-- kept apart (a staff session's, a case never handed in), and those loaded
-- from exports made before the split (unsorted: re-export those days from
-- the upgraded hall to sort them). ratings = ratings_counted + ratings_staff
-- + ratings_not_handed_in + ratings_unsorted.
CREATE OR REPLACE VIEW district_ratings AS
SELECT hall,
       sum(ratings)::bigint    AS ratings,
       sum(rating_sum)::bigint AS rating_sum,
       round(sum(rating_sum)::numeric / nullif(sum(ratings), 0), 2) AS rating_avg,
       coalesce(sum(ratings_counted), 0)::bigint    AS ratings_counted,
       coalesce(sum(rating_counted_sum), 0)::bigint AS rating_counted_sum,
       round(sum(rating_counted_sum)::numeric / nullif(sum(ratings_counted), 0), 2) AS rating_counted_avg,
       round(sum(ratings_counted_good)::numeric / nullif(sum(ratings_counted), 0), 4) AS good_rate,
       coalesce(sum(ratings_staff), 0)::bigint         AS ratings_staff,
       coalesce(sum(ratings_not_handed_in), 0)::bigint AS ratings_not_handed_in,
       coalesce(sum(ratings) FILTER (WHERE ratings_counted IS NULL), 0)::bigint AS ratings_unsorted
  FROM hall_daily
 WHERE stage = ''
 GROUP BY hall;
