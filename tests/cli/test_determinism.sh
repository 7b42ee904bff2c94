#!/usr/bin/env bash
# Same seed => identical results.db tables for --threads 1 and --threads 2
# (run_info's timing and thread-count rows aside); another seed differs.
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$HERE/../data
. "$HERE/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

dump() {  # dump DB: every table, run_info without volatile rows
  sqlite3 "$1" "DELETE FROM run_info WHERE key IN ('threads','wall_seconds','build_seconds','agent_days_per_second');" \
    && sqlite3 "$1" .dump
}

for scen in "$DATA/small.yaml" "$DATA/full.yaml --set population.size=8000" "builtin:default --set population.size=30000 --set days=8"; do
  name=$(basename "${scen%% *}")
  for t in 1 2; do
    # shellcheck disable=SC2086
    "$BIN" run $scen --threads "$t" --quiet --out "$TMP/$name-$t" || echo "run failed"
    dump "$TMP/$name-$t/results.db" > "$TMP/$name-$t.sql"
  done
  check "$name: threads 1 and 2 identical" cmp "$TMP/$name-1.sql" "$TMP/$name-2.sql"
  check "$name: dump is not trivial" bash -c "[ \$(grep -c 'INSERT INTO rule_daily' '$TMP/$name-1.sql') -gt 10 ]"
done
"$BIN" run "$DATA/small.yaml" --seed 8 --quiet --out "$TMP/seed8"
dump "$TMP/seed8/results.db" > "$TMP/seed8.sql"
check "another seed gives other results" bash -c "! cmp -s '$TMP/seed8.sql' '$TMP/small.yaml-1.sql'"
finish
