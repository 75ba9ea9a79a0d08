-- 038: the evaluator's key, one per window. GET /api/v1/rate?window=W
-- hands out the token that rates the case just served there, so an
-- evaluator with no key let anyone on the hall's Wi-Fi read a window's
-- offers and spend them before the resident (好差评 counts toward the
-- staff's record). The admin makes a key for each window's tablet and
-- opens /rate?window=W&key=K on it once; a new key for the window ends the
-- old one at the tablet's next ask. Not personal: who made it and when.
CREATE TABLE rate_keys (
    window  TEXT PRIMARY KEY,       -- as display_window_check normalises it
    key     TEXT NOT NULL UNIQUE,   -- 32 hex digits, libsodium randombytes
    made_at TEXT NOT NULL,          -- UTC, as every stored instant
    made_by TEXT NOT NULL           -- the admin's user name
) STRICT, WITHOUT ROWID;
