/*
** cli_explain.c — one synthetic person's timeline on the terminal.
**
** Design.  A timeline is a header (the agent's hidden facts) and rows
** (gc_trace_row), whichever way they were obtained: read back from the
** `trace` table of results.db (agents of the explained sample), or made
** afresh by replaying the run from its `scenario` table with tracing for
** that one agent.  Both ways go through the same printer, and the model is
** deterministic, so they print the same bytes (tests/cli/test_explain.py
** holds them to it).  Replaying is a whole run again: the trace costs
** memory only for the traced agents, but the population must be simulated
** for their records to be what they were.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include "cli_explain.h"
#include "gc_diag.h"
#include "gc_names.h"
#include "gc_scenario.h"

enum { XS_OK = 0, XS_RUNTIME = 1, XS_USAGE = 2 };

static const char *const usage_explain =
  "usage: glasscage explain RESULTS.db --agent ID [--replay] [--threads N] [--quiet]\n"
  "\n"
  "Prints one synthetic person's run as a timeline: their hidden facts (traits,\n"
  "hidden truths, lists, household), then day by day what they really did\n"
  "(truth), what the sensors recorded about them or wrongly attributed to them\n"
  "(sensor), the rules that flagged them (rule), what police did (response),\n"
  "lists they joined or left (list) and what evading cost them (cost), and a\n"
  "short summary. The people are synthetic: nobody real is described.\n"
  "\n"
  "People in the run's explained sample (glasscage run --explain-sample K; the\n"
  "table explain_sample lists them) are read from the database. Anyone else is\n"
  "traced by replaying the run from the scenario stored in RESULTS.db (same\n"
  "text, --set options and seed): this takes as long as the run did.\n"
  "\n"
  "options:\n"
  "  --agent ID    the agent's number (0 .. population - 1)\n"
  "  --replay      replay the run even if the agent is in the stored sample\n"
  "  --threads N   worker threads for a replay (results do not depend on N)\n"
  "  --quiet       no progress line during a replay\n"
  "  --help        this text\n";

static int fail_usage(const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "glasscage: explain: ");
  fprintf(stderr, fmt, a, b);
  fputc('\n', stderr);
  return XS_USAGE;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- replay ------------------------------------------------------------ */

/* A timeline as printed: the agent's facts and rows, however obtained. */
typedef struct timeline {
  uint32_t agent;
  gc_trace_facts facts;
  gc_trace_row *row;
  size_t n, cap;
} timeline;

static gc_trace_row *add_row(timeline *tl) {
  if (tl->n == tl->cap) {
    size_t cap = tl->cap ? tl->cap * 2 : 256;
    gc_trace_row *r = realloc(tl->row, cap * sizeof *r);
    if (!r) return NULL;
    tl->row = r;
    tl->cap = cap;
  }
  gc_trace_row *r = &tl->row[tl->n++];
  memset(r, 0, sizeof *r);
  return r;
}

/* Puts traced agent tl->agent's facts and records into words (t sorted). */
static int fill_timeline(const gc_trace *t, const gc_run *run, timeline *tl) {
  int j = gc_trace_index(t, tl->agent);
  if (j < 0) return XS_RUNTIME;
  gc_trace_facts_of(t, (uint32_t)j, gc_run_config(run), gc_run_population(run), &tl->facts);
  size_t first, count;
  gc_trace_span(t, tl->agent, &first, &count);
  for (size_t k = 0; k < count; k++) {
    gc_trace_row *r = add_row(tl);
    if (!r) return XS_RUNTIME;
    gc_trace_row_of(t, first + k, gc_run_config(run), gc_run_world(run), gc_run_population(run), r);
  }
  return XS_OK;
}

