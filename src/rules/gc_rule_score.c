/*
** gc_rule_score.c — "weighted features >= threshold => risk level".
** IJOP's scoring of people into risk levels that rise and fall, the
** fertilizer example in which an alert level is lowered again when police
** find nothing (HRW-2018); Tianjin's points for petitioning history
** (NYT-2022).
**
** Each day, for every selected (and not exempt) person:
**   score = sum over features of weight x min(units, cap)   (cap 0: no cap)
** with units:
**   condition  1 if the person meets it (trait, list, trust or risk level;
**              risk is the previous day's level, see gc_rule_kind.h);
**   events     observations of the event kind whose `person` is the
**              person, in the last window_days days, today included;
**   alerts     alerts of rule `rule` (any: any rule that is not a score
**              rule, so a score alert never feeds itself) in the
**              window_days days before today;
**   actions    days on which police acted on the person, in the
**              window_days days before today.  Approximation: the rules
**              see only st.last_action (day + 1 of the last action), so
**              an action on day d - 1 is noticed on day d when
**              last_action == d; two actions on one day count once,
**              which the response's one-action-per-person-day rule makes
**              rare (only a patrol stop besides an alert);
**   ties       ties to members of list `cond.index` as the platform knows
**              them: household members, a partner registered elsewhere,
**              and friend and coworker ties outside the household (a tie
**              listed twice, friend and coworker, counts twice).
** Level = the highest l >= 1 with score >= level_at[l] (a level whose
** threshold is not positive is never used), minus one while
** day < st.risk_relief_until (response: "lower the alert level if nothing
** is found").  The level goes to env->risk (max over score rules; the
** driver writes st.risk).  The rule alerts when a person's level reaches
** alert_level or more and is higher than the previous day's level under
** this rule: levels rise and fall, and only a rise is news.
**
** Cost.  One pass over agents per day (the selector must be tested for
** everyone), with per-feature work only for the selected.  Windowed
** features keep, per feature, a ring of sorted person lists (one per day
** of the window, delta-coded: about a byte a record) and the merged
** (person, count) list of the window, updated by merging in the newest day
** and merging out the day that expires, both in place (no second list);
** the agent pass walks the merged lists with cursors, since it visits
** agents in order.  Memory is proportional to the records in the window
** (alerts, actions, observations of that kind), not agents x days: in the
** province at 200,000 people its score rules' windows took 25 MB with
** 4-byte records, a scratch list per merge and doubling, and take 4 MB
** so (November 2026);
** per agent the rule keeps one byte, the previous day's level, and one bit
** per ties feature (the list's members, marked each day so the tie loop
** reads a cache-sized bitmap rather than the 2-byte list masks).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../gc_mem.h"
#include "gc_rule_kind.h"

typedef struct pcount {
  uint32_t person, count;
} pcount;

/* One day's sorted persons (with repeats), each as the difference from the
** one before (the first from 0) in LEB128 (7 bits a byte): sorted ids of a
** city are close, so a record takes about a byte instead of four. */
typedef struct dayrec {
  uint8_t *b;
  size_t len, cap;           /* bytes */
} dayrec;

/* Counts per person over a sliding window of days. */
typedef struct wcount {
  int window;
  dayrec *slot;              /* slot[d % window]: the persons of day slot_day[...] */
  int *slot_day;             /* -1: empty */
  pcount *cnt;               /* sorted by person, counts > 0 */
  size_t n, cap;
  int last_day;              /* newest day added */
  size_t cur;                /* cursor of the agent pass */
} wcount;
typedef struct score_state {
  wcount wc[GC_MAX_FEATURES];
  gc_u32vec list;            /* scratch: a day's persons */
  gc_u32vec acted;           /* persons acted on yesterday */
  uint8_t *prev;             /* per agent: yesterday's level under this rule */
  int actions;               /* has an actions feature */
  uint64_t *members[GC_MAX_FEATURES];  /* ties features: today's members of the list, one bit per agent */
} score_state;

