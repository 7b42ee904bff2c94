/*
** gc_response.c — task ordering, capacity, carry-over, quota, patrol
** actions and their outcomes.
**
** Representation.  A day's work list is one array of tasks, today's alerts
** followed by the tasks still waiting from earlier days, sorted once by a
** 64-bit key:
**     priority class (8 bits) | 0xFFFF - day created (16) | rule (8) | tie-break (32)
** so higher classes go first, then today's tasks before older ones (lists
** are pushed for same-day action, HRW-2018: leftovers get spare capacity),
** then rules in order, then
** a hash of (person, day created, rule) from the RESPONSE stream, which
** keeps a carried task's place among its peers and favours no person by
** their number.  With carry-over off every task is created today and the
** order is the same as the core's (class, rule, tie-break).  After the day
** the unreached tasks are copied, still in that order, into the waiting
** array; at most one per person.
**
** One byte per agent (`mark`) says "acted on today" and "has a waiting
** task"; it is cleared through the day's tasks and action records, never
** by a pass over all agents.  The only per-agent pass is the quota's scan
** of the quota list, which runs only on days when officers are short of
** their quota (HRW-2018: officers are scored on completed tasks).  It
** keeps the k members with the smallest hash of (person, day) in a bounded
** max-heap: a random, reproducible sample without sorting the list.
**
** Draw counters (RESPONSE key): (person, day created, rule) tie-break;
** (person, day, 1000 + rule) a rule's finding; (person, day, 2000) the
** finding of a quota visit; (person, day, 3000) the quota sample.  The
** chilling draw uses the REACTION key with (person, day, 0).
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "gc_mem.h"
#include "gc_response.h"
#include "gc_rng.h"

enum { MARK_ACTED = 1, MARK_WAITING = 2 };
enum { DRAW_FINDING = 1000, DRAW_QUOTA_FINDING = 2000, DRAW_QUOTA_SAMPLE = 3000 };

typedef struct task {
  uint64_t key;             /* see the design comment */
  uint32_t person;
  uint32_t alert;           /* index into today's alerts; UINT32_MAX: a carried task */
  uint16_t rule;
  uint16_t created;         /* day the alert was raised */
  uint8_t reached;          /* 0: not reached today for capacity (may wait) */
} task;

struct gc_response {
  const gc_config *cfg;
  gc_population *pop;
  gc_rng_key key, react_key;
  task *tasks;              /* today's work list */
  size_t cap;
  task *waiting;            /* carried to the next day, in work order */
  size_t nwaiting, wcap;
  uint64_t *heap;           /* quota sample: (hash << 32 | person), max-heap */
  size_t hcap;
  uint8_t *mark;            /* per agent: MARK_* (cleared after use) */
};

gc_response *gc_response_new(const gc_config *cfg, gc_population *pop) {
  gc_response *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->cfg = cfg;
  r->pop = pop;
  r->key = gc_rng_key_make(cfg->seed, GC_RNG_RESPONSE);
  r->react_key = gc_rng_key_make(cfg->seed, GC_RNG_REACTION);
  r->mark = calloc((size_t)pop->n + 1, 1);
  if (!r->mark) { free(r); return NULL; }
  return r;
}

void gc_response_free(gc_response *r) {
  if (!r) return;
  free(r->tasks);
  free(r->waiting);
  free(r->heap);
  free(r->mark);
  free(r);
}

void gc_action_buf_free(gc_action_buf *b) {
  free(b->a);
  memset(b, 0, sizeof *b);
}

size_t gc_response_waiting(const gc_response *r) { return r->nwaiting; }

int gc_response_has_claim(const gc_config *cfg, const gc_population *pop, const gc_rule_cfg *rc,
                          uint32_t person, int unlawful_only) {
  for (int k = 0; k < rc->nclaims; k++) {
    int t = rc->claims[k];
    if (unlawful_only && cfg->population.truth[t].lawful) continue;
    if ((pop->truth[person] >> t) & 1) return 1;
  }
  return 0;
}

static int by_key(const void *a, const void *b) {
  const task *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->person < y->person ? -1 : x->person > y->person;   /* 32-bit tie-break collisions */
}

static uint16_t day_plus(int day, int days) {
  int v = day + 1 + days;
  return (uint16_t)(v > 65535 ? 65535 : v);
}

