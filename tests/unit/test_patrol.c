/*
** test_patrol.c — patrol allocation and learning (gc_patrol) against closed
** forms: allocation frequencies follow the counts, decay is exact, Ensign et
** al.'s correction accepts a discovery with probability 1 - p, the expected
** one-step update of the urn, and the Polya-urn law of the uncorrected
** loop (its long-run share is uniform, not centred on the true 1/2).
** Patrol learning reads only districts, so the world is a stub with
** side x side districts.
*/
#include <math.h>
#include "gc_test.h"
#include "gc_patrol.h"

static gc_config cfg;
static gc_world world;

static void load(int side, int patrols, double prior, double decay, int correction, int days) {
  gc_test_load("small.yaml", NULL, 0, &cfg);
  cfg.days = days;
  gc_patrol_cfg *pc = &cfg.response.patrol;
  pc->patrols = patrols;
  pc->districts_side = side;
  pc->prior = prior;
  pc->decay = decay;
  pc->correction = correction;
  memset(&world, 0, sizeof world);
  world.districts_side = side;
  world.ndistricts = side * side;
}

static gc_patrol *make(uint64_t seed) {
  cfg.seed = seed;
  gc_patrol *p = gc_patrol_new(&cfg, &world);
  assert_non_null(p);
  return p;
}

/* n observations of `kind` in district d (distinct people and minutes, so
** each acceptance draw is its own). */
static void learn(gc_patrol *p, int day, int kind, int d, int n) {
  gc_obs *o = calloc((size_t)n + 1, sizeof *o);
  assert_non_null(o);
  for (int i = 0; i < n; i++)
    o[i] = (gc_obs){(uint32_t)i, (uint32_t)i, 17, (uint32_t)d, 0, (uint16_t)(i % 1440), (uint8_t)kind, 0, 0};
  gc_patrol_learn(p, day, o, (size_t)n);
  free(o);
}

static void test_off(void **state) {
  (void)state;
  load(2, 0, 1, 0, 0, 5);
  gc_patrol *p = make(1);
  gc_patrol_plan(p, 0);
  assert_null(gc_patrol_today(p));
  learn(p, 0, GC_OBS_DISCOVERY, 0, 3);
  assert_null(gc_patrol_record(p, 0));
  gc_patrol_free(p);
}

/* Counts 1, 2, 3, 6 (prior 1 plus reports), 8 patrols a day for D days:
** each district's total is Binomial(8D, w/12); tolerance 5 sd. */
static void test_allocation_follows_counts(void **state) {
  (void)state;
  enum { D = 2000, P = 8 };
  load(2, P, 1, 0, 0, D + 1);
  gc_patrol *p = make(3);
  learn(p, 0, GC_OBS_REPORTED, 1, 1);
  learn(p, 0, GC_OBS_REPORTED, 2, 2);
  learn(p, 0, GC_OBS_REPORTED, 3, 5);
  const double w[4] = {1, 2, 3, 6};
  long total[4] = {0};
  for (int day = 1; day <= D; day++) {
    gc_patrol_plan(p, day);
    const uint8_t *t = gc_patrol_today(p);
    const gc_patrol_day *r = gc_patrol_record(p, day);
    assert_non_null(t);
    assert_non_null(r);
    int sum = 0;
    for (int d = 0; d < 4; d++) {
      assert_int_equal(t[d], r->patrols[d]);
      assert_true(fabs(r->weight[d] - w[d]) < 1e-6);
      total[d] += t[d];
      sum += t[d];
    }
    assert_int_equal(sum, P);
  }
  for (int d = 0; d < 4; d++) {
    double n = (double)D * P, q = w[d] / 12, sd = sqrt(n * q * (1 - q));
    assert_true(fabs(total[d] - n * q) < 5 * sd);
  }
  gc_patrol_free(p);
}

/* Counts shrink by (1 - decay) a day after the day's reports are added. */
static void test_decay_exact(void **state) {
  (void)state;
  load(2, 1, 2, 0.1, 0, 40);
  gc_patrol *p = make(5);
  learn(p, 0, GC_OBS_REPORTED, 1, 1);
  for (int day = 1; day < 40; day++) {
    gc_patrol_plan(p, day);
    const gc_patrol_day *r = gc_patrol_record(p, day);
    double k = pow(0.9, day);
    assert_true(fabs(r->weight[0] - 2 * k) < 1e-5 * 2 * k);
    assert_true(fabs(r->weight[1] - 3 * k) < 1e-5 * 3 * k);
    learn(p, day, GC_OBS_DISCOVERY, 0, 0);
  }
  gc_patrol_free(p);
}

/* Correction: with counts (4, 1, 1, 1), p_0 = 4/7 and each of N discoveries
** in district 0 is accepted with probability 3/7: Binomial, tolerance 5 sd.
** Without correction every one counts; reports always count. */
static void test_correction_acceptance(void **state) {
  (void)state;
  enum { N = 20000 };
  for (int corr = 0; corr <= 1; corr++) {
    load(2, 1, 1, 0, corr, 5);
    gc_patrol *p = make(11);
    learn(p, 0, GC_OBS_REPORTED, 0, 3);
    gc_patrol_plan(p, 1);
    assert_true(fabs(gc_patrol_record(p, 1)->weight[0] - 4) < 1e-6);
    learn(p, 1, GC_OBS_DISCOVERY, 0, N);
    assert_int_equal(gc_patrol_record(p, 1)->discoveries[0], N);
    gc_patrol_plan(p, 2);
    double accepted = gc_patrol_record(p, 2)->weight[0] - 4;
    if (!corr) {
      assert_true(fabs(accepted - N) < 0.5);
    } else {
      double q = 3.0 / 7, sd = sqrt(N * q * (1 - q));
      assert_true(fabs(accepted - N * q) < 5 * sd);
    }
    learn(p, 2, GC_OBS_REPORTED, 0, 10);
    gc_patrol_plan(p, 3);
    assert_true(fabs(gc_patrol_record(p, 3)->weight[0] - (4 + accepted + 10)) < 0.5);
    assert_int_equal(gc_patrol_record(p, 2)->reported[0], 10);
    gc_patrol_free(p);
  }
}

