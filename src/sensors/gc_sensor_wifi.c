/*
** gc_sensor_wifi.c — wifi sniffers collecting device identifiers (HRW-2018).
**
** A stay at a place with a sniffer (GC_EQ_WIFI) by an agent carrying a
** phone that is not switched off that day is logged with probability
** wifi_detection, under the identity the phone is registered to
** (gc_population.phone_reg): the device-to-person linkage is wrong exactly
** when the phone is registered to a relative or was bought second-hand.
*/
#include "gc_sensor_kind.h"

static int on(const gc_sensor_ctx *c) {
  if (!(c->cfg->sensors.wifi_detection > 0)) return 0;
  for (int t = 0; t < GC_PLACE_NTYPES; t++)
    if (c->cfg->sensors.wifi_coverage[t] > 0) return 1;
  return 0;
}

static void observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  if (!(c->world->equip[e->place] & GC_EQ_WIFI) || run->phone_off) return;
  uint32_t reg = c->pop->phone_reg[e->agent];
  if (reg == GC_NONE) return;
  if (gc_u01(gc_sense_draw(c, c->key, e, GC_SALT_WIFI).v[0]) >= c->cfg->sensors.wifi_detection) return;
  gc_obs o = {reg, e->agent, e->place, GC_NONE, (float)(e->end - e->start), (uint16_t)(e->start % 1440),
              GC_OBS_WIFI, c->world->type[e->place], 0};
  gc_obs_push(out, &o);
}

const gc_sensor_ops gc_sensor_wifi_ops = {.name = "wifi", .source = "HRW-2018", .reads = 1u << GC_TE_STAY,
                                          .at = GC_EQ_WIFI, .whole_day = 1, .on = on, .observe = observe};
