/*
** bench_util.c — see bench_util.h.
*/
#include <stdio.h>
#include <time.h>
#include "bench_util.h"
#include "gc_diag.h"
#include "gc_scenario.h"

double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int bench_load(const char *file, long long pop, int days, gc_config *cfg) {
  char s1[64], s2[64];
  snprintf(s1, sizeof s1, "population.size=%lld", pop);
  snprintf(s2, sizeof s2, "days=%d", days);
  const char *sets[] = {s1, s2};
  size_t len;
  const char *text = gcs_builtin_text("default", &len);
  gc_diag *d = gc_diag_new();
  int bad = !text || !d;
  if (!bad) bad = file ? gcs_load_file(file, sets, 2, cfg, d) : gcs_load("builtin:default", text, len, sets, 2, cfg, d);
  if (bad && d) gc_diag_print(d, stderr);
  gc_diag_free(d);
  return bad ? 2 : 0;
}
