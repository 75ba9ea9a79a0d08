-- 023: search rows keyed by a stable integer per procedure (issue #13).
-- `DELETE FROM search WHERE id = ?` scanned every row of the FTS5 table (id
-- is an unindexed column), once per loaded file: loading was O(n^2). Each
-- procedure now has a doc number in search_docs, and its rows in `search`
-- and `search_pinyin` have that rowid, so a load deletes by rowid and a
-- query returns rowids, reading neither the text nor the id of a row it
-- does not return. A doc number is never reused for another procedure; the
-- category is kept here too, so a category filter reads no FTS row either.
CREATE TABLE search_docs (
    doc      INTEGER PRIMARY KEY,
    id       TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL
) STRICT;
INSERT INTO search_docs (id, category)
    SELECT id, min(category) FROM search GROUP BY id ORDER BY id;

ALTER TABLE search RENAME TO search_old;
CREATE VIRTUAL TABLE search USING fts5 (
    id UNINDEXED,
    category UNINDEXED,
    title,
    keywords,
    body,
    tokenize = 'spk'
);
INSERT INTO search (rowid, id, category, title, keywords, body)
    SELECT d.doc, o.id, o.category, o.title, o.keywords, o.body
    FROM search_old o JOIN search_docs d ON d.id = o.id GROUP BY o.id;
DROP TABLE search_old;

ALTER TABLE search_pinyin RENAME TO search_pinyin_old;
CREATE VIRTUAL TABLE search_pinyin USING fts5 (
    id UNINDEXED,
    category UNINDEXED,
    title,
    keywords,
    tokenize = 'spkpy'
);
INSERT INTO search_pinyin (rowid, id, category, title, keywords)
    SELECT d.doc, o.id, o.category, o.title, o.keywords
    FROM search_pinyin_old o JOIN search_docs d ON d.id = o.id GROUP BY o.id;
DROP TABLE search_pinyin_old;

-- What a start-up asks of every unchanged file (store_reuse: is this
-- version still current?) from an index alone: the columns it reads sit
-- after the file's text in procedure_versions, so each check read the
-- whole row, overflow pages and all.
CREATE INDEX procedure_versions_reuse
    ON procedure_versions (procedure_id, hash, render_version, review_by);
