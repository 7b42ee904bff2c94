#!/usr/bin/env python3
"""Ensign et al. (2018)'s runaway feedback loop: builtin:feedback_urn against the urn's analytics.

usage: test_urn.py GLASSCAGE_BINARY

The model (response.patrol.incidents): two regions A, B with true incidents ~ Poisson(lam) a day;
one patrol a day goes to A with probability x = n_A / (n_A + n_B), the share of the counts; the
patrolled region's incidents are discovered (and, with the correction, accepted with probability
1 - its share), every incident is reported with probability w; both add to the counts, which then
decay by delta = 1% a day.  Decay multiplies both counts alike, so x moves only through the day's
additions: x' = (n_A + add_A) / (T + add_A + add_B), T = n_A + n_B.  The expected change is
g(x) / T to first order, with the urn's drift

    g(x) = E[add_A] - x E[add_A + add_B] = (c+d-a-b) x^2 + (a-2c-d) x + c

for the update matrix [[a, b], [c, d]] (a, b: expected additions to A, B when A is patrolled;
c, d: when B is).  Its roots are the urn's fixed points.  The decayed urn has T ~ E[additions] /
delta (a few hundred), so it is a constant-step stochastic approximation: x fluctuates around a
stable root instead of converging.

The "long-run share" of a run is the mean of x over its last 200 days (the allocation probability,
read from patrol_daily.weight); its expectation is that of the realised share of the last 200 days'
patrols (each patrol goes to A with probability x), with less variance.  Both are printed.

Tolerances.  Runs are independent (seeds), so the across-run mean has standard error
SE = sd / sqrt(runs); a check allows 4.5 SE plus the deterministic bias of the constant-step
approximation, which is second order and bounded here by two terms: the curvature term
|g''| / (2 |g'|) Var(x) (a diffusion expansion of E[g(x)] = 0 around the root, with Var(x)
measured over the runs' last 200 days), and the step 1/T (replacing T + additions by T in the
ratio above changes the drift by a relative O(additions / T); T is measured).  Measured with
400 runs (seeds 1-400, mean of x): correction 0.5662 +- 0.0017 against 0.5668 (bias allowance
here ~0.0075: T ~ 157, Var(x) ~ 0.0021); reports 0.6276 +- 0.0013 against 0.6291 (allowance
~0.0016: T ~ 654, Var(x) ~ 0.0010).  So no bias is detectable at that precision.

What this checks:
(a) no correction, no reports: a = lam_A, b = c = 0, d = lam_B; g(x) = (lam_A - lam_B) x (1 - x):
    roots 0 and 1, 1 stable.  The runaway: by 3000 days most runs send (almost) all patrols
    (>= 99%) to one region; at 1000 days (the study's horizon) x is still on its way, far above
    the true crime share lam_A / (lam_A + lam_B) = 0.567 and, for the strong priors, at the
    mean-field trajectory (n_A <- (n_A + x lam_A)(1 - delta), n_B <- (n_B + (1 - x) lam_B)
    (1 - delta)) within the tolerance.  Both priors (609 vs 379, and / 100).
    Not checked: that all patrols are in one region at 1000 days.  In the decayed model the
    share's logit grows by about (lam_A - lam_B) / T ~ 0.0025 a day, so at 1000 days the strong-
    prior runs are at x ~ 0.92 (only ~5% of runs above 0.99); the runaway completes later.
(b) correction: E[add_A] = x (1 - x) lam_A, E[add_B] = (1 - x) x lam_B, root x* = lam_A / (lam_A +
    lam_B), the true crime share (stable).
(c) reports w = 0.5, discover 1: a = lam_A + w lam_A, b = w lam_B, c = w lam_A, d = lam_B + w lam_B;
    the root in (0, 1) (0.629), which is neither the crime share nor the runaway.
(d) the study's second pair, top-1 against a random region (lam 2.35592, priors 609 vs 7): without
    the correction the share stays far above the crime share 0.610; with it, it reaches 0.610 (as (b)).
"""
import math
import os
import sqlite3
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402

