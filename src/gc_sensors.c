/*
** gc_sensors.c — coverage, detection and identity errors.
** Whether a household has a reporting meter is fixed for the run (drawn
** with day counter 0xFFFF), as meters are installed, not switched daily.
*/
#include <math.h>
#include <stdlib.h>
#include "gc_mem.h"
#include "gc_sensors.h"

static int push(gc_obs_buf *b, const gc_obs *o) {
  gc_obs *ob = gc_grow(b->obs, &b->cap, b->n + 1, sizeof *ob);
  if (!ob) { b->oom = 1; return -1; }
  b->obs = ob;
  b->obs[b->n++] = *o;
  b->by_kind[o->kind]++;
  return 0;
}

void gc_obs_buf_free(gc_obs_buf *b) {
  free(b->obs);
  b->obs = NULL;
  b->n = b->cap = 0;
}

struct gc_sensors {
  int unused;                   /* filled in by the sensor work of issue 3 */
};

gc_sensors *gc_sensors_new(const gc_config *cfg, const gc_world *w, const gc_population *pop) {
  (void)cfg; (void)w; (void)pop;
  return calloc(1, sizeof(gc_sensors));
}

void gc_sensors_free(gc_sensors *s) { free(s); }

void gc_sensors_home_visits(const gc_sensor_ctx *ctx, uint32_t h0, uint32_t h1, gc_obs_buf *out) {
  (void)ctx; (void)h0; (void)h1; (void)out;
}

int gc_sensors_infer(gc_sensors *s, gc_population *pop, int day, const gc_obs *obs, size_t n) {
  (void)s; (void)pop; (void)day; (void)obs; (void)n;
  return 0;
}

gc_inference_result gc_sensors_inference(const gc_sensors *s) {
  (void)s;
  gc_inference_result r = {0};
  return r;
}

void gc_sensor_ctx_init(gc_sensor_ctx *ctx, const gc_config *cfg, const gc_world *w,
                        const gc_population *pop, const gc_sensors *state, const uint8_t *patrolled,
                        int day) {
  ctx->cfg = cfg;
  ctx->world = w;
  ctx->pop = pop;
  ctx->state = state;
  ctx->patrolled = patrolled;
  ctx->key = gc_rng_key_make(cfg->seed, GC_RNG_SENSORS);
  ctx->ukey = gc_rng_key_make(cfg->seed, GC_RNG_UTILITY);
  ctx->day = day;
}

/* The identity an ID scan records: usually the agent's own. */
static uint32_t scanned_identity(const gc_sensor_ctx *c, uint32_t agent, uint32_t u1, uint32_t u2) {
  const gc_population *p = c->pop;
  if (gc_u01(u1) >= c->cfg->sensors.id_identity_error) return agent;
  uint32_t h = p->hh[agent], first = p->hh_start[h], size = p->hh_start[h + 1] - first;
  if (size > 1) return first + (agent - first + 1 + (uint32_t)(((uint64_t)u2 * (size - 1)) >> 32)) % size;
  uint32_t other = (uint32_t)(((uint64_t)u2 * p->n) >> 32);
  return other == agent ? (agent + 1) % p->n : other;
}

static void observe_stay(const gc_sensor_ctx *c, const gc_event *e, philox4x32_ctr_t u, gc_obs_buf *out) {
  const gc_world *w = c->world;
  int t = w->type[e->place];
  if (!w->scanner[e->place] || gc_u01(u.v[0]) >= c->cfg->sensors.id_detection[t]) return;
  uint32_t who = scanned_identity(c, e->agent, u.v[1], u.v[2]);
  gc_obs o = {who, e->agent, e->place, GC_NONE, 0, e->start % 1440, GC_OBS_ID_SCAN, (uint8_t)t, 0};
  if (t == GC_PLACE_HOTEL && w->region[e->place] == 0) o.flags |= GC_OBSF_LOCAL_HOTEL;
  if (!push(out, &o) && who != e->agent) out->identity_errors++;
}

