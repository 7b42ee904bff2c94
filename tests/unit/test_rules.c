/*
** test_rules.c — every rule kind on hand-built observations.
** The population comes from tests/data/small.yaml; list membership is then
** set by hand so each case controls exactly who is watched.  Rules there:
** 0 drug_hotel (presence), 1 drug_pairs (copresence >= 2, 500 m, 1440 min),
** 2 local_hotel (frequency >= 2 in 10 days), 3 petitioner_station
** (presence), 4 water (baseline, 99th percentile), 5 water_jump (baseline,
** 2 x personal mean after 3 days), 6 new_numbers (frequency of new
** out-of-area numbers >= 2 in 7 days), 7 fertilizer_jump (baseline on
** purchases, 2.5 x personal mean after 2 purchases).
*/
#include <math.h>
#include "gc_test.h"
#include "gc_rules.h"
#include "rules/gc_rule_kind.h"

typedef struct fixture {
  gc_test_city city;                /* first: f->city.cfg etc. below are its fields */
  gc_rules *rules;
  gc_alert_buf out;
  int drug_users, red_list, petitioners;
} fixture;

static fixture *setup(const char *const *sets, int nsets) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  gc_test_city_build(&f->city, "small.yaml", sets, nsets);
  memset(f->city.pop.st.lists, 0, f->city.pop.n * sizeof *f->city.pop.st.lists);
  f->drug_users = 0; f->petitioners = 1; f->red_list = 3;
  assert_string_equal(f->city.cfg.list[f->red_list].name, "red_list");
  f->rules = gc_rules_new(&f->city.cfg, &f->city.w, &f->city.pop);
  assert_non_null(f->rules);
  return f;
}

static void teardown(fixture *f) {
  gc_rules_free(f->rules);
  gc_alert_buf_free(&f->out);
  gc_test_city_free(&f->city);
  free(f);
}

static void join(fixture *f, uint32_t person, int list) { f->city.pop.st.lists[person] |= (uint16_t)(1u << list); }

static gc_obs scan(const fixture *f, uint32_t person, uint32_t place, int minute) {
  gc_obs o = {person, person, place, GC_NONE, 0, (uint16_t)minute, GC_OBS_ID_SCAN, f->city.w.type[place], 0};
  if (f->city.w.type[place] == GC_PLACE_HOTEL && f->city.w.region[place] == 0) o.flags = GC_OBSF_LOCAL_HOTEL;
  return o;
}

static uint32_t hotel(const fixture *f, int k) { return f->city.w.range[0][GC_PLACE_HOTEL] + (uint32_t)k; }



static void day(fixture *f, int d, const gc_obs *obs, size_t n) {
  assert_int_equal(gc_rules_day(f->rules, d, obs, n, NULL, &f->out), 0);
}

static void test_presence(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  join(f, 10, f->drug_users);
  join(f, 12, f->drug_users);
  join(f, 12, f->red_list);
  gc_obs obs[] = {
    scan(f, 10, hotel(f, 0), 1200), scan(f, 10, hotel(f, 3), 1300),         /* two triggers, one alert */
    scan(f, 11, hotel(f, 0), 1200),                                          /* not on the list */
    scan(f, 10, f->city.w.range[0][GC_PLACE_STATION], 600),                       /* wrong place type */
    scan(f, 12, hotel(f, 1), 1200),                                          /* red-listed */
  };
  day(f, 0, obs, sizeof obs / sizeof *obs);
  assert_int_equal(gc_test_alerted(&f->out, 0, 10), 2);
  assert_int_equal(gc_test_alerted(&f->out, 0, 11), 0);
  assert_int_equal(gc_test_alerted(&f->out, 0, 12), 0);
  assert_int_equal(gc_test_rule_alerts(&f->out, 0), 1);
  assert_int_equal(f->out.triggers[0], 2);
  teardown(f);
}

static void test_copresence_same_place_and_window(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  join(f, 20, f->drug_users);
  join(f, 21, f->drug_users);
  gc_obs d0[] = {scan(f, 20, hotel(f, 2), 1300), scan(f, 22, hotel(f, 2), 1300)};  /* 22 not watched */
  day(f, 0, d0, 2);
  assert_int_equal(gc_test_rule_alerts(&f->out, 1), 0);
  gc_obs d1[] = {scan(f, 21, hotel(f, 2), 100)};          /* 240 minutes after 20's scan */
  day(f, 1, d1, 1);
  assert_int_equal(gc_test_alerted(&f->out, 1, 20), 1);
  assert_int_equal(gc_test_alerted(&f->out, 1, 21), 1);
  assert_int_equal(gc_test_alerted(&f->out, 1, 22), 0);
  gc_obs d3[] = {scan(f, 20, hotel(f, 2), 1000)};          /* 21's scan is 3,780 minutes old */
  day(f, 3, d3, 1);
  assert_int_equal(gc_test_rule_alerts(&f->out, 1), 0);
  teardown(f);
}

