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

uint32_t gc_stream_poisson(gc_stream *s, double mean) {
  if (mean <= 0) return 0;
  if (mean > 30) {
    double x = mean + sqrt(mean) * gc_stream_normal(s) + 0.5;
    return x < 0 ? 0 : (uint32_t)x;
  }
  double u = gc_stream_u01(s);
  double p = exp(-mean), cdf = p;
  uint32_t k = 0;
  while (u > cdf && k < 1000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
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
