/*
** gc_audit.c — daily tallies and the end-of-run group table.
** The group pass keeps per-thread integer counters and adds them in thread
** order; integer addition makes the result independent of the split.
*/
#include <stdlib.h>
#include <string.h>
#include "gc_audit.h"

int gc_audit_init(gc_audit *a, const gc_config *cfg, uint32_t n) {
  memset(a, 0, sizeof *a);
  a->days = cfg->days;
  a->nrules = cfg->nrules;
  a->nlists = cfg->nlists;
  size_t d = (size_t)cfg->days;
  a->rule_daily = calloc(d * (size_t)(cfg->nrules ? cfg->nrules : 1), sizeof *a->rule_daily);
  a->list_daily = calloc(d * (size_t)(cfg->nlists ? cfg->nlists : 1), sizeof *a->list_daily);
  a->daily = calloc(d, sizeof *a->daily);
  a->flagged = calloc((size_t)n + 1, sizeof *a->flagged);
  a->actioned = calloc((size_t)n + 1, sizeof *a->actioned);
  a->harm = calloc((size_t)n + 1, 1);
  if (!a->rule_daily || !a->list_daily || !a->daily || !a->flagged || !a->actioned || !a->harm) {
    gc_audit_free(a);
    return -1;
  }
  return 0;
}

void gc_audit_free(gc_audit *a) {
  free(a->rule_daily); free(a->list_daily); free(a->daily);
  free(a->flagged); free(a->actioned); free(a->harm); free(a->groups);
  memset(a, 0, sizeof *a);
}

/* innocent: of the rule's unlawful claims; clean: of every unlawful hidden
** condition (the all-rules definition, used for the per-agent harm bits). */
static void tally_outcome(gc_rule_day *rd, gc_day *dd, const gc_outcome *o, int innocent, int clean, uint8_t *harm) {
  if (o->status == GC_OUT_CAPACITY) rd->unhandled++;
  if (o->status == GC_OUT_DUPLICATE || o->status == GC_OUT_IN_DETENTION) rd->skipped++;
  if (o->status != GC_OUT_DONE) return;
  rd->actions++;
  dd->actions++;
  rd->innocent_actions += (uint64_t)innocent;
  dd->innocent_actions += (uint64_t)innocent;
  rd->action_by_type[o->action]++;
  if (o->followup != GC_ACT_NONE && (o->flags & (GC_OUTF_FOUND | GC_OUTF_FALSE_FINDING)))
    rd->action_by_type[o->followup]++;
  rd->findings += (uint64_t)!!(o->flags & GC_OUTF_FOUND);
  rd->false_findings += (uint64_t)!!(o->flags & GC_OUTF_FALSE_FINDING);
  if (o->flags & GC_OUTF_DETAINED) {
    rd->detentions++;
    *harm |= GC_HARM_DETAINED;
    if (innocent) {
      rd->innocent_detentions++;
      rd->innocent_detention_days += o->detention_days;
    }
    if (clean) *harm |= GC_HARM_DETAINED_INNOCENT | GC_HARM_IN_DETENTION_INNOCENT;
    else *harm &= (uint8_t)~GC_HARM_IN_DETENTION_INNOCENT;
  }
}

static uint32_t unlawful_truth_mask(const gc_config *cfg);

void gc_audit_alerts(gc_audit *a, const gc_config *cfg, const gc_population *pop, int day,
                     const gc_alert *alerts, const gc_outcome *out, size_t n) {
  gc_day *dd = &a->daily[day];
  uint32_t unlawful = unlawful_truth_mask(cfg);
  for (size_t i = 0; i < n; i++) {
    const gc_alert *al = &alerts[i];
    const gc_rule_cfg *rc = &cfg->rule[al->rule];
    gc_rule_day *rd = &a->rule_daily[(size_t)day * (size_t)a->nrules + al->rule];
    rd->alerts += al->count;
    rd->people_flagged++;
    dd->alerts += al->count;
    dd->people_flagged++;
    rd->people_with_claim += (uint64_t)gc_response_has_claim(cfg, pop, rc, al->person, 0);
    a->flagged[al->person] |= 1u << al->rule;
    if (out[i].status == GC_OUT_DONE) a->actioned[al->person] |= 1u << al->rule;
    int innocent = !gc_response_has_claim(cfg, pop, rc, al->person, 1);
    int clean = !(pop->truth[al->person] & unlawful);
    tally_outcome(rd, dd, &out[i], innocent, clean, &a->harm[al->person]);
  }
}