static void observe_phone(const gc_sensor_ctx *c, const gc_event *e, philox4x32_ctr_t u, gc_obs_buf *out) {
  if (gc_u01(u.v[0]) >= c->cfg->sensors.phone_coverage) return;
  uint32_t reg = c->pop->phone_reg[e->agent];
  if (reg == GC_NONE) return;
  gc_obs o = {reg, e->agent, 0, GC_NONE, 0, e->start, (uint8_t)(e->kind == GC_TE_CALL_NEW ? GC_OBS_CALL_NEW : GC_OBS_PHONE_OFF),
              (uint8_t)(e->kind == GC_TE_CALL_NEW ? e->place : 0), 0};
  if (!push(out, &o) && reg != e->agent) out->identity_errors++;
}

void gc_sensors_observe(const gc_sensor_ctx *c, const gc_event *ev, size_t n, gc_obs_buf *out) {
  for (size_t k = 0; k < n; k++) {
    const gc_event *e = &ev[k];
    if (e->kind == GC_TE_OFFENCE) continue;                /* no sensor sees an offence */
    if (e->kind == GC_TE_STAY) {
      if (!c->world->scanner[e->place]) continue;          /* skip the draw: nothing to see */
      observe_stay(c, e, gc_rng4(c->key, e->agent, (uint32_t)c->day, e->seq), out);
    } else if (e->kind == GC_TE_PURCHASE) {
      philox4x32_ctr_t u = gc_rng4(c->key, e->agent, (uint32_t)c->day, e->seq);
      if (gc_u01(u.v[0]) >= c->cfg->sensors.purchase_coverage) continue;
      gc_obs o = {e->agent, e->agent, e->place, GC_NONE, e->qty, e->start, GC_OBS_PURCHASE, (uint8_t)e->place, 0};
      push(out, &o);
    } else {
      observe_phone(c, e, gc_rng4(c->key, e->agent, (uint32_t)c->day, e->seq), out);
    }
  }
}

void gc_sensors_household_use(const gc_sensor_ctx *c, uint32_t h, double *kwh, double *litres) {
  const gc_population *p = c->pop;
  const gc_activity_cfg *a = &c->cfg->activity;
  uint32_t present = 0;
  for (uint32_t i = p->hh_start[h]; i < p->hh_start[h + 1]; i++)
    present += p->st.detained_until[i] <= c->day && p->st.away_until[i] <= c->day;
  philox4x32_ctr_t u = gc_rng4(c->ukey, h, (uint32_t)c->day, 0);
  double z1 = sqrt(-2.0 * log(gc_u01(u.v[0]))) * cos(6.283185307179586 * gc_u01(u.v[1]));
  double z2 = sqrt(-2.0 * log(gc_u01(u.v[2]))) * cos(6.283185307179586 * gc_u01(u.v[3]));
  double sd = a->utility_noise_sd, size = present ? pow((double)present, a->utility_size_exponent) : 0.15;
  *kwh = a->electricity_base * size * exp(sd * z1 - sd * sd / 2);
  *litres = a->water_base * size * exp(sd * z2 - sd * sd / 2);
}

void gc_sensors_utility(const gc_sensor_ctx *c, uint32_t h0, uint32_t h1, gc_obs_buf *out) {
  const gc_population *p = c->pop;
  for (uint32_t h = h0; h < h1; h++) {
    philox4x32_ctr_t m = gc_rng4(c->ukey, h, 0xFFFFu, 0);
    if (gc_u01(m.v[0]) >= c->cfg->sensors.meter_coverage) continue;
    double kwh, litres;
    gc_sensors_household_use(c, h, &kwh, &litres);
    uint32_t head = p->hh_start[h];
    gc_obs e = {head, head, h, GC_NONE, (float)kwh, 0, GC_OBS_ELECTRICITY, 0, 0};
    gc_obs w = {head, head, h, GC_NONE, (float)litres, 0, GC_OBS_WATER, 0, 0};
    push(out, &e);
    push(out, &w);
  }
}
