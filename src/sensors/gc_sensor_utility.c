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
  if (!(c->cfg->sensors.meter_coverage > 0)) return;
  for (uint32_t h = h0; h < h1; h++) {
    philox4x32_ctr_t m = gc_rng4(c->ukey, h, 0xFFFFu, 0);
    if (gc_u01(m.v[0]) >= c->cfg->sensors.meter_coverage) continue;
    double kwh, litres;
    gc_sensors_household_use(c, h, &kwh, &litres);
    uint32_t head = p->hh_start[h];
    gc_obs e = {head, head, h, GC_NONE, (float)kwh, 0, GC_OBS_ELECTRICITY, 0, 0};
    gc_obs w = {head, head, h, GC_NONE, (float)litres, 0, GC_OBS_WATER, 0, 0};
    gc_obs_push(out, &e);
    gc_obs_push(out, &w);
  }
}
