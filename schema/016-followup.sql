-- 016: call-backs (回访, #10 part 5). A routine call-back is opened by the
-- move that completes a case of an item with `followup: N` (due N working
-- days later); a complaint call-back by every rating of 1 or 2 (差评整改,
-- GB/T 39734-2020: due in 15 working days, closed only with a note of what
-- was done). At most one of each kind per case. phone and note are
-- personal data: the sweep empties them with the case's values
-- (erased_at); an open call-back stays listed after that, with no number,
-- since a complaint must still be put right.
CREATE TABLE followups (
    id         INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('routine', 'complaint')),
    due        TEXT NOT NULL,           -- local YYYY-MM-DD
    phone      TEXT,                    -- the case's mobile or phone; NULL: none on the case
    score      INTEGER CHECK (score BETWEEN 1 AND 5),   -- the rating that opened a complaint
    created_at TEXT NOT NULL,
    done_at    TEXT,
    done_on    TEXT,                    -- local YYYY-MM-DD of done_at: "done today" for the list
    done_by    TEXT,
    result     TEXT CHECK (result IN ('satisfied', 'unsatisfied', 'unreachable')),
    note       TEXT,
    erased_at  TEXT,
    UNIQUE (case_id, kind)
) STRICT;

-- the list: open ones soonest due first, and those done today
CREATE INDEX followups_open ON followups (due, id) WHERE done_at IS NULL;
CREATE INDEX followups_done ON followups (done_on) WHERE done_at IS NOT NULL;
-- statistics over a range
CREATE INDEX followups_done_at ON followups (done_at) WHERE done_at IS NOT NULL;
CREATE INDEX followups_created ON followups (created_at);
