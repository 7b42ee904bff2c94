/*
** main.c — the glasscage command line: argument parsing and I/O only.
** Everything else is the library (glasscage.h).  Exit status: 0 ok,
** 1 runtime failure (out of memory, cannot write results), 2 usage or
** scenario error (nothing is written).
*/
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli_report.h"
#include "cli_sweep.h"
#include "cli_util.h"
#include "gc_diag.h"
#include "gc_export.h"
#include "gc_obsexport.h"
#include "gc_results.h"
#include "gc_rules.h"
#include "gc_scenario.h"
#include "glasscage.h"
#include "cli_explain.h"
#include "gc_preflight.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };
#define MAX_SETS 64

typedef struct cli {
  const char *file;           /* NULL: the built-in default */
  const char *out;
  const char *sets[MAX_SETS];
  int nsets;
  int threads;
  int quiet;
  int no_report;               /* --no-report: results.db only */
  const char *seed;
  const char *twin;           /* "no-response" or "rules=FILE"; NULL: no twin */
  int explain_k;              /* --explain-sample K (default 2; 0: none) */
  const char *export_obs;     /* --export-observations DIR; NULL: none */
  int no_preflight;           /* --no-preflight: skip the memory check */
  char *text;                 /* the scenario text loaded (run), malloc'd */
  size_t text_len;
} cli;

static const char *const usage_main =
  "usage: glasscage COMMAND [options]\n"
  "\n"
  "Simulates a synthetic city under a predictive-policing rule set and audits\n"
  "what the rules do: how many people they flag, how few had done anything,\n"
  "whom they burden. Synthetic people only.\n"
  "\n"
  "commands:\n"
  "  run [SCENARIO.yaml]        simulate and write DIR/results.db and DIR/report.html\n"
  "                             (default scenario: built-in 'default')\n"
  "  validate [SCENARIO.yaml]   check a scenario and report every error\n"
  "  scenarios [show NAME]      list the built-in scenarios, or print one\n"
  "  export RESULTS.db --csv DIR  every table of a results database as CSV\n"
  "  report RESULTS.db [--out FILE]  the self-contained report.html of a results database\n"
  "  sweep SCENARIO --vary KEY=V1,V2,...\n"
  "                             run a grid of parameter values, write DIR/sweep.db and sweep.html\n"
  "  explain RESULTS.db --agent ID  one synthetic person's timeline in a run\n"
  "\n"
  "  glasscage COMMAND --help   options of a command\n"
  "  glasscage --version\n"
  "\n"
  "exit status: 0 ok, 1 runtime failure, 2 usage or scenario error\n";

static const char *const usage_run =
  "usage: glasscage run [SCENARIO.yaml] [options]\n"
  "\n"
  "Runs a scenario (a file, builtin:NAME, or the built-in default when omitted),\n"
  "writes DIR/results.db (SQLite; see docs/results-schema.md) and DIR/report.html\n"
  "(one self-contained page with charts; see glasscage report --help) and prints a summary.\n"
  "\n"
  "options:\n"
  "  --out DIR         output folder (default: out/SCENARIO_NAME)\n"
  "  --threads N       worker threads (default: all cores); results do not depend on N\n"
  "  --seed N          random seed (same as --set seed=N)\n"
  "  --set KEY=VALUE   override a scenario key, e.g. --set population.size=50000\n"
  "                    or --set rules[0].action=visit (repeatable)\n"
  "  --twin no-response\n"
  "                    also run the twin world with police response switched off, on\n"
  "                    identical random streams, and write the differences (table twin_delta)\n"
  "  --twin rules=FILE\n"
  "                    the twin runs FILE instead: a copy of the scenario that may change only\n"
  "                    its rules, lists and response (the same --set options apply to both)\n"
  "  --no-report       do not write DIR/report.html\n"
  "  --explain-sample K\n"
  "                    for each rule, keep the timelines of K synthetic people flagged without\n"
  "                    the condition the rule claims, K flagged with it and K it missed\n"
  "                    (default 2; 0: none).  They are traced by replaying the run's days\n"
  "                    on the population already built, which adds about their time\n"
  "                    again; see glasscage explain --help\n"
  "  --export-observations DIR\n"
  "                    also write each day's observations and alerts as CSV into DIR\n"
  "                    (observations-DDD.csv, alerts-DDD.csv, places.csv, rules.csv; see\n"
  "                    docs/results-schema.md); results are the same without it\n"
  "  --no-preflight    skip the memory preflight: by default a run whose estimated peak\n"
  "                    memory exceeds what is available (MemAvailable, cgroup and rlimits;\n"
  "                    GLASSCAGE_MEMORY_LIMIT=BYTES[K|M|G] overrides) is refused with exit\n"
  "                    status 2, the estimate and the largest population that fits\n"
  "  --quiet           no progress line and no summary\n"
  "  --help            this text\n";

