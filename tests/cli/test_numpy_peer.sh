#!/usr/bin/env bash
# The NumPy peer (bench/numpy_peer.py) draws the default scenario's stays, ID
# scans and presence alerts at glasscage's rates (suite 'peers'; not timed).
#   test_numpy_peer.sh BENCH_PIPELINE
# 1. At 50k agents x 7 days the peer's per-agent-day rates of stays per place
#    type, ID scans per place type and drug_history_hotel alerts must agree
#    with glasscage's (bench_pipeline) within 5 standard errors: it fails when
#    either model changes a rate that much -- a behaviour rate or multiplier,
#    the trips, trait prevalences or household sharing, scanner coverage or
#    detection -- or when glasscage's tallies or the peer break.  Rates are
#    compared, never counts, so new random draws in glasscage do not fail it.
# 2. The check can fail: the same peer with errands 10% more frequent must
#    give MISMATCH on stays_shop (at this size about 33 standard errors off).
# PYTHON: an interpreter with python3-numpy and python3-yaml (Debian's
# /usr/bin/python3 by default); without them the test fails, never skips.
set -u
BENCH=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
ok() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

"$BENCH" 50000 7 1 >"$TMP/glasscage" || { cat "$TMP/glasscage"; echo "FAIL bench_pipeline"; echo "0 passed, 1 failed"; exit 1; }
out=$("$PY" "$ROOT/bench/numpy_peer.py" 50000 7 --compare "$TMP/glasscage" 2>&1)
echo "$out"
if printf '%s\n' "$out" | grep -q "^equivalence: MATCH$"; then
  ok "the NumPy peer's rates match glasscage's"
else
  fail "the NumPy peer's rates differ from glasscage's"
fi
out=$("$PY" "$ROOT/bench/numpy_peer.py" 50000 7 --compare "$TMP/glasscage" --scale errand=1.1 2>&1)
if printf '%s\n' "$out" | grep -q "^equivalence: MISMATCH .*stays_shop"; then
  ok "a 10% higher errand rate is caught: $(printf '%s\n' "$out" | grep '^equivalence')"
else
  printf '%s\n' "$out" | tail -n 5
  fail "a 10% higher errand rate went unnoticed"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
