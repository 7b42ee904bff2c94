#!/usr/bin/env python3
"""The audit's figures keep their distribution when an optimisation changes which random
numbers are drawn (issue 6).

Issue 6 replaced one draw per behaviour and agent-day by one Poisson draw of the day's
total split among the behaviours (src/gc_activity.c, draw_counts), drew each stay's start
and length from one word, drew the utility meters' two normals from one Box-Muller pair and
decided who has a meter once.  In distribution nothing changes (the splitting property of
the Poisson process), but every run's numbers do.  This test checks the claim over many
seeds:

  tests/data/rng_reference.json holds, for each of SEEDS seeds, the figures of two runs of
  the code *before* the change (commit f4917a6), recorded with
      python3 tests/cli/test_rng_change.py --record OLD_BUILD/glasscage tests/data/rng_reference.json
  The test runs the same seeds with the current binary and compares each figure's mean
  with Welch's two-sample statistic, |mean_new - mean_old| / sqrt(se_new^2 + se_old^2),
  against THRESHOLD.

Figures (every one present in all runs of both sides): per rule alerts, people flagged,
precision and innocent people actioned (rule_summary); the run's totals of events,
observations by source, alerts, actions, innocent actions, offences and capital trips
(daily); people actioned per 1,000 of each group (group_harms).

Error rates: with 24 seeds a side Welch's statistic is about t with ~46 degrees of freedom;
P(|t| > 5) is ~1e-5 per figure, so over the ~150 figures a false alarm has a probability
below 0.2%.  Power (the test can fail): the same comparison is run against the current
binary on the default city with the local-hotel rate raised by 25%
(activity.behaviours.hotel_local: 0.0008 -> 0.001), and it must flag the alerts of the rule
that reads local hotel stays (local_resident_local_hotel; at +15% it stands at about 6 standard
errors, at +25% about 12).
"""
import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from checks import check, finish, mean_se  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "data", "rng_reference.json")
FULL = os.path.join(HERE, "..", "data", "full.yaml")
SEEDS = range(1, 25)
THRESHOLD = 5.0
# (name, scenario, overrides): the default city at 100,000 people for 30 days, and the full
# model (every sensor, rule kind, patrols, trust and reactions) at 30,000 for 14 days.
RUNS = [("default", "builtin:default", ["population.size=100000", "days=30"]),
        ("full", FULL, ["population.size=30000", "days=14"])]
DAILY = ["events", "observations", "id_scans", "phone_records", "purchase_records", "utility_readings",
         "alerts", "actions", "innocent_actions", "offences", "capital_trips"]


def figures(db_path):
    db = sqlite3.connect(db_path)
    f = {}
    for rule, alerts, flagged, prec, innocent in db.execute(
            "SELECT rule, alerts, people_flagged, precision, innocent_people_actioned FROM rule_summary"):
        f[f"{rule}: alerts"] = alerts
        f[f"{rule}: people flagged"] = flagged
        f[f"{rule}: innocent people actioned"] = innocent
        if prec is not None:
            f[f"{rule}: precision"] = prec
    sums = db.execute("SELECT " + ", ".join(f"SUM({c})" for c in DAILY) + " FROM daily").fetchone()
    for c, v in zip(DAILY, sums):
        f[f"total {c}"] = v
    for trait, value, pop, actioned in db.execute(
            "SELECT trait, value, population, people_actioned FROM group_harms"):
        if pop:
            f[f"people actioned per 1,000, {trait}={value}"] = 1000.0 * actioned / pop
    db.close()
    return f


def run_all(exe, tmp, extra=(), runs=RUNS):
    """{run name: [figures of each seed]}"""
    out = {}
    for name, scenario, overrides in runs:
        out[name] = []
        for seed in SEEDS:
            d = os.path.join(tmp, f"{name}-{seed}")
            args = [exe, "run", scenario, "--seed", str(seed), "--out", d, "--no-report", "--explain-sample", "0"]
            for o in list(overrides) + list(extra):
                args += ["--set", o]
            subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            out[name].append(figures(os.path.join(d, "results.db")))
    return out


def compare(ref, new):
    """[(run, figure, mean_ref, mean_new, statistic)] for figures in every run of both."""
    rows = []
    for name in ref:
        keys = set.intersection(*(set(f) for f in ref[name] + new[name]))
        for k in sorted(keys):
            mo, so = mean_se([f[k] for f in ref[name]])
            mn, sn = mean_se([f[k] for f in new[name]])
            se = math.sqrt(so ** 2 + sn ** 2)
            z = 0.0 if se == 0 and mo == mn else (math.inf if se == 0 else (mn - mo) / se)
            rows.append((name, k, mo, mn, z))
    return rows


def main():
    if sys.argv[1] == "--record":
        exe, path = sys.argv[2], sys.argv[3]
        with tempfile.TemporaryDirectory() as tmp:
            ref = run_all(exe, tmp)
        with open(path, "w") as fh:
            json.dump({"recorded_with": "commit f4917a6 (one draw per behaviour and agent-day)",
                       "seeds": list(SEEDS), "runs": ref}, fh, indent=0, sort_keys=True)
        return
    exe = sys.argv[1]
    with open(REFERENCE) as fh:
        ref = json.load(fh)["runs"]
    with tempfile.TemporaryDirectory() as tmp:
        new = run_all(exe, tmp)
        rows = compare(ref, new)
        check(f"the comparison covers many figures ({len(rows)})", len(rows) >= 100)
        worst = sorted(rows, key=lambda r: -abs(r[4]))
        for name, k, mo, mn, z in worst[:5]:
            print(f"   largest differences: {name} {k}: before {mo:.4g}, after {mn:.4g}, statistic {z:+.2f}")
        bad = [r for r in rows if abs(r[4]) > THRESHOLD]
        check(f"every figure's mean is within {THRESHOLD} standard errors of the per-behaviour draws' "
              f"({len(SEEDS)} seeds a side)", not bad,
              "; ".join(f"{n} {k}: {mo:.4g} -> {mn:.4g} ({z:+.1f} se)" for n, k, mo, mn, z in bad[:8]))
        # power: a 25% higher local-hotel rate must be detected by the same comparison
        hot = os.path.join(tmp, "hot")
        os.makedirs(hot)
        hotter = run_all(exe, hot, ["activity.behaviours.hotel_local.rate=0.001"], RUNS[:1])
        flagged = [r for r in compare({"default": ref["default"]}, hotter)
                   if r[1] == "local_resident_local_hotel: alerts"]
        z = flagged[0][4] if flagged else 0
        check("the comparison detects a 25% higher local-hotel rate (local_resident_local_hotel alerts)",
              abs(z) > THRESHOLD, f"statistic {z:+.1f}")
    finish()


if __name__ == "__main__":
    main()