static const char *const usage_validate =
  "usage: glasscage validate [SCENARIO.yaml] [--set KEY=VALUE]...\n"
  "\n"
  "Checks a scenario without running it. Every problem is reported as\n"
  "  FILE:LINE:COL: key.path: problem (allowed: ...)\n"
  "Exit status 0 when valid, 2 otherwise.\n";

static const char *const usage_scenarios =
  "usage: glasscage scenarios [show NAME]\n"
  "\n"
  "Lists the built-in scenarios, or prints one as YAML (a starting point for\n"
  "your own: glasscage scenarios show default > mine.yaml). Run one with\n"
  "glasscage run builtin:NAME; docs/scenarios/NAME.md describes what it finds.\n";

/* Interrupted runs leave nothing behind: the handler removes the temporary
** results file (unlink is async-signal-safe) and exits with 128 + signal.
** This is the CLI's only static state, as a signal handler cannot be given
** a context. */
static char interrupted_temp[4200];
static char interrupted_report[4400];   /* report.html's temporary file while it is written */

static void on_signal(int sig) {
  if (interrupted_temp[0]) unlink(interrupted_temp);
  if (interrupted_report[0]) unlink(interrupted_report);
  _exit(128 + sig);
}

static void catch_signals(const char *results_path) {
  if (gc_results_temp_path(results_path, interrupted_temp, sizeof interrupted_temp)) interrupted_temp[0] = 0;
  cli_catch_signals(on_signal);
}


static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "glasscage: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(try glasscage --help)\n");
  return EXIT_USAGE;
}


/* Parses options shared by run and validate; returns -1 (printed help), 0 ok, or EXIT_USAGE. */
static int parse_args(int argc, char **argv, cli *c, const char *help, int allow_run_opts) {
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(help, stdout); return -1; }
    if (!strcmp(a, "--set")) {
      if (!next || !strchr(next, '=')) return usage_error("--set takes KEY=VALUE", NULL);
      if (c->nsets == MAX_SETS) return usage_error("too many --set options", NULL);
      c->sets[c->nsets++] = argv[++i];
    } else if (allow_run_opts && !strcmp(a, "--export-observations")) {
      if (!next) return usage_error("--export-observations takes a folder", NULL);
      c->export_obs = argv[++i];
    } else if (allow_run_opts && !strcmp(a, "--out")) {
      if (!next) return usage_error("--out takes a folder", NULL);
      c->out = argv[++i];
    } else if (allow_run_opts && !strcmp(a, "--threads")) {
      if (!next || cli_parse_int(next, 1, 1024, &c->threads)) return usage_error("--threads takes a number from 1 to 1024", NULL);
      i++;
    } else if (allow_run_opts && !strcmp(a, "--seed")) {
      if (!next || !*next || strspn(next, "0123456789") != strlen(next) || strlen(next) > 20)
        return usage_error("--seed takes a whole number (0 to 18446744073709551615)", NULL);
      c->seed = argv[++i];
    } else if (allow_run_opts && !strcmp(a, "--twin")) {
      if (!next || (strcmp(next, "no-response") && (strncmp(next, "rules=", 6) || !next[6])))
        return usage_error("--twin takes no-response or rules=FILE", NULL);
      c->twin = argv[++i];
    } else if (allow_run_opts && !strcmp(a, "--explain-sample")) {
      if (!next || cli_parse_int(next, 0, GC_SAMPLE_MAX_K, &c->explain_k))
        return usage_error("--explain-sample takes a number from 0 to 1000", NULL);
      i++;
    } else if (allow_run_opts && !strcmp(a, "--no-preflight")) {
      c->no_preflight = 1;
    } else if (allow_run_opts && !strcmp(a, "--quiet")) {
      c->quiet = 1;
    } else if (allow_run_opts && !strcmp(a, "--no-report")) {
      c->no_report = 1;
    } else if (a[0] == '-' && a[1]) {
      return usage_error("unknown option %s", a);
    } else if (c->file) {
      return usage_error("more than one scenario given (%s)", a);
    } else {
      c->file = a;
    }
  }
  return 0;
}


