/*
** cli_report.c — `glasscage report RESULTS.db [--out FILE]`: argument
** parsing and messages only; the page is gc_report_write's.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli_report.h"
#include "gc_report.h"

const char *const cli_report_usage =
  "usage: glasscage report RESULTS.db [--out FILE]\n"
  "\n"
  "Writes report.html (default: next to RESULTS.db): one self-contained page\n"
  "that opens offline in any browser and can be mailed -- the headline figures,\n"
  "each rule's precision, recall and harms, group disparities (four-fifths\n"
  "ratios, FPR/FDR parity), list growth, evasion costs, red-list exemptions,\n"
  "twin deltas, the scenario and explained people, with interactive charts.\n"
  "`glasscage run` writes it after every run unless given --no-report.\n"
  "\n"
  "options:\n"
  "  --out FILE   where to write the page (replaced only by a complete one)\n"
  "  --help       this text\n"
  "\n"
  "exit status: 0 ok, 1 cannot write FILE, 2 usage error or not a results database\n";

/* DIR/report.html for DIR/results.db (or report.html for a bare name). */
static int sibling(const char *db, char *html, int len) {
  const char *slash = strrchr(db, '/');
  int dir = slash ? (int)(slash - db) + 1 : 0;
  return snprintf(html, len, "%.*sreport.html", dir, db) < len ? 0 : -1;
}

static int write_report(const char *db, const char *html) {
  char err[600];
  int rc = gc_report_write(db, html, err, sizeof err);
  if (rc == GC_REPORT_OK) return 0;
  fprintf(stderr, "glasscage: %s\n", err);
  return rc == GC_REPORT_BAD_INPUT ? 2 : 1;
}

int cli_report(int argc, char **argv) {
  const char *db = NULL, *outp = NULL;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(cli_report_usage, stdout); return 0; }
    if (!strcmp(a, "--out")) {
      if (i + 1 >= argc) { fprintf(stderr, "glasscage: --out takes a file\n(try glasscage report --help)\n"); return 2; }
      outp = argv[++i];
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "glasscage: unknown option %s\n(try glasscage report --help)\n", a);
      return 2;
    } else if (db) {
      fprintf(stderr, "glasscage: more than one results database given (%s)\n", a);
      return 2;
    } else {
      db = a;
    }
  }
  if (!db) { fputs(cli_report_usage, stderr); return 2; }
  if (access(db, R_OK)) {
    fprintf(stderr, "glasscage: %s: %s\n", db, strerror(errno));
    return 2;
  }
  char html[4200];
  if (!outp) {
    if (sibling(db, html, sizeof html)) { fprintf(stderr, "glasscage: %s: path too long\n", db); return 2; }
    outp = html;
  }
  int rc = write_report(db, outp);
  if (!rc) printf("wrote %s\n", outp);
  return rc;
}

int cli_report_after_run(const char *results_path, char *html, int len) {
  if (sibling(results_path, html, len)) { fprintf(stderr, "glasscage: %s: path too long\n", results_path); return 1; }
  return write_report(results_path, html) ? 1 : 0;
}
