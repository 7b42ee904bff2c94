#!/usr/bin/env bash
# The DuckDB peer's SQL gives exactly glasscage's alerts (day, rule, person, count) for the
# default scenario's copresence and frequency rules, on a small run (not timed: suite 'peers').
set -u
EXE=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$EXE" run --set population.size=40000 --set days=14 --quiet --no-report --explain-sample 0 \
  --out "$TMP/run" --export-observations "$TMP/exp" || { echo "FAIL run"; echo "0 passed, 1 failed"; exit 1; }
out=$(cd "$ROOT" && node bench/duckdb_peer.mjs "$TMP/exp" 1)
echo "$out"
alerts=$(printf '%s\n' "$out" | awk '$1 == "alerts" { print $2 }')
if printf '%s\n' "$out" | grep -q "equivalence MATCH" && [ "${alerts:-0}" -gt 0 ]; then
  echo "ok DuckDB SQL alerts equal glasscage's ($alerts)"; echo "1 passed, 0 failed"
else
  echo "FAIL DuckDB SQL alerts differ from glasscage's"; echo "0 passed, 1 failed"; exit 1
fi
