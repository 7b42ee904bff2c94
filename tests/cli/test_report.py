#!/usr/bin/env python3
"""glasscage report: writes a self-contained report.html next to results.db (or --out FILE);
glasscage run writes it too unless --no-report; bad input exits 2 and an unwritable target 1,
leaving no file (and an existing report untouched).  The page's numbers are checked in a real
browser by tests/browser/test_report.mjs; this test checks the command line and the file."""
import os
import shutil
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run")
        r = subprocess.run([exe, "run", "builtin:tianjin_petitioners", "--set", "population.size=3000",
                            "--no-report", "--quiet", "--out", out], capture_output=True, text=True)
        db, html = os.path.join(out, "results.db"), os.path.join(out, "report.html")
        check("run --no-report writes results.db only", r.returncode == 0 and os.path.exists(db)
              and not os.path.exists(html), r.stderr)
        t = time.monotonic()
        r = subprocess.run([exe, "report", db], capture_output=True, text=True)
        secs = time.monotonic() - t
        size = os.path.getsize(html) if os.path.exists(html) else 0
        check("report writes report.html next to results.db", r.returncode == 0 and size > 0
              and html in r.stdout, f"{size} bytes in {secs:.2f}s")
        page = open(html, encoding="utf-8").read() if size else ""
        outside = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page)
        check("the report is self-contained (no src/href to another site)", size and not outside, str(outside[:3]))
        check("the report inlines the chart libraries and ends the page",
              "vegaEmbed" in page and page.rstrip().endswith("</html>") and "<script src" not in page)
        check("no temporary file is left", sorted(os.listdir(out)) == ["report.html", "results.db"],
              str(os.listdir(out)))
        other = os.path.join(tmp, "elsewhere.html")
        r = subprocess.run([exe, "report", db, "--out", other], capture_output=True, text=True)
        check("--out FILE writes there", r.returncode == 0 and os.path.getsize(other) == size)
        r = subprocess.run([exe, "run", "builtin:tianjin_petitioners", "--set", "population.size=2000",
                            "--set", "days=3", "--out", os.path.join(tmp, "run2")], capture_output=True, text=True)
        html2 = os.path.join(tmp, "run2", "report.html")
        check("run writes report.html and names it in the summary", r.returncode == 0 and os.path.exists(html2)
              and f"report: {html2}" in r.stdout, r.stderr)
        # bad input: exit 2, nothing written, an existing report untouched
        keep = os.path.join(tmp, "keep.html")
        with open(keep, "w") as f:
            f.write("previous report\n")
        r = subprocess.run([exe, "report", os.path.join(tmp, "missing.db"), "--out", keep], capture_output=True,
                           text=True)
        check("a missing database is exit 2", r.returncode == 2 and "missing.db" in r.stderr, r.stderr)
        notdb = os.path.join(tmp, "notdb.db")
        with open(notdb, "w") as f:
            f.write("not a database\n" * 100)
        r = subprocess.run([exe, "report", notdb, "--out", keep], capture_output=True, text=True)
        check("a file that is not a database is exit 2 with a message", r.returncode == 2 and "not a" in r.stderr,
              r.stderr)
        other_db = os.path.join(tmp, "other.db")
        con = sqlite3.connect(other_db)
        con.execute("CREATE TABLE t(x)")
        con.commit()
        con.close()
        r = subprocess.run([exe, "report", other_db], capture_output=True, text=True)
        check("an SQLite file that is not glasscage's is exit 2 and writes nothing",
              r.returncode == 2 and not os.path.exists(os.path.join(tmp, "report.html")), r.stderr)
        check("an existing report is left untouched on error", open(keep).read() == "previous report\n")
        partial = os.path.join(tmp, "partial.db")
        shutil.copyfile(db, partial)
        sqlite3.connect(partial).execute("DROP TABLE daily").connection.commit()
        r = subprocess.run([exe, "report", partial, "--out", os.path.join(tmp, "partial.html")],
                           capture_output=True, text=True)
        check("a results file missing a table is exit 2, naming the file and the table, and writes nothing",
              r.returncode == 2 and "partial.db" in r.stderr and "missing daily" in r.stderr
              and not os.path.exists(os.path.join(tmp, "partial.html")), r.stderr.strip())
        r = subprocess.run([exe, "report", db, "--out", "/proc/glasscage-report.html"], capture_output=True,
                           text=True)
        check("an unwritable target is exit 1", r.returncode == 1, r.stderr)
        r = subprocess.run([exe, "report", db, "--out", os.path.join(tmp, "no", "such", "dir.html")],
                           capture_output=True, text=True)
        check("a target in a missing folder is exit 1", r.returncode == 1, r.stderr)
        check("nothing half-written is left", sorted(f for f in os.listdir(tmp) if ".tmp-" in f) == [],
              str(os.listdir(tmp)))
        r = subprocess.run([exe, "report"], capture_output=True, text=True)
        check("report without a database is exit 2", r.returncode == 2)
        r = subprocess.run([exe, "report", db, "--bogus"], capture_output=True, text=True)
        check("an unknown option is exit 2", r.returncode == 2)
        r = subprocess.run([exe, "report", "--help"], capture_output=True, text=True)
        check("report --help", r.returncode == 0 and "usage: glasscage report" in r.stdout)
        r = subprocess.run([exe, "--help"], capture_output=True, text=True)
        check("glasscage --help lists report", "report RESULTS.db" in r.stdout)
        r = subprocess.run([exe, "run", "--help"], capture_output=True, text=True)
        check("run --help lists --no-report", "--no-report" in r.stdout)
    finish()


if __name__ == "__main__":
    main()
