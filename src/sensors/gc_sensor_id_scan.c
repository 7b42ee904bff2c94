/*
** gc_sensor_id_scan.c — ID-card scans at hotels, stations and checkpoints.
**
** A stay at a place with a scanner (gc_world.scanner) is scanned with the
** place type's detection probability.  With probability identity_error
** the card scanned is not the agent's own: another household member's (a
** borrowed card) or, for people living alone, a random person's.  Draws:
** SENSORS, counter (agent, day, seq), salt 0 — unchanged since issue 2.
*/
#include "gc_sensor_kind.h"

/* The identity an ID scan records: usually the agent's own. */
static uint32_t scanned_identity(const gc_sensor_ctx *c, uint32_t agent, uint32_t u1, uint32_t u2) {
  const gc_population *p = c->pop;
  if (gc_u01(u1) >= c->cfg->sensors.id_identity_error) return agent;
  uint32_t h = p->hh[agent], first = p->hh_start[h], size = p->hh_start[h + 1] - first;
  if (size > 1) return first + (agent - first + 1 + (uint32_t)(((uint64_t)u2 * (size - 1)) >> 32)) % size;
  uint32_t other = (uint32_t)(((uint64_t)u2 * p->n) >> 32);
  return other == agent ? (agent + 1) % p->n : other;
}

static int on(const gc_sensor_ctx *c) {
  for (int t = 0; t < GC_PLACE_NTYPES; t++)
    if (c->cfg->sensors.id_coverage[t] > 0 && c->cfg->sensors.id_detection[t] > 0) return 1;
  return 0;
}

static void observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  (void)run;
  const gc_world *w = c->world;
  if (!w->scanner[e->place]) return;                  /* skip the draw: nothing to see */
  int t = w->type[e->place];
  philox4x32_ctr_t u = gc_sense_draw(c, c->key, e, GC_SALT_BASE);
  if (gc_u01(u.v[0]) >= c->cfg->sensors.id_detection[t]) return;
  uint32_t who = scanned_identity(c, e->agent, u.v[1], u.v[2]);
  gc_obs o = {who, e->agent, e->place, GC_NONE, 0, (uint16_t)(e->start % 1440), GC_OBS_ID_SCAN, (uint8_t)t, 0};
  if (t == GC_PLACE_HOTEL && w->region[e->place] == 0) o.flags |= GC_OBSF_LOCAL_HOTEL;
  gc_obs_push(out, &o);
}

const gc_sensor_ops gc_sensor_id_scan_ops = {.name = "id_scan", .source = "WANG-2017", .reads = 1u << GC_TE_STAY,
                                             .at = GC_AT_SCANNER, .on = on, .observe = observe};
