#!/usr/bin/env python3
"""glasscage sweep: sweep.db is the same for any --jobs; each grid point's figures equal a
`glasscage run` of the same configuration made by hand; base_rates' flags follow their closed
form as the base rate moves; sweep_summary's mean, sd and 95% Student-t interval recomputed here
(with the t quantile found independently, by integrating the t density); bad --vary options and
too-large grids exit 2 with nothing written; an interrupted sweep leaves no sweep.db or
temporary file.

usage: test_sweep.py GLASSCAGE_BINARY"""
import glob
import math
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import scenario_doc  # noqa: E402  (the base_rates closed form lives with the page that prints it)

VOLATILE_SWEEP = {"wall_seconds", "jobs"}
VOLATILE_RUN = {"threads", "wall_seconds", "build_seconds", "agent_days_per_second", "created"}

KP = ["builtin:key_persons", "--set", "population.size=5000"]
KP_VARY = ["--vary", "response.capacity_per_day=5,40", "--vary", "rules[focus_people_meet].min_people=2,3"]


def sweep(exe, out, *args, check_rc=True):
    r = subprocess.run([exe, "sweep", *args, "--quiet", "--out", out], capture_output=True, text=True)
    if check_rc and r.returncode != 0:
        raise SystemExit(f"sweep failed ({r.returncode}): {r.stderr}")
    return r


def dump(path, volatile_table, volatile):
    """Every row of every table, in a stable order, without the rows that may differ."""
    con = sqlite3.connect(path)
    lines = []
    for line in con.iterdump():
        if line.startswith(f'INSERT INTO "{volatile_table}"') and any(f"'{k}'" in line for k in volatile):
            continue
        lines.append(line)
    con.close()
    return lines


def jobs_invariance(exe, tmp):
    a, b = os.path.join(tmp, "j1"), os.path.join(tmp, "j2")
    sweep(exe, a, *KP, *KP_VARY, "--replicates", "2", "--jobs", "1")
    sweep(exe, b, *KP, *KP_VARY, "--replicates", "2", "--jobs", "2")
    da, db = dump(os.path.join(a, "sweep.db"), "sweep_info", VOLATILE_SWEEP), \
        dump(os.path.join(b, "sweep.db"), "sweep_info", VOLATILE_SWEEP)
    check("--jobs 1 and --jobs 2 write the same sweep.db", da == db and len(da) > 100, f"{len(da)} dump lines")
    runs = sorted(os.listdir(os.path.join(a, "runs")))
    same = [r for r in runs if dump(os.path.join(a, "runs", r), "run_info", VOLATILE_RUN) ==
            dump(os.path.join(b, "runs", r), "run_info", VOLATILE_RUN)]
    check("--jobs 1 and --jobs 2 write the same runs/*.db", len(runs) == 8 and same == runs, f"{len(same)}/{len(runs)}")
    con = sqlite3.connect(os.path.join(a, "sweep.db"))
    moved = con.execute("SELECT COUNT(DISTINCT mean) FROM sweep_summary WHERE metric = 'people_actioned' "
                        "AND rule = '*'").fetchone()[0]
    con.close()
    check("the grid's points differ (the sweep is not the same run four times)", moved >= 2, f"{moved} distinct means")
    return a


