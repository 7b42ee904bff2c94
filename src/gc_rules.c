/*
** gc_rules.c — the rule registry and the daily driver.
**
** Per day: (1) the observations grouped by kind (gc_obs_kinds: the run
** gathers the day so, and the rules group a copy only when called without
** it); (2) each rule's kind evaluates it into a list of flagged
** persons with one entry per trigger; (3) the list is sorted and run-length
** encoded into alerts.  Sorting makes the output independent of how
** observations were ordered within a kind, which is already deterministic
** anyway.
**
** Two pieces of cross-rule state live here because only the driver sees
** every rule.  Risk: score rules write today's levels into a scratch array
** (max over score rules, zero for anyone no score rule selects) that is
** copied to pop->st.risk once all rules have run, so every rule of a day
** reads the same (previous day's) levels whatever the rule order.  Alert
** history: when a score rule counts alerts, the previous day's alerts are
** kept and handed to the rules; each such feature keeps its own window, so
** the memory is proportional to alerts in the window, not agents x days.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gc_mem.h"
#include "gc_rules.h"
#include "rules/gc_rule_kind.h"

static const gc_rule_ops *const registry[GC_RULE_NKINDS] = {
  [GC_RULE_PRESENCE] = &gc_rule_presence_ops,
  [GC_RULE_COPRESENCE] = &gc_rule_copresence_ops,
  [GC_RULE_FREQUENCY] = &gc_rule_frequency_ops,
  [GC_RULE_BASELINE] = &gc_rule_baseline_ops,
  [GC_RULE_MOVEMENT] = &gc_rule_movement_ops,
  [GC_RULE_ABSENCE] = &gc_rule_absence_ops,
  [GC_RULE_DWELL] = &gc_rule_dwell_ops,
  [GC_RULE_SCORE] = &gc_rule_score_ops,
};

struct gc_rules {
  const gc_config *cfg;
  const gc_world *world;
  gc_population *pop;
  int nrules;
  gc_rule rule[GC_MAX_RULES];
  gc_obs *own;                     /* the day grouped by kind, when the caller's is not */
  size_t own_cap;
  gc_obs_kinds own_kinds;
  gc_u32vec hits[GC_MAX_RULES];   /* each rule's hits of the day */
  double seconds[GC_MAX_RULES];   /* each rule's evaluation time on the previous day */
  uint16_t exempt_lists;
  uint8_t *risk_next;             /* today's risk levels; NULL without score rules */
  int keep_alerts;                /* a score rule counts alerts */
  gc_alert *prev;                 /* the previous day's alerts (keep_alerts) */
  size_t nprev, prev_cap;
  int prev_day;
};

int gc_u32vec_push(gc_u32vec *v, uint32_t x) {
  uint32_t *nv = gc_grow(v->v, &v->cap, v->n + 1, sizeof *nv);
  if (!nv) return -1;
  v->v = nv;
  v->v[v->n++] = x;
  return 0;
}

void gc_u32vec_free(gc_u32vec *v) {
  free(v->v);
  memset(v, 0, sizeof *v);
}

int gc_u64vec_push(gc_u64vec *v, uint64_t x) {
  uint64_t *nv = gc_grow(v->v, &v->cap, v->n + 1, sizeof *nv);
  if (!nv) return -1;
  v->v = nv;
  v->v[v->n++] = x;
  return 0;
}