void gc_audit_end_of_day(gc_audit *a, const gc_config *cfg, const gc_population *pop, int day) {
  uint64_t sizes[GC_MAX_LISTS] = {0};
  uint64_t detained = 0, innocent = 0;
  int nl = cfg->nlists;
  #pragma omp parallel
  {
    uint64_t loc[GC_MAX_LISTS] = {0}, det = 0, inn = 0;
    #pragma omp for schedule(static) nowait
    for (uint32_t i = 0; i < pop->n; i++) {
      uint16_t m = pop->st.lists[i];
      for (int l = 0; m && l < nl; l++) loc[l] += (m >> l) & 1;
      if (pop->st.detained_until[i] > day + 1) {       /* still held tomorrow */
        det++;
        inn += (uint64_t)!!(a->harm[i] & GC_HARM_IN_DETENTION_INNOCENT);
      }
    }
    #pragma omp critical
    {
      for (int l = 0; l < nl; l++) sizes[l] += loc[l];
      detained += det;
      innocent += inn;
    }
  }
  for (int l = 0; l < nl; l++) a->list_daily[(size_t)day * (size_t)nl + (size_t)l] = sizes[l];
  a->daily[day].detained = detained;
  a->daily[day].detained_innocent = innocent;
}

/* Rules whose claims agent i has (any), and rules for which i is innocent. */
static void claim_masks(const gc_config *cfg, const gc_population *pop, uint32_t i, uint32_t *claim, uint32_t *innocent) {
  *claim = 0;
  *innocent = 0;
  for (int r = 0; r < cfg->nrules; r++) {
    if (gc_response_has_claim(cfg, pop, &cfg->rule[r], i, 0)) *claim |= 1u << r;
    if (!gc_response_has_claim(cfg, pop, &cfg->rule[r], i, 1)) *innocent |= 1u << r;
  }
}

static uint32_t unlawful_truth_mask(const gc_config *cfg) {
  uint32_t m = 0;
  for (int t = 0; t < cfg->population.ntruth; t++)
    if (!cfg->population.truth[t].lawful) m |= 1u << t;
  return m;
}

/* Adds agent i's contributions to counters laid out [rule+1][trait][value][8]. */
static void group_agent(const gc_audit *a, const gc_config *cfg, const gc_population *pop, uint32_t i,
                        uint32_t unlawful, uint64_t *c) {
  int nt = cfg->population.ntraits, nr = cfg->nrules;
  uint32_t claim = 0, innocent = ~0u;
  if (pop->truth[i]) claim_masks(cfg, pop, i, &claim, &innocent);
  uint32_t f = a->flagged[i], ac = a->actioned[i];
  int any_innocent = !(pop->truth[i] & unlawful);
  int ntv = nt + 1;                       /* the last "trait" is everyone */
  for (int t = 0; t < ntv; t++) {
    int v = t < nt ? pop->trait[t][i] : 0;
    uint64_t *row = &c[(((size_t)0 * (size_t)ntv + (size_t)t) * GC_MAX_VALUES + (size_t)v) * 8];
    row[0]++;
    row[1] += (uint64_t)(claim != 0);             /* has a condition some rule claims */
    row[2] += (uint64_t)(f != 0);
    row[3] += (uint64_t)(f != 0 && claim != 0);
    row[4] += (uint64_t)(ac != 0);
    row[5] += (uint64_t)(ac != 0 && any_innocent);
    row[6] += (uint64_t)!!(a->harm[i] & GC_HARM_DETAINED);
    row[7] += (uint64_t)!!(a->harm[i] & GC_HARM_DETAINED_INNOCENT);
    uint32_t bits = f | ac | claim;
    while (bits) {
      int r = __builtin_ctz(bits);
      bits &= bits - 1;
      if (r >= nr) break;
      uint64_t *rr = &c[(((size_t)(r + 1) * (size_t)ntv + (size_t)t) * GC_MAX_VALUES + (size_t)v) * 8];
      rr[1] += (claim >> r) & 1;
      rr[2] += (f >> r) & 1;
      rr[3] += (f >> r) & (claim >> r) & 1;
      rr[4] += (ac >> r) & 1;
      rr[5] += (ac >> r) & (innocent >> r) & 1;
    }
  }
}

