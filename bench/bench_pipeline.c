/*
** bench_pipeline.c — glasscage's side of the NumPy peer (bench/numpy_peer.sh):
** the whole pipeline's throughput, and the tallies the peer's statistical
** equivalence check compares.
**
** usage: bench_pipeline [POPULATION [DAYS [THREADS [SCENARIO.yaml]]]]
**        (default 1000000 7 0 builtin:default; THREADS 0: all)
**
** It runs the scenario as bench_core does (build apart, then every day:
** activity, sensors, rules, response, audit) and prints "key value" lines:
** agent-days, seconds and agent-days/s of the days (building the city is
** build_seconds, not counted), observations, the true stays per place type
** (the audit's ground-truth tally), ID scans per place type (hotels split
** into the home city's and other regions'), each rule's alerts (triggers,
** as rule_daily.alerts) and peak RSS; cpu_seconds is the process's CPU time
** over the same days (all threads).  The ID scans are counted by a day sink;
** its time is measured and taken out of `seconds` and `cpu_seconds`
** (sink_seconds), so the tally costs the timed figures nothing.
*/
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "bench_util.h"
#include "gc_names.h"
#include "glasscage.h"

/* ID-scan categories the peer reproduces (hotels split by region). */
enum { SCAN_HOTEL_LOCAL = 0, SCAN_HOTEL_AWAY, SCAN_STATION, SCAN_CHECKPOINT, SCAN_OTHER, SCAN_N };
static const char *const scan_names[SCAN_N] = {"hotel_local", "hotel_away", "station", "checkpoint", "other"};

typedef struct tally {
  unsigned long long scans[SCAN_N];
  double seconds;               /* time spent in the sink */
} tally;

/* CPU seconds of the whole process (all threads): less sensitive than the
** wall clock to other jobs on a shared machine, for one thread at least. */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int scan_category(const gc_obs *o) {
  switch (o->sub) {
  case GC_PLACE_HOTEL: return (o->flags & GC_OBSF_LOCAL_HOTEL) ? SCAN_HOTEL_LOCAL : SCAN_HOTEL_AWAY;
  case GC_PLACE_STATION: return SCAN_STATION;
  case GC_PLACE_CHECKPOINT: return SCAN_CHECKPOINT;
  default: return SCAN_OTHER;
  }
}

static int count_scans(void *ctx, const gc_day_view *v) {
  tally *t = ctx;
  double t0 = bench_now();
  for (size_t i = 0; i < v->nobs; i++)
    if (v->obs[i].kind == GC_OBS_ID_SCAN) t->scans[scan_category(&v->obs[i])]++;
  t->seconds += bench_now() - t0;
  return 0;
}

/* The audit's per-day ground truth summed over the run. */
static void print_truth(const gc_audit *a, int days) {
  unsigned long long stays[GC_PLACE_NTYPES] = {0};
  for (int d = 0; d < days; d++)
    for (int t = 0; t < GC_PLACE_NTYPES; t++) stays[t] += a->daily[d].truth.stays[t];
  for (int t = GC_PLACE_HOME + 1; t < GC_PLACE_NTYPES; t++)
    printf("stays_%s %llu\n", gc_place_type_name(t), stays[t]);
}

static void print_observed(const gc_run *run, const gc_config *cfg, const tally *t) {
  const gc_audit *a = gc_run_audit(run);
  unsigned long long scans = 0;
  for (int k = 0; k < SCAN_N; k++) scans += t->scans[k];
  printf("observations %llu\nid_scans %llu\n", (unsigned long long)gc_run_observations(run), scans);
  for (int k = 0; k < SCAN_N; k++) printf("id_scans_%s %llu\n", scan_names[k], t->scans[k]);
  for (int r = 0; r < cfg->nrules; r++)
    printf("alerts_%s %llu\n", cfg->rule[r].name, (unsigned long long)gc_audit_rule_total(a, r).alerts);
}

int main(int argc, char **argv) {
  long long pop = argc > 1 ? atoll(argv[1]) : 1000000;
  int days = argc > 2 ? atoi(argv[2]) : 7, threads = argc > 3 ? atoi(argv[3]) : 0;
  const char *file = argc > 4 ? argv[4] : NULL;
  if (pop < 1 || days < 1 || threads < 0) {
    fprintf(stderr, "usage: bench_pipeline [POPULATION [DAYS [THREADS [SCENARIO.yaml]]]]\n");
    return 2;
  }
#ifdef _OPENMP
  if (threads > 0) omp_set_num_threads(threads);
#endif
  static gc_config cfg;
  if (bench_load(file, pop, days, &cfg)) return 2;
  gc_run *run;
  char err[256];
  double t0 = bench_now();
  if (gc_run_new(&cfg, threads, &run, err, sizeof err)) { fprintf(stderr, "bench_pipeline: %s\n", err); return 1; }
  static tally t;
  gc_day_sink sink = {NULL, count_scans, &t};
  gc_run_set_sink(run, &sink);
  double t1 = bench_now(), c1 = cpu_now();
  int rc;
  while ((rc = gc_run_step(run)) == GC_OK) {}
  double sim = bench_now() - t1 - t.seconds, cpu = cpu_now() - c1 - t.seconds;
  if (rc != GC_DONE) { fprintf(stderr, "bench_pipeline: out of memory\n"); return 1; }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double ad = (double)pop * days;
  printf("glasscage pipeline: %s scenario, %lld agents x %d days, %d threads\n", cfg.name, pop, days,
         gc_run_threads(run));
  printf("agent_days %.0f\nthreads %d\nbuild_seconds %.3f\nseconds %.3f\nagent_days_per_second %.0f\n", ad,
         gc_run_threads(run), t1 - t0, sim, ad / sim);
  printf("cpu_seconds %.3f\nsink_seconds %.3f\n", cpu, t.seconds);
  print_observed(run, &cfg, &t);
  print_truth(gc_run_audit(run), days);
  printf("peak_rss_mib %.1f\n", ru.ru_maxrss / 1024.0);
  gc_run_free(run);
  return 0;
}
