-- 037: which side of the hall's network a public case was started from
-- (quota.h): 1 from outside it (a phone over the internet), 0 from the hall
-- (a kiosk, the hall's Wi-Fi) or by staff. The cap on open public cases is
-- counted for each side, so that cases held open from the internet cannot
-- stop the kiosks (a review filled the one cap from one address in about
-- 80 minutes). Not personal: no address is kept, only the side. Cases from
-- before count as the hall's.
ALTER TABLE cases ADD COLUMN outside INTEGER NOT NULL DEFAULT 0 CHECK (outside IN (0, 1));
-- the count on every POST /api/v1/cases, from the index alone; a step
-- changes none of its columns, so it costs a step no page
CREATE INDEX cases_open_side ON cases (outside) WHERE status = 'open' AND created_by IS NULL;
