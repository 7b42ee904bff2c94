#!/usr/bin/env python3
"""glasscage explain and the explained sample of glasscage run.

- the scenario table holds the exact text and --set options of the run;
- each rule's sample agrees with the audit's definitions as the trace shows them (flagged_innocent:
  records of that rule and no condition it claims: a false alarm; flagged_with_claim: records and a claimed
  condition; missed: a claimed condition and no record of that rule);
- the stored timeline of sampled agents prints the same bytes as a fresh replay (--replay);
- the trace tables are the same for 1 and 2 threads;
- with every flagged person sampled (K large, small city), the trace's rule and response records
  add up to the audit's own counts (rule_daily, group_audit), which are tallied independently;
- --explain-sample 0 writes no trace and replays nothing; bad input exits 2."""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
SCEN = os.path.join(DATA, "full.yaml")     # every sensor, rule kind, reaction: all layers show up
SETS = ["population.size=2800"]
SEED = 5
N = 2800


def run(exe, out, *extra, sets=SETS):
    args = [exe, "run", SCEN, "--seed", str(SEED), "--out", out]
    for s in sets:
        args += ["--set", s]
    r = subprocess.run(args + list(extra), capture_output=True, text=True)
    if r.returncode:
        print(r.stdout, r.stderr)
    return r


def explain(exe, db, agent, *extra):
    return subprocess.run([exe, "explain", db, "--agent", str(agent), *extra], capture_output=True, text=True)


def table(con, name):
    return con.execute(f"SELECT * FROM {name} ORDER BY 1, 2, 3").fetchall()


def claims(con):
    """rule -> (claimed truths, unlawful claimed truths)."""
    out = {}
    for rule, cl, lawful in con.execute("SELECT rule, claims, lawful_claim FROM rules"):
        names = [c for c in (cl or "").split(",") if c]
        out[rule] = (set(names), set(names) if not lawful else set())
    return out


def truths(con):
    """agent -> (hidden truths, unlawful hidden truths) of traced agents."""
    out = {}
    for agent, t in con.execute("SELECT agent, truths FROM trace_agent"):
        names = [x.strip() for x in (t or "").split(";") if x.strip()]
        out[agent] = ({n.replace(" (lawful)", "") for n in names}, {n for n in names if "(lawful)" not in n})
    return out


def rule_records(con):
    """(agent, rule) -> number of rule records."""
    return {(a, w): n for a, w, n in
            con.execute("SELECT agent, what, count(*) FROM trace WHERE layer = 'rule' GROUP BY agent, what")}


def check_scenario(exe, con):
    src, text, sets = con.execute("SELECT source, text, sets FROM scenario").fetchone()
    with open(SCEN) as f:
        shown = f.read()
    # --seed N is stored as the last override, seed=N, exactly as it was loaded
    check("scenario table: source, exact text and --set lines", src == SCEN and text == shown
          and sets == "".join(s + "\n" for s in SETS + [f"seed={SEED}"]), f"{src}, {len(text)} vs {len(shown)} chars, {sets!r}")


def check_categories(con):
    cl, tr, rec = claims(con), truths(con), rule_records(con)
    sample = con.execute("SELECT rule, category, agent FROM explain_sample").fetchall()
    cats = {c for _, c, _ in sample}
    check("sample has all three categories", cats == {"flagged_innocent", "flagged_with_claim", "missed"}, f"{cats}")
    bad = []
    for rule, cat, agent in sample:
        has, unlawful = tr[agent]
        claimed, claimed_unlawful = cl[rule]
        n = rec.get((agent, rule), 0)
        ok = {"flagged_innocent": n > 0 and not (has & claimed),
              "flagged_with_claim": n > 0 and bool(has & claimed),
              "missed": n == 0 and bool(has & claimed)}[cat]
        if not ok:
            bad.append(f"{rule}/{cat}/{agent}: {n} records, truths {has}")
    check("every sampled agent fits its category (trace vs audit definitions)", not bad and sample,
          f"{len(sample)} rows; " + "; ".join(bad[:3]))
    traced = {a for (a,) in con.execute("SELECT agent FROM trace_agent")}
    check("trace_agent holds exactly the sampled agents", traced == {a for _, _, a in sample}, f"{len(traced)} agents")
    return sample


