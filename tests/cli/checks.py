"""Shared by the Python CLI tests: ok/FAIL lines and the final "N passed, N failed" line
(the Python twin of tests/cli/lib.sh)."""
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


def finish():
    """Prints the summary line and exits non-zero if anything failed."""
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