static int windowed(int kind) {
  return kind == GC_FEAT_EVENTS || kind == GC_FEAT_ALERTS || kind == GC_FEAT_ACTIONS;
}

static int wcount_init(wcount *wc, int window) {
  wc->window = window > 0 ? window : 1;
  wc->last_day = -1;
  wc->slot = calloc((size_t)wc->window, sizeof *wc->slot);
  wc->slot_day = malloc((size_t)wc->window * sizeof *wc->slot_day);
  if (!wc->slot || !wc->slot_day) return -1;
  for (int k = 0; k < wc->window; k++) wc->slot_day[k] = -1;
  return 0;
}

static void wcount_free(wcount *wc) {
  for (int k = 0; wc->slot && k < wc->window; k++) free(wc->slot[k].b);
  free(wc->slot);
  free(wc->slot_day);
  free(wc->cnt);
}

/* Grows a buffer of `size`-byte elements to hold `need`, by an eighth
** beyond it: the windows fill slowly over days, and doubling would leave up
** to half of what they hold unused (they are the rules' largest memory). */
static void *grow_to(void *buf, size_t *cap, size_t need, size_t size) {
  if (need <= *cap && buf) return buf;
  size_t n = need + need / 8 + 16;
  void *p = realloc(buf, n * size);
  if (p) *cap = n;
  return p;
}

/* Day record r := the sorted persons v[0..m-1]. */
static int dayrec_set(dayrec *r, const uint32_t *v, size_t m) {
  size_t len = 0;
  uint32_t prev = 0;
  for (size_t j = 0; j < m; j++) {
    uint32_t d = v[j] - prev;
    prev = v[j];
    do len++; while (d >>= 7);
  }
  uint8_t *b = grow_to(r->b, &r->cap, len, 1);
  if (!b) return -1;
  r->b = b;
  r->len = len;
  prev = 0;
  for (size_t j = 0; j < m; j++) {
    uint32_t d = v[j] - prev;
    prev = v[j];
    for (; d >= 0x80; d >>= 7) *b++ = (uint8_t)(d | 0x80);
    *b++ = (uint8_t)d;
  }
  return 0;
}

/* The next person of a day record at *pos (pos < len), after `prev`. */
static uint32_t dayrec_next(const dayrec *r, size_t *pos, uint32_t prev) {
  uint32_t d = 0;
  int shift = 0;
  uint8_t c;
  do {
    c = r->b[(*pos)++];
    d |= (uint32_t)(c & 0x7f) << shift;
    shift += 7;
  } while (c & 0x80);
  return prev + d;
}

/* cnt += the sorted persons v[0..m-1] (with repeats), merged in place from
** the end: the merged list's length is counted first, and writing from its
** end never overtakes the entries still to be read. */
static int wcount_add_list(wcount *wc, const uint32_t *v, size_t m) {
  if (!m) return 0;
  size_t fresh = 0, i = 0;
  for (size_t j = 0; j < m; j++) {
    if (j && v[j] == v[j - 1]) continue;
    while (i < wc->n && wc->cnt[i].person < v[j]) i++;
    fresh += !(i < wc->n && wc->cnt[i].person == v[j]);
  }
  size_t total = wc->n + fresh, w = total, j = m;
  pcount *c = grow_to(wc->cnt, &wc->cap, total, sizeof *c);
  if (!c) return -1;
  wc->cnt = c;
  i = wc->n;
  while (j > 0) {
    uint32_t p = v[j - 1], k = 0;
    for (; j > 0 && v[j - 1] == p; j--) k++;
    while (i > 0 && c[i - 1].person > p) c[--w] = c[--i];
    if (i > 0 && c[i - 1].person == p) k += c[--i].count;
    c[--w] = (pcount){p, k};
  }
  wc->n = total;                             /* here w == i: the rest is in place */
  return 0;
}

