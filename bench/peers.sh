#!/usr/bin/env bash
# The DuckDB peer (issue 6): glasscage's rule evaluation against the same
# rules as SQL in DuckDB, on identical observations, measured in the same run.
#   bash bench/peers.sh [BUILD_DIR [POPULATION [DAYS [REPEATS]]]]   (default build 1000000 7 3)
# bench_rules runs the scenario, exports the observations to a temporary folder
# and times gc_rules_day for the peer's rules; bench/duckdb_peer.mjs loads
# them into DuckDB (load time apart), times the SQL and checks that its alerts
# equal glasscage's.  Prints both and the ratio (glasscage's speed-up).
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
POP=${2:-1000000}
DAYS=${3:-7}
REPEATS=${4:-3}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/glasscage-peers.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
G=$("$BUILD/bench/bench_rules" "$DIR" "$POP" "$DAYS" "$REPEATS")
D=$(node bench/duckdb_peer.mjs "$DIR" "$REPEATS") || { echo "$D"; exit 1; }
val() { printf '%s\n' "$1" | awk -v k="$2" '$1 == k { print $2 }'; }
echo "== DuckDB peer: ${POP} agents x ${DAYS} days, best of ${REPEATS}"
printf '%s\n' "$G" | head -n 1
printf '%s\n' "$D" | head -n 1
printf '%-12s %14s %10s %14s %14s %12s\n' "" observations alerts "rule seconds" "obs/s" "peak RSS MiB"
for side in glasscage duckdb; do
  [ "$side" = glasscage ] && S=$G || S=$D
  printf '%-12s %14s %10s %14s %14s %12s\n' "$side" "$(val "$S" observations)" "$(val "$S" alerts)" \
    "$(val "$S" rule_seconds)" "$(val "$S" obs_per_second)" "$(val "$S" peak_rss_mib)"
done
echo "duckdb load (not compared): $(val "$D" load_seconds) s"
awk -v g="$(val "$G" rule_seconds)" -v d="$(val "$D" rule_seconds)" \
  'BEGIN { printf "ratio: glasscage %.1fx faster than DuckDB at rule evaluation\n", d / g }'
echo "equivalence: $(val "$D" equivalence) (glasscage's own copies: $(val "$G" self_check))"
