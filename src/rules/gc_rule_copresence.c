/*
** gc_rule_copresence.c — ">= k selected people at the same or nearby places
** within a time window".  Nanning: more than three key people checking into
** the same or nearby hotels; the tripwire builder: two drug users in one
** hotel (NYT-2022).
**
** Each day the rule gathers its candidates (located records of watched
** people at the rule's place types: ID scans, and camera sightings, wifi
** logs and plate reads where a place has those sensors -- the tripwire
** builder's "four people with a protest history enter the same park" needs
** cameras, parks have no ID scanners) with absolute times (day * 1440 +
** minute), keeps
** the candidates of earlier days that are still inside the time window, and
** sorts all of them by place.  For every candidate of today (the anchor) it
** looks up places within radius_m through the world's grid, collects the
** distinct persons seen there within within_minutes of the anchor (a person
** seen by two sensors counts once), and if
** there are at least min_people, flags all of them (a trigger each).
** Groups are anchored on today's scans, so a group is found on the day its
** last member arrives; people already flagged for it earlier may be flagged
** again if a new member joins, as the reported rules would do.
**
** Within 2 km of a city hotel lie a thousand or more places of every type,
** and a binary search among the candidates for each was most of the rule's
** time; a bit per place marks the places that have candidates at all, and
** only those are searched (the group is the same).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../gc_mem.h"
#include "gc_rule_kind.h"

typedef struct cand {
  uint32_t place, person;
  int64_t t;                 /* absolute minute */
  int today;
} cand;

typedef struct copres_state {
  cand *c;
  size_t n, cap;
  uint32_t *near;
  uint32_t near_cap;
  uint64_t *has;             /* bit per place: a candidate is there (today's and the window's) */
  gc_u32vec group;
} copres_state;

static int compile(gc_rule *r, const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  (void)cfg; (void)pop;
  copres_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  r->state = s;
  s->near_cap = w->nplaces ? w->nplaces : 1;
  s->near = malloc(s->near_cap * sizeof *s->near);
  s->has = calloc(s->near_cap / 64 + 1, sizeof *s->has);
  return s->near && s->has ? 0 : -1;
}

static int push_cand(copres_state *s, cand c) {
  cand *nc = gc_grow(s->c, &s->cap, s->n + 1, sizeof *nc);
  if (!nc) return -1;
  s->c = nc;
  s->c[s->n++] = c;
  return 0;
}

static int by_place_time(const void *a, const void *b) {
  const cand *x = a, *y = b;
  if (x->place != y->place) return x->place < y->place ? -1 : 1;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  return x->person < y->person ? -1 : x->person > y->person;
}

/* Drops candidates older than the window and marks the rest as earlier days'. */
static void age(copres_state *s, int64_t now, int within) {
  size_t k = 0;
  for (size_t i = 0; i < s->n; i++)
    if (s->c[i].t + within >= now) {
      s->c[k] = s->c[i];
      s->c[k++].today = 0;
    }
  s->n = k;
}

/* First candidate index at place p (candidates sorted by place). */
static size_t first_at(const copres_state *s, uint32_t p) {
  size_t lo = 0, hi = s->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (s->c[mid].place < p) lo = mid + 1; else hi = mid;
  }
  return lo;
}

static int group_at(copres_state *s, const gc_rule *r, const gc_world *w, const cand *a) {
  s->group.n = 0;
  uint32_t nn = gc_world_near(w, a->place, r->cfg->radius_m, s->near, s->near_cap);
  for (uint32_t k = 0; k < nn && k < s->near_cap; k++) {
    uint32_t q = s->near[k];
    if (!((s->has[q >> 6] >> (q & 63)) & 1)) continue;
    for (size_t i = first_at(s, q); i < s->n && s->c[i].place == q; i++) {
      int64_t dt = s->c[i].t - a->t;
      if (dt < 0) dt = -dt;
      if (dt <= r->cfg->within_minutes && gc_u32vec_push(&s->group, s->c[i].person)) return -1;
    }
  }
  gc_sort_u32(s->group.v, s->group.n);
  size_t d = 0;
  for (size_t i = 0; i < s->group.n; i++)
    if (!d || s->group.v[d - 1] != s->group.v[i]) s->group.v[d++] = s->group.v[i];
  s->group.n = d;
  return 0;
}

static int evaluate(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits) {
  copres_state *s = r->state;
  int64_t base = (int64_t)env->day * 1440;
  age(s, base, r->cfg->within_minutes);
  static const int kinds[] = {GC_OBS_ID_SCAN, GC_OBS_SIGHTING, GC_OBS_WIFI, GC_OBS_PLATE};
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    const gc_obs *o;
    int type;
    GC_FOR_KIND(env, kinds[k], o) {
      if (!gc_obs_at_place(o, &type) || !((r->where_mask >> type) & 1) || !gc_rule_watches(r, env, o->person))
        continue;
      cand c = {o->where, o->person, base + o->time, 1};
      if (push_cand(s, c)) return -1;
    }
  }
  if (s->n > 1) qsort(s->c, s->n, sizeof *s->c, by_place_time);
  memset(s->has, 0, (s->near_cap / 64 + 1) * sizeof *s->has);
  for (size_t i = 0; i < s->n; i++) s->has[s->c[i].place >> 6] |= 1ull << (s->c[i].place & 63);
  for (size_t i = 0; i < s->n; i++) {
    if (!s->c[i].today) continue;
    if (group_at(s, r, env->world, &s->c[i])) return -1;
    if (s->group.n < (size_t)r->cfg->min_people) continue;
    for (size_t k = 0; k < s->group.n; k++)
      if (gc_u32vec_push(hits, s->group.v[k])) return -1;
  }
  return 0;
}

static void release(gc_rule *r) {
  copres_state *s = r->state;
  if (!s) return;
  free(s->c);
  free(s->near);
  free(s->has);
  gc_u32vec_free(&s->group);
  free(s);
  r->state = NULL;
}

static void describe(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len) {
  char who[256], where[128];
  gc_describe_selector(cfg, &rc->who, who, sizeof who);
  gc_describe_where(rc, where, sizeof where);
  snprintf(buf, len, "alert when %d or more of %s are recorded (ID scan, camera, wifi or plate) at %ss within %.0f m and %d minutes",
           rc->min_people, who, where, rc->radius_m, rc->within_minutes);
}

const gc_rule_ops gc_rule_copresence_ops = {"copresence", compile, evaluate, release, describe};
