/*
** test_preflight.c — the memory estimate is monotone and nearly linear in
** the population, counts the replay as a second run, and the largest size
** that fits is the bisection's boundary; byte sizes parse.  (Its accuracy
** against measured peak RSS is tests/cli/test_preflight.py --accuracy.)
*/
#include <stdlib.h>
#include "gc_test.h"
#include "gc_preflight.h"

static void test_monotone_and_linear(void **state) {
  (void)state;
  static gc_config cfg;
  gc_test_load("full.yaml", NULL, 0, &cfg);
  gc_pilot_rates r;
  assert_int_equal(gc_preflight_pilot(&cfg, 1, &r), 0);
  assert_true(r.pop_bytes > 100 && r.obs_per_agent_day > 0 && r.pairs_per_agent_day > 0);
  gc_mem_estimate prev = {0}, e1, e2;
  for (int64_t n = 0; n <= 4000000; n += 50000) {
    gc_mem_estimate e;
    gc_preflight_model(&cfg, 2, 2, &r, n, &e);
    assert_true(e.total >= prev.total);
    prev = e;
  }
  /* linear but for relationship inference: the per-agent cost of 1M and 4M
  ** agents agree within 15%; inference per agent grows with the population
  ** (strangers meet more often in the other regions' fixed hotels and
  ** stations), never shrinks (the map grows by steps) */
  gc_preflight_model(&cfg, 2, 2, &r, 1000000, &e1);
  gc_preflight_model(&cfg, 2, 2, &r, 4000000, &e2);
  double lin1 = 0, lin4 = 0;
  for (int p = GC_MEM_POPULATION; p < GC_MEM_INFERENCE; p++) lin1 += (double)e1.part[p], lin4 += (double)e2.part[p];
  assert_true(lin4 / 4e6 > 0.85 * lin1 / 1e6 && lin4 / 4e6 < 1.15 * lin1 / 1e6);
  assert_true(e1.part[GC_MEM_INFERENCE] > 0);
  assert_true((double)e2.part[GC_MEM_INFERENCE] / 4e6 >= 0.99 * (double)e1.part[GC_MEM_INFERENCE] / 1e6);
  /* the replay runs after the run is freed: it adds only its trace, a
  ** bit per agent and the records of at most 3K people per rule */
  gc_mem_estimate e0;
  gc_preflight_model(&cfg, 2, 0, &r, 1000000, &e0);
  assert_int_equal(e0.part[GC_MEM_REPLAY], 0);
  assert_true(e1.part[GC_MEM_REPLAY] >= 1000000 / 8);
  assert_true(e1.part[GC_MEM_REPLAY] < e0.total / 50);
  assert_true(e1.total == e0.total + e1.part[GC_MEM_REPLAY]);
}

static void test_largest_is_the_boundary(void **state) {
  (void)state;
  static gc_config cfg;
  const char *sets[] = {"population.size=3000000"};
  gc_test_load("small.yaml", sets, 1, &cfg);
  gc_pilot_rates r;
  assert_int_equal(gc_preflight_pilot(&cfg, 1, &r), 0);
  uint64_t avail = 200ull << 20;
  int64_t n = gc_preflight_largest(&cfg, 1, 2, &r, avail);
  assert_true(n > 0 && n < cfg.population.size);
  gc_mem_estimate e;
  gc_preflight_model(&cfg, 1, 2, &r, n, &e);
  assert_true(e.total <= avail);
  gc_preflight_model(&cfg, 1, 2, &r, n + 1, &e);
  assert_true(e.total > avail);
  assert_int_equal(gc_preflight_largest(&cfg, 1, 2, &r, UINT64_MAX / 2), cfg.population.size);
  assert_int_equal(gc_preflight_largest(&cfg, 1, 2, &r, 1000), 0);
}

static void test_parse_bytes(void **state) {
  (void)state;
  uint64_t b;
  assert_int_equal(gc_preflight_parse_bytes("200M", &b), 0);
  assert_true(b == 200ull << 20);
  assert_int_equal(gc_preflight_parse_bytes("4G", &b), 0);
  assert_true(b == 4ull << 30);
  assert_int_equal(gc_preflight_parse_bytes("1.5GiB", &b), 0);
  assert_true(b == 3ull << 29);
  assert_int_equal(gc_preflight_parse_bytes("12345", &b), 0);
  assert_true(b == 12345);
  assert_int_equal(gc_preflight_parse_bytes("lots", &b), -1);
  assert_int_equal(gc_preflight_parse_bytes("-1G", &b), -1);
  assert_int_equal(gc_preflight_parse_bytes("5X", &b), -1);
  setenv("GLASSCAGE_MEMORY_LIMIT", "300M", 1);
  assert_int_equal(gc_preflight_available(&b), 0);
  assert_true(b == 300ull << 20);
  unsetenv("GLASSCAGE_MEMORY_LIMIT");
  assert_int_equal(gc_preflight_available(&b), 0);
  assert_true(b > 0 && b < UINT64_MAX);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_monotone_and_linear),
    cmocka_unit_test(test_largest_is_the_boundary),
    cmocka_unit_test(test_parse_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
