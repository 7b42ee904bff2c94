/*
** gc_rule_frequency.c — "a person's count of an event kind in a window >= n".
** The Police Cloud's local resident who often stays in a local hotel
** (HRW-2017); Nanning's drug user calling new out-of-town numbers; the
** northern Chinese compound rule, a man entering a compound with different
** companions again and again (NYT-2022), counted with `distinct`.
**
** State: for each of the last window_days - 1 days, the sorted list of
** persons with a matching event (with repeats).  Only a person with an
** event today can newly reach the threshold, so the rule counts, for each
** of today's persons, today's events plus its counts in the stored days.
** Memory is O(matching events in the window), which is small because the
** events these rules count are rare.  Today's persons come in ascending
** order, so each stored day is searched onwards from where the previous
** person was found (a galloping search): a month's window of a city's hotel
** stays costs a pass over the stored days, not two binary searches per
** person and day.
**
** With `distinct`, the stored lists hold sorted (person, other) pairs
** instead, and a person's count is the number of distinct `other` values
** (companions, ticket destinations, vehicle owners) over the window; records
** without an `other` do not count.  One trigger per record of today either way.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gc_rule_kind.h"

typedef struct freq_state {
  int window;                /* days, including today */
  gc_u32vec *days;           /* ring of window - 1 past days */
  gc_u32vec today;
  gc_u64vec *pdays;          /* distinct: ring of (person << 32 | other), sorted */
  gc_u64vec ptoday;
  gc_u32vec others;          /* distinct: scratch for one person's others */
  size_t *from;              /* per stored day: where the search for the next person starts */
} freq_state;

static int compile(gc_rule *r, const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  (void)cfg; (void)w; (void)pop;
  freq_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  s->window = r->cfg->window_days > 0 ? r->cfg->window_days : 1;
  r->state = s;
  if (r->cfg->distinct) {
    s->pdays = calloc((size_t)s->window, sizeof *s->pdays);
    return s->pdays ? 0 : -1;
  }
  s->days = calloc((size_t)s->window, sizeof *s->days);
  s->from = calloc((size_t)s->window, sizeof *s->from);
  return s->days && s->from ? 0 : -1;
}

int gc_event_obs_kind(int ev) {
  switch (ev) {
  case GC_EV_CALL_NEW: case GC_EV_CALL_NEW_OUT_OF_AREA: return GC_OBS_CALL_NEW;
  case GC_EV_PHONE_OFF: return GC_OBS_PHONE_OFF;
  case GC_EV_PURCHASE: return GC_OBS_PURCHASE;
  case GC_EV_SIGHTING: return GC_OBS_SIGHTING;
  case GC_EV_WIFI: return GC_OBS_WIFI;
  case GC_EV_PLATE: return GC_OBS_PLATE;
  case GC_EV_COMPOUND_ENTRY: return GC_OBS_COMPOUND_ENTRY;
  case GC_EV_COMPANION: return GC_OBS_COMPANION;
  case GC_EV_TICKET: return GC_OBS_TICKET;
  case GC_EV_TICKET_NO_SHOW: return GC_OBS_TICKET_NO_SHOW;
  case GC_EV_UNUSUAL: return GC_OBS_UNUSUAL;
  case GC_EV_PAYMENT: return GC_OBS_PAYMENT;
  case GC_EV_VEHICLE_MISMATCH: return GC_OBS_VEHICLE_MISMATCH;
  default: return GC_OBS_ID_SCAN;
  }
}

int gc_event_matches(int ev, int purchase, const gc_obs *o) {
  switch (ev) {
  case GC_EV_HOTEL_STAY: return o->sub == GC_PLACE_HOTEL;
  case GC_EV_HOTEL_STAY_LOCAL: return o->sub == GC_PLACE_HOTEL && (o->flags & GC_OBSF_LOCAL_HOTEL);
  case GC_EV_STATION_SCAN: return o->sub == GC_PLACE_STATION;
  case GC_EV_CHECKPOINT_SCAN: return o->sub == GC_PLACE_CHECKPOINT;
  case GC_EV_CALL_NEW_OUT_OF_AREA: return o->sub == 1;
  case GC_EV_PURCHASE: return purchase < 0 || o->sub == purchase;
  default: return 1;
  }
}

/* How often x occurs in sorted v, searching from *from on (everything
** before it is below x) and leaving *from after x's run for a larger x:
** steps of 1, 2, 4, ... until past x, then a binary search. */
static size_t count_from(const gc_u32vec *v, size_t *from, uint32_t x) {
  size_t lo = *from, hi = lo, step = 1;
  while (hi < v->n && v->v[hi] < x) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  if (hi > v->n) hi = v->n;
  while (lo < hi) {                       /* first >= x in [lo, hi] */
    size_t mid = (lo + hi) / 2;
    if (v->v[mid] < x) lo = mid + 1; else hi = mid;
  }
  size_t end = lo;
  while (end < v->n && v->v[end] == x) end++;
  *from = end;
  return end - lo;
}

