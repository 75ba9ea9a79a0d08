#!/bin/sh
# Practice passes at scale: the pass query readiness and a staffer's list
# run (src/practice_play.c, sql_passes) held to the stored practice key,
# beside the same query held to the version hash, on the sample library
# with 30,000 right answers by 20 staffers. sqlite3's .timer, three rounds.
# Usage: bench/practice-passes.sh   (needs build/spkiosk and sqlite3;
# SPKIOSK_BIN=PATH runs another binary)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${SPKIOSK_BIN:-$here/../build/spkiosk}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" serve --listen 127.0.0.1:0 --db "$dir/x.db" --procedures "$here/../procedures" >/dev/null 2>"$dir/log" &
pid=$!
until grep -q ') in [0-9.]* ms' "$dir/log" 2>/dev/null; do sleep 0.05; done
kill "$pid"; wait "$pid" || true
sqlite3 "$dir/x.db" "
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 29999),
pf AS (SELECT row_number() OVER () - 1 AS k, * FROM practice_files WHERE good_source IS NOT NULL)
INSERT INTO practice_cases (id, user, procedure_id, procedure_hash, practice_hash, scenarios,
  scenario, title, created_at, answered_at, answered_day, correct, decision)
SELECT printf('%032x', i), 'u' || (i % 20), pf.procedure_id, pf.good_procedure_hash, pf.good_hash,
  pf.good_scenarios, i % pf.good_scenarios, 't', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z',
  '2026-11-01', 1, 'accept'
FROM n JOIN pf ON pf.k = (n.i / 20) % (SELECT count(*) FROM pf);"
inner() { # $1: the column a pass is grouped by
    echo "SELECT count(*) FROM (SELECT user, procedure_id, pkey, practice_hash, scenarios, count(*),"
    echo " max(last) FROM (SELECT pc.user, pc.procedure_id, $1 AS pkey, pc.practice_hash,"
    echo " pc.scenarios, pc.scenario, max(pc.answered_day) AS last FROM practice_cases pc"
    echo " WHERE pc.correct = 1 AND pc.answered_day >= '2025-12-04'"
    echo " GROUP BY pc.user, pc.procedure_id, pkey, pc.practice_hash, pc.scenarios, pc.scenario)"
    echo " GROUP BY user, procedure_id, pkey, practice_hash, scenarios);"
}
key="coalesce((SELECT k.practice_key FROM procedure_versions k WHERE k.procedure_id = pc.procedure_id AND k.hash = pc.procedure_hash), pc.procedure_hash)"
for round in 1 2 3; do
    printf 'round %s  by key: ' "$round"
    { echo .timer on; inner "$key"; } | sqlite3 "$dir/x.db" | awk '/Run Time/ {print $4 " s"}' | tr -d '\n'
    printf '  by hash: '
    { echo .timer on; inner pc.procedure_hash; } | sqlite3 "$dir/x.db" | awk '/Run Time/ {print $4 " s"}'
done
