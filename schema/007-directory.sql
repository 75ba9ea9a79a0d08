-- 006: the last good directory of offices (_directory.md), kept like the triage
-- flow: a broken file leaves it in place; a deleted one removes it.
CREATE TABLE directory (
    one       INTEGER PRIMARY KEY CHECK (one = 1),
    hash      TEXT NOT NULL,
    json      TEXT NOT NULL,
    loaded_at TEXT NOT NULL
) STRICT;
