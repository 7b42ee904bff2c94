/*
** cli_sweep.c — `glasscage sweep SCENARIO --vary KEY=V1,V2,... [--replicates N]`.
**
** Design.  A sweep is a grid: the cross product of every --vary list (the
** first --vary varies slowest), each grid point run `replicates` times with
** seeds base, base+1, ... (common random numbers: replicate r of every point
** uses the same seed, so two points differ by their parameters, not by
** luck of the draw).  A point is nothing but extra --set overrides, so every
** point's configuration goes through the scenario loader, and all of them
** are validated before anything runs or is written.
**
** Runs are independent, so they are spread over worker processes (fork),
** not threads: each run keeps its own OpenMP pool (one thread by default)
** and its own memory, a crash or an out-of-memory in one run cannot corrupt
** another, and the parent never starts OpenMP before forking (libgomp's
** pool does not survive fork).  Workers claim task numbers from a counter
** in shared memory and put each run's headline figures (gc_run_summary)
** into the task's slot there; each run also writes its own results.db
** under DIR/runs/ (kept, so `glasscage export` or a report can open any
** of them).  When every run is done the parent alone builds sweep.db from
** the slots and from the runs' databases, in task order: sweep.db is the
** same for any --jobs.  Per-rule figures are read back from each run's
** results.db with the definitions of its views (rule_summary,
** group_disparity; docs/results-schema.md), so a sweep cannot drift from
** what a single run reports.
**
** Nothing half-written: sweep.db and sweep.html are written to temporary
** files and renamed; on SIGINT/SIGTERM/SIGHUP the parent stops the workers
** and removes its temporary files, and each worker removes its temporary
** results file; then the parent removes the folders it created (DIR/runs,
** DIR) where they are empty.  An earlier sweep in DIR is replaced: its
** sweep.db, sweep.html and run files (runs/p*-r*.db only) are removed
** before the runs start, so runs/ never mixes two sweeps.
*/
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include "cli_sweep.h"
#include "cli_util.h"
#include "gc_diag.h"
#include "gc_html.h"
#include "gc_preflight.h"
#include "gc_results.h"
#include "gc_scenario.h"
#include "glasscage.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };
#define SWEEP_MAX_SETS 64
#define SWEEP_MAX_AXES 4
#define SWEEP_MAX_RUNS 10000      /* points x replicates: beyond this a sweep is a cluster job */
#define SWEEP_MAX_JOBS 256
#define SWEEP_MAX_REPLICATES 1000

static const char *const usage_sweep =
  "usage: glasscage sweep [SCENARIO.yaml] --vary KEY=V1,V2,... [--vary KEY2=...] [options]\n"
  "\n"
  "Runs the scenario once for every combination of the --vary values (a grid),\n"
  "each combination --replicates times, and writes\n"
  "  DIR/sweep.db     every run's figures and their mean and 95% interval (SQLite;\n"
  "                   docs/results-schema.md, section sweep.db)\n"
  "  DIR/sweep.html   trade-off charts: each figure against the varied values\n"
  "  DIR/runs/        each run's own results.db (p000-r00.db: point 0, replicate 0)\n"
  "An earlier sweep in DIR is replaced: its sweep.db, sweep.html and runs/p*-r*.db\n"
  "are removed before the runs start.\n"
  "\n"
  "KEY is any --set key path; the values are separated by commas (so a value\n"
  "cannot itself contain a comma: vary a list by its items instead; a value given\n"
  "twice, or one number spelt two ways, is refused). Replicate r\n"
  "of every point uses seed BASE+r (BASE: --seed, else the scenario's seed):\n"
  "common random numbers, so differences between points are not noise from\n"
  "different seeds.\n"
  "\n"
  "options:\n"
  "  --vary KEY=V1,V2,...  a parameter and its values (up to 4 --vary options)\n"
  "  --replicates N    runs per grid point, seeds BASE..BASE+N-1 (default 1;\n"
  "                    with 2 or more the figures get a 95% Student-t interval)\n"
  "  --jobs N          runs at the same time, in worker processes (default: the\n"
  "                    number of online CPUs); results do not depend on N\n"
  "  --threads N       threads per run (default 1)\n"
  "  --no-preflight    skip the memory check (by default every run's peak memory\n"
  "                    is estimated first, --jobs is lowered so that the\n"
  "                    runs at the same time fit, and a sweep whose one run does\n"
  "                    not fit is refused; if the estimate itself fails, the\n"
  "                    sweep stops with exit status 1)\n"
  "  --out DIR         output folder (default: out/sweep-SCENARIO_NAME)\n"
  "  --seed N          base seed\n"
  "  --set KEY=VALUE   override a scenario key for every run (repeatable)\n"
  "  --quiet           no progress line and no summary\n"
  "  --help            this text\n"
  "\n"
  "At most 10000 runs (points x replicates).\n"
  "\n"
  "example: how does the base-rate fallacy move with the base rate?\n"
  "  glasscage sweep builtin:base_rates --set population.size=50000 \\\n"
  "    --vary population.truth.plans_offence.prevalence=0.0005,0.001,0.01,0.05 --replicates 3\n"
  "example: how many listed people must meet before the rule fires, against officer capacity\n"
  "  glasscage sweep builtin:key_persons --set population.size=50000 \\\n"
  "    --vary 'rules[focus_people_meet].min_people=2,3,4' --vary response.capacity_per_day=10,40,160\n";

typedef struct sweep_axis {
  const char *arg;              /* the --vary argument as given (messages, sweep_axis.arg) */
  char *key;                    /* owned: KEY */
  char *buf;                    /* owned: the value list, commas replaced by NULs */
  char **value;                 /* owned array of nvalues pointers into buf */
  int nvalues;
} sweep_axis;

typedef struct sweep {
  const char *file;             /* NULL: the built-in default */
  const char *out;
  const char *sets[SWEEP_MAX_SETS];
  int nsets;
  const char *seed;             /* --seed, or NULL */
  sweep_axis axis[SWEEP_MAX_AXES];
  int naxes;
  int replicates, jobs, threads, quiet, no_preflight;
  const char *display;          /* file name or builtin:NAME */
  const char *text;             /* the scenario text, loaded once for every run */
  char *owned_text;
  size_t len;
  int npoints, nruns;
  uint64_t *base_seed;          /* owned: per point */
  char name[GC_NAME_MAX];       /* the scenario's name */
  int nrules;
  char dir[4096];
} sweep;

/* One task's outcome, in memory shared with the workers. */
enum { SLOT_PENDING = 0, SLOT_DONE = 1, SLOT_FAILED = 2 };
typedef struct sweep_slot {
  int state;
  double metrics[GC_M_N];       /* gc_run_summary */
  double seconds;
  char err[256];
} sweep_slot;

typedef struct sweep_shared {
  int next;                     /* the next task to claim (atomic) */
  int done;                     /* tasks finished (atomic) */
  sweep_slot slot[];
} sweep_shared;

/* Signal handling needs static state, as a handler gets no context (the same
** reasoning as main.c): the parent's workers and temporary files, or in a
** worker its temporary results file. */
static pid_t sig_workers[SWEEP_MAX_JOBS];
static int sig_nworkers;
static char sig_temp[2][4400];
static char sig_rmdir[2][4200];   /* DIR/runs and DIR when this sweep created them (parent only) */

/* Removes the folders this sweep created, where they are empty (rmdir
** leaves any other alone).  Async-signal-safe. */
static void remove_created_dirs(void) {
  for (int i = 0; i < 2; i++)
    if (sig_rmdir[i][0]) rmdir(sig_rmdir[i]);
}

static void on_signal(int sig) {
  for (int i = 0; i < sig_nworkers; i++)
    if (sig_workers[i] > 0) kill(sig_workers[i], SIGTERM);
  /* the workers remove their temporary files; wait for them, so that an
  ** empty runs/ this sweep created can go too */
  for (int i = 0; i < sig_nworkers; i++)
    if (sig_workers[i] > 0) waitpid(sig_workers[i], NULL, 0);
  for (int i = 0; i < 2; i++)
    if (sig_temp[i][0]) unlink(sig_temp[i]);
  remove_created_dirs();
  _exit(128 + sig);
}

static void catch_signals(void) {
  cli_catch_signals(on_signal);
}

static void block_signals(int block, sigset_t *old) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  sigaddset(&s, SIGHUP);
  sigprocmask(block ? SIG_BLOCK : SIG_SETMASK, block ? &s : old, block ? old : NULL);
}


static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "glasscage: sweep: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(try glasscage sweep --help)\n");
  return EXIT_USAGE;
}




static void free_sweep(sweep *s) {
  for (int a = 0; a < s->naxes; a++) {
    free(s->axis[a].key);
    free(s->axis[a].buf);
    free(s->axis[a].value);
  }
  free(s->owned_text);
  free(s->base_seed);
}

