/*
** gc_rule_baseline.c — "a quantity exceeds a personal baseline x factor or a
** population percentile".  IJOP's fertilizer jump from 5 kg to 15 kg
** (HRW-2018); Shanghai's "digital whistle" on household water and
** electricity (NYT-2022).
**
** Utility readings belong to households and are attributed to the
** household's registered head; purchases belong to the person whose ID was
** used.  The personal baseline is the mean of the entity's earlier readings
** (an exponential mean with weight 1/30 once 30 readings exist); it is
** trusted after min_history_days readings, and updated after the check so a
** jump is judged against the past, not against itself.  The percentile
** threshold is today's order statistic over all readings of the measure
** (everyone's, not only the watched).
**
** Finding it.  A city's readings are hundreds of thousands a day, and a
** quickselect over them mispredicts a branch at nearly every comparison.
** Instead a radix select: the readings' bits, mapped to unsigned keys in
** the order of the values, are counted by their top 16 bits in the one pass
** over the observations, which also keeps the keys in a compact array; the
** bucket holding the order statistic is then the only one whose readings
** are kept (a second pass, over the keys), and the statistic is selected
** among them.  The same pass keeps the readings at or above that bucket,
** which are the only ones that can exceed the threshold, so the alert pass
** reads a few thousand observations instead of the day's.  The threshold is
** the same value quickselect finds (an order statistic does not depend on
** how it is found; +0 and -0 may swap, which `>` does not tell apart).
** Readings are finite (no NaN), as the sensors make them.
*/
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../gc_mem.h"
#include "gc_rule_kind.h"

#define BUCKET_BITS 16

typedef struct base_state {
  float *mean;               /* per entity (household or person) */
  uint16_t *seen;
  float rate[31];            /* 1 / min(seen, 30): the baseline's weight */
  uint32_t *count;           /* percentile: readings per bucket (2^BUCKET_BITS) */
  uint32_t *key;             /* percentile: today's keys, by position in the kind (0: not counted) */
  size_t key_cap;
  float *values;             /* percentile: today's readings in the threshold's bucket */
  size_t values_cap;
  uint32_t *above;           /* percentile: today's readings at or above that bucket (positions in the kind) */
  size_t above_cap;
} base_state;

static int obs_kind(const gc_rule_cfg *rc) {
  return rc->measure == GC_MEASURE_ELECTRICITY ? GC_OBS_ELECTRICITY :
         rc->measure == GC_MEASURE_WATER ? GC_OBS_WATER : GC_OBS_PURCHASE;
}

static int compile(gc_rule *r, const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  (void)cfg; (void)w;
  base_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  r->state = s;
  if (r->cfg->over != GC_OVER_BASELINE) {
    s->count = malloc(((size_t)1 << BUCKET_BITS) * sizeof *s->count);
    return s->count ? 0 : -1;
  }
  for (int k = 1; k <= 30; k++) s->rate[k] = 1.0f / (float)k;
  size_t n = r->cfg->measure == GC_MEASURE_PURCHASE ? pop->n : pop->nhh;
  s->mean = calloc(n + 1, sizeof *s->mean);
  s->seen = calloc(n + 1, sizeof *s->seen);
  return s->mean && s->seen ? 0 : -1;
}

static int applies(const gc_rule_cfg *rc, const gc_obs *o) {
  return rc->measure != GC_MEASURE_PURCHASE || rc->purchase < 0 || o->sub == rc->purchase;
}

/* Wirth's selection: the k-th smallest of a[0..n-1] (a is reordered). */
static float kth(float *a, size_t n, size_t k) {
  ptrdiff_t l = 0, m = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
  while (l < m) {
    float x = a[kk];
    ptrdiff_t i = l, j = m;
    do {
      while (a[i] < x) i++;
      while (x < a[j]) j--;
      if (i <= j) {
        float t = a[i]; a[i] = a[j]; a[j] = t;
        i++;
        j--;
      }
    } while (i <= j);
    if (j < kk) l = i;
    if (kk < i) m = j;
  }
  return a[kk];
}

/* f's bits as an unsigned key in the order of the values: negative values
** (sign bit set) reversed, below the positive ones. */
static inline uint32_t order_key(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u & 0x80000000u ? ~u : u | 0x80000000u;
}

