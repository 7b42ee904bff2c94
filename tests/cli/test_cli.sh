#!/usr/bin/env bash
# The command line as a new user meets it: help, version, exit codes,
# built-in scenarios, and a run that writes a complete results.db.
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$HERE/../data
. "$HERE/lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

check "version" bash -c "'$BIN' --version | grep -q '^glasscage [0-9]'"
check "help lists commands" bash -c "'$BIN' --help | grep -q validate"
for c in run validate scenarios; do
  check "$c --help" bash -c "'$BIN' $c --help | grep -q usage"
done
check "no command is a usage error" status_is 2 "$BIN"
check "unknown command" status_is 2 "$BIN" frobnicate
check "unknown option" status_is 2 "$BIN" run --bogus
check "threads must be positive" status_is 2 "$BIN" run --threads 0
check "--set needs KEY=VALUE" status_is 2 "$BIN" run --set days
check "scenarios lists default" bash -c "'$BIN' scenarios | grep -q '^default'"
check "scenarios show unknown" status_is 2 "$BIN" scenarios show nope
"$BIN" scenarios show default > "$TMP/default.yaml"
check "shown default validates" "$BIN" validate "$TMP/default.yaml"
check "default validates" "$BIN" validate
check "builtin:default validates" "$BIN" validate builtin:default
check "missing file is exit 2" status_is 2 "$BIN" validate "$TMP/nope.yaml"

"$BIN" run "$DATA/small.yaml" --out "$TMP/small" --quiet
check "run exit 0" test $? -eq 0
DB=$TMP/small/results.db
check "results.db written" test -s "$DB"
check "no temporary files left" bash -c "! ls '$TMP/small' | grep -q tmp"
for q in "SELECT key, value FROM run_info WHERE key IN ('version','seed','scenario_hash','threads','agent_days','wall_seconds')" \
         "SELECT day, rule, alerts, people_flagged, people_with_claim, actions, innocent_actions FROM rule_daily" \
         "SELECT rule, trait, value, population, flagged, flagged_with_claim, actioned, innocent_actioned FROM group_audit" \
         "SELECT day, list, size FROM list_daily" \
         "SELECT rule, precision, recall FROM rule_summary" \
         "SELECT rule, trait, value, flag_ratio, false_positive_rate FROM group_disparity"; do
  check "query: ${q:0:60}" bash -c "sqlite3 '$DB' \"$q\" | grep -q ."
done
check "run_info has six required keys" bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM run_info WHERE key IN ('version','seed','scenario_hash','threads','agent_days','wall_seconds')\") -eq 6 ]"
check "agent_days = size x days" bash -c "[ \$(sqlite3 '$DB' \"SELECT value FROM run_info WHERE key='agent_days'\") -eq 50000 ]"
check "group rows sum to population" bash -c "[ \$(sqlite3 '$DB' \"SELECT sum(population) FROM group_audit WHERE rule='*' AND trait='ethnicity'\") -eq 5000 ]"
check "precision never exceeds 1" bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM rule_summary WHERE precision > 1\") -eq 0 ]"
check "every task of an acting rule ends as action, unhandled or skipped" bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM rule_daily d JOIN rules r USING(rule) WHERE (r.action != 'none' AND d.people_flagged != d.actions + d.unhandled + d.skipped) OR (r.action = 'none' AND d.actions + d.unhandled + d.skipped != 0)\") -eq 0 ]"
check "home is refused as a rule's where" status_is 2 "$BIN" validate --set 'rules[0].where=home'
check "--seed must be a number" status_is 2 "$BIN" run --seed 12abc
check "scenarios shows the whole description" bash -c "'$BIN' scenarios | grep -q 'utility tripwires'"
check "innocent actions never exceed actions" bash -c "[ \$(sqlite3 '$DB' \"SELECT count(*) FROM rule_daily WHERE innocent_actions > actions\") -eq 0 ]"

