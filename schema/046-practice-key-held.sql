-- 046: a practice pass held over a wording fix. A pass is held to the
-- version's practice key (027), which holds the words of the conditions,
-- the checklist items and the field labels, so a typo fixed in a paper's
-- name asked every staffer to practise the item again, and the AB岗 grid
-- went short for it, though nothing the window checks had changed. When an
-- admin saves a text as only a wording fix (只改了错别字或措辞, ?editorial=1)
-- and it differs from the live version in those words alone (the same ids,
-- required marks, types, rules, options and {if}: render_practice_shape),
-- the new version's passes are held to the key the live one's were: a row
-- here, written by store.c with the version going live, read wherever a
-- version's practice key is (practice_play.c, PRACTICE_PLAY_KEY). Its own
-- table, not practice_key itself: a new render version recomputes that.
-- IF NOT EXISTS: the tests that take a database back to an older schema set
-- user_version and leave the table, and this runs again over it (as 045).
CREATE TABLE IF NOT EXISTS practice_key_held (
    procedure_id TEXT NOT NULL,
    hash TEXT NOT NULL,          -- the version saved as a wording fix
    practice_key TEXT NOT NULL,  -- the key its passes are held to
    PRIMARY KEY (procedure_id, hash)
) WITHOUT ROWID;
