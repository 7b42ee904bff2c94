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

/* The meters' log-normal factor with mean one, exp(sd z - sd^2 / 2) for the
** normal quantile z of u: interpolated in the sensors' table (4,096 steps of
** u: within 1e-4 of the exact factor), computed in the tails (u within
** 16 steps of 0 or 1, where the quantile curves too fast to interpolate)
** and without a table. */
static double meter_factor(const gc_sensor_ctx *c, double u) {
  double sd = c->cfg->activity.utility_noise_sd;
  const float *t = c->state ? c->state->meter_noise : NULL;
  double x = u * GC_METER_NOISE_N;
  int k = (int)x;
  if (!t || k < 16 || k >= GC_METER_NOISE_N - 16) return exp(sd * gc_normal_quantile(u) - sd * sd / 2);
  return t[k] + (x - k) * (t[k + 1] - t[k]);
}

/* Household h's use today, with u = gc_rng4(ukey, h, day, 0). */
static void use(const gc_sensor_ctx *c, uint32_t h, philox4x32_ctr_t u, double *kwh, double *litres) {
  const gc_population *p = c->pop;
  const gc_activity_cfg *a = &c->cfg->activity;
  uint32_t present = 0;
  for (uint32_t i = p->hh_start[h]; i < p->hh_start[h + 1]; i++)
    present += p->st.detained_until[i] <= c->day && p->st.away_until[i] <= c->day;
  double size = !present ? 0.15 : present < GC_SENSE_SIZE_POW ? c->size_pow[present]
                                                               : pow((double)present, a->utility_size_exponent);
  *kwh = a->electricity_base * size * meter_factor(c, gc_u01(u.v[0]));
  *litres = a->water_base * size * meter_factor(c, gc_u01(u.v[1]));
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