void gc_u64vec_free(gc_u64vec *v) {
  free(v->v);
  memset(v, 0, sizeof *v);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The pair lists sorted here (companions, stays, hotel scans of couples)
** are small; qsort is enough. */
void gc_sort_u64(uint64_t *a, size_t n) {
  if (n > 1) qsort(a, n, sizeof *a, cmp_u64);
}

/* LSD radix sort: the hit lists can hold a city's worth of utility
** readings, where qsort's comparisons would dominate.  16 bits per pass for
** long lists, 8 for shorter ones (whose 2^16 counters would cost more to
** clear than the list to sort). */
void gc_sort_u32(uint32_t *a, size_t n) {
  if (n < 64) {
    for (size_t i = 1; i < n; i++) {
      uint32_t x = a[i];
      size_t j = i;
      while (j > 0 && a[j - 1] > x) { a[j] = a[j - 1]; j--; }
      a[j] = x;
    }
    return;
  }
  int bits = n < (1u << 16) ? 8 : 16;
  uint32_t mask = (1u << bits) - 1;
  uint32_t *tmp = malloc(n * sizeof *tmp);
  size_t *count = malloc(((size_t)mask + 2) * sizeof *count);
  if (!tmp || !count) {
    free(tmp);
    free(count);                               /* fall back to an in-place sort */
    for (size_t gap = n / 2; gap > 0; gap /= 2)
      for (size_t i = gap; i < n; i++)
        for (size_t j = i; j >= gap && a[j - gap] > a[j]; j -= gap) {
          uint32_t t = a[j]; a[j] = a[j - gap]; a[j - gap] = t;
        }
    return;
  }
  for (int sh = 0; sh < 32; sh += bits) {
    memset(count, 0, ((size_t)mask + 2) * sizeof *count);
    for (size_t i = 0; i < n; i++) count[((a[i] >> sh) & mask) + 1]++;
    for (uint32_t b = 0; b <= mask; b++) count[b + 1] += count[b];
    for (size_t i = 0; i < n; i++) tmp[count[(a[i] >> sh) & mask]++] = a[i];
    memcpy(a, tmp, n * sizeof *a);
  }
  free(count);
  free(tmp);
}

gc_rules *gc_rules_new(const gc_config *cfg, const gc_world *w, gc_population *pop) {
  gc_rules *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->cfg = cfg;
  r->world = w;
  r->pop = pop;
  r->prev_day = -1;
  for (int l = 0; l < cfg->nlists; l++)
    if (cfg->list[l].exempt) r->exempt_lists |= (uint16_t)(1u << l);
  for (int i = 0; i < cfg->nrules; i++) {
    gc_rule *ru = &r->rule[i];
    ru->cfg = &cfg->rule[i];
    ru->index = (uint16_t)i;
    for (int k = 0; k < ru->cfg->nwhere; k++) ru->where_mask |= (uint16_t)(1u << ru->cfg->where[k]);
    r->nrules = i + 1;
    if (registry[ru->cfg->kind]->compile(ru, cfg, w, pop)) goto err;
    if (ru->cfg->kind != GC_RULE_SCORE) continue;
    if (!r->risk_next && !(r->risk_next = calloc((size_t)pop->n + 1, 1))) goto err;
    for (int k = 0; k < ru->cfg->nfeatures; k++)
      if (ru->cfg->feature[k].kind == GC_FEAT_ALERTS) r->keep_alerts = 1;
  }
  return r;
err:
  gc_rules_free(r);
  return NULL;
}

void gc_rules_free(gc_rules *r) {
  if (!r) return;
  for (int i = 0; i < r->nrules; i++) registry[r->rule[i].cfg->kind]->release(&r->rule[i]);
  free(r->own);
  for (int i = 0; i < GC_MAX_RULES; i++) gc_u32vec_free(&r->hits[i]);
  free(r->risk_next);
  free(r->prev);
  free(r);
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The non-score rules, slowest first by their time on the previous day
** (index order on the first day).  Handing the threads the longest rules
** first keeps one from finishing a baseline rule over a city's meter
** readings alone after the others are done.  Only the schedule depends on
** the clock: each rule's result does not depend on which thread runs it. */
static int schedule(const gc_rules *r, int *order) {
  int n = 0;
  for (int i = 0; i < r->nrules; i++) {
    if (r->rule[i].cfg->kind == GC_RULE_SCORE) continue;
    int j = n++;
    for (; j > 0 && r->seconds[order[j - 1]] < r->seconds[i]; j--) order[j] = order[j - 1];
    order[j] = i;
  }
  return n;
}

static int push_alert(gc_alert_buf *b, gc_alert a) {
  gc_alert *na = gc_grow(b->a, &b->cap, b->n + 1, sizeof *na);
  if (!na) { b->oom = 1; return -1; }
  b->a = na;
  b->a[b->n++] = a;
  return 0;
}

/* Sorted hits -> one alert per distinct person. */
static int encode_alerts(gc_u32vec *hits, uint16_t rule, gc_alert_buf *out) {
  gc_sort_u32(hits->v, hits->n);
  out->triggers[rule] += hits->n;
  for (size_t i = 0; i < hits->n;) {
    size_t j = i;
    while (j < hits->n && hits->v[j] == hits->v[i]) j++;
    gc_alert a = {hits->v[i], rule, (uint16_t)(j - i > 65535 ? 65535 : j - i)};
    if (push_alert(out, a)) return -1;
    i = j;
  }
  return 0;
}

/* Keeps today's alerts for tomorrow's score rules. */
static int keep_alerts(gc_rules *r, int day, const gc_alert_buf *out) {
  gc_alert *na = gc_grow(r->prev, &r->prev_cap, out->n, sizeof *na);
  if (!na) return -1;
  r->prev = na;
  if (out->n) memcpy(r->prev, out->a, out->n * sizeof *out->a);
  r->nprev = out->n;
  r->prev_day = day;
  return 0;
}

int gc_rules_day(gc_rules *r, int day, const gc_obs *obs, size_t n, const gc_obs_kinds *kinds,
                 gc_alert_buf *out) {
  out->n = 0;
  memset(out->triggers, 0, sizeof out->triggers);
  if (!kinds) {
    if (gc_obs_group(&r->own, &r->own_cap, obs, n, &r->own_kinds)) return -1;
    obs = r->own;
    kinds = &r->own_kinds;
  }
  assert(kinds->start[GC_OBS_NKINDS] == n);
  gc_rule_env env = {r->cfg, r->world, r->pop, day, obs, kinds->start, r->exempt_lists,
                     r->risk_next, r->prev, r->nprev, r->prev_day};
  if (r->risk_next) memset(r->risk_next, 0, r->pop->n);
  /* A rule reads the day's observations and the population and writes only
  ** its own state and hits, so the rules run in parallel (the alerts are
  ** then encoded in rule order: the same for any thread count).  Score
  ** rules share env.risk (a maximum over them) and run after, in order. */
  int nr = r->nrules, failed = 0, order[GC_MAX_RULES];
  int no = schedule(r, order);
  #pragma omp parallel for schedule(dynamic, 1) reduction(|| : failed)
  for (int k = 0; k < no; k++) {
    int i = order[k];
    gc_rule *ru = &r->rule[i];
    double t0 = now_seconds();
    r->hits[i].n = 0;
    failed = registry[ru->cfg->kind]->evaluate(ru, &env, &r->hits[i]) != 0 || failed;
    r->seconds[i] = now_seconds() - t0;
  }
  for (int i = 0; i < nr && !failed; i++) {
    gc_rule *ru = &r->rule[i];
    if (ru->cfg->kind != GC_RULE_SCORE) continue;
    r->hits[i].n = 0;
    failed = registry[ru->cfg->kind]->evaluate(ru, &env, &r->hits[i]) != 0;
  }
  if (failed) return -1;
  for (int i = 0; i < nr; i++)
    if (encode_alerts(&r->hits[i], r->rule[i].index, out)) return -1;
  if (r->risk_next) memcpy(r->pop->st.risk, r->risk_next, r->pop->n);
  if (r->keep_alerts && keep_alerts(r, day, out)) return -1;
  return 0;
}

void gc_alert_buf_free(gc_alert_buf *b) {
  free(b->a);
  b->a = NULL;
  b->n = b->cap = 0;
}

void gc_describe_cond(const gc_config *cfg, gc_cond c, char *buf, size_t len) {
  const gc_population_cfg *pc = &cfg->population;
  if (c.kind == GC_COND_LIST) snprintf(buf, len, "%s", cfg->list[c.index].name);
  else if (c.kind == GC_COND_TRUTH) snprintf(buf, len, "%s", pc->truth[c.index].name);
  else if (c.kind == GC_COND_TRUST)
    snprintf(buf, len, "trust=%s", c.value < pc->trust.nlevels ? pc->trust.level[c.value] : "?");
  else if (c.kind == GC_COND_RISK)
    snprintf(buf, len, "risk>=%s", c.value < pc->nrisk ? pc->risk[c.value] : "?");
  else {
    const gc_trait *t = &cfg->population.trait[c.index];
    if (t->nvalues == 2 && c.value == 1 && !strcmp(t->value[1], "yes")) snprintf(buf, len, "%s", t->name);
    else snprintf(buf, len, "%s=%s", t->name, t->value[c.value]);
  }
}

static void append(char *buf, size_t len, const char *s) {
  size_t used = strlen(buf);
  if (used < len) snprintf(buf + used, len - used, "%s", s);
}

void gc_describe_selector(const gc_config *cfg, const gc_selector *s, char *buf, size_t len) {
  buf[0] = 0;
  if (s->everyone) { append(buf, len, "everyone"); return; }
  if (!s->nany && !s->nall) { append(buf, len, "nobody"); return; }
  char c[GC_NAME_MAX * 2];
  for (int k = 0; k < s->nany; k++) {
    gc_describe_cond(cfg, s->any[k], c, sizeof c);
    if (k) append(buf, len, " or ");
    append(buf, len, c);
  }
  for (int k = 0; k < s->nall; k++) {
    gc_describe_cond(cfg, s->all[k], c, sizeof c);
    if (k || s->nany) append(buf, len, " and ");
    append(buf, len, c);
  }
}

void gc_describe_claims(const gc_config *cfg, const gc_rule_cfg *rc, char *buf, size_t len) {
  buf[0] = 0;
  for (int k = 0; k < rc->nclaims; k++) {
    if (k) append(buf, len, " or ");
    append(buf, len, cfg->population.truth[rc->claims[k]].name);
  }
}

void gc_describe_where(const gc_rule_cfg *rc, char *buf, size_t len) {
  buf[0] = 0;
  for (int k = 0; k < rc->nwhere; k++) {
    if (k) append(buf, len, " or ");
    append(buf, len, gc_place_type_name(rc->where[k]));
  }
}

static uint32_t selector_traits(const gc_config *cfg, const gc_selector *s, int depth) {
  uint32_t m = 0;
  for (int k = 0; k < s->nany + s->nall; k++) {
    gc_cond c = k < s->nany ? s->any[k] : s->all[k - s->nany];
    if (c.kind == GC_COND_TRAIT) m |= 1u << c.index;
    else if (c.kind == GC_COND_LIST && depth < GC_MAX_LISTS)
      m |= selector_traits(cfg, &cfg->list[c.index].members, depth + 1);
  }
  return m;
}

uint32_t gc_rules_selects_by(const gc_config *cfg, int rule) {
  uint32_t m = 0;
  for (int r = 0; r < cfg->nrules; r++)
    if (rule < 0 || r == rule) m |= selector_traits(cfg, &cfg->rule[r].who, 0);
  return m;
}

void gc_rules_describe(const gc_config *cfg, int i, char *buf, size_t len) {
  registry[cfg->rule[i].kind]->describe(cfg, &cfg->rule[i], buf, len);
}
