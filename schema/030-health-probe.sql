-- 030: /healthz proves the disk takes a write again after one failed.
-- A full disk (or an I/O error) refused every case and login with 503
-- while /healthz stayed 200, so a monitor stayed green (an IT officer's
-- review). Once a write has failed and none has committed since, /healthz
-- writes this one row (at most once a second) and answers 503 until that
-- commit goes through; so it turns green again by itself when space returns,
-- even at night with no resident writing. One row, rewritten in place.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at INTEGER NOT NULL          -- unix seconds of the last probe that committed
);