/* cnt -= day record r, in place from the front (every person of r is in
** cnt, with at least r's count of them).  A repeat is a zero difference,
** the one value whose first byte is 0. */
static void wcount_remove(wcount *wc, const dayrec *r) {
  pcount *c = wc->cnt;
  size_t i = 0, k = 0, pos = 0;
  uint32_t p = 0;
  while (pos < r->len) {
    uint32_t times = 1;
    p = dayrec_next(r, &pos, p);
    for (; pos < r->len && r->b[pos] == 0; pos++) times++;
    while (i < wc->n && c[i].person < p) c[k++] = c[i++];
    if (i < wc->n && c[i].person == p) {
      uint32_t left = c[i].count > times ? c[i].count - times : 0;
      i++;
      if (left) c[k++] = (pcount){p, left};
    }
  }
  while (i < wc->n) c[k++] = c[i++];
  wc->n = k;
}

/* Drops the days older than the window ending on `last`. */
static void wcount_expire(wcount *wc, int last) {
  for (int k = 0; k < wc->window; k++)
    if (wc->slot_day[k] >= 0 && wc->slot_day[k] <= last - wc->window) {
      wcount_remove(wc, &wc->slot[k]);
      wc->slot[k].len = 0;
      wc->slot_day[k] = -1;
    }
}

/* Adds day `day`'s sorted persons (list is left as it was). */
static int wcount_add(wcount *wc, int day, const gc_u32vec *list) {
  if (day < 0 || day <= wc->last_day) return 0;
  wcount_expire(wc, day);
  int k = day % wc->window;
  if (wcount_add_list(wc, list->v, list->n) || dayrec_set(&wc->slot[k], list->v, list->n)) return -1;
  wc->slot_day[k] = day;
  wc->last_day = day;
  return 0;
}

/* Count of person p in the window; persons must be asked in increasing order. */
static uint32_t wcount_of(wcount *wc, uint32_t p) {
  while (wc->cur < wc->n && wc->cnt[wc->cur].person < p) wc->cur++;
  return wc->cur < wc->n && wc->cnt[wc->cur].person == p ? wc->cnt[wc->cur].count : 0;
}

static int compile(gc_rule *r, const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  (void)cfg; (void)w;
  score_state *s = calloc(1, sizeof *s);
  if (!s) return -1;
  r->state = s;
  for (int k = 0; k < r->cfg->nfeatures && k < GC_MAX_FEATURES; k++) {
    const gc_score_feature *f = &r->cfg->feature[k];
    if (windowed(f->kind) && wcount_init(&s->wc[k], f->window_days)) return -1;
    if (f->kind == GC_FEAT_ACTIONS) s->actions = 1;
    if (f->kind == GC_FEAT_TIES && !(s->members[k] = calloc((size_t)pop->n / 64 + 1, sizeof(uint64_t))))
      return -1;
  }
  s->prev = calloc((size_t)pop->n + 1, 1);
  return s->prev ? 0 : -1;
}

static int add_events(score_state *s, wcount *wc, const gc_score_feature *f, const gc_rule_env *env) {
  const gc_obs *o;
  s->list.n = 0;
  GC_FOR_KIND(env, gc_event_obs_kind(f->event), o)
    if (o->person < env->pop->n && gc_event_matches(f->event, -1, o) && gc_u32vec_push(&s->list, o->person))
      return -1;
  gc_sort_u32(s->list.v, s->list.n);
  return wcount_add(wc, env->day, &s->list);
}

static int add_alerts(score_state *s, wcount *wc, const gc_score_feature *f, const gc_rule_env *env) {
  s->list.n = 0;
  for (size_t i = 0; i < env->nprev_alerts; i++) {
    const gc_alert *a = &env->prev_alerts[i];
    int counts = f->rule >= 0 ? a->rule == f->rule : env->cfg->rule[a->rule].kind != GC_RULE_SCORE;
    if (counts && gc_u32vec_push(&s->list, a->person)) return -1;
  }
  gc_sort_u32(s->list.v, s->list.n);
  if (wcount_add(wc, env->prev_alerts_day, &s->list)) return -1;
  wcount_expire(wc, env->day - 1);
  return 0;
}