def same_as_run(exe, tmp, sweep_dir):
    """Points of the key_persons grid against glasscage run with the same --set and --seed."""
    con = sqlite3.connect(os.path.join(sweep_dir, "sweep.db"))
    for point, replicate in ((1, 1), (2, 0)):
        sets = [f"{k}={v}" for k, v in con.execute("SELECT key, value FROM sweep_point WHERE point = ? ORDER BY axis",
                                                   (point,))]
        seed, rel = con.execute("SELECT seed, results_file FROM sweep_run WHERE point = ? AND replicate = ?",
                                (point, replicate)).fetchone()
        args = [a for s in sets for a in ("--set", s)]
        plain, twin = os.path.join(tmp, f"run{point}"), os.path.join(tmp, f"twin{point}")
        subprocess.run([exe, "run", *KP, *args, "--seed", str(seed), "--explain-sample", "0", "--quiet", "--out", plain],
                       check=True)
        subprocess.run([exe, "run", *KP, *args, "--seed", str(seed), "--twin", "no-response", "--quiet", "--out", twin],
                       check=True)
        where = f"point {point} ({', '.join(sets)}) replicate {replicate}, seed {seed}"
        check(f"{where}: runs/ holds the same results.db as glasscage run (hash included)",
              dump(os.path.join(sweep_dir, rel), "run_info", VOLATILE_RUN) ==
              dump(os.path.join(plain, "results.db"), "run_info", VOLATILE_RUN))
        r = sqlite3.connect(os.path.join(twin, "results.db"))
        base = dict(r.execute("SELECT metric, base FROM twin_delta"))
        mine = dict(con.execute("SELECT metric, value FROM sweep_metric WHERE point = ? AND replicate = ?",
                                (point, replicate)))
        check(f"{where}: every sweep_metric equals the run's own figure (twin_delta.base)",
              len(base) == 19 and base == mine, f"{len(mine)} metrics; differ: "
              f"{[k for k in base if base[k] != mine.get(k)][:4]}")
        cols = ["alerts", "people_flagged", "flagged_with_claim", "population_with_claim", "precision", "recall",
                "people_actioned", "innocent_people_actioned", "innocent_detention_days"]
        want = r.execute(f"SELECT rule, {', '.join(cols)} FROM rule_summary ORDER BY rule").fetchall()
        got = con.execute(f"SELECT rule, {', '.join(cols)} FROM sweep_rule WHERE point = ? AND replicate = ? "
                          "AND rule != '*' ORDER BY rule", (point, replicate)).fetchall()
        check(f"{where}: sweep_rule equals the run's rule_summary", want == got and len(got) == 4,
              f"{len(got)} rules")
        star = r.execute("SELECT flagged, flagged_with_claim, innocent_actioned FROM group_audit "
                         "WHERE rule = '*' AND trait = 'all'").fetchone()
        mine_star = con.execute("SELECT people_flagged, flagged_with_claim, innocent_people_actioned FROM sweep_rule "
                                "WHERE point = ? AND replicate = ? AND rule = '*'", (point, replicate)).fetchone()
        check(f"{where}: the all-rules row equals group_audit's '*' row", star == mine_star, f"{star} vs {mine_star}")
        r.close()
    con.close()


def closed_form(exe, tmp):
    """base_rates: each person is flagged independently with probability q = p s + (1 - p) f, so a
    run's flags ~ Binomial(N, q) and the mean over R replicates has sd sqrt(N q (1 - q) / R);
    each point's mean must be within 4.5 of those sd of N q."""
    text = subprocess.run([exe, "scenarios", "show", "base_rates"], check=True, capture_output=True, text=True).stdout
    cf = scenario_doc.base_rates_closed_form(text)
    n, reps, rates = 20000, 4, [0.001, 0.01, 0.05, 0.2]
    out = os.path.join(tmp, "cf")
    sweep(exe, out, "builtin:base_rates", "--set", f"population.size={n}", "--replicates", str(reps),
          "--vary", "population.truth.plans_offence.prevalence=" + ",".join(map(str, rates)))
    con = sqlite3.connect(os.path.join(out, "sweep.db"))
    means, sds = [], []
    for point, p in enumerate(rates):
        s, f = cf["sensitivity"], 1 - cf["specificity"]
        q = p * s + (1 - p) * f
        sd = math.sqrt(n * q * (1 - q) / reps)
        mean, k = con.execute("SELECT mean, n FROM sweep_summary WHERE point = ? AND rule = 'hotel_night' "
                              "AND metric = 'people_flagged'", (point,)).fetchone()
        means.append(mean)
        sds.append(sd)
        check(f"base_rates at prevalence {p}: mean flags over {reps} seeds ~ N q", k == reps and
              abs(mean - n * q) <= 4.5 * sd, f"mean {mean:.1f}, closed form {n * q:.1f} +- 4.5 x {sd:.2f}")
        prec = con.execute("SELECT mean FROM sweep_summary WHERE point = ? AND rule = 'hotel_night' "
                           "AND metric = 'precision'", (point,)).fetchone()[0]
        print(f"   precision at prevalence {p}: simulated {prec:.3f}, closed form {p * s / q:.3f}")
    check("base_rates: the flags rise with the base rate, by more than the noise",
          all(means[i + 1] - means[i] > 4.5 * math.hypot(sds[i], sds[i + 1]) for i in range(len(means) - 1)),
          f"means {[round(m, 1) for m in means]}")
    con.close()


