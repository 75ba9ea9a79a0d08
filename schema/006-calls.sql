-- 006: the hall's call screen (/display). One row per call (叫号) of a
-- ticket, written by the call itself (src/window.c, in the move's
-- transaction, through src/display.c) so the screen can list the last
-- few. A ticket and a window name are not personal: no case id, no
-- staffer, nothing a resident typed. Kept only as long as the screen needs
-- it: the insert that adds a row deletes every row of an earlier day and
-- all but the newest DISPLAY_KEEP (50) of today's, so the table never
-- holds more than that.

CREATE TABLE calls (
    -- the order of calls and the screen's change token (GET
    -- /api/v1/display?after=SEQ); AUTOINCREMENT so that a number is never
    -- used twice, even after every row was deleted
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    day     TEXT NOT NULL,      -- the hall's local YYYY-MM-DD, as tickets are numbered
    ticket  TEXT NOT NULL,      -- "A017"
    window  TEXT,               -- "3", "A2", "综合窗口"; NULL: the staffer set none
    at      TEXT NOT NULL       -- UTC, as every stored instant
) STRICT;

CREATE INDEX calls_day ON calls (day, seq);
