/*
** gc_sensor_plate.c — licence-plate readers (HRW-2018: checkpoints).
**
** A stay reached by car (GC_EVF_CAR; the event's `other` is the vehicle's
** registered owner) at a place with a reader (GC_EQ_PLATE) gives a PLATE
** read with probability plate_detection, attributed to the owner; with
** probability plate_misread the plate is misread as another registered
** owner's (flag GC_OBSF_FALSE_MATCH).  Where a camera watches the same
** place and matches the driver's face while the plate read names someone
** else, the platform records a VEHICLE_MISMATCH (person = the driver as
** matched, other = the owner as read): this is how Tianjin's software is
** said to track people with "anti-reconnaissance awareness" who change
** vehicles (NYT-2022).  It fires as well for an innocent driver of a
** relative's car, which is the point of auditing it.
*/
#include "gc_sensor_kind.h"

static int on(const gc_sensor_ctx *c) {
  if (!(c->cfg->sensors.plate_detection > 0)) return 0;
  for (int t = 0; t < GC_PLACE_NTYPES; t++)
    if (c->cfg->sensors.plate_coverage[t] > 0) return 1;
  return 0;
}

/* A registered owner other than `owner`, from word u. */
static uint32_t misread_owner(const gc_sensor_ctx *c, uint32_t owner, uint32_t u) {
  const gc_sensors *s = c->state;
  if (!s || s->nowners < 2) return gc_sense_other_agent(c->pop, owner, u);
  uint32_t k = (uint32_t)(((uint64_t)u * (s->nowners - 1)) >> 32);
  return s->owners[k] >= owner ? s->owners[k + 1] : s->owners[k];   /* skip owner in the sorted list */
}

static void observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  (void)run;
  uint8_t eq = c->world->equip[e->place];
  if (!(eq & GC_EQ_PLATE) || !(e->flags & GC_EVF_CAR) || e->other == GC_NONE) return;
  const gc_sensor_cfg *sc = &c->cfg->sensors;
  philox4x32_ctr_t u = gc_sense_draw(c, c->key, e, GC_SALT_PLATE);
  if (gc_u01(u.v[0]) >= sc->plate_detection) return;
  uint32_t owner = e->other;
  uint8_t flags = 0;
  if (sc->plate_misread > 0 && gc_u01(u.v[1]) < sc->plate_misread) {
    owner = misread_owner(c, owner, u.v[2]);
    flags = GC_OBSF_FALSE_MATCH;
  }
  int t = c->world->type[e->place];
  uint16_t minute = (uint16_t)(e->start % 1440);
  gc_obs o = {owner, e->agent, e->place, GC_NONE, 0, minute, GC_OBS_PLATE, (uint8_t)t, flags};
  gc_obs_push(out, &o);
  if (!(eq & GC_EQ_CAMERA)) return;
  uint8_t fflags = 0;
  uint32_t ctr = (uint32_t)e->seq | ((uint32_t)GC_SALT_CCTV << 16);     /* the camera's own match */
  uint32_t face = gc_cctv_face(c, e->agent, ctr, e->start, eq & GC_EQ_INFRARED, &fflags);
  if (face == GC_NONE || face == owner) return;
  gc_obs m = {face, e->agent, e->place, owner, 0, minute, GC_OBS_VEHICLE_MISMATCH, (uint8_t)t, fflags};
  gc_obs_push(out, &m);
}

const gc_sensor_ops gc_sensor_plate_ops = {.name = "plate", .source = "NYT-2022", .reads = 1u << GC_TE_STAY,
                                           .at = GC_EQ_PLATE, .on = on, .observe = observe};
