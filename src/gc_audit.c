/*
** gc_audit.c — daily tallies and the end-of-run group table.
** The group pass keeps per-thread integer counters and adds them in thread
** order; integer addition makes the result independent of the split.
*/
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "gc_audit.h"

const char *const gc_metric_names[] = {
  "offences", "offences_by_exempt", "capital_trips", "petition_trips", "petitions_delivered",
  "petitions_intercepted", "petitions_abandoned", "alerts", "people_flagged", "actions",
  "innocent_actions", "people_detained", "innocent_people_detained", "innocent_detention_days",
  "true_findings", "patrol_stops", "evasion_money", "evasion_minutes", "listed_at_end", NULL};
const char *const gc_metric_meanings[] = {
  "offences committed (ground truth)",
  "offences committed by people on an exempt (red) list",
  "trips to the capital started",
  "petition trips started (lawful)",
  "petition trips that reached the capital",
  "petition trips ended by police on their departure day",
  "planned petitions given up after police action (chilling)",
  "rule triggers (one alert may have several)",
  "distinct people flagged by at least one rule over the run",
  "police actions of any origin (alerts, carried tasks, quotas, patrols)",
  "actions on people with no unlawful hidden condition",
  "people detained at least once",
  "people detained at least once with no unlawful hidden condition",
  "days of detention imposed on people with no unlawful hidden condition",
  "rule-prompted actions that found a condition the person really has",
  "people stopped and checked by patrols",
  "yuan spent evading surveillance",
  "minutes spent evading surveillance",
  "memberships of non-exempt lists at the end (a person on two lists counts twice)",
  NULL};
_Static_assert(sizeof gc_metric_names / sizeof gc_metric_names[0] == GC_M_N + 1, "metric names");
_Static_assert(sizeof gc_metric_meanings / sizeof gc_metric_meanings[0] == GC_M_N + 1, "metric meanings");

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
  a->harm_count = calloc(((size_t)n + 1) * GC_HC_N, sizeof *a->harm_count);
  for (int t = 0; t < cfg->population.ntraits; t++) a->nvalues += cfg->population.trait[t].nvalues;
  a->list_group_daily = calloc(d * (size_t)(cfg->nlists ? cfg->nlists : 1) * (size_t)(a->nvalues ? a->nvalues : 1),
                               sizeof *a->list_group_daily);
  int side = cfg->response.patrol.districts_side > 0 ? cfg->response.patrol.districts_side : 1;
  a->ndistricts = cfg->response.patrol.nincidents > 0 ? cfg->response.patrol.nincidents : side * side;
  if (cfg->response.patrol.patrols > 0 && !(a->patrol_daily = calloc(d, sizeof *a->patrol_daily))) {
    gc_audit_free(a);
    return -1;
  }
  if (!a->rule_daily || !a->list_daily || !a->daily || !a->flagged || !a->actioned || !a->harm ||
      !a->harm_count || !a->list_group_daily) {
    gc_audit_free(a);
    return -1;
  }
  return 0;
}

void gc_audit_free(gc_audit *a) {
  free(a->rule_daily); free(a->list_daily); free(a->daily);
  free(a->flagged); free(a->actioned); free(a->harm); free(a->groups);
  free(a->harm_count); free(a->list_group_daily); free(a->patrol_daily); free(a->harms);
  memset(a, 0, sizeof *a);
}

/* innocent: of the rule's unlawful claims; clean: of every unlawful hidden
** condition (the all-rules definition, used for the per-agent harm bits). */
/* carried: the action is on a task of an earlier day (counted apart, so
** that a day's tasks reconcile: people_flagged = actions + unhandled + skipped). */
static void tally_outcome(gc_rule_day *rd, gc_day *dd, const gc_outcome *o, int innocent, int clean, uint8_t *harm,
                          int carried) {
  if (o->status == GC_OUT_CAPACITY) rd->unhandled++;
  if (o->status == GC_OUT_DUPLICATE || o->status == GC_OUT_IN_DETENTION) rd->skipped++;
  if (o->status != GC_OUT_DONE) return;
  if (carried) {
    rd->carried_actions++;
    rd->carried_innocent_actions += (uint64_t)innocent;
  } else {
    rd->actions++;
    rd->innocent_actions += (uint64_t)innocent;
  }
  dd->actions++;
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
    tally_outcome(rd, dd, &out[i], innocent, clean, &a->harm[al->person], 0);
  }
}

static uint16_t sat_add(uint16_t x, unsigned y) {
  unsigned s = x + y;
  return (uint16_t)(s > 65535 ? 65535 : s);
}

