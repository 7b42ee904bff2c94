/*
** test_rng.c — the counter-based generator: known answers from Random123's
** kat_vectors, purity (same counter, same words), stream independence, and
** the distributions against closed-form moments (tolerance 4 sigma).
*/
#include <math.h>
#include "gc_test.h"
#include "gc_rng.h"

static void test_philox_known_answers(void **state) {
  (void)state;
  philox4x32_ctr_t c0 = {{0, 0, 0, 0}};
  philox4x32_key_t k0 = {{0, 0}};
  philox4x32_ctr_t r = philox4x32(c0, k0);
  assert_true(r.v[0] == 0x6627e8d5u && r.v[1] == 0xe169c58du && r.v[2] == 0xbc57ac4cu && r.v[3] == 0x9b00dbd8u);
  philox4x32_ctr_t c1 = {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}};
  philox4x32_key_t k1 = {{0xa4093822u, 0x299f31d0u}};
  r = philox4x32(c1, k1);
  assert_true(r.v[0] == 0xd16cfe09u && r.v[1] == 0x94fdccebu && r.v[2] == 0x5001e420u && r.v[3] == 0x24126ea1u);
}

static void test_counter_purity(void **state) {
  (void)state;
  gc_rng_key k = gc_rng_key_make(42, GC_RNG_ACTIVITY);
  philox4x32_ctr_t a = gc_rng4(k, 5, 6, 7), b = gc_rng4(k, 5, 6, 7), c = gc_rng4(k, 5, 6, 8);
  assert_memory_equal(&a, &b, sizeof a);
  assert_memory_not_equal(&a, &c, sizeof a);
  gc_rng_key k2 = gc_rng_key_make(42, GC_RNG_SENSORS), k3 = gc_rng_key_make(43, GC_RNG_ACTIVITY);
  philox4x32_ctr_t d = gc_rng4(k2, 5, 6, 7), e = gc_rng4(k3, 5, 6, 7);
  assert_memory_not_equal(&a, &d, sizeof a);
  assert_memory_not_equal(&a, &e, sizeof a);
}

static void test_stream_matches_counters(void **state) {
  (void)state;
  gc_rng_key k = gc_rng_key_make(9, GC_RNG_TRAITS);
  gc_stream s;
  gc_stream_init(&s, k, 11, 3);
  for (uint32_t draw = 0; draw < 5; draw++) {
    philox4x32_ctr_t w = gc_rng4(k, 11, 3, draw);
    for (int j = 0; j < 4; j++) assert_int_equal(gc_stream_u32(&s), w.v[j]);
  }
}

static void test_uniform_moments(void **state) {
  (void)state;
  gc_stream s;
  gc_stream_init(&s, gc_rng_key_make(1, 1), 0, 0);
  const int n = 400000;
  double sum = 0, lo = 1, hi = 0;
  for (int i = 0; i < n; i++) {
    double u = gc_stream_u01(&s);
    sum += u;
    lo = u < lo ? u : lo;
    hi = u > hi ? u : hi;
  }
  assert_true(lo > 0 && hi < 1);
  double sd = sqrt(1.0 / 12 / n);                 /* sd of the mean of n uniforms */
  assert_true(fabs(sum / n - 0.5) < 4 * sd);
}

static void check_poisson(double mean) {
  gc_stream s;
  gc_stream_init(&s, gc_rng_key_make(2, 1), (uint32_t)(mean * 100), 0);
  const int n = 200000;
  double sum = 0, sq = 0;
  for (int i = 0; i < n; i++) {
    double k = gc_stream_poisson(&s, mean);
    sum += k;
    sq += k * k;
  }
  double m = sum / n, var = sq / n - m * m;
  assert_true(fabs(m - mean) < 4 * sqrt(mean / n));
  /* var of the sample variance of a Poisson: (mu + 2 mu^2) / n approximately */
  assert_true(fabs(var - mean) < 4 * sqrt((mean + 2 * mean * mean) / n));
}

