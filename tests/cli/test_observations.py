#!/usr/bin/env python3
"""glasscage run --export-observations DIR: one observations and one alerts file per day, whose
counts per day and kind equal results.db's obs_daily and whose alerts per day and rule equal
rule_daily; results.db is the same with and without the export (except run_info's timings);
a folder that cannot be created exits 1, a missing argument 2.  Not timed."""
import csv
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402

KINDS = ["id_scan", "call_new", "phone_off", "purchase", "electricity", "water", "sighting", "wifi",
         "plate", "compound_entry", "companion", "ticket", "ticket_no_show", "home_visit", "unusual",
         "phone_night", "payment", "vehicle_mismatch", "patrol_stop", "discovery", "reported"]
TIMINGS = {"wall_seconds", "build_seconds", "agent_days_per_second"}
DAYS = 15                  # past full.yaml's holiday (days 10 to 13)
FULL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "full.yaml")


def dump(db):
    con = sqlite3.connect(db)
    out = {}
    for (name,) in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"):
        rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
        if name == "run_info":
            rows = [r for r in rows if r[0] not in TIMINGS]
        out[name] = sorted(rows, key=repr)
    return out


def main():
    exe = sys.argv[1]
    base = ["run", FULL,  # every sensor and rule kind: every observation kind is exported
            "--set", "population.size=8000", "--set", f"days={DAYS}", "--quiet", "--no-report",
            "--explain-sample", "0"]
    with tempfile.TemporaryDirectory() as tmp:
        exp = os.path.join(tmp, "exp", "nested")
        a = subprocess.run([exe] + base + ["--out", os.path.join(tmp, "a"), "--export-observations", exp],
                           capture_output=True, text=True)
        check("run with --export-observations exits 0", a.returncode == 0, a.stderr)
        b = subprocess.run([exe] + base + ["--out", os.path.join(tmp, "b")], capture_output=True, text=True)
        check("run without it exits 0", b.returncode == 0, b.stderr)
        files = sorted(os.listdir(exp)) if os.path.isdir(exp) else []
        want = sorted([f"observations-{d:03d}.csv" for d in range(DAYS)] + [f"alerts-{d:03d}.csv" for d in range(DAYS)]
                      + ["places.csv", "rules.csv"])
        check("one observations and one alerts file per day, places.csv, rules.csv (no .tmp left)",
              files == want, f"{files}")
        db = os.path.join(tmp, "a", "results.db")
        con = sqlite3.connect(db)
        obs_daily = Counter({(d, k): n for d, k, n in con.execute("SELECT day, kind, observations FROM obs_daily")})
        seen = Counter()
        for d in range(DAYS):
            with open(os.path.join(exp, f"observations-{d:03d}.csv"), newline="") as f:
                rows = list(csv.DictReader(f))
            check(f"day {d}: observations carry their day", all(int(r["day"]) == d for r in rows))
            for r in rows:
                seen[(d, KINDS[int(r["kind"])])] += 1
        obs_daily = Counter({k: v for k, v in obs_daily.items() if v})
        check("observations per day and kind equal obs_daily", seen == obs_daily,
              f"{sum(seen.values())} exported, {sum(obs_daily.values())} in obs_daily")
        rules = [r[0] for r in con.execute("SELECT rule FROM rules ORDER BY position")]
        alerts, people = Counter(), Counter()     # rule_daily: alerts = triggers, people_flagged = rows
        for d in range(DAYS):
            with open(os.path.join(exp, f"alerts-{d:03d}.csv"), newline="") as f:
                for r in csv.DictReader(f):
                    alerts[(d, int(r["rule"]))] += int(r["count"])
                    people[(d, int(r["rule"]))] += 1
        with open(os.path.join(exp, "rules.csv"), newline="") as f:
            names = [r["name"] for r in csv.DictReader(f)]
        daily, flagged = Counter(), Counter()
        for d, name, n, p in con.execute("SELECT day, rule, alerts, people_flagged FROM rule_daily"):
            if n:
                daily[(d, names.index(name))] += n
                flagged[(d, names.index(name))] += p
        check("alert counts per day and rule equal rule_daily.alerts", alerts == daily and sum(alerts.values()) > 0,
              f"{sum(alerts.values())} exported, {sum(daily.values())} in rule_daily")
        check("alert rows per day and rule equal rule_daily.people_flagged", people == flagged,
              f"{sum(people.values())} exported, {sum(flagged.values())} in rule_daily")
        check("rules.csv names the scenario's rules in order", rules == names, f"{names}")
        da, db_ = dump(db), dump(os.path.join(tmp, "b", "results.db"))
        diff = [t for t in sorted(set(da) | set(db_)) if da.get(t) != db_.get(t)]
        check("results.db identical with and without the export (but for timings)", not diff, f"differ: {diff}")
        blocker = os.path.join(tmp, "file")
        open(blocker, "w").close()
        r = subprocess.run([exe] + base + ["--out", os.path.join(tmp, "c"), "--export-observations",
                                           os.path.join(blocker, "x")], capture_output=True, text=True)
        check("a folder that cannot be created exits 1 with a message",
              r.returncode == 1 and "--export-observations" in r.stderr, f"{r.returncode} {r.stderr.strip()}")
        check("...and writes no results", not os.path.exists(os.path.join(tmp, "c", "results.db")))
        r = subprocess.run([exe, "run", "--export-observations"], capture_output=True, text=True)
        check("--export-observations without a folder exits 2", r.returncode == 2 and "takes a folder" in r.stderr,
              f"{r.returncode} {r.stderr.strip()}")
        h = subprocess.run([exe, "run", "--help"], capture_output=True, text=True)
        check("run --help documents it", "--export-observations DIR" in h.stdout)
    finish()


main()