/* Copies text into *keep (when keep is not NULL), for the scenario table. */
static void keep_text(char **keep, size_t *keep_len, const char *text, size_t len) {
  if (!keep) return;
  *keep = malloc(len + 1);
  if (*keep) {
    memcpy(*keep, text, len);
    (*keep)[len] = 0;
  }
  *keep_len = len;
}

/* Loads the scenario named by c (file, builtin:NAME, or default).  With
** keep, *keep receives a malloc'd copy of the text loaded (or NULL). */
static int load(const cli *c, gc_config *cfg, uint64_t *hash, const char **display, char **keep, size_t *keep_len) {
  if (keep) *keep = NULL;
  gc_diag *d = gc_diag_new();
  if (!d) { fprintf(stderr, "glasscage: out of memory\n"); return EXIT_RUNTIME; }
  const char *sets[MAX_SETS + 1];
  char seedset[64];
  int nsets = c->nsets;
  memcpy(sets, c->sets, sizeof(char *) * (size_t)nsets);
  if (c->seed) {
    snprintf(seedset, sizeof seedset, "seed=%s", c->seed);
    sets[nsets++] = seedset;
  }
  int nerr;
  const char *name = c->file ? c->file : "builtin:default";
  if (!strncmp(name, "builtin:", 8)) {
    size_t len;
    const char *text = gcs_builtin_text(name + 8, &len);
    if (!text) {
      gc_diag_free(d);
      return usage_error("no built-in scenario %s (see glasscage scenarios)", name + 8);
    }
    nerr = gcs_load(name, text, len, sets, nsets, cfg, d);
    *hash = gcs_hash(text, len, sets, nsets);
    keep_text(keep, keep_len, text, len);
  } else {
    size_t len;
    char *text = cli_read_file(name, &len);
    if (text) {                         /* the hash is of exactly the text that was loaded */
      nerr = gcs_load(name, text, len, sets, nsets, cfg, d);
      *hash = gcs_hash(text, len, sets, nsets);
      keep_text(keep, keep_len, text, len);
      free(text);
    } else {                            /* let the loader word the error */
      nerr = gcs_load_file(name, sets, nsets, cfg, d);
      *hash = 0;
    }
  }
  *display = name;
  if (nerr) {
    gc_diag_print(d, stderr);
    fprintf(stderr, "glasscage: %d error%s in %s\n", nerr, nerr == 1 ? "" : "s", name);
  }
  gc_diag_free(d);
  return nerr ? EXIT_USAGE : EXIT_OK;
}

/* Parses a command's arguments and loads its scenario.  Returns 0 with a
** malloc'd *cfg (the caller frees it); -1 after printing --help; or the
** exit status to end with.  *cfg is NULL unless 0 is returned. */
static int prepare(int argc, char **argv, cli *c, const char *help, int run_opts,
                   gc_config **cfg, uint64_t *hash, const char **name) {
  *cfg = NULL;
  int rc = parse_args(argc, argv, c, help, run_opts);
  if (rc) return rc;
  if (!(*cfg = malloc(sizeof **cfg))) return EXIT_RUNTIME;
  if ((rc = load(c, *cfg, hash, name, run_opts ? &c->text : NULL, &c->text_len))) {
    free(*cfg);
    *cfg = NULL;
    free(c->text);                    /* kept before the errors were known */
    c->text = NULL;
  }
  return rc;
}

static int cmd_validate(int argc, char **argv) {
  cli c = {0};
  gc_config *cfg;
  uint64_t hash;
  const char *name;
  int rc = prepare(argc, argv, &c, usage_validate, 0, &cfg, &hash, &name);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  printf("%s: ok (%s: %lld people, %d days, %d rules)\n", name, cfg->name,
         (long long)cfg->population.size, cfg->days, cfg->nrules);
  char msg[1024];
  if (gc_preflight_check(cfg, 0, 2, msg, sizeof msg) >= 0) printf("%s\n", msg);
  free(cfg);
  return EXIT_OK;
}

