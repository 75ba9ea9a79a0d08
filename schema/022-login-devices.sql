-- 022: the browsers a user has logged in from (issue #12, item 5). A device
-- is a random token in an HttpOnly cookie set at a successful login; only
-- its BLAKE2b-256 hash is kept. A known device's login skips the name's and
-- the address's overall slow-down, so that a stranger guessing a staffer's
-- password cannot keep the staffer out; the password is checked as ever.

CREATE TABLE login_devices (
    token_hash TEXT NOT NULL,           -- hex BLAKE2b-256 of the cookie's token
    user       TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    seen_at    INTEGER NOT NULL,        -- unix seconds of the last login from it
    PRIMARY KEY (token_hash, user)
) STRICT;

CREATE INDEX login_devices_seen ON login_devices (seen_at);