/* Whether two --vary values make the same configuration: the same text,
** or two spellings of the same number (100, 1e2, 1_00, 100.0).  Other
** values (words, quoted text, lists) are compared as text. */
static int same_value(const char *a, const char *b) {
  double x, y;
  return !strcmp(a, b) || (gcs_number(a, &x) && gcs_number(b, &y) && x == y);
}

/* Splits "KEY=V1,V2,..." into an axis.  Returns 0 or EXIT_USAGE. */
static int parse_vary(const char *arg, sweep_axis *ax) {
  const char *eq = arg ? strchr(arg, '=') : NULL;
  if (!eq || eq == arg) return usage_error("--vary takes KEY=V1,V2,... (got %s)", arg ? arg : "nothing");
  ax->arg = arg;
  ax->key = strndup(arg, (size_t)(eq - arg));
  ax->buf = strdup(eq + 1);
  size_t n = 1;
  for (const char *p = eq + 1; *p; p++) n += *p == ',';
  ax->value = calloc(n, sizeof *ax->value);
  if (!ax->key || !ax->buf || !ax->value) return usage_error("out of memory%s", "");
  for (char *p = ax->buf, *next; p; p = next) {
    next = strchr(p, ',');
    if (next) *next++ = 0;
    while (*p == ' ') p++;
    size_t l = strlen(p);
    while (l && p[l - 1] == ' ') p[--l] = 0;
    if (!*p) {
      fprintf(stderr, "glasscage: sweep: --vary %s: an empty value (values are separated by commas)\n", arg);
      return EXIT_USAGE;
    }
    ax->value[ax->nvalues++] = p;
  }
  for (int i = 0; i < ax->nvalues; i++)
    for (int j = 0; j < i; j++)
      if (same_value(ax->value[i], ax->value[j])) {
        if (!strcmp(ax->value[i], ax->value[j]))
          fprintf(stderr, "glasscage: sweep: --vary %s: the value \"%s\" is given twice (the same grid point; "
                  "replicates of a point share their seeds)\n", arg, ax->value[i]);
        else
          fprintf(stderr, "glasscage: sweep: --vary %s: \"%s\" and \"%s\" are the same number, so the same grid "
                  "point (replicates of a point share their seeds)\n", arg, ax->value[j], ax->value[i]);
        return EXIT_USAGE;
      }
  if (!strcmp(ax->key, "seed")) {
    fprintf(stderr, "glasscage: sweep: --vary %s: seeds are chosen by --seed and --replicates\n", arg);
    return EXIT_USAGE;
  }
  return 0;
}

/* Returns -1 after printing --help, 0 ok, or EXIT_USAGE. */
static int parse_args(int argc, char **argv, sweep *s) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  s->jobs = cpus < 1 ? 1 : cpus > SWEEP_MAX_JOBS ? SWEEP_MAX_JOBS : (int)cpus;
  s->replicates = 1;
  s->threads = 1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
    int rc;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(usage_sweep, stdout); return -1; }
    if (!strcmp(a, "--vary")) {
      if (s->naxes == SWEEP_MAX_AXES) return usage_error("at most %d --vary options", "4");
      if ((rc = parse_vary(next, &s->axis[s->naxes++]))) return rc;
      for (int b = 0; b + 1 < s->naxes; b++)
        if (!strcmp(s->axis[b].key, s->axis[s->naxes - 1].key)) return usage_error("--vary %s given twice", s->axis[b].key);
      i++;
    } else if (!strcmp(a, "--set")) {
      if (!next || !strchr(next, '=')) return usage_error("--set takes KEY=VALUE%s", "");
      if (s->nsets == SWEEP_MAX_SETS) return usage_error("too many --set options%s", "");
      s->sets[s->nsets++] = argv[++i];
    } else if (!strcmp(a, "--replicates")) {
      if (cli_parse_int(next, 1, SWEEP_MAX_REPLICATES, &s->replicates)) return usage_error("--replicates takes a number from 1 to %s", "1000");
      i++;
    } else if (!strcmp(a, "--jobs")) {
      if (cli_parse_int(next, 1, SWEEP_MAX_JOBS, &s->jobs)) return usage_error("--jobs takes a number from 1 to %s", "256");
      i++;
    } else if (!strcmp(a, "--threads")) {
      if (cli_parse_int(next, 1, 1024, &s->threads)) return usage_error("--threads takes a number from 1 to %s", "1024");
      i++;
    } else if (!strcmp(a, "--out")) {
      if (!next) return usage_error("--out takes a folder%s", "");
      s->out = argv[++i];
    } else if (!strcmp(a, "--seed")) {
      if (!next || !*next || strspn(next, "0123456789") != strlen(next) || strlen(next) > 19)
        return usage_error("--seed takes a whole number (0 to %s)", "9223372036854775807");
      s->seed = argv[++i];
    } else if (!strcmp(a, "--quiet")) {
      s->quiet = 1;
    } else if (!strcmp(a, "--no-preflight")) {
      s->no_preflight = 1;
    } else if (a[0] == '-' && a[1]) {
      return usage_error("unknown option %s", a);
    } else if (s->file) {
      return usage_error("more than one scenario given (%s)", a);
    } else {
      s->file = a;
    }
  }
  if (!s->naxes) return usage_error("nothing to vary: give --vary KEY=V1,V2,...%s", "");
  return 0;
}

/* The grid point with the most agent-days (the first of them). */
static int largest_point(const sweep *s, gc_config *cfg, char *store, size_t cap);
static size_t store_size(const sweep *s);
static int value_index(const sweep *s, int p, int a);
static int point_sets(const sweep *s, int p, int only, int vi, int seed_set, uint64_t seed,
                      const char **sets, char *store, size_t cap);

#define SWEEP_PILOTS 16             /* most pilots the preflight runs (each ~0.1-1 s) */

/* Loads grid point p into cfg.  Returns 0 or -1. */
static int load_point(const sweep *s, int p, gc_config *cfg, char *store, size_t cap) {
  const char *sets[SWEEP_MAX_SETS + SWEEP_MAX_AXES + 1];
  gc_diag *d = gc_diag_new();
  int n = point_sets(s, p, 0, 0, 0, 0, sets, store, cap);
  int bad = !d || gcs_load(s->display, s->text, s->len, sets, n, cfg, d);
  gc_diag_free(d);
  return bad ? -1 : 0;
}

/* The largest peak estimate of the grid's runs into *peak.  The pilot's
** rates are per agent, so the points that differ only in population.size
** share one pilot (that of their largest); anything else may change them
** (days: holidays and windows; inference windows, sensors' coverage), so
** every other combination of values gets its own.  A grid that would need
** more than SWEEP_PILOTS pilots is estimated at its point with the most
** agent-days (*all = 0).  Returns 0 or -1. */
static int grid_estimate(const sweep *s, int threads, gc_config *cfg, char *store, size_t cap, uint64_t *peak,
                         int *all) {
  int sa = -1;
  for (int a = 0; a < s->naxes; a++)
    if (!strcmp(s->axis[a].key, "population.size")) sa = a;
  int nsize = sa >= 0 ? s->axis[sa].nvalues : 1, stride = 1;
  for (int a = sa + 1; sa >= 0 && a < s->naxes; a++) stride *= s->axis[a].nvalues;
  *peak = 0;
  *all = s->npoints / nsize <= SWEEP_PILOTS;
  if (!*all) {
    gc_mem_estimate e;
    if (largest_point(s, cfg, store, cap) < 0 || gc_preflight_estimate(cfg, threads, 0, &e)) return -1;
    *peak = e.total;
    return 0;
  }
  for (int p = 0; p < s->npoints; p++) {
    if (sa >= 0 && value_index(s, p, sa) != 0) continue;      /* one pilot per combination of the others */
    int pilot = p;
    double most = -1;
    for (int v = 0; v < nsize; v++) {
      if (load_point(s, p + v * stride, cfg, store, cap)) return -1;
      if ((double)cfg->population.size > most) most = (double)cfg->population.size, pilot = p + v * stride;
    }
    gc_pilot_rates r;
    if (load_point(s, pilot, cfg, store, cap) || gc_preflight_pilot(cfg, threads, &r)) return -1;
    for (int v = 0; v < nsize; v++) {
      gc_mem_estimate e;
      if (load_point(s, p + v * stride, cfg, store, cap)) return -1;
      gc_preflight_model(cfg, threads, 0, &r, cfg->population.size, &e);
      if (e.total > *peak) *peak = e.total;
    }
  }
  return 0;
}