def t975(df):
    """The 0.975 quantile of Student's t, by bisection on its CDF (Simpson's rule on the density)."""
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)

    def cdf(x, steps=4000):
        h = x / steps
        total = 0.0
        for i in range(steps + 1):
            w = 1 if i in (0, steps) else (4 if i % 2 else 2)
            total += w * c * (1 + (i * h) ** 2 / df) ** (-(df + 1) / 2)
        return 0.5 + total * h / 3

    lo, hi = 1.9, 13.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if cdf(mid, 20000 if df == 1 else 4000) < 0.975:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def summary_recomputed(exe, tmp, sweep_dirs):
    out = os.path.join(tmp, "many")    # 40 replicates: the t quantile beyond the table (df 39)
    sweep(exe, out, "builtin:base_rates", "--set", "population.size=3000", "--replicates", "40",
          "--vary", "activity.behaviours.hotel_local.rate=0.01,0.05")
    rule_cols = [m for (m,) in sqlite3.connect(os.path.join(out, "sweep.db")).execute(
        "SELECT metric FROM metrics WHERE scope = 'rule' ORDER BY position")]
    tq = {}
    for d in sweep_dirs + [out]:
        con = sqlite3.connect(os.path.join(d, "sweep.db"))
        values = {}
        for point, metric, value in con.execute("SELECT point, metric, value FROM sweep_metric"):
            values.setdefault((point, metric, None), []).append(value)
        for row in con.execute(f"SELECT point, rule, {', '.join(rule_cols)} FROM sweep_rule"):
            for m, v in zip(rule_cols, row[2:]):
                values.setdefault((row[0], m, row[1]), []).append(v)
        rows = con.execute("SELECT point, metric, rule, n, mean, sd, ci_low, ci_high FROM sweep_summary").fetchall()
        bad = []
        for point, metric, rule, n, mean, sd, lo, hi in rows:
            xs = [x for x in values.pop((point, metric, rule), []) if x is not None]
            want = [len(xs), statistics.fmean(xs) if xs else None]
            if len(xs) >= 2:
                s = statistics.stdev(xs)
                if len(xs) - 1 not in tq:
                    tq[len(xs) - 1] = t975(len(xs) - 1)
                h = tq[len(xs) - 1] * s / math.sqrt(len(xs))
                want += [s, want[1] - h, want[1] + h]
            else:
                want += [None, None, None]
            got = [n, mean, sd, lo, hi]
            for g, w in zip(got, want):
                if (g is None) != (w is None) or (g is not None and not math.isclose(g, w, rel_tol=1e-8, abs_tol=1e-9)):
                    bad.append(f"{point} {metric} {rule}: {got} vs {want}")
                    break
        check(f"{os.path.basename(d)}: sweep_summary = mean, sd, mean +- t(0.975, n-1) sd/sqrt(n) of the runs",
              not bad and not values and len(rows) > 0,
              f"{len(rows)} rows, t quantiles {sorted(tq)}; {bad[:2]} {list(values)[:2]}")
        nulls = con.execute("SELECT COUNT(*) FROM sweep_summary WHERE n = 1 AND (sd IS NOT NULL OR ci_low IS NOT NULL)"
                            ).fetchone()[0]
        check(f"{os.path.basename(d)}: no interval from a single run", nulls == 0)
        con.close()


