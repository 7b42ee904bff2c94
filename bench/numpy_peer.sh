#!/usr/bin/env bash
# The NumPy peer (issue 6, peer 2): glasscage's whole pipeline against a
# straightforward vectorised NumPy implementation of the default scenario's
# activity -> ID scan -> presence/copresence pipeline, on the same population
# and days, measured in the same run.
#   bash bench/numpy_peer.sh [BUILD_DIR [POPULATION [DAYS [REPEATS]]]]   (default build 1000000 7 2)
# glasscage: build/bench/bench_pipeline on all threads and on one thread, and
# on the scenario trimmed to what the peer models (numpy_peer.py
# --matched-scenario); NumPy: bench/numpy_peer.py (one thread: NumPy's
# generators and array passes do not use more).  Each figure is the best of
# REPEATS runs (least wall time, and least CPU time: on a shared machine the
# CPU time of a one-thread run moves much less), the sides taking turns;
# building the city is not timed on either side.  Prints both throughputs,
# the ratios, and the peer's statistical equivalence check of rates against
# the first all-threads glasscage run (every NumPy run makes it, with the
# same seed; on MISMATCH the script prints it and exits 1).
# PYTHON: the interpreter that has python3-numpy and python3-yaml; Debian's
# /usr/bin/python3 by default, since a python3 earlier on PATH (pyenv, a venv)
# does not see Debian's packages.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
POP=${2:-1000000}
DAYS=${3:-7}
REPEATS=${4:-2}
PY=${PYTHON:-/usr/bin/python3}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/glasscage-numpy.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
val() { awk -v k="$2" 'NF == 2 && $1 == k { print $2 }' "$1"; }

# once NAME CMD...: runs CMD into DIR/NAME-K (K: the repeat), printing it and
# failing if it fails
once() {
  local name=$1
  shift
  "$@" >"$DIR/$name-$k" || { cat "$DIR/$name-$k"; return 1; }
}
# least NAME KEY: the least value of KEY over the repeats of NAME
least() {
  local f
  for f in "$DIR/$1"-*; do val "$f" "$2"; done | sort -g | head -n 1
}

"$PY" bench/numpy_peer.py --matched-scenario "$DIR/matched.yaml"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
# The sides take turns, so that a load that comes and goes hits them alike.
for k in $(seq 1 "$REPEATS"); do
  once glasscage "$BUILD/bench/bench_pipeline" "$POP" "$DAYS" 0
  once glasscage1 "$BUILD/bench/bench_pipeline" "$POP" "$DAYS" 1
  once matched "$BUILD/bench/bench_pipeline" "$POP" "$DAYS" 0 "$DIR/matched.yaml"
  once numpy "$PY" bench/numpy_peer.py "$POP" "$DAYS" --compare "$DIR/glasscage-1"
done

echo "== NumPy peer: ${POP} agents x ${DAYS} days, best of ${REPEATS} (building the city not timed)"
echo "load average (1, 5, 15 min) before the runs: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
head -n 1 "$DIR/glasscage-1"
head -n 1 "$DIR/numpy-1"
AD=$(val "$DIR/numpy-1" agent_days)
label() {
  case $1 in
    glasscage) echo "glasscage (default)" ;;
    glasscage1) echo "glasscage (default, 1 thread)" ;;
    matched) echo "glasscage (peer's work only)" ;;
    numpy) echo "numpy" ;;
  esac
}
printf '%-30s %7s %13s %9s %13s %9s %13s\n' "" threads agent-days/s seconds "agent-days/s" "CPU s" "ID scans"
printf '%-30s %7s %13s %9s %13s %9s %13s\n' "" "" "(wall)" "" "per CPU s" "" ""
for side in glasscage glasscage1 matched numpy; do
  th=$(val "$DIR/$side-1" threads)
  sec=$(least "$side" seconds)
  cpu=$(least "$side" cpu_seconds)
  printf '%-30s %7s %13.0f %9s %13.0f %9s %13s\n' "$(label "$side")" "${th:-1}" "$(awk -v a="$AD" -v s="$sec" 'BEGIN { print a / s }')" \
    "$sec" "$(awk -v a="$AD" -v s="$cpu" 'BEGIN { print a / s }')" "$cpu" "$(val "$DIR/$side-1" id_scans)"
done
echo "peak RSS MiB: glasscage $(val "$DIR/glasscage-1" peak_rss_mib), numpy $(val "$DIR/numpy-1" peak_rss_mib)"
echo "glasscage's observations (all kinds: ID scans, phone, purchase and meter records): $(val "$DIR/glasscage-1" observations)"
n=$(least numpy seconds)
for side in glasscage glasscage1 matched; do
  [ "$side" = matched ] && what="the peer's work only" || what="default scenario"
  awk -v g="$(least "$side" seconds)" -v n="$n" -v w="$what, $(val "$DIR/$side-1" threads) thread(s)" \
    'BEGIN { r = n / g; printf "ratio: %s %.1fx faster than %s per agent-day (%s)\n", (r >= 1 ? "glasscage" : "NumPy"),
             (r >= 1 ? r : 1 / r), (r >= 1 ? "NumPy" : "glasscage"), w }'
done
awk -v g="$(least glasscage1 cpu_seconds)" -v n="$(least numpy cpu_seconds)" \
  'BEGIN { r = n / g; printf "ratio: %s %.1fx less CPU time than %s per agent-day (one thread each)\n",
           (r >= 1 ? "glasscage" : "NumPy"), (r >= 1 ? r : 1 / r), (r >= 1 ? "NumPy" : "glasscage") }'
echo "== equivalence: the NumPy peer's rates against glasscage's (first all-threads run)"
sed -n '/^per 1,000/,$p' "$DIR/numpy-1"
