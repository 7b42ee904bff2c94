/*
** gc_sensor_railway.c — real-name railway tickets ("fortress city" railway
** data, WANG-2017; petitioners' trips, NYT-2022).
**
** A ticket (GC_TE_TICKET) is recorded with probability railway_coverage as
** a TICKET of the purchaser (linked by ID number, so with linkage errors)
** from the departure station to the destination region written on it.  A
** decoy ticket (GC_EVF_DECOY) names a destination the agent does not go to
** and is never used, so the platform also sees a TICKET_NO_SHOW — the trace
** the evasion leaves.
*/
#include "gc_sensor_kind.h"

static int on(const gc_sensor_ctx *c) { return c->cfg->sensors.railway_coverage > 0; }

static void observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  (void)run;
  if (gc_u01(gc_sense_draw(c, c->key, e, GC_SALT_RAILWAY).v[0]) >= c->cfg->sensors.railway_coverage) return;
  uint8_t flags = 0;
  uint32_t who = gc_sense_link(c, e, GC_SALT_RAILWAY, &flags);
  uint8_t t = e->place < c->world->nplaces ? c->world->type[e->place] : GC_PLACE_STATION;
  gc_obs o = {who, e->agent, e->place, e->other, 0, (uint16_t)(e->start % 1440), GC_OBS_TICKET, t, flags};
  if (gc_obs_push(out, &o)) return;
  if (!(e->flags & GC_EVF_DECOY)) return;
  o.kind = GC_OBS_TICKET_NO_SHOW;
  gc_obs_push(out, &o);
}

const gc_sensor_ops gc_sensor_railway_ops = {.name = "railway", .source = "WANG-2017", .reads = 1u << GC_TE_TICKET,
                                             .on = on, .observe = observe};
