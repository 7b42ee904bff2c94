#!/usr/bin/env python3
"""Writes docs/scenarios/NAME.md for built-in scenarios, from an actual run.

usage: python3 tools/scenario_doc.py BUILD_DIR [--out DIR] [--set KEY=VALUE]... NAME... | --all

--out DIR writes the pages to DIR instead of docs/scenarios (the tests use
it); --set passes overrides to the run (a page made so says so).

For each scenario it runs `glasscage run builtin:NAME --twin no-response`
into a temporary folder, reads results.db and writes the page: the
scenario's own comment block (what the system is reported to do, how the
scenario models it, where each parameter comes from), then findings tables
generated from the run -- never typed by hand -- and the command that
regenerates them.  Python's standard library only (sqlite3, subprocess).
"""
import math
import os
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "docs", "scenarios")

# twin_delta metrics shown on the page, in this order
TWIN_METRICS = ["offences", "offences_by_exempt", "petition_trips", "petitions_delivered",
                "petitions_intercepted", "petitions_abandoned", "actions", "innocent_actions",
                "people_detained", "innocent_people_detained", "innocent_detention_days",
                "true_findings", "evasion_money", "listed_at_end"]


def run(build, name, out, sets):
    exe = os.path.join(build, "glasscage")
    extra = [a for kv in sets for a in ("--set", kv)]
    subprocess.run([exe, "run", "builtin:" + name, "--twin", "no-response", "--quiet", "--no-report", "--explain-sample", "0", "--out", out] + extra,
                   check=True)
    text = subprocess.run([exe, "scenarios", "show", name], check=True, capture_output=True,
                          text=True).stdout
    version = subprocess.run([exe, "--version"], check=True, capture_output=True, text=True).stdout
    return text, version.strip()


