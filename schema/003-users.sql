-- 003: staff and admin accounts and their sessions.
-- A password is kept only as a libsodium crypto_pwhash_str string (Argon2id);
-- a session only as the BLAKE2b-256 hash of its token, so a copy of the
-- database lets nobody log in.

CREATE TABLE users (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('staff', 'admin')),
    pwhash     TEXT NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,        -- hex BLAKE2b-256 of the cookie's token
    user       TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,        -- unix seconds
    seen_at    INTEGER NOT NULL         -- last request, for the idle expiry
) STRICT;

CREATE INDEX sessions_user ON sessions (user);
CREATE INDEX sessions_seen ON sessions (seen_at);
