/*
** bench_rules.c — glasscage's side of the DuckDB peer (bench/peers.sh):
** rule-evaluation time on a run's observations, and those observations
** exported for the peer.
**
** usage: bench_rules OUTDIR [POPULATION [DAYS [REPEATS [SCENARIO.yaml]]]]
**        (default 1000000 7 3 builtin:default)
**
** It runs the scenario with the observation exporter (gc_obsexport.h) as its
** day sink, so OUTDIR gets exactly what the rules read.  In the same sink it
** evaluates, on the same observations, REPEATS extra compiled copies of the
** scenario's copresence and frequency rules whose selectors are list-only
** (the rules the SQL peer reproduces) and times each copy's gc_rules_day;
** per day the fastest copy counts (best of REPEATS; the copies keep their own
** window state, so every copy sees the same day in the same state).  The copies'
** alerts must equal the run's own alerts for those rules, which is checked.
** Export writing and simulation are not timed.  Peak RSS is the whole
** process (simulation included).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "gc_obsexport.h"
#include "gc_rules.h"
#include "gc_scenario.h"
#include "bench_util.h"
#include "glasscage.h"

#define MAX_REPEATS 10


typedef struct bench {
  gc_obsx *obsx;
  gc_rules *copy[MAX_REPEATS];
  int repeats;
  int map[GC_MAX_RULES];          /* copy's rule index -> scenario rule index */
  int nmap;
  gc_alert_buf out;
  double seconds;                 /* sum over days of the best copy's time */
  unsigned long long obs, alerts;
  int mismatch;
} bench;

/* The rules the SQL peer reproduces: copresence and frequency with
** everyone or list-only selectors (rules.csv's selector column). */
static int peer_rule(const gc_rule_cfg *rc) {
  if (rc->kind != GC_RULE_COPRESENCE && rc->kind != GC_RULE_FREQUENCY) return 0;
  if (rc->who.everyone) return 1;
  for (int k = 0; k < rc->who.nany; k++) if (rc->who.any[k].kind != GC_COND_LIST) return 0;
  for (int k = 0; k < rc->who.nall; k++) if (rc->who.all[k].kind != GC_COND_LIST) return 0;
  return 1;
}

/* The run's alerts of scenario rule `rule`, in order, against the copy's. */
static int same_alerts(const gc_day_view *v, const gc_alert_buf *c, const int *map) {
  size_t j = 0;
  for (size_t i = 0; i < c->n; i++) {
    int rule = map[c->a[i].rule];
    while (j < v->nalerts && v->alerts[j].rule < rule) j++;
    if (j >= v->nalerts || v->alerts[j].rule != rule || v->alerts[j].person != c->a[i].person ||
        v->alerts[j].count != c->a[i].count) return 0;
    j++;
  }
  size_t expect = 0;
  for (size_t i = 0; i < v->nalerts; i++)
    for (int k = 0; k < GC_MAX_RULES && map[k] >= 0; k++) expect += v->alerts[i].rule == map[k];
  return expect == c->n;
}

/* The kinds' ranges of a day the run gathered grouped by kind (as the day
** loop hands it to the rules); NULL if it is not grouped. */
static const gc_obs_kinds *kinds_of(const gc_day_view *v, gc_obs_kinds *k) {
  size_t count[GC_OBS_NKINDS] = {0};
  for (size_t i = 0; i < v->nobs; i++) {
    if (i && v->obs[i].kind < v->obs[i - 1].kind) return NULL;
    count[v->obs[i].kind]++;
  }
  k->start[0] = 0;
  for (int j = 0; j < GC_OBS_NKINDS; j++) k->start[j + 1] = k->start[j] + count[j];
  return k;
}

static int after_rules(void *ctx, const gc_day_view *v) {
  bench *b = ctx;
  double best = 1e300;
  gc_obs_kinds kk;
  const gc_obs_kinds *kinds = kinds_of(v, &kk);     /* not timed: the day loop's gathering makes it */
  for (int k = 0; k < b->repeats; k++) {
    double t0 = bench_now();
    if (gc_rules_day(b->copy[k], v->day, v->obs, v->nobs, kinds, &b->out) || b->out.oom) return -1;
    double el = bench_now() - t0;
    best = el < best ? el : best;
    if (!same_alerts(v, &b->out, b->map)) b->mismatch = 1;
  }
  b->seconds += best;
  b->obs += v->nobs;
  b->alerts += b->out.n;
  return gc_obsx_write_day(b->obsx, v);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_rules OUTDIR [POPULATION [DAYS [REPEATS [SCENARIO.yaml]]]]\n");
    return 2;
  }
  const char *outdir = argv[1];
  long long pop = argc > 2 ? atoll(argv[2]) : 1000000;
  int days = argc > 3 ? atoi(argv[3]) : 7, repeats = argc > 4 ? atoi(argv[4]) : 3;
  const char *file = argc > 5 ? argv[5] : NULL;
  if (repeats < 1 || repeats > MAX_REPEATS) { fprintf(stderr, "bench_rules: REPEATS is 1 to %d\n", MAX_REPEATS); return 2; }
  static gc_config cfg, peer;
  if (bench_load(file, pop, days, &cfg)) return 2;
  static bench b;
  b.repeats = repeats;
  peer = cfg;                                /* the same scenario with only the peer's rules */
  peer.nrules = 0;
  for (int i = 0; i < GC_MAX_RULES; i++) b.map[i] = -1;
  for (int i = 0; i < cfg.nrules; i++)
    if (peer_rule(&cfg.rule[i])) {
      b.map[peer.nrules] = i;
      peer.rule[peer.nrules++] = cfg.rule[i];
    }
  gc_run *run;
  char err[512];
  if (gc_run_new(&cfg, 0, &run, err, sizeof err)) { fprintf(stderr, "bench_rules: %s\n", err); return 1; }
  /* The copies read lists and traits from the run's population, as the
  ** run's own rules do; without score rules they never write it. */
  gc_population *pp = (gc_population *)gc_run_population(run);
  for (int k = 0; k < repeats; k++)
    if (!(b.copy[k] = gc_rules_new(&peer, gc_run_world(run), pp))) { fprintf(stderr, "bench_rules: out of memory\n"); return 1; }
  if (!(b.obsx = gc_obsx_open(outdir, run, err, sizeof err))) { fprintf(stderr, "bench_rules: %s\n", err); return 1; }
  gc_day_sink sink = {NULL, after_rules, &b};
  gc_run_set_sink(run, &sink);
  int rc;
  while ((rc = gc_run_step(run)) == GC_OK) {}
  if (rc != GC_DONE) {
    fprintf(stderr, "bench_rules: %s\n", rc == GC_ERR_IO ? gc_obsx_error(b.obsx) : "out of memory");
    return 1;
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("glasscage rules: %s scenario, %lld agents x %d days, rules:", cfg.name, pop, days);
  for (int k = 0; k < peer.nrules; k++) printf(" %s", peer.rule[k].name);
  printf("\n");
  printf("observations %llu\nalerts %llu\nrule_seconds %.6f\nobs_per_second %.0f\npeak_rss_mib %.1f\nself_check %s\n",
         b.obs, b.alerts, b.seconds, b.seconds > 0 ? b.obs / b.seconds : 0.0, ru.ru_maxrss / 1024.0,
         b.mismatch ? "MISMATCH" : "MATCH");
  for (int k = 0; k < repeats; k++) gc_rules_free(b.copy[k]);
  gc_alert_buf_free(&b.out);
  gc_obsx_free(b.obsx);
  gc_run_free(run);
  return b.mismatch ? 1 : 0;
}
