/*
** test_preflight.c — the memory estimate is monotone and nearly linear in
** the population, counts the replay as a second run, and the largest size
** that fits is the bisection's boundary; byte sizes parse.  The province's
** relationship-inference pairs per person stay level as it grows when the
** other regions' hotels and stations follow the population, and the
** estimate of them from the pilot holds.  (The estimate's accuracy against
** measured peak RSS is tests/cli/test_preflight.py --accuracy.)
*/
#include <stdlib.h>
#include "gc_test.h"
#include "gc_preflight.h"
#include "gc_sensors.h"

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

/* The built-in province with overrides. */
static void load_province(const char *const *sets, int nsets, gc_config *cfg) {
  size_t len;
  const char *text = gcs_builtin_text("province", &len);
  assert_non_null(text);
  gc_diag *d = gc_diag_new();
  assert_non_null(d);
  int n = gcs_load("province", text, len, sets, nsets, cfg, d);
  if (n) gc_diag_print(d, stderr);
  gc_diag_free(d);
  assert_int_equal(n, 0);
}

/* Distinct pairs of strangers per person by where first seen, and all
** pairs, of a whole run. */
static void run_pairs(const gc_config *cfg, double per_person[GC_INF_NCATS], double *all) {
  gc_run *run = NULL;
  char err[256];
  assert_int_equal(gc_run_new(cfg, 2, &run, err, sizeof err), 0);
  int rc;
  while ((rc = gc_run_step(run)) == GC_OK) {}
  assert_int_equal(rc, GC_DONE);
  gc_inference_load l = gc_run_inference_load(run);
  *all = (double)l.pairs;
  for (int k = 0; k < GC_INF_NCATS; k++)
    per_person[k] = (double)(l.cat[k] - l.cat_ties[k]) / (double)cfg->population.size;
  gc_run_free(run);
}

/* Closed form: k people scanned at a place on a day make k(k-1)/2 pairs,
** and k grows with the people per place, so a person's pairs of strangers
** at a kind of place are proportional to the people per place of that
** kind.  With the other regions' hotels and stations at a density, 10,000
** and 40,000 people have the same people per place everywhere (1 and 4
** hotels and stations in each region and in the city): the ratio of pairs
** per person is 1 (measured 1.14 for hotels and 1.27 for stations: in the
** smaller pool strangers meet again more often, which makes fewer distinct
** pairs; tolerance 0.7..1.5).  With the fixed 20 hotels and 1 station a
** region the people per away place, hence the ratio, is 4 (measured 4.8 and
** 5.2; at least 2.5).  The police act on a fixed number of people a day, a
** larger share of a smaller city, so they are off here.  The preflight's
** pairs at 40,000 from its 20,000-person pilot: within 15% (0.97). */
static void test_province_pairs_per_person_level(void **state) {
  (void)state;
  static gc_config cfg;
  const char *sets[] = {"days=17", "response.capacity_per_day=0", "response.quota.per_day=0",
                        "world.places_per_1000.station=0.1", "world.away_hotels_per_1000=0.1",
                        "world.away_stations_per_1000=0.1", "population.size=10000"};
  const int nsets = sizeof sets / sizeof sets[0];
  double small[GC_INF_NCATS], large[GC_INF_NCATS], all_small, all_large;
  load_province(sets, nsets, &cfg);
  assert_int_equal(gc_world_away_places(&cfg, 10000, GC_PLACE_HOTEL), 1);
  run_pairs(&cfg, small, &all_small);
  sets[nsets - 1] = "population.size=40000";
  load_province(sets, nsets, &cfg);
  assert_int_equal(gc_world_away_places(&cfg, 40000, GC_PLACE_STATION), 4);
  run_pairs(&cfg, large, &all_large);
  for (int k = GC_INF_AWAY_HOTEL; k <= GC_INF_AWAY_STATION; k++) {
    double ratio = large[k] / small[k];
    if (ratio < 0.7 || ratio > 1.5) fail_msg("away place kind %d: %.3f -> %.3f pairs per person", k, small[k], large[k]);
  }
  gc_pilot_rates r;
  gc_mem_estimate e;
  assert_int_equal(gc_preflight_pilot(&cfg, 1, &r), 0);
  gc_preflight_model(&cfg, 1, 0, &r, 40000, &e);
  if (e.pairs < 0.85 * all_large || e.pairs > 1.15 * all_large)
    fail_msg("estimated %.0f pairs at 40,000 people, the run held %.0f", e.pairs, all_large);
  /* the control: fixed away places */
  const char *fixed[] = {"days=17", "response.capacity_per_day=0", "response.quota.per_day=0",
                         "world.places_per_1000.station=0.1", "world.away_hotels_per_1000=0",
                         "world.away_stations_per_1000=0", "population.size=10000"};
  const int nfixed = sizeof fixed / sizeof fixed[0];
  load_province(fixed, nfixed, &cfg);
  run_pairs(&cfg, small, &all_small);
  fixed[nfixed - 1] = "population.size=40000";
  load_province(fixed, nfixed, &cfg);
  run_pairs(&cfg, large, &all_large);
  for (int k = GC_INF_AWAY_HOTEL; k <= GC_INF_AWAY_STATION; k++)
    if (large[k] < 2.5 * small[k]) fail_msg("fixed away place kind %d: %.3f -> %.3f pairs per person", k, small[k], large[k]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_monotone_and_linear),
    cmocka_unit_test(test_largest_is_the_boundary),
    cmocka_unit_test(test_parse_bytes),
    cmocka_unit_test(test_province_pairs_per_person_level),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