/* Per-person harm counters of one action record. */
static void count_harm(gc_audit *a, const gc_action_rec *rec, int clean) {
  uint16_t *hc = &a->harm_count[(size_t)rec->person * GC_HC_N];
  int acts[2] = {rec->action, (rec->flags & (GC_OUTF_FOUND | GC_OUTF_FALSE_FINDING)) ? rec->followup : GC_ACT_NONE};
  for (int k = 0; k < 2; k++) {
    if (acts[k] == GC_ACT_VISIT) hc[GC_HC_VISITS] = sat_add(hc[GC_HC_VISITS], 1);
    if (acts[k] == GC_ACT_DRUG_TEST) hc[GC_HC_DRUG_TESTS] = sat_add(hc[GC_HC_DRUG_TESTS], 1);
    if (acts[k] == GC_ACT_ID_CHECK) {
      int stop = rec->origin == GC_ORIGIN_PATROL_STOP;
      hc[stop ? GC_HC_PATROL_STOPS : GC_HC_ID_CHECKS] = sat_add(hc[stop ? GC_HC_PATROL_STOPS : GC_HC_ID_CHECKS], 1);
    }
  }
  if (rec->flags & GC_OUTF_DETAINED) {
    hc[GC_HC_DETENTION_DAYS] = sat_add(hc[GC_HC_DETENTION_DAYS], rec->detention_days);
    if (clean) hc[GC_HC_INNOCENT_DETENTION_DAYS] = sat_add(hc[GC_HC_INNOCENT_DETENTION_DAYS], rec->detention_days);
  }
}

void gc_audit_actions(gc_audit *a, const gc_config *cfg, const gc_population *pop, int day,
                      const gc_action_buf *acts) {
  gc_day *dd = &a->daily[day];
  uint32_t unlawful = unlawful_truth_mask(cfg);
  uint16_t exempt = 0;
  for (int l = 0; l < cfg->nlists; l++)
    if (cfg->list[l].exempt) exempt |= (uint16_t)(1u << l);
  for (size_t k = 0; k < acts->n; k++) {
    const gc_action_rec *rec = &acts->a[k];
    int clean = !(pop->truth[rec->person] & unlawful);
    dd->actions_by_origin[rec->origin]++;
    dd->innocent_by_origin[rec->origin] += (uint64_t)clean;
    count_harm(a, rec, clean);
    if (rec->origin == GC_ORIGIN_PATROL_DISCOVERY && (pop->st.lists[rec->person] & exempt))
      dd->offences_exempt_discovered++;
    if (rec->origin == GC_ORIGIN_ALERT) continue;      /* tallied per rule by gc_audit_alerts */
    gc_outcome o = {GC_OUT_DONE, rec->action, rec->followup, rec->flags, rec->detention_days};
    if (rec->origin == GC_ORIGIN_CARRIED && rec->rule >= 0) {
      const gc_rule_cfg *rc = &cfg->rule[rec->rule];
      gc_rule_day *rd = &a->rule_daily[(size_t)day * (size_t)a->nrules + (size_t)rec->rule];
      a->actioned[rec->person] |= 1u << rec->rule;
      tally_outcome(rd, dd, &o, !gc_response_has_claim(cfg, pop, rc, rec->person, 1), clean, &a->harm[rec->person], 1);
    } else if (rec->flags & GC_OUTF_DETAINED) {
      a->harm[rec->person] |= GC_HARM_DETAINED;
      if (clean) a->harm[rec->person] |= GC_HARM_DETAINED_INNOCENT | GC_HARM_IN_DETENTION_INNOCENT;
      else a->harm[rec->person] &= (uint8_t)~GC_HARM_IN_DETENTION_INNOCENT;
    }
  }
  dd->intercepted += acts->intercepted;
  dd->petitions_intercepted += acts->petitions_intercepted;
  dd->tasks_expired += acts->expired;
  dd->tasks_waiting = acts->carried;
}

/* Only the two kinds' ranges are read (not the day's utility readings);
** each kind only increments its own counters, so their order is irrelevant. */
void gc_audit_observations(gc_audit *a, const gc_population *pop, const gc_obs *obs, const gc_obs_kinds *kinds) {
  const size_t *k = kinds->start;
  for (size_t j = k[GC_OBS_HOME_VISIT]; j < k[GC_OBS_HOME_VISIT + 1]; j++) {
    const gc_obs *o = &obs[j];
    for (uint32_t i = pop->hh_start[o->where]; i < pop->hh_start[o->where + 1]; i++)
      a->harm_count[(size_t)i * GC_HC_N + GC_HC_HOME_VISITS] =
        sat_add(a->harm_count[(size_t)i * GC_HC_N + GC_HC_HOME_VISITS], 1);
  }
  for (size_t j = k[GC_OBS_UNUSUAL]; j < k[GC_OBS_UNUSUAL + 1]; j++) {
    uint16_t *c = &a->harm_count[(size_t)obs[j].person * GC_HC_N + GC_HC_UNUSUAL];
    *c = sat_add(*c, 1);
  }
}

