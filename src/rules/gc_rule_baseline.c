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
** (everyone's, not only the watched), found by quickselect.
*/
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../gc_mem.h"
#include "gc_rule_kind.h"

typedef struct base_state {
  float *mean;               /* per entity (household or person) */
  uint16_t *seen;
  float *values;             /* today's readings, for the percentile */
  size_t values_cap;
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
  if (r->cfg->over != GC_OVER_BASELINE) return 0;
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

static int percentile_threshold(base_state *s, const gc_rule *r, const gc_rule_env *env, float *thr) {
  const gc_obs *o;
  size_t n = 0;
  size_t cnt = env->kind_start[obs_kind(r->cfg) + 1] - env->kind_start[obs_kind(r->cfg)];
  float *v = gc_grow(s->values, &s->values_cap, cnt, sizeof *v);
  if (!v) return -1;
  s->values = v;
  GC_FOR_KIND(env, obs_kind(r->cfg), o)
    if (applies(r->cfg, o)) s->values[n++] = o->value;
  if (!n) { *thr = 0; return 1; }
  size_t k = (size_t)(r->cfg->percentile / 100.0 * (double)(n - 1) + 0.5);
  *thr = kth(s->values, n, k < n ? k : n - 1);
  return 0;
}

static int evaluate(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits) {
  base_state *s = r->state;
  const gc_obs *o;
  if (r->cfg->over == GC_OVER_PERCENTILE) {
    float thr;
    int rc = percentile_threshold(s, r, env, &thr);
    if (rc) return rc < 0 ? -1 : 0;
    GC_FOR_KIND(env, obs_kind(r->cfg), o)
      if (applies(r->cfg, o) && o->value > thr && gc_rule_watches(r, env, o->person))
        if (gc_u32vec_push(hits, o->person)) return -1;
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
    float wgt = 1.0f / (float)(s->seen[e] < 30 ? s->seen[e] : 30);
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