LAM_A, LAM_B = 3.68511, 2.816466
DELTA = 0.01
WINDOW = 200




def one_run(exe, tmp, tag, seed, sets):
    out = os.path.join(tmp, f"{tag}{seed}")
    args = [exe, "run", "builtin:feedback_urn", "--seed", str(seed), "--threads", "1", "--quiet", "--out", out]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, check=True)
    db = sqlite3.connect(os.path.join(out, "results.db"))
    rows = db.execute("SELECT day, district, patrols, weight FROM patrol_daily ORDER BY day, district").fetchall()
    db.close()
    days = max(r[0] for r in rows) + 1
    w = {}
    pa = 0
    for day, dist, patrols, weight in rows:
        if day >= days - WINDOW:
            w.setdefault(day, [0.0, 0.0])[dist] = weight
            if dist == 0:
                pa += patrols
    xs = [v[0] / (v[0] + v[1]) for v in w.values()]
    totals = [v[0] + v[1] for v in w.values()]
    return xs, pa / WINDOW, sum(totals) / len(totals)


def runs(exe, tmp, tag, n, sets):
    with ThreadPoolExecutor(max(1, os.cpu_count() or 1)) as ex:
        res = list(ex.map(lambda s: one_run(exe, tmp, tag, s, sets), range(1, n + 1)))
    shares = [sum(xs) / len(xs) for xs, _, _ in res]
    realised = [p for _, p, _ in res]
    allx = [x for xs, _, _ in res for x in xs]
    total = sum(t for _, _, t in res) / n
    return shares, realised, allx, total


def mean_se(v):
    m = sum(v) / len(v)
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1))
    return m, sd / math.sqrt(len(v))


def root01(a, b, c, d):
    """The urn's fixed point in (0, 1): root of (c+d-a-b) x^2 + (a-2c-d) x + c."""
    A, B, C = c + d - a - b, a - 2 * c - d, c
    if abs(A) < 1e-12:
        return -C / B
    disc = math.sqrt(B * B - 4 * A * C)
    roots = [(-B + disc) / (2 * A), (-B - disc) / (2 * A)]
    return [r for r in roots if 0 < r < 1][0]


def bias_allowance(g, root, allx, total):
    """Curvature term |g''| / (2 |g'|) Var(x) + step 1/T (see the module comment)."""
    h = 1e-4
    g1 = (g(root + h) - g(root - h)) / (2 * h)
    g2 = (g(root + h) - 2 * g(root) + g(root - h)) / (h * h)
    m = sum(allx) / len(allx)
    var = sum((x - m) ** 2 for x in allx) / len(allx)
    return abs(g2) / (2 * abs(g1)) * var + 1 / total


def mean_field(prior_a, prior_b, days):
    na, nb, xs = prior_a, prior_b, []
    for _ in range(days):
        x = na / (na + nb)
        xs.append(x)
        na, nb = (na + x * LAM_A) * (1 - DELTA), (nb + (1 - x) * LAM_B) * (1 - DELTA)
    return sum(xs[-WINDOW:]) / WINDOW


def report(tag, shares, realised):
    m, se = mean_se(shares)
    mr, ser = mean_se(realised)
    print(f"   {tag}: long-run share of A {m:.4f} +- {se:.4f} (realised patrols {mr:.4f} +- {ser:.4f}), "
          f"{len(shares)} runs")
    return m, se