/* Today's threshold into *thr and the observations at or above its bucket
** into s->above[0..*nabove) (in the day's order).  Returns 0, 1 when there
** is no reading today, or -1 on allocation failure. */
static int percentile_threshold(base_state *s, const gc_rule *r, const gc_rule_env *env, float *thr,
                                size_t *nabove) {
  int kind = obs_kind(r->cfg);
  const gc_obs *at = env->obs + env->kind_start[kind];
  size_t n = 0, cnt = env->kind_start[kind + 1] - env->kind_start[kind];
  uint32_t *key = gc_grow(s->key, &s->key_cap, cnt, sizeof *key);
  if (!key) return -1;
  s->key = key;
  memset(s->count, 0, ((size_t)1 << BUCKET_BITS) * sizeof *s->count);
  for (size_t j = 0; j < cnt; j++) {
    const gc_obs *o = &at[j];
    key[j] = 0;                           /* bucket 0: re-checked below */
    if (!applies(r->cfg, o)) continue;
    key[j] = order_key(o->value);
    s->count[key[j] >> (32 - BUCKET_BITS)]++;
    n++;
  }
  if (!n) { *thr = 0; return 1; }
  size_t k = (size_t)(r->cfg->percentile / 100.0 * (double)(n - 1) + 0.5);
  if (k >= n) k = n - 1;
  uint32_t b = 0;
  for (size_t below = 0;; b++) {          /* the bucket of the k-th smallest */
    if (below + s->count[b] > k) { k -= below; break; }
    below += s->count[b];
  }
  float *v = gc_grow(s->values, &s->values_cap, s->count[b], sizeof *v);
  if (!v) return -1;
  s->values = v;
  uint32_t *a = gc_grow(s->above, &s->above_cap, cnt, sizeof *a);
  if (!a) return -1;
  s->above = a;
  size_t nv = 0, na = 0;
  for (size_t j = 0; j < cnt; j++) {
    uint32_t kb = key[j] >> (32 - BUCKET_BITS);
    if (kb < b) continue;
    const gc_obs *o = &at[j];
    if (!applies(r->cfg, o)) continue;
    if (kb == b) v[nv++] = o->value;
    a[na++] = (uint32_t)j;
  }
  *thr = kth(v, nv, k);
  *nabove = na;
  return 0;
}

static int evaluate(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits) {
  base_state *s = r->state;
  const gc_obs *o;
  if (r->cfg->over == GC_OVER_PERCENTILE) {
    float thr;
    size_t na;
    int rc = percentile_threshold(s, r, env, &thr, &na);
    if (rc) return rc < 0 ? -1 : 0;
    const gc_obs *at = env->obs + env->kind_start[obs_kind(r->cfg)];
    for (size_t i = 0; i < na; i++) {
      o = &at[s->above[i]];
      if (o->value > thr && gc_rule_watches(r, env, o->person) && gc_u32vec_push(hits, o->person)) return -1;
    }
    return 0;
  }
  int per_person = r->cfg->measure == GC_MEASURE_PURCHASE;
  GC_FOR_KIND(env, obs_kind(r->cfg), o) {
    if (!applies(r->cfg, o)) continue;
    uint32_t e = per_person ? o->person : o->where;
    if (s->seen[e] >= r->cfg->min_history_days && o->value > r->cfg->factor * s->mean[e] &&
        gc_rule_watches(r, env, o->person))
      if (gc_u32vec_push(hits, o->person)) return -1;
    if (s->seen[e] < 65535) s->seen[e]++;
    float wgt = s->rate[s->seen[e] < 30 ? s->seen[e] : 30];
    s->mean[e] += wgt * (o->value - s->mean[e]);
  }
  return 0;
}

static void release(gc_rule *r) {
  base_state *s = r->state;
  if (!s) return;
  free(s->mean);
  free(s->seen);
  free(s->values);
  free(s->count);
  free(s->key);
  free(s->above);
  free(s);
  r->state = NULL;
}

static void describe(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len) {
  char who[256];
  static const char *const measures[] = {"electricity use", "water use", "purchase quantity"};
  gc_describe_selector(cfg, &rc->who, who, sizeof who);
  if (rc->over == GC_OVER_PERCENTILE)
    snprintf(buf, len, "alert when %s's daily %s exceeds the city's %.1fth percentile", who,
             measures[rc->measure], rc->percentile);
  else
    snprintf(buf, len, "alert when %s's daily %s exceeds %.1f x their own baseline (after %d days)",
             who, measures[rc->measure], rc->factor, rc->min_history_days);
}

const gc_rule_ops gc_rule_baseline_ops = {"baseline", compile, evaluate, release, describe};