static void detain(gc_response *r, uint32_t person, int day, gc_outcome *o) {
  int days = r->cfg->response.action[GC_ACT_DETENTION].days;
  r->pop->st.detained_until[person] = day_plus(day, days);
  o->flags |= GC_OUTF_DETAINED;
  o->detention_days = (uint16_t)days;
}

static void join_list(gc_response *r, uint32_t person, int list, gc_outcome *o) {
  if (list < 0) return;
  r->pop->st.lists[person] |= (uint16_t)(1u << list);
  o->flags |= GC_OUTF_LISTED;
}

/* The follow-up after a finding (true or false). */
static void follow_up(gc_response *r, const gc_rule_cfg *rc, int a, uint32_t person, int day, gc_outcome *o) {
  const gc_action_cfg *ac = &r->cfg->response.action[a];
  o->followup = (uint8_t)ac->on_finding;
  if (ac->on_finding == GC_ACT_DETENTION) detain(r, person, day, o);
  else if (ac->on_finding == GC_ACT_LIST_ENTRY && rc)
    join_list(r, person, rc->action_list >= 0 ? rc->action_list : rc->then_list, o);
}

/* Carries out action a for rule rc (NULL: a quota visit, which claims
** nothing, so it can only "find" falsely) on person. */
static void perform(gc_response *r, const gc_rule_cfg *rc, int a, uint32_t person, int day, gc_outcome *o) {
  const gc_action_cfg *ac = &r->cfg->response.action[a];
  if (a == GC_ACT_DETENTION) { detain(r, person, day, o); return; }
  if (a == GC_ACT_LIST_ENTRY) { if (rc) join_list(r, person, rc->action_list, o); return; }
  uint32_t draw = rc ? DRAW_FINDING + (uint32_t)(rc - r->cfg->rule) : DRAW_QUOTA_FINDING;
  philox4x32_ctr_t u = gc_rng4(r->key, person, (uint32_t)day, draw);
  int has = rc && gc_response_has_claim(r->cfg, r->pop, rc, person, 0);
  int found = gc_u01(u.v[0]) < (has ? ac->finds : ac->false_finding);
  if (!found) return;
  o->flags |= has ? GC_OUTF_FOUND : GC_OUTF_FALSE_FINDING;
  follow_up(r, rc, a, person, day, o);
}

/* What any action does to the person and their household, besides its
** outcome: the state the activity model (deterrence, chilling, evasion),
** the sensors (home visits by trust level) and score rules read. */
static void touch(gc_response *r, uint32_t person, int day, int origin, gc_outcome *o) {
  const gc_config *cfg = r->cfg;
  gc_agent_state *st = &r->pop->st;
  /* A patrol stop is a roadside ID check: a harm the audit counts, not a
  ** police contact that marks the person (trust, awareness, chilling,
  ** deterrence) or ends their trip — otherwise a dense patrol would drive
  ** every feedback loop by itself. */
  if (origin == GC_ORIGIN_PATROL_STOP) return;
  st->last_action[person] = day_plus(day, 0);
  if (st->actions[person] < UINT16_MAX) st->actions[person]++;
  if (cfg->reaction.aware_after_action) st->flags[person] |= GC_AGENT_AWARE;
  int pt = cfg->activity.petition_truth;
  if (pt >= 0 && cfg->reaction.chilling > 0 && (r->pop->truth[person] >> pt & 1) &&
      !(st->flags[person] & GC_AGENT_CHILLED) &&
      gc_u01(gc_rng4(r->react_key, person, (uint32_t)day, 0).v[0]) < cfg->reaction.chilling)
    st->flags[person] |= GC_AGENT_CHILLED;
  const gc_trust_cfg *tc = &cfg->population.trust;
  if (tc->nlevels > 0) {
    /* the distrust loop: a lower level means more frequent home visits */
    uint32_t h = r->pop->hh[person];
    int lvl = st->hh_trust[h] + tc->drop_per_action;
    st->hh_trust[h] = (uint8_t)(lvl < tc->nlevels - 1 ? lvl : tc->nlevels - 1);
    st->hh_trust_day[h] = (uint16_t)day;
  }
  int investigates = o->action == GC_ACT_VISIT || o->action == GC_ACT_ID_CHECK || o->action == GC_ACT_DRUG_TEST;
  if (cfg->response.lower_risk_days > 0 && investigates &&
      !(o->flags & (GC_OUTF_FOUND | GC_OUTF_FALSE_FINDING))) {
    st->risk_relief_until[person] = day_plus(day, cfg->response.lower_risk_days);
    o->flags |= GC_OUTF_RELIEF;
  }
  /* Only a task about an alert ends a trip: police acting on a pushed name
  ** (quota visits and patrol discoveries happen in the city, not at the gate). */
  int about_alert = origin == GC_ORIGIN_ALERT || origin == GC_ORIGIN_CARRIED;
  if (cfg->response.intercept && about_alert && st->away_until[person] > day && st->trip_start[person] == day) {
    st->away_until[person] = 0;
    st->flags[person] = (uint8_t)((st->flags[person] & ~(GC_AGENT_PETITION | GC_AGENT_DELIVERED)) |
                                  GC_AGENT_INTERCEPTED);
    o->flags |= GC_OUTF_INTERCEPTED;
  }
}

