-- 026: an index on cases.queue_seq alone (issue #13). Every hand-in, web
-- submission and home-visit booking takes the next turn as
-- max(queue_seq) + 1 over all cases; the only index holding queue_seq led
-- with status, so SQLite read the whole index for it: 4.4 ms per hand-in
-- at 100,000 cases, under the writer lock, and 46% of the daemon's time
-- in the step-commit benchmark once a few thousand cases had piled up.
-- With this index max() is one seek (50 us at 100,000).
CREATE INDEX cases_seq ON cases (queue_seq);