static int cmd_scenarios(int argc, char **argv) {
  if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) { fputs(usage_scenarios, stdout); return EXIT_OK; }
  if (argc == 0) {
    gc_config *cfg = malloc(sizeof *cfg);
    gc_diag *d = gc_diag_new();
    if (!cfg || !d) { free(cfg); gc_diag_free(d); return EXIT_RUNTIME; }
    int width = 0;
    for (int i = 0; i < gcs_nbuiltins; i++)
      if ((int)strlen(gcs_builtins[i].name) > width) width = (int)strlen(gcs_builtins[i].name);
    for (int i = 0; i < gcs_nbuiltins; i++) {
      printf("%-*s", width, gcs_builtins[i].name);
      if (!gcs_load(gcs_builtins[i].name, gcs_builtins[i].text, gcs_builtins[i].len, NULL, 0, cfg, d)) {
        size_t n = strlen(cfg->description);
        while (n && (cfg->description[n - 1] == '\n' || cfg->description[n - 1] == ' ')) n--;
        printf("  %.*s", (int)n, cfg->description);
      }
      putchar('\n');
    }
    free(cfg);
    gc_diag_free(d);
    return EXIT_OK;
  }
  if (argc == 2 && !strcmp(argv[0], "show")) {
    size_t len;
    const char *text = gcs_builtin_text(argv[1], &len);
    if (!text) return usage_error("no built-in scenario %s (see glasscage scenarios)", argv[1]);
    fwrite(text, 1, len, stdout);
    return EXIT_OK;
  }
  return usage_error("scenarios takes no arguments or 'show NAME'", NULL);
}

static const char *const usage_export =
  "usage: glasscage export RESULTS.db --csv DIR\n"
  "\n"
  "Writes every table and view of a results database (docs/results-schema.md)\n"
  "as DIR/NAME.csv with a header row, for pandas, R or a spreadsheet. The folder\n"
  "is created if needed; existing files of the same names are replaced.\n";


static int cmd_export(int argc, char **argv) {
  const char *db = NULL, *dir = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(usage_export, stdout); return EXIT_OK; }
    if (!strcmp(argv[i], "--csv")) {
      if (i + 1 >= argc) return usage_error("--csv takes a folder", NULL);
      dir = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return usage_error("unknown option %s", argv[i]);
    } else if (db) {
      return usage_error("more than one results database given (%s)", argv[i]);
    } else {
      db = argv[i];
    }
  }
  if (!db || !dir) return usage_error("usage: glasscage export RESULTS.db --csv DIR%s", "");
  if (access(db, R_OK)) {
    fprintf(stderr, "glasscage: %s: %s\n", db, strerror(errno));
    return EXIT_USAGE;
  }
  if (cli_make_dirs(dir)) {
    fprintf(stderr, "glasscage: cannot create folder %s: %s\n", dir, strerror(errno));
    return EXIT_RUNTIME;
  }
  char err[512];
  int n = gc_export_csv(db, dir, err, sizeof err);
  if (n < 0) {
    fprintf(stderr, "glasscage: %s\n", err);
    return n == -2 ? EXIT_USAGE : EXIT_RUNTIME;
  }
  printf("wrote %d CSV files to %s\n", n, dir);
  return EXIT_OK;
}


static void progress(const gc_run *run, double t0, int quiet, const char *what) {
  if (quiet || !isatty(2)) return;
  const gc_config *cfg = gc_run_config(run);
  int day = gc_run_day(run);
  double el = cli_now_seconds() - t0, ad = (double)cfg->population.size * day;
  double rate = el > 0 ? ad / el : 0, eta = day ? el / day * (cfg->days - day) : 0;
  fprintf(stderr, "\r%sday %d/%d  %.2fM agent-days/s  ETA %.0fs   ", what, day, cfg->days, rate / 1e6, eta);
  if (day == cfg->days) fputc('\n', stderr);
}

/* The largest flag-rate ratio above 1 of a non-reference group against its
** trait's reference group, over groups of at least 100 people with at least
** 10 of them flagged (smaller counts make ratios noise), and over traits the
** rule does not select by.  "-" when no group qualifies; below 1.25 (the
** mirror of the four-fifths rule for a burden) the label says there is none. */
static double worst_ratio(const gc_run *run, int rule, char *label, size_t len) {
  const gc_audit *a = gc_run_audit(run);
  const gc_config *cfg = gc_run_config(run);
  uint32_t targeted = gc_rules_selects_by(cfg, rule);
  double worst = 1.0;
  snprintf(label, len, "-");
  for (size_t g = 0; g < a->ngroups; g++) {
    const gc_group_row *x = &a->groups[g];
    if (x->rule != rule || x->trait >= cfg->population.ntraits || x->population < 100) continue;
    if (x->flagged < 10 || ((targeted >> x->trait) & 1)) continue;
    const gc_trait *t = &cfg->population.trait[x->trait];
    if (x->value == t->reference_value) continue;
    const gc_group_row *ref = x - x->value + t->reference_value;
    if (!ref->flagged || !ref->population) continue;
    double ratio = ((double)x->flagged / x->population) / ((double)ref->flagged / ref->population);
    if (ratio > worst) {
      worst = ratio;
      snprintf(label, len, "%s=%s x%.1f", t->name, t->value[x->value], ratio);
    }
  }
  if (worst > 1.0 && worst < 1.25) snprintf(label, len, "none above x1.25 (max x%.2f)", worst);
  return worst;
}

