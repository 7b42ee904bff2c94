/*
** gc_rule_absence.c — "an expected signal has been missing for `days` days".
** Phones switched off (NYT-2022, Tianjin: turning off the phone is itself
** "anti-reconnaissance" behaviour); people who drop off the grid; couples
** rarely seen together, the suspicious-marriage check (NYT-2022); people who
** stopped paying by phone (HRW-2019: cash as evasion).
**
** Firing.  An absence fires on the day it reaches `days` days, then again
** every further `days` days while it lasts (days, 2 x days, ...): the
** platform keeps re-raising a standing anomaly, but not daily.  The person
** must be selected and not exempt on the day it fires.
**
** State per signal, each sized to what it must remember:
**   phone     runs of consecutive days with a phone-off record: a sorted
**             (person, run) list of yesterday's phone-off people, so memory
**             is proportional to phones off on one day.  The absence is of
**             the phone's signal: `days` phone-off days in a row.
**   off_grid  last day each agent was observed (any observation whose
**             `person` is the agent), uint16 per agent; day 0 counts as
**             seen.  A per-agent pass each day, only when this rule exists.
**   partner   the people whose partner is registered in another household
**             (the platform knows registered addresses), sorted, with the
**             last day the pair was seen together: a phone-night record of
**             either at the other's household, or ID scans of both at the
**             same hotel on the same day.  Day 0 counts as together.
**   payments  day + 1 of each agent's last mobile payment (0: never paid,
**             so never suspected), uint16 per agent.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gc_rule_kind.h"

typedef struct absence_state {
  /* phone */
  gc_u64vec runs;            /* (person << 32 | run length) of yesterday, sorted */
  gc_u64vec next;
  gc_u32vec today;
  int runs_day;              /* day `runs` describes */
  /* off_grid and payments */
  uint16_t *last;            /* per agent: off_grid: last day seen; payments: day + 1 of the last payment */
  /* partner */
  uint32_t *apart;           /* sorted people with a partner in another household */
  uint16_t *together;        /* per apart[k]: last day seen together */
  uint32_t napart;
  gc_u64vec hotel;           /* today's hotel scans of apart people: (place << 32 | person) */
} absence_state;

static int compile(gc_rule *r, const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  (void)cfg; (void)w;
  absence_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  r->state = s;
  s->runs_day = -2;
  switch (r->cfg->signal) {
  case GC_SIGNAL_OFF_GRID: case GC_SIGNAL_PAYMENTS:
    s->last = calloc((size_t)pop->n + 1, sizeof *s->last);
    return s->last ? 0 : -1;
  case GC_SIGNAL_PARTNER:
    for (uint32_t i = 0; i < pop->n; i++)
      s->napart += pop->partner[i] != GC_NONE && pop->hh[pop->partner[i]] != pop->hh[i];
    s->apart = malloc(((size_t)s->napart + 1) * sizeof *s->apart);
    s->together = calloc((size_t)s->napart + 1, sizeof *s->together);
    if (!s->apart || !s->together) return -1;
    s->napart = 0;
    for (uint32_t i = 0; i < pop->n; i++)
      if (pop->partner[i] != GC_NONE && pop->hh[pop->partner[i]] != pop->hh[i]) s->apart[s->napart++] = i;
    return 0;
  default: return 0;
  }
}

/* Whether an absence of `gap` days fires today. */
static int due(int gap, int days) {
  return days > 0 && gap >= days && gap % days == 0;
}

static int phone(gc_rule *r, absence_state *s, const gc_rule_env *env, gc_u32vec *hits) {
  const gc_obs *o;
  s->today.n = 0;
  GC_FOR_KIND(env, GC_OBS_PHONE_OFF, o)
    if (gc_u32vec_push(&s->today, o->person)) return -1;
  gc_sort_u32(s->today.v, s->today.n);
  int continues = s->runs_day == env->day - 1;
  size_t k = 0;
  s->next.n = 0;
  for (size_t i = 0; i < s->today.n; i++) {
    uint32_t p = s->today.v[i];
    if (i && p == s->today.v[i - 1]) continue;
    uint32_t run = 1;
    while (continues && k < s->runs.n && (uint32_t)(s->runs.v[k] >> 32) < p) k++;
    if (continues && k < s->runs.n && (uint32_t)(s->runs.v[k] >> 32) == p) run = (uint32_t)s->runs.v[k] + 1;
    if (gc_u64vec_push(&s->next, (uint64_t)p << 32 | run)) return -1;
    if (due((int)run, r->cfg->days) && gc_rule_watches(r, env, p) && gc_u32vec_push(hits, p)) return -1;
  }
  gc_u64vec tmp = s->runs;
  s->runs = s->next;
  s->next = tmp;
  s->runs_day = env->day;
  return 0;
}

static int off_grid(gc_rule *r, absence_state *s, const gc_rule_env *env, gc_u32vec *hits) {
  uint32_t n = env->pop->n;
  uint16_t day = (uint16_t)env->day;
  for (size_t k = env->kind_start[0]; k < env->kind_start[GC_OBS_NKINDS]; k++) {
    uint32_t p = env->obs[k].person;
    if (p < n) s->last[p] = day;
  }
  for (uint32_t i = 0; i < n; i++)
    if (due(env->day - s->last[i], r->cfg->days) && gc_rule_watches(r, env, i) && gc_u32vec_push(hits, i))
      return -1;
  return 0;
}