static void test_copresence_radius(void **state) {
  (void)state;
  char set[64];
  fixture *probe = setup(NULL, 0);
  double dist = gc_world_dist(&probe->city.w, hotel(probe, 0), hotel(probe, 1));
  teardown(probe);
  for (int inside = 0; inside < 2; inside++) {
    snprintf(set, sizeof set, "rules[1].radius_m=%.3f", inside ? dist + 1 : dist - 1);
    const char *sets[] = {set};
    fixture *f = setup(sets, 1);
    join(f, 30, f->drug_users);
    join(f, 31, f->drug_users);
    gc_obs obs[] = {scan(f, 30, hotel(f, 0), 1200), scan(f, 31, hotel(f, 1), 1210)};
    day(f, 0, obs, 2);
    assert_int_equal(gc_test_rule_alerts(&f->out, 1), inside ? 2 : 0);
    teardown(f);
  }
}

static void test_copresence_needs_k_distinct_people(void **state) {
  (void)state;
  const char *sets[] = {"rules[1].min_people=3"};
  fixture *f = setup(sets, 1);
  join(f, 40, f->drug_users);
  join(f, 41, f->drug_users);
  join(f, 42, f->drug_users);
  gc_obs two[] = {scan(f, 40, hotel(f, 4), 1200), scan(f, 40, hotel(f, 4), 1220), scan(f, 41, hotel(f, 4), 1230)};
  day(f, 0, two, 3);                   /* three scans, two people */
  assert_int_equal(gc_test_rule_alerts(&f->out, 1), 0);
  gc_obs third[] = {scan(f, 42, hotel(f, 4), 10)};
  day(f, 1, third, 1);
  assert_int_equal(gc_test_rule_alerts(&f->out, 1), 3);
  teardown(f);
}

static void test_frequency_window(void **state) {
  (void)state;
  const char *sets[] = {"rules[2].window_days=3"};
  fixture *f = setup(sets, 1);
  gc_obs a = scan(f, 50, hotel(f, 0), 1200), b = scan(f, 51, hotel(f, 0), 1200);
  gc_obs d0[] = {a, b};
  day(f, 0, d0, 2);
  assert_int_equal(gc_test_rule_alerts(&f->out, 2), 0);
  day(f, 1, NULL, 0);
  gc_obs d2[] = {a};                    /* 50: days 0 and 2 are within 3 days */
  day(f, 2, d2, 1);
  assert_int_equal(gc_test_alerted(&f->out, 2, 50), 1);
  gc_obs d3[] = {b};                    /* 51: days 0 and 3 are 4 days apart */
  day(f, 3, d3, 1);
  assert_int_equal(gc_test_alerted(&f->out, 2, 51), 0);
  gc_obs d4[] = {b, b};                 /* 51: day 3 and twice on day 4 */
  day(f, 4, d4, 2);
  assert_int_equal(gc_test_alerted(&f->out, 2, 51), 2);
  /* a hotel in another region is not a local hotel stay */
  gc_obs away[] = {scan(f, 52, f->city.w.range[1][GC_PLACE_HOTEL], 1200), scan(f, 52, f->city.w.range[1][GC_PLACE_HOTEL], 1300)};
  day(f, 5, away, 2);
  assert_int_equal(gc_test_alerted(&f->out, 2, 52), 0);
  teardown(f);
}

/* Counts over the window against a brute-force count, with many people
** (the stored days are searched onwards from the previous person: a person
** missing from some days, repeated on others, the first and last persons). */
static void test_frequency_many(void **state) {
  (void)state;
  enum { DAYS = 14, PER_DAY = 400, PEOPLE = 300 };
  fixture *f = setup(NULL, 0);
  static uint32_t seen[DAYS][PER_DAY];
  static gc_obs obs[PER_DAY];
  uint64_t x = 0x2545F4914F6CDD1Dull;
  for (int d = 0; d < DAYS; d++) {
    int n = d % 5 == 3 ? 0 : PER_DAY;       /* some days without a stay */
    for (int k = 0; k < n; k++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      uint32_t p = (uint32_t)((x >> 20) % PEOPLE);
      if (k < 2) p = (uint32_t)k * (PEOPLE - 1);        /* the first and the last person every day */
      else if ((x >> 50) % 3 == 0) p = p * 7 % PEOPLE;  /* some people far more often */
      seen[d][k] = p;
      obs[k] = scan(f, p, hotel(f, 0), 1200);
    }
    day(f, d, obs, (size_t)n);
    for (uint32_t p = 0; p < PEOPLE; p++) {
      int today = 0, window = 0;
      for (int e = d - 9 < 0 ? 0 : d - 9; e <= d; e++)
        for (int k = 0; k < (e % 5 == 3 ? 0 : PER_DAY); k++) {
          window += seen[e][k] == p;
          today += e == d && seen[e][k] == p;
        }
      assert_int_equal(gc_test_alerted(&f->out, 2, p), window >= 2 ? today : 0);
    }
  }
  teardown(f);
}

