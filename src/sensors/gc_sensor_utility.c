/*
** gc_sensor_utility.c — household electricity and water meters (the
** Shanghai "digital whistle", NYT-2022).
**
** Daily use grows with the number of people present (size^exponent) times
** log-normal noise with mean one; an empty dwelling still uses 0.15 of a
** single person's.  Whether a household has a reporting meter is fixed for
** the run (drawn with day counter 0xFFFF), as meters are installed, not
** switched daily.  Readings are recorded under the household's head.
*/
#include <math.h>
#include "gc_sensor_kind.h"

/* Household h's use today, with u = gc_rng4(ukey, h, day, 0). */
static void use(const gc_sensor_ctx *c, uint32_t h, philox4x32_ctr_t u, double *kwh, double *litres) {
  const gc_population *p = c->pop;
  const gc_activity_cfg *a = &c->cfg->activity;
  uint32_t present = 0;
  for (uint32_t i = p->hh_start[h]; i < p->hh_start[h + 1]; i++)
    present += p->st.detained_until[i] <= c->day && p->st.away_until[i] <= c->day;
  /* two standard normals from one Box-Muller pair (cos and sin of one angle) */
  double r = sqrt(-2.0 * log(gc_u01(u.v[0]))), t = 6.283185307179586 * gc_u01(u.v[1]);
  double z1 = r * cos(t), z2 = r * sin(t);
  double sd = a->utility_noise_sd;
  double size = !present ? 0.15 : present < GC_SENSE_SIZE_POW ? c->size_pow[present]
                                                               : pow((double)present, a->utility_size_exponent);
  *kwh = a->electricity_base * size * exp(sd * z1 - sd * sd / 2);
  *litres = a->water_base * size * exp(sd * z2 - sd * sd / 2);
}

void gc_sensors_household_use(const gc_sensor_ctx *c, uint32_t h, double *kwh, double *litres) {
  use(c, h, gc_rng4(c->ukey, h, (uint32_t)c->day, 0), kwh, litres);
}

/* Whether household h has a reporting meter: fixed for the run (day
** counter 0xFFFF), looked up in the sensors' bit set when there is one. */
static int metered(const gc_sensor_ctx *c, uint32_t h) {
  if (c->state && c->state->metered) return (c->state->metered[h >> 3] >> (h & 7)) & 1;
  return gc_sensors_metered(c->cfg, h);
}

int gc_sensors_metered(const gc_config *cfg, uint32_t h) {
  philox4x32_ctr_t m = gc_rng4(gc_rng_key_make(cfg->seed, GC_RNG_UTILITY), h, 0xFFFFu, 0);
  return gc_u01(m.v[0]) < cfg->sensors.meter_coverage;
}

void gc_sensors_utility(const gc_sensor_ctx *c, uint32_t h0, uint32_t h1, gc_obs_buf *out) {
  const gc_population *p = c->pop;
  if (!(c->cfg->sensors.meter_coverage > 0)) return;
  enum { CHUNK = 64 };
  philox4x32_ctr_t u[CHUNK];
  for (uint32_t h = h0; h < h1; h++) {
    if ((h - h0) % CHUNK == 0)
      gc_rng4_batch(c->ukey, h, h1 - h < CHUNK ? h1 - h : CHUNK, (uint32_t)c->day, 0, u);
    if (!metered(c, h)) continue;
    double kwh, litres;
    use(c, h, u[(h - h0) % CHUNK], &kwh, &litres);
    uint32_t head = p->hh_start[h];
    gc_obs e = {head, head, h, GC_NONE, (float)kwh, 0, GC_OBS_ELECTRICITY, 0, 0};
    gc_obs w = {head, head, h, GC_NONE, (float)litres, 0, GC_OBS_WATER, 0, 0};
    gc_obs_push(out, &e);
    gc_obs_push(out, &w);
  }
}
