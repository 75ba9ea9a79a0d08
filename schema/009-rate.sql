-- 009: rating after the service (好差评). A finishing
-- move at a window (complete, with the staffer's window) offers the case
-- just served to that window's evaluator (/rate?window=3): one row per
-- window, replaced by the window's next offer, spent by the rating it
-- brings, unusable 15 minutes after `at` (src/rate.c deletes stale rows
-- whenever it writes). The evaluator is public: it learns the token, the
-- ticket, the item's title and the time, never the case id, which stays
-- here so that the token can rate exactly that case.

CREATE TABLE rate_offers (
    -- the change token of GET /api/v1/rate?window=W&after=SEQ; AUTOINCREMENT
    -- so that a replaced offer never comes back under the same number
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    window  TEXT NOT NULL UNIQUE,   -- as display_window_check normalises it
    token   TEXT NOT NULL UNIQUE,   -- 32 hex digits, libsodium randombytes
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    ticket  TEXT NOT NULL,
    title   TEXT NOT NULL,          -- the procedure's title when it was offered
    at      TEXT NOT NULL           -- UTC, as every stored instant
) STRICT;

-- what went wrong, for a rating of 1 or 2: codes of cases.h's
-- CASES_RATE_REASONS joined by ",", in that order ("" when none). Fixed
-- codes, nothing a resident typed: retention leaves them, as the score.
ALTER TABLE ratings ADD COLUMN reasons TEXT NOT NULL DEFAULT '';