static gc_obs water(const fixture *f, uint32_t h, float litres) {
  uint32_t head = f->city.pop.hh_start[h];
  gc_obs o = {head, head, h, GC_NONE, litres, 0, GC_OBS_WATER, 0, 0};
  return o;
}

static void test_baseline_percentile(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_obs obs[200];
  for (int k = 0; k < 200; k++) obs[k] = water(f, (uint32_t)k, (float)(200 - k));   /* values 200..1 */
  day(f, 0, obs, 200);
  /* 99th percentile of 1..200 is the value at rank round(0.99 * 199) = 197: 198 */
  assert_int_equal(gc_test_rule_alerts(&f->out, 4), 2);
  assert_int_equal(gc_test_alerted(&f->out, 4, f->city.pop.hh_start[0]), 1);
  assert_int_equal(gc_test_alerted(&f->out, 4, f->city.pop.hh_start[1]), 1);
  teardown(f);
}

static int cmp_float(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

/* The percentile threshold is found by a radix select over the readings'
** bits (gc_rule_baseline.c); against a sort, on readings that span the sign
** (and both zeros), that tie, and that crowd into one of its buckets; and
** (rule 4 made a fertilizer percentile) on purchases of which only one
** category counts, the others large. */
static void check_percentile_select(const char *const *sets, int nsets) {
  enum { N = 3000 };
  fixture *f = setup(sets, nsets);
  int purchases = nsets > 0;
  static gc_obs obs[N];
  static float sorted[N];
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int dist = 0; dist < 4; dist++) {
    for (int k = 0; k < N; k++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      float v = dist == 0 ? (float)((double)(x >> 11) / 9007199254740992.0 * 2e4 - 1e4)   /* across zero */
              : dist == 1 ? (float)(x % 7)                                              /* ties */
              : dist == 2 ? 1000.0f + (float)(x % 100000) * 6.1e-5f                     /* one bucket */
              : (x % 3 == 0 ? -0.0f : x % 3 == 1 ? 0.0f : (float)(x % 1000) * 1e-30f);  /* zeros, tiny */
      obs[k] = water(f, (uint32_t)(k % f->city.pop.nhh), v);
      if (purchases) {
        obs[k].kind = GC_OBS_PURCHASE;
        obs[k].sub = k % 2;                       /* 0: fertilizer */
        if (obs[k].sub) obs[k].value = 1e30f;
      }
    }
    size_t m = 0;
    for (int k = 0; k < N; k++)
      if (!obs[k].sub) sorted[m++] = obs[k].value;
    qsort(sorted, m, sizeof *sorted, cmp_float);
    float thr = sorted[(size_t)(0.99 * (double)(m - 1) + 0.5)];
    uint64_t above = 0;
    for (int k = 0; k < N; k++) above += !obs[k].sub && obs[k].value > thr;
    day(f, dist, obs, N);
    assert_int_equal(f->out.triggers[4], above);
    for (size_t i = 0; i < f->out.n; i++) {
      if (f->out.a[i].rule != 4) continue;
      int mine = 0;
      for (int k = 0; k < N; k++) mine += obs[k].person == f->out.a[i].person && !obs[k].sub && obs[k].value > thr;
      assert_int_equal(f->out.a[i].count, mine);
    }
  }
  teardown(f);
}

static void test_baseline_percentile_select(void **state) {
  (void)state;
  static const char *const fertilizer[] = {"rules[4].measure=purchase", "rules[4].purchase=fertilizer"};
  check_percentile_select(NULL, 0);
  check_percentile_select(fertilizer, 2);
}