static int record(gc_action_buf *acts, uint32_t person, int rule, int origin, const gc_outcome *o) {
  gc_action_rec *a = gc_grow(acts->a, &acts->cap, acts->n + 1, sizeof *a);
  if (!a) return -1;
  acts->a = a;
  gc_action_rec *rec = &a[acts->n++];
  rec->person = person;
  rec->rule = (int16_t)rule;
  rec->origin = (uint8_t)origin;
  rec->action = o->action;
  rec->followup = o->followup;
  rec->flags = o->flags;
  rec->detention_days = o->detention_days;
  acts->intercepted += (o->flags & GC_OUTF_INTERCEPTED) != 0;
  return 0;
}

/* One action of any origin: perform (or not, for stops), touch, record. */
static int act(gc_response *r, int day, uint32_t person, const gc_rule_cfg *rc, int origin, int action,
               gc_outcome *o, gc_action_buf *acts) {
  int petition = (r->pop->st.flags[person] & GC_AGENT_PETITION) != 0;
  o->status = GC_OUT_DONE;
  o->action = (uint8_t)action;
  if (origin == GC_ORIGIN_PATROL_DISCOVERY) {
    /* the offence was seen: a finding whatever the action */
    o->flags |= GC_OUTF_FOUND;
    if (action == GC_ACT_DETENTION) detain(r, person, day, o);
    else if (action != GC_ACT_LIST_ENTRY) follow_up(r, NULL, action, person, day, o);
  } else if (origin != GC_ORIGIN_PATROL_STOP) {
    perform(r, rc, action, person, day, o);
    if (rc) join_list(r, person, rc->then_list, o);
  }
  r->mark[person] |= MARK_ACTED;
  touch(r, person, day, origin, o);
  if (petition && (o->flags & GC_OUTF_INTERCEPTED)) acts->petitions_intercepted++;
  return record(acts, person, rc ? (int)(rc - r->cfg->rule) : -1, origin, o);
}

/* Whether person can be acted on today at all. */
static int free_today(const gc_response *r, uint32_t person, int day) {
  return person < r->pop->n && !(r->mark[person] & MARK_ACTED) && r->pop->st.detained_until[person] <= day;
}

/* Patrol observations of kind `kind` (DISCOVERY or PATROL_STOP). */
static int patrol_actions(gc_response *r, int day, const gc_obs *obs, size_t nobs, int kind, gc_action_buf *acts) {
  int origin = kind == GC_OBS_DISCOVERY ? GC_ORIGIN_PATROL_DISCOVERY : GC_ORIGIN_PATROL_STOP;
  int action = kind == GC_OBS_DISCOVERY ? r->cfg->response.patrol.action : GC_ACT_ID_CHECK;
  for (size_t i = 0; i < nobs; i++) {
    if (obs[i].kind != kind || !free_today(r, obs[i].person, day)) continue;
    gc_outcome o = {0};
    if (act(r, day, obs[i].person, NULL, origin, action, &o, acts)) return -1;
  }
  return 0;
}

static int build_tasks(gc_response *r, int day, const gc_alert *alerts, size_t n, size_t *ntasks) {
  task *t = gc_grow(r->tasks, &r->cap, n + r->nwaiting, sizeof *t);
  if (!t) return -1;
  r->tasks = t;
  /* the waiting array can never need more room than today's work list */
  task *w = gc_grow(r->waiting, &r->wcap, n + r->nwaiting, sizeof *w);
  if (!w) return -1;
  r->waiting = w;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const gc_rule_cfg *rc = &r->cfg->rule[alerts[i].rule];
    if (rc->action == GC_ACT_NONE) continue;
    philox4x32_ctr_t u = gc_rng4(r->key, alerts[i].person, (uint32_t)day, alerts[i].rule);
    /* priority class first, then today's tasks before older ones: lists are
    ** pushed for same-day action (HRW-2018), leftovers wait for spare capacity */
    t[k].key = (uint64_t)rc->priority << 56 | (uint64_t)(uint16_t)(0xFFFF - day) << 40 |
               (uint64_t)alerts[i].rule << 32 | u.v[0];
    t[k].person = alerts[i].person;
    t[k].alert = (uint32_t)i;
    t[k].rule = alerts[i].rule;
    t[k].reached = 0;
    t[k++].created = (uint16_t)day;
  }
  for (size_t j = 0; j < r->nwaiting; j++) t[k++] = r->waiting[j];
  *ntasks = k;
  if (k > 1) qsort(t, k, sizeof *t, by_key);
  return 0;
}