/* Memory preflight (gc_preflight.c) for the sweep: the peak of the grid's
** largest run (grid_estimate: every point, or the one with the most
** agent-days for a large grid), each of the jobs at once holding one
** run that large.  The pilot starts OpenMP, which the
** parent must not do before it forks its workers, so it runs in a child
** that sends the estimate through a pipe.  Lowers s->jobs so that the runs
** at the same time fit; refuses (exit 2) a sweep whose one run does not. */
static int preflight(sweep *s) {
  int fd[2];
  if (pipe(fd)) return EXIT_RUNTIME;
  pid_t pid = fork();
  if (pid < 0) { close(fd[0]); close(fd[1]); return EXIT_RUNTIME; }
  if (pid == 0) {
    close(fd[0]);
    uint64_t out[3] = {0, 0, 0};            /* estimate, available (0: failed), every point estimated */
    gc_config *cfg = malloc(sizeof *cfg);
    size_t cap = store_size(s);
    char *store = malloc(cap);
    if (cfg && store) {
      uint64_t avail = 0, peak = 0;
      int arc = gc_preflight_available(&avail), all = 0;
      if (arc == -2) {
        out[0] = 1;                           /* a malformed GLASSCAGE_MEMORY_LIMIT */
        out[1] = UINT64_MAX - 1;
      } else if (!grid_estimate(s, s->threads, cfg, store, cap, &peak, &all)) {
        out[0] = peak;
        out[1] = arc ? UINT64_MAX : avail;
        out[2] = (uint64_t)all;
      }
    }
    ssize_t w = write(fd[1], out, sizeof out);
    _exit(w == (ssize_t)sizeof out ? 0 : 1);
  }
  close(fd[1]);
  uint64_t in[3] = {0, 0, 0};
  ssize_t got = read(fd[0], in, sizeof in);
  close(fd[0]);
  int status;
  waitpid(pid, &status, 0);
  if (got != (ssize_t)sizeof in || !in[0]) {
    fprintf(stderr, "glasscage: sweep: the memory preflight failed (--no-preflight skips it)\n");
    return EXIT_RUNTIME;
  }
  if (in[1] == UINT64_MAX - 1) {
    fprintf(stderr, "glasscage: GLASSCAGE_MEMORY_LIMIT takes bytes with an optional K, M or G suffix (e.g. 4G)\n");
    return EXIT_USAGE;
  }
  if (!in[2] && !s->quiet)
    fprintf(stderr, "glasscage: sweep: more than %d combinations of values besides population.size: the memory "
            "preflight estimated only the run with the most agent-days\n", SWEEP_PILOTS);
  char need[32], have[32];
  gc_preflight_format(in[0], need, sizeof need);
  if (in[1] == UINT64_MAX) return EXIT_OK;  /* the available memory is unknown */
  gc_preflight_format(in[1], have, sizeof have);
  uint64_t fit = in[1] / in[0];
  if (fit < 1) {
    fprintf(stderr, "glasscage: sweep: its largest run needs about %s at its peak; %s is available "
            "(lower population.size or days; --no-preflight skips this check; nothing was run)\n", need, have);
    return EXIT_USAGE;
  }
  int runs_at_once = s->jobs < s->nruns ? s->jobs : s->nruns;
  if (fit < (uint64_t)runs_at_once) {
    if (!s->quiet)
      fprintf(stderr, "glasscage: sweep: %llu run%s at a time, not %d: each needs about %s at its peak, "
              "%s is available\n", (unsigned long long)fit, fit == 1 ? "" : "s", runs_at_once, need, have);
    s->jobs = (int)fit;
  }
  return EXIT_OK;
}

/* The value index of axis a at grid point p (the first axis varies slowest). */
static int value_index(const sweep *s, int p, int a) {
  for (int b = s->naxes - 1; b > a; b--) p /= s->axis[b].nvalues;
  return p % s->axis[a].nvalues;
}

/* The overrides of point p (all axes; p < 0: only axis `only`, value `vi`),
** then "seed=N" when seed_set: the --set options first, then KEY=VALUE per
** axis, then the seed, the order `glasscage run --set ... --seed N` gives,
** so that a run's scenario_hash equals that of the same run made by hand.
** The strings live in store.  Returns the count. */
static int point_sets(const sweep *s, int p, int only, int vi, int seed_set, uint64_t seed,
                      const char **sets, char *store, size_t cap) {
  int n = 0;
  size_t used = 0;
  for (int i = 0; i < s->nsets; i++) sets[n++] = s->sets[i];
  for (int a = 0; a < s->naxes; a++) {
    if (p < 0 && a != only) continue;
    int v = p < 0 ? vi : value_index(s, p, a);
    int w = snprintf(store + used, cap - used, "%s=%s", s->axis[a].key, s->axis[a].value[v]);
    if (w < 0 || (size_t)w >= cap - used) break;   /* cannot happen: store is sized for argv */
    sets[n++] = store + used;
    used += (size_t)w + 1;
  }
  if (seed_set && used + 32 < cap) {
    snprintf(store + used, cap - used, "seed=%llu", (unsigned long long)seed);
    sets[n++] = store + used;
  }
  return n;
}

static int largest_point(const sweep *s, gc_config *cfg, char *store, size_t cap) {
  int best = -1;
  double most = -1;
  for (int p = 0; p < s->npoints; p++) {
    if (load_point(s, p, cfg, store, cap)) return -1;
    double ad = (double)cfg->population.size * cfg->days;
    if (ad > most) { most = ad; best = p; }
  }
  return best < 0 || load_point(s, best, cfg, store, cap) ? -1 : best;
}

static size_t store_size(const sweep *s) {
  size_t n = 64;
  for (int a = 0; a < s->naxes; a++) n += strlen(s->axis[a].arg) + 2;
  return n;
}

/* Loads the scenario text once.  Returns 0 or an exit status. */
static int load_text(sweep *s) {
  s->display = s->file ? s->file : "builtin:default";
  if (!strncmp(s->display, "builtin:", 8)) {
    s->text = gcs_builtin_text(s->display + 8, &s->len);
    if (!s->text) return usage_error("no built-in scenario %s (see glasscage scenarios)", s->display + 8);
    return 0;
  }
  if ((s->text = s->owned_text = cli_read_file(s->display, &s->len))) return 0;
  gc_config *cfg = malloc(sizeof *cfg);
  gc_diag *d = gc_diag_new();
  if (cfg && d && gcs_load_file(s->display, NULL, 0, cfg, d)) gc_diag_print(d, stderr);
  else fprintf(stderr, "glasscage: %s: cannot read\n", s->display);
  free(cfg);
  gc_diag_free(d);
  return EXIT_USAGE;
}

/* Prints d's messages after a heading naming what was loaded. */
static void print_errors(const gc_diag *d, const char *heading) {
  fprintf(stderr, "glasscage: sweep: %s:\n", heading);
  for (int i = 0; i < gc_diag_count(d); i++) fprintf(stderr, "  %s\n", gc_diag_msg(d, i));
}

/* Validates the --set options alone, every --vary value on its own (so a
** message can name its --vary argument), then every grid point, and
** records each point's base seed.  Returns 0 or EXIT_USAGE/EXIT_RUNTIME. */
static int validate(sweep *s) {
  gc_config *cfg = malloc(sizeof *cfg);
  gc_diag *d = gc_diag_new();
  size_t cap = store_size(s);
  char *store = malloc(cap), heading[4400];
  const char *sets[SWEEP_MAX_SETS + SWEEP_MAX_AXES + 1];
  s->base_seed = calloc((size_t)s->npoints, sizeof *s->base_seed);
  int rc = EXIT_RUNTIME, bad = 0;
  if (!cfg || !d || !store || !s->base_seed) goto done;
  if (gcs_load(s->display, s->text, s->len, s->sets, s->nsets, cfg, d)) {
    print_errors(d, "the scenario with its --set options");
    rc = EXIT_USAGE;
    goto done;
  }
  snprintf(s->name, sizeof s->name, "%s", cfg->name);
  s->nrules = cfg->nrules;
  for (int a = 0; a < s->naxes; a++) {
    char first[512] = "";          /* a bad key fails every value alike: say it once */
    for (int v = 0; v < s->axis[a].nvalues; v++) {
      gc_diag_free(d);
      if (!(d = gc_diag_new())) goto done;
      int n = point_sets(s, -1, a, v, 0, 0, sets, store, cap);
      if (gcs_load(s->display, s->text, s->len, sets, n, cfg, d)) {
        bad++;
        if (v && !strcmp(first, gc_diag_msg(d, 0))) continue;
        snprintf(first, sizeof first, "%s", gc_diag_msg(d, 0));
        snprintf(heading, sizeof heading, "--vary %s: value \"%s\"", s->axis[a].arg, s->axis[a].value[v]);
        print_errors(d, heading);
      }
    }
  }
  for (int p = 0; !bad && p < s->npoints; p++) {
    gc_diag_free(d);
    if (!(d = gc_diag_new())) goto done;
    int n = point_sets(s, p, 0, 0, 0, 0, sets, store, cap);
    if (gcs_load(s->display, s->text, s->len, sets, n, cfg, d)) {
      size_t used = (size_t)snprintf(heading, sizeof heading, "grid point %d (", p);
      for (int i = s->nsets; i < n && used < sizeof heading; i++)
        used += (size_t)snprintf(heading + used, sizeof heading - used, "%s%s", i > s->nsets ? ", " : "", sets[i]);
      if (used < sizeof heading) snprintf(heading + used, sizeof heading - used, ")");
      print_errors(d, heading);
      bad++;
    } else {
      s->base_seed[p] = s->seed ? strtoull(s->seed, NULL, 10) : cfg->seed;
      if (s->base_seed[p] > (uint64_t)INT64_MAX - (uint64_t)s->replicates) {
        fprintf(stderr, "glasscage: sweep: seed %llu too large for %d replicates\n",
                (unsigned long long)s->base_seed[p], s->replicates);
        bad++;
      }
    }
  }
  rc = bad ? EXIT_USAGE : EXIT_OK;
  if (bad) fprintf(stderr, "glasscage: sweep: nothing was run\n");
done:
  if (rc == EXIT_RUNTIME) fprintf(stderr, "glasscage: out of memory\n");
  free(cfg);
  free(store);
  gc_diag_free(d);
  return rc;
}