static void test_baseline_personal(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  for (int d = 0; d < 3; d++) {
    gc_obs obs[] = {water(f, 5, 10), water(f, 6, 10)};
    day(f, d, obs, 2);
    assert_int_equal(gc_test_rule_alerts(&f->out, 5), 0);
  }
  gc_obs jump[] = {water(f, 5, 25), water(f, 6, 15)};
  day(f, 3, jump, 2);
  assert_int_equal(gc_test_alerted(&f->out, 5, f->city.pop.hh_start[5]), 1);
  assert_int_equal(gc_test_alerted(&f->out, 5, f->city.pop.hh_start[6]), 0);
  /* a household with too little history is not judged */
  gc_obs fresh[] = {water(f, 7, 10), water(f, 7, 100)};
  day(f, 4, fresh, 2);
  assert_int_equal(gc_test_rule_alerts(&f->out, 5), 0);
  teardown(f);
}

static gc_obs call(uint32_t person, int out_of_area) {
  gc_obs o = {person, person, 0, GC_NONE, 0, 600, GC_OBS_CALL_NEW, (uint8_t)out_of_area, 0};
  return o;
}

static void test_frequency_out_of_area_calls(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  join(f, 60, f->drug_users);
  join(f, 61, f->drug_users);
  gc_obs d0[] = {call(60, 1), call(61, 0), call(61, 0), call(62, 1), call(62, 1)};
  day(f, 0, d0, 5);
  assert_int_equal(gc_test_rule_alerts(&f->out, 6), 0);      /* 61's calls are local; 62 is not watched */
  gc_obs d6[] = {call(60, 1)};                  /* day 6: days 0..6 are within 7 days */
  day(f, 6, d6, 1);
  assert_int_equal(gc_test_alerted(&f->out, 6, 60), 1);
  teardown(f);
}

static gc_obs purchase(uint32_t person, float kg) {
  gc_obs o = {person, person, 0, GC_NONE, kg, 600, GC_OBS_PURCHASE, 0, 0};
  return o;
}

/* HRW-2018: fertilizer purchases jumping from 5 kg to 15 kg. */
static void test_baseline_fertilizer_jump(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  gc_obs d0[] = {purchase(70, 5), purchase(71, 5)};
  day(f, 0, d0, 2);
  gc_obs d1[] = {purchase(70, 5), purchase(71, 5)};
  day(f, 1, d1, 2);
  assert_int_equal(gc_test_rule_alerts(&f->out, 7), 0);
  gc_obs d2[] = {purchase(70, 15), purchase(71, 12)};  /* 15 > 2.5 x 5; 12 is not */
  day(f, 2, d2, 2);
  assert_int_equal(gc_test_alerted(&f->out, 7, 70), 1);
  assert_int_equal(gc_test_alerted(&f->out, 7, 71), 0);
  teardown(f);
}

static void test_describe(void **state) {
  (void)state;
  fixture *f = setup(NULL, 0);
  char buf[512];
  gc_rules_describe(&f->city.cfg, 1, buf, sizeof buf);
  assert_non_null(strstr(buf, "2 or more of drug_users"));
  assert_non_null(strstr(buf, "500 m"));
  teardown(f);
}


static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* The radix sort against qsort at the sizes of each of its paths: insertion
** (< 64), 8-bit digits (< 2^16) and 16-bit digits, with keys using all 32
** bits and with many repeats. */
static void test_sort_u32(void **state) {
  (void)state;
  static const size_t sizes[] = {0, 1, 63, 64, 1000, 65535, 65536, 200000};
  for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
    for (int repeats = 0; repeats < 2; repeats++) {
      size_t n = sizes[s];
      uint32_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
      assert_non_null(a);
      assert_non_null(b);
      uint64_t x = 0x9E3779B97F4A7C15ull * (s + 1);
      for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        a[i] = b[i] = repeats ? (uint32_t)(x % 97) * 0x01010101u : (uint32_t)(x >> 17);
      }
      gc_sort_u32(a, n);
      if (n) qsort(b, n, sizeof *b, cmp_u32);
      if (n) assert_memory_equal(a, b, n * sizeof *a);
      free(a);
      free(b);
    }
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_presence),
    cmocka_unit_test(test_copresence_same_place_and_window),
    cmocka_unit_test(test_copresence_radius),
    cmocka_unit_test(test_copresence_needs_k_distinct_people),
    cmocka_unit_test(test_frequency_window),
    cmocka_unit_test(test_frequency_many),
    cmocka_unit_test(test_baseline_percentile),
    cmocka_unit_test(test_baseline_percentile_select),
    cmocka_unit_test(test_baseline_personal),
    cmocka_unit_test(test_frequency_out_of_area_calls),
    cmocka_unit_test(test_baseline_fertilizer_jump),
    cmocka_unit_test(test_describe),
    cmocka_unit_test(test_sort_u32),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
