-- The street office's district database: every hall's `spkiosk export`
-- rows in one table (docs/deployment.md, "Many halls"). PostgreSQL 15
-- (Debian's postgresql). Run once: psql -v ON_ERROR_STOP=1 -f schema.sql
--
-- A row is one hall's figures for one local day, procedure (item), channel
-- and chain stage, as the export wrote them; its key is those five, so a
-- day loaded twice (or exported again later, with the day's later events)
-- replaces its figures instead of adding to them. The case columns count in
-- case rows (stage ''), the stage columns in stage rows; each is 0 in the
-- other kind, so any column may be summed over all rows.

CREATE TABLE IF NOT EXISTS hall_daily (
    day         date    NOT NULL,
    hall        text    NOT NULL CHECK (length(hall) BETWEEN 1 AND 64),
    procedure   text    NOT NULL CHECK (length(procedure) BETWEEN 1 AND 64),
    channel     text    NOT NULL CHECK (channel IN ('kiosk', 'window', 'web')),
    stage       text    NOT NULL DEFAULT '',  -- '' for a case row (the export's empty field)
    created     integer NOT NULL CHECK (created >= 0),
    submitted   integer NOT NULL CHECK (submitted >= 0),
    completed   integer NOT NULL CHECK (completed >= 0),
    rejected    integer NOT NULL CHECK (rejected >= 0),
    abandoned   integer NOT NULL CHECK (abandoned >= 0),
    ratings     integer NOT NULL CHECK (ratings >= 0),
    rating_sum  integer NOT NULL CHECK (rating_sum BETWEEN ratings AND 5 * ratings),
    stages_done integer NOT NULL CHECK (stages_done >= 0),
    on_time     integer NOT NULL CHECK (on_time >= 0),
    late        integer NOT NULL CHECK (late >= 0 AND on_time + late = stages_done),
    loaded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, hall, procedure, channel, stage)
);

CREATE INDEX IF NOT EXISTS hall_daily_hall ON hall_daily (hall, day);

-- 2026-12-07: the satisfaction figures (好差评 the hall's pages count,
-- spkiosk's schema/043): of `ratings`, those counted (a resident's on a case
-- handed in to the hall), their score sum and their 好评 (3 to 5), and those
-- kept apart: a staff session's, a case never handed in. NULL in a row
-- loaded from an export made before them (a hall on an older build): its
-- ratings are not sorted, and the views say how many (`ratings_unsorted`);
-- a later export of the same days by an upgraded hall replaces the row,
-- sorted. Added here so that running this file again upgrades a database
-- made before (ADD COLUMN IF NOT EXISTS; nothing else changes).
ALTER TABLE hall_daily ADD COLUMN IF NOT EXISTS ratings_counted integer
    CHECK (ratings_counted >= 0);
ALTER TABLE hall_daily ADD COLUMN IF NOT EXISTS rating_counted_sum integer
    CHECK (rating_counted_sum BETWEEN ratings_counted AND 5 * ratings_counted);
ALTER TABLE hall_daily ADD COLUMN IF NOT EXISTS ratings_counted_good integer
    CHECK (ratings_counted_good BETWEEN 0 AND ratings_counted);
ALTER TABLE hall_daily ADD COLUMN IF NOT EXISTS ratings_staff integer
    CHECK (ratings_staff >= 0);
-- all five or none, and together every rating of the row
ALTER TABLE hall_daily ADD COLUMN IF NOT EXISTS ratings_not_handed_in integer
    CHECK (ratings_not_handed_in IS NULL AND ratings_counted IS NULL AND rating_counted_sum IS NULL
           AND ratings_counted_good IS NULL AND ratings_staff IS NULL
           OR ratings_counted + ratings_staff + ratings_not_handed_in = ratings
              AND rating_counted_sum IS NOT NULL AND ratings_counted_good IS NOT NULL);

-- What a load reads first: exactly the export's columns in its order
-- (docs/deployment.md, "Export"; rating_avg and rating_counted_avg are
-- derived, so not kept). COPY ... (HEADER MATCH) checks the header against
-- these names, so an export with columns added at its end is refused until
-- this table and load.sql take them; load.sh names the older exports' 16
-- columns for a file whose header is exactly theirs. Unlogged: it is
-- emptied by every load.
CREATE UNLOGGED TABLE IF NOT EXISTS export_staging (
    date        date,
    hall        text,
    procedure   text,
    channel     text,
    stage       text,
    created     integer,
    submitted   integer,
    completed   integer,
    rejected    integer,
    abandoned   integer,
    ratings     integer,
    rating_sum  integer,
    rating_avg  numeric(4, 2),
    stages_done integer,
    on_time     integer,
    late        integer
);

-- 2026-12-07's columns, at the end in the export's order (a database made
-- before gets them here)
ALTER TABLE export_staging ADD COLUMN IF NOT EXISTS ratings_counted integer;
ALTER TABLE export_staging ADD COLUMN IF NOT EXISTS rating_counted_sum integer;
ALTER TABLE export_staging ADD COLUMN IF NOT EXISTS rating_counted_avg numeric(4, 2);
ALTER TABLE export_staging ADD COLUMN IF NOT EXISTS ratings_counted_good integer;
ALTER TABLE export_staging ADD COLUMN IF NOT EXISTS ratings_staff integer;
ALTER TABLE export_staging ADD COLUMN IF NOT EXISTS ratings_not_handed_in integer;