def check_replay(exe, db, sample):
    by_cat = {}
    for rule, cat, agent in sample:
        by_cat.setdefault(cat, agent)
    for cat, agent in sorted(by_cat.items()):
        a, b = explain(exe, db, agent), explain(exe, db, agent, "--replay")
        check(f"explain {cat} agent {agent}: stored timeline == --replay, byte for byte",
              a.returncode == 0 and b.returncode == 0 and a.stdout == b.stdout and "day " in a.stdout,
              f"rc {a.returncode}/{b.returncode}, {len(a.stdout)} vs {len(b.stdout)} bytes {a.stderr}{b.stderr}")
    rule, cat, agent = next(s for s in sample if s[1] != "missed")
    out = explain(exe, db, agent).stdout
    check("timeline names the rule that flagged the person", f"rule      {rule}" in out and "summary" in out)
    layers = {l for (l,) in sqlite3.connect(db).execute("SELECT DISTINCT layer FROM trace")}
    check("the trace has every layer", layers == {"truth", "sensor", "rule", "response", "list", "cost"}, f"{layers}")


def check_threads(exe, tmp, con1):
    r = run(exe, os.path.join(tmp, "t2"), "--threads", "2", "--quiet")
    con2 = sqlite3.connect(os.path.join(tmp, "t2", "results.db"))
    for t in ("explain_sample", "trace_agent", "trace"):
        a, b = table(con1, t), table(con2, t)
        check(f"{t}: identical for 1 and 2 threads", r.returncode == 0 and a == b and a, f"{len(a)} vs {len(b)} rows")


def segment(detail, prefix):
    for s in detail.split("; "):
        if s.startswith(prefix):
            return s[len(prefix):]
    return None


def check_counts(exe, tmp):
    """Everyone flagged is sampled: the trace must reproduce the audit's tallies."""
    out = os.path.join(tmp, "all")
    r = run(exe, out, "--explain-sample", "1000", "--quiet", sets=[])
    con = sqlite3.connect(os.path.join(out, "results.db"))
    flagged = dict(con.execute("SELECT rule, flagged FROM group_audit WHERE trait = 'all' AND value = 'all' AND rule != '*'"))
    sampled = {}
    for rule, a in con.execute("SELECT rule, agent FROM explain_sample WHERE category LIKE 'flagged%'"):
        sampled.setdefault(rule, set()).add(a)
    check("K=1000 samples every flagged person", r.returncode == 0 and flagged and
          all(len(sampled.get(k, ())) == v for k, v in flagged.items()), f"{flagged}")
    rows = con.execute("SELECT agent, what, detail FROM trace WHERE layer = 'rule'").fetchall()
    acts = con.execute("SELECT agent, what, detail FROM trace WHERE layer = 'response'").fetchall()
    bad = []
    for rule, pf, ac, ca, det in con.execute(
            "SELECT rule, SUM(people_flagged), SUM(actions), SUM(carried_actions), SUM(detentions) FROM rule_daily GROUP BY rule"):
        n_rule = sum(1 for _, w, _ in rows if w == rule)
        n_done = sum(1 for _, w, d in rows if w == rule and d.endswith("; acted on"))
        n_alert = sum(1 for _, _, d in acts if segment(d, "on an alert of ") == rule)
        n_carried = sum(1 for _, _, d in acts if (segment(d, "on a task of ") or "").split(" carried")[0] == rule)
        n_det = sum(1 for _, _, d in acts if (segment(d, "on an alert of ") == rule
                                              or (segment(d, "on a task of ") or "").split(" carried")[0] == rule)
                    and " days of detention" in d)
        distinct = len({a for a, w, _ in rows if w == rule})
        got = (n_rule, n_done, n_alert, n_carried, n_det, distinct)
        want = (pf, ac, ac, ca, det, flagged[rule])
        if got != want:
            bad.append(f"{rule}: trace {got} vs audit {want}")
    check("rule and response records add up to rule_daily and group_audit (alerts, actions, carried, "
          "detentions, people flagged)", not bad, "; ".join(bad[:3]) or f"{len(rows)} rule, {len(acts)} response records")


