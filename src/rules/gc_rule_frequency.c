/*
** gc_rule_frequency.c — "a person's count of an event kind in a window >= n".
** The Police Cloud's local resident who often stays in a local hotel
** (HRW-2017); Nanning's drug user calling new out-of-town numbers (NYT-2022).
**
** State: for each of the last window_days - 1 days, the sorted list of
** persons with a matching event (with repeats).  Only a person with an
** event today can newly reach the threshold, so the rule counts, for each
** of today's persons, today's events plus binary-searched counts in the
** stored days.  Memory is O(matching events in the window), which is small
** because the events these rules count are rare.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gc_rule_kind.h"

typedef struct freq_state {
  int window;                /* days, including today */
  gc_u32vec *days;           /* ring of window - 1 past days */
  gc_u32vec today;
} freq_state;

static int compile(gc_rule *r, const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  (void)cfg; (void)w; (void)pop;
  freq_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  s->window = r->cfg->window_days;
  s->days = calloc((size_t)s->window, sizeof *s->days);
  r->state = s;
  return s->days ? 0 : -1;
}

static int obs_kind_of(int ev) {
  switch (ev) {
  case GC_EV_CALL_NEW: case GC_EV_CALL_NEW_OUT_OF_AREA: return GC_OBS_CALL_NEW;
  case GC_EV_PHONE_OFF: return GC_OBS_PHONE_OFF;
  case GC_EV_PURCHASE: return GC_OBS_PURCHASE;
  default: return GC_OBS_ID_SCAN;
  }
}

static int matches(const gc_rule_cfg *rc, const gc_obs *o) {
  switch (rc->event) {
  case GC_EV_HOTEL_STAY: return o->sub == GC_PLACE_HOTEL;
  case GC_EV_HOTEL_STAY_LOCAL: return o->sub == GC_PLACE_HOTEL && (o->flags & GC_OBSF_LOCAL_HOTEL);
  case GC_EV_STATION_SCAN: return o->sub == GC_PLACE_STATION;
  case GC_EV_CHECKPOINT_SCAN: return o->sub == GC_PLACE_CHECKPOINT;
  case GC_EV_CALL_NEW_OUT_OF_AREA: return o->sub == 1;
  case GC_EV_PURCHASE: return rc->purchase < 0 || o->sub == rc->purchase;
  default: return 1;
  }
}

static size_t count_in(const gc_u32vec *v, uint32_t x) {
  size_t lo = 0, hi = v->n;
  while (lo < hi) {                       /* first >= x */
    size_t mid = (lo + hi) / 2;
    if (v->v[mid] < x) lo = mid + 1; else hi = mid;
  }
  size_t a = lo;
  hi = v->n;
  while (lo < hi) {                       /* first > x */
    size_t mid = (lo + hi) / 2;
    if (v->v[mid] <= x) lo = mid + 1; else hi = mid;
  }
  return lo - a;
}

static int evaluate(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits) {
  freq_state *s = r->state;
  const gc_obs *o;
  s->today.n = 0;
  GC_FOR_KIND(env, obs_kind_of(r->cfg->event), o) {
    if (!matches(r->cfg, o) || !gc_rule_watches(r, env, o->person)) continue;
    if (gc_u32vec_push(&s->today, o->person)) return -1;
  }
  gc_sort_u32(s->today.v, s->today.n);
  int past = s->window - 1;
  for (size_t i = 0; i < s->today.n;) {
    size_t j = i;
    while (j < s->today.n && s->today.v[j] == s->today.v[i]) j++;
    size_t count = j - i;
    for (int d = 0; d < past; d++) count += count_in(&s->days[d], s->today.v[i]);
    if (count >= (size_t)r->cfg->min_count)
      for (size_t k = i; k < j; k++)
        if (gc_u32vec_push(hits, s->today.v[i])) return -1;
    i = j;
  }
  if (past > 0) {                         /* today replaces the oldest stored day */
    gc_u32vec *slot = &s->days[env->day % past];
    gc_u32vec tmp = *slot;
    *slot = s->today;
    s->today = tmp;
  }
  return 0;
}

static void release(gc_rule *r) {
  freq_state *s = r->state;
  if (!s) return;
  for (int d = 0; s->days && d < s->window; d++) gc_u32vec_free(&s->days[d]);
  free(s->days);
  gc_u32vec_free(&s->today);
  free(s);
  r->state = NULL;
}

static void describe(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len) {
  char who[256];
  gc_describe_selector(cfg, &rc->who, who, sizeof who);
  snprintf(buf, len, "alert when %s has %d or more %s records within %d days", who,
           rc->min_count, gc_event_kind_name(rc->event), rc->window_days);
}

const gc_rule_ops gc_rule_frequency_ops = {"frequency", compile, evaluate, release, describe};