def main():
    exe = sys.argv[1]
    crime = LAM_A / (LAM_A + LAM_B)
    with tempfile.TemporaryDirectory() as tmp:
        # (a) the runaway, strong and weak priors.
        for label, prior in (("priors 609 vs 379", (609, 379)), ("weak priors 6.09 vs 3.79", (6.09, 3.79))):
            ps = [f"response.patrol.prior=[{prior[0]},{prior[1]}]"]
            shares, realised, allx, total = runs(exe, tmp, "a", 60, ps)
            m, se = report(f"(a) {label}, 1000 days", shares, realised)
            check(f"(a) {label}: long-run share is not the true crime share {crime:.3f} (> it by 4.5 SE)",
                  m - 4.5 * se > crime, f"{m:.4f} +- {se:.4f}")
            if prior[0] > 100:
                mf = mean_field(prior[0], prior[1], 1000)
                tol = 4.5 * se + 1 / total
                check(f"(a) {label}: long-run share at the mean-field trajectory {mf:.4f}",
                      abs(m - mf) <= tol, f"{m:.4f} vs {mf:.4f}, tolerance {tol:.4f}")
            shares, realised, _, _ = runs(exe, tmp, "L", 40, ps + ["days=3000"])
            report(f"(a) {label}, 3000 days", shares, realised)
            one = sum(1 for s in shares if s >= 0.99 or s <= 0.01)
            # Measured with 400 runs: 97% of runs (both priors); 'most' = at least 3/4.
            check(f"(a) {label}: by 3000 days most runs send >= 99% of patrols to one region (roots 0 and 1)",
                  one >= 0.75 * len(shares), f"{one} of {len(shares)}")

        # (b) the correction.
        shares, realised, allx, total = runs(exe, tmp, "b", 100, ["response.patrol.correction=true"])
        m, se = report("(b) correction", shares, realised)
        g = lambda x: x * (1 - x) * ((1 - x) * LAM_A - x * LAM_B)  # noqa: E731
        tol = 4.5 * se + bias_allowance(g, crime, allx, total)
        check(f"(b) correction: long-run share at the true crime share {crime:.4f}", abs(m - crime) <= tol,
              f"{m:.4f} vs {crime:.4f}, tolerance {tol:.4f}")

        # (c) reports mixed in.
        w = 0.5
        a, b, c, d = LAM_A + w * LAM_A, w * LAM_B, w * LAM_A, LAM_B + w * LAM_B
        r = root01(a, b, c, d)
        shares, realised, allx, total = runs(exe, tmp, "c", 100, [f"response.patrol.reported={w}"])
        m, se = report("(c) reported 0.5", shares, realised)
        g = lambda x: (c + d - a - b) * x * x + (a - 2 * c - d) * x + c  # noqa: E731
        tol = 4.5 * se + bias_allowance(g, r, allx, total)
        check(f"(c) reported {w}: long-run share at the root of the quadratic {r:.4f}", abs(m - r) <= tol,
              f"{m:.4f} vs {r:.4f}, tolerance {tol:.4f}")
        check(f"(c) reported {w}: the root differs from the true crime share by more than the tolerance",
              abs(r - crime) > tol, f"{r:.4f} vs {crime:.4f}")
        # (d) top-1 against a random region: lambda 2.35592, priors 609 vs 7 (Ensign et al.'s
        # second Oakland pair).  The runaway keeps patrols away from the crime share; the
        # correction brings them to it.
        lam_c = 2.35592
        crime_c = LAM_A / (LAM_A + lam_c)
        pair = [f"response.patrol.incidents=[{LAM_A}, {lam_c}]", "response.patrol.prior=[609, 7]"]
        shares, realised, _, _ = runs(exe, tmp, "d", 60, pair)
        m, se = report("(d) top-1 vs random region, 609 vs 7", shares, realised)
        check(f"(d) top-1 vs random: long-run share is not the true crime share {crime_c:.3f} (> it by 4.5 SE)",
              m - 4.5 * se > crime_c, f"{m:.4f} +- {se:.4f}")
        shares, realised, allx, total = runs(exe, tmp, "e", 100, pair + ["response.patrol.correction=true"])
        m, se = report("(d) top-1 vs random, correction", shares, realised)
        g = lambda x: x * (1 - x) * ((1 - x) * LAM_A - x * lam_c)  # noqa: E731
        tol = 4.5 * se + bias_allowance(g, crime_c, allx, total)
        check(f"(d) top-1 vs random, correction: long-run share at the true crime share {crime_c:.4f}",
              abs(m - crime_c) <= tol, f"{m:.4f} vs {crime_c:.4f}, tolerance {tol:.4f}")
    finish()


if __name__ == "__main__":
    main()
