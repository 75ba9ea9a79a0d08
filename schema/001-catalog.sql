-- 001: the procedure catalog. Every version of a procedure that was ever
-- loaded is kept (by content hash), so a case started on an old version
-- keeps its steps and fields after the file changes. The live version of
-- each procedure is a pointer in `procedures`; the search index holds the
-- live versions only.

CREATE TABLE categories (
    id          TEXT PRIMARY KEY,           -- folder name
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    ord         INTEGER NOT NULL
) STRICT;

CREATE TABLE procedure_versions (
    procedure_id   TEXT NOT NULL,
    hash           TEXT NOT NULL,           -- sha256 hex of source
    source         BLOB NOT NULL,           -- the file as loaded
    category       TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('procedure', 'policy')),
    title          TEXT NOT NULL,
    ord            INTEGER NOT NULL,        -- front matter `order`
    review_by      INTEGER NOT NULL,        -- YYYYMMDD, 0 if none
    detail_json    TEXT NOT NULL,           -- GET /api/v1/procedures/{id}
    item_json      TEXT NOT NULL,           -- one entry of the list
    print_html     TEXT NOT NULL,           -- GET /print/procedures/{id}
    render_version INTEGER NOT NULL,        -- RENDER_VERSION that made the JSON
    first_loaded   TEXT NOT NULL,           -- ISO 8601 UTC
    PRIMARY KEY (procedure_id, hash)
) STRICT;

CREATE TABLE procedures (
    id          TEXT PRIMARY KEY,
    path        TEXT NOT NULL,              -- file relative to the procedures folder
    hash        TEXT NOT NULL,              -- the live version
    status      TEXT NOT NULL CHECK (status IN ('live', 'retired')),
    updated_at  TEXT NOT NULL,
    FOREIGN KEY (id, hash) REFERENCES procedure_versions (procedure_id, hash)
) STRICT;

-- What the last load found in each file, so an unchanged file is not parsed
-- again at start-up and its warnings are still known.
CREATE TABLE source_files (
    path         TEXT PRIMARY KEY,          -- relative to the procedures folder
    hash         TEXT NOT NULL,
    procedure_id TEXT NOT NULL,
    ok           INTEGER NOT NULL,          -- 1: loaded without error
    diagnostics  TEXT NOT NULL,             -- JSON [{"line","severity","message"}]
    checked_at   TEXT NOT NULL
) STRICT;

-- Every problem of the last load, for the admin console.
CREATE TABLE diagnostics (
    file     TEXT NOT NULL,
    line     INTEGER NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
    message  TEXT NOT NULL
) STRICT;

-- The last good triage flow; a broken _triage.md leaves it in place.
CREATE TABLE triage (
    one       INTEGER PRIMARY KEY CHECK (one = 1),
    hash      TEXT NOT NULL,
    json      TEXT NOT NULL,
    loaded_at TEXT NOT NULL
) STRICT;

-- Search over live procedures. The `spk` tokenizer (src/cjktok.c) emits CJK
-- characters one by one so that one- and two-character queries match.
CREATE VIRTUAL TABLE search USING fts5 (
    id UNINDEXED,
    category UNINDEXED,             -- filtered before the result limit
    title,
    keywords,
    body,
    tokenize = 'spk'
);