static const gc_group_row *all_row(const gc_audit *a, int rule, int ntraits) {
  for (size_t g = 0; g < a->ngroups; g++)
    if (a->groups[g].rule == rule && a->groups[g].trait == ntraits) return &a->groups[g];
  return NULL;
}

/* Harms beyond the rules' own tasks, printed only when the scenario has them. */
static void other_harms(FILE *out, const gc_audit *a) {
  uint64_t by[GC_ORIGIN_N] = {0}, visits = 0, evasions = 0, cents = 0;
  for (int d = 0; d < a->days; d++) {
    for (int o = 0; o < GC_ORIGIN_N; o++) by[o] += a->daily[d].actions_by_origin[o];
    visits += a->daily[d].obs_by_kind[GC_OBS_HOME_VISIT];
    for (int k = 0; k < GC_EVADE_N; k++) evasions += a->daily[d].truth.evasions[k];
    cents += a->daily[d].truth.evasion_cents;
  }
  if (by[GC_ORIGIN_CARRIED] + by[GC_ORIGIN_QUOTA] + by[GC_ORIGIN_PATROL_STOP] + by[GC_ORIGIN_PATROL_DISCOVERY])
    fprintf(out, "other police actions: %llu on carried-over tasks, %llu quota visits, %llu patrol stops, "
           "%llu patrol discoveries\n", (unsigned long long)by[GC_ORIGIN_CARRIED],
           (unsigned long long)by[GC_ORIGIN_QUOTA], (unsigned long long)by[GC_ORIGIN_PATROL_STOP],
           (unsigned long long)by[GC_ORIGIN_PATROL_DISCOVERY]);
  if (visits) fprintf(out, "home visits (households, by trust level): %llu\n", (unsigned long long)visits);
  if (evasions) fprintf(out, "acts of evasion: %llu, costing %.0f yuan\n", (unsigned long long)evasions, (double)cents / 100);
}

static void summary(FILE *out, const gc_run *run, const char *path, double secs) {
  const gc_config *cfg = gc_run_config(run);
  const gc_audit *a = gc_run_audit(run);
  int nt = cfg->population.ntraits;
  fprintf(out, "\nglasscage %s: %s, %lld people, %d days, seed %llu\n", GLASSCAGE_VERSION, cfg->name,
         (long long)cfg->population.size, cfg->days, (unsigned long long)cfg->seed);
  fprintf(out, "%-34s %9s %8s %9s %10s  %s\n", "rule", "alerts", "flagged", "precision", "innocent", "most disproportionate group");
  fprintf(out, "%-34s %9s %8s %9s %10s  %s\n", "", "", "people", "", "people", "(flag rate vs reference; groups of");
  fprintf(out, "%-34s %9s %8s %9s %10s  %s\n", "", "", "", "", "actioned", " 100+ with 10+ flagged, traits the");
  fprintf(out, "%-34s %9s %8s %9s %10s  %s\n", "", "", "", "", "", " rule does not select by)");
  for (int k = 0; k <= cfg->nrules; k++) {
    int r = k < cfg->nrules ? k : -1;          /* the all-rules row comes last */
    const gc_group_row *g = all_row(a, r, nt);
    char label[128];
    uint64_t alerts = 0;
    if (r >= 0) alerts = gc_audit_rule_total(a, r).alerts;
    else for (int q = 0; q < cfg->nrules; q++) alerts += gc_audit_rule_total(a, q).alerts;
    worst_ratio(run, r, label, sizeof label);
    char prec[16] = "-";
    if (g && g->flagged) snprintf(prec, sizeof prec, "%.1f%%", 100.0 * g->flagged_with_claim / g->flagged);
    if (r < 0) fprintf(out, "%s\n", "-----------------------------------------------------------------------------------------------");
    fprintf(out, "%-34.34s %9llu %8llu %9s %10llu  %s\n", r < 0 ? "all rules" : cfg->rule[r].name,
           (unsigned long long)alerts, (unsigned long long)(g ? g->flagged : 0), prec,
           (unsigned long long)(g ? g->innocent_actioned : 0), label);
  }
  const gc_group_row *all = all_row(a, -1, nt);
  uint64_t detained = all ? all->detained : 0, inn = all ? all->innocent_detained : 0;
  double ad = (double)cfg->population.size * cfg->days;
  fprintf(out, "\npeople detained: %llu, of whom with no unlawful hidden condition: %llu\n",
         (unsigned long long)detained, (unsigned long long)inn);
  other_harms(out, a);
  fprintf(out, "results: %s  (%.1fs, %.2fM agent-days/s)\n", path, secs, ad / secs / 1e6);
  fprintf(out, "explore: sqlite3 %s 'SELECT * FROM rule_summary'   (tables: docs/results-schema.md)\n", path);
}