/* Works through the sorted tasks, spending *left; returns the number of
** actions done, or -1 on allocation failure.  A duplicate or a person in
** detention is dropped (a carried task silently); a task that does not fit
** the capacity left is marked unreached. */
static long long run_tasks(gc_response *r, int day, gc_outcome *out, size_t ntasks, long long *left,
                           gc_action_buf *acts) {
  long long done = 0;
  for (size_t k = 0; k < ntasks; k++) {
    task *t = &r->tasks[k];
    const gc_rule_cfg *rc = &r->cfg->rule[t->rule];
    gc_outcome scratch = {0}, *o = t->alert == UINT32_MAX ? &scratch : &out[t->alert];
    int cost = r->cfg->response.action[rc->action].cost;
    t->reached = 1;
    if (r->mark[t->person] & MARK_ACTED) { o->status = GC_OUT_DUPLICATE; continue; }
    if (r->pop->st.detained_until[t->person] > day) { o->status = GC_OUT_IN_DETENTION; continue; }
    if (rc->action == GC_ACT_LIST_ENTRY && rc->action_list >= 0 &&     /* already listed: nothing to do */
        (r->pop->st.lists[t->person] >> rc->action_list & 1)) { o->status = GC_OUT_DUPLICATE; continue; }
    if (cost > *left) { o->status = GC_OUT_CAPACITY; t->reached = 0; continue; }
    *left -= cost;
    int origin = t->alert == UINT32_MAX ? GC_ORIGIN_CARRIED : GC_ORIGIN_ALERT;
    if (act(r, day, t->person, rc, origin, rc->action, o, acts)) return -1;
    done++;
  }
  return done;
}

/* Unreached tasks wait (at most one per person) or expire. */
static void carry_over(gc_response *r, int day, size_t ntasks, gc_action_buf *acts) {
  int keep = r->cfg->response.carry_over_days;
  r->nwaiting = 0;
  for (size_t k = 0; k < ntasks; k++) {
    const task *t = &r->tasks[k];
    if (t->reached) continue;
    if (day - t->created >= keep) { acts->expired++; continue; }
    if (r->mark[t->person] & MARK_WAITING) continue;     /* the person's first task waits for them */
    r->mark[t->person] |= MARK_WAITING;
    task *w = &r->waiting[r->nwaiting++];
    *w = *t;
    w->alert = UINT32_MAX;
  }
  acts->carried = r->nwaiting;
}

static void heap_sift_down(uint64_t *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < n && h[l] > h[m]) m = l;
    if (l + 1 < n && h[l + 1] > h[m]) m = l + 1;
    if (m == i) return;
    uint64_t x = h[i]; h[i] = h[m]; h[m] = x;
    i = m;
  }
}

static void heap_sift_up(uint64_t *h, size_t i) {
  while (i > 0 && h[(i - 1) / 2] < h[i]) {
    uint64_t x = h[i]; h[i] = h[(i - 1) / 2]; h[(i - 1) / 2] = x;
    i = (i - 1) / 2;
  }
}