int gc_audit_finish(gc_audit *a, const gc_config *cfg, const gc_population *pop) {
  int nt = cfg->population.ntraits, nr = cfg->nrules, ntv = nt + 1;
  size_t ncount = (size_t)(nr + 1) * (size_t)ntv * GC_MAX_VALUES * 8;
  uint64_t *c = calloc(ncount ? ncount : 1, sizeof *c);
  if (!c) return -1;
  uint32_t unlawful = unlawful_truth_mask(cfg);
  int oom = 0;
  #pragma omp parallel
  {
    uint64_t *loc = calloc(ncount ? ncount : 1, sizeof *loc);
    if (!loc) {
      #pragma omp atomic write
      oom = 1;
    }
    #pragma omp for schedule(static)
    for (uint32_t i = 0; i < pop->n; i++)
      if (loc) group_agent(a, cfg, pop, i, unlawful, loc);
    #pragma omp critical
    if (loc) for (size_t k = 0; k < ncount; k++) c[k] += loc[k];
    free(loc);
  }
  if (oom) { free(c); return -1; }
  /* The population column is the same for every rule: copy it from row 0. */
  size_t rows = 1;
  for (int t = 0; t < nt; t++) rows += (size_t)cfg->population.trait[t].nvalues;
  a->ngroups = rows * (size_t)(nr + 1);
  a->groups = calloc(a->ngroups ? a->ngroups : 1, sizeof *a->groups);
  if (!a->groups) { free(c); return -1; }
  size_t g = 0;
  for (int r = -1; r < nr; r++)
    for (int t = 0; t < ntv; t++)
      for (int v = 0; v < (t < nt ? cfg->population.trait[t].nvalues : 1); v++) {
        const uint64_t *row = &c[(((size_t)(r + 1) * (size_t)ntv + (size_t)t) * GC_MAX_VALUES + (size_t)v) * 8];
        const uint64_t *all = &c[(((size_t)0 * (size_t)ntv + (size_t)t) * GC_MAX_VALUES + (size_t)v) * 8];
        gc_group_row *gr = &a->groups[g++];
        gr->rule = r; gr->trait = t; gr->value = v;
        gr->population = all[0];
        gr->with_claim = row[1]; gr->flagged = row[2]; gr->flagged_with_claim = row[3];
        gr->actioned = row[4]; gr->innocent_actioned = row[5];
        gr->detained = r < 0 ? row[6] : 0;
        gr->innocent_detained = r < 0 ? row[7] : 0;
      }
  free(c);
  return 0;
}

gc_rule_day gc_audit_rule_total(const gc_audit *a, int rule) {
  gc_rule_day t;
  memset(&t, 0, sizeof t);
  for (int d = 0; d < a->days; d++) {
    const gc_rule_day *x = &a->rule_daily[(size_t)d * (size_t)a->nrules + (size_t)rule];
    t.alerts += x->alerts; t.people_flagged += x->people_flagged;
    t.people_with_claim += x->people_with_claim; t.actions += x->actions;
    t.innocent_actions += x->innocent_actions; t.unhandled += x->unhandled; t.skipped += x->skipped;
    t.findings += x->findings; t.false_findings += x->false_findings;
    t.detentions += x->detentions; t.innocent_detentions += x->innocent_detentions;
    t.innocent_detention_days += x->innocent_detention_days;
    for (int k = 0; k < GC_ACT_NTYPES; k++) t.action_by_type[k] += x->action_by_type[k];
  }
  return t;
}