static int digits(int n) {
  int d = 1;
  while (n >= 10) { n /= 10; d++; }
  return d;
}

/* "runs/p003-r01.db" into buf (relative to the output folder). */
static void run_file(const sweep *s, int p, int r, char *buf, size_t len) {
  int pw = digits(s->npoints - 1), rw = digits(s->replicates - 1);
  pw = pw < 3 ? 3 : pw > 5 ? 5 : pw;           /* at most 10000 runs */
  rw = rw < 2 ? 2 : rw > 4 ? 4 : rw;
  snprintf(buf, len, "runs/p%0*d-r%0*d.db", pw, p, rw, r);
}

/* One run, in a worker: fills slot and writes the run's results.db. */
static void run_task(const sweep *s, int t, sweep_slot *slot) {
  int p = t / s->replicates, r = t % s->replicates;
  size_t cap = store_size(s);
  char *store = malloc(cap), rel[64], path[4200];
  const char *sets[SWEEP_MAX_SETS + SWEEP_MAX_AXES + 1];
  gc_config *cfg = malloc(sizeof *cfg);
  gc_diag *d = gc_diag_new();
  gc_run *run = NULL;
  char *joined = NULL;
  slot->state = SLOT_FAILED;
  if (!store || !cfg || !d) { snprintf(slot->err, sizeof slot->err, "out of memory"); goto done; }
  uint64_t seed = s->base_seed[p] + (uint64_t)r;
  int n = point_sets(s, p, 0, 0, 1, seed, sets, store, cap);
  if (gcs_load(s->display, s->text, s->len, sets, n, cfg, d)) {
    snprintf(slot->err, sizeof slot->err, "%s", gc_diag_msg(d, 0));
    goto done;
  }
  double t0 = cli_now_seconds();
  if (gc_run_new(cfg, s->threads, &run, slot->err, sizeof slot->err)) goto done;
  double t1 = cli_now_seconds();
  int rc;
  while ((rc = gc_run_step(run)) == GC_OK) {}
  if (rc == GC_ERR_NOMEM || gc_run_summary(run, slot->metrics)) {
    snprintf(slot->err, sizeof slot->err, "out of memory on day %d", gc_run_day(run));
    goto done;
  }
  slot->seconds = cli_now_seconds() - t0;
  run_file(s, p, r, rel, sizeof rel);
  snprintf(path, sizeof path, "%s/%s", s->dir, rel);
  joined = gcs_join_sets(sets, n);
  if (!joined) { snprintf(slot->err, sizeof slot->err, "out of memory"); goto done; }
  /* the scenario text and overrides are stored so `glasscage explain` can replay the run */
  gc_provenance prov = {.scenario = s->display, .scenario_hash = gcs_hash(s->text, s->len, sets, n),
                        .wall_seconds = slot->seconds, .build_seconds = t1 - t0,
                        .scenario_text = s->text, .scenario_len = s->len, .sets = joined};
  gc_results_temp_path(path, sig_temp[0], sizeof sig_temp[0]);
  if (gc_run_write_results(run, path, &prov, NULL, slot->err, sizeof slot->err)) goto done;
  sig_temp[0][0] = 0;
  slot->state = SLOT_DONE;
done:
  free(joined);
  gc_run_free(run);
  gc_diag_free(d);
  free(cfg);
  free(store);
}

static void worker(const sweep *s, sweep_shared *sh) {
  for (;;) {
    int t = __atomic_fetch_add(&sh->next, 1, __ATOMIC_SEQ_CST);
    if (t >= s->nruns) break;
    run_task(s, t, &sh->slot[t]);
    __atomic_fetch_add(&sh->done, 1, __ATOMIC_SEQ_CST);
    if (sh->slot[t].state != SLOT_DONE) {
      __atomic_store_n(&sh->next, s->nruns, __ATOMIC_SEQ_CST);   /* the others stop claiming */
      break;
    }
  }
  _exit(0);
}

static void progress(const sweep *s, int done, double t0, int last) {
  if (s->quiet || !isatty(2)) return;
  double el = cli_now_seconds() - t0, eta = done ? el / done * (s->nruns - done) : 0;
  fprintf(stderr, "\rsweep: %d/%d runs  %.0fs elapsed  ETA %.0fs   ", done, s->nruns, el, eta);
  if (last) fputc('\n', stderr);
}