/* Appends the others of person p in sorted pair list v to out. */
static int others_in(const gc_u64vec *v, uint32_t p, gc_u32vec *out) {
  uint64_t key = (uint64_t)p << 32;
  size_t lo = 0, hi = v->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (v->v[mid] < key) lo = mid + 1; else hi = mid;
  }
  for (size_t i = lo; i < v->n && (uint32_t)(v->v[i] >> 32) == p; i++)
    if (gc_u32vec_push(out, (uint32_t)v->v[i])) return -1;
  return 0;
}

static int evaluate_counts(gc_rule *r, freq_state *s, const gc_rule_env *env, gc_u32vec *hits) {
  const gc_obs *o;
  s->today.n = 0;
  GC_FOR_KIND(env, gc_event_obs_kind(r->cfg->event), o) {
    if (!gc_event_matches(r->cfg->event, r->cfg->purchase, o) || !gc_rule_watches(r, env, o->person)) continue;
    if (gc_u32vec_push(&s->today, o->person)) return -1;
  }
  gc_sort_u32(s->today.v, s->today.n);
  int past = s->window - 1;
  memset(s->from, 0, (size_t)s->window * sizeof *s->from);
  for (size_t i = 0; i < s->today.n;) {
    size_t j = i;
    while (j < s->today.n && s->today.v[j] == s->today.v[i]) j++;
    size_t count = j - i;
    for (int d = 0; d < past; d++) count += count_from(&s->days[d], &s->from[d], s->today.v[i]);
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

static int evaluate_distinct(gc_rule *r, freq_state *s, const gc_rule_env *env, gc_u32vec *hits) {
  const gc_obs *o;
  s->ptoday.n = 0;
  GC_FOR_KIND(env, gc_event_obs_kind(r->cfg->event), o) {
    if (o->other == GC_NONE || !gc_event_matches(r->cfg->event, r->cfg->purchase, o) ||
        !gc_rule_watches(r, env, o->person)) continue;
    if (gc_u64vec_push(&s->ptoday, (uint64_t)o->person << 32 | o->other)) return -1;
  }
  gc_sort_u64(s->ptoday.v, s->ptoday.n);
  int past = s->window - 1;
  for (size_t i = 0; i < s->ptoday.n;) {
    uint32_t p = (uint32_t)(s->ptoday.v[i] >> 32);
    size_t j = i;
    s->others.n = 0;
    for (; j < s->ptoday.n && (uint32_t)(s->ptoday.v[j] >> 32) == p; j++)
      if (gc_u32vec_push(&s->others, (uint32_t)s->ptoday.v[j])) return -1;
    for (int d = 0; d < past; d++)
      if (others_in(&s->pdays[d], p, &s->others)) return -1;
    gc_sort_u32(s->others.v, s->others.n);
    size_t distinct = 0;
    for (size_t k = 0; k < s->others.n; k++) distinct += !k || s->others.v[k] != s->others.v[k - 1];
    if (distinct >= (size_t)r->cfg->min_count)
      for (size_t k = i; k < j; k++)
        if (gc_u32vec_push(hits, p)) return -1;
    i = j;
  }
  if (past > 0) {
    gc_u64vec *slot = &s->pdays[env->day % past];
    gc_u64vec tmp = *slot;
    *slot = s->ptoday;
    s->ptoday = tmp;
  }
  return 0;
}

static int evaluate(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits) {
  freq_state *s = r->state;
  return r->cfg->distinct ? evaluate_distinct(r, s, env, hits) : evaluate_counts(r, s, env, hits);
}

static void release(gc_rule *r) {
  freq_state *s = r->state;
  if (!s) return;
  for (int d = 0; s->days && d < s->window; d++) gc_u32vec_free(&s->days[d]);
  for (int d = 0; s->pdays && d < s->window; d++) gc_u64vec_free(&s->pdays[d]);
  free(s->days);
  free(s->pdays);
  free(s->from);
  gc_u32vec_free(&s->today);
  gc_u64vec_free(&s->ptoday);
  gc_u32vec_free(&s->others);
  free(s);
  r->state = NULL;
}

static void describe(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len) {
  char who[256];
  gc_describe_selector(cfg, &rc->who, who, sizeof who);
  if (rc->distinct)
    snprintf(buf, len, "alert when %s has %s records with %d or more different %s within %d days",
             who, gc_event_kind_name(rc->event), rc->min_count,
             rc->event == GC_EV_COMPANION ? "companions" : "counterparts", rc->window_days);
  else
    snprintf(buf, len, "alert when %s has %d or more %s records within %d days", who,
             rc->min_count, gc_event_kind_name(rc->event), rc->window_days);
}

const gc_rule_ops gc_rule_frequency_ops = {"frequency", compile, evaluate, release, describe};