def check_bad(exe, tmp, db):
    def status(*args):
        return subprocess.run([exe, *args], capture_output=True, text=True)
    text = os.path.join(tmp, "notdb.txt")
    with open(text, "w") as f:
        f.write("hello\n")
    empty = os.path.join(tmp, "empty.db")
    sqlite3.connect(empty).execute("CREATE TABLE x(a)").connection.commit()
    old = os.path.join(tmp, "old.db")
    shutil.copy(db, old)
    c = sqlite3.connect(old)
    c.execute("DROP TABLE scenario")
    c.commit()
    c.close()
    cases = [("missing file", ["explain", os.path.join(tmp, "nope.db"), "--agent", "1"], "No such file"),
             ("not a database", ["explain", text, "--agent", "1"], "not a glasscage results database"),
             ("a database without run_info", ["explain", empty, "--agent", "1"], "not a glasscage results database"),
             ("agent out of range", ["explain", db, "--agent", str(N)], "out of range"),
             ("agent not a number", ["explain", db, "--agent", "x1"], "agent number"),
             ("no --agent", ["explain", db], "usage"),
             ("unknown option", ["explain", db, "--agent", "1", "--bogus"], "unknown option"),
             ("written before the scenario table", ["explain", old, "--agent", "1"], "re-run with this version"),
             ("--explain-sample -1", ["run", SCEN, "--explain-sample", "-1"], "explain-sample"),
             ("--explain-sample x", ["run", SCEN, "--explain-sample", "x"], "explain-sample")]
    for name, args, msg in cases:
        r = status(*args)
        check(f"bad input exits 2: {name}", r.returncode == 2 and msg in r.stderr, f"{r.returncode} {r.stderr.strip()[:120]}")
    r = status("explain", "--help")
    check("explain --help", r.returncode == 0 and "usage: glasscage explain" in r.stdout)


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "t1")
        r = run(exe, out, "--threads", "1")
        db = os.path.join(out, "results.db")
        check("run with the default sample exits 0 and says so", r.returncode == 0 and "explained sample:" in r.stdout,
              r.stderr)
        con = sqlite3.connect(db)
        check_scenario(exe, con)
        sample = check_categories(con)
        check_replay(exe, db, sample)
        check_threads(exe, tmp, con)
        check_counts(exe, tmp)
        check_bad(exe, tmp, db)
        # someone outside the sample is explained by a replay
        outside = next(a for a in range(N) if not con.execute("SELECT 1 FROM trace_agent WHERE agent = ?", (a,)).fetchone())
        e = explain(exe, db, outside, "--quiet")
        check("an agent outside the sample is explained by replaying", e.returncode == 0 and
              f"synthetic agent {outside}," in e.stdout, e.stderr)
        z = run(exe, os.path.join(tmp, "z"), "--explain-sample", "0", "--quiet")
        cz = sqlite3.connect(os.path.join(tmp, "z", "results.db"))
        n = [cz.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("explain_sample", "trace_agent", "trace")]
        z2 = run(exe, os.path.join(tmp, "z2"), "--explain-sample", "0")
        check("--explain-sample 0: no sample, no trace rows, no replay", z.returncode == 0 and n == [0, 0, 0]
              and "explained sample" not in z2.stdout and z2.returncode == 0, f"rows {n}")
        same = all(table(cz, t) == table(con, t) for t in ("rule_daily", "group_audit", "daily"))
        check("the sample does not change the run's results", same)
    finish()


if __name__ == "__main__":
    main()