/* Runs cfg to the end with tracing t (sorted at the end); with tl, fills
** tl from the trace; with keep, hands the run to *keep (on success)
** instead of freeing it.  Returns 0 or XS_RUNTIME (printed). */
/* Runs `run` (at day 0) to the end tracing t's agents, with a progress
** line unless quiet; fills tl from the trace if given. */
static int replay_run(gc_run *run, gc_trace *t, int quiet, const char *what, timeline *tl) {
  const gc_config *cfg = gc_run_config(run);
  int show = !quiet && isatty(2);
  if (gc_run_trace(run, t)) {
    fprintf(stderr, "glasscage: %s: out of memory\n", what);
    return XS_RUNTIME;
  }
  double t0 = now_s();
  int rc;
  while ((rc = gc_run_step(run)) == GC_OK)
    if (show) {
      int day = gc_run_day(run);
      double el = now_s() - t0;
      fprintf(stderr, "\r%s: day %d/%d  ETA %.0fs   ", what, day, cfg->days, el / day * (cfg->days - day));
      if (day == cfg->days) fputc('\n', stderr);
    }
  if (rc != GC_ERR_NOMEM) {
    gc_trace_sort(t);
    if (tl && fill_timeline(t, run, tl)) rc = GC_ERR_NOMEM;
  }
  if (rc == GC_ERR_NOMEM) {
    fprintf(stderr, "glasscage: %s: out of memory on day %d\n", what, gc_run_day(run));
    return XS_RUNTIME;
  }
  return XS_OK;
}

/* Builds cfg's run and replays it for t's agents (explain --agent). */
static int replay(const gc_config *cfg, int threads, gc_trace *t, int quiet, const char *what, timeline *tl) {
  char err[512];
  gc_run *run = NULL;
  if (gc_run_new(cfg, threads, &run, err, sizeof err)) {
    fprintf(stderr, "glasscage: %s: %s\n", what, err);
    return XS_RUNTIME;
  }
  int rc = replay_run(run, t, quiet, what, tl);
  gc_run_free(run);
  return rc;
}

int cli_explain_choose(gc_run *run, int k, gc_sample *s, gc_trace **t) {
  *t = NULL;
  s->e = NULL;
  s->n = 0;
  if (k <= 0) return XS_OK;
  const gc_config *cfg = gc_run_config(run);
  const gc_population *pop = gc_run_population(run);
  if (gc_run_finish(run) || gc_trace_sample_choose(cfg, pop, gc_run_audit(run), k, s)) goto oom;
  if (!s->n) return XS_OK;
  uint32_t *agents = malloc(s->n * sizeof *agents);
  if (!agents) goto oom;
  for (size_t j = 0; j < s->n; j++) agents[j] = s->e[j].agent;
  *t = gc_trace_new(pop->n, agents, s->n);
  free(agents);
  if (!*t) goto oom;
  return XS_OK;
oom:
  gc_sample_free(s);
  fprintf(stderr, "glasscage: out of memory while choosing the explained sample\n");
  return XS_RUNTIME;
}

int cli_explain_replay(gc_run *run, int quiet, gc_trace *t) {
  char err[512];
  if (gc_run_rewind(run, err, sizeof err)) {
    fprintf(stderr, "glasscage: tracing the explained sample: %s\n", err);
    return XS_RUNTIME;
  }
  return replay_run(run, t, quiet, "tracing the explained sample", NULL);
}

/* ---- printing ------------------------------------------------------------ */

static void print_clock(int minute) {
  if (minute < 0) printf("       ");
  else printf("  %02d:%02d", minute / 60, minute % 60);
}

static const char *or_none(const char *s) { return *s ? s : "none"; }

typedef struct tally { char name[128]; long n; } tally;

static void count_name(tally *t, int *nt, int max, const char *name, long by) {
  for (int k = 0; k < *nt; k++)
    if (!strcmp(t[k].name, name)) { t[k].n += by; return; }
  if (*nt == max) return;
  snprintf(t[*nt].name, sizeof t[*nt].name, "%s", name);
  t[(*nt)++].n = by;
}