def comment_block(text):
    """The scenario file's leading comment lines, without the '# '."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(lines).strip()


def fmt(x, digits=1):
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return f"{x:,}"


def pct(x):
    return "-" if x is None else f"{100 * x:.1f}%"


def selects_by(db, rule):
    """Traits the rule (any rule for '*') selects people by: burdened by design, so left out."""
    q = "SELECT selects_by FROM rules" + ("" if rule == "*" else " WHERE rule = ?")
    rows = db.execute(q, () if rule == "*" else (rule,)).fetchall()
    return {t for (by,) in rows for t in (by or "").split(",") if t}


def worst_ratio(db, rule):
    """Largest flag-rate ratio above 1 of a non-reference group over its reference group, among
    groups of 100+ people with 10+ flagged and traits the rule does not select by (as the CLI's
    summary)."""
    skip = selects_by(db, rule)
    for trait, value, ratio in db.execute(
            "SELECT trait, value, flag_ratio FROM group_disparity WHERE rule = ? AND trait != 'all' "
            "AND value != reference AND population >= 100 AND flagged >= 10 AND flag_ratio > 1 "
            "ORDER BY flag_ratio DESC", (rule,)):
        if trait not in skip:
            if ratio < 1.25:   # the mirror of the four-fifths rule for a burden
                return f"none above x1.25 (max x{ratio:.2f})"
            return f"{trait}={value} x{ratio:.1f}"
    return "-"


def rule_table(db):
    out = ["| rule | kind | source | people flagged | precision | innocent people actioned | "
           "innocent actions per true detection | most disproportionate group |",
           "|---|---|---|---|---|---|---|---|"]
    rules = db.execute("SELECT rule, kind, source, lawful_claim FROM rules ORDER BY position").fetchall()
    all_lawful = int(bool(rules) and all(r[3] for r in rules))
    for rule, kind, source, lawful in rules + [("*", "all rules", "", all_lawful)]:
        g = db.execute("SELECT flagged, flagged_with_claim, innocent_actioned FROM group_audit "
                       "WHERE rule = ? AND trait = 'all'", (rule,)).fetchone()
        # true detections: findings of rules whose claims are unlawful (finding a planned
        # petition is not a success); innocent actions of every rule
        d = db.execute("SELECT SUM(d.innocent_actions + d.carried_innocent_actions), "
                       "SUM(CASE WHEN r.lawful_claim = 0 THEN d.findings ELSE 0 END) "
                       "FROM rule_daily d JOIN rules r USING(rule)" + ("" if rule == "*" else " WHERE rule = ?"),
                       () if rule == "*" else (rule,)).fetchone()
        flagged, with_claim, innocent = g
        inn, found = d[0] or 0, d[1] or 0
        if lawful:
            per = "lawful claim: every action is a harm"
        elif found:
            per = f"{inn / found:.1f}"
        else:
            per = f"{inn} innocent, no true detection" if inn else "-"
        precision = pct(with_claim / flagged) if flagged else "-"
        name = "**all rules**" if rule == "*" else f"`{rule}`"
        out.append(f"| {name} | {kind} | {source} | {fmt(flagged)} | {precision} | {fmt(innocent)} | "
                   f"{per} | {worst_ratio(db, rule)} |")
    return "\n".join(out)


def list_table(db):
    days = db.execute("SELECT MAX(day) FROM list_daily").fetchone()[0]
    if days is None:
        return "The scenario keeps no lists."
    out = ["| list | exempt | day 0 | last day | growth |", "|---|---|---|---|---|"]
    for name, exempt in db.execute("SELECT list, exempt FROM lists ORDER BY rowid"):
        first = db.execute("SELECT size FROM list_daily WHERE list = ? AND day = 0", (name,)).fetchone()[0]
        last = db.execute("SELECT size FROM list_daily WHERE list = ? AND day = ?", (name, days)).fetchone()[0]
        out.append(f"| `{name}` | {'yes' if exempt else 'no'} | {fmt(first)} | {fmt(last)} | "
                   f"{'+' if last >= first else ''}{fmt(last - first)} |")
    return "\n".join(out)


def harm_table(db):
    rows = db.execute(
        "SELECT h.trait, h.value, h.population, h.people_actioned, h.innocent_people_actioned, "
        "h.home_visits, h.detention_days, h.evasion_yuan, d.actioned_ratio FROM group_harms h "
        "LEFT JOIN harm_disparity d ON d.trait = h.trait AND d.value = h.value "
        "ORDER BY h.trait = 'all' DESC, h.rowid").fetchall()
    out = ["| group | people | actioned (any origin) | of whom innocent | actioned ratio vs reference | "
           "home visits | detention days | evasion (yuan) |", "|---|---|---|---|---|---|---|---|"]
    for trait, value, pop, act, inn, visits, ddays, yuan, ratio in rows:
        label = "everyone" if trait == "all" else f"{trait}={value}"
        out.append(f"| {label} | {fmt(pop)} | {fmt(act)} | {fmt(inn)} | "
                   f"{'-' if ratio is None or trait == 'all' else f'{ratio:.2f}'} | {fmt(visits)} | "
                   f"{fmt(ddays)} | {fmt(yuan, 0)} |")
    return "\n".join(out)


def twin_table(db):
    rows = {m: (b, t, d, meaning) for m, b, t, d, meaning in
            db.execute("SELECT metric, base, twin, delta, meaning FROM twin_delta")}
    out = ["| metric | with police response | twin without | difference | meaning |",
           "|---|---|---|---|---|"]
    for m in TWIN_METRICS:
        if m not in rows:
            continue
        b, t, d, meaning = rows[m]
        if b == 0 and t == 0:
            continue
        out.append(f"| `{m}` | {fmt(b, 0)} | {fmt(t, 0)} | {'+' if d > 0 else ''}{fmt(d, 0)} | {meaning} |")
    return "\n".join(out)


def base_rates_closed_form(text):
    """Parameters of the base_rates scenario read from its text, and the rule's closed-form
    sensitivity, specificity and precision (presence at a hotel on the only day: a person with
    hotel-night rate r flags with probability 1 - exp(-r); planners have rate r m)."""
    import re
    def num(pattern):
        m = re.search(pattern, text, re.S)
        if not m:
            raise ValueError(f"base_rates: cannot find {pattern!r} in the scenario")
        return float(m.group(1))
    p = num(r"plans_offence:\s*\n\s*prevalence:\s*([0-9.eE+-]+)")
    r = num(r"hotel_local:\s*\n\s*rate:\s*([0-9.eE+-]+)")
    m = num(r"multipliers:\s*\{plans_offence:\s*([0-9.eE+-]+)\}")
    s, f = 1 - math.exp(-r * m), 1 - math.exp(-r)
    return {"p": p, "sensitivity": s, "specificity": 1 - f, "precision": p * s / (p * s + (1 - p) * f)}


def urn_section(text, db):
    """Ensign et al.'s urn: this run's long-run patrol share of region 0 beside the true crime
    share and the roots of (c+d-a-b)x^2 + (a-2c-d)x + c = 0."""
    import re
    m = re.search(r"incidents:\s*\[([0-9.eE+-]+),\s*([0-9.eE+-]+)\]", text)
    w = re.search(r"\n\s*reported:\s*([0-9.eE+-]+)", text)
    disc = re.search(r"\n\s*discover:\s*([0-9.eE+-]+)", text)
    if not m:
        raise ValueError("feedback_urn: cannot find response.patrol.incidents in the scenario")
    la, lb = float(m.group(1)), float(m.group(2))
    w = float(w.group(1)) if w else 0.0
    dv = float(disc.group(1)) if disc else 1.0
    a, b, c, d = la * dv + w * la, w * lb, w * la, lb * dv + w * lb
    A, B, C = c + d - a - b, a - 2 * c - d, c
    if abs(A) < 1e-12:
        roots = [-C / B] if B else []
    else:
        disc2 = B * B - 4 * A * C
        roots = sorted(((-B - math.sqrt(disc2)) / (2 * A), (-B + math.sqrt(disc2)) / (2 * A))) if disc2 >= 0 else []
    roots = [abs(r) if abs(r) < 1e-9 else r for r in roots if -1e-9 <= r <= 1 + 1e-9]
    last = db.execute("SELECT MAX(day) FROM patrol_daily").fetchone()[0]
    first = max(0, last - 199)
    sent = db.execute("SELECT SUM(CASE WHEN district = 0 THEN patrols ELSE 0 END) * 1.0 / SUM(patrols) "
                      "FROM patrol_daily WHERE day >= ?", (first,)).fetchone()[0]
    wshare = db.execute("SELECT AVG(w0 / (w0 + w1)) FROM (SELECT day, SUM(CASE WHEN district = 0 THEN weight END) w0, "
                        "SUM(CASE WHEN district = 1 THEN weight END) w1 FROM patrol_daily WHERE day >= ? GROUP BY day)",
                        (first,)).fetchone()[0]
    return f"""