void gc_audit_patrol(gc_audit *a, const gc_population *pop, int day, const gc_patrol_day *rec,
                     const gc_obs *obs, size_t n) {
  (void)pop; (void)obs; (void)n;
  if (a->patrol_daily && rec) a->patrol_daily[day] = *rec;
}

/* Offsets of each trait's values in the list_group_daily layout. */
static void value_offsets(const gc_config *cfg, int *off) {
  int k = 0;
  for (int t = 0; t < cfg->population.ntraits; t++) {
    off[t] = k;
    k += cfg->population.trait[t].nvalues;
  }
}

/* Agents looked at together at the end of a day: most chunks hold nobody
** listed or ever detained, which a few vector instructions per chunk
** establish. */
#define AUDIT_CHUNK 8

/* Adds agents [i0, i1) to the day's list sizes (*sizes, per list), list
** members by group (lgl) and detention counts. */
static void end_of_day_agents(const gc_audit *a, const gc_population *pop, int nl, int nt, int nv,
                              const int *off, int day, uint32_t i0, uint32_t i1, uint64_t *sizes,
                              uint64_t *lgl, uint64_t *det, uint64_t *inn) {
  const uint16_t *lists = pop->st.lists, *held = pop->st.detained_until;
  if (i1 - i0 == AUDIT_CHUNK) {           /* a fixed count: the compiler makes it a few vector ORs */
    unsigned any = 0;                     /* listed, or ever detained (detained_until 0: never) */
    for (uint32_t k = 0; k < AUDIT_CHUNK; k++) any |= lists[i0 + k] | held[i0 + k];
    if (!any) return;
  }
  for (uint32_t i = i0; i < i1; i++) {
    uint16_t m = lists[i];
    for (int l = 0; m && l < nl; l++) {
      if (!((m >> l) & 1)) continue;
      sizes[l]++;
      for (int t = 0; t < nt; t++) lgl[(size_t)l * (size_t)nv + (size_t)(off[t] + pop->trait[t][i])]++;
    }
    if (held[i] > day + 1) {                          /* still held tomorrow */
      (*det)++;
      *inn += (uint64_t)!!(a->harm[i] & GC_HARM_IN_DETENTION_INNOCENT);
    }
  }
}

void gc_audit_end_of_day(gc_audit *a, const gc_config *cfg, const gc_population *pop, int day) {
  uint64_t sizes[GC_MAX_LISTS] = {0};
  uint64_t detained = 0, innocent = 0;
  int nl = cfg->nlists, nt = cfg->population.ntraits, nv = a->nvalues;
  int off[GC_MAX_TRAITS];
  value_offsets(cfg, off);
  uint64_t *lg = &a->list_group_daily[(size_t)day * (size_t)(nl ? nl : 1) * (size_t)(nv ? nv : 1)];
  uint32_t n = pop->n, nchunks = (n + AUDIT_CHUNK - 1) / AUDIT_CHUNK;
  #pragma omp parallel
  {
    uint64_t loc[GC_MAX_LISTS] = {0}, det = 0, inn = 0;
    uint64_t lgl[GC_MAX_LISTS * GC_MAX_TRAITS * GC_MAX_VALUES];
    memset(lgl, 0, (size_t)nl * (size_t)nv * sizeof *lgl);
    #pragma omp for schedule(static) nowait
    for (uint32_t c = 0; c < nchunks; c++) {
      uint32_t i0 = c * AUDIT_CHUNK;
      end_of_day_agents(a, pop, nl, nt, nv, off, day, i0, n - i0 < AUDIT_CHUNK ? n : i0 + AUDIT_CHUNK, loc, lgl,
                        &det, &inn);
    }
    #pragma omp critical
    {
      for (int l = 0; l < nl; l++) sizes[l] += loc[l];
      for (size_t k = 0; k < (size_t)nl * (size_t)nv; k++) lg[k] += lgl[k];
      detained += det;
      innocent += inn;
    }
  }
  for (int l = 0; l < nl; l++) a->list_daily[(size_t)day * (size_t)nl + (size_t)l] = sizes[l];
  a->daily[day].detained = detained;
  a->daily[day].detained_innocent = innocent;
}