/* The twin's configuration: the base with response off, or FILE, which
** must describe the same world.  Returns 0 or an exit status. */
static int twin_config(const cli *c, const gc_config *base, gc_config *twin) {
  if (!strcmp(c->twin, "no-response")) {
    *twin = *base;
    twin->response.enabled = 0;
    return 0;
  }
  cli tc = *c;
  tc.file = c->twin + 6;
  uint64_t hash;
  const char *display;
  int rc = load(&tc, twin, &hash, &display, NULL, NULL);
  if (rc) return rc;
  twin->seed = base->seed;                   /* identical random streams */
  static const char *const what[] = {"days", "start_weekday", "world", "population", "activity",
                                     "sensors", "reactions"};
  int same[] = {twin->days == base->days, twin->start_weekday == base->start_weekday,
                !memcmp(&twin->world, &base->world, sizeof base->world),
                !memcmp(&twin->population, &base->population, sizeof base->population),
                !memcmp(&twin->activity, &base->activity, sizeof base->activity),
                !memcmp(&twin->sensors, &base->sensors, sizeof base->sensors),
                !memcmp(&twin->reaction, &base->reaction, sizeof base->reaction)};
  for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
    if (!same[k]) {
      fprintf(stderr, "glasscage: --twin %s: its %s differs from the scenario's; a twin runs the same world "
              "and may change only rules, lists and response\n", c->twin, what[k]);
      return EXIT_USAGE;
    }
  return 0;
}

/* Runs the twin to the end and keeps only its headline figures. */
static int run_twin(const gc_config *tcfg, const cli *c, double *out) {
  char err[512];
  gc_run *run = NULL;
  if (!c->quiet && isatty(2)) fprintf(stderr, "twin world (%s)...\n", c->twin);
  if (gc_run_new(tcfg, c->threads, &run, err, sizeof err)) {
    fprintf(stderr, "glasscage: twin: %s\n", err);
    return EXIT_RUNTIME;
  }
  double t = cli_now_seconds();
  int rc;
  while ((rc = gc_run_step(run)) == GC_OK) progress(run, t, c->quiet, "twin: ");
  if (rc == GC_ERR_NOMEM || gc_run_summary(run, out)) {
    fprintf(stderr, "glasscage: twin: out of memory on day %d\n", gc_run_day(run));
    gc_run_free(run);
    return EXIT_RUNTIME;
  }
  gc_run_free(run);
  return EXIT_OK;
}

static void twin_summary(FILE *out, gc_run *run, const cli *c, const double *twin) {
  double base[GC_M_N];
  if (gc_run_summary(run, base)) return;
  static const int shown[] = {GC_M_OFFENCES, GC_M_PETITIONS_DELIVERED, GC_M_PETITIONS_ABANDONED,
                              GC_M_ACTIONS, GC_M_INNOCENT_ACTIONS, GC_M_PEOPLE_DETAINED,
                              GC_M_INNOCENT_DETAINED, GC_M_EVASION_MONEY};
  fprintf(out, "\ntwin (%s) on identical random streams:\n", c->twin);
  fprintf(out, "%-28s %12s %12s %12s\n", "", "this run", "twin", "difference");
  for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++) {
    int m = shown[k];
    fprintf(out, "%-28s %12.0f %12.0f %+12.0f\n", gc_metric_names[m], base[m], twin[m], base[m] - twin[m]);
  }
}

