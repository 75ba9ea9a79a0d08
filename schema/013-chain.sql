-- 013: the last good _posts.md and _calendar.md, kept like the directory: a
-- broken file leaves its row in place; a deleted one removes it. The text is
-- kept (not JSON): the catalog parses it again into the posts and the
-- working-day calendar that due dates are counted with.
CREATE TABLE posts (
    one       INTEGER PRIMARY KEY CHECK (one = 1),
    hash      TEXT NOT NULL,
    text      TEXT NOT NULL,
    loaded_at TEXT NOT NULL
) STRICT;

CREATE TABLE calendar (
    one       INTEGER PRIMARY KEY CHECK (one = 1),
    hash      TEXT NOT NULL,
    text      TEXT NOT NULL,
    loaded_at TEXT NOT NULL
) STRICT;
