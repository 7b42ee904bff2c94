/*
** gc_response.c — task ordering, capacity and outcomes.
** The random tie-break within a rule is a hash of (person, day) drawn from
** the RESPONSE stream, so no person is favoured by their number.
*/
#include <stdlib.h>
#include <string.h>
#include "gc_mem.h"
#include "gc_response.h"
#include "gc_rng.h"

typedef struct task {
  uint64_t key;             /* priority << 56 | rule << 40 | tie-break */
  uint32_t alert;
} task;

struct gc_response {
  const gc_config *cfg;
  gc_population *pop;
  gc_rng_key key;
  task *tasks;
  size_t cap;
  uint8_t *acted;           /* per agent: acted on today (cleared after use) */
};

gc_response *gc_response_new(const gc_config *cfg, gc_population *pop) {
  gc_response *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->cfg = cfg;
  r->pop = pop;
  r->key = gc_rng_key_make(cfg->seed, GC_RNG_RESPONSE);
  r->acted = calloc((size_t)pop->n + 1, 1);
  if (!r->acted) { free(r); return NULL; }
  return r;
}

void gc_response_free(gc_response *r) {
  if (!r) return;
  free(r->tasks);
  free(r->acted);
  free(r);
}

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
  return x->key < y->key ? -1 : x->key > y->key;
}

static void detain(gc_response *r, uint32_t person, int day, gc_outcome *o) {
  int days = r->cfg->response.action[GC_ACT_DETENTION].days;
  int until = day + 1 + days;
  if (until > 65535) until = 65535;
  r->pop->st.detained_until[person] = (uint16_t)until;
  o->flags |= GC_OUTF_DETAINED;
  o->detention_days = (uint16_t)days;
}

static void join_list(gc_response *r, uint32_t person, int list, gc_outcome *o) {
  if (list < 0) return;
  r->pop->st.lists[person] |= (uint16_t)(1u << list);
  o->flags |= GC_OUTF_LISTED;
}

/* Carries out action a for rule rc on person. */
static void perform(gc_response *r, const gc_rule_cfg *rc, int a, uint32_t person, int day, gc_outcome *o) {
  const gc_action_cfg *ac = &r->cfg->response.action[a];
  if (a == GC_ACT_DETENTION) { detain(r, person, day, o); return; }
  if (a == GC_ACT_LIST_ENTRY) { join_list(r, person, rc->action_list, o); return; }
  philox4x32_ctr_t u = gc_rng4(r->key, person, (uint32_t)day, 1000u + (uint32_t)(rc - r->cfg->rule));
  int has = gc_response_has_claim(r->cfg, r->pop, rc, person, 0);
  int found = gc_u01(u.v[0]) < (has ? ac->finds : ac->false_finding);
  if (!found) return;
  o->flags |= has ? GC_OUTF_FOUND : GC_OUTF_FALSE_FINDING;
  o->followup = (uint8_t)ac->on_finding;
  if (ac->on_finding == GC_ACT_DETENTION) detain(r, person, day, o);
  else if (ac->on_finding == GC_ACT_LIST_ENTRY) join_list(r, person, rc->action_list >= 0 ? rc->action_list : rc->then_list, o);
}

static int build_tasks(gc_response *r, int day, const gc_alert *alerts, size_t n, gc_outcome *out, size_t *ntasks) {
  task *t = gc_grow(r->tasks, &r->cap, n, sizeof *t);
  if (!t) return -1;
  r->tasks = t;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const gc_rule_cfg *rc = &r->cfg->rule[alerts[i].rule];
    memset(&out[i], 0, sizeof out[i]);
    if (!r->cfg->response.enabled || rc->action == GC_ACT_NONE) continue;
    if (r->pop->st.detained_until[alerts[i].person] > day) { out[i].status = GC_OUT_IN_DETENTION; continue; }
    philox4x32_ctr_t u = gc_rng4(r->key, alerts[i].person, (uint32_t)day, alerts[i].rule);
    r->tasks[k].key = (uint64_t)rc->priority << 56 | (uint64_t)alerts[i].rule << 40 | (u.v[0] & 0xFFFFFFFFFFull);
    r->tasks[k++].alert = (uint32_t)i;
  }
  *ntasks = k;
  if (k > 1) qsort(r->tasks, k, sizeof *r->tasks, by_key);
  return 0;
}

int gc_response_day(gc_response *r, int day, const gc_alert *alerts, size_t n, gc_outcome *out) {
  size_t ntasks;
  if (build_tasks(r, day, alerts, n, out, &ntasks)) return -1;
  long long left = r->cfg->response.capacity_per_day;
  for (size_t k = 0; k < ntasks; k++) {
    const gc_alert *al = &alerts[r->tasks[k].alert];
    gc_outcome *o = &out[r->tasks[k].alert];
    const gc_rule_cfg *rc = &r->cfg->rule[al->rule];
    int cost = r->cfg->response.action[rc->action].cost;
    if (r->acted[al->person]) { o->status = GC_OUT_DUPLICATE; continue; }
    if (cost > left) { o->status = GC_OUT_CAPACITY; continue; }
    left -= cost;
    r->acted[al->person] = 1;
    o->status = GC_OUT_DONE;
    o->action = (uint8_t)rc->action;
    perform(r, rc, rc->action, al->person, day, o);
    join_list(r, al->person, rc->then_list, o);
  }
  for (size_t k = 0; k < ntasks; k++) r->acted[alerts[r->tasks[k].alert].person] = 0;
  return 0;
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
