#!/usr/bin/env python3
"""Reproductions of published results against their closed-form values.

usage: test_reproductions.py GLASSCAGE_BINARY

base_rates: with N people, T of whom have the condition, a rule with
sensitivity s and false-positive rate f flags TP ~ Binomial(T, s) of them
and FP ~ Binomial(N - T, f) of the others; T ~ Binomial(N, p).  Tolerance:
4.5 standard deviations.  The closed-form precision p s / (p s + (1-p) f)
is printed beside the simulated one.
"""
import math
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import scenario_doc  # noqa: E402  (the closed form lives with the page that prints it)





def binomial(name, observed, n, p):
    mean, sd = n * p, math.sqrt(n * p * (1 - p))
    check(name, abs(observed - mean) <= 4.5 * sd + 1e-9, f"observed {observed}, expected {mean:.1f} +- 4.5 x {sd:.2f}")


def base_rates(exe, tmp):
    text = subprocess.run([exe, "scenarios", "show", "base_rates"], check=True, capture_output=True,
                          text=True).stdout
    cf = scenario_doc.base_rates_closed_form(text)
    for seed in (1, 2, 3):
        out = os.path.join(tmp, f"br{seed}")
        subprocess.run([exe, "run", "builtin:base_rates", "--seed", str(seed), "--quiet", "--out", out], check=True)
        db = sqlite3.connect(os.path.join(out, "results.db"))
        n, t, flagged, tp = db.execute("SELECT population, with_claim, flagged, flagged_with_claim FROM group_audit "
                                       "WHERE rule = 'hotel_night' AND trait = 'all'").fetchone()
        db.close()
        binomial(f"base_rates seed {seed}: people with the condition ~ Binomial(N, p)", t, n, cf["p"])
        binomial(f"base_rates seed {seed}: true positives ~ Binomial(T, sensitivity)", tp, t, cf["sensitivity"])
        binomial(f"base_rates seed {seed}: false positives ~ Binomial(N - T, 1 - specificity)", flagged - tp, n - t,
                 1 - cf["specificity"])
        print(f"   precision: simulated {tp / flagged:.4f}, closed form {cf['precision']:.4f}")
    check("base_rates: the closed form is the teaching value (about 9%)", abs(cf["precision"] - 0.090) < 0.002,
          f"{cf['precision']:.4f}")


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        base_rates(exe, tmp)
    finish()


if __name__ == "__main__":
    main()