void gc_audit_claim_masks(const gc_config *cfg, const gc_population *pop, uint32_t i, uint32_t *claim, uint32_t *innocent) {
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

/* Adds agent i's contributions to counters laid out [rule+1][trait][value][8].
** Someone with no claimed condition, never flagged, actioned or detained
** counts only in the population column (the rest would add zeros). */
static void group_agent(const gc_audit *a, const gc_config *cfg, const gc_population *pop, uint32_t i,
                        uint32_t unlawful, uint64_t *c) {
  int nt = cfg->population.ntraits, nr = cfg->nrules;
  uint32_t claim = 0, innocent = ~0u;
  if (pop->truth[i]) gc_audit_claim_masks(cfg, pop, i, &claim, &innocent);
  uint32_t f = a->flagged[i], ac = a->actioned[i];
  int ntv = nt + 1;                       /* the last "trait" is everyone */
  if (!claim && !f && !ac && !(a->harm[i] & (GC_HARM_DETAINED | GC_HARM_DETAINED_INNOCENT))) {
    for (int t = 0; t < ntv; t++)
      c[(((size_t)t * GC_MAX_VALUES + (size_t)(t < nt ? pop->trait[t][i] : 0))) * 8]++;
    return;
  }
  int any_innocent = !(pop->truth[i] & unlawful);
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

/* Adds agent i to its rows of the harm table (rows laid out by value offset,
** then "all").  Most people have nothing to add but themselves: for them
** only the population counts (the other sums would add zeros). */
static void harm_agent(const gc_audit *a, const gc_config *cfg, const gc_population *pop, uint32_t i,
                       uint32_t unlawful, const int *off, gc_harm_row *rows) {
  const uint16_t *hc = &a->harm_count[(size_t)i * GC_HC_N];
  int nt = cfg->population.ntraits;
  uint64_t counted = 0;
  for (int k = 0; k < GC_HC_N; k++) counted |= hc[k];
  if (!counted && !a->actioned[i] && !(a->harm[i] & GC_HARM_DETAINED) && pop->st.evasion_money[i] == 0 &&
      pop->st.evasion_minutes[i] == 0 && !(pop->st.flags[i] & (GC_AGENT_AWARE | GC_AGENT_CHILLED))) {
    for (int t = 0; t <= nt; t++) rows[t < nt ? off[t] + pop->trait[t][i] : a->nvalues].population++;
    return;
  }
  int any = a->actioned[i] != 0 || (a->harm[i] & GC_HARM_DETAINED);
  for (int k = 0; k < GC_HC_HOME_VISITS && !any; k++) any = hc[k] != 0;   /* police actions only */
  int clean = !(pop->truth[i] & unlawful);
  uint64_t cents = (uint64_t)llround(100.0 * pop->st.evasion_money[i]);
  uint64_t centimin = (uint64_t)llround(100.0 * pop->st.evasion_minutes[i]);
  for (int t = 0; t <= nt; t++) {
    gc_harm_row *r = &rows[t < nt ? off[t] + pop->trait[t][i] : a->nvalues];
    r->population++;
    r->actioned += (uint64_t)any;
    r->innocent_actioned += (uint64_t)(any && clean);
    for (int k = 0; k < GC_HC_N; k++) r->count[k] += hc[k];
    r->evaders += (uint64_t)(cents > 0 || centimin > 0);
    r->evasion_cents += cents;
    r->evasion_centiminutes += centimin;
    r->aware += (uint64_t)!!(pop->st.flags[i] & GC_AGENT_AWARE);
    r->chilled += (uint64_t)!!(pop->st.flags[i] & GC_AGENT_CHILLED);
  }
}

static void harm_add(gc_harm_row *to, const gc_harm_row *from) {
  to->population += from->population;
  to->actioned += from->actioned;
  to->innocent_actioned += from->innocent_actioned;
  for (int k = 0; k < GC_HC_N; k++) to->count[k] += from->count[k];
  to->evaders += from->evaders;
  to->evasion_cents += from->evasion_cents;
  to->evasion_centiminutes += from->evasion_centiminutes;
  to->aware += from->aware;
  to->chilled += from->chilled;
}

/* The harm table: integer sums per thread, so identical for any thread count. */
static int harm_table(gc_audit *a, const gc_config *cfg, const gc_population *pop) {
  int nt = cfg->population.ntraits, off[GC_MAX_TRAITS];
  value_offsets(cfg, off);
  size_t nrows = (size_t)a->nvalues + 1;
  a->harms = calloc(nrows, sizeof *a->harms);
  if (!a->harms) return -1;
  a->nharms = nrows;
  uint32_t unlawful = unlawful_truth_mask(cfg);
  int oom = 0;
  #pragma omp parallel
  {
    gc_harm_row *loc = calloc(nrows, sizeof *loc);
    if (!loc) {
      #pragma omp atomic write
      oom = 1;
    }
    #pragma omp for schedule(static)
    for (uint32_t i = 0; i < pop->n; i++)
      if (loc) harm_agent(a, cfg, pop, i, unlawful, off, loc);
    #pragma omp critical
    if (loc) for (size_t k = 0; k < nrows; k++) harm_add(&a->harms[k], &loc[k]);
    free(loc);
  }
  if (oom) return -1;
  for (int t = 0; t <= nt; t++)
    for (int v = 0; v < (t < nt ? cfg->population.trait[t].nvalues : 1); v++) {
      gc_harm_row *r = &a->harms[t < nt ? off[t] + v : a->nvalues];
      r->trait = t;
      r->value = v;
    }
  return 0;
}

int gc_audit_finish(gc_audit *a, const gc_config *cfg, const gc_population *pop) {
  if (!a->harms && harm_table(a, cfg, pop)) return -1;
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
    t.carried_actions += x->carried_actions;
    t.carried_innocent_actions += x->carried_innocent_actions;
    for (int k = 0; k < GC_ACT_NTYPES; k++) t.action_by_type[k] += x->action_by_type[k];
  }
  return t;
}

void gc_audit_summary(const gc_audit *a, const gc_config *cfg, double *out) {
  for (int k = 0; k < GC_M_N; k++) out[k] = 0;
  uint64_t tf = 0;
  for (int d = 0; d < a->days; d++) {
    const gc_day *x = &a->daily[d];
    out[GC_M_OFFENCES] += (double)x->truth.offences;
    out[GC_M_OFFENCES_EXEMPT] += (double)x->truth.offences_exempt;
    out[GC_M_CAPITAL_TRIPS] += (double)x->truth.capital_trips;
    out[GC_M_PETITION_TRIPS] += (double)x->truth.petition_trips;
    out[GC_M_PETITIONS_DELIVERED] += (double)x->truth.petitions_delivered;
    out[GC_M_PETITIONS_INTERCEPTED] += (double)x->petitions_intercepted;
    out[GC_M_PETITIONS_ABANDONED] += (double)x->truth.petitions_abandoned;
    out[GC_M_ALERTS] += (double)x->alerts;
    for (int o = 0; o < GC_ORIGIN_N; o++) {
      out[GC_M_ACTIONS] += (double)x->actions_by_origin[o];
      out[GC_M_INNOCENT_ACTIONS] += (double)x->innocent_by_origin[o];
    }
    out[GC_M_PATROL_STOPS] += (double)x->actions_by_origin[GC_ORIGIN_PATROL_STOP];

    for (int r = 0; r < a->nrules; r++) tf += a->rule_daily[(size_t)d * (size_t)a->nrules + (size_t)r].findings;
  }
  out[GC_M_TRUE_FINDINGS] = (double)tf;
  for (size_t g = 0; g < a->nharms; g++)
    if (a->harms[g].trait == cfg->population.ntraits) {
      out[GC_M_INNOCENT_DETENTION_DAYS] = (double)a->harms[g].count[GC_HC_INNOCENT_DETENTION_DAYS];
      out[GC_M_EVASION_MONEY] = (double)a->harms[g].evasion_cents / 100.0;
      out[GC_M_EVASION_MINUTES] = (double)a->harms[g].evasion_centiminutes / 100.0;
    }
  for (size_t g = 0; g < a->ngroups; g++)
    if (a->groups[g].rule < 0 && a->groups[g].trait == cfg->population.ntraits) {
      out[GC_M_PEOPLE_FLAGGED] = (double)a->groups[g].flagged;   /* distinct people, any rule */
      out[GC_M_PEOPLE_DETAINED] = (double)a->groups[g].detained;
      out[GC_M_INNOCENT_DETAINED] = (double)a->groups[g].innocent_detained;
    }
  if (a->days > 0)
    for (int l = 0; l < cfg->nlists; l++)
      if (!cfg->list[l].exempt)
        out[GC_M_LISTED_END] += (double)a->list_daily[(size_t)(a->days - 1) * (size_t)cfg->nlists + (size_t)l];
}