static int add_actions(score_state *s, wcount *wc, const gc_rule_env *env) {
  s->list.n = 0;
  for (size_t i = 0; i < s->acted.n; i++)
    if (gc_u32vec_push(&s->list, s->acted.v[i])) return -1;
  if (wcount_add(wc, env->day - 1, &s->list)) return -1;
  wcount_expire(wc, env->day - 1);
  return 0;
}

/* Marks today's members of list l, one bit per agent: the tie loop below
** then reads n/8 bytes (cache-resident for a city) instead of st.lists. */
static void mark_members(uint64_t *m, const gc_population *pop, int l) {
  uint16_t bit = (uint16_t)(1u << l);
  memset(m, 0, ((size_t)pop->n / 64 + 1) * sizeof *m);
  for (uint32_t i = 0; i < pop->n; i++)
    if (pop->st.lists[i] & bit) m[i >> 6] |= (uint64_t)1 << (i & 63);
}

static int member(const uint64_t *m, uint32_t i) { return (m[i >> 6] >> (i & 63)) & 1; }

/* Ties of person i to the members m (see the design comment). */
static uint32_t ties_to(const gc_population *pop, uint32_t i, const uint64_t *m) {
  uint32_t h = pop->hh[i], q = pop->partner[i], n = 0;
  for (uint32_t j = pop->hh_start[h]; j < pop->hh_start[h + 1]; j++) n += j != i && member(m, j);
  if (q != GC_NONE && member(m, q) && pop->hh[q] != h) n++;
  for (uint64_t k = pop->tie_start[i]; k < pop->tie_start[i + 1]; k++) {
    uint32_t d = pop->tie_dst[k];          /* membership first: it is rare */
    if (member(m, d) && d != i && d != q && pop->hh[d] != h) n++;
  }
  return n;
}

static double score_of(score_state *s, const gc_rule_cfg *rc, const gc_population *pop, uint32_t i) {
  double score = 0;
  for (int k = 0; k < rc->nfeatures; k++) {
    const gc_score_feature *f = &rc->feature[k];
    double units;
    switch (f->kind) {
    case GC_FEAT_COND: units = gc_pop_cond(pop, i, f->cond); break;
    case GC_FEAT_TIES: units = ties_to(pop, i, s->members[k]); break;
    default: units = wcount_of(&s->wc[k], i);
    }
    if (f->cap > 0 && units > f->cap) units = f->cap;
    score += f->weight * units;
  }
  return score;
}

static int level_of(const gc_rule_cfg *rc, int nlevels, double score) {
  for (int l = nlevels - 1; l >= 1; l--)
    if (rc->level_at[l] > 0 && score >= rc->level_at[l]) return l;
  return 0;
}

