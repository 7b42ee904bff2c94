"""Shared by the Python CLI tests: ok/FAIL lines and the final "N passed, N failed" line
(the Python twin of tests/cli/lib.sh)."""
import math
import sys

passed = failed = 0


def check(name, ok, detail=""):
    """Counts and prints one check, with its detail (measured vs expected) either way."""
    global passed, failed
    if ok:
        passed += 1
        print(f"ok {name}" + (f"  ({detail})" if detail else ""))
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def mean_se(xs):
    """The mean of xs and its standard error (from the sample standard deviation)."""
    m = sum(xs) / len(xs)
    var = sum((x - m) ** 2 for x in xs) / (len(xs) - 1)
    return m, math.sqrt(var / len(xs))


def finish():
    """Prints the summary line and exits non-zero if anything failed."""
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