/* Forks the workers and waits for them.  Returns 0 when every run is done,
** else EXIT_RUNTIME after printing why. */
static int run_grid(const sweep *s, sweep_shared *sh) {
  int jobs = s->jobs < s->nruns ? s->jobs : s->nruns, alive = 0, crashed = 0;
  double t0 = cli_now_seconds();
  fflush(stdout);
  fflush(stderr);
  for (int j = 0; j < jobs; j++) {
    sigset_t old;
    block_signals(1, &old);
    pid_t pid = fork();
    if (pid == 0) {
      sig_nworkers = 0;
      sig_temp[0][0] = sig_temp[1][0] = 0;
      sig_rmdir[0][0] = sig_rmdir[1][0] = 0;
      block_signals(0, &old);
      worker(s, sh);
    }
    if (pid > 0) sig_workers[sig_nworkers++] = pid;
    block_signals(0, &old);
    if (pid < 0) {
      fprintf(stderr, "glasscage: sweep: cannot start a worker: %s\n", strerror(errno));
      __atomic_store_n(&sh->next, s->nruns, __ATOMIC_SEQ_CST);
      crashed = 1;
      break;
    }
    alive++;
  }
  int shown = -1;
  while (alive > 0) {
    int st;
    pid_t pid = waitpid(-1, &st, WNOHANG);
    if (pid > 0) {
      alive--;
      if (!WIFEXITED(st) || WEXITSTATUS(st)) {
        crashed = 1;
        __atomic_store_n(&sh->next, s->nruns, __ATOMIC_SEQ_CST);
      }
      for (int j = 0; j < sig_nworkers; j++)
        if (sig_workers[j] == pid) sig_workers[j] = 0;
      continue;
    }
    if (pid < 0 && errno != EINTR) break;
    int done = __atomic_load_n(&sh->done, __ATOMIC_SEQ_CST);
    if (done != shown) progress(s, shown = done, t0, 0);
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  sig_nworkers = 0;
  for (int t = 0; t < s->nruns; t++)
    if (sh->slot[t].state == SLOT_FAILED) {
      fprintf(stderr, "\nglasscage: sweep: run %d (point %d, replicate %d): %s\n", t, t / s->replicates,
              t % s->replicates, sh->slot[t].err);
      return EXIT_RUNTIME;
    }
  for (int t = 0; t < s->nruns; t++)
    if (sh->slot[t].state != SLOT_DONE) {
      fprintf(stderr, "\nglasscage: sweep: a worker %s before run %d finished\n", crashed ? "crashed" : "stopped", t);
      return EXIT_RUNTIME;
    }
  progress(s, s->nruns, t0, 1);
  return 0;
}

/* ---- sweep.db ------------------------------------------------------- */

static const char *const sweep_schema =
  "CREATE TABLE sweep_info(key TEXT PRIMARY KEY, value TEXT);\n"
  "CREATE TABLE sweep_axis(axis INTEGER PRIMARY KEY, key TEXT, arg TEXT, nvalues INTEGER);\n"
  "CREATE TABLE sweep_point(point INTEGER, axis INTEGER, key TEXT, value TEXT, number REAL,"
  " PRIMARY KEY(point, axis));\n"
  "CREATE TABLE sweep_run(point INTEGER, replicate INTEGER, seed INTEGER, results_file TEXT,"
  " PRIMARY KEY(point, replicate));\n"
  "CREATE TABLE metrics(metric TEXT, scope TEXT, position INTEGER, meaning TEXT, PRIMARY KEY(scope, metric));\n"
  "CREATE TABLE sweep_metric(point INTEGER, replicate INTEGER, metric TEXT, value REAL,"
  " PRIMARY KEY(point, replicate, metric));\n"
  "CREATE TABLE sweep_rule(point INTEGER, replicate INTEGER, rule TEXT, position INTEGER, alerts INTEGER,"
  " people_flagged INTEGER, flagged_with_claim INTEGER, population_with_claim INTEGER, precision REAL,"
  " recall REAL, people_actioned INTEGER, innocent_people_actioned INTEGER, innocent_detention_days INTEGER,"
  " innocent_actions INTEGER, true_detections INTEGER, innocent_per_true_detection REAL,"
  " disparity_ratio REAL, disparity_group TEXT, PRIMARY KEY(point, replicate, rule));\n"
  "CREATE TABLE sweep_summary(point INTEGER, metric TEXT, rule TEXT, n INTEGER, mean REAL, sd REAL,"
  " ci_low REAL, ci_high REAL);\n";

/* The per-rule figures, in the order of sweep_rule's columns, with what
** each means (the metrics table; definitions from docs/results-schema.md). */
static const struct { const char *name, *meaning; } rule_metric[] = {
  {"alerts", "rule triggers over the run (rule_summary.alerts)"},
  {"people_flagged", "distinct people flagged over the run"},
  {"flagged_with_claim", "flagged people who have a condition the rule claims to detect"},
  {"population_with_claim", "people who have a condition the rule claims to detect"},
  {"precision", "share of flagged people who have a condition the rule claims to detect"},
  {"recall", "share of people with a claimed condition whom the rule flagged"},
  {"people_actioned", "distinct people police acted on for the rule"},
  {"innocent_people_actioned", "distinct people acted on without an unlawful condition the rule claims"},
  {"innocent_detention_days", "days of detention imposed on innocent people"},
  {"innocent_actions", "actions on innocent people (the day's and carried-over tasks)"},
  {"true_detections", "actions that found an unlawful condition the person really has"},
  {"innocent_per_true_detection", "innocent actions per true detection (NULL: none, or a lawful claim)"},
  {"disparity_ratio", "largest flag-rate ratio above 1 of a group against its reference group "
                      "(groups of 100+ with 10+ flagged, traits the rule does not select by; NULL: none)"},
};
#define N_RULE_METRICS ((int)(sizeof rule_metric / sizeof rule_metric[0]))

/* One run's per-rule rows (and the all-rules row '*') from its results.db,
** attached as r, with the definitions of docs/results-schema.md:
** rule_summary for counts, precision and recall; true detections are
** findings of rules with an unlawful claim, innocent actions include
** carried-over tasks (as tools/scenario_doc.py); the disparity is the CLI
** summary's "most disproportionate group". */
static const char *const rule_rows_sql =
  "WITH d AS (SELECT d.rule, SUM(d.innocent_actions + d.carried_innocent_actions) AS inn,"
  "   SUM(CASE WHEN x.lawful_claim = 0 THEN d.findings ELSE 0 END) AS found, SUM(d.alerts) AS alerts,"
  "   SUM(d.innocent_detention_days) AS idd"
  "   FROM r.rule_daily d JOIN r.rules x ON x.rule = d.rule GROUP BY d.rule),"
  " w AS (SELECT g.rule, g.trait || '=' || g.value AS grp, g.flag_ratio,"
  "   ROW_NUMBER() OVER (PARTITION BY g.rule ORDER BY g.flag_ratio DESC, g.trait, g.value) AS k"
  "   FROM r.group_disparity g WHERE g.trait != 'all' AND g.value != g.reference AND g.population >= 100"
  "   AND g.flagged >= 10 AND g.flag_ratio > 1 AND NOT EXISTS (SELECT 1 FROM r.rules x"
  "   WHERE (x.rule = g.rule OR g.rule = '*') AND instr(',' || coalesce(x.selects_by, '') || ',',"
  "   ',' || g.trait || ',') > 0)),"
  " a AS (SELECT s.rule, x.position, s.alerts, s.people_flagged, s.flagged_with_claim, s.population_with_claim,"
  "   s.precision, s.recall, s.people_actioned, s.innocent_people_actioned, s.innocent_detention_days,"
  "   d.inn, CASE WHEN s.lawful_claim THEN 0 ELSE d.found END AS found, s.lawful_claim AS lawful"
  "   FROM r.rule_summary s JOIN r.rules x ON x.rule = s.rule JOIN d ON d.rule = s.rule"
  "  UNION ALL SELECT '*', (SELECT COUNT(*) FROM r.rules), (SELECT SUM(alerts) FROM d), g.flagged,"
  "   g.flagged_with_claim, g.with_claim, CAST(g.flagged_with_claim AS REAL) / NULLIF(g.flagged, 0),"
  "   CAST(g.flagged_with_claim AS REAL) / NULLIF(g.with_claim, 0), g.actioned, g.innocent_actioned,"
  "   (SELECT SUM(idd) FROM d), (SELECT SUM(inn) FROM d), (SELECT SUM(found) FROM d),"
  "   (SELECT COUNT(*) > 0 AND MIN(lawful_claim) = 1 FROM r.rules)"
  "   FROM r.group_audit g WHERE g.rule = '*' AND g.trait = 'all')"
  " INSERT INTO sweep_rule SELECT ?1, ?2, a.rule, a.position, a.alerts, a.people_flagged, a.flagged_with_claim,"
  "  a.population_with_claim, a.precision, a.recall, a.people_actioned, a.innocent_people_actioned,"
  "  coalesce(a.innocent_detention_days, 0), coalesce(a.inn, 0), coalesce(a.found, 0),"
  "  CASE WHEN a.lawful THEN NULL ELSE CAST(a.inn AS REAL) / NULLIF(a.found, 0) END, w.flag_ratio, w.grp"
  "  FROM a LEFT JOIN w ON w.rule = a.rule AND w.k = 1 ORDER BY a.position";

typedef struct dbw {
  sqlite3 *db;
  char err[4400];
} dbw;

static int dbfail(dbw *w, const char *what) {
  snprintf(w->err, sizeof w->err, "sweep.db: %s: %s", what, w->db ? sqlite3_errmsg(w->db) : "cannot open");
  return -1;
}

static int exec(dbw *w, const char *sql) {
  return sqlite3_exec(w->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : dbfail(w, "write");
}

static int info_row(sqlite3_stmt *st, const char *k, const char *v) {
  sqlite3_bind_text(st, 1, k, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, v, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

static int write_info(dbw *w, const sweep *s, double secs) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(w->db, "INSERT INTO sweep_info VALUES(?, ?)", -1, &st, NULL)) return dbfail(w, "sweep_info");
  char buf[4][64], keys[1024] = "";
  snprintf(buf[0], sizeof buf[0], "%d", s->replicates);
  snprintf(buf[1], sizeof buf[1], "%llu", (unsigned long long)s->base_seed[0]);
  snprintf(buf[2], sizeof buf[2], "%.3f", secs);
  snprintf(buf[3], sizeof buf[3], "%d", s->jobs < s->nruns ? s->jobs : s->nruns);
  for (int a = 0; a < s->naxes; a++) {
    size_t l = strlen(keys);
    snprintf(keys + l, sizeof keys - l, "%s%s", a ? "," : "", s->axis[a].key);
  }
  char pts[32], runs[32], thr[32];
  snprintf(pts, sizeof pts, "%d", s->npoints);
  snprintf(runs, sizeof runs, "%d", s->nruns);
  snprintf(thr, sizeof thr, "%d", s->threads);
  size_t setlen = 1;
  for (int i = 0; i < s->nsets; i++) setlen += strlen(s->sets[i]) + 1;
  char *sets = calloc(1, setlen);
  if (!sets) { sqlite3_finalize(st); return dbfail(w, "out of memory"); }
  for (int i = 0; i < s->nsets; i++) {
    if (i) strcat(sets, "\n");
    strcat(sets, s->sets[i]);
  }
  int rc = info_row(st, "version", GLASSCAGE_VERSION) || info_row(st, "scenario", s->display) ||
           info_row(st, "scenario_name", s->name) || info_row(st, "varied", keys) ||
           info_row(st, "sets", sets) || info_row(st, "points", pts) || info_row(st, "runs", runs) ||
           info_row(st, "replicates", buf[0]) || info_row(st, "base_seed", buf[1]) ||
           info_row(st, "seeds", s->seed ? "--seed + replicate" : "scenario seed + replicate") ||
           info_row(st, "interval", "95% Student-t over replicates: mean +- t(0.975, n-1) sd / sqrt(n)") ||
           info_row(st, "threads_per_run", thr) || info_row(st, "jobs", buf[3]) ||
           info_row(st, "wall_seconds", buf[2]);
  free(sets);
  sqlite3_finalize(st);
  return rc ? dbfail(w, "sweep_info") : 0;
}

static int write_grid(dbw *w, const sweep *s) {
  sqlite3_stmt *ax = NULL, *pt = NULL, *rn = NULL, *me = NULL;
  int rc = -1;
  if (sqlite3_prepare_v2(w->db, "INSERT INTO sweep_axis VALUES(?, ?, ?, ?)", -1, &ax, NULL) ||
      sqlite3_prepare_v2(w->db, "INSERT INTO sweep_point VALUES(?, ?, ?, ?, ?)", -1, &pt, NULL) ||
      sqlite3_prepare_v2(w->db, "INSERT INTO sweep_run VALUES(?, ?, ?, ?)", -1, &rn, NULL) ||
      sqlite3_prepare_v2(w->db, "INSERT INTO metrics VALUES(?, ?, ?, ?)", -1, &me, NULL)) goto done;
  for (int a = 0; a < s->naxes; a++) {
    sqlite3_bind_int(ax, 1, a);
    sqlite3_bind_text(ax, 2, s->axis[a].key, -1, SQLITE_STATIC);
    sqlite3_bind_text(ax, 3, s->axis[a].arg, -1, SQLITE_STATIC);
    sqlite3_bind_int(ax, 4, s->axis[a].nvalues);
    if (sqlite3_step(ax) != SQLITE_DONE) goto done;
    sqlite3_reset(ax);
  }
  for (int p = 0; p < s->npoints; p++) {
    for (int a = 0; a < s->naxes; a++) {
      const char *v = s->axis[a].value[value_index(s, p, a)];
      char *end;
      double num = strtod(v, &end);
      sqlite3_bind_int(pt, 1, p);
      sqlite3_bind_int(pt, 2, a);
      sqlite3_bind_text(pt, 3, s->axis[a].key, -1, SQLITE_STATIC);
      sqlite3_bind_text(pt, 4, v, -1, SQLITE_STATIC);
      if (*end || end == v || !isfinite(num)) sqlite3_bind_null(pt, 5);
      else sqlite3_bind_double(pt, 5, num);
      if (sqlite3_step(pt) != SQLITE_DONE) goto done;
      sqlite3_reset(pt);
    }
    for (int r = 0; r < s->replicates; r++) {
      char rel[64];
      run_file(s, p, r, rel, sizeof rel);
      sqlite3_bind_int(rn, 1, p);
      sqlite3_bind_int(rn, 2, r);
      sqlite3_bind_int64(rn, 3, (sqlite3_int64)(s->base_seed[p] + (uint64_t)r));
      sqlite3_bind_text(rn, 4, rel, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(rn) != SQLITE_DONE) goto done;
      sqlite3_reset(rn);
    }
  }
  for (int m = 0; m < GC_M_N + N_RULE_METRICS; m++) {
    int run = m < GC_M_N;
    sqlite3_bind_text(me, 1, run ? gc_metric_names[m] : rule_metric[m - GC_M_N].name, -1, SQLITE_STATIC);
    sqlite3_bind_text(me, 2, run ? "run" : "rule", -1, SQLITE_STATIC);
    sqlite3_bind_int(me, 3, run ? m : m - GC_M_N);
    sqlite3_bind_text(me, 4, run ? gc_metric_meanings[m] : rule_metric[m - GC_M_N].meaning, -1, SQLITE_STATIC);
    if (sqlite3_step(me) != SQLITE_DONE) goto done;
    sqlite3_reset(me);
  }
  rc = 0;
done:
  if (rc) dbfail(w, "grid tables");
  sqlite3_finalize(ax);
  sqlite3_finalize(pt);
  sqlite3_finalize(rn);
  sqlite3_finalize(me);
  return rc;
}

/* sweep_metric from the slots and sweep_rule from each run's results.db. */
static int write_runs(dbw *w, const sweep *s, const sweep_shared *sh) {
  sqlite3_stmt *me = NULL, *ru = NULL, *at = NULL;
  int rc = -1;
  if (sqlite3_prepare_v2(w->db, "INSERT INTO sweep_metric VALUES(?, ?, ?, ?)", -1, &me, NULL) ||
      sqlite3_prepare_v2(w->db, "ATTACH ?1 AS r", -1, &at, NULL)) { dbfail(w, "sweep_metric"); goto done; }
  for (int t = 0; t < s->nruns; t++) {
    int p = t / s->replicates, r = t % s->replicates;
    if (exec(w, "BEGIN")) goto done;
    for (int m = 0; m < GC_M_N; m++) {
      sqlite3_bind_int(me, 1, p);
      sqlite3_bind_int(me, 2, r);
      sqlite3_bind_text(me, 3, gc_metric_names[m], -1, SQLITE_STATIC);
      sqlite3_bind_double(me, 4, sh->slot[t].metrics[m]);
      if (sqlite3_step(me) != SQLITE_DONE) { dbfail(w, "sweep_metric"); goto done; }
      sqlite3_reset(me);
    }
    if (exec(w, "COMMIT")) goto done;
    char rel[64], path[4200];
    run_file(s, p, r, rel, sizeof rel);
    snprintf(path, sizeof path, "%s/%s", s->dir, rel);
    sqlite3_bind_text(at, 1, path, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(at) != SQLITE_DONE) { dbfail(w, path); goto done; }
    sqlite3_reset(at);
    if (exec(w, "BEGIN")) goto done;
    if (sqlite3_prepare_v2(w->db, rule_rows_sql, -1, &ru, NULL)) { dbfail(w, "sweep_rule"); goto done; }
    sqlite3_bind_int(ru, 1, p);
    sqlite3_bind_int(ru, 2, r);
    if (sqlite3_step(ru) != SQLITE_DONE) { dbfail(w, "sweep_rule"); goto done; }
    sqlite3_finalize(ru);
    ru = NULL;
    if (exec(w, "COMMIT") || exec(w, "DETACH r")) goto done;
  }
  rc = 0;
done:
  sqlite3_finalize(me);
  sqlite3_finalize(ru);
  sqlite3_finalize(at);
  if (rc && !sqlite3_get_autocommit(w->db)) sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);  /* keeps w->err */
  return rc;
}

/* The 0.975 quantile of Student's t with df degrees of freedom: exact
** values (to 16 digits) up to 30, then the Cornish-Fisher expansion about
** the normal quantile (error below 1e-7 from df 30 on). */
static double t975(int df) {
  static const double table[] = {0, 12.706204736174696, 4.302652729749464, 3.182446305284263,
    2.7764451051977934, 2.570581835636314, 2.4469118511449692, 2.3646242515927844, 2.306004135204166,
    2.2621571628540993, 2.2281388519649385, 2.200985160082949, 2.1788128296634177, 2.1603686564610127,
    2.1447866879169273, 2.131449545559323, 2.1199052992210112, 2.1098155778331806, 2.10092204024096,
    2.0930240544083096, 2.0859634472658644, 2.0796138447276626, 2.073873067904015, 2.0686576104190406,
    2.0638985616280205, 2.059538552753294, 2.055529438642871, 2.0518305164802833, 2.048407141795244,
    2.045229642132703, 2.0422724563012373};
  if (df <= 30) return table[df];
  double z = 1.959963984540054, v = df, z2 = z * z;
  double g1 = (z2 + 1) * z / 4, g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
}

static int put_summary(sqlite3_stmt *st, int p, const char *metric, const char *rule, const double *x, int n) {
  double mean = 0, ss = 0;
  for (int i = 0; i < n; i++) mean += x[i];
  if (n) mean /= n;
  for (int i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  sqlite3_bind_int(st, 1, p);
  sqlite3_bind_text(st, 2, metric, -1, SQLITE_TRANSIENT);
  if (rule) sqlite3_bind_text(st, 3, rule, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(st, 3);
  sqlite3_bind_int(st, 4, n);
  for (int c = 5; c <= 8; c++) sqlite3_bind_null(st, c);
  if (n) sqlite3_bind_double(st, 5, mean);
  if (n >= 2) {
    double sd = sqrt(ss / (n - 1)), h = t975(n - 1) * sd / sqrt(n);
    sqlite3_bind_double(st, 6, sd);
    sqlite3_bind_double(st, 7, mean - h);
    sqlite3_bind_double(st, 8, mean + h);
  }
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* sweep_values (a view: every figure of every run in one long table) and
** sweep_summary over its replicates. */
static int write_summary(dbw *w, const sweep *s) {
  sqlite3_str *v = sqlite3_str_new(w->db);
  sqlite3_str_appendall(v, "CREATE VIEW sweep_values AS SELECT m.point, m.replicate, NULL AS rule,"
                        " -1 AS rule_position, m.metric, k.position AS metric_position, m.value FROM sweep_metric m"
                        " JOIN metrics k ON k.metric = m.metric AND k.scope = 'run'");
  for (int m = 0; m < N_RULE_METRICS; m++)
    sqlite3_str_appendf(v, " UNION ALL SELECT point, replicate, rule, position, '%s', %d, %s"
                        " FROM sweep_rule", rule_metric[m].name, m, rule_metric[m].name);
  int bad = sqlite3_str_errcode(v);
  char *sql = sqlite3_str_finish(v);
  int rc = bad || !sql ? dbfail(w, "out of memory") : exec(w, sql);
  sqlite3_free(sql);
  if (rc) return rc;
  sqlite3_stmt *q = NULL, *ins = NULL;
  double *x = malloc(sizeof *x * (size_t)s->replicates);
  rc = -1;
  if (!x || sqlite3_prepare_v2(w->db, "SELECT point, rule, metric, value FROM sweep_values"
                               " ORDER BY point, rule_position, metric_position, replicate", -1, &q, NULL) ||
      sqlite3_prepare_v2(w->db, "INSERT INTO sweep_summary VALUES(?, ?, ?, ?, ?, ?, ?, ?)", -1, &ins, NULL))
    goto done;
  int cur = -1, nx = 0, step;
  char metric[64] = "", rule[GC_NAME_MAX + 8] = "";
  int has_rule = 0;
  while ((step = sqlite3_step(q)) == SQLITE_ROW) {
    int p = sqlite3_column_int(q, 0);
    const char *r = (const char *)sqlite3_column_text(q, 1), *m = (const char *)sqlite3_column_text(q, 2);
    if (p != cur || strcmp(m, metric) || (r != NULL) != has_rule || (r && strcmp(r, rule))) {
      if (cur >= 0 && put_summary(ins, cur, metric, has_rule ? rule : NULL, x, nx)) goto done;
      cur = p;
      nx = 0;
      snprintf(metric, sizeof metric, "%s", m);
      has_rule = r != NULL;
      snprintf(rule, sizeof rule, "%s", r ? r : "");
    }
    if (sqlite3_column_type(q, 3) != SQLITE_NULL && nx < s->replicates) x[nx++] = sqlite3_column_double(q, 3);
  }
  if (step != SQLITE_DONE || (cur >= 0 && put_summary(ins, cur, metric, has_rule ? rule : NULL, x, nx))) goto done;
  rc = 0;
done:
  if (rc) dbfail(w, "sweep_summary");
  free(x);
  sqlite3_finalize(q);
  sqlite3_finalize(ins);
  return rc;
}

/* Writes DIR/sweep.db through a temporary file.  Returns 0 or EXIT_RUNTIME. */
static int write_db(const sweep *s, const sweep_shared *sh, double secs) {
  char path[4200];
  snprintf(path, sizeof path, "%s/sweep.db", s->dir);
  gc_results_temp_path(path, sig_temp[0], sizeof sig_temp[0]);
  remove(sig_temp[0]);
  dbw w = {NULL, ""};
  int rc = -1;
  if (sqlite3_open_v2(sig_temp[0], &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    dbfail(&w, "cannot create");
    goto done;
  }
  /* No journal: the file is renamed into place only when complete.  Each
  ** run's results.db is attached outside a transaction (SQLite cannot
  ** detach inside one), so the tables are written in a few transactions. */
  if (exec(&w, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN") || exec(&w, sweep_schema) ||
      write_info(&w, s, secs) || write_grid(&w, s) || exec(&w, "COMMIT") || write_runs(&w, s, sh) ||
      exec(&w, "BEGIN") || write_summary(&w, s) || exec(&w, "COMMIT"))
    goto done;
  if (sqlite3_close_v2(w.db) != SQLITE_OK) { w.db = NULL; dbfail(&w, "cannot close"); goto done; }
  w.db = NULL;
  if (rename(sig_temp[0], path)) { snprintf(w.err, sizeof w.err, "%s: cannot rename into place", path); goto done; }
  rc = 0;
done:
  if (w.db) sqlite3_close_v2(w.db);
  if (rc) {
    remove(sig_temp[0]);
    fprintf(stderr, "glasscage: %s\n", w.err);
  }
  sig_temp[0][0] = 0;
  return rc ? EXIT_RUNTIME : 0;
}

/* ---- sweep.html ----------------------------------------------------- */

static const struct { const char *id, *sql; } page_data[] = {
  {"sweep-info", "SELECT key, value FROM sweep_info ORDER BY rowid"},
  {"sweep-axes", "SELECT axis, key, nvalues FROM sweep_axis ORDER BY axis"},
  {"sweep-points", "SELECT point, axis, key, value, number FROM sweep_point ORDER BY point, axis"},
  {"sweep-metrics", "SELECT metric, scope, position, meaning FROM metrics ORDER BY scope, position"},
  {"sweep-rules", "SELECT rule, MIN(position) AS position FROM sweep_rule GROUP BY rule ORDER BY position"},
  {"sweep-summary", "SELECT rowid AS row, point, metric, rule, n, mean, sd, ci_low, ci_high FROM sweep_summary"
                    " ORDER BY rowid"},
};

static void page_body(FILE *f, const sweep *s) {
  fputs("<header><h1>Parameter sweep: ", f);
  gc_html_text(f, s->name);
  fputs("</h1>\n<p class=\"lede\">The scenario <code>", f);
  gc_html_text(f, s->display);
  fprintf(f, "</code> was run %d times: %d combination%s of the values below, each with %d seed%s. "
          "Synthetic people only.</p>\n<ul class=\"varied\">", s->nruns, s->npoints, s->npoints == 1 ? "" : "s",
          s->replicates, s->replicates == 1 ? "" : "s");
  for (int a = 0; a < s->naxes; a++) {
    fputs("<li><code>", f);
    gc_html_text(f, s->axis[a].key);
    fputs("</code>: ", f);
    for (int v = 0; v < s->axis[a].nvalues; v++) {
      if (v) fputs(", ", f);
      gc_html_text(f, s->axis[a].value[v]);
    }
    fputs("</li>", f);
  }
  fputs("</ul>\n<p>Every combination uses the same seeds (common random numbers): differences between "
        "combinations come from the parameters, not from luck of the draw.", f);
  if (s->replicates > 1)
    fputs(" Bars show 95% intervals for the mean over the seeds (Student t); they say how much the "
          "figure moves between seeds, not how wrong the model's assumptions might be.", f);
  else
    fputs(" With one seed per combination there are no intervals: rerun with --replicates 3 or more "
          "before quoting a small difference.", f);
  fputs("</p></header>\n<main id=\"sweep\"></main>\n", f);
}

/* Writes DIR/sweep.html from the finished sweep.db.  Returns 0 or EXIT_RUNTIME. */
static int write_page(const sweep *s) {
  char db_path[4200], path[4200], err[4400] = "";
  snprintf(db_path, sizeof db_path, "%s/sweep.db", s->dir);
  snprintf(path, sizeof path, "%s/sweep.html", s->dir);
  gc_results_temp_path(path, sig_temp[1], sizeof sig_temp[1]);
  sqlite3 *db = NULL;
  FILE *f = NULL;
  int rc = -1;
  if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, sizeof err, "%s: %s", db_path, db ? sqlite3_errmsg(db) : "cannot open");
    goto done;
  }
  if (!(f = fopen(sig_temp[1], "w"))) { snprintf(err, sizeof err, "%s: %s", sig_temp[1], strerror(errno)); goto done; }
  char title[GC_NAME_MAX + 32];
  snprintf(title, sizeof title, "glasscage sweep: %s", s->name);
  gc_html_begin(f, title, "sweep.css");
  page_body(f, s);
  for (size_t i = 0; i < sizeof page_data / sizeof page_data[0]; i++) {
    gc_html_data(f, page_data[i].id);
    if (gc_json_query(f, db, page_data[i].sql, err, sizeof err)) goto done;
    fputs("</script>\n", f);
  }
  gc_html_end(f, "sweep.js");
  int bad = ferror(f);
  bad |= fclose(f);
  f = NULL;
  if (bad) { snprintf(err, sizeof err, "%s: write error", sig_temp[1]); goto done; }
  if (rename(sig_temp[1], path)) { snprintf(err, sizeof err, "%s: cannot rename into place", path); goto done; }
  rc = 0;
done:
  if (f) fclose(f);
  if (db) sqlite3_close_v2(db);
  if (rc) {
    remove(sig_temp[1]);
    fprintf(stderr, "glasscage: sweep.html: %s\n", err);
  }
  sig_temp[1][0] = 0;
  return rc ? EXIT_RUNTIME : 0;
}

/* A varied key's short name for the terminal: its last path component
** ("rate" for activity.behaviours.hotel_local.rate), or the whole key
** when another varied key ends the same way. */
static const char *short_key(const sweep *s, int a) {
  const char *k = s->axis[a].key, *dot = strrchr(k, '.'), *mine = dot ? dot + 1 : k;
  for (int b = 0; b < s->naxes; b++) {
    const char *o = s->axis[b].key, *od = strrchr(o, '.');
    if (b != a && !strcmp(mine, od ? od + 1 : o)) return k;
  }
  return mine;
}

/* A few lines for the terminal: the all-rules row per point, one column
** per varied key. */
static void print_summary(const sweep *s, double secs) {
  char path[4200];
  snprintf(path, sizeof path, "%s/sweep.db", s->dir);
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  printf("glasscage %s sweep: %s, %d points x %d replicates = %d runs in %.1fs\n", GLASSCAGE_VERSION, s->name,
         s->npoints, s->replicates, s->nruns, secs);
  int width[SWEEP_MAX_AXES];
  for (int a = 0; a < s->naxes; a++) {
    width[a] = (int)strlen(short_key(s, a));
    for (int v = 0; v < s->axis[a].nvalues; v++)
      if ((int)strlen(s->axis[a].value[v]) > width[a]) width[a] = (int)strlen(s->axis[a].value[v]);
  }
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT p.point,"
                         " (SELECT mean FROM sweep_summary WHERE point = p.point AND rule = '*' AND metric = 'people_flagged'),"
                         " (SELECT mean FROM sweep_summary WHERE point = p.point AND rule = '*' AND metric = 'precision'),"
                         " (SELECT mean FROM sweep_summary WHERE point = p.point AND rule = '*'"
                         "  AND metric = 'innocent_people_actioned')"
                         " FROM sweep_point p GROUP BY p.point ORDER BY p.point", -1, &q, NULL) == SQLITE_OK) {
    for (int line = 0; line < 2; line++) {
      printf("%-5s", line ? "" : "point");
      for (int a = 0; a < s->naxes; a++) printf(" %-*s", width[a], line ? "" : short_key(s, a));
      printf(" %12s %9s %12s\n", line ? "(mean)" : "flagged", line ? "(mean)" : "precision", line ? "actioned" : "innocent");
    }
    while (sqlite3_step(q) == SQLITE_ROW) {
      int p = sqlite3_column_int(q, 0);
      char prec[16] = "-";
      if (sqlite3_column_type(q, 2) != SQLITE_NULL) snprintf(prec, sizeof prec, "%.1f%%", 100 * sqlite3_column_double(q, 2));
      printf("%-5d", p);
      for (int a = 0; a < s->naxes; a++)
        printf(" %-*s", width[a], p >= 0 && p < s->npoints ? s->axis[a].value[value_index(s, p, a)] : "?");
      printf(" %12.1f %9s %12.1f\n", sqlite3_column_double(q, 1), prec, sqlite3_column_double(q, 3));
    }
  }
  sqlite3_finalize(q);
  sqlite3_close_v2(db);
  printf("results: %s and %s/sweep.html (each run's results.db under %s/runs/)\n", path, s->dir, s->dir);
  printf("explore: sqlite3 %s 'SELECT * FROM sweep_summary'   (tables: docs/results-schema.md)\n", path);
}

/* Whether name is a run file, p<digits>-r<digits>.db, exactly. */
static int is_run_file(const char *name) {
  const char *p = name;
  if (*p++ != 'p' || !(*p >= '0' && *p <= '9')) return 0;
  while (*p >= '0' && *p <= '9') p++;
  if (*p++ != '-' || *p++ != 'r' || !(*p >= '0' && *p <= '9')) return 0;
  while (*p >= '0' && *p <= '9') p++;
  return !strcmp(p, ".db");
}

/* An earlier sweep into the same folder: its run files that this sweep
** does not write (runs/p*-r*.db, nothing else) are removed, so runs/ holds
** this sweep's runs only; its sweep.db and sweep.html are removed as well,
** as they describe runs this sweep replaces.  Returns 0 or EXIT_RUNTIME. */
static int clear_earlier(const sweep *s, const char *runs) {
  DIR *dh = opendir(runs);
  if (!dh) {
    fprintf(stderr, "glasscage: cannot read folder %s: %s\n", runs, strerror(errno));
    return EXIT_RUNTIME;
  }
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(dh))) {
    if (!is_run_file(e->d_name)) continue;
    long p = strtol(e->d_name + 1, NULL, 10), r = strtol(strchr(e->d_name, 'r') + 1, NULL, 10);
    char rel[64], path[4500];
    if (p < s->npoints && r < s->replicates) {
      run_file(s, (int)p, (int)r, rel, sizeof rel);
      if (!strcmp(rel + 5, e->d_name)) continue;       /* this sweep writes it anew */
    }
    snprintf(path, sizeof path, "%s/%s", runs, e->d_name);
    if (unlink(path) && errno != ENOENT) {
      fprintf(stderr, "glasscage: cannot remove %s (from an earlier sweep): %s\n", path, strerror(errno));
      rc = EXIT_RUNTIME;
    }
  }
  closedir(dh);
  for (int i = 0; !rc && i < 2; i++) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", s->dir, i ? "sweep.html" : "sweep.db");
    if (unlink(path) && errno != ENOENT) {
      fprintf(stderr, "glasscage: cannot remove %s (from an earlier sweep): %s\n", path, strerror(errno));
      rc = EXIT_RUNTIME;
    }
  }
  return rc;
}

