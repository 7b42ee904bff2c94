#!/usr/bin/env bash
# Runs every test: the meson suites on the release build, the same suites
# again under AddressSanitizer + UndefinedBehaviorSanitizer (except the
# many-seed statistical reproductions, suite 'statistics', and the page
# tests in headless Chromium, suite 'browser', and the DuckDB and NumPy
# peers' equivalence, suite 'peers', which run on the release build only), and one run under valgrind.  Counts individual checks (cmocka cases, script checks)
# and ends with the line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ASAN=build-asan
passed=0
failed=0

count() {  # count BUILD_DIR LABEL: adds that build's test results to the totals
  local res
  res=$(python3 tests/count-results.py "$1/meson-logs/testlog.json" "$2") || res="0 1"
  passed=$((passed + ${res% *}))
  failed=$((failed + ${res#* }))
}

echo "== release build: unit, scenario and CLI tests"
meson test -C "$BUILD" --print-errorlogs --num-processes 2 >"$BUILD/test-output.txt" 2>&1
tail -n 12 "$BUILD/test-output.txt"
count "$BUILD" release

echo "== sanitizer build (ASan + UBSan)"
if [ ! -f "$ASAN/build.ninja" ]; then
  meson setup "$ASAN" --buildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
if ninja -C "$ASAN" >"$BUILD/asan-build.log" 2>&1; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C "$ASAN" --print-errorlogs --num-processes 2 --timeout-multiplier 3 --no-suite statistics --no-suite browser --no-suite peers \
      >"$ASAN/test-output.txt" 2>&1
  tail -n 12 "$ASAN/test-output.txt"
  count "$ASAN" sanitizers
else
  echo "FAIL sanitizer build"; tail -n 30 "$BUILD/asan-build.log"; failed=$((failed + 1))
fi

echo "== valgrind memcheck on a small run"
if valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite \
     "$BUILD/glasscage" run tests/data/small.yaml --threads 1 --set days=3 --set population.size=2000 \
     --quiet --out "$BUILD/valgrind-out" >"$BUILD/valgrind.log" 2>&1; then
  echo "ok valgrind"; passed=$((passed + 1))
else
  echo "FAIL valgrind"; tail -n 30 "$BUILD/valgrind.log"; failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
