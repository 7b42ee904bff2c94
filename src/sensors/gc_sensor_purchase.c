/*
** gc_sensor_purchase.c — ID-linked purchases (HRW-2018: fertilizer) and
** traceable mobile payments at shops.  Both are records of other databases
** joined to the person by ID number, so both suffer linkage errors
** (gc_sense_link).  Paying cash (GC_EVF_CASH, an evasion) leaves neither.
** Purchases draw from SENSORS with salt 0 as in issue 2, payments with
** their own salt.
*/
#include "gc_sensor_kind.h"

static int purchase_on(const gc_sensor_ctx *c) { return c->cfg->sensors.purchase_coverage > 0; }

static void purchase_observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  (void)run;
  if (e->flags & GC_EVF_CASH) return;
  philox4x32_ctr_t u = gc_sense_draw(c, c->key, e, GC_SALT_BASE);
  if (gc_u01(u.v[0]) >= c->cfg->sensors.purchase_coverage) return;
  gc_obs o = {e->agent, e->agent, e->place, GC_NONE, e->qty, (uint16_t)(e->start % 1440), GC_OBS_PURCHASE,
              (uint8_t)e->place, 0};
  uint8_t flags = 0;
  o.person = gc_sense_link(c, e, GC_SALT_BASE, &flags);
  o.flags = flags;
  gc_obs_push(out, &o);
}

const gc_sensor_ops gc_sensor_purchase_ops = {.name = "purchase", .source = "HRW-2018", .reads = 1u << GC_TE_PURCHASE,
                                              .on = purchase_on, .observe = purchase_observe};

static int payment_on(const gc_sensor_ctx *c) { return c->cfg->sensors.payment_coverage > 0; }

static void payment_observe(const gc_sensor_ctx *c, const gc_sense_run *run, const gc_event *e, gc_obs_buf *out) {
  (void)run;
  if (c->world->type[e->place] != GC_PLACE_SHOP || (e->flags & GC_EVF_CASH)) return;
  philox4x32_ctr_t u = gc_sense_draw(c, c->key, e, GC_SALT_PAYMENT);
  if (gc_u01(u.v[0]) >= c->cfg->sensors.payment_coverage) return;
  gc_obs o = {e->agent, e->agent, e->place, GC_NONE, 0, (uint16_t)(e->start % 1440), GC_OBS_PAYMENT,
              GC_PLACE_SHOP, 0};
  uint8_t flags = 0;
  o.person = gc_sense_link(c, e, GC_SALT_PAYMENT, &flags);
  o.flags = flags;
  gc_obs_push(out, &o);
}

const gc_sensor_ops gc_sensor_payment_ops = {.name = "payment", .source = "HRW-2017", .reads = 1u << GC_TE_STAY,
                                             .on = payment_on, .observe = payment_observe};