static void print_tallies(const char *label, const tally *t, int nt, const char *unit1, const char *unitn) {
  printf("  %-18s", label);
  if (!nt) printf("none");
  for (int k = 0; k < nt; k++)
    printf("%s%s %ld%s", k ? ", " : "", t[k].name, t[k].n, unit1 ? (t[k].n == 1 ? unit1 : unitn) : "");
  putchar('\n');
}

static void print_summary(const timeline *tl) {
  enum { MAXT = 64 };
  tally rules[MAXT], acts[MAXT], lists[MAXT];
  int nr = 0, na = 0, nl = 0;
  long detention = 0, evasions = 0;
  double yuan = 0, minutes = 0;
  for (size_t k = 0; k < tl->n; k++) {
    const gc_trace_row *r = &tl->row[k];
    if (!strcmp(r->layer, "rule")) {
      count_name(rules, &nr, MAXT, r->what, 1);
    } else if (!strcmp(r->layer, "response")) {
      count_name(acts, &na, MAXT, r->what, 1);
      long days;
      if (sscanf(r->detail, "%ld days of detention", &days) == 1) detention += days;
      const char *then = strstr(r->detail, "; then ");
      if (then) count_name(acts, &na, MAXT, then + 7, 1);
    } else if (!strcmp(r->layer, "list")) {
      char name[80];
      snprintf(name, sizeof name, "%s %s", strstr(r->detail, "entered") ? "entered" : "left", r->what);
      count_name(lists, &nl, MAXT, name, 1);
    } else if (!strcmp(r->layer, "cost")) {
      double y, m;
      evasions++;
      if (sscanf(r->detail, "%lf yuan, %lf minutes", &y, &m) == 2) { yuan += y; minutes += m; }
    }
  }
  /* "then X; ..." keeps only the action name */
  for (int k = 0; k < na; k++) acts[k].name[strcspn(acts[k].name, ";")] = 0;
  printf("\nsummary\n");
  print_tallies("flagged by", rules, nr, " day", " days");
  print_tallies("police actions", acts, na, NULL, NULL);
  printf("  %-18s%ld\n", "days of detention", detention);
  print_tallies("lists joined/left", lists, nl, " time", " times");
  if (evasions) printf("  %-18s%ld acts, %.2f yuan, %.0f minutes\n", "evasion", evasions, yuan, minutes);
  else printf("  %-18s%s\n", "evasion", "none");
}

static void print_timeline(const timeline *tl) {
  printf("synthetic agent %u, household %u\n", tl->agent, tl->facts.household);
  printf("  %-18s%s\n", "traits", or_none(tl->facts.traits));
  printf("  %-18s%s\n", "hidden truths", or_none(tl->facts.truths));
  printf("  %-18s%s\n", "lists at start", or_none(tl->facts.lists));
  printf("\nlayers: truth = what really happened (hidden from the platform); sensor = what was\n"
         "recorded; rule = alerts; response = police actions; list = list entries and exits;\n"
         "cost = what evading cost.  Times are minutes of the day.\n");
  int day = -1;
  for (size_t k = 0; k < tl->n; k++) {
    const gc_trace_row *r = &tl->row[k];
    if (r->day != day) {
      day = r->day;
      printf("\nday %d\n", day);
    }
    print_clock(r->minute);
    char line[512];
    int n = snprintf(line, sizeof line, "  %-8s  %-20s  %-18s  %s", r->layer, r->what, r->place, r->detail);
    while (n > 0 && n < (int)sizeof line && line[n - 1] == ' ') line[--n] = 0;   /* no trailing blanks */
    printf("%s\n", line);
  }
  if (!tl->n) printf("\nno records: nothing this person did was seen or acted on, and nothing was traced\n");
  print_summary(tl);
}

/* ---- the results database ----------------------------------------------- */

static int has_table(sqlite3 *db, const char *name) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", -1, &st, NULL))
    return -1;
  sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int run_info(sqlite3 *db, const char *key, char *buf, size_t len) {
  sqlite3_stmt *st;
  buf[0] = 0;
  if (sqlite3_prepare_v2(db, "SELECT value FROM run_info WHERE key = ?", -1, &st, NULL)) return -1;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = -1;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
    snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    rc = 0;
  }
  sqlite3_finalize(st);
  return rc;
}

