-- 025: the _posts.md the stored chains were checked against (issue #13).
-- A procedure with a ```chain block has its posts checked against
-- _posts.md, so such files were read and parsed again at every load while
-- _posts.md existed: at 10,000 procedures (14% with a chain, as in the
-- sample) 1,427 files, 400 ms of every warm start and reload. posts_hash
-- is the hash of _posts.md's text as the last load read it, good or not
-- ('' without the file). A load whose _posts.md has that same text
-- reuses unchanged chain files like any other: every chain file stored
-- as good was checked against that text, since a load whose text differs
-- parses them all again and then writes its hash here.
CREATE TABLE chain_check (
    one        INTEGER PRIMARY KEY CHECK (one = 1),
    posts_hash TEXT NOT NULL
) STRICT;