static int by_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Quota visits: the k free members of the quota list with the smallest
** hash of (person, day), visited in hash order.  Members of an exempt (red)
** list are left out: the quota list comes from the platform, which drops
** them before anything else, as it does for rules (NYT-2022). */
static int quota_visits(gc_response *r, int day, long long done, long long left, gc_action_buf *acts) {
  const gc_response_cfg *rc = &r->cfg->response;
  if (rc->quota_per_day <= done || rc->quota_list < 0) return 0;
  long long k = rc->quota_per_day - done;
  int cost = rc->action[GC_ACT_VISIT].cost;
  if (cost > 0 && left / cost < k) k = left / cost;
  if (k <= 0) return 0;
  uint64_t *h = gc_grow(r->heap, &r->hcap, (size_t)k, sizeof *h);
  if (!h) return -1;
  r->heap = h;
  size_t nh = 0;
  uint16_t bit = (uint16_t)(1u << rc->quota_list), exempt = 0;
  for (int l = 0; l < r->cfg->nlists; l++)
    if (r->cfg->list[l].exempt) exempt |= (uint16_t)(1u << l);
  for (uint32_t i = 0; i < r->pop->n; i++) {
    uint16_t in = r->pop->st.lists[i];
    if (!(in & bit) || (in & exempt) || !free_today(r, i, day)) continue;
    uint64_t v = (uint64_t)gc_rng4(r->key, i, (uint32_t)day, DRAW_QUOTA_SAMPLE).v[0] << 32 | i;
    if (nh < (size_t)k) { h[nh] = v; heap_sift_up(h, nh++); }
    else if (v < h[0]) { h[0] = v; heap_sift_down(h, nh, 0); }
  }
  qsort(h, nh, sizeof *h, by_u64);
  for (size_t j = 0; j < nh; j++) {
    gc_outcome o = {0};
    if (act(r, day, (uint32_t)h[j], NULL, GC_ORIGIN_QUOTA, GC_ACT_VISIT, &o, acts)) return -1;
  }
  return 0;
}

int gc_response_day(gc_response *r, int day, const gc_alert *alerts, size_t n, gc_outcome *out,
                    const gc_obs *obs, size_t nobs, gc_action_buf *acts) {
  assert(r && acts && (out || !n) && (alerts || !n) && (obs || !nobs));
  const gc_response_cfg *rc = &r->cfg->response;
  acts->n = 0;
  acts->intercepted = acts->petitions_intercepted = acts->expired = acts->carried = 0;
  if (n) memset(out, 0, n * sizeof *out);
  if (!rc->enabled) { r->nwaiting = 0; return 0; }
  int patrols = rc->patrol.patrols > 0 && nobs > 0;
  int rcode = -1;
  size_t ntasks = 0;
  if (patrols && patrol_actions(r, day, obs, nobs, GC_OBS_DISCOVERY, acts)) goto done;
  if (build_tasks(r, day, alerts, n, &ntasks)) goto done;
  long long left = rc->capacity_per_day;
  long long did = run_tasks(r, day, out, ntasks, &left, acts);
  if (did < 0) goto done;
  carry_over(r, day, ntasks, acts);
  if (rc->quota_per_day > 0 && quota_visits(r, day, did, left, acts)) goto done;
  if (patrols && patrol_actions(r, day, obs, nobs, GC_OBS_PATROL_STOP, acts)) goto done;
  rcode = 0;
done:
  for (size_t k = 0; k < ntasks; k++) r->mark[r->tasks[k].person] = 0;
  for (size_t j = 0; j < acts->n; j++) r->mark[acts->a[j].person] = 0;
  return rcode;
}

void gc_response_init_lists(const gc_config *cfg, gc_population *pop) {
  #pragma omp parallel for schedule(static)
  for (uint32_t i = 0; i < pop->n; i++) {
    pop->st.lists[i] = 0;
    for (int l = 0; l < cfg->nlists; l++)     /* in order: a list may name an earlier one */
      if (!cfg->list[l].initially_empty && gc_pop_selected(pop, i, &cfg->list[l].members))
        pop->st.lists[i] |= (uint16_t)(1u << l);
  }
}

void gc_response_prune_lists(const gc_config *cfg, gc_population *pop, int day) {
  uint16_t prunable = 0;
  for (int l = 0; l < cfg->nlists; l++)
    if (cfg->list[l].removal_per_day > 0) prunable |= (uint16_t)(1u << l);
  if (!prunable) return;
  gc_rng_key key = gc_rng_key_make(cfg->seed, GC_RNG_LISTS);
  #pragma omp parallel for schedule(static)
  for (uint32_t i = 0; i < pop->n; i++) {
    if (!(pop->st.lists[i] & prunable)) continue;
    for (int l = 0; l < cfg->nlists; l++) {
      if (!((pop->st.lists[i] & prunable) >> l & 1)) continue;
      philox4x32_ctr_t u = gc_rng4(key, i, (uint32_t)day, (uint32_t)l);
      if (gc_u01(u.v[0]) < cfg->list[l].removal_per_day) pop->st.lists[i] &= (uint16_t)~(1u << l);
    }
  }
}
