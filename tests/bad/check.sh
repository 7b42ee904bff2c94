#!/usr/bin/env bash
# check.sh — golden error tests: every malformed scenario in tests/bad/ must be
# refused by the glasscage CLI with the right file:line:col and key path, and
# a refused run must leave nothing behind.
#
# usage: bash tests/bad/check.sh GLASSCAGE_BINARY
#
# Each tests/bad/NN-name.yaml holds exactly one defect and starts with
#     # expect: LINE:COL KEY.PATH
# optionally followed by
#     # message: TEXT
# where TEXT is how the problem's description begins.
# For each file this runs
#     GLASSCAGE validate FILE
#     GLASSCAGE run FILE --out OUTDIR --quiet
# and requires, for both: exit status 2; a line on stderr containing
# "FILE:LINE:COL: KEY.PATH:" (FILE exactly as passed), followed by " TEXT"
# when the file has a message line; and, for run, an OUTDIR
# that is still empty afterwards (no results.db, no temporary files).  It also
# checks bad --set overrides on the built-in default, and that the built-in
# default itself validates.  Prints "ok NAME" or "FAIL NAME: reason" per case,
# then "N passed, N failed"; exits 1 if anything failed.
set -u

if [ $# -ne 1 ]; then
  echo "usage: bash $0 GLASSCAGE_BINARY" >&2
  exit 2
fi
BIN=$1
if [ ! -x "$BIN" ]; then
  echo "check.sh: $BIN is not an executable file" >&2
  exit 2
fi
DIR=$(dirname "$0")
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/gc-bad.XXXXXX") || exit 2
trap 'rm -rf "$SCRATCH"' EXIT
passed=0
failed=0

# Runs a command with a time limit where `timeout` exists (a CLI that wrongly
# accepts a scenario must not hang the test suite in a long simulation).
limited() {
  if command -v timeout >/dev/null 2>&1; then timeout 120 "$@"; else "$@"; fi
}

# expect_refusal LABEL WANT CMD...: prints a reason and returns 1 unless CMD
# exits with status 2 and some line of its stderr contains WANT.
expect_refusal() {
  local label=$1 want=$2 rc
  shift 2
  limited "$@" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
  rc=$?
  if [ "$rc" -ne 2 ]; then
    echo "$label: exit status $rc, expected 2 ($(head -c 300 "$SCRATCH/stderr" | tr '\n' '|'))"
    return 1
  fi
  if ! grep -qF -- "$want" "$SCRATCH/stderr"; then
    echo "$label: stderr lacks \"$want\" (stderr: $(head -c 400 "$SCRATCH/stderr" | tr '\n' '|'))"
    return 1
  fi
}

# nothing_left LABEL OUTDIR: a refused run must not have written anything.
nothing_left() {
  local left
  left=$(find "$2" -mindepth 1 2>/dev/null | head -5 | tr '\n' ' ')
  if [ -n "$left" ]; then
    echo "$1: left files behind: $left"
    return 1
  fi
}

report() {
  if [ "$2" = ok ]; then
    echo "ok $1"
    passed=$((passed + 1))
  else
    echo "FAIL $1: $3"
    failed=$((failed + 1))
  fi
}

# check_refused NAME WANT ARGS...: validate ARGS and run ARGS must both refuse.
check_refused() {
  local name=$1 want=$2 out why
  shift 2
  out=$(mktemp -d "$SCRATCH/out.XXXXXX")
  if why=$(expect_refusal validate "$want" "$BIN" validate "$@") &&
     why=$(expect_refusal run "$want" "$BIN" run "$@" --out "$out" --quiet) &&
     why=$(nothing_left run "$out"); then
    report "$name" ok
  else
    report "$name" fail "$why"
  fi
}

check_file() {
  local f=$1 name first second want
  name=$(basename "$f" .yaml)
  { IFS= read -r first; IFS= read -r second; } <"$f" || true
  first=${first%$'\r'}
  second=${second%$'\r'}
  if [[ ! $first =~ ^#\ expect:\ ([0-9]+):([0-9]+)\ (.*[^[:space:]])[[:space:]]*$ ]]; then
    report "$name" fail "first line is not '# expect: LINE:COL KEY.PATH'"
    return
  fi
  want="$f:${BASH_REMATCH[1]}:${BASH_REMATCH[2]}: ${BASH_REMATCH[3]}:"
  if [[ $second =~ ^#\ message:\ (.*[^[:space:]])[[:space:]]*$ ]]; then
    want="$want ${BASH_REMATCH[1]}"
  fi
  check_refused "$name" "$want" "$f"
}

nfiles=0
for f in "$DIR"/*.yaml; do
  [ -e "$f" ] || continue
  check_file "$f"
  nfiles=$((nfiles + 1))
done
if [ "$nfiles" -lt 60 ]; then
  report corpus fail "found $nfiles scenarios in $DIR, expected at least 60"
fi

# Overrides on the built-in default (validate with no FILE validates it).
check_refused set-negative-size "--set:1:17: population.size:" --set population.size=-5
check_refused set-unknown-key "--set:1:12: population.sise: unknown key" --set population.sise=5
check_refused set-no-such-rule "--set:1:7: rules.nosuch.priority:" --set rules.nosuch.priority=drugs
check_refused set-no-such-rule-bracket "--set:1:7: rules[nosuch].days: no item named \"nosuch\"" \
  --set 'rules[nosuch].days=5'
check_refused set-patrol-range "--set:1:25: response.patrol.patrols: must be between 0 and 64" \
  --set response.patrol.patrols=65
check_refused set-risk-without-levels "--set:1:14: rules[0].who: \"risk=high\" needs risk levels" \
  --set 'rules[0].who=risk=high'

# The built-in default itself is valid.
if limited "$BIN" validate >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"; then
  report builtin-default-validates ok
else
  report builtin-default-validates fail "exit status $? ($(head -c 300 "$SCRATCH/stderr" | tr '\n' '|'))"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