int gc_cli_sweep(int argc, char **argv) {
  sweep s;
  memset(&s, 0, sizeof s);
  sweep_shared *sh = MAP_FAILED;
  size_t shsize = 0;
  int rc = parse_args(argc, argv, &s);
  if (rc) { free_sweep(&s); return rc < 0 ? EXIT_OK : rc; }
  long long npoints = 1;
  for (int a = 0; a < s.naxes; a++) npoints *= s.axis[a].nvalues;
  if (npoints * s.replicates > SWEEP_MAX_RUNS) {
    fprintf(stderr, "glasscage: sweep: %lld points x %d replicates = %lld runs; at most %d runs in one sweep "
            "(nothing was run)\n", npoints, s.replicates, npoints * s.replicates, SWEEP_MAX_RUNS);
    free_sweep(&s);
    return EXIT_USAGE;
  }
  s.npoints = (int)npoints;
  s.nruns = s.npoints * s.replicates;
  if ((rc = load_text(&s)) || (rc = validate(&s)) || (!s.no_preflight && (rc = preflight(&s)))) goto done;
  if (s.out) snprintf(s.dir, sizeof s.dir, "%s", s.out);
  else {                              /* the scenario's name, made safe as one folder name */
    char safe[256];
    cli_folder_name(s.name, safe, sizeof safe);
    snprintf(s.dir, sizeof s.dir, "out/sweep-%s", safe);
  }
  char runs[4200];
  snprintf(runs, sizeof runs, "%s/runs", s.dir);
  catch_signals();                     /* from here on an interrupt cleans up */
  struct stat st;
  int dir_existed = !stat(s.dir, &st), runs_existed = !stat(runs, &st);
  if (cli_make_dirs(runs)) {
    fprintf(stderr, "glasscage: cannot create folder %s: %s\n", runs, strerror(errno));
    rc = EXIT_RUNTIME;
    goto done;
  }
  if (!runs_existed) snprintf(sig_rmdir[0], sizeof sig_rmdir[0], "%s", runs);
  if (!dir_existed) snprintf(sig_rmdir[1], sizeof sig_rmdir[1], "%s", s.dir);
  if ((rc = clear_earlier(&s, runs))) goto done;
  shsize = sizeof *sh + sizeof(sweep_slot) * (size_t)s.nruns;
  sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) {
    fprintf(stderr, "glasscage: out of memory\n");
    rc = EXIT_RUNTIME;
    goto done;
  }
  double t0 = cli_now_seconds();
  if ((rc = run_grid(&s, sh)) || (rc = write_db(&s, sh, cli_now_seconds() - t0)) || (rc = write_page(&s))) goto done;
  if (!s.quiet) print_summary(&s, cli_now_seconds() - t0);
done:
  if (rc) remove_created_dirs();
  sig_rmdir[0][0] = sig_rmdir[1][0] = 0;
  if (sh != MAP_FAILED) munmap(sh, shsize);
  free_sweep(&s);
  return rc;
}
