#!/usr/bin/env python3
"""glasscage export: every table and view of a results database as CSV with a header, read back
with Python's csv module and compared with the database cell by cell (reals within 1e-14
relative: SQLite writes 15 significant digits); bad input exits 2, an unwritable folder 1."""
import csv
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402


def same(cell, value):
    if value is None:
        return cell == ""
    if isinstance(value, float):
        try:
            return math.isclose(float(cell), value, rel_tol=1e-14, abs_tol=1e-300)
        except ValueError:
            return False
    return cell == str(value)


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "run", "results.db")
        subprocess.run([exe, "run", "builtin:tianjin_petitioners", "--set", "population.size=3000",
                        "--twin", "no-response", "--quiet", "--out", os.path.join(tmp, "run")], check=True)
        out = os.path.join(tmp, "csv")
        r = subprocess.run([exe, "export", db, "--csv", out], capture_output=True, text=True)
        check("export exits 0", r.returncode == 0, r.stderr)
        con = sqlite3.connect(db)
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')")]
        check("one CSV per table and view", sorted(os.listdir(out)) == sorted(n + ".csv" for n in names),
              f"{sorted(os.listdir(out))}")
        bad = []
        for n in names:
            cur = con.execute(f'SELECT * FROM "{n}"')
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
            with open(os.path.join(out, n + ".csv"), newline="") as f:
                got = list(csv.reader(f))
            if not got or got[0] != cols:
                bad.append(f"{n}: header {got[:1]} vs {cols}")
                continue
            if len(got) - 1 != len(rows):
                bad.append(f"{n}: {len(got) - 1} rows vs {len(rows)}")
                continue
            for g, row in zip(got[1:], rows):
                if len(g) != len(row) or not all(same(c, v) for c, v in zip(g, row)):
                    bad.append(f"{n}: {g} vs {row}")
                    break
        check("every CSV equals its table, header and cells", not bad, "; ".join(bad[:3]))
        quoted = con.execute("SELECT count(*) FROM rules WHERE description LIKE '%,%'").fetchone()[0]
        check("descriptions with commas survive quoting", quoted > 0, f"{quoted} rule descriptions with a comma")
        con.close()
        r = subprocess.run([exe, "export", os.path.join(tmp, "missing.db"), "--csv", out], capture_output=True)
        check("a missing database is exit 2", r.returncode == 2)
        notdb = os.path.join(tmp, "notdb.db")
        with open(notdb, "w") as f:
            f.write("not a database\n" * 100)
        r = subprocess.run([exe, "export", notdb, "--csv", os.path.join(tmp, "csv2")], capture_output=True, text=True)
        check("a file that is not a database is exit 2 with a message",
              r.returncode == 2 and "not a" in r.stderr, r.stderr)
        r = subprocess.run([exe, "export", db], capture_output=True)
        check("--csv is required (exit 2)", r.returncode == 2)
        r = subprocess.run([exe, "export", db, "--csv", "/proc/glasscage-export"], capture_output=True)
        check("an unwritable folder is exit 1", r.returncode == 1)
        # a damaged results file (a view over a dropped table): exit 2 naming the view, and no CSV
        # at all, although the tables before it in name order could be exported
        damaged = os.path.join(tmp, "damaged.db")
        shutil.copyfile(db, damaged)
        sqlite3.connect(damaged).execute("DROP TABLE rules").connection.commit()
        out3 = os.path.join(tmp, "csv3")
        os.makedirs(out3)
        with open(os.path.join(out3, "mine.txt"), "w") as f:
            f.write("a file of the user's own\n")
        r = subprocess.run([exe, "export", damaged, "--csv", out3], capture_output=True, text=True)
        check("a damaged results file is exit 2, naming what is missing",
              r.returncode == 2 and "damaged.db" in r.stderr and "rules" in r.stderr, r.stderr.strip())
        check("a failed export leaves nothing of its own (the user's file stays)",
              sorted(os.listdir(out3)) == ["mine.txt"], str(sorted(os.listdir(out3))[:5]))
    finish()


if __name__ == "__main__":
    main()
