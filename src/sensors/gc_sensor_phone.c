/*
** gc_sensor_phone.c — what the phone network reports: call records and
** phone-off days (share phone_coverage), and nights located away from home
** (share phone_location_coverage).  Both are recorded under the identity
** the phone is registered to, which is not its user when it is registered
** to a relative or was bought second-hand; a switched-off phone is not
** located.  Call records draw from SENSORS with salt 0 (as in issue 2),
** locations with their own salt.  At full coverage (the default's) a record
** is kept whatever its draw (gc_u01 < 1), so the draw is not made: the
** same records, one Philox call fewer for each of the day's calls.
*/
#include "gc_sensor_kind.h"

static int phone_on(const gc_sensor_ctx *c) { return c->cfg->sensors.phone_coverage > 0; }

static void phone_observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  (void)run;
  uint32_t reg = c->pop->phone_reg[e->agent];
  if (reg == GC_NONE) return;
  double coverage = c->cfg->sensors.phone_coverage;
  if (coverage < 1 && gc_u01(gc_sense_draw(c, c->key, e, GC_SALT_BASE).v[0]) >= coverage) return;
  int call = e->kind == GC_TE_CALL_NEW;
  gc_obs o = {reg, e->agent, 0, GC_NONE, 0, (uint16_t)(e->start % 1440),
              (uint8_t)(call ? GC_OBS_CALL_NEW : GC_OBS_PHONE_OFF), (uint8_t)(call ? e->place : 0), 0};
  gc_obs_push(out, &o);
}

const gc_sensor_ops gc_sensor_phone_ops = {.name = "phone", .source = "HRW-2018",
                                           .reads = (1u << GC_TE_CALL_NEW) | (1u << GC_TE_PHONE_OFF),
                                           .on = phone_on, .observe = phone_observe};

static int location_on(const gc_sensor_ctx *c) { return c->cfg->sensors.phone_location_coverage > 0; }

static void location_observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  uint32_t reg = c->pop->phone_reg[e->agent];
  if (reg == GC_NONE || run->phone_off) return;
  philox4x32_ctr_t u = gc_sense_draw(c, c->key, e, GC_SALT_PHONE_NIGHT);
  if (gc_u01(u.v[0]) >= c->cfg->sensors.phone_location_coverage) return;
  gc_obs o = {reg, e->agent, e->place, 0, 0, (uint16_t)(e->start % 1440), GC_OBS_PHONE_NIGHT, 0, 0};
  gc_obs_push(out, &o);
}

const gc_sensor_ops gc_sensor_phone_location_ops = {.name = "phone_location", .source = "NYT-2022",
                                                    .reads = 1u << GC_TE_NIGHT, .whole_day = 1,
                                                    .on = location_on, .observe = location_observe};
