-- 004: the comprehensive window. Who called, accepted, completed or
-- returned a case, and when; what a return flagged. Every move is also a
-- case_events row with its user; these columns are the case's current
-- state, which the queue and the case view read without replaying events.
-- Statuses stay the six of 002: a no-show leaves the queue as `abandoned`
-- with no_show_at set (and a `no_show` event).

ALTER TABLE cases ADD COLUMN created_by   TEXT;     -- staffer who started a window case
ALTER TABLE cases ADD COLUMN called_at    TEXT;     -- last call (叫号) of this waiting turn
ALTER TABLE cases ADD COLUMN called_by    TEXT;
ALTER TABLE cases ADD COLUMN calls        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN accepted_at  TEXT;
ALTER TABLE cases ADD COLUMN accepted_by  TEXT;
ALTER TABLE cases ADD COLUMN completed_at TEXT;
ALTER TABLE cases ADD COLUMN completed_by TEXT;
ALTER TABLE cases ADD COLUMN returned_at  TEXT;
ALTER TABLE cases ADD COLUMN returned_by  TEXT;
-- {"fields":[key…],"checklist":[item id…]}: what the staffer marked as
-- missing or wrong; procedure identifiers only, never a value
ALTER TABLE cases ADD COLUMN returned_items TEXT;
ALTER TABLE cases ADD COLUMN no_show_at   TEXT;
-- the order of (re)submissions: submitted_at has whole seconds, and two
-- residents at two kiosks may submit within one
ALTER TABLE cases ADD COLUMN queue_seq    INTEGER;

-- cases already waiting when this runs keep their turn: numbered in the
-- order they were submitted (ties by id), before any later submission
UPDATE cases SET queue_seq = w.n
  FROM (SELECT id, row_number() OVER (ORDER BY submitted_at, id) AS n
          FROM cases WHERE status = 'waiting') AS w
 WHERE cases.id = w.id;

CREATE INDEX cases_queue ON cases (status, queue_seq);
-- the next ticket to call: the first waiting case not called yet
CREATE INDEX cases_call ON cases (status, calls, queue_seq);