### The urn beside its analytic values

| | value |
|---|---|
| true crime share of region 0, λ0 / (λ0 + λ1) | {la / (la + lb):.4f} |
| update matrix [[a, b], [c, d]] | [[{a:.4f}, {b:.4f}], [{c:.4f}, {d:.4f}]] |
| roots of (c+d−a−b)x² + (a−2c−d)x + c in [0, 1] | {", ".join(f"{r:.4f}" for r in roots) or "none"} |
| this run: share of patrols sent to region 0, days {first}–{last} | {sent:.4f} |
| this run: mean allocation probability of region 0, same days | {wshare:.4f} |

With no public reports the roots are 0 and 1: patrols run away to one region instead of the true
crime share. One run is one draw; `tests/cli/test_urn.py` compares the mean over many seeds with
these values (and with the correction and with reported incidents), with stated tolerances.
"""


def lum_isaac_section(text, db):
    """Lum & Isaac: the minority districts' share of discoveries beside their share of true
    offences, by month, with drug use by group."""
    import re
    m = re.search(r"\{if: ethnicity=minority, districts: \[([0-9, ]+)\]", text)
    if not m:
        raise ValueError("lum_isaac: cannot find the minority's neighbourhood districts")
    ds = ",".join(str(int(x)) for x in m.group(1).split(","))
    rows = []
    last = db.execute("SELECT MAX(day) FROM patrol_daily").fetchone()[0]
    for start in range(0, last + 1, 30):
        disc, off, pat = db.execute(
            f"SELECT SUM(CASE WHEN district IN ({ds}) THEN discoveries ELSE 0 END) * 1.0 / NULLIF(SUM(discoveries), 0), "
            f"SUM(CASE WHEN district IN ({ds}) THEN offences ELSE 0 END) * 1.0 / NULLIF(SUM(offences), 0), "
            f"SUM(CASE WHEN district IN ({ds}) THEN patrols ELSE 0 END) * 1.0 / NULLIF(SUM(patrols), 0) "
            "FROM patrol_daily WHERE day BETWEEN ? AND ?", (start, start + 29)).fetchone()
        rows.append(f"| {start}–{min(start + 29, last)} | {pct(pat)} | {pct(off)} | {pct(disc)} |")
    use = db.execute("SELECT value, CAST(with_claim AS REAL) / population FROM group_audit WHERE rule = '*' "
                     "AND trait = 'ethnicity' ORDER BY value").fetchall()
    uses = ", ".join(f"{v} {pct(x)}" for v, x in use)
    table = "\n".join(rows)
    return f"""