/* One step of the two-district urn (Ensign et al. 2018): counts (1, 3), one
** patrol, the patrolled district yields a discovery with probability
** lambda = 0.5.  E[growth of district 0] = lambda * 1/4 without correction
** and lambda * 1/4 * 3/4 with it (a Bernoulli per seed); over S seeds the
** mean is within 5 sd of that. */
static void test_urn_one_step(void **state) {
  (void)state;
  enum { S = 20000 };
  const double lambda = 0.5;
  gc_rng_key tk = gc_rng_key_make(99, 1);
  for (int corr = 0; corr <= 1; corr++) {
    load(2, 1, 0, 0, corr, 3);
    long grew = 0;
    for (int s = 0; s < S; s++) {
      gc_patrol *p = make((uint64_t)s + 1);
      learn(p, 0, GC_OBS_REPORTED, 0, 1);
      learn(p, 0, GC_OBS_REPORTED, 1, 3);
      gc_patrol_plan(p, 1);
      const uint8_t *t = gc_patrol_today(p);
      assert_int_equal(t[2] + t[3], 0);                      /* zero counts are never drawn */
      int d = t[0] ? 0 : 1;
      int found = gc_u01(gc_rng4(tk, (uint32_t)s, 0, 0).v[0]) < lambda;
      learn(p, 1, GC_OBS_DISCOVERY, d, found);
      gc_patrol_plan(p, 2);
      grew += gc_patrol_record(p, 2)->weight[0] > 1.5;
      gc_patrol_free(p);
    }
    double q = lambda * 0.25 * (corr ? 0.75 : 1), sd = sqrt(S * q * (1 - q));
    assert_true(fabs(grew - S * q) < 5 * sd);
  }
}

/* Runaway feedback: counts (1, 1), one patrol a day that always discovers,
** no correction, no decay.  This is Polya's urn: after T days district 0's
** extra count K is exactly uniform on 0..T whatever the (equal) true
** rates, so the share does not settle near 1/2.  P(K <= 11 or K >= 39) for
** T = 50 is 24/51; over M runs the observed fraction is within 5 sd.  The
** mean of K is T/2 (sd of the mean sqrt((T+1)^2-1)/12/M)^0.5). */
static void test_polya_urn(void **state) {
  (void)state;
  enum { T = 50, M = 3000 };
  load(2, 1, 0, 0, 0, T + 2);
  long tails = 0;
  double sumk = 0;
  for (int m = 0; m < M; m++) {
    gc_patrol *p = make((uint64_t)m + 1000);
    learn(p, 0, GC_OBS_REPORTED, 0, 1);
    learn(p, 0, GC_OBS_REPORTED, 1, 1);
    for (int day = 1; day <= T; day++) {
      gc_patrol_plan(p, day);
      learn(p, day, GC_OBS_DISCOVERY, gc_patrol_today(p)[0] ? 0 : 1, 1);
    }
    gc_patrol_plan(p, T + 1);
    const gc_patrol_day *r = gc_patrol_record(p, T + 1);
    assert_true(fabs(r->weight[0] + r->weight[1] - (T + 2)) < 1e-3);
    int k = (int)lround(r->weight[0]) - 1;
    tails += k <= 11 || k >= 39;
    sumk += k;
    gc_patrol_free(p);
  }
  double q = 24.0 / 51, sd = sqrt(M * q * (1 - q));
  assert_true(fabs(tails - M * q) < 5 * sd);
  double var = ((T + 1.0) * (T + 1.0) - 1) / 12, sdm = sqrt(var / M);
  assert_true(fabs(sumk / M - T / 2.0) < 5 * sdm);
}

/* Observations outside the districts are ignored; the same seed gives the
** same allocation. */
static void test_reproducible_and_bounds(void **state) {
  (void)state;
  load(3, 5, 1, 0.05, 1, 10);
  gc_patrol *a = make(42), *b = make(42);
  for (int day = 0; day < 10; day++) {
    gc_patrol_plan(a, day);
    gc_patrol_plan(b, day);
    assert_memory_equal(gc_patrol_today(a), gc_patrol_today(b), 9);
    gc_obs o[8];
    for (int i = 0; i < 8; i++)                        /* 4..7: no district 9 */
      o[i] = (gc_obs){(uint32_t)i, (uint32_t)i, 17, i < 4 ? (uint32_t)(day % 9) : 9, 0, (uint16_t)i,
                      GC_OBS_DISCOVERY, 0, 0};
    gc_patrol_learn(a, day, o, 8);
    gc_patrol_learn(b, day, o, 4);
  }
  assert_memory_equal(gc_patrol_record(a, 9), gc_patrol_record(b, 9), sizeof(gc_patrol_day));
  assert_null(gc_patrol_record(a, 10));
  gc_patrol_free(a);
  gc_patrol_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_off),
    cmocka_unit_test(test_allocation_follows_counts),
    cmocka_unit_test(test_decay_exact),
    cmocka_unit_test(test_correction_acceptance),
    cmocka_unit_test(test_urn_one_step),
    cmocka_unit_test(test_polya_urn),
    cmocka_unit_test(test_reproducible_and_bounds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
