/*
** gc_patrol.c — patrol allocation by past discoveries, and its record.
**
** Representation.  One double per district holds its discovery count (the
** urn of Ensign et al. 2018); counts start at `prior`, grow by one per
** accepted discovery or public report and shrink by the factor
** (1 - decay) at the end of each day.  Planning draws `patrols` districts
** with replacement, each with probability count / total: one uniform per
** patrol, inverted by a linear scan of at most GC_MAX_DISTRICTS counts,
** which is cheaper than any index at this size.  A day's record
** (gc_patrol_day, ~1 KB) is kept for every day of the run for the audit.
**
** Correction.  Ensign et al. (2018) show that if discoveries are added
** whenever a patrol makes them, a district's share of patrols follows its
** past share (a Polya urn) rather than its crime rate, and propose to
** accept a discovery in district d only with probability 1 - p_d, p_d
** being the probability a patrol is sent to d.  For two districts the
** expected additions are then p_A p_B lambda_A against p_B p_A lambda_B,
** proportional to the true rates.  We use the allocation probability of
** the day (count / total), which is the expected share of the day's
** patrols; the realised share would be 1 with a single patrol and would
** reject every discovery.  Public reports are not biased by where patrols
** are and are always counted.
**
** Abstract incident mode (Ensign et al. 2018's urn, no agents): district
** d has Poisson(incidents[d]) true incidents on a day.  Each is discovered
** with probability 1 - (1 - discover)^k for k patrols there (then accepted
** as above) and, independently, reported with probability `reported`; a
** discovered and reported incident adds two, as in the paper's update
** matrix where discoveries and reports are separate streams.
**
** Draws (PATROL key): (0, day, j) the allocation of day `day`, four
** patrols per counter; acceptance of a discovery (person, day, 1 << 31 |
** mix of place and minute), so it does not depend on the order of the
** observations.  Incident mode: a stream (1 << 30 | d, day, 0..) per
** district and day: the Poisson count, then three uniforms per incident
** (discovered, accepted, reported), drawn whatever the outcome so a
** district's draws do not depend on the others'.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "gc_patrol.h"
#include "gc_rng.h"

struct gc_patrol {
  const gc_config *cfg;
  int on;
  int nd;                       /* districts */
  int days;                     /* records kept */
  gc_rng_key key;
  double count[GC_MAX_DISTRICTS];
  uint8_t today[GC_MAX_DISTRICTS];
  gc_patrol_day *rec;           /* days entries */
};

gc_patrol *gc_patrol_new(const gc_config *cfg, const gc_world *w) {
  gc_patrol *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->cfg = cfg;
  p->on = cfg->response.patrol.patrols > 0;
  p->nd = w->ndistricts < GC_MAX_DISTRICTS ? w->ndistricts : GC_MAX_DISTRICTS;
  p->key = gc_rng_key_make(cfg->seed, GC_RNG_PATROL);
  if (!p->on) return p;
  p->days = cfg->days;
  p->rec = calloc(p->days > 0 ? (size_t)p->days : 1, sizeof *p->rec);
  if (!p->rec) { free(p); return NULL; }
  const gc_patrol_cfg *pc = &cfg->response.patrol;
  if (pc->nincidents > 0) p->nd = pc->nincidents < GC_MAX_DISTRICTS ? pc->nincidents : GC_MAX_DISTRICTS;
  for (int d = 0; d < p->nd; d++) p->count[d] = pc->npriors > d ? pc->priors[d] : pc->prior;
  return p;
}

void gc_patrol_free(gc_patrol *p) {
  if (!p) return;
  free(p->rec);
  free(p);
}

static gc_patrol_day *rec_of(gc_patrol *p, int day) {
  return day >= 0 && day < p->days ? &p->rec[day] : NULL;
}

/* District of uniform u in (0,1) given counts (uniform when all are zero). */
static int pick(const gc_patrol *p, double total, double u) {
  if (total <= 0) {
    int d = (int)(u * p->nd);
    return d < p->nd ? d : p->nd - 1;
  }
  double x = u * total, c = 0;
  for (int d = 0; d < p->nd - 1; d++) {
    c += p->count[d];
    if (x < c) return d;
  }
  return p->nd - 1;
}