static void test_poisson_moments(void **state) {
  (void)state;
  check_poisson(0.08);
  check_poisson(0.6);
  check_poisson(5.0);
  check_poisson(40.0);
}

static void test_pick_shares(void **state) {
  (void)state;
  gc_stream s;
  gc_stream_init(&s, gc_rng_key_make(3, 1), 0, 0);
  const double share[4] = {0.1, 0.2, 0.3, 0.4};
  int count[4] = {0};
  const int n = 200000;
  for (int i = 0; i < n; i++) count[gc_stream_pick_shares(&s, share, 4)]++;
  for (int k = 0; k < 4; k++)
    assert_true(fabs(count[k] - n * share[k]) < 4 * sqrt(n * share[k] * (1 - share[k])));
}

static void test_normal_moments(void **state) {
  (void)state;
  gc_stream s;
  gc_stream_init(&s, gc_rng_key_make(4, 1), 0, 0);
  const int n = 200000;
  double sum = 0, sq = 0;
  for (int i = 0; i < n; i++) {
    double z = gc_stream_normal(&s);
    sum += z;
    sq += z * z;
  }
  assert_true(fabs(sum / n) < 4 / sqrt(n));
  assert_true(fabs(sq / n - 1) < 4 * sqrt(2.0 / n));
}


/* The batch gives exactly gc_rng4's words, for batch lengths that are and
** are not multiples of its lane count, and counters near 2^32. */
static void test_batch_matches_rng4(void **state) {
  (void)state;
  gc_rng_key key = gc_rng_key_make(20171119, GC_RNG_ACTIVITY);
  static const uint32_t starts[] = {0, 1000, 0xFFFFFFF0u};
  philox4x32_ctr_t out[37];
  for (size_t s = 0; s < sizeof starts / sizeof *starts; s++)
    for (uint32_t n = 0; n <= 15; n += 1)
      for (uint32_t c = 0; c < 3; c++) {
        gc_rng4_batch(key, starts[s], n, 7 + c, c, out);
        for (uint32_t j = 0; j < n; j++) {
          philox4x32_ctr_t want = gc_rng4(key, starts[s] + j, 7 + c, c);
          assert_memory_equal(&out[j], &want, sizeof want);
        }
      }
  gc_rng4_batch(key, 5, 37, 1, 2, out);
  for (uint32_t j = 0; j < 37; j++) {
    philox4x32_ctr_t want = gc_rng4(key, 5 + j, 1, 2);
    assert_memory_equal(&out[j], &want, sizeof want);
  }
}


/* The normal quantile against published values and against erfc. */
static void test_normal_quantile(void **state) {
  (void)state;
  assert_true(fabs(gc_normal_quantile(0.975) - 1.959963984540054) < 1e-13);
  assert_true(fabs(gc_normal_quantile(0.5)) < 1e-15);
  assert_true(fabs(gc_normal_quantile(1e-10) + 6.361340902404056) < 1e-11);
  assert_true(fabs(gc_normal_quantile(0.8413447460685429) - 1.0) < 1e-13);
  for (int k = 1; k < 1000; k++) {
    double u = k / 1000.0, z = gc_normal_quantile(u);
    assert_true(fabs(0.5 * erfc(-z / sqrt(2.0)) - u) < 1e-14);
    assert_true(gc_normal_quantile(u + 1e-4) > z);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_philox_known_answers),
    cmocka_unit_test(test_counter_purity),
    cmocka_unit_test(test_stream_matches_counters),
    cmocka_unit_test(test_batch_matches_rng4),
    cmocka_unit_test(test_normal_quantile),
    cmocka_unit_test(test_uniform_moments),
    cmocka_unit_test(test_poisson_moments),
    cmocka_unit_test(test_pick_shares),
    cmocka_unit_test(test_normal_moments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