"$BIN" run --set population.size=3000 --set days=3 --out "$TMP/d" > "$TMP/summary.txt" 2>&1
check "default with --set runs" test $? -eq 0
check "summary shows precision" grep -q precision "$TMP/summary.txt"
check "summary names a rule" grep -q local_resident_local_hotel "$TMP/summary.txt"
check "--set reached the run" bash -c "[ \$(sqlite3 '$TMP/d/results.db' \"SELECT value FROM run_info WHERE key='population'\") -eq 3000 ]"
check "--seed reaches the run" bash -c "'$BIN' run --seed 99 --set population.size=1000 --set days=1 --quiet --out '$TMP/s' && [ \$(sqlite3 '$TMP/s/results.db' \"SELECT value FROM run_info WHERE key='seed'\") -eq 99 ]"
check "unwritable output is exit 1" status_is 1 "$BIN" run --set population.size=1000 --set days=1 --quiet --out /proc/glasscage-test
check "default output folder is out/NAME" bash -c "cd '$TMP' && '$BIN' run --set population.size=1000 --set days=1 --quiet && test -s out/default/results.db"
# An interrupted run leaves nothing behind and exits 128 + SIGINT.
mkdir -p "$TMP/int"
"$BIN" run --set population.size=3000000 --set days=60 --quiet --out "$TMP/int" &
pid=$!
sleep 1
# A background job of a non-interactive shell starts with SIGINT ignored until
# glasscage installs its handler (slow under sanitizers and load): repeat the
# signal until the process has ended.
interrupt() {
  for _ in $(seq 600); do
    grep -q '^State:.*[ZX]' "/proc/$1/status" 2>/dev/null || [ ! -e "/proc/$1" ] && break
    kill -INT "$1" 2>/dev/null
    sleep 0.2
  done
}
interrupt "$pid"
wait "$pid"
check "interrupted run exits 130" test $? -eq 130
check "interrupted run leaves no files" bash -c "[ -z \"\$(ls -A '$TMP/int')\" ]"
# The same during the explained sample's replay: the run's tables then wait
# under the temporary name (they exist only while the replay runs).
mkdir -p "$TMP/int2"
"$BIN" run --set population.size=300000 --set days=20 --quiet --no-report --out "$TMP/int2" &
pid=$!
for _ in $(seq 2400); do ls "$TMP/int2"/results.db.tmp-* >/dev/null 2>&1 && break; sleep 0.05; done
check "the replay waits with the results under their temporary name" bash -c "ls '$TMP/int2'/results.db.tmp-*"
interrupt "$pid"
wait "$pid"
check "run interrupted in the replay exits 130" test $? -eq 130
check "run interrupted in the replay leaves no files" bash -c "[ -z \"\$(ls -A '$TMP/int2')\" ]"
# Twins: identical random streams, response off or another rule set.
check "--twin takes no-response or rules=FILE" status_is 2 "$BIN" run --twin bogus --quiet --out "$TMP/tw0"
check "a twin must run the same world" status_is 2 "$BIN" run "$DATA/small.yaml" --twin "rules=$DATA/full.yaml" --quiet --out "$TMP/tw1"
check "a refused twin writes nothing" test ! -e "$TMP/tw1/results.db"
sed 's/action: drug_test/action: none/' "$DATA/small.yaml" > "$TMP/small-noaction.yaml"
"$BIN" run "$DATA/small.yaml" --twin "rules=$TMP/small-noaction.yaml" --quiet --out "$TMP/tw2"
check "--twin rules=FILE runs" test -s "$TMP/tw2/results.db"
check "twin_delta has every metric" bash -c "[ \$(sqlite3 '$TMP/tw2/results.db' 'SELECT count(*) FROM twin_delta') -eq 19 ]"
check "run_info names the twin" bash -c "sqlite3 '$TMP/tw2/results.db' \"SELECT value FROM run_info WHERE key='twin'\" | grep -q '^rules='"
"$BIN" run "$DATA/full.yaml" --twin no-response --quiet --out "$TMP/tw3"
TW=$TMP/tw3/results.db
check "no-response twin takes no action" bash -c "[ \$(sqlite3 '$TW' \"SELECT twin FROM twin_delta WHERE metric='actions'\") = 0.0 ]"
check "the base run does act" bash -c "[ \$(sqlite3 '$TW' \"SELECT base > 0 FROM twin_delta WHERE metric='actions'\") = 1 ]"
check "twin base column = the run's own alerts" bash -c "[ \$(sqlite3 '$TW' \"SELECT (SELECT base FROM twin_delta WHERE metric='alerts') = (SELECT sum(alerts) FROM rule_daily)\") = 1 ]"
check "twin base column = the run's own actions" bash -c "[ \$(sqlite3 '$TW' \"SELECT (SELECT base FROM twin_delta WHERE metric='actions') = (SELECT sum(actions_alert + actions_carried + actions_quota + patrol_stops + patrol_discoveries) FROM response_daily)\") = 1 ]"
# Whole-run invariants of the full model's tables.
check "evasion totals agree" bash -c "[ \$(sqlite3 '$TW' 'SELECT abs((SELECT sum(yuan) FROM evasion) - (SELECT sum(evasion_yuan) FROM behaviour_daily)) < 0.01') = 1 ]"
check "evasion happened" bash -c "[ \$(sqlite3 '$TW' 'SELECT sum(uses) > 0 FROM evasion') = 1 ]"
check "group harms sum to everyone" bash -c "[ \$(sqlite3 '$TW' \"SELECT count(*) FROM (SELECT trait, sum(population) p, sum(people_actioned) a, sum(patrol_stops) s FROM group_harms WHERE trait != 'all' GROUP BY trait) x, group_harms g WHERE g.trait = 'all' AND (x.p != g.population OR x.a != g.people_actioned OR x.s != g.patrol_stops)\") -eq 0 ]"
check "list members by group sum to list sizes" bash -c "[ \$(sqlite3 '$TW' \"SELECT count(*) FROM (SELECT day, list, trait, sum(members) m FROM list_group_daily GROUP BY day, list, trait) x JOIN list_daily l USING(day, list) WHERE x.m != l.size\") -eq 0 ]"
check "patrols per day as configured" bash -c "[ \$(sqlite3 '$TW' 'SELECT count(*) FROM (SELECT day, sum(patrols) p FROM patrol_daily GROUP BY day) WHERE p != 2') -eq 0 ]"
check "no negative counts in new tables" bash -c "[ \$(sqlite3 '$TW' 'SELECT (SELECT count(*) FROM response_daily WHERE min(actions_alert, actions_carried, actions_quota, patrol_stops, tasks_expired) < 0) + (SELECT count(*) FROM group_harms WHERE min(visits, id_checks, drug_tests, detention_days, evaders) < 0)') -eq 0 ]"
check "innocent actions never exceed actions (all origins)" bash -c "[ \$(sqlite3 '$TW' 'SELECT count(*) FROM response_daily WHERE innocent_actions_all > actions_alert + actions_carried + actions_quota + patrol_stops + patrol_discoveries') -eq 0 ]"
check "trust levels cover every household" bash -c "[ \$(sqlite3 '$TW' \"SELECT count(DISTINCT s) FROM (SELECT day, sum(households) s FROM trust_daily GROUP BY day)\") -eq 1 ]"
check "inference precision within [0,1]" bash -c "[ \$(sqlite3 '$TW' 'SELECT count(*) FROM inference_summary WHERE precision > 1 OR precision < 0') -eq 0 ]"
check "rules table names claims" bash -c "[ \$(sqlite3 '$DB' \"SELECT claims FROM rules WHERE rule='drug_hotel'\") = active_drug_use ]"
finish