### Differential enforcement at equal behaviour

Drug use by group (hidden truth): {uses}. The minority's districts ({ds}) hold the historical record
the patrols start from:

| days | patrols sent there | true offences there | discoveries there |
|---|---|---|---|
{table}

Equal use, yet the discoveries (and so the detentions, see the harm table below) follow the patrols,
which follow the record. `tests/cli/test_lum_isaac.py` checks this over several seeds against the
sampling error, and that an equal starting record removes the gap.
"""


def closed_form_section(name, text, db):
    if name == "lum_isaac":
        return lum_isaac_section(text, db)
    if name == "feedback_urn":
        return urn_section(text, db)
    if name != "base_rates":
        return ""
    cf = base_rates_closed_form(text)
    n, t, flagged, tp = db.execute("SELECT population, with_claim, flagged, flagged_with_claim FROM group_audit "
                                   "WHERE rule = 'hotel_night' AND trait = 'all'").fetchone()
    return f"""
### Closed form beside the simulation

| | closed form (from the scenario's parameters) | this run |
|---|---|---|
| base rate | {cf['p']:.4f} | {t / n:.4f} ({t:,} of {n:,}) |
| sensitivity | {cf['sensitivity']:.4f} | {tp / t if t else float('nan'):.4f} |
| specificity | {cf['specificity']:.4f} | {1 - (flagged - tp) / (n - t):.4f} |
| precision p s / (p s + (1 - p)(1 - spec)) | {cf['precision']:.4f} | {tp / flagged if flagged else float('nan'):.4f} |
| innocent people flagged per true case | {(1 - cf['precision']) / cf['precision']:.1f} | {(flagged - tp) / tp if tp else float('nan'):.1f} |

`tests/cli/test_reproductions.py` checks the simulated counts against these binomial expectations.
"""


def page(name, text, version, db, sets):
    info = dict(db.execute("SELECT key, value FROM run_info"))
    desc = next((l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith("description:")), "")
    if desc in (">", "|", ">-", "|-"):
        lines = text.splitlines()
        i = next(k for k, l in enumerate(lines) if l.startswith("description:"))
        desc = " ".join(l.strip() for l in lines[i + 1:] if l.startswith("  ")
                        and not l.startswith("   ")).split("\n")[0]
        body = []
        for l in lines[i + 1:]:
            if not l.startswith("  "):
                break
            body.append(l.strip())
        desc = " ".join(body)
    return f"""# `{name}` — {desc}

<!-- Generated by tools/scenario_doc.py from a run of the shipped scenario: do not edit by hand. -->

Run it: `build/glasscage run builtin:{name} --twin no-response` (or `glasscage scenarios show {name}`
to read and copy the scenario). Regenerate this page: `python3 tools/scenario_doc.py build {name}`.

## The system and how the scenario models it

The scenario file's own account (sources by short name; every parameter marked as a figure from the
source, a public statistic, or an assumption):

