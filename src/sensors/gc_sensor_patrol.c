/*
** gc_sensor_patrol.c — what place-based patrols sense (Ensign et al. 2018;
** Lum & Isaac 2016).  Only when patrols are out (ctx->patrolled != NULL):
**   PATROL_STOP  a stay at a city place in a patrolled district, with
**                probability 1 - (1 - patrol.stop)^k for k patrols there:
**                an ID check in person, so the true identity; other = district.
**   DISCOVERY    an offence at a place in a patrolled district, with
**                probability 1 - (1 - patrol.discover)^k.
** (Patrols are drawn with replacement: k patrols in one district act as k
** independent chances.)
**   REPORTED     any offence in the city, with probability patrol.reported
**                (the public reports it; independent of discovery).
** Discoveries and reports are what gc_patrol_learn feeds on: patrols find
** offences only where they are, which is the runaway feedback loop.  In the
** abstract incident mode (patrol.incidents) offences yield neither: the
** incidents are gc_patrol's own Poisson process; stops still happen.
*/
#include "gc_sensor_kind.h"

static int on(const gc_sensor_ctx *c) {
  const gc_patrol_cfg *pc = &c->cfg->response.patrol;
  return c->patrolled && (pc->stop > 0 || pc->discover > 0 || pc->reported > 0);
}

static unsigned district_of(const gc_sensor_ctx *c, uint32_t place) {
  return place < c->world->nplaces ? c->world->district[place] : GC_NO_DISTRICT;
}

/* P(at least one of k patrols succeeds), each with probability p. */
static double any_of(double p, int k) {
  return k == 1 ? p : 1.0 - pow(1.0 - p, k);
}

static void observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  (void)run;
  const gc_patrol_cfg *pc = &c->cfg->response.patrol;
  unsigned d = district_of(c, e->place);
  if (d == GC_NO_DISTRICT) return;
  int k = c->patrolled[d], here = k > 0;
  uint16_t minute = (uint16_t)(e->start % 1440);
  uint8_t t = c->world->type[e->place];
  if (e->kind == GC_TE_STAY) {
    if (!here || !(pc->stop > 0)) return;
    if (gc_u01(gc_sense_draw(c, c->key, e, GC_SALT_PATROL).v[0]) >= any_of(pc->stop, k)) return;
    gc_obs o = {e->agent, e->agent, e->place, d, 0, minute, GC_OBS_PATROL_STOP, t, 0};
    gc_obs_push(out, &o);
    return;
  }
  if (pc->nincidents > 0) return;       /* abstract incidents: gc_patrol draws them */
  philox4x32_ctr_t u = gc_sense_draw(c, c->key, e, GC_SALT_PATROL);
  if (here && gc_u01(u.v[0]) < any_of(pc->discover, k)) {
    gc_obs o = {e->agent, e->agent, e->place, d, 0, minute, GC_OBS_DISCOVERY, t, 0};
    gc_obs_push(out, &o);
  }
  if (gc_u01(u.v[1]) < pc->reported) {
    gc_obs o = {e->agent, e->agent, e->place, d, 0, minute, GC_OBS_REPORTED, t, 0};
    gc_obs_push(out, &o);
  }
}

const gc_sensor_ops gc_sensor_patrol_ops = {.name = "patrol", .source = "ENSIGN-2018",
                                            .reads = (1u << GC_TE_STAY) | (1u << GC_TE_OFFENCE), .on = on, .observe = observe};
