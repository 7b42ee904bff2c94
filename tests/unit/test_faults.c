/*
** test_faults.c — allocation failure as an ordinary test (after SQLite).
**
** The test executable is linked with --wrap for malloc, calloc and realloc,
** so every allocation made by the library can be made to fail.  A first run
** counts the allocations of a whole small run (build, days, results); then
** the run is repeated once per allocation with exactly that one failing.
** SQLite's allocations are routed through the same wrappers.
** Each must end in a clean GC_ERR_NOMEM / GC_ERR_IO (or succeed, if the
** failed allocation had a fallback), never crash, and leave no results file
** behind when it fails; the sanitizer build checks that nothing leaks.
*/
#include <sqlite3.h>
#include <unistd.h>
#include "gc_test.h"
#include "glasscage.h"

#include "gc_alloc_wrap.h"

static long fail_at = -1;     /* allocation number that fails; -1: none */
static long counter;          /* allocations so far while armed */
static int armed;

static int should_fail(void) {
  if (!armed) return 0;
  return counter++ == fail_at;
}

void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return should_fail() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }

/* SQLite allocates through these, so its failures are injected too: each
** block carries its size in a 16-byte header, as xSize requires. */
static void *sq_malloc(int n) {
  size_t *p = __wrap_malloc((size_t)n + 16);
  if (!p) return NULL;
  p[0] = (size_t)n;
  return (char *)p + 16;
}
static void sq_free(void *p) { if (p) free((char *)p - 16); }
static int sq_size(void *p) { return p ? (int)*(size_t *)((char *)p - 16) : 0; }
static void *sq_realloc(void *p, int n) {
  if (!p) return sq_malloc(n);
  size_t *q = __wrap_realloc((char *)p - 16, (size_t)n + 16);
  if (!q) return NULL;
  q[0] = (size_t)n;
  return (char *)q + 16;
}
static int sq_roundup(int n) { return (n + 7) & ~7; }
static int sq_init(void *app) { (void)app; return SQLITE_OK; }
static void sq_shutdown(void *app) { (void)app; }

/* One whole run; returns its status. */
static int whole_run(const gc_config *cfg, const char *path) {
  gc_run *run = NULL;
  char err[256];
  int rc = gc_run_new(cfg, 1, &run, err, sizeof err);
  if (rc) return rc;
  while ((rc = gc_run_step(run)) == GC_OK) {}
  if (rc == GC_DONE) rc = gc_run_finish(run);
  if (rc == GC_OK) {
    gc_provenance prov = {.scenario = "test"};
    rc = gc_run_write_results(run, path, &prov, NULL, err, sizeof err);
  }
  gc_run_free(run);
  return rc;
}

/* Runs `file` once counting allocations, then once per allocation number
** k = 0, stride, 2*stride, ... with exactly allocation k failing. */
static void fail_each(const char *file, const char **sets, int nsets, long stride) {
  static gc_config cfg;
  gc_test_load(file, sets, nsets, &cfg);
  char dir[] = "/tmp/gc-faults-XXXXXX", path[64];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/results.db", dir);

  counter = 0; fail_at = -1; armed = 1;
  assert_int_equal(whole_run(&cfg, path), GC_OK);
  armed = 0;
  long total = counter;
  assert_true(total > 20);
  unlink(path);
  int failures = 0, runs = 0;
  for (long k = 0; k < total; k += stride, runs++) {
    counter = 0; fail_at = k; armed = 1;
    int rc = whole_run(&cfg, path);
    armed = 0;
    if (rc != GC_OK) {
      failures++;
      assert_true(rc == GC_ERR_NOMEM || rc == GC_ERR_IO);
      assert_int_equal(access(path, F_OK), -1);     /* nothing half-written */
    }
    unlink(path);
  }
  print_message("%s: %ld allocations, %d runs, %d failed, all clean\n", file, total, runs, failures);
  assert_true(failures > runs / 2);    /* most allocations cannot be done without */
  rmdir(dir);
}

static void test_every_allocation_failure(void **state) {
  (void)state;
  const char *sets[] = {"population.size=1500", "days=3"};
  fail_each("small.yaml", sets, 2, 1);
}

/* The full model (every sensor, rule kind, patrols, trust, reactions):
** every seventh allocation of a small run (all of them would double the
** suite's time; the stride still reaches every module's allocations). */
static void test_full_model_allocation_failure(void **state) {
  (void)state;
  const char *sets[] = {"population.size=600"};
  fail_each("full.yaml", sets, 1, 7);
}

int main(void) {
  static const sqlite3_mem_methods mem = {sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup,
                                          sq_init, sq_shutdown, NULL};
  if (sqlite3_config(SQLITE_CONFIG_MALLOC, &mem) != SQLITE_OK) return 1;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_allocation_failure),
    cmocka_unit_test(test_full_model_allocation_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