/* The --set arguments in order, one per line (table scenario); malloc'd. */
static int run_and_write(const cli *cp, gc_config *cfg, uint64_t hash, const char *name);

static int cmd_run(int argc, char **argv) {
  cli c = {0};
  c.explain_k = 2;
  gc_config *cfg;
  uint64_t hash;
  const char *name;
  int rc = prepare(argc, argv, &c, usage_run, 1, &cfg, &hash, &name);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  char msg[1024];
  if (!c.no_preflight && gc_preflight_check(cfg, c.threads, c.explain_k, msg, sizeof msg)) {
    fprintf(stderr, "glasscage: %s\n", msg);  /* refused (or the check failed): nothing is written */
    rc = EXIT_USAGE;
  } else {
    rc = run_and_write(&c, cfg, hash, name);
  }
  free(c.text);
  free(cfg);
  return rc;
}

static int run_and_write(const cli *cp, gc_config *cfg, uint64_t hash, const char *name) {
  cli c = *cp;
  int rc;
  char dir[4096], path[4200], err[512];
  snprintf(dir, sizeof dir, "%s", c.out ? c.out : "out");
  if (!c.out) {                       /* the scenario's name, made safe as one folder name */
    char safe[256];
    cli_folder_name(cfg->name, safe, sizeof safe);
    snprintf(dir, sizeof dir, "out/%s", safe);
  }
  snprintf(path, sizeof path, "%s/results.db", dir);
  catch_signals(path);
  double twin[GC_M_N];
  if (c.twin) {
    gc_config *tcfg = malloc(sizeof *tcfg);
    rc = tcfg ? twin_config(&c, cfg, tcfg) : EXIT_RUNTIME;
    if (!rc) rc = run_twin(tcfg, &c, twin);
    free(tcfg);
    if (rc) return rc;
  }
  double t0 = cli_now_seconds();
  if (!c.quiet && isatty(2))
    fprintf(stderr, "building a city of %lld people...", (long long)cfg->population.size);
  gc_run *run = NULL;
  if (gc_run_new(cfg, c.threads, &run, err, sizeof err)) {
    fprintf(stderr, "glasscage: %s\n", err);
    return EXIT_RUNTIME;
  }
  gc_obsx *obsx = c.export_obs ? gc_obsx_open(c.export_obs, run, err, sizeof err) : NULL;
  if (c.export_obs && !obsx) {
    fprintf(stderr, "glasscage: --export-observations: %s\n", err);
    gc_run_free(run);
    return EXIT_RUNTIME;
  }
  if (obsx) gc_obsx_attach(obsx, run);
  double t1 = cli_now_seconds();
  while ((rc = gc_run_step(run)) == GC_OK) progress(run, t1, c.quiet, c.twin ? "base run: " : "");
  if (rc == GC_ERR_IO) {
    fprintf(stderr, "glasscage: --export-observations: %s\n", gc_obsx_error(obsx));
    gc_obsx_free(obsx);
    gc_run_free(run);
    return EXIT_RUNTIME;
  }
  gc_obsx_free(obsx);
  if (rc == GC_ERR_NOMEM || gc_run_finish(run)) {
    fprintf(stderr, "glasscage: out of memory on day %d\n", gc_run_day(run));
    gc_run_free(run);
    return EXIT_RUNTIME;
  }
  double secs = cli_now_seconds() - t0;
  gc_sample sample = {0};
  gc_trace *trace = NULL;
  rc = cli_explain_choose(run, c.explain_k, &sample, &trace);
  /* the overrides exactly as loaded (--seed is the last, as in load()), so a replay loads the same */
  const char *loaded[MAX_SETS + 1];
  char seedset[64];
  int nloaded = c.nsets;
  memcpy(loaded, c.sets, sizeof(char *) * (size_t)nloaded);
  if (c.seed) {
    snprintf(seedset, sizeof seedset, "seed=%s", c.seed);
    loaded[nloaded++] = seedset;
  }
  char *sets = gcs_join_sets(loaded, nloaded);
  gc_provenance prov = {.scenario = name, .scenario_hash = hash, .wall_seconds = secs, .build_seconds = t1 - t0,
                        .twin = c.twin ? twin : NULL, .twin_desc = c.twin, .scenario_text = c.text,
                        .scenario_len = c.text_len, .sets = sets};
  /* Results are written in two steps around the explained sample's replay,
  ** which rewinds the run (gc_run_rewind): what its days made is freed
  ** before the replay starts, so that two runs are never alive together
  ** (the replay would double the peak memory), and the population is not
  ** built again.  The summaries are printed from the run, so they are kept
  ** as text until the end. */
  char *sum = NULL, *twin_sum = NULL;
  size_t sum_len = 0, twin_len = 0;
  int written = 0;
  if (rc) {
    /* the message is printed */
  } else if (!sets) {
    fprintf(stderr, "glasscage: out of memory\n");
    rc = EXIT_RUNTIME;
  } else if (cli_make_dirs(dir)) {
    fprintf(stderr, "glasscage: cannot create folder %s: %s\n", dir, strerror(errno));
    rc = EXIT_RUNTIME;
  } else if (gc_run_write_results_first(run, path, &prov, err, sizeof err)) {
    fprintf(stderr, "glasscage: %s\n", err);
    rc = EXIT_RUNTIME;
  } else {
    written = 1;
    FILE *f = c.quiet ? NULL : open_memstream(&sum, &sum_len), *g = NULL;
    if (f) summary(f, run, path, secs);
    if (f && c.twin && (g = open_memstream(&twin_sum, &twin_len))) twin_summary(g, run, &c, twin);
    if ((f && fclose(f)) || (g && fclose(g)) || (!c.quiet && (!sum || (c.twin && !twin_sum)))) {
      fprintf(stderr, "glasscage: out of memory\n");
      rc = EXIT_RUNTIME;
    }
  }
  double t2 = cli_now_seconds();
  gc_run *replayed = NULL;
  if (!rc && trace) {
    replayed = run;                  /* rewound: what the days made is freed first, the population kept */
    rc = cli_explain_replay(replayed, c.quiet, trace);
  } else {
    gc_run_free(run);
  }
  run = NULL;
  double trace_secs = cli_now_seconds() - t2;
  gc_explained ex = {trace, &sample};
  if (!rc && written && gc_run_write_explained(replayed, path, trace ? &ex : NULL, err, sizeof err)) {
    fprintf(stderr, "glasscage: %s\n", err);
    rc = EXIT_RUNTIME;
  } else if (written && rc) {
    gc_results_discard(path);
  } else if (written) {
    char html[4300] = "";
    if (!c.no_report) {                 /* gc_report_write's temporary name, for the signal handler */
      snprintf(interrupted_report, sizeof interrupted_report, "%s/report.html.tmp-%ld", dir, (long)getpid());
      rc = cli_report_after_run(path, html, sizeof html);
      interrupted_report[0] = 0;
    }
    if (!c.quiet) {
      fputs(sum, stdout);
      if (trace) printf("explained sample: %u synthetic people traced (%.1fs replay); glasscage explain %s --agent ID\n",
                        trace->nagents, trace_secs, path);
      if (html[0] && !rc) printf("report: %s  (open it in a browser; it works offline)\n", html);
      if (c.twin) fputs(twin_sum, stdout);
    }
  }
  free(sum);
  free(twin_sum);
  free(sets);
  gc_run_free(replayed);
  gc_trace_free(trace);
  gc_sample_free(&sample);
  return rc;
}

