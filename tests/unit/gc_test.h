/*
** gc_test.h — helpers shared by the unit tests: load a scenario from
** tests/data, failing the test with every diagnostic if it does not
** validate, build a small test city from it, or run it whole.
*/
#ifndef GC_TEST_H
#define GC_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "gc_population.h"
#include "gc_scenario.h"
#include "gc_world.h"
#include "glasscage.h"

#ifndef GC_TEST_DATA
#define GC_TEST_DATA "tests/data"
#endif

static inline void gc_test_load(const char *file, const char *const *sets, int nsets, gc_config *cfg) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", GC_TEST_DATA, file);
  gc_diag *d = gc_diag_new();
  assert_non_null(d);
  int n = gcs_load_file(path, sets, nsets, cfg, d);
  if (n) gc_diag_print(d, stderr);
  gc_diag_free(d);
  assert_int_equal(n, 0);
}

/* A test city: the scenario tests/data/FILE with overrides, its world and
** its population.  The caller frees world and population. */
typedef struct gc_test_city {
  gc_config cfg;
  gc_world w;
  gc_population pop;
} gc_test_city;

static inline void gc_test_city_build(gc_test_city *c, const char *file, const char *const *sets, int nsets) {
  gc_test_load(file, sets, nsets, &c->cfg);
  assert_int_equal(gc_world_build(&c->w, &c->cfg), 0);
  assert_int_equal(gc_population_build(&c->pop, &c->cfg, &c->w), 0);
}

static inline void gc_test_city_free(gc_test_city *c) {
  gc_population_free(&c->pop);
  gc_world_free(&c->w);
}

/* Index of the trait, hidden-truth condition or list called `name` in c;
** the test fails if there is none. */
static inline int gc_test_trait(const gc_config *c, const char *name) {
  for (int i = 0; i < c->population.ntraits; i++)
    if (!strcmp(c->population.trait[i].name, name)) return i;
  fail_msg("no trait %s", name);
  return -1;
}

static inline int gc_test_truth(const gc_config *c, const char *name) {
  for (int i = 0; i < c->population.ntruth; i++)
    if (!strcmp(c->population.truth[i].name, name)) return i;
  fail_msg("no truth %s", name);
  return -1;
}

static inline int gc_test_list(const gc_config *c, const char *name) {
  for (int i = 0; i < c->nlists; i++)
    if (!strcmp(c->list[i].name, name)) return i;
  fail_msg("no list %s", name);
  return -1;
}

/* The count of rule `rule`'s alert for person in b (0 if none). */
static inline int gc_test_alerted(const gc_alert_buf *b, int rule, uint32_t person) {
  for (size_t i = 0; i < b->n; i++)
    if (b->a[i].rule == rule && b->a[i].person == person) return b->a[i].count;
  return 0;
}

/* How many alerts (people) rule `rule` raised in b. */
static inline size_t gc_test_rule_alerts(const gc_alert_buf *b, int rule) {
  size_t n = 0;
  for (size_t i = 0; i < b->n; i++) n += b->a[i].rule == rule;
  return n;
}

/* A whole run of cfg to its end (tables computed); the caller frees it. */
static inline gc_run *gc_test_run_all(const gc_config *cfg, int threads) {
  gc_run *run = NULL;
  char err[256];
  assert_int_equal(gc_run_new(cfg, threads, &run, err, sizeof err), GC_OK);
  int rc;
  while ((rc = gc_run_step(run)) == GC_OK) {}
  assert_int_equal(rc, GC_DONE);
  assert_int_equal(gc_run_finish(run), GC_OK);
  return run;
}

#endif