def refused(exe, tmp):
    cases = [
        ("a misspelt key", ["--vary", "population.sise=1000,2000"], "--vary population.sise=1000,2000"),
        ("a bad value", ["--vary", "population.size=1000,many"], 'value "many"'),
        ("an unknown rule", ["--vary", "rules[hotel_nigt].priority=default"], "did you mean"),
        ("an empty list", ["--vary", "population.size="], "empty value"),
        ("an empty value in a list", ["--vary", "population.size=1000,,2000"], "empty value"),
        ("a grid over 10000 runs", ["--vary", "population.size=" + ",".join(str(1000 + i) for i in range(101)),
                                    "--replicates", "100"], "at most 10000 runs"),
        ("no --vary", [], "nothing to vary"),
        ("--vary seed", ["--vary", "seed=1,2"], "--replicates"),
        ("a repeated value", ["--vary", "population.size=1000,2000,1000"],
         '--vary population.size=1000,2000,1000: the value "1000" is given twice'),
        ("one number spelt two ways (the loader reads both as 1000)", ["--vary", "population.size=1000,1e3"],
         '"1000" and "1e3" are the same number'),
    ]
    for i, (what, args, says) in enumerate(cases):
        out = os.path.join(tmp, f"refused{i}")
        r = sweep(exe, out, "builtin:base_rates", *args, check_rc=False)
        check(f"{what}: exit 2, saying so, nothing written", r.returncode == 2 and says in r.stderr and
              not os.path.exists(out), f"rc {r.returncode}, {r.stderr.strip()[:160]!r}")


def memory(exe, tmp):
    """The memory preflight: the largest run's estimate (about 18 MiB at 20,000 x 3 days) against
    GLASSCAGE_MEMORY_LIMIT.  Under one run: refused, nothing written; room for one of two jobs: one
    at a time, with the same tables as --jobs 1; --no-preflight skips it."""
    args = ["builtin:base_rates", "--set", "population.size=20000", "--set", "days=3",
            "--vary", "response.capacity_per_day=10,40"]

    def go(out, limit, *extra):
        env = dict(os.environ, GLASSCAGE_MEMORY_LIMIT=limit)
        return subprocess.run([exe, "sweep", *args, *extra, "--out", out], capture_output=True, text=True, env=env)
    out = os.path.join(tmp, "mem-refused")
    r = go(out, "10M")
    check("a sweep whose largest run does not fit: exit 2, the estimate, nothing written",
          r.returncode == 2 and "needs about" in r.stderr and "nothing was run" in r.stderr and not os.path.exists(out),
          f"rc {r.returncode}, {r.stderr.strip()[:200]!r}")
    out = os.path.join(tmp, "mem-malformed")
    r = go(out, "lots")
    check("a malformed GLASSCAGE_MEMORY_LIMIT: exit 2 naming it, nothing written",
          r.returncode == 2 and "GLASSCAGE_MEMORY_LIMIT" in r.stderr and not os.path.exists(out),
          f"rc {r.returncode}, {r.stderr.strip()[:200]!r}")
    r = go(os.path.join(tmp, "mem-bypass"), "10M", "--no-preflight", "--quiet")
    check("--no-preflight skips the check", r.returncode == 0, r.stderr.strip()[:200])
    r = go(os.path.join(tmp, "mem-one"), "30M", "--jobs", "2")
    check("room for one run of two: one at a time, saying so", r.returncode == 0 and
          "1 run at a time, not 2" in r.stderr, f"rc {r.returncode}, {r.stderr.strip()[:200]!r}")
    sweep(exe, os.path.join(tmp, "mem-j1"), *args, "--jobs", "1")
    check("... with the tables of --jobs 1",
          dump(os.path.join(tmp, "mem-one", "sweep.db"), "sweep_info", VOLATILE_SWEEP) ==
          dump(os.path.join(tmp, "mem-j1", "sweep.db"), "sweep_info", VOLATILE_SWEEP))
    # Every point is estimated, not only the one with the most agent-days: relationship
    # inference's co-travel window changes the memory and not the agent-days.  The limit lies
    # between the two points' estimates, as `validate` prints them.
    full = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "full.yaml")
    base = ["--set", "population.size=300000"]
    est = []
    for minutes in ("30", "1400"):
        v = subprocess.run([exe, "validate", full, *base, "--set", f"sensors.inference.travel_minutes={minutes}"],
                           capture_output=True, text=True)
        m = re.search(r"about ([\d.]+) MiB at", v.stdout)
        est.append(float(m.group(1)) if m else 0)
    check("the co-travel window changes the estimate (validate)", 0 < 1.08 * est[0] < est[1], f"{est}")
    limit = f"{int((est[0] + est[1]) / 2)}M"
    out = os.path.join(tmp, "mem-window")
    r = subprocess.run([exe, "sweep", full, *base, "--vary", "sensors.inference.travel_minutes=30,1400",
                        "--out", out], capture_output=True, text=True, env=dict(os.environ, GLASSCAGE_MEMORY_LIMIT=limit))
    m = re.search(r"needs about ([\d.]+) MiB", r.stderr)
    check("a sweep whose second point (same agent-days) does not fit: exit 2 with that point's estimate (2%)",
          r.returncode == 2 and m and abs(float(m.group(1)) / est[1] - 1) < 0.02 and not os.path.exists(out),
          f"limit {limit}, rc {r.returncode}, {r.stderr.strip()[:200]!r}")