static void copy_col(char *dst, size_t len, sqlite3_stmt *st, int c) {
  const unsigned char *s = sqlite3_column_text(st, c);
  snprintf(dst, len, "%s", s ? (const char *)s : "");
}

/* Reads the agent's stored timeline.  Returns 1 found, 0 not stored, -1 error. */
static int read_stored(sqlite3 *db, timeline *tl) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT household, traits, truths, lists_at_start FROM trace_agent WHERE agent = ?",
                         -1, &st, NULL)) return -1;
  sqlite3_bind_int64(st, 1, tl->agent);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    tl->facts.household = (uint32_t)sqlite3_column_int64(st, 0);
    copy_col(tl->facts.traits, sizeof tl->facts.traits, st, 1);
    copy_col(tl->facts.truths, sizeof tl->facts.truths, st, 2);
    copy_col(tl->facts.lists, sizeof tl->facts.lists, st, 3);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? 0 : -1;
  if (sqlite3_prepare_v2(db, "SELECT day, minute, layer, what, place, detail FROM trace WHERE agent = ? ORDER BY seq",
                         -1, &st, NULL)) return -1;
  sqlite3_bind_int64(st, 1, tl->agent);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    gc_trace_row *r = add_row(tl);
    if (!r) { rc = SQLITE_NOMEM; break; }
    r->agent = tl->agent;
    r->day = sqlite3_column_int(st, 0);
    r->minute = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 1);
    const char *layer = (const char *)sqlite3_column_text(st, 2);
    r->layer = "?";
    for (int k = 0; layer && k < GC_TL_N; k++)
      if (!strcmp(layer, gc_trace_layer_names[k])) r->layer = gc_trace_layer_names[k];
    copy_col(r->what, sizeof r->what, st, 3);
    copy_col(r->place, sizeof r->place, st, 4);
    copy_col(r->detail, sizeof r->detail, st, 5);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 1 : -1;
}

/* Rebuilds the run's configuration from the scenario table and run_info's
** seed.  Returns 0, or an exit status (printed). */
static int stored_config(sqlite3 *db, const char *path, gc_config *cfg) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT source, text, sets FROM scenario", -1, &st, NULL) || sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return fail_usage("%s: the scenario table is empty%s", path, "");
  }
  const char *source = (const char *)sqlite3_column_text(st, 0);
  const char *text = (const char *)sqlite3_column_text(st, 1);
  int len = sqlite3_column_bytes(st, 1);
  const char *sets_text = (const char *)sqlite3_column_text(st, 2);
  if (!text) {
    sqlite3_finalize(st);
    return fail_usage("%s: the run's scenario text was not stored, so it cannot be replayed%s", path, "");
  }
  char *sets = strdup(sets_text ? sets_text : "");
  const char *set[256];
  int nsets = 0;
  for (char *p = sets ? strtok(sets, "\n") : NULL; p && nsets < 256; p = strtok(NULL, "\n")) set[nsets++] = p;
  gc_diag *d = gc_diag_new();
  int rc = XS_OK;
  if (!sets || !d) {
    fprintf(stderr, "glasscage: out of memory\n");
    rc = XS_RUNTIME;
  } else if (gcs_load(source ? source : "scenario", text, (size_t)len, set, nsets, cfg, d)) {
    gc_diag_print(d, stderr);
    rc = fail_usage("%s: the stored scenario no longer loads with this version%s", path, "");
  }
  gc_diag_free(d);
  free(sets);
  sqlite3_finalize(st);
  if (rc) return rc;
  char buf[64];
  if (run_info(db, "seed", buf, sizeof buf)) return fail_usage("%s: run_info has no seed%s", path, "");
  cfg->seed = strtoull(buf, NULL, 10);
  return XS_OK;
}