void gc_patrol_plan(gc_patrol *p, int day) {
  if (!p->on) return;
  double total = 0;
  for (int d = 0; d < p->nd; d++) total += p->count[d];
  memset(p->today, 0, sizeof p->today);
  int n = p->cfg->response.patrol.patrols;
  philox4x32_ctr_t u = {{0}};
  for (int j = 0; j < n; j++) {
    if (j % 4 == 0) u = gc_rng4(p->key, 0, (uint32_t)day, (uint32_t)(j / 4));
    int d = pick(p, total, gc_u01(u.v[j % 4]));
    if (p->today[d] < UINT8_MAX) p->today[d]++;
  }
  gc_patrol_day *r = rec_of(p, day);
  if (!r) return;
  memset(r, 0, sizeof *r);
  for (int d = 0; d < p->nd; d++) {
    r->patrols[d] = p->today[d];
    r->weight[d] = (float)p->count[d];
  }
}

const uint8_t *gc_patrol_today(const gc_patrol *p) { return p->on ? p->today : NULL; }

/* Ensign et al.'s acceptance probability for a discovery in district d,
** given the counts the day's patrols were drawn from (learning changes
** them only after the whole day is read). */
static double acceptance(const gc_patrol *p, int d, double total) {
  if (!p->cfg->response.patrol.correction) return 1;
  return 1 - (total > 0 ? p->count[d] / total : 1.0 / p->nd);
}

/* Abstract incident mode: the day's incidents of every district, into add[]. */
static void learn_incidents(gc_patrol *p, int day, gc_patrol_day *r, double total, double *add) {
  const gc_patrol_cfg *pc = &p->cfg->response.patrol;
  for (int d = 0; d < p->nd; d++) {
    gc_stream s;
    gc_stream_init(&s, p->key, 0x40000000u | (uint32_t)d, (uint32_t)day);
    uint32_t n = gc_stream_poisson(&s, pc->incidents[d]), found = 0, told = 0;
    int k = p->today[d];
    double discover = k == 0 ? 0 : k == 1 ? pc->discover : 1 - pow(1 - pc->discover, k);
    double accept = acceptance(p, d, total);
    for (uint32_t i = 0; i < n; i++) {
      double u_found = gc_stream_u01(&s), u_accept = gc_stream_u01(&s), u_told = gc_stream_u01(&s);
      if (u_found < discover) {
        found++;
        if (u_accept < accept) add[d] += 1;
      }
      if (u_told < pc->reported) {
        told++;
        add[d] += 1;
      }
    }
    if (r) {
      r->incidents[d] = n;
      r->discoveries[d] = found;
      r->reported[d] = told;
    }
  }
}

void gc_patrol_learn(gc_patrol *p, int day, const gc_obs *obs, size_t n) {
  if (!p->on) return;
  gc_patrol_day *r = rec_of(p, day);
  double add[GC_MAX_DISTRICTS] = {0}, total = 0;
  for (int d = 0; d < p->nd; d++) total += p->count[d];
  if (p->cfg->response.patrol.nincidents > 0) {
    learn_incidents(p, day, r, total, add);
    n = 0;
  }
  for (size_t i = 0; i < n; i++) {
    const gc_obs *o = &obs[i];
    if (o->kind != GC_OBS_DISCOVERY && o->kind != GC_OBS_REPORTED) continue;
    if (o->other >= (uint32_t)p->nd) continue;
    int d = (int)o->other;
    if (o->kind == GC_OBS_REPORTED) {
      add[d] += 1;
      if (r) r->reported[d]++;
      continue;
    }
    if (r) r->discoveries[d]++;
    uint32_t mix = (o->where * 2654435761u) ^ o->time;
    double u = gc_u01(gc_rng4(p->key, o->person, (uint32_t)day, 0x80000000u | mix).v[0]);
    if (u < acceptance(p, d, total)) add[d] += 1;
  }
  double keep = 1 - p->cfg->response.patrol.decay;
  for (int d = 0; d < p->nd; d++) p->count[d] = (p->count[d] + add[d]) * keep;
}

const gc_patrol_day *gc_patrol_record(const gc_patrol *p, int day) {
  if (!p->on || day < 0 || day >= p->days) return NULL;
  return &p->rec[day];
}