static int evaluate(gc_rule *r, const gc_rule_env *env, gc_u32vec *hits) {
  score_state *s = r->state;
  const gc_rule_cfg *rc = r->cfg;
  const gc_population *pop = env->pop;
  uint32_t n = pop->n;
  if (s->actions && env->day > 0) {       /* last_action = day + 1 of an action on day - 1 */
    s->acted.n = 0;
    for (uint32_t i = 0; i < n; i++)
      if (pop->st.last_action[i] == env->day && gc_u32vec_push(&s->acted, i)) return -1;
  }
  for (int k = 0; k < rc->nfeatures; k++) {
    const gc_score_feature *f = &rc->feature[k];
    int rcode = 0;
    if (f->kind == GC_FEAT_EVENTS) rcode = add_events(s, &s->wc[k], f, env);
    else if (f->kind == GC_FEAT_ALERTS) rcode = add_alerts(s, &s->wc[k], f, env);
    else if (f->kind == GC_FEAT_ACTIONS) rcode = add_actions(s, &s->wc[k], env);
    else if (f->kind == GC_FEAT_TIES) mark_members(s->members[k], pop, f->cond.index);
    if (rcode) return -1;
    s->wc[k].cur = 0;
  }
  int nlevels = env->cfg->population.nrisk;
  if (nlevels > GC_MAX_RISK) nlevels = GC_MAX_RISK;
  for (uint32_t i = 0; i < n; i++) {
    if (!gc_rule_watches(r, env, i)) { s->prev[i] = 0; continue; }
    int level = level_of(rc, nlevels, score_of(s, rc, pop, i));
    if (level > 0 && env->day < pop->st.risk_relief_until[i]) level--;
    if (env->risk && env->risk[i] < level) env->risk[i] = (uint8_t)level;
    if (level >= rc->alert_level && level > s->prev[i] && gc_u32vec_push(hits, i)) return -1;
    s->prev[i] = (uint8_t)level;
  }
  return 0;
}

static void release(gc_rule *r) {
  score_state *s = r->state;
  if (!s) return;
  for (int k = 0; k < GC_MAX_FEATURES; k++) {
    wcount_free(&s->wc[k]);
    free(s->members[k]);
  }
  gc_u32vec_free(&s->list);
  gc_u32vec_free(&s->acted);
  free(s->prev);
  free(s);
  r->state = NULL;
}

static void append(char *buf, size_t len, const char *s) {
  size_t used = strlen(buf);
  if (used < len) snprintf(buf + used, len - used, "%s", s);
}

static void describe_feature(const gc_config *cfg, const gc_score_feature *f, char *buf, size_t len) {
  char c[GC_NAME_MAX * 2], cap[32] = "";
  if (f->cap > 0) snprintf(cap, sizeof cap, " (at most %g)", f->cap);
  switch (f->kind) {
  case GC_FEAT_COND:
    gc_describe_cond(cfg, f->cond, c, sizeof c);
    snprintf(buf, len, "%g if %s", f->weight, c);
    break;
  case GC_FEAT_EVENTS:
    snprintf(buf, len, "%g per %s record in %d days%s", f->weight, gc_event_kind_name(f->event),
             f->window_days, cap);
    break;
  case GC_FEAT_ALERTS:
    snprintf(buf, len, "%g per alert of %s in %d days%s", f->weight,
             f->rule >= 0 ? cfg->rule[f->rule].name : "any rule", f->window_days, cap);
    break;
  case GC_FEAT_ACTIONS:
    snprintf(buf, len, "%g per police action in %d days%s", f->weight, f->window_days, cap);
    break;
  default:
    snprintf(buf, len, "%g per tie to %s%s", f->weight, cfg->list[f->cond.index].name, cap);
  }
}

static void describe(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len) {
  char who[256], part[160];
  gc_describe_selector(cfg, &rc->who, who, sizeof who);
  snprintf(buf, len, "score %s: ", who);
  for (int k = 0; k < rc->nfeatures; k++) {
    describe_feature(cfg, &rc->feature[k], part, sizeof part);
    if (k) append(buf, len, " + ");
    append(buf, len, part);
  }
  append(buf, len, "; risk");
  const gc_population_cfg *pc = &cfg->population;
  for (int l = 1, first = 1; l < pc->nrisk && l < GC_MAX_RISK; l++) {
    if (rc->level_at[l] <= 0) continue;
    snprintf(part, sizeof part, "%s %s at %g", first ? "" : ",", pc->risk[l], rc->level_at[l]);
    append(buf, len, part);
    first = 0;
  }
  snprintf(part, sizeof part, "; alert when the level rises to %s",
           rc->alert_level < pc->nrisk ? pc->risk[rc->alert_level] : "?");
  append(buf, len, part);
}

const gc_rule_ops gc_rule_score_ops = {"score", compile, evaluate, release, describe};
