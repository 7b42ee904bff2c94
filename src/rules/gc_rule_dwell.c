/*
** gc_rule_dwell.c — "time observed at a place type >= min_minutes".
** Loitering at stations (pickpockets, NYT-2022); Yangshuo's foreigner rule,
** an alert when a foreigner's total time at certain places within a period
** exceeds a limit (NYT-2022).
**
** Evidence is what cameras and wifi sniffers report: SIGHTING and WIFI
** records carry the minutes in view.  When both saw the same stay, the
** platform counts it once: stays are keyed by (person, place or home,
** time) and the longest record of a key is its length, in whole minutes.
**   window_days 1   one stay of at least min_minutes fires (one trigger
**                   per such stay);
**   window_days W   the total over the last W days (today included) of at
**                   least min_minutes fires, on a day with a stay (one
**                   trigger per stay of today), as frequency rules do: only
**                   a person seen today can newly cross the limit.
** State (W > 1): a ring of W - 1 days of sorted (person << 32 | minutes)
** totals of watched people, so memory is proportional to watched people
** seen at `where` places in the window.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../gc_mem.h"
#include "gc_rule_kind.h"

typedef struct stay {
  uint32_t person, where;
  uint16_t time, home;
  float minutes;
} stay;

typedef struct dwell_state {
  int window;
  stay *st;                  /* today's records of watched people at `where` */
  size_t n, cap;
  gc_u64vec *days;           /* ring of window - 1 past days: person << 32 | minutes, sorted */
  gc_u64vec today;
} dwell_state;

static int compile(gc_rule *r, const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  (void)cfg; (void)w; (void)pop;
  dwell_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  r->state = s;
  s->window = r->cfg->window_days > 1 ? r->cfg->window_days : 1;
  if (s->window == 1) return 0;
  s->days = calloc((size_t)s->window, sizeof *s->days);
  return s->days ? 0 : -1;
}

static int by_key(const void *a, const void *b) {
  const stay *x = a, *y = b;
  if (x->person != y->person) return x->person < y->person ? -1 : 1;
  if (x->home != y->home) return x->home < y->home ? -1 : 1;
  if (x->where != y->where) return x->where < y->where ? -1 : 1;
  return x->time < y->time ? -1 : x->time > y->time;
}

static int same_key(const stay *x, const stay *y) {
  return x->person == y->person && x->home == y->home && x->where == y->where && x->time == y->time;
}

/* Gathers today's stays of watched people at `where`, deduplicated. */
static int gather(gc_rule *r, dwell_state *s, const gc_rule_env *env) {
  static const int kinds[] = {GC_OBS_SIGHTING, GC_OBS_WIFI};
  const gc_obs *o;
  s->n = 0;
  for (size_t k = 0; k < 2; k++)
    GC_FOR_KIND(env, kinds[k], o) {
      int home = (o->flags & GC_OBSF_HOME) != 0;
      int type = home ? GC_PLACE_HOME : o->sub;
      if (!((r->where_mask >> type) & 1) || !gc_rule_watches(r, env, o->person)) continue;
      stay *ns = gc_grow(s->st, &s->cap, s->n + 1, sizeof *ns);
      if (!ns) return -1;
      s->st = ns;
      stay x = {o->person, o->where, o->time, (uint16_t)home, floorf(o->value + 0.5f)};
      s->st[s->n++] = x;
    }
  if (s->n > 1) qsort(s->st, s->n, sizeof *s->st, by_key);
  size_t d = 0;
  for (size_t i = 0; i < s->n; i++) {
    if (d && same_key(&s->st[d - 1], &s->st[i])) {
      if (s->st[i].minutes > s->st[d - 1].minutes) s->st[d - 1].minutes = s->st[i].minutes;
    } else {
      s->st[d++] = s->st[i];
    }
  }
  s->n = d;
  return 0;
}

/* Minutes stored for person p in a past day's sorted totals. */
static double minutes_in(const gc_u64vec *v, uint32_t p) {
  uint64_t key = (uint64_t)p << 32;
  size_t lo = 0, hi = v->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (v->v[mid] < key) lo = mid + 1; else hi = mid;
  }
  return lo < v->n && (uint32_t)(v->v[lo] >> 32) == p ? (double)(uint32_t)v->v[lo] : 0.0;
}

static int evaluate(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits) {
  dwell_state *s = r->state;
  if (gather(r, s, env)) return -1;
  double min = r->cfg->min_minutes;
  if (s->window == 1) {
    for (size_t i = 0; i < s->n; i++)
      if (s->st[i].minutes >= min && gc_u32vec_push(hits, s->st[i].person)) return -1;
    return 0;
  }
  int past = s->window - 1;
  s->today.n = 0;
  for (size_t i = 0; i < s->n;) {
    uint32_t p = s->st[i].person;
    size_t j = i;
    double today = 0;
    for (; j < s->n && s->st[j].person == p; j++) today += s->st[j].minutes;
    double total = today;
    for (int d = 0; d < past; d++) total += minutes_in(&s->days[d], p);
    if (total >= min)
      for (size_t k = i; k < j; k++)
        if (gc_u32vec_push(hits, p)) return -1;
    uint32_t m = today > 4e9 ? 4000000000u : (uint32_t)(today + 0.5);
    if (gc_u64vec_push(&s->today, (uint64_t)p << 32 | m)) return -1;
    i = j;
  }
  gc_u64vec *slot = &s->days[env->day % past];      /* already sorted by person */
  gc_u64vec tmp = *slot;
  *slot = s->today;
  s->today = tmp;
  return 0;
}

static void release(gc_rule *r) {
  dwell_state *s = r->state;
  if (!s) return;
  for (int d = 0; s->days && d < s->window; d++) gc_u64vec_free(&s->days[d]);
  free(s->days);
  free(s->st);
  gc_u64vec_free(&s->today);
  free(s);
  r->state = NULL;
}

static void describe(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len) {
  char who[256], where[128];
  gc_describe_selector(cfg, &rc->who, who, sizeof who);
  gc_describe_where(rc, where, sizeof where);
  if (rc->window_days > 1)
    snprintf(buf, len, "alert when %s is seen (camera or wifi) at %ss for %d minutes or more in total "
             "within %d days", who, where, rc->min_minutes, rc->window_days);
  else
    snprintf(buf, len, "alert when %s is seen (camera or wifi) at a %s for %d minutes or more in one stay",
             who, where, rc->min_minutes);
}

const gc_rule_ops gc_rule_dwell_ops = {"dwell", compile, evaluate, release, describe};