static int payments(gc_rule *r, absence_state *s, const gc_rule_env *env, gc_u32vec *hits) {
  uint32_t n = env->pop->n;
  const gc_obs *o;
  GC_FOR_KIND(env, GC_OBS_PAYMENT, o)
    if (o->person < n) s->last[o->person] = (uint16_t)(env->day + 1);
  for (uint32_t i = 0; i < n; i++)
    if (s->last[i] && due(env->day - (s->last[i] - 1), r->cfg->days) && gc_rule_watches(r, env, i) &&
        gc_u32vec_push(hits, i))
      return -1;
  return 0;
}

/* Index of person p among the apart people, or napart. */
static uint32_t apart_index(const absence_state *s, uint32_t p) {
  uint32_t lo = 0, hi = s->napart;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s->apart[mid] < p) lo = mid + 1; else hi = mid;
  }
  return lo < s->napart && s->apart[lo] == p ? lo : s->napart;
}

static void mark_together(absence_state *s, const gc_population *pop, uint32_t p, uint16_t day) {
  uint32_t a = apart_index(s, p), b = apart_index(s, pop->partner[p]);
  if (a < s->napart) s->together[a] = day;
  if (b < s->napart) s->together[b] = day;
}

static int contains(const gc_u64vec *v, uint64_t x) {
  size_t lo = 0, hi = v->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (v->v[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo < v->n && v->v[lo] == x;
}

static int partner(gc_rule *r, absence_state *s, const gc_rule_env *env, gc_u32vec *hits) {
  const gc_population *pop = env->pop;
  uint16_t day = (uint16_t)env->day;
  const gc_obs *o;
  GC_FOR_KIND(env, GC_OBS_PHONE_NIGHT, o) {
    if (o->person >= pop->n || apart_index(s, o->person) == s->napart) continue;
    if (pop->hh[pop->partner[o->person]] == o->where) mark_together(s, pop, o->person, day);
  }
  s->hotel.n = 0;
  GC_FOR_KIND(env, GC_OBS_ID_SCAN, o)
    if (o->sub == GC_PLACE_HOTEL && o->person < pop->n && apart_index(s, o->person) < s->napart)
      if (gc_u64vec_push(&s->hotel, (uint64_t)o->where << 32 | o->person)) return -1;
  gc_sort_u64(s->hotel.v, s->hotel.n);
  for (size_t i = 0; i < s->hotel.n; i++) {
    uint64_t place = s->hotel.v[i] >> 32;
    uint32_t p = (uint32_t)s->hotel.v[i];
    if (contains(&s->hotel, place << 32 | pop->partner[p])) mark_together(s, pop, p, day);
  }
  for (uint32_t k = 0; k < s->napart; k++)
    if (due(env->day - s->together[k], r->cfg->days) && gc_rule_watches(r, env, s->apart[k]) &&
        gc_u32vec_push(hits, s->apart[k]))
      return -1;
  return 0;
}

static int evaluate(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits) {
  absence_state *s = r->state;
  switch (r->cfg->signal) {
  case GC_SIGNAL_PHONE: return phone(r, s, env, hits);
  case GC_SIGNAL_OFF_GRID: return off_grid(r, s, env, hits);
  case GC_SIGNAL_PARTNER: return partner(r, s, env, hits);
  case GC_SIGNAL_PAYMENTS: return payments(r, s, env, hits);
  default: return 0;
  }
}

static void release(gc_rule *r) {
  absence_state *s = r->state;
  if (!s) return;
  gc_u64vec_free(&s->runs);
  gc_u64vec_free(&s->next);
  gc_u32vec_free(&s->today);
  gc_u64vec_free(&s->hotel);
  free(s->last);
  free(s->apart);
  free(s->together);
  free(s);
  r->state = NULL;
}

static void describe(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len) {
  char who[256];
  gc_describe_selector(cfg, &rc->who, who, sizeof who);
  switch (rc->signal) {
  case GC_SIGNAL_PHONE:
    snprintf(buf, len, "alert when %s's phone is recorded off on %d days in a row (again every %d days)",
             who, rc->days, rc->days);
    break;
  case GC_SIGNAL_OFF_GRID:
    snprintf(buf, len, "alert when %s has not been observed by any sensor for %d days (again every %d days)",
             who, rc->days, rc->days);
    break;
  case GC_SIGNAL_PARTNER:
    snprintf(buf, len, "alert when %s, registered apart from their partner, has not been seen with "
             "them (phone at night, same hotel) for %d days (again every %d days)", who, rc->days, rc->days);
    break;
  default:
    snprintf(buf, len, "alert when %s, who paid by phone before, has made no mobile payment for %d days "
             "(again every %d days)", who, rc->days, rc->days);
  }
}

const gc_rule_ops gc_rule_absence_ops = {"absence", compile, evaluate, release, describe};
