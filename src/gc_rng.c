/*
** gc_rng.c — the distributions glasscage draws from a gc_stream.
** Every function consumes a fixed or value-dependent number of words, so a
** caller that needs exact reproducibility only has to call them in the same
** order, which every caller does because it works per entity and day.
*/
#include "gc_rng.h"

gc_rng_key gc_rng_key_make(uint64_t seed, uint32_t purpose) {
  gc_rng_key key;
  uint64_t mix = seed * 0x9E3779B97F4A7C15ull;
  key.k.v[0] = (uint32_t)(seed ^ (seed >> 32));
  key.k.v[1] = (uint32_t)(mix >> 32) ^ (purpose * 0x85EBCA6Bu);
  return key;
}

void gc_rng4_batch(gc_rng_key key, uint32_t a0, uint32_t n, uint32_t b, uint32_t c, philox4x32_ctr_t *out) {
  enum { L = 8 };                          /* counters in lockstep */
  uint32_t j = 0;
  for (; j + L <= n; j += L) {
    uint32_t x0[L], x1[L], x2[L], x3[L], k0 = key.k.v[0], k1 = key.k.v[1];
    for (int l = 0; l < L; l++) x0[l] = a0 + j + (uint32_t)l, x1[l] = b, x2[l] = c, x3[l] = 0;
    for (int r = 0; r < 10; r++) {         /* Random123's philox4x32_R(10): round, then bump the key */
      if (r) k0 += PHILOX_W32_0, k1 += PHILOX_W32_1;
      for (int l = 0; l < L; l++) {
        uint64_t p0 = (uint64_t)PHILOX_M4x32_0 * x0[l], p1 = (uint64_t)PHILOX_M4x32_1 * x2[l];
        uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1[l] ^ k0, y2 = (uint32_t)(p0 >> 32) ^ x3[l] ^ k1;
        x0[l] = y0, x1[l] = (uint32_t)p1, x2[l] = y2, x3[l] = (uint32_t)p0;
      }
    }
    for (int l = 0; l < L; l++) out[j + (uint32_t)l] = (philox4x32_ctr_t){{x0[l], x1[l], x2[l], x3[l]}};
  }
  for (; j < n; j++) out[j] = gc_rng4(key, a0 + j, b, c);
}

uint32_t gc_stream_poisson(gc_stream *s, double mean) {
  if (mean <= 0) return 0;
  if (mean > 30) {
    double x = mean + sqrt(mean) * gc_stream_normal(s) + 0.5;
    return x < 0 ? 0 : (uint32_t)x;
  }
  /* 1/k for the first terms: a multiplication is much cheaper than a division */
  static const double inv[32] = {
    0, 1, 1 / 2., 1 / 3., 1 / 4., 1 / 5., 1 / 6., 1 / 7., 1 / 8., 1 / 9., 1 / 10., 1 / 11., 1 / 12., 1 / 13.,
    1 / 14., 1 / 15., 1 / 16., 1 / 17., 1 / 18., 1 / 19., 1 / 20., 1 / 21., 1 / 22., 1 / 23., 1 / 24., 1 / 25.,
    1 / 26., 1 / 27., 1 / 28., 1 / 29., 1 / 30., 1 / 31.};
  double u = gc_stream_u01(s);
  double p = exp(-mean), cdf = p;
  uint32_t k = 0;
  while (u > cdf && k < 1000) {
    k++;
    p *= k < 32 ? mean * inv[k] : mean / k;
    cdf += p;
  }
  return k;
}

double gc_normal_quantile(double u) {
  static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                              1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                              6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                              -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                              3.754408661907416e+00};
  double z;
  if (u < 0.02425 || u > 1 - 0.02425) {
    double q = sqrt(-2 * log(u < 0.5 ? u : 1 - u));
    z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (u > 0.5) z = -z;
  } else {
    double q = u - 0.5, r = q * q;
    z = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  /* Halley's step, on the smaller tail (1 - Phi(z) near 1 would cancel) */
  double e = u < 0.5 ? 0.5 * erfc(-z / 1.4142135623730951) - u : (1 - u) - 0.5 * erfc(z / 1.4142135623730951);
  double h = e * 2.5066282746310002 * exp(z * z / 2);
  return z - h / (1 + z * h / 2);
}

double gc_stream_normal(gc_stream *s) {
  double u1 = gc_stream_u01(s), u2 = gc_stream_u01(s);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

int gc_stream_pick_shares(gc_stream *s, const double *share, int n) {
  double u = gc_stream_u01(s), c = 0;
  for (int i = 0; i < n - 1; i++) {
    c += share[i];
    if (u < c) return i;
  }
  return n - 1;
}