/* Replays the stored run with tracing for tl->agent.  Returns 0 or an exit status. */
static int replay_agent(sqlite3 *db, const char *path, int threads, int quiet, uint32_t population, timeline *tl) {
  gc_config *cfg = malloc(sizeof *cfg);
  if (!cfg) return XS_RUNTIME;
  int rc = stored_config(db, path, cfg);
  gc_trace *t = NULL;
  if (!rc && (uint32_t)cfg->population.size != population) {
    char a[32];
    snprintf(a, sizeof a, "%u", population);
    rc = fail_usage("%s: the stored scenario builds a different population than the run's %s people", path, a);
  }
  if (!rc && !(t = gc_trace_new(population, &tl->agent, 1))) rc = XS_RUNTIME;
  char what[64];
  snprintf(what, sizeof what, "tracing agent %u", tl->agent);
  if (!rc) rc = replay(cfg, threads, t, quiet, what, tl);
  gc_trace_free(t);
  free(cfg);
  return rc;
}

int cli_explain_main(int argc, char **argv) {
  const char *path = NULL, *agent_s = NULL;
  int replay_opt = 0, threads = 0, quiet = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(usage_explain, stdout); return XS_OK; }
    if (!strcmp(a, "--agent")) {
      if (!next) return fail_usage("--agent takes an agent number%s%s", "", "");
      agent_s = argv[++i];
    } else if (!strcmp(a, "--threads")) {
      char *end;
      long v = next ? strtol(next, &end, 10) : 0;
      if (!next || *end || v < 1 || v > 1024) return fail_usage("--threads takes a number from 1 to 1024%s%s", "", "");
      threads = (int)v;
      i++;
    } else if (!strcmp(a, "--replay")) {
      replay_opt = 1;
    } else if (!strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (a[0] == '-' && a[1]) {
      return fail_usage("unknown option %s%s", a, "");
    } else if (path) {
      return fail_usage("more than one results database given (%s)%s", a, "");
    } else {
      path = a;
    }
  }
  if (!path || !agent_s) return fail_usage("usage: glasscage explain RESULTS.db --agent ID (see --help)%s%s", "", "");
  if (!*agent_s || strspn(agent_s, "0123456789") != strlen(agent_s) || strlen(agent_s) > 10)
    return fail_usage("--agent takes an agent number, not '%s'%s", agent_s, "");
  if (access(path, R_OK)) return fail_usage("%s: %s", path, strerror(errno));
  sqlite3 *db = NULL;
  int rc = XS_OK;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK || has_table(db, "run_info") != 1) {
    rc = fail_usage("%s is not a glasscage results database%s", path, "");
    goto done;
  }
  char buf[64];
  if (run_info(db, "population", buf, sizeof buf)) {
    rc = fail_usage("%s is not a glasscage results database (no population in run_info)%s", path, "");
    goto done;
  }
  uint32_t population = (uint32_t)strtoul(buf, NULL, 10);
  unsigned long long id = strtoull(agent_s, NULL, 10);
  if (id >= population) {
    char range[64];
    snprintf(range, sizeof range, "0 to %u", population ? population - 1 : 0);
    rc = fail_usage("agent %s is out of range: this run's agents are numbered %s", agent_s, range);
    goto done;
  }
  if (has_table(db, "scenario") != 1) {
    rc = fail_usage("%s was written by an older glasscage, before results kept the scenario; "
                    "re-run with this version%s", path, "");
    goto done;
  }
  timeline tl = {.agent = (uint32_t)id};
  int stored = replay_opt ? 0 : read_stored(db, &tl);
  if (stored < 0) {
    fprintf(stderr, "glasscage: %s: %s\n", path, sqlite3_errmsg(db));
    rc = XS_RUNTIME;
  } else if (!stored) {
    tl.n = 0;
    rc = replay_agent(db, path, threads, quiet, population, &tl);
  }
  if (!rc) print_timeline(&tl);
  free(tl.row);
done:
  sqlite3_close(db);
  return rc;
}
