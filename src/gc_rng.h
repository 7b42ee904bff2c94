/*
** gc_rng.h — counter-based random numbers (Random123 Philox4x32-10).
**
** Design.  glasscage never keeps random-generator state between draws that
** could depend on scheduling.  Every draw is a pure function of
**   key     = (seed, purpose)          e.g. (20171119, GC_RNG_ACTIVITY)
**   counter = (entity, day, draw, 0)   e.g. (agent 5123, day 7, draw 2)
** so a result is the same whichever thread computes it, in whatever order,
** and a twin run that shares the seed sees the same random world.  One
** Philox call yields four 32-bit words; gc_stream hands them out one by one
** and bumps the draw counter when they are used up.
**
** Purposes are fixed numbers: changing one changes every result that uses
** it, so new purposes are only ever appended.
*/
#ifndef GC_RNG_H
#define GC_RNG_H

#include <stdint.h>
#include <math.h>
#include <Random123/philox.h>

enum gc_rng_purpose {
  GC_RNG_WORLD = 1,       /* place coordinates, scanner placement */
  GC_RNG_HOUSEHOLD,       /* household sizes, homes */
  GC_RNG_TRAITS,          /* traits and hidden truth */
  GC_RNG_TIES,            /* social graph */
  GC_RNG_ACTIVITY,        /* daily itineraries and signals */
  GC_RNG_SENSORS,         /* detection and identity errors */
  GC_RNG_RESPONSE,        /* outcomes of police actions */
  GC_RNG_LISTS,           /* list removals */
  GC_RNG_UTILITY,         /* household utility noise */
  GC_RNG_HOME_VISITS = 10,/* home-visit schedule and reports */
  GC_RNG_LINKAGE = 11,    /* record-linkage errors, CCTV false matches */
  GC_RNG_PATROL = 12,     /* patrol allocation */
  GC_RNG_REACTION = 13,   /* agents' reactions to police action (chilling, awareness) */
  GC_RNG_PLACEMENT = 14   /* sensor placement: cameras, sniffers, plate readers */
};

typedef struct gc_rng_key {
  philox4x32_key_t k;
} gc_rng_key;

/* Returns the key for (seed, purpose).  The purpose is mixed into the
** second key word so streams of different purposes never coincide. */
gc_rng_key gc_rng_key_make(uint64_t seed, uint32_t purpose);

/* Four 32-bit words for counter (a, b, c). */
static inline philox4x32_ctr_t gc_rng4(gc_rng_key key, uint32_t a, uint32_t b, uint32_t c) {
  philox4x32_ctr_t ctr = {{a, b, c, 0}};
  return philox4x32(ctr, key.k);
}

/* gc_rng4 of counters (a0 + j, b, c) for j < n into out[j]: the same words,
** computed several counters at a time in lockstep, so that the processor
** overlaps their rounds (one call alone waits on ten dependent rounds of
** multiplications; a batch runs about three times faster per call). */
void gc_rng4_batch(gc_rng_key key, uint32_t a0, uint32_t n, uint32_t b, uint32_t c, philox4x32_ctr_t *out);

/* A uniform double in the open interval (0, 1) from one 32-bit word. */
static inline double gc_u01(uint32_t x) {
  return ((double)x + 0.5) * (1.0 / 4294967296.0);
}

/* A sequential stream over counters (entity, day, 0..): at most 2^32 words. */
typedef struct gc_stream {
  gc_rng_key key;
  uint32_t entity, day, draw;
  uint32_t used;            /* words of buf consumed, 4 = empty */
  philox4x32_ctr_t buf;
} gc_stream;

static inline void gc_stream_init(gc_stream *s, gc_rng_key key, uint32_t entity, uint32_t day) {
  s->key = key;
  s->entity = entity;
  s->day = day;
  s->draw = 0;
  s->used = 4;
}

/* As gc_stream_init, with the stream's first four words already computed
** (first = gc_rng4(key, entity, day, 0), e.g. by gc_rng4_batch). */
static inline void gc_stream_init_first(gc_stream *s, gc_rng_key key, uint32_t entity, uint32_t day,
                                        philox4x32_ctr_t first) {
  s->key = key;
  s->entity = entity;
  s->day = day;
  s->draw = 1;
  s->used = 0;
  s->buf = first;
}

static inline uint32_t gc_stream_u32(gc_stream *s) {
  if (s->used == 4) {
    s->buf = gc_rng4(s->key, s->entity, s->day, s->draw++);
    s->used = 0;
  }
  return s->buf.v[s->used++];
}

static inline double gc_stream_u01(gc_stream *s) { return gc_u01(gc_stream_u32(s)); }

/* Uniform integer in [0, n), n > 0 (multiply-shift; bias below 2^-32 * n). */
static inline uint32_t gc_stream_below(gc_stream *s, uint32_t n) {
  return (uint32_t)(((uint64_t)gc_stream_u32(s) * n) >> 32);
}

/* Poisson(mean) by inversion; mean is small (< 30) in every use here, and
** larger means fall back to a rounded normal approximation. */
uint32_t gc_stream_poisson(gc_stream *s, double mean);

/* The standard normal quantile: z with P(Z < z) = u, 0 < u < 1 (Acklam's
** rational approximation refined by one Halley step on erfc: about 1e-15). */
double gc_normal_quantile(double u);

/* Standard normal by Box-Muller (uses two words). */
double gc_stream_normal(gc_stream *s);

/* Index drawn with probabilities share[0..n-1] (summing to 1; the last
** index absorbs rounding). */
int gc_stream_pick_shares(gc_stream *s, const double *share, int n);

#endif
