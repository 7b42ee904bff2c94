#!/usr/bin/env python3
"""Counts individual checks in a meson testlog.json.

Each meson test is a cmocka program ("[  PASSED  ] N test(s)." and
"[  FAILED  ] N test(s)") or a script ending in "N passed, N failed".  A
test that failed without reporting a failed check (a crash, a timeout)
counts as one failure, so nothing can fail silently.  Prints "PASSED FAILED".
"""
import json
import re
import sys

passed = failed = 0
path, label = sys.argv[1], sys.argv[2]
for line in open(path, encoding="utf-8", errors="replace"):
    t = json.loads(line)
    out = (t.get("stdout", "") or "") + "\n" + (t.get("stderr", "") or "")
    p = sum(int(m) for m in re.findall(r"\[  PASSED  \] (\d+) test", out))
    f = sum(int(m) for m in re.findall(r"\[  FAILED  \] (\d+) test", out))
    for m in re.finditer(r"^(\d+) passed, (\d+) failed$", out, re.M):
        p += int(m.group(1))
        f += int(m.group(2))
    ok = t.get("result") == "OK"
    if not ok and f == 0:
        f = 1
    if ok and p == 0:  # a test that reported nothing did not check anything
        f += 1
    if not ok:
        print(f"FAIL [{label}] {t.get('name')}", file=sys.stderr)
    passed += p
    failed += f
print(passed, failed)
