/*
** gc_sensor_utility.c — household electricity and water meters (the
** Shanghai "digital whistle", NYT-2022).
**
** Daily use grows with the number of people present (size^exponent) times
** log-normal noise with mean one; an empty dwelling still uses 0.15 of a
** single person's.  Whether a household has a reporting meter is fixed for
** the run (drawn with day counter 0xFFFF), as meters are installed, not
** switched daily.  Readings are recorded under the household's head.
**
** Cost.  A city has a reading pair per household and day, most of a day's
** observations, so the loop is kept lean: what it reads of the context,
** configuration and population is copied once per block into a meter_day
** (the compiler cannot keep it in registers itself: the readings it stores
** might alias it), and the block's readings are written straight into room
** reserved for all of them (gc_obs_reserve) instead of one gc_obs_push
** each; the numbers are computed exactly as before.
*/
#include <math.h>
#include "gc_sensor_kind.h"

/* The meters' log-normal factor with mean one, exp(sd z - sd^2 / 2) for the
** normal quantile z of u: interpolated in the sensors' table (4,096 steps of
** u: within 1e-4 of the exact factor), computed in the tails (u within
** 16 steps of 0 or 1, where the quantile curves too fast to interpolate)
** and without a table. */
static inline double meter_factor(const float *t, double sd, double u) {
  double x = u * GC_METER_NOISE_N;
  int k = (int)x;
  if (!t || k < 16 || k >= GC_METER_NOISE_N - 16) return exp(sd * gc_normal_quantile(u) - sd * sd / 2);
  return t[k] + (x - k) * (t[k + 1] - t[k]);
}

/* What the readings of one day read, gathered from the context. */
typedef struct meter_day {
  const float *noise;              /* the noise table; NULL: compute every factor */
  double sd;                       /* utility_noise_sd */
  double exponent;                 /* utility_size_exponent */
  double electricity_base, water_base;
  const double *size_pow;          /* ctx->size_pow */
  const uint32_t *hh_start;
  const uint16_t *detained_until, *away_until;
  int day;
} meter_day;

static void meter_day_init(meter_day *m, const gc_sensor_ctx *c) {
  const gc_activity_cfg *a = &c->cfg->activity;
  *m = (meter_day){c->state ? c->state->meter_noise : NULL, a->utility_noise_sd, a->utility_size_exponent,
                   a->electricity_base, a->water_base, c->size_pow, c->pop->hh_start,
                   c->pop->st.detained_until, c->pop->st.away_until, c->day};
}

/* Household h's use today, with u = gc_rng4(ukey, h, day, 0). */
static inline void use(const meter_day *m, uint32_t h, philox4x32_ctr_t u, double *kwh, double *litres) {
  uint32_t present = 0;
  for (uint32_t i = m->hh_start[h]; i < m->hh_start[h + 1]; i++)
    present += (m->detained_until[i] <= m->day) & (m->away_until[i] <= m->day);
  double size = !present ? 0.15 : present < GC_SENSE_SIZE_POW ? m->size_pow[present]
                                                               : pow((double)present, m->exponent);
  *kwh = m->electricity_base * size * meter_factor(m->noise, m->sd, gc_u01(u.v[0]));
  *litres = m->water_base * size * meter_factor(m->noise, m->sd, gc_u01(u.v[1]));
}

void gc_sensors_household_use(const gc_sensor_ctx *c, uint32_t h, double *kwh, double *litres) {
  meter_day m;
  meter_day_init(&m, c);
  use(&m, h, gc_rng4(c->ukey, h, (uint32_t)c->day, 0), kwh, litres);
}

/* Whether household h has a reporting meter is fixed for the run (day
** counter 0xFFFF); gc_sensors_utility looks it up in the sensors' bit set
** when there is one. */
int gc_sensors_metered(const gc_config *cfg, uint32_t h) {
  philox4x32_ctr_t m = gc_rng4(gc_rng_key_make(cfg->seed, GC_RNG_UTILITY), h, 0xFFFFu, 0);
  return gc_u01(m.v[0]) < cfg->sensors.meter_coverage;
}

/* Whether household h has a meter: from the sensors' bit set when there is
** one (bits), else drawn. */
static inline int has_meter(const uint8_t *bits, const gc_config *cfg, uint32_t h) {
  return bits ? (bits[h >> 3] >> (h & 7)) & 1 : gc_sensors_metered(cfg, h) != 0;
}

/* The readings of the metered households of [h0, h1), in household order:
** electricity to e[0], e[step], ..., water to w[0], w[step], ...; returns
** how many households.  They are under the head's identity, so no identity
** errors. */
static inline size_t readings(const gc_sensor_ctx *c, uint32_t h0, uint32_t h1, gc_obs *e, gc_obs *w,
                              size_t step) {
  meter_day m;
  meter_day_init(&m, c);
  const uint8_t *bits = c->state ? c->state->metered : NULL;
  enum { CHUNK = 64 };
  philox4x32_ctr_t u[CHUNK];
  size_t k = 0;
  for (uint32_t h = h0; h < h1; h++) {
    if ((h - h0) % CHUNK == 0)
      gc_rng4_batch(c->ukey, h, h1 - h < CHUNK ? h1 - h : CHUNK, (uint32_t)c->day, 0, u);
    if (!has_meter(bits, c->cfg, h)) continue;
    double kwh, litres;
    use(&m, h, u[(h - h0) % CHUNK], &kwh, &litres);
    uint32_t head = m.hh_start[h];
    e[k * step] = (gc_obs){head, head, h, GC_NONE, (float)kwh, 0, GC_OBS_ELECTRICITY, 0, 0};
    w[k * step] = (gc_obs){head, head, h, GC_NONE, (float)litres, 0, GC_OBS_WATER, 0, 0};
    k++;
  }
  return k;
}

/* Two readings per metered household, electricity then water, in household
** order. */
void gc_sensors_utility(const gc_sensor_ctx *c, uint32_t h0, uint32_t h1, gc_obs_buf *out) {
  if (!(c->cfg->sensors.meter_coverage > 0) || h1 <= h0) return;
  gc_obs *o = gc_obs_reserve(out, 2 * (size_t)(h1 - h0));
  if (!o) return;
  size_t pairs = readings(c, h0, h1, o, o + 1, 2);
  out->n += 2 * pairs;
  out->by_kind[GC_OBS_ELECTRICITY] += pairs;
  out->by_kind[GC_OBS_WATER] += pairs;
}

size_t gc_sensors_utility_into(const gc_sensor_ctx *c, uint32_t h0, uint32_t h1, gc_obs *electricity,
                               gc_obs *water) {
  if (!(c->cfg->sensors.meter_coverage > 0) || h1 <= h0) return 0;
  return readings(c, h0, h1, electricity, water, 1);
}

uint64_t gc_sensors_metered_in(const gc_sensors *s, const gc_config *cfg, uint32_t h0, uint32_t h1) {
  uint64_t n = 0;
  if (!(cfg->sensors.meter_coverage > 0)) return 0;
  for (uint32_t h = h0; h < h1; h++)
    n += (uint64_t)has_meter(s ? s->metered : NULL, cfg, h);
  return n;
}