int main(int argc, char **argv) {
  int rc;
  if (argc < 2) { fputs(usage_main, stderr); return EXIT_USAGE; }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) { fputs(usage_main, stdout); rc = EXIT_OK; }
  else if (!strcmp(cmd, "--version")) { printf("glasscage %s\n", GLASSCAGE_VERSION); rc = EXIT_OK; }
  else if (!strcmp(cmd, "run")) rc = cmd_run(argc - 2, argv + 2);
  else if (!strcmp(cmd, "validate")) rc = cmd_validate(argc - 2, argv + 2);
  else if (!strcmp(cmd, "scenarios")) rc = cmd_scenarios(argc - 2, argv + 2);
  else if (!strcmp(cmd, "export")) rc = cmd_export(argc - 2, argv + 2);
  else if (!strcmp(cmd, "report")) rc = cli_report(argc - 2, argv + 2);
  else if (!strcmp(cmd, "sweep")) rc = gc_cli_sweep(argc - 2, argv + 2);
  else if (!strcmp(cmd, "explain")) rc = cli_explain_main(argc - 2, argv + 2);
  else rc = usage_error("unknown command %s", cmd);
  if (fflush(stdout) || ferror(stdout)) {
    fprintf(stderr, "glasscage: error writing output\n");
    return EXIT_RUNTIME;
  }
  return rc;
}
