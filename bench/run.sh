#!/usr/bin/env bash
# Runs the benchmarks (not part of the test suite: timings are never tests).
#   bash bench/run.sh [BUILD_DIR]
# Issue 6's workloads: the default scenario and the province (scenarios/province.yaml)
# at 100k, 1M and 10M agents x 30 days, then the full model at 1M, one bench_core
# process each (so peak RSS is the workload's own), one row per workload; thread
# scaling 1 -> 2 threads; population scaling (time and memory per agent-day at the
# smallest and the largest size); the DuckDB peer.  Each row carries its in-process
# peers' ratios (Philox-call equivalents per agent-day, the fractions of the RNG and
# memory bounds), which are what to compare on a busy machine.
#
# Guards, so that `make bench` stays within minutes and memory: before a workload,
# the same scenario's largest measured size predicts its time and memory (both
# assumed linear, which errs low for a scenario whose costs per agent grow).  A
# workload predicted to need more memory than MemAvailable is not run; one predicted
# to take more than BENCH_WORKLOAD_SECONDS (default 300) runs at fewer days; the
# row says so.  bench_core's own memory preflight refuses what it thinks does not fit.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
B=$BUILD/bench/bench_core
LIMIT=${BENCH_WORKLOAD_SECONDS:-300}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/glasscage-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
ROWS=$TMP/rows.tsv        # scenario agents days threads sim_s ad_per_s philox_per_s peak_bytes bytes_per_agent cpu%
: >"$ROWS"

load() { cut -d' ' -f1 /proc/loadavg; }
avail_bytes() { awk '$1 == "MemAvailable:" { printf "%.0f\n", $2 * 1024 }' /proc/meminfo; }
# In bench_core's output $1, the first line starting with label $2: its field $3 after the label,
# without parentheses, commas, % and a trailing M.
field() { awk -v l="$2" -v n="$3" 'index($0, l) == 1 { $0 = substr($0, length(l) + 1); gsub(/[(),%M]/, "", $n); print $n; exit }' "$1"; }

echo "== machine: $(nproc) CPUs ($(lscpu | sed -n 's/^Model name: *//p')), L3 $(lscpu | sed -n 's/^L3 cache: *//p'),"\
  "$(awk '$1 == "MemTotal:" { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== workloads (one process each; peak RSS and bytes/agent from bench_core's getrusage, before its peers;"
echo "   cpu% = CPU time the simulation got / (threads x wall time); Philox eq = Philox calls the run's time would allow per"
echo "   agent-day; RNG%, mem% = share of the bounds; est = peak / preflight estimate; load = 1-min load average after)"
printf '%-9s %9s %4s %3s %8s %5s %12s %10s %9s %8s %8s %9s %6s %6s %5s %5s\n' scenario agents days thr "sim s" cpu% \
  "agent-days/s" "obs/s" "alerts/s" "RSS MiB" "B/agent" "Philox eq" "RNG%" "mem%" "est" load

# workload NAME SCENARIO_FILE|- AGENTS DAYS THREADS [noguard]: runs bench_core unless a guard says not
# to (noguard: no guards), prints one row and appends it to $ROWS.
workload() {
  local name=$1 file=$2 n=$3 days=$4 thr=$5 guard=${6:-guard} note="" prev
  prev=$(awk -v s="$name" '$1 == s { r = $0 } END { print r }' "$ROWS")   # the largest measured so far
  [ "$thr" = 0 ] && thr=all
  if [ -n "$prev" ] && [ "$guard" = guard ]; then
    read -r _ pn _ _ _ prate _ ppeak _ <<<"$prev"
    local need
    need=$(awk -v p="$ppeak" -v pn="$pn" -v n="$n" 'BEGIN { printf "%.0f", p / pn * n }')
    if [ "$need" -gt "$(avail_bytes)" ]; then
      printf '%-9s %9s %4s %3s   not run: at %s agents it peaked at %s bytes/agent, so about %.1f GiB here if linear; %.1f GiB available\n' \
        "$name" "$n" "$days" "$thr" "$pn" "$(awk -v p="$ppeak" -v pn="$pn" 'BEGIN { printf "%.0f", p / pn }')" \
        "$(awk -v b="$need" 'BEGIN { print b / 1073741824 }')" "$(awk -v b="$(avail_bytes)" 'BEGIN { print b / 1073741824 }')"
      return 0
    fi
    local fit
    fit=$(awk -v r="$prate" -v n="$n" -v d="$days" -v l="$LIMIT" 'BEGIN { f = int(l * r / n); print (n * d / r > l) ? (f < 1 ? 1 : f) : d }')
    if [ "$fit" -lt "$days" ]; then
      note="(${days} days would take ~$(awk -v r="$prate" -v n="$n" -v d="$days" 'BEGIN { printf "%.0f", n * d / r }') s at the ${pn}-agent rate, over ${LIMIT} s: run at ${fit} days)"
      days=$fit
    fi
  fi
  local out=$TMP/$name-$n-$days-$thr.txt rc=0
  local t=${thr/all/0}
  if [ "$file" = - ]; then "$B" "$n" "$days" "$t" >"$out" 2>&1 || rc=$?
  else "$B" "$n" "$days" "$t" "$file" >"$out" 2>&1 || rc=$?; fi
  if [ "$rc" -ne 0 ]; then
    printf '%-9s %9s %4s %3s   not run: bench_core exit %s: %s %s\n' "$name" "$n" "$days" "$thr" "$rc" "$(tail -n 1 "$out")" "$note"
    return 0
  fi
  local sim cpu rate obs alerts rss bpa eq rng mem est threads philox
  threads=$(awk 'NR == 1 { print $(NF - 1) }' "$out")
  sim=$(field "$out" "  simulate:" 1)
  cpu=$(field "$out" "  simulate:" 6)
  rate=$(field "$out" "  agent-days/s:" 1)
  eq=$(field "$out" "  agent-days/s:" 2)
  obs=$(field "$out" "  observations/s:" 1)
  alerts=$(field "$out" "  alerts/s:" 1)
  rss=$(field "$out" "  peak RSS:" 1)
  bpa=$(field "$out" "  peak RSS:" 3)
  rng=$(awk '/^  RNG bound:/ { for (i = 1; i <= NF; i++) if ($i == "at") v = $(i + 1) } END { sub(/%/, "", v); print v }' "$out")
  mem=$(awk '/^  memory bound:/ { v = $NF } END { sub(/%/, "", v); print v }' "$out")
  est=$(awk '/^  preflight:/ { v = $NF } END { print v == "" ? "-" : v }' "$out")
  philox=$(field "$out" "  peers (same run):   Philox4x32-10" 1)
  printf '%-9s %9s %4s %3s %8s %5s %11sM %9sM %9s %8s %8s %9s %6s %6s %5s %5s %s\n' "$name" "$n" "$days" "$threads" \
    "$sim" "$cpu" "$rate" "$obs" "$alerts" "$rss" "$bpa" "$eq" "$rng" "$mem" "$est" "$(load)" "$note"
  awk -v s="$name" -v n="$n" -v d="$days" -v t="$threads" -v sim="$sim" -v p="$philox" -v r="$rss" -v b="$bpa" \
    -v c="$cpu" 'BEGIN { printf "%s %s %s %s %s %.0f %.0f %.0f %s %s\n", s, n, d, t, sim, n * d / sim, p * 1e6, r * 1048576, b, c }' >>"$ROWS"
}

