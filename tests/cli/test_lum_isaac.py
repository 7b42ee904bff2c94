#!/usr/bin/env python3
"""Lum & Isaac (2016): differential enforcement at equal behaviour.

usage: test_lum_isaac.py GLASSCAGE_BINARY

Runs the built-in lum_isaac scenario (drug use equal across groups, the
minority concentrated in districts 0, 1, 4, 5, the patrols' record
concentrated there) for a few seeds, and the same city with the record
equalised (every district's prior the mean of the listed priors).

Checks, each with its tolerance:
1. Truth: drug use is equal across groups.  With prevalence p for everyone,
   the two groups' user counts are independent binomials; the difference of
   the proportions is within 4.5 standard errors of 0 (two-proportion test,
   pooled p).
2. Differential enforcement: if patrols found offences where they are
   committed, without regard to the record, the discoveries in the minority
   districts would be ~ Binomial(D, s), D all discoveries and s those
   districts' share of the true offences (patrol_daily).  The observed count
   exceeds D s by more than 4.5 binomial standard deviations, and the share
   is at least twice s (a margin far beyond sampling error).
3. The targeting ratio: people detained per capita, minority against
   majority (group_harms), is at least 2 in every seed; printed with the
   detention-day ratio and the patrol share month by month.
4. With the record equalised the gap (discovery share - offence share)
   shrinks: the biased run's gap minus the equalised run's, per seed (the
   two share the seed's random numbers), has a mean above 4.5 standard
   errors (from the spread of that difference across seeds).  Ensign et al.'s correction is run and
   printed, not checked: with 16 districts of ~1/16 each it accepts almost
   every discovery (1 - share ~ 0.8..0.98), so its effect over 180 days is
   within the urn's run-to-run noise.
"""
import math
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish, mean_se  # noqa: E402

MINORITY_DISTRICTS = (0, 1, 4, 5)
SEEDS = (1, 2, 3)




def run(exe, tmp, tag, seed, sets):
    out = os.path.join(tmp, f"{tag}{seed}")
    args = [exe, "run", "builtin:lum_isaac", "--seed", str(seed), "--quiet", "--out", out]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, check=True)
    db = sqlite3.connect(os.path.join(out, "results.db"))
    r = {}
    r["truth"] = {v: (pop, users) for v, pop, users in db.execute(
        "SELECT value, population, with_claim FROM group_audit WHERE rule = 'use_census' AND trait = 'ethnicity'")}
    r["harms"] = {v: (pop, act, dd) for v, pop, act, dd in db.execute(
        "SELECT value, population, people_actioned, detention_days FROM group_harms WHERE trait = 'ethnicity'")}
    inm = "district IN (%s)" % ",".join(map(str, MINORITY_DISTRICTS))
    r["disc_m"], r["disc"], r["off_m"], r["off"] = db.execute(
        f"SELECT SUM(CASE WHEN {inm} THEN discoveries ELSE 0 END), SUM(discoveries), "
        f"SUM(CASE WHEN {inm} THEN offences ELSE 0 END), SUM(offences) FROM patrol_daily").fetchone()
    r["months"] = [row[1] for row in db.execute(
        f"SELECT day / 30, 1.0 * SUM(CASE WHEN {inm} THEN patrols ELSE 0 END) / SUM(patrols) "
        "FROM patrol_daily GROUP BY day / 30 ORDER BY day / 30")]
    r["priors"] = db.execute("SELECT SUM(weight) FROM patrol_daily WHERE day = 0").fetchone()[0]
    db.close()
    r["gap"] = r["disc_m"] / r["disc"] - r["off_m"] / r["off"]
    return r


def ratio(h, k):
    (pm, am, dm), (pj, aj, dj) = h["minority"], h["majority"]
    return (am if k == "people" else dm) / pm / ((aj if k == "people" else dj) / pj)


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        biased = [run(exe, tmp, "b", s, []) for s in SEEDS]
        total = biased[0]["priors"]              # day 0's weights are the listed priors
        equal = total / 16
        equalised = [run(exe, tmp, "e", s, [f"response.patrol.prior={equal}"]) for s in SEEDS]
        corrected = [run(exe, tmp, "c", s, ["response.patrol.correction=true"]) for s in SEEDS[:2]]
    for s, r in zip(SEEDS, biased):
        (pm, um), (pj, uj) = r["truth"]["minority"], r["truth"]["majority"]
        p = (um + uj) / (pm + pj)
        se = math.sqrt(p * (1 - p) * (1 / pm + 1 / pj))
        check(f"seed {s}: drug use equal across groups ({um / pm:.4f} vs {uj / pj:.4f}, within 4.5 se = {4.5 * se:.4f})",
              abs(um / pm - uj / pj) <= 4.5 * se)
        d, dm, share = r["disc"], r["disc_m"], r["off_m"] / r["off"]
        sd = math.sqrt(d * share * (1 - share))
        check(f"seed {s}: minority districts hold {dm / d:.3f} of discoveries against {share:.3f} of true offences "
              f"(> s + 4.5 sd = {(d * share + 4.5 * sd) / d:.3f}, and >= 2 s)",
              dm > d * share + 4.5 * sd and dm / d >= 2 * share, f"D={d} Dm={dm}")
        rp, rd = ratio(r["harms"], "people"), ratio(r["harms"], "days")
        check(f"seed {s}: targeting ratio (people detained per capita, minority / majority) {rp:.2f} >= 2", rp >= 2)
        print(f"   detention days per capita ratio {rd:.2f}; patrol share of the minority districts by month: "
              + " ".join(f"{x:.2f}" for x in r["months"]))
    for s, r in zip(SEEDS, equalised):
        check(f"seed {s}: the equalised record starts from the same total ({r['priors']:.1f} vs {total:.1f})",
              abs(r["priors"] - total) < 1e-6 * total)
        print(f"   equalised seed {s}: gap {r['gap']:+.3f}, targeting ratio {ratio(r['harms'], 'people'):.2f}, "
              "patrol share by month: " + " ".join(f"{x:.2f}" for x in r["months"]))
    # Paired by seed: a seed's two runs share their random numbers (the same
    # people, offences and draws), so the per-seed difference isolates the
    # record's effect from the seed-to-seed spread of the gap itself.
    mb = sum(r["gap"] for r in biased) / len(SEEDS)
    me = sum(r["gap"] for r in equalised) / len(SEEDS)
    md, sd_ = mean_se([b["gap"] - e["gap"] for b, e in zip(biased, equalised)])
    check(f"equalised record: mean gap {me:+.3f} below the biased record's {mb:+.3f} "
          f"(paired by seed: {md:+.3f}) by more than 4.5 se = {4.5 * sd_:.3f}", md > 4.5 * sd_)
    for s, r in zip(SEEDS, corrected):
        print(f"   correction seed {s}: gap {r['gap']:+.3f} (uncorrected {biased[SEEDS.index(s)]['gap']:+.3f}), "
              f"targeting ratio {ratio(r['harms'], 'people'):.2f}")
    finish()


if __name__ == "__main__":
    main()
