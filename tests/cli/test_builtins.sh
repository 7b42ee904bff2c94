#!/usr/bin/env bash
# Every built-in scenario validates, runs at small size with its twin, and
# keeps the whole-run invariants; its documentation page can be generated.
#   test_builtins.sh GLASSCAGE_BINARY
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$HERE/../..
. "$HERE/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

q() { sqlite3 "$1" "$2"; }
zero() {  # zero NAME DB SQL: the query counts violations
  check "$1" bash -c "[ \"\$(sqlite3 '$2' \"$3\")\" = 0 ]"
}

names=$("$BIN" scenarios | awk '{print $1}')
check "there are built-in scenarios" test -n "$names"
for n in $names; do
  check "$n: validates" "$BIN" validate "builtin:$n"
  check "$n: starts with a comment block citing a source" \
    bash -c "'$BIN' scenarios show '$n' | head -1 | grep -q '^#' && '$BIN' scenarios show '$n' | grep -Eq 'HRW-201[789]|WANG-2017|NYT-2022|Ensign|Lum'"
  size=$("$BIN" validate "builtin:$n" | sed -n 's/.*: \([0-9]*\) people.*/\1/p')
  [ -n "$size" ] && [ "$size" -gt 5000 ] && size=5000
  if ! "$BIN" run "builtin:$n" --set population.size="${size:-5000}" --twin no-response --quiet --out "$TMP/$n"; then
    check "$n: runs at ${size:-5000} people" false
    continue
  fi
  DB=$TMP/$n/results.db
  zero "$n: no negative counts" "$DB" "SELECT count(*) FROM rule_daily WHERE min(alerts, people_flagged, people_with_claim, actions, innocent_actions, unhandled, skipped, findings, detentions, carried_actions) < 0"
  zero "$n: precision and recall within [0,1]" "$DB" "SELECT count(*) FROM rule_summary WHERE precision < 0 OR precision > 1 OR recall < 0 OR recall > 1"
  zero "$n: a day's tasks reconcile" "$DB" "SELECT count(*) FROM rule_daily d JOIN rules r USING(rule) WHERE r.action != 'none' AND d.people_flagged != d.actions + d.unhandled + d.skipped"
  zero "$n: innocent actions within actions" "$DB" "SELECT count(*) FROM rule_daily WHERE innocent_actions > actions OR carried_innocent_actions > carried_actions"
  zero "$n: the twin takes no action" "$DB" "SELECT count(*) FROM twin_delta WHERE metric IN ('actions', 'people_detained', 'innocent_detention_days') AND twin != 0"
  zero "$n: lists never removed from do not shrink" "$DB" "SELECT count(*) FROM list_daily a JOIN list_daily b ON a.list = b.list AND b.day = a.day + 1 JOIN lists l ON l.list = a.list WHERE l.removal_per_day = 0 AND b.size < a.size"
  zero "$n: group rows sum to the population" "$DB" "SELECT count(*) FROM (SELECT trait, sum(population) p FROM group_harms WHERE trait != 'all' GROUP BY trait) x, group_harms g WHERE g.trait = 'all' AND x.p != g.population"
done
check "a page is generated from a run" python3 "$ROOT/tools/scenario_doc.py" "$(dirname "$BIN")" --out "$TMP/docs" --set population.size=3000 default
check "the page has every rule and the twin table" bash -c "grep -q '| \`drug_history_hotel\` |' '$TMP/docs/default.md' && grep -q 'twin without' '$TMP/docs/default.md'"
finish
