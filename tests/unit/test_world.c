/*
** test_world.c — places and the grid index: counts follow densities (the
** city's, and the other regions' when the scenario gives them one), every
** place lies in its region, and radius queries agree with brute force.
*/
#include <math.h>
#include "gc_test.h"
#include "gc_world.h"

static void test_counts_and_regions(void **state) {
  (void)state;
  static gc_config cfg;
  gc_test_load("small.yaml", NULL, 0, &cfg);
  gc_world w;
  assert_int_equal(gc_world_build(&w, &cfg), 0);
  assert_int_equal(w.nregions, cfg.world.other_regions + 2);
  /* 5,000 people x 2 hotels per 1,000 */
  assert_int_equal(gc_world_count(&w, 0, GC_PLACE_HOTEL), 10);
  assert_int_equal(gc_world_count(&w, w.capital, GC_PLACE_HOTEL), (uint32_t)cfg.world.away_hotels);
  assert_int_equal(gc_world_count(&w, 1, GC_PLACE_SHOP), 0);
  for (uint32_t p = 0; p < w.nplaces; p++) {
    if (w.region[p] == 0) {
      assert_true(w.x[p] >= 0 && w.x[p] <= w.city_m && w.y[p] >= 0 && w.y[p] <= w.city_m);
    } else {
      assert_true(hypot(w.x[p] - w.city_m / 2, w.y[p] - w.city_m / 2) > 100000);
    }
  }
  /* a cell's places come in ascending id (gc_population.c reads one type's run) */
  for (uint32_t c = 0; c < w.ncells; c++)
    for (uint32_t i = w.cell_start[c] + 1; i < w.cell_start[c + 1]; i++) assert_true(w.cell_place[i - 1] < w.cell_place[i]);
  gc_world_free(&w);
}

/* world.away_hotels_per_1000 / away_stations_per_1000: every other region
** and the capital get density x size / 1000 hotels and stations, rounded, at
** least one, as the city; 0 (the default) keeps the fixed counts. */
static void test_away_places_follow_density(void **state) {
  (void)state;
  static const struct { const char *size; uint32_t hotels, stations; } want[] = {
    {"population.size=5000", 1, 1},        /* 0.5 and 0.015: at least one */
    {"population.size=23000", 6, 1},       /* 5.75 -> 6; 0.345 -> 1 */
    {"population.size=100000", 25, 3},     /* 25; 3 */
    {"population.size=130000", 33, 4},     /* 32.5 -> 33 (llround: half away from zero); 3.9 -> 4 */
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    static gc_config cfg;
    const char *sets[] = {want[i].size, "world.away_hotels_per_1000=0.25", "world.away_stations_per_1000=0.03",
                          "world.away_hotels=7"};
    gc_test_load("small.yaml", sets, 4, &cfg);
    gc_world w;
    assert_int_equal(gc_world_build(&w, &cfg), 0);
    for (int r = 1; r < w.nregions; r++) {
      assert_int_equal(gc_world_count(&w, r, GC_PLACE_HOTEL), want[i].hotels);
      assert_int_equal(gc_world_count(&w, r, GC_PLACE_STATION), want[i].stations);
      assert_int_equal(gc_world_count(&w, r, GC_PLACE_SHOP), 0);
    }
    assert_int_equal(gc_world_away_places(&cfg, cfg.population.size, GC_PLACE_HOTEL), want[i].hotels);
    /* the city's own places are unchanged: 2 hotels per 1,000 */
    assert_int_equal(gc_world_count(&w, 0, GC_PLACE_HOTEL), gc_world_city_places(&cfg, cfg.population.size, GC_PLACE_HOTEL));
    gc_world_free(&w);
  }
  /* one density only: the other type keeps its fixed count */
  static gc_config cfg;
  const char *sets[] = {"population.size=100000", "world.away_stations_per_1000=0.03", "world.away_hotels=7"};
  gc_test_load("small.yaml", sets, 3, &cfg);
  gc_world w;
  assert_int_equal(gc_world_build(&w, &cfg), 0);
  assert_int_equal(gc_world_count(&w, w.capital, GC_PLACE_HOTEL), 7);
  assert_int_equal(gc_world_count(&w, w.capital, GC_PLACE_STATION), 3);
  gc_world_free(&w);
}

static void test_radius_matches_brute_force(void **state) {
  (void)state;
  static gc_config cfg;
  const char *sets[] = {"population.size=40000"};
  gc_test_load("small.yaml", sets, 1, &cfg);
  gc_world w;
  assert_int_equal(gc_world_build(&w, &cfg), 0);
  uint32_t *out = malloc(w.nplaces * sizeof *out);
  char *hit = malloc(w.nplaces);
  const double radii[] = {0, 100, 499, 500, 1234, 3000};
  for (uint32_t p = 0; p < w.nplaces; p += 7)
    for (size_t r = 0; r < sizeof radii / sizeof *radii; r++) {
      uint32_t n = gc_world_near(&w, p, radii[r], out, w.nplaces);
      memset(hit, 0, w.nplaces);
      for (uint32_t k = 0; k < n; k++) hit[out[k]] = 1;
      uint32_t brute = 0;
      for (uint32_t q = 0; q < w.nplaces; q++) {
        int in = w.region[q] == w.region[p] && (q == p || gc_world_dist(&w, p, q) <= radii[r]);
        brute += (uint32_t)in;
        assert_int_equal(in, hit[q]);
      }
      assert_int_equal(n, brute);
    }
  free(out);
  free(hit);
  gc_world_free(&w);
}

static void test_scanner_coverage(void **state) {
  (void)state;
  static gc_config cfg;
  const char *sets[] = {"population.size=200000", "sensors.id_scan.hotel.coverage=0.3"};
  gc_test_load("small.yaml", sets, 2, &cfg);
  gc_world w;
  assert_int_equal(gc_world_build(&w, &cfg), 0);
  uint32_t n = gc_world_count(&w, 0, GC_PLACE_HOTEL), with = 0;
  for (uint32_t p = w.range[0][GC_PLACE_HOTEL]; p < w.range[0][GC_PLACE_HOTEL + 1]; p++) with += w.scanner[p];
  assert_true(fabs(with - 0.3 * n) < 4 * sqrt(n * 0.3 * 0.7));
  gc_world_free(&w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_counts_and_regions),
    cmocka_unit_test(test_away_places_follow_density),
    cmocka_unit_test(test_radius_matches_brute_force),
    cmocka_unit_test(test_scanner_coverage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