```
{comment_block(text)}
```

## Findings

{"**Made with overrides** " + ", ".join(f"`--set {kv}`" for kv in sets) + ": not the shipped scenario." if sets else ""}
From one run: {info.get('population')} synthetic people, {info.get('days')} days, seed {info.get('seed')},
{version} (scenario hash {info.get('scenario_hash')}). One run is one draw: rerun with other seeds
(`--seed N`) before quoting a small count.

{closed_form_section(name, text, db)}
### Rules

Precision: share of flagged people who had a condition the rule claims to detect. Innocent actions
per true detection: actions on people without an unlawful claimed condition, per action that found
a condition the person really has ("N innocent, no true detection" when nothing true was found). Lawful conditions
(petitioning, religious practice) are never successes.

{rule_table(db)}

### Lists

{list_table(db)}

### Who carries the harms

Every police action (alerts, carried tasks, quota visits, patrols), home visits and evasion, by group.

{harm_table(db)}

### What police response changed (twin without response, identical random streams)

{twin_table(db)}
"""


INDEX_HEAD = """# Built-in scenarios

<!-- Generated by tools/scenario_doc.py --all (make scenario-docs): do not edit by hand. -->

One scenario per system documented in `../shared/design/systems.md`, plus teaching scenarios. Each
page gives the scenario's own account of the system (with sources and where each parameter comes
from) and findings generated from a run of the shipped version, with its twin without police
response. Run one with `build/glasscage run builtin:NAME --twin no-response`.

| scenario | people flagged | precision | innocent people actioned | police actions (twin: 0) | offences prevented | petitions suppressed |
|---|---|---|---|---|---|---|
"""


def index_row(name, db):
    flagged, with_claim, innocent = db.execute(
        "SELECT flagged, flagged_with_claim, innocent_actioned FROM group_audit WHERE rule = '*' "
        "AND trait = 'all'").fetchone()
    delta = dict(db.execute("SELECT metric, delta FROM twin_delta"))
    prec = pct(with_claim / flagged) if flagged else "-"
    return (f"| [`{name}`]({name}.md) | {fmt(flagged)} | {prec} | {fmt(innocent)} | "
            f"{fmt(delta.get('actions', 0), 0)} | {fmt(0.0 - delta.get('offences', 0), 0)} | "
            f"{fmt(0.0 - delta.get('petitions_delivered', 0), 0)} |")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    build = sys.argv[1]
    args, names, sets, out_dir = sys.argv[2:], [], [], OUT_DIR
    while args:
        a = args.pop(0)
        if a in ("--out", "--set") and not args:
            sys.exit(f"scenario_doc.py: {a} takes a value")
        if a == "--out":
            out_dir = args.pop(0)
        elif a == "--set":
            sets.append(args.pop(0))
        else:
            names.append(a)
    all_names = names == ["--all"]
    if all_names:
        listing = subprocess.run([os.path.join(build, "glasscage"), "scenarios"], check=True,
                                 capture_output=True, text=True).stdout
        names = [l.split()[0] for l in listing.splitlines() if l.strip() and not l.startswith(" ")
                 and l.split()[0] != "NAME" and ":" not in l.split()[0]]
    os.makedirs(out_dir, exist_ok=True)
    index = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            out = os.path.join(tmp, name)
            text, version = run(build, name, out, sets)
            db = sqlite3.connect(os.path.join(out, "results.db"))
            path = os.path.join(out_dir, name + ".md")
            with open(path + ".tmp", "w") as f:
                f.write(page(name, text, version, db, sets))
            os.replace(path + ".tmp", path)
            index.append(index_row(name, db))
            db.close()
            print(f"wrote {path}")
    if all_names:
        path = os.path.join(out_dir, "README.md")
        with open(path + ".tmp", "w") as f:
            f.write(INDEX_HEAD + "\n".join(index) + "\n")
        os.replace(path + ".tmp", path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