def interrupted(exe, tmp):
    out = os.path.join(tmp, "int")
    p = subprocess.Popen([exe, "sweep", "builtin:key_persons", "--set", "population.size=60000", "--replicates", "6",
                          "--vary", "response.capacity_per_day=5,40", "--jobs", "2", "--quiet", "--out", out],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    rc = p.wait(timeout=60)
    time.sleep(1.0)                     # the workers remove their own temporary files
    left = [f for f in glob.glob(os.path.join(out, "**"), recursive=True) if ".tmp-" in f]
    check("an interrupted sweep exits 130 and leaves no sweep.db and no temporary file",
          rc == 130 and not os.path.exists(os.path.join(out, "sweep.db")) and not left, f"rc {rc}, left {left}")


def interrupted_early(exe, tmp):
    """Interrupted before any run is done: the folder it created (runs/ and --out) is not left empty."""
    out = os.path.join(tmp, "int-early")
    p = subprocess.Popen([exe, "sweep", "builtin:key_persons", "--set", "population.size=400000",
                          "--vary", "response.capacity_per_day=5,40", "--jobs", "2", "--quiet", "--out", out],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while not os.path.isdir(os.path.join(out, "runs")) and time.time() < deadline and p.poll() is None:
        time.sleep(0.01)
    time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    rc = p.wait(timeout=60)
    left = [os.path.relpath(f, tmp) for f in glob.glob(os.path.join(out, "**"), recursive=True)] if os.path.exists(out) else []
    check("a sweep interrupted before any run is done exits 130 and leaves no folder behind",
          rc == 130 and not os.path.exists(out), f"rc {rc}, left {left}")


def stale_runs(exe, tmp):
    """A sweep into a folder that holds an earlier sweep: runs/ holds the new sweep's runs and nothing
    of the earlier one's, and files that are not run files stay."""
    out = os.path.join(tmp, "again")
    sweep(exe, out, "builtin:base_rates", "--set", "population.size=3000", "--replicates", "2",
          "--vary", "population.truth.plans_offence.prevalence=0.001,0.01,0.05")
    runs = os.path.join(out, "runs")
    for keep in ("notes.txt", "p000-r01.db.bak", "p1-r1.dbx"):
        with open(os.path.join(runs, keep), "w") as f:
            f.write("mine\n")
    before = sorted(os.listdir(runs))
    sweep(exe, out, "builtin:base_rates", "--set", "population.size=3000",
          "--vary", "population.truth.plans_offence.prevalence=0.02")
    con = sqlite3.connect(os.path.join(out, "sweep.db"))
    mine = sorted(os.path.basename(f) for (f,) in con.execute("SELECT results_file FROM sweep_run"))
    con.close()
    after = sorted(os.listdir(runs))
    check("a second sweep into the same --out: runs/ holds only its own runs (and files that are not runs)",
          len(before) == 9 and mine == ["p000-r00.db"] and after == sorted(mine + ["notes.txt", "p000-r01.db.bak",
                                                                                  "p1-r1.dbx"]),
          f"before {before}, after {after}")
    r = sqlite3.connect(os.path.join(runs, "p000-r00.db"))
    sets = r.execute("SELECT sets FROM scenario").fetchone()
    r.close()
    check("the run file is the new sweep's", sets is not None and "prevalence=0.02" in sets[0], f"{sets}")


def terminal_summary(exe, tmp):
    """The summary printed after a sweep: one column per varied key, headed by its last path component."""
    out = os.path.join(tmp, "terminal")
    r = subprocess.run([exe, "sweep", "builtin:base_rates", "--set", "population.size=3000", "--out", out,
                        "--vary", "population.truth.plans_offence.prevalence=0.0005,0.001",
                        "--vary", "activity.behaviours.hotel_local.rate=0.005,0.01,0.02"],
                       capture_output=True, text=True, check=True)
    lines = r.stdout.splitlines()
    head = next((line.split() for line in lines if line.startswith("point")), [])
    rows = [line.split() for line in lines if line[:1].isdigit()]
    want = [[str(p), a, b] for p, (a, b) in enumerate((a, b) for a in ("0.0005", "0.001")
                                                       for b in ("0.005", "0.01", "0.02"))]
    check("the terminal summary has a column per varied key (prevalence, rate) and every point's values",
          head[:3] == ["point", "prevalence", "rate"] and [row[:3] for row in rows] == want,
          f"head {head}, rows {[row[:3] for row in rows]}")


def default_folders(exe, tmp):
    """Without --out, run and sweep write under out/ named after the scenario; a name with a slash
    or markup must stay one folder inside out/ (names come from files anyone may share)."""
    cwd = os.path.join(tmp, "cwd")
    os.makedirs(cwd)
    exe = os.path.abspath(exe)
    scen = os.path.join(tmp, "named.yaml")
    text = scenario_text(exe, "base_rates")
    with open(scen, "w") as f:
        f.write('name: "../up</b> x"\n' + "".join(l + "\n" for l in text.splitlines() if not l.startswith("name:")))
    small = ["--set", "population.size=2000", "--set", "days=2", "--quiet"]
    r1 = subprocess.run([exe, "run", scen, *small, "--no-report", "--explain-sample", "0"], cwd=cwd,
                        capture_output=True, text=True)
    r2 = subprocess.run([exe, "sweep", scen, *small, "--vary", "days=1,2"], cwd=cwd, capture_output=True, text=True)
    made = sorted(os.listdir(os.path.join(cwd, "out"))) if os.path.isdir(os.path.join(cwd, "out")) else []
    check("default folders: a scenario name with '../' and markup stays one folder inside out/",
          r1.returncode == 0 and r2.returncode == 0 and made == ["_._up__b__x", "sweep-_._up__b__x"]
          and sorted(os.listdir(cwd)) == ["out"] and sorted(os.listdir(tmp)).count("up</b> x") == 0,
          f"{made}; {r1.stderr.strip()} {r2.stderr.strip()}")


def scenario_text(exe, name):
    return subprocess.run([exe, "scenarios", "show", name], capture_output=True, text=True, check=True).stdout


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        kp = jobs_invariance(exe, tmp)
        same_as_run(exe, tmp, kp)
        closed_form(exe, tmp)
        summary_recomputed(exe, tmp, [kp, os.path.join(tmp, "cf")])
        refused(exe, tmp)
        memory(exe, tmp)
        interrupted(exe, tmp)
        interrupted_early(exe, tmp)
        stale_runs(exe, tmp)
        terminal_summary(exe, tmp)
        default_folders(exe, tmp)
    finish()


if __name__ == "__main__":
    main()
