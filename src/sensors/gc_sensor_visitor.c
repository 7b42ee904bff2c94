/*
** gc_sensor_visitor.c — visitor-management systems of residential
** compounds (HRW-2018; the compound-entry companions case, NYT-2022).
**
** A stay at another household's compound whose gate has a visitor system
** (GC_EQ_VISITOR) is a COMPOUND_ENTRY, linked to the entrant by ID number
** (so with linkage errors).  Each companion (GC_TE_COMPANION at the same
** compound) is registered with probability companions_recorded, giving a
** COMPANION record (person = entrant as linked, other = companion); the
** entry's value is how many were recorded.  A companion event belongs to
** the agent's latest stay at that compound before it, or else the first
** after it, so an agent entering one compound twice a day has each
** companion recorded once.  Companion draws: SENSORS, the companion
** event's own counter, salt GC_SALT_COMPANION.
*/
#include "gc_sensor_kind.h"

static int on(const gc_sensor_ctx *c) { return c->cfg->sensors.compound_coverage > 0; }

/* Index in run of the stay companion event j belongs to, or -1. */
static long owner_stay(const gc_sense_run *run, size_t j) {
  uint32_t place = run->ev[j].place;
  for (size_t k = j; k-- > 0;)
    if (run->ev[k].kind == GC_TE_STAY && run->ev[k].place == place) return (long)k;
  for (size_t k = j + 1; k < run->n; k++)
    if (run->ev[k].kind == GC_TE_STAY && run->ev[k].place == place) return (long)k;
  return -1;
}

static int recorded(const gc_sensor_ctx *c, const gc_event *comp) {
  double p = c->cfg->sensors.companion_recorded;
  return p > 0 && gc_u01(gc_sense_draw(c, c->key, comp, GC_SALT_COMPANION).v[0]) < p;
}

static void observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  if (!(c->world->equip[e->place] & GC_EQ_VISITOR)) return;
  const gc_population *p = c->pop;
  if (p->hh_compound && p->hh_compound[p->hh[e->agent]] == e->place) return;   /* residents come home */
  uint8_t flags = 0;
  uint32_t who = gc_sense_link(c, e, GC_SALT_VISITOR, &flags);
  long self = e - run->ev;
  uint16_t minute = (uint16_t)(e->start % 1440);
  size_t at = out->n;
  gc_obs o = {who, e->agent, e->place, GC_NONE, 0, minute, GC_OBS_COMPOUND_ENTRY, GC_PLACE_COMPOUND, flags};
  if (gc_obs_push(out, &o)) return;
  int nrec = 0;
  for (size_t j = 0; j < run->n; j++) {
    const gc_event *x = &run->ev[j];
    if (x->kind != GC_TE_COMPANION || x->place != e->place || x->other == GC_NONE) continue;
    if (owner_stay(run, j) != self || !recorded(c, x)) continue;
    gc_obs m = {who, e->agent, e->place, x->other, 0, minute, GC_OBS_COMPANION, GC_PLACE_COMPOUND, flags};
    if (gc_obs_push(out, &m)) return;
    nrec++;
  }
  out->obs[at].value = (float)nrec;
}

const gc_sensor_ops gc_sensor_visitor_ops = {.name = "visitor", .source = "HRW-2018", .reads = 1u << GC_TE_STAY,
                                             .at = GC_EQ_VISITOR, .whole_day = 1, .on = on, .observe = observe};
