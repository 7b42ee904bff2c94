/*
** bench_core.c — throughput and memory of the whole pipeline, against the
** machine's own limits measured in the same process run.
**
** usage: bench_core [POPULATION [DAYS [THREADS [SCENARIO.yaml]]]]   (default 1000000 30 0 builtin:default)
**
** It runs the built-in default scenario (or SCENARIO.yaml) at POPULATION agents for DAYS days
** and prints agent-days/s, events/s, observations/s, alerts/s, peak RSS and
** bytes per agent.  Because these machines are noisy, absolute figures are
** paired with two peers measured right after, on the same threads:
**   - Philox4x32-10 calls per second (the generator every draw goes through),
**   - memory bandwidth (bytes/s of a large memcpy).
** The ratios (Philox-call equivalents per agent-day, bytes of bandwidth per
** agent-day) move much less between runs than the absolute numbers.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "gc_scenario.h"
#include "gc_rng.h"
#include "bench_util.h"
#include "glasscage.h"


static double peak_rss_bytes(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss * 1024.0;
}

/* Philox calls per second over all threads. */
static double philox_rate(void) {
  const uint32_t n = 20000000;
  uint32_t sink = 0;
  double t0 = bench_now();
  #pragma omp parallel for reduction(^:sink) schedule(static)
  for (uint32_t i = 0; i < n; i++) {
    philox4x32_ctr_t r = gc_rng4(gc_rng_key_make(1, 1), i, 0, 0);
    sink ^= r.v[0];
  }
  double el = bench_now() - t0;
  if (sink == 42) puts("");          /* keep the loop */
  return n / el;
}

/* memcpy bandwidth (bytes read + written per second), all threads. */
static double memory_bandwidth(void) {
  size_t n = (size_t)256 << 20;
  char *a = malloc(n), *b = malloc(n);
  if (!a || !b) { free(a); free(b); return 0; }
  memset(a, 1, n);
  memset(b, 2, n);
  double best = 0;
  for (int rep = 0; rep < 3; rep++) {
    double t0 = bench_now();
    #pragma omp parallel
    {
#ifdef _OPENMP
      int t = omp_get_thread_num(), nt = omp_get_num_threads();
#else
      int t = 0, nt = 1;
#endif
      size_t chunk = n / (size_t)nt;
      memcpy(b + chunk * (size_t)t, a + chunk * (size_t)t, chunk);
    }
    double bw = 2.0 * (double)n / (bench_now() - t0);
    best = bw > best ? bw : best;
  }
  free(a);
  free(b);
  return best;
}

int main(int argc, char **argv) {
  long long pop = argc > 1 ? atoll(argv[1]) : 1000000;
  int days = argc > 2 ? atoi(argv[2]) : 30, threads = argc > 3 ? atoi(argv[3]) : 0;
#ifdef _OPENMP
  if (threads > 0) omp_set_num_threads(threads);
#endif
  const char *file = argc > 4 ? argv[4] : NULL;     /* a scenario file; default: builtin:default */
  static gc_config cfg;
  if (bench_load(file, pop, days, &cfg)) return 2;
  double rss0 = peak_rss_bytes();
  double t0 = bench_now();
  gc_run *run;
  char err[256];
  if (gc_run_new(&cfg, threads, &run, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
  double t1 = bench_now(), rss_built = peak_rss_bytes();
  while (gc_run_step(run) == GC_OK) {}
  gc_run_finish(run);
  double t2 = bench_now(), rss_run = peak_rss_bytes();
  double philox = philox_rate(), bw = memory_bandwidth();   /* after the run: they allocate 512 MiB */
  const gc_audit *a = gc_run_audit(run);
  uint64_t alerts = 0;
  for (int r = 0; r < cfg.nrules; r++) alerts += gc_audit_rule_total(a, r).alerts;
  double ad = (double)pop * days, sim = t2 - t1;
  printf("glasscage bench: %s scenario, %lld agents x %d days, %d threads\n", cfg.name, pop, days, gc_run_threads(run));
  printf("  peers (same run):   Philox4x32-10 %.1fM calls/s   memcpy %.1f GB/s\n", philox / 1e6, bw / 1e9);
  printf("  build:              %.2f s (world, population, ties)\n", t1 - t0);
  printf("  simulate:           %.2f s\n", sim);
  printf("  agent-days/s:       %.2fM   (%.2f Philox-call equivalents per agent-day)\n", ad / sim / 1e6, philox / (ad / sim));
  printf("  events/s:           %.2fM   (%.2f true events per agent-day)\n", (double)gc_run_events(run) / sim / 1e6, (double)gc_run_events(run) / ad);
  printf("  observations/s:     %.2fM\n", (double)gc_run_observations(run) / sim / 1e6);
  printf("  alerts/s:           %.0f\n", (double)alerts / sim);
  printf("  bandwidth share:    %.0f bytes of memcpy bandwidth per agent-day\n", bw / (ad / sim));
  printf("  peak RSS:           %.1f MiB (%.0f bytes/agent); after build %.1f MiB (%.0f bytes/agent)\n",
         rss_run / 1048576, (rss_run - rss0) / (double)pop, rss_built / 1048576,
         (rss_built - rss0) / (double)pop);
  printf("  persistent state:   %.0f bytes/agent (population arrays, ties, agent state)\n",
         gc_population_bytes_per_agent(gc_run_population(run)));
  gc_run_free(run);
  return 0;
}