for n in 100000 1000000 10000000; do workload default - "$n" 30 0; done
for n in 100000 1000000 10000000; do workload province scenarios/province.yaml "$n" 30 0; done
workload full tests/data/full.yaml 1000000 30 0

# Back to back (not the table's row, minutes earlier), so that both see the same machine.
echo "== thread scaling: default, 1M agents x 30 days, 2 threads then 1"
workload default - 1000000 30 2 noguard >/dev/null
workload default - 1000000 30 1 noguard >/dev/null
two=$(awk '$1 == "default" && $2 == 1000000 && $3 == 30 && $4 == 2' "$ROWS" | tail -n 1)
one=$(awk '$1 == "default" && $2 == 1000000 && $3 == 30 && $4 == 1' "$ROWS" | tail -n 1)
if [ -n "$one" ] && [ -n "$two" ]; then
  awk -v a="$one" -v b="$two" 'BEGIN { split(a, x, " "); split(b, y, " ");
    printf "1 thread %.2fM agent-days/s (cpu %s%%), 2 threads %.2fM (cpu %s%%): x%.2f; the Philox peer on the same threads: %.0fM -> %.0fM calls/s, x%.2f\n",
      x[6] / 1e6, x[10], y[6] / 1e6, y[10], y[6] / x[6], x[7] / 1e6, y[7] / 1e6, y[7] / x[7] }'
else
  echo "not measured (a run failed)"
fi

echo "== population scaling (the table's rows on all threads, smallest and largest size at the same days; linear = x1.00)"
awk '$4 != 1 { k = $1 " " $3; if (!(k in lo) || $2 < lo_n[k]) { lo[k] = $0; lo_n[k] = $2 } if (!(k in hi) || $2 > hi_n[k]) { hi[k] = $0; hi_n[k] = $2 } }
  END { for (k in lo) { split(lo[k], a, " "); split(hi[k], b, " "); if (a[2] == b[2]) continue;
    sa = a[5] / (a[2] * a[3]) * 1e9; sb = b[5] / (b[2] * b[3]) * 1e9;
    pa = a[7] * a[5] / (a[2] * a[3]); pb = b[7] * b[5] / (b[2] * b[3]);
    printf "%-9s %s days, %s -> %s agents: ns per agent-day %.0f -> %.0f (x%.2f; in Philox calls %.0f -> %.0f, x%.2f); peak bytes/agent %s -> %s (x%.2f; marginal %.0f bytes/agent)\n",
      a[1], a[3], a[2], b[2], sa, sb, sb / sa, pa, pb, pb / pa, a[9], b[9], b[9] / a[9], (b[8] - a[8]) / (b[2] - a[2]) } }' "$ROWS" | sort

echo "== bench_core's full output for the table's default at 1M agents"
cat "$TMP"/default-1000000-*-all.txt 2>/dev/null || echo "(not run)"
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== peers: DuckDB (bench/peers.sh)"
bash bench/peers.sh "$BUILD"
echo "== peers: NumPy (bench/numpy_peer.sh)"
bash bench/numpy_peer.sh "$BUILD"
