/*
** gc_sensor_cctv.c — CCTV with face matching (HRW-2018; Zhouning, NYT-2022).
**
** A stay at a place with a camera (GC_EQ_CAMERA) is matched with
** probability 1 - miss, times night_factor when the stay starts at night
** (20:00-06:00) and the camera has no infrared.  A match is attributed to
** a random wrong person with probability false_match (flag
** GC_OBSF_FALSE_MATCH).  value = minutes in view (the stay's length).
** Cameras outside homes (gc_sensors.home_cam, chosen once per run) see
** each resident who goes out at all once a day, when leaving for the first
** stay: where = household, sub = GC_PLACE_HOME, flag GC_OBSF_HOME.
** Draws: detection from SENSORS, the false match from LINKAGE, both with
** counter (agent, day, seq | salt << 16), so gc_cctv_face is a pure
** function the plate sensor can ask again.
*/
#include "gc_sensor_kind.h"

uint32_t gc_cctv_face(const gc_sensor_ctx *c, uint32_t agent, uint32_t ctr, int minute, int infrared, uint8_t *flags) {
  const gc_cctv_cfg *cc = &c->cfg->sensors.cctv;
  double p = 1.0 - cc->miss;
  if (!infrared && gc_sense_night(minute)) p *= cc->night_factor;
  if (gc_u01(gc_rng4(c->key, agent, (uint32_t)c->day, ctr).v[0]) >= p) return GC_NONE;
  if (!(cc->false_match > 0)) return agent;
  philox4x32_ctr_t v = gc_rng4(c->lkey, agent, (uint32_t)c->day, ctr);
  if (gc_u01(v.v[0]) >= cc->false_match) return agent;
  *flags |= GC_OBSF_FALSE_MATCH;
  return gc_sense_other_agent(c->pop, agent, v.v[1]);
}

static int on(const gc_sensor_ctx *c) {
  for (int t = 0; t < GC_PLACE_NTYPES; t++)
    if (c->cfg->sensors.cctv.coverage[t] > 0) return 1;
  return 0;
}

static void observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  (void)run;
  uint8_t eq = c->world->equip[e->place];
  if (!(eq & GC_EQ_CAMERA)) return;
  uint8_t flags = 0;
  uint32_t ctr = (uint32_t)e->seq | ((uint32_t)GC_SALT_CCTV << 16);
  uint32_t face = gc_cctv_face(c, e->agent, ctr, e->start, eq & GC_EQ_INFRARED, &flags);
  if (face == GC_NONE) return;
  gc_obs o = {face, e->agent, e->place, GC_NONE, (float)(e->end - e->start), (uint16_t)(e->start % 1440),
              GC_OBS_SIGHTING, c->world->type[e->place], flags};
  gc_obs_push(out, &o);
}

const gc_sensor_ops gc_sensor_cctv_ops = {.name = "cctv", .source = "HRW-2018", .reads = 1u << GC_TE_STAY,
                                          .at = GC_EQ_CAMERA, .on = on, .observe = observe};

static int home_on(const gc_sensor_ctx *c) { return c->state && c->state->nhome_cams; }

/* Once a day, at the agent's first stay: leaving home. */
static void home_observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  if (run->first_stay < 0 || e != run->ev + run->first_stay) return;
  uint32_t h = c->pop->hh[e->agent];
  uint8_t cam = c->state->home_cam[h], flags = GC_OBSF_HOME;
  if (!cam) return;
  uint32_t ctr = (uint32_t)e->seq | ((uint32_t)GC_SALT_HOME_CCTV << 16);
  uint32_t face = gc_cctv_face(c, e->agent, ctr, e->start, cam & GC_EQ_INFRARED, &flags);
  if (face == GC_NONE) return;
  gc_obs o = {face, e->agent, h, GC_NONE, 1, (uint16_t)(e->start % 1440), GC_OBS_SIGHTING, GC_PLACE_HOME, flags};
  gc_obs_push(out, &o);
}

const gc_sensor_ops gc_sensor_home_cctv_ops = {.name = "home_cctv", .source = "NYT-2022", .reads = 1u << GC_TE_STAY,
                                               .whole_day = 1, .on = home_on, .observe = home_observe};
